//! The zone tables of Phase 4 on hand-built Phase 3 inputs, with every expected value worked out
//! by hand: team_defense_zone_analysis (`sql/nba_precompute/team_defense_zone_analysis.sql`,
//! reference-phase4 §2.4) and player_shot_zone_analysis
//! (`sql/nba_precompute/player_shot_zone_analysis.sql`, §3.3).
//!
//! Every scenario computes one analysis date, D = 2024-01-10, of the 2023-24 season, whose
//! opening night is 2023-10-24 (so D is far past the 14-day bootstrap). Rows are generated in SQL
//! with `range(n) t(i)`, game i being played i + 1 days before D (i = 0 is the latest game), so
//! the window rules (last 15 / 10 / 20 games, 30 days, strictly before D) are pinned on dates.

use std::sync::OnceLock;

use arrow::array::{Array, AsArray};
use arrow::datatypes::Float64Type;
use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::util::{lake_with, query, rows};

const TDZA: TableId = TableId::TeamDefenseZoneAnalysis;
const PSZA: TableId = TableId::PlayerShotZoneAnalysis;

/// The analysis date.
const D: &str = "2024-01-10";

/// Runs `table`'s model over D alone and writes its rows and failures into `lake`.
fn build(lake: &Lake, table: TableId) {
    let engine = Engine::open(lake).expect("engine");
    let range = format!("{D}..{D}").parse().expect("date range");
    engine
        .write_model(
            table,
            table.sql().expect("a SQL model"),
            &ModelParams::historical(range),
        )
        .unwrap_or_else(|e| panic!("{table}: {e}"));
}

/// `n` generated rows: `lead` columns, then the game date (`days` before D, an expression of the
/// row number i), then `cols` (expressions of i).
fn generated(lead: &str, n: usize, days: &str, cols: &[&str]) -> String {
    format!(
        "SELECT {lead}, DATE '{D}' - CAST({days} AS INTEGER), {} FROM range({n}) t(i)",
        cols.join(", ")
    )
}

/// `nba_raw.nbac_schedule` rows from a query of (game_date, home, away), all final regular-season
/// games of 2023-24, plus opening night 2023-10-24 (OPP against OP2, two teams with no data).
fn schedule_sql(games: &str) -> String {
    format!(
        "SELECT 'G' || lpad(CAST(row_number() OVER (ORDER BY game_date, home, away) AS VARCHAR), 5, '0')
                AS game_id,
            game_date, 2023 AS season_year, home AS home_team_tricode, away AS away_team_tricode,
            3 AS game_status, 'Final' AS game_status_text, true AS is_regular_season,
            false AS is_playoffs, false AS is_play_in,
            game_date + INTERVAL 23 HOUR AS game_time_utc, game_date + INTERVAL 26 HOUR AS processed_at
        FROM (
            SELECT DATE '2023-10-24', 'OPP', 'OP2'
            UNION
            {games}
        ) g(game_date, home, away)"
    )
}

/// The one row of `sql`, each column as f64 (NULL → None).
fn doubles(lake: &Lake, sql: &str) -> Vec<Option<f64>> {
    let batches = query(lake, sql);
    let b = batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .unwrap_or_else(|| panic!("no rows: {sql}"));
    assert_eq!(b.num_rows(), 1, "one row expected: {sql}");
    (0..b.num_columns())
        .map(|c| {
            let col = arrow::compute::cast(b.column(c), &arrow::datatypes::DataType::Float64)
                .expect("numeric column");
            let col = col.as_primitive::<Float64Type>();
            col.is_valid(0).then(|| col.value(0))
        })
        .collect()
}

/// Asserts that `sql`'s one row holds `expected`, column by column (to 1e-9).
fn assert_doubles(lake: &Lake, sql: &str, expected: &[Option<f64>]) {
    let got = doubles(lake, sql);
    assert_eq!(got.len(), expected.len(), "{sql}");
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        let ok = match (g, e) {
            (Some(g), Some(e)) => (g - e).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        assert!(
            ok,
            "column {i} of {sql}: got {g:?}, expected {e:?}\nall: {got:?}"
        );
    }
}

