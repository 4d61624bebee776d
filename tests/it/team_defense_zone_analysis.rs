//! nba_precompute.team_defense_zone_analysis (`sql/nba_precompute/team_defense_zone_analysis.sql`,
//! reference-phase4 §2.4) on hand-built defence rows of [`crate::scenarios::zone_inputs`]'s
//! analysis date D, with every expected value worked out by hand: the last-15 sums, the league
//! average and its defaults, strongest and weakest zones, tiers, and the insufficient-data failure.

use std::sync::OnceLock;

use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::scenarios::zone_inputs::{
    assert_doubles, build, failures, generated, schedule_sql, D, TDZA,
};
use crate::util::{lake_with, rows};

const TDZA_T: &str = "nba_precompute.team_defense_zone_analysis";

/// The columns of [`defense_sql`]'s input rows.
const DEFENSE_COLS: &str =
    "team, game_date, season_year, pa, pm, ma, mm, ta, tm, bp, bm, bt, pts, drtg, pace";

/// `nba_analytics.team_defense_game_summary` rows from a query of [`DEFENSE_COLS`] (opponent
/// zone attempts and makes, blocks by zone, points allowed, defensive rating, pace); paint points
/// allowed are two per paint make.
fn defense_sql(rows: &str) -> String {
    format!(
        "SELECT strftime(game_date, '%Y%m%d') || '_' || team AS game_id, game_date,
            team AS defending_team_abbr, 'OPP' AS opponent_team_abbr, season_year,
            pa AS opp_paint_attempts, pm AS opp_paint_makes,
            ma AS opp_mid_range_attempts, mm AS opp_mid_range_makes,
            ta AS opp_three_pt_attempts, tm AS opp_three_pt_makes,
            2 * pm AS points_in_paint_allowed, bp AS blocks_paint, bm AS blocks_mid_range,
            bt AS blocks_three_pt, pts AS points_allowed, drtg AS defensive_rating,
            pace AS opponent_pace, md5(team || game_date) AS data_hash,
            game_date + INTERVAL 6 HOUR AS processed_at
        FROM (
            {rows}
        ) r({DEFENSE_COLS})"
    )
}

/// The schedule of a defence scenario: each team's 2023-24 games of `rows` and a game on D for
/// every team of `rows` (so the on-D defence row never changes the calendar).
fn defense_schedule_sql(rows: &str) -> String {
    schedule_sql(&format!(
        "SELECT DISTINCT game_date, team, 'OPP' FROM ({rows}) r({DEFENSE_COLS})
             WHERE season_year = 2023 AND game_date < DATE '{D}'
         UNION
         SELECT DISTINCT DATE '{D}', team, 'OPP' FROM ({rows}) r({DEFENSE_COLS})"
    ))
}

/// A lake with the defence rows `rows` (and their schedule), TDZA written for D.
fn tdza_lake(rows: &str) -> (tempfile::TempDir, Lake) {
    let (dir, lake) = lake_with(&[
        (TableId::NbacSchedule, &defense_schedule_sql(rows)),
        (TableId::TeamDefenseGameSummary, &defense_sql(rows)),
    ]);
    build(&lake, TDZA);
    (dir, lake)
}