/// The failures written for `table` on D, as (entity_id, category, reason, can_retry,
/// expected, actual, entity_type).
fn failures(lake: &Lake, table: TableId) -> Vec<Vec<String>> {
    rows(
        lake,
        &format!(
            "SELECT entity_id, failure_category, failure_reason, CAST(can_retry AS VARCHAR),
                    CAST(expected_game_count AS VARCHAR), CAST(actual_game_count AS VARCHAR),
                    entity_type
             FROM nba_processing.processing_failures
             WHERE table_name = '{}' AND analysis_date = DATE '{D}'
             ORDER BY entity_id",
            table.name()
        ),
    )
}

fn failure_of(lake: &Lake, table: TableId, entity: &str) -> Option<Vec<String>> {
    failures(lake, table).into_iter().find(|f| f[0] == entity)
}

// ── team_defense_zone_analysis ──────────────────────────────────────────────────────────────

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

// ── player_shot_zone_analysis ───────────────────────────────────────────────────────────────

const PSZA_T: &str = "nba_precompute.player_shot_zone_analysis";

/// The columns of [`pgs_sql`]'s input rows: zone attempts and makes and assisted makes.
const PGS_COLS: &str = "player, team, game_date, pa, pm, ma, mm, ta, tm, ast";

/// `nba_analytics.player_game_summary` rows (active, 30 minutes) from a query of [`PGS_COLS`].
fn pgs_sql(rows: &str) -> String {
    format!(
        "SELECT player AS player_lookup, player || '_001' AS universal_player_id,
            strftime(game_date, '%Y%m%d') || '_' || team AS game_id, game_date,
            team AS team_abbr, 'OPP' AS opponent_team_abbr, 2023 AS season_year,
            30.0 AS minutes_played, true AS is_active, pa + ma + ta AS fg_attempts,
            pm + mm + tm AS fg_makes, 2 * (pm + mm) + 3 * tm AS points,
            pa AS paint_attempts, pm AS paint_makes, ma AS mid_range_attempts,
            mm AS mid_range_makes, ta AS three_pt_attempts, tm AS three_pt_makes,
            ast AS assisted_fg_makes, pm + mm + tm - ast AS unassisted_fg_makes,
            md5(player || game_date) AS data_hash, game_date + INTERVAL 6 HOUR AS processed_at
        FROM (
            {rows}
        ) r({PGS_COLS})"
    )
}

/// BOS plays every day from D − 20 to D (20 games before D), NEW from D − 6 to D (6 before D).
fn psza_schedule_sql() -> String {
    schedule_sql(&format!(
        "SELECT DATE '{D}' - CAST(i AS INTEGER), 'BOS', 'OPP' FROM range(21) t(i)
         UNION ALL
         SELECT DATE '{D}' - CAST(i AS INTEGER), 'NEW', 'OPP' FROM range(7) t(i)"
    ))
}

/// `n` games of `player` (on `team`) on the days before D, columns pa, pm, ma, mm, ta, tm, ast.
fn player(name: &str, team: &str, n: usize, cols: [&str; 7]) -> String {
    generated(&format!("'{name}', '{team}'"), n, "i + 1", &cols)
}