/// Scenario 1, four teams (and OPP, OP2 of opening night, with no defence rows):
///
/// * BOS: 16 games before D. The 15 latest (i = 0..14): paint 10/20 on even i (8 games) and
///   30/40 on odd i (7 games); mid-range 6/10 for i < 5, else 3/10; threes 9/30 for i = 0, else
///   12/30; paint blocks i % 3, mid blocks 1, three blocks 1 for i < 3; points 100 + i, rating
///   110 + i, pace 98 + i % 2. The 16th latest (i = 15) is wild (every shot made, 200 points):
///   it is the 16th game and must not count.
/// * MED: 12 games of paint 11/20, mid 9/20, three 10/40.
/// * LOW: 5 games of paint 10/20, mid 8/20, three 16/40.
/// * FEW: 4 games this season and 2 in April 2023 (last season).
fn tdza_base_rows() -> String {
    let bos = generated(
        "'BOS'",
        16,
        "i + 1",
        &[
            "2023",
            "CASE WHEN i = 15 THEN 40 WHEN i % 2 = 0 THEN 20 ELSE 40 END",
            "CASE WHEN i = 15 THEN 40 WHEN i % 2 = 0 THEN 10 ELSE 30 END",
            "CASE WHEN i = 15 THEN 20 ELSE 10 END",
            "CASE WHEN i = 15 THEN 20 WHEN i < 5 THEN 6 ELSE 3 END",
            "CASE WHEN i = 15 THEN 20 ELSE 30 END",
            "CASE WHEN i = 15 THEN 20 WHEN i = 0 THEN 9 ELSE 12 END",
            "CASE WHEN i = 15 THEN 10 ELSE i % 3 END",
            "CASE WHEN i = 15 THEN 10 ELSE 1 END",
            "CASE WHEN i = 15 THEN 10 WHEN i < 3 THEN 1 ELSE 0 END",
            "CASE WHEN i = 15 THEN 200 ELSE 100 + i END",
            "CASE WHEN i = 15 THEN 200.0 ELSE 110.0 + i END",
            "CASE WHEN i = 15 THEN 150.0 ELSE 98.0 + i % 2 END",
        ],
    );
    let flat = |team: &str, n: usize, zones: [i32; 6]| {
        let [pa, pm, ma, mm, ta, tm] = zones.map(|v| v.to_string());
        generated(
            &format!("'{team}'"),
            n,
            "i + 1",
            &[
                "2023", &pa, &pm, &ma, &mm, &ta, &tm, "1", "0", "0", "100", "105.0", "100.0",
            ],
        )
    };
    let last_season = "SELECT 'FEW', DATE '2023-04-01' + CAST(2 * i AS INTEGER), 2022, 20, 10, \
                       20, 8, 40, 16, 1, 0, 0, 100, 105.0, 100.0 FROM range(2) t(i)";
    [
        bos,
        flat("MED", 12, [20, 11, 20, 9, 40, 10]),
        flat("LOW", 5, [20, 10, 20, 8, 40, 16]),
        flat("FEW", 4, [20, 10, 20, 8, 40, 16]),
        last_season.to_string(),
    ]
    .join("\nUNION ALL\n")
}

/// BOS's game on D itself, with nothing made: would move every BOS number if it counted.
const BOS_ON_D: &str = "SELECT 'BOS', DATE '2024-01-10', 2023, 50, 0, 50, 0, 50, 0, 20, 20, 20, \
                        300, 300.0, 200.0";

/// Scenario 1 with BOS's game on D.
fn tdza_scenario() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| tdza_lake(&format!("{}\nUNION ALL\n{BOS_ON_D}", tdza_base_rows())))
        .1
}

fn tdza_where(team: &str) -> String {
    format!("FROM {TDZA_T} WHERE team_abbr = '{team}' AND analysis_date = DATE '{D}'")
}

fn failure_of(lake: &Lake, table: TableId, entity: &str) -> Option<Vec<String>> {
    failures(lake, table).into_iter().find(|f| f[0] == entity)
}

#[test]
fn tdza_zone_numbers_are_sums_over_the_last_15_games_before_the_date() {
    let lake = tdza_scenario();
    assert_doubles(
        lake,
        &format!(
            "SELECT paint_pct_allowed_last_15, mid_range_pct_allowed_last_15,
                    three_pt_pct_allowed_last_15, paint_attempts_allowed_per_game,
                    mid_range_attempts_allowed_per_game, three_pt_attempts_allowed_per_game,
                    paint_points_allowed_per_game, paint_blocks_per_game,
                    mid_range_blocks_per_game, three_pt_blocks_per_game,
                    opponent_points_per_game, defensive_rating_last_15, opponent_pace,
                    games_in_sample {}",
            tdza_where("BOS")
        ),
        &[
            // paint: (8·10 + 7·30) / (8·20 + 7·40) = 290/440 = 0.65909 (the mean of the game
            // pcts would be (8·0.5 + 7·0.75)/15 = 0.617; with the 16th game 330/480 = 0.688)
            Some(0.659),
            // mid: (5·6 + 10·3) / 150 = 0.4
            Some(0.4),
            // three: (9 + 14·12) / 450 = 177/450 = 0.39333
            Some(0.393),
            // attempts per game: 440/15 = 29.33, 150/15, 450/15
            Some(29.3),
            Some(10.0),
            Some(30.0),
            // paint points 2·290/15 = 38.67
            Some(38.7),
            // blocks: Σ i % 3 over 0..14 = 15 → 1.0; 15/15; 3/15 = 0.2
            Some(1.0),
            Some(1.0),
            Some(0.2),
            // points (1500 + Σi = 105)/15 = 107; rating 110 + mean i = 117;
            // pace (8·98 + 7·99)/15 = 98.47
            Some(107.0),
            Some(117.0),
            Some(98.5),
            Some(15.0),
        ],
    );
}