/// The players (BOS unless said):
///
/// * paintguy, 14 games. The 10 latest (i = 0..9): paint 2/4 on even i, 4/6 on odd i; mid 1/3
///   for i < 3, else 1/2; threes 1/3 for i < 4, else 0/3; 1 assisted make. The 4 older ones
///   (i = 10..13) are 10/10 threes, all assisted, and must fall out of the last 10.
/// * trendguy, 15 games: the 10 latest paint 1/4, mid 1/2, three 2/4, 2 assisted; the 5 older
///   paint 6/10 and nothing else.
/// * threeguy, midguy, balguy: 10 games each, one make per zone, shot mixes at the thresholds.
/// * benchguy: 9 of BOS's 20 games. rookie (NEW): all 6 of NEW's games. debut: only D.
fn psza_base_rows() -> String {
    [
        player(
            "paintguy",
            "BOS",
            14,
            [
                "CASE WHEN i >= 10 THEN 0 ELSE 4 + (i % 2) * 2 END",
                "CASE WHEN i >= 10 THEN 0 ELSE 2 + (i % 2) * 2 END",
                "CASE WHEN i >= 10 THEN 0 WHEN i < 3 THEN 3 ELSE 2 END",
                "CASE WHEN i >= 10 THEN 0 ELSE 1 END",
                "CASE WHEN i >= 10 THEN 10 ELSE 3 END",
                "CASE WHEN i >= 10 THEN 10 WHEN i < 4 THEN 1 ELSE 0 END",
                "CASE WHEN i >= 10 THEN 10 ELSE 1 END",
            ],
        ),
        player(
            "trendguy",
            "BOS",
            15,
            [
                "CASE WHEN i >= 10 THEN 10 ELSE 4 END",
                "CASE WHEN i >= 10 THEN 6 ELSE 1 END",
                "CASE WHEN i >= 10 THEN 0 ELSE 2 END",
                "CASE WHEN i >= 10 THEN 0 ELSE 1 END",
                "CASE WHEN i >= 10 THEN 0 ELSE 4 END",
                "CASE WHEN i >= 10 THEN 0 ELSE 2 END",
                "CASE WHEN i >= 10 THEN 0 ELSE 2 END",
            ],
        ),
        // paint 3 + 9·4 = 39, mid 3 + 9·2 = 21, three 40 of 100.
        player(
            "threeguy",
            "BOS",
            10,
            [
                "CASE WHEN i = 0 THEN 3 ELSE 4 END",
                "1",
                "CASE WHEN i = 0 THEN 3 ELSE 2 END",
                "1",
                "4",
                "1",
                "0",
            ],
        ),
        // paint 3·4 + 7·3 = 33, mid 5·4 + 5·3 = 35, three 2·4 + 8·3 = 32 of 100.
        player(
            "midguy",
            "BOS",
            10,
            [
                "CASE WHEN i < 3 THEN 4 ELSE 3 END",
                "1",
                "CASE WHEN i < 5 THEN 4 ELSE 3 END",
                "1",
                "CASE WHEN i < 2 THEN 4 ELSE 3 END",
                "1",
                "1",
            ],
        ),
        // paint 35, mid 30, three 35 of 100.
        player(
            "balguy",
            "BOS",
            10,
            [
                "CASE WHEN i < 5 THEN 4 ELSE 3 END",
                "1",
                "3",
                "1",
                "CASE WHEN i < 5 THEN 4 ELSE 3 END",
                "1",
                "1",
            ],
        ),
        generated(
            "'benchguy', 'BOS'",
            9,
            "2 * i + 1",
            &["4", "2", "2", "1", "4", "1", "1"],
        ),
        player("rookie", "NEW", 6, ["4", "2", "2", "1", "4", "1", "1"]),
    ]
    .join("\nUNION ALL\n")
}

/// Games on D itself: paintguy takes 40 threes and makes them all; debut's first game.
const PSZA_ON_D: &str = "SELECT 'paintguy', 'BOS', DATE '2024-01-10', 0, 0, 0, 0, 40, 40, 0 \
                         UNION ALL \
                         SELECT 'debut', 'BOS', DATE '2024-01-10', 5, 5, 5, 5, 5, 5, 5";

fn psza_lake(rows: &str) -> (tempfile::TempDir, Lake) {
    let (dir, lake) = lake_with(&[
        (TableId::NbacSchedule, &psza_schedule_sql()),
        (TableId::PlayerGameSummary, &pgs_sql(rows)),
    ]);
    build(&lake, PSZA);
    (dir, lake)
}

fn psza_scenario() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| psza_lake(&format!("{}\nUNION ALL\n{PSZA_ON_D}", psza_base_rows())))
        .1
}

fn psza_where(player: &str) -> String {
    format!("FROM {PSZA_T} WHERE player_lookup = '{player}' AND analysis_date = DATE '{D}'")
}

#[test]
fn psza_rates_efficiency_volume_and_creation_over_the_last_10_games_before_the_date() {
    let lake = psza_scenario();
    assert_doubles(
        lake,
        &format!(
            "SELECT paint_rate_last_10, mid_range_rate_last_10, three_pt_rate_last_10,
                    total_shots_last_10, games_in_sample_10, paint_pct_last_10,
                    mid_range_pct_last_10, three_pt_pct_last_10, paint_attempts_per_game,
                    mid_range_attempts_per_game, three_pt_attempts_per_game,
                    assisted_rate_last_10, unassisted_rate_last_10 {}",
            psza_where("paintguy")
        ),
        &[
            // Attempts: paint 5·4 + 5·6 = 50, mid 3·3 + 7·2 = 23, three 30; 103 in all:
            // 50/103 = 48.544 %, 23/103 = 22.330 %, 30/103 = 29.126 %.
            Some(48.54),
            Some(22.33),
            Some(29.13),
            Some(103.0),
            Some(10.0),
            // Makes: paint 5·2 + 5·4 = 30 → 0.6; mid 10/23 = 0.4348; three 4/30 = 0.1333.
            Some(0.6),
            Some(0.435),
            Some(0.133),
            // Per game: 50/10, 23/10, 30/10.
            Some(5.0),
            Some(2.3),
            Some(3.0),
            // 44 makes, 10 assisted: 22.727 % and 77.273 %.
            Some(22.73),
            Some(77.27),
        ],
    );
}

#[test]
fn psza_game_on_the_date_changes_nothing() {
    let with = psza_scenario();
    let (_dir, without) = psza_lake(&psza_base_rows());
    let all = format!("SELECT * FROM {PSZA_T} ORDER BY player_lookup");
    let (a, b) = (rows(with, &all), rows(&without, &all));
    assert_eq!(a.len(), 5, "five players with 10 games: {a:?}");
    assert_eq!(a, b, "the games on D changed the output");
    assert_eq!(failures(with, PSZA), failures(&without, PSZA));
}

#[test]
fn psza_primary_scoring_zone_thresholds() {
    let lake = psza_scenario();
    let got = rows(
        lake,
        &format!(
            "SELECT player_lookup, CAST(paint_rate_last_10 AS VARCHAR),
                    CAST(mid_range_rate_last_10 AS VARCHAR), CAST(three_pt_rate_last_10 AS VARCHAR),
                    primary_scoring_zone
             FROM {PSZA_T} WHERE analysis_date = DATE '{D}' ORDER BY player_lookup"
        ),
    );
    let want = |v: [&str; 5]| v.map(String::from).to_vec();
    assert_eq!(
        got,
        vec![
            // 35 / 30 / 35: no zone reaches its threshold.
            want(["balguy", "35.0", "30.0", "35.0", "balanced"]),
            // Mid-range at exactly 35 with paint and threes under 40.
            want(["midguy", "33.0", "35.0", "32.0", "mid_range"]),
            want(["paintguy", "48.54", "22.33", "29.13", "paint"]),
            // Threes at exactly 40, paint just under.
            want(["threeguy", "39.0", "21.0", "40.0", "perimeter"]),
            // Paint and threes both at 40: paint is checked first.
            want(["trendguy", "40.0", "20.0", "40.0", "paint"]),
        ]
    );
}

#[test]
fn psza_last_20_paint_trend_needs_15_games() {
    let lake = psza_scenario();
    let trend = |player: &str| {
        format!(
            "SELECT paint_rate_last_20, paint_pct_last_20, games_in_sample_20, paint_pct_last_10 {}",
            psza_where(player)
        )
    };
    // trendguy, 15 games: paint 10·4 + 5·10 = 90 of 100 + 50 = 150 attempts → 60 %, made
    // 10 + 30 = 40 → 0.444 (the last 10 alone: 10/40 = 0.25).
    assert_doubles(
        lake,
        &trend("trendguy"),
        &[Some(60.0), Some(0.444), Some(15.0), Some(0.25)],
    );
    // paintguy, 14 games: no trend.
    assert_doubles(
        lake,
        &trend("paintguy"),
        &[None, None, Some(14.0), Some(0.6)],
    );
}