#[test]
fn tdza_game_on_the_date_changes_nothing() {
    let with = tdza_scenario();
    let (_dir, without) = tdza_lake(&tdza_base_rows());
    let all = format!("SELECT * FROM {TDZA_T} ORDER BY team_abbr");
    let (a, b) = (rows(with, &all), rows(&without, &all));
    assert_eq!(a.len(), 3, "BOS, LOW and MED have rows: {a:?}");
    assert_eq!(a, b, "BOS's game on D changed the output");
    let fail = |lake: &Lake| failures(lake, TDZA);
    assert_eq!(fail(with), fail(&without));
}

#[test]
fn tdza_league_defaults_when_fewer_than_10_teams_have_10_games_in_30_days() {
    // Only BOS (16 games in the 30 days) and MED (12) qualify: the defaults 0.580 / 0.410 /
    // 0.355 stand in.
    let lake = tdza_scenario();
    assert_doubles(
        lake,
        &format!(
            "SELECT paint_defense_vs_league_avg, mid_range_defense_vs_league_avg,
                    three_pt_defense_vs_league_avg {}",
            tdza_where("BOS")
        ),
        // (0.65909 − 0.580)·100 = 7.909; (0.4 − 0.41)·100 = −1; (0.39333 − 0.355)·100 = 3.833
        &[Some(7.91), Some(-1.0), Some(3.83)],
    );
    assert_doubles(
        lake,
        &format!(
            "SELECT paint_defense_vs_league_avg, mid_range_defense_vs_league_avg,
                    three_pt_defense_vs_league_avg {}",
            tdza_where("MED")
        ),
        // (0.55 − 0.58)·100, (0.45 − 0.41)·100, (0.25 − 0.355)·100
        &[Some(-3.0), Some(4.0), Some(-10.5)],
    );
    for team in ["BOS", "MED", "LOW"] {
        let notes = rows(
            lake,
            &format!("SELECT calculation_notes {}", tdza_where(team)),
        );
        assert!(
            notes.len() == 1 && notes[0][0].contains("defaults"),
            "{team}: the notes must say the league averages are the defaults: {notes:?}"
        );
    }
}

#[test]
fn tdza_strongest_and_weakest_zones_and_quality_tiers() {
    let lake = tdza_scenario();
    let got = rows(
        lake,
        &format!(
            "SELECT team_abbr, strongest_zone, weakest_zone, data_quality_tier,
                    CAST(games_in_sample AS VARCHAR)
             FROM {TDZA_T} WHERE analysis_date = DATE '{D}' ORDER BY team_abbr"
        ),
    );
    let want = |v: [&str; 5]| v.map(String::from).to_vec();
    assert_eq!(
        got,
        vec![
            // vs league 7.91 / −1.00 / 3.83: best mid-range, worst paint; 15 games → high
            want(["BOS", "mid_range", "paint", "high", "15"]),
            // LOW: 0.5 / 0.4 / 0.4 → −8.0 / −1.0 / +4.5; 5 games → low
            want(["LOW", "paint", "perimeter", "low", "5"]),
            // MED: −3.0 / +4.0 / −10.5; 12 games → medium
            want(["MED", "perimeter", "mid_range", "medium", "12"]),
        ]
    );
}

#[test]
fn tdza_team_with_fewer_than_5_games_is_an_insufficient_data_failure() {
    let lake = tdza_scenario();
    let few_rows = rows(lake, &format!("SELECT team_abbr {}", tdza_where("FEW")));
    assert!(few_rows.is_empty(), "FEW must have no row: {few_rows:?}");
    let few = failure_of(lake, TDZA, "FEW").expect("a failure row for FEW");
    // Its two games of last season do not count: 4 games, not 6.
    assert_eq!(few[1], "INSUFFICIENT_DATA");
    assert_eq!(few[2], "Only 4 games before 2024-01-10 this season, need 5");
    assert_eq!(few[6], "TEAM");
    // The opening-night teams have no defence rows at all; LOW (5 games) is a row, not a failure.
    let entities: Vec<String> = failures(lake, TDZA)
        .into_iter()
        .map(|f| f[0].clone())
        .collect();
    assert_eq!(entities, ["FEW", "OP2", "OPP"]);
}