#[test]
fn psza_short_history_is_expected_incomplete_or_insufficient_by_team_games() {
    let lake = psza_scenario();
    let want = |v: [&str; 7]| v.map(String::from).to_vec();
    assert_eq!(
        failures(lake, PSZA),
        vec![
            // BOS played 20 games before D, benchguy 9: he missed games.
            want([
                "benchguy",
                "INSUFFICIENT_DATA",
                "Played 9 of the team's 20 games this season before 2024-01-10, need 10",
                "true",
                "10",
                "9",
                "PLAYER",
            ]),
            // NEW has played 6: nothing is missing yet.
            want([
                "rookie",
                "EXPECTED_INCOMPLETE",
                "Played 6 of the team's 6 games this season before 2024-01-10, need 10",
                "false",
                "6",
                "6",
                "PLAYER",
            ]),
        ],
        "debut (only a game on D) is no candidate; 10 games (midguy) make a row"
    );
    let missing = rows(
        lake,
        &format!(
            "SELECT player_lookup FROM {PSZA_T}
             WHERE player_lookup IN ('benchguy', 'rookie', 'debut')"
        ),
    );
    assert!(missing.is_empty(), "failures have no rows: {missing:?}");
}

// ── player_shot_zone_analysis on real-shaped inputs: games without zone data ────────────────

/// The columns of [`pgs_real_sql`]'s rows: zone attempts and makes (NULL paint and mid-range
/// where the game has no play-by-play), the box score's field-goal attempts and makes, and
/// assisted makes (NULL without play-by-play).
const PGS_REAL_COLS: &str = "player, team, game_date, pa, pm, ma, mm, ta, tm, fga, fgm, ast";

/// `nba_analytics.player_game_summary` rows shaped like the real feed's recent seasons: threes,
/// field goals, free throws (2 made) and points come from the box score whatever the zones.
fn pgs_real_sql(rows: &str) -> String {
    format!(
        "SELECT player AS player_lookup, player || '_001' AS universal_player_id,
            strftime(game_date, '%Y%m%d') || '_' || team AS game_id, game_date,
            team AS team_abbr, 'OPP' AS opponent_team_abbr, 2023 AS season_year,
            30.0 AS minutes_played, true AS is_active, fga AS fg_attempts, fgm AS fg_makes,
            2 AS ft_makes, 2 * (fgm - tm) + tm * 3 + 2 AS points,
            CAST(pa AS INTEGER) AS paint_attempts, CAST(pm AS INTEGER) AS paint_makes,
            CAST(ma AS INTEGER) AS mid_range_attempts, CAST(mm AS INTEGER) AS mid_range_makes,
            ta AS three_pt_attempts, tm AS three_pt_makes,
            CAST(ast AS INTEGER) AS assisted_fg_makes,
            CAST(fgm - ast AS INTEGER) AS unassisted_fg_makes,
            md5(player || game_date) AS data_hash, game_date + INTERVAL 6 HOUR AS processed_at
        FROM (
            {rows}
        ) r({PGS_REAL_COLS})"
    )
}

/// BOS's players (the schedule of [`psza_schedule_sql`]), each also playing on D:
///
/// * nopbp, 12 games before D, none with zone data: 5 threes (2 made), 12 field goals (5).
/// * mixguy, 10 games: the 4 latest (i = 0..3) without zone data, 10 threes (3 made), 15 field
///   goals (6); the 6 older ones paint 2/4, mid 1/2, threes 1/4, 10 field goals (4), 2 assisted.
/// * nineguy, 10 games: the latest without zone data, the 9 older paint 3/5, mid 1/2, threes
///   1/3, 10 field goals (5), 1 assisted.
fn psza_real_rows() -> String {
    let zones = |name: &str, n: usize, cols: [&str; 9]| {
        generated(&format!("'{name}', 'BOS'"), n, "i + 1", &cols)
    };
    [
        zones(
            "nopbp",
            12,
            ["NULL", "NULL", "NULL", "NULL", "5", "2", "12", "5", "NULL"],
        ),
        zones(
            "mixguy",
            10,
            [
                "CASE WHEN i < 4 THEN NULL ELSE 4 END",
                "CASE WHEN i < 4 THEN NULL ELSE 2 END",
                "CASE WHEN i < 4 THEN NULL ELSE 2 END",
                "CASE WHEN i < 4 THEN NULL ELSE 1 END",
                "CASE WHEN i < 4 THEN 10 ELSE 4 END",
                "CASE WHEN i < 4 THEN 3 ELSE 1 END",
                "CASE WHEN i < 4 THEN 15 ELSE 10 END",
                "CASE WHEN i < 4 THEN 6 ELSE 4 END",
                "CASE WHEN i < 4 THEN NULL ELSE 2 END",
            ],
        ),
        zones(
            "nineguy",
            10,
            [
                "CASE WHEN i = 0 THEN NULL ELSE 5 END",
                "CASE WHEN i = 0 THEN NULL ELSE 3 END",
                "CASE WHEN i = 0 THEN NULL ELSE 2 END",
                "CASE WHEN i = 0 THEN NULL ELSE 1 END",
                "3",
                "1",
                "10",
                "5",
                "CASE WHEN i = 0 THEN NULL ELSE 1 END",
            ],
        ),
        format!(
            "SELECT p, 'BOS', DATE '{D}', NULL, NULL, NULL, NULL, 4, 1, 10, 4, NULL
             FROM (VALUES ('nopbp'), ('mixguy'), ('nineguy')) v(p)"
        ),
    ]
    .join("\nUNION ALL\n")
}

fn psza_real_scenario() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            let (dir, lake) = lake_with(&[
                (TableId::NbacSchedule, &psza_schedule_sql()),
                (TableId::PlayerGameSummary, &pgs_real_sql(&psza_real_rows())),
            ]);
            for table in [
                PSZA,
                TDZA,
                TableId::PlayerCompositeFactors,
                TableId::PlayerDailyCache,
                TableId::MlFeatureStoreV2,
            ] {
                build(&lake, table);
            }
            (dir, lake)
        })
        .1
}

/// (tier, production-ready, issues, sample quality, notes) of `player`'s row.
fn psza_quality(lake: &Lake, player: &str) -> Vec<String> {
    let got = rows(
        lake,
        &format!(
            "SELECT data_quality_tier, CAST(is_production_ready AS VARCHAR), data_quality_issues,
                    sample_quality_10, coalesce(calculation_notes, '-'),
                    coalesce(primary_scoring_zone, '-') {}",
            psza_where(player)
        ),
    );
    assert_eq!(got.len(), 1, "{player}: {got:?}");
    got[0].clone()
}

#[test]
fn psza_player_without_zone_data_gets_null_rates_and_an_honest_tier() {
    let lake = psza_real_scenario();
    // A row (12 games), but no shot mix: NULL rates, paint and mid-range numbers and zone
    // sample; threes from the box score: 24 of 60 made over 12 games.
    assert_doubles(
        lake,
        &format!(
            "SELECT paint_rate_last_10, mid_range_rate_last_10, three_pt_rate_last_10,
                    total_shots_last_10, games_in_sample_10, paint_pct_last_10,
                    mid_range_pct_last_10, three_pt_pct_last_10, paint_attempts_per_game,
                    mid_range_attempts_per_game, three_pt_attempts_per_game,
                    assisted_rate_last_10, paint_rate_last_20, games_in_sample_20,
                    actual_games_count {}",
            psza_where("nopbp")
        ),
        &[
            None,
            None,
            None,
            None,
            Some(0.0),
            None,
            None,
            // The last 10 games: 20 of 50.
            Some(0.4),
            None,
            None,
            Some(5.0),
            None,
            None,
            Some(0.0),
            Some(10.0),
        ],
    );
    assert_eq!(
        psza_quality(lake, "nopbp"),
        [
            "low",
            "false",
            "[\"no_zone_data\"]",
            "insufficient",
            "No zone data (paint, mid-range) in the last 10 games",
            "-",
        ]
    );
}