/// Scenario 2, a league: ten qualifying teams k = 0..9 (Q0..Q8 and EDGE = k 9) with 10 games
/// each in the 30 days before D, and OUTS with only 9 there.
///
/// * paint: 10/20 for even k (0.5), 30/40 for odd k (0.75): unweighted mean 0.625 (pooling the
///   makes would give 2000/3000 = 0.667);
/// * mid: (3 + k % 3)/10: mean (30 + 9)/100 = 0.39;
/// * three: 12/30 for k < 5 (0.4), 2/10 otherwise (0.2): mean 0.3 (pooled 700/2000 = 0.35).
///
/// EDGE's oldest game is on D − 30 exactly (inside the window: without it, 9 teams and the
/// defaults); OUTS makes everything (1.0) and its oldest game is on D − 31 (outside: with it,
/// 11 teams and a paint mean of 7.25/11 = 0.659). Q0 also has a game on D with nothing made.
fn tdza_league_rows() -> String {
    let mut blocks: Vec<String> = (0..10)
        .map(|k| {
            let (team, days) = if k == 9 {
                (
                    "'EDGE'".to_string(),
                    "CASE WHEN i = 9 THEN 30 ELSE i + 1 END",
                )
            } else {
                (format!("'Q{k}'"), "i + 1")
            };
            let (pa, pm) = if k % 2 == 0 { (20, 10) } else { (40, 30) };
            let (ta, tm) = if k < 5 { (30, 12) } else { (10, 2) };
            let v = [pa, pm, 10, 3 + k % 3, ta, tm].map(|v| v.to_string());
            let mut cols = vec!["2023"];
            cols.extend(v.iter().map(String::as_str));
            cols.extend(["0", "0", "0", "100", "100.0", "100.0"]);
            generated(&team, 10, days, &cols)
        })
        .collect();
    blocks.push(generated(
        "'OUTS'",
        10,
        "CASE WHEN i = 9 THEN 31 ELSE i + 1 END",
        &[
            "2023", "20", "20", "10", "10", "10", "10", "0", "0", "0", "100", "100.0", "100.0",
        ],
    ));
    blocks.push(generated(
        "'Q0'",
        1,
        "0",
        &[
            "2023", "50", "0", "50", "0", "50", "0", "0", "0", "0", "100", "100.0", "100.0",
        ],
    ));
    blocks.join("\nUNION ALL\n")
}

#[test]
fn tdza_league_average_is_the_unweighted_mean_of_teams_with_10_games_in_30_days() {
    let (_dir, lake) = tdza_lake(&tdza_league_rows());
    let vs = |team: &str| {
        format!(
            "SELECT paint_defense_vs_league_avg, mid_range_defense_vs_league_avg,
                    three_pt_defense_vs_league_avg {}",
            tdza_where(team)
        )
    };
    // Q0: 0.5 / 0.3 / 0.4 against 0.625 / 0.39 / 0.3 (defaults would give −8.0, pooling −16.67).
    assert_doubles(&lake, &vs("Q0"), &[Some(-12.5), Some(-9.0), Some(10.0)]);
    // Q7: 0.75 / 0.4 / 0.2.
    assert_doubles(&lake, &vs("Q7"), &[Some(12.5), Some(1.0), Some(-10.0)]);
    // OUTS gets a row (10 games this season) measured against the same averages.
    assert_doubles(&lake, &vs("OUTS"), &[Some(37.5), Some(61.0), Some(70.0)]);
    let notes = rows(
        &lake,
        &format!(
            "SELECT team_abbr FROM {TDZA_T} WHERE calculation_notes IS NOT NULL
             OR strongest_zone IS NULL"
        ),
    );
    assert!(
        notes.is_empty(),
        "no notes when 10 teams qualify: {notes:?}"
    );
    // Q0 (strong paint, weak threes) and Q7 (the reverse).
    let zones = rows(
        &lake,
        &format!(
            "SELECT team_abbr, strongest_zone, weakest_zone, data_quality_tier FROM {TDZA_T}
             WHERE team_abbr IN ('Q0', 'Q7') ORDER BY team_abbr"
        ),
    );
    assert_eq!(
        zones,
        [
            ["Q0", "paint", "perimeter", "medium"],
            ["Q7", "perimeter", "paint", "medium"],
        ]
        .map(|r| r.map(String::from).to_vec())
    );
}