#[test]
fn psza_rates_are_over_the_games_with_zone_data_only() {
    let lake = psza_real_scenario();
    // mixguy's 6 zone games: paint 24, mid 12, threes 24 of 60 = 40 / 20 / 40 %. Summing the
    // NULL-free columns over all 10 games would give threes 64 of 100 and call him a perimeter
    // player.
    assert_doubles(
        lake,
        &format!(
            "SELECT paint_rate_last_10, mid_range_rate_last_10, three_pt_rate_last_10,
                    total_shots_last_10, games_in_sample_10, paint_pct_last_10,
                    mid_range_pct_last_10, three_pt_pct_last_10, paint_attempts_per_game,
                    mid_range_attempts_per_game, three_pt_attempts_per_game,
                    assisted_rate_last_10, unassisted_rate_last_10 {}",
            psza_where("mixguy")
        ),
        &[
            Some(40.0),
            Some(20.0),
            Some(40.0),
            Some(60.0),
            Some(6.0),
            // 12 / 24 and 6 / 12.
            Some(0.5),
            Some(0.5),
            // Threes over all 10 games (the box score's): 4·3 + 6·1 = 18 of 40 + 24 = 64.
            Some(0.281),
            // Per zone game 24 / 6 and 12 / 6; threes per game 64 / 10.
            Some(4.0),
            Some(2.0),
            Some(6.4),
            // Assisted over the 6 games that record them: 12 of 24 makes.
            Some(50.0),
            Some(50.0),
        ],
    );
    // Six zone games of ten: low, not production-ready (90 % wanted), and said so.
    assert_eq!(
        psza_quality(lake, "mixguy"),
        [
            "low",
            "false",
            "[\"partial_zone_data\"]",
            "limited",
            "Zone data in 6 of the last 10 games; rates over those",
            "paint",
        ]
    );
    // Nine of ten: medium, and production-ready (9 ≥ 0.9 · 10).
    assert_eq!(
        psza_quality(lake, "nineguy"),
        [
            "medium",
            "true",
            "[\"partial_zone_data\"]",
            "good",
            "Zone data in 9 of the last 10 games; rates over those",
            "paint",
        ]
    );
    // Its 9 zone games: paint 45, mid 18, threes 27 of 90 = 50 / 20 / 30 %.
    assert_doubles(
        lake,
        &format!(
            "SELECT paint_rate_last_10, mid_range_rate_last_10, three_pt_rate_last_10 {}",
            psza_where("nineguy")
        ),
        &[Some(50.0), Some(20.0), Some(30.0)],
    );
}

#[test]
fn psza_without_zone_data_the_feature_store_flags_its_zone_features_default() {
    let lake = psza_real_scenario();
    let vector = |player: &str| {
        let got = rows(
            lake,
            &format!(
                "SELECT features, feature_sources FROM nba_predictions.ml_feature_store_v2
                 WHERE player_lookup = '{player}' AND game_date = DATE '{D}'"
            ),
        );
        assert_eq!(got.len(), 1, "{player}: {got:?}");
        let values: Vec<f64> = serde_json::from_str(&got[0][0]).expect("features");
        let sources: Vec<String> = serde_json::from_str(&got[0][1]).expect("sources");
        (values, sources)
    };
    // pct_paint, pct_mid_range, pct_three are features 18–20.
    let (values, sources) = vector("nopbp");
    assert_eq!(sources[18..21], ["default", "default", "default"]);
    assert_eq!(values[18..21], [0.30, 0.20, 0.35]);
    // The free-throw share comes from the box score: real.
    assert_eq!(sources[21], "calculated");
    // mixguy's shares are the zone games' own.
    let (values, sources) = vector("mixguy");
    assert_eq!(sources[18..21], ["phase4", "phase4", "phase4"]);
    assert_eq!(values[18..21], [0.4, 0.2, 0.4]);
    // The composite factors see the shot profile as not ready.
    let ready = rows(
        lake,
        &format!(
            "SELECT player_lookup, CAST(upstream_player_shot_ready AS VARCHAR)
             FROM nba_precompute.player_composite_factors WHERE game_date = DATE '{D}'
             ORDER BY player_lookup"
        ),
    );
    assert_eq!(
        ready,
        [["mixguy", "false"], ["nineguy", "true"], ["nopbp", "false"]]
    );
}
