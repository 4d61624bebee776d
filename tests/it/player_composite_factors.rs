//! nba_precompute.player_composite_factors (`sql/nba_precompute/player_composite_factors.sql`,
//! reference-phase4 §4.4) on hand-built inputs: one game date, 2024-01-20, with players whose
//! pre-game context (upcoming_player_game_context), shot profile (player_shot_zone_analysis) and
//! opponent zone defence (team_defense_zone_analysis) are chosen so that each rule of the four
//! factors (fatigue, shot-zone mismatch, pace, usage spike), the warnings and the completeness
//! bookkeeping shows on its own, with the expected values computed by hand. Also: the historical
//! population is the players who played that date, and a player without a context row gets one
//! rebuilt from his earlier games (`backcourt.pregame_context`).

use std::sync::OnceLock;

use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::util::{float, int, lake_with, rows};

const PCF: &str = "nba_precompute.player_composite_factors";

/// The test date, 88 days after opening night (2023-10-24): far past the 14-day bootstrap.
const DATE: &str = "2024-01-20";

/// The context columns the factors read, in the order of [`FRESH`].
const CTX_COLUMNS: [(&str, &str); 11] = [
    ("days_rest", "INTEGER"),
    ("back_to_back", "BOOLEAN"),
    ("games_in_last_7_days", "INTEGER"),
    ("minutes_in_last_7_days", "INTEGER"),
    ("avg_minutes_per_game_last_7", "DOUBLE"),
    ("back_to_backs_last_14_days", "INTEGER"),
    ("player_age", "INTEGER"),
    ("projected_usage_rate", "DOUBLE"),
    ("avg_usage_rate_last_7_games", "DOUBLE"),
    ("star_teammates_out", "INTEGER"),
    ("pace_differential", "DOUBLE"),
];

/// A fresh, neutral player: two days of rest (no bonus), 3 games / 200 minutes / 30 a game in
/// the last week, no back-to-backs, age 25, projected usage equal to the baseline, even pace.
/// Every factor is 0 and fatigue is 100.
const FRESH: [&str; 11] = [
    "2", "false", "3", "200", "30.0", "0", "25", "25.0", "25.0", "0", "0.0",
];

/// Every fatigue penalty at once: 100 − 15 − 10 − 10 − 8 − 12 − 10 = 35.
const WORN_OUT: &[(&str, &str)] = &[
    ("days_rest", "1"),
    ("back_to_back", "true"),
    ("games_in_last_7_days", "5"),
    ("minutes_in_last_7_days", "300"),
    ("avg_minutes_per_game_last_7", "40.0"),
    ("back_to_backs_last_14_days", "2"),
    ("player_age", "36"),
];

/// One player of the scenario.
struct Case {
    name: &'static str,
    team: &'static str,
    opp: &'static str,
    /// Overrides of [`FRESH`] in the player's context row; `None`: he has no context row.
    ctx: Option<&'static [(&'static str, &'static str)]>,
    /// His shot profile: primary zone (a SQL literal), paint, mid-range and three-point rates of
    /// the last 10 games; `None`: no player_shot_zone_analysis row.
    shot: Option<(&'static str, f64, f64, f64)>,
}

/// A BOS player (against NYK, which has no zone-defence row) with no shot profile.
const fn bos(name: &'static str, ctx: &'static [(&'static str, &'static str)]) -> Case {
    Case {
        name,
        team: "BOS",
        opp: "NYK",
        ctx: Some(ctx),
        shot: None,
    }
}

/// A player of `team` against `opp` with a shot profile.
const fn vs(
    name: &'static str,
    team: &'static str,
    opp: &'static str,
    ctx: &'static [(&'static str, &'static str)],
    shot: Option<(&'static str, f64, f64, f64)>,
) -> Case {
    Case {
        name,
        team,
        opp,
        ctx: Some(ctx),
        shot,
    }
}

/// The games of 2024-01-20, (home, away).
const GAMES: &[(&str, &str)] = &[
    ("BOS", "NYK"),
    ("ATL", "CHI"),
    ("DAL", "DEN"),
    ("DET", "GSW"),
    ("HOU", "IND"),
    ("LAC", "LAL"),
    ("MEM", "MIA"),
    ("MIL", "MIN"),
];

/// Zone defence on 2024-01-20, points of FG% vs the league (+ = worse than the league):
/// (team, paint, mid-range, three). NYK and LAC have no row.
const DEFENSE: &[(&str, f64, f64, f64)] = &[
    ("CHI", 4.0, -7.0, -6.0),
    ("ATL", 6.0, 1.0, 1.0),
    ("DEN", 2.0, 3.0, -9.0),
    ("DAL", -7.0, 8.0, 1.0),
    ("GSW", 3.0, -8.0, -8.0),
    ("DET", -2.5, 9.0, 9.0),
    ("IND", 9.0, 0.0, 0.0),
    ("HOU", -7.0, 0.0, 0.0),
    ("MIN", 5.0, 0.0, 0.0),
    ("MIL", 6.5, 0.0, 0.0),
    ("LAL", 4.0, 0.0, 0.0),
    ("MIA", 9.0, 0.0, 0.0),
    ("MEM", -9.0, 0.0, 0.0),
];

#[rustfmt::skip]
const CASES: &[Case] = &[
    // Fatigue, one rule each (BOS vs NYK: no shot profile, no opponent defence).
    bos("f_fresh", &[]),
    bos("f_back_to_back", &[("days_rest", "1"), ("back_to_back", "true")]),
    bos("f_rested", &[("days_rest", "3")]),
    bos("f_busy", &[("games_in_last_7_days", "4")]),
    bos("f_rested_busy", &[("days_rest", "3"), ("games_in_last_7_days", "4")]),
    bos("f_minutes_240", &[("minutes_in_last_7_days", "240")]),
    bos("f_minutes_241", &[("minutes_in_last_7_days", "241")]),
    bos("f_avg_35", &[("avg_minutes_per_game_last_7", "35.0")]),
    bos("f_avg_35_1", &[("avg_minutes_per_game_last_7", "35.1")]),
    bos("f_b2b14_one", &[("back_to_backs_last_14_days", "1")]),
    bos("f_b2b14_two", &[("back_to_backs_last_14_days", "2")]),
    bos("f_b2b14_three", &[("back_to_backs_last_14_days", "3")]),
    bos("f_age_29", &[("player_age", "29")]),
    bos("f_age_30", &[("player_age", "30")]),
    bos("f_age_34", &[("player_age", "34")]),
    bos("f_age_35", &[("player_age", "35")]),
    bos("f_worn_out", WORN_OUT),
    // 100 − 15 − 10 − 10 − 5 − 10 = 50: not below 50.
    bos("f_fifty", &[
        ("days_rest", "1"), ("back_to_back", "true"), ("games_in_last_7_days", "4"),
        ("minutes_in_last_7_days", "250"), ("back_to_backs_last_14_days", "1"),
        ("player_age", "35"),
    ]),
    // Every fatigue input NULL: the neutral defaults (§4.4.1) give 100.
    bos("f_defaults", &[
        ("days_rest", "NULL"), ("back_to_back", "NULL"), ("games_in_last_7_days", "NULL"),
        ("minutes_in_last_7_days", "NULL"), ("avg_minutes_per_game_last_7", "NULL"),
        ("back_to_backs_last_14_days", "NULL"), ("player_age", "NULL"),
    ]),
    // Pace.
    bos("p_plus4", &[("pace_differential", "4.0")]),
    bos("p_minus3", &[("pace_differential", "-3.0")]),
    bos("p_plus7", &[("pace_differential", "7.0")]),
    bos("p_minus8", &[("pace_differential", "-8.0")]),
    bos("p_null", &[("pace_differential", "NULL")]),
    // Usage spike.
    bos("u_plain", &[("projected_usage_rate", "28.0"), ("avg_usage_rate_last_7_games", "24.0")]),
    bos("u_one_star", &[
        ("projected_usage_rate", "28.0"), ("avg_usage_rate_last_7_games", "24.0"),
        ("star_teammates_out", "1"),
    ]),
    bos("u_two_stars", &[
        ("projected_usage_rate", "28.0"), ("avg_usage_rate_last_7_games", "24.0"),
        ("star_teammates_out", "2"),
    ]),
    bos("u_drop_with_stars", &[
        ("projected_usage_rate", "20.0"), ("avg_usage_rate_last_7_games", "24.0"),
        ("star_teammates_out", "2"),
    ]),
    bos("u_high", &[("projected_usage_rate", "40.0"), ("avg_usage_rate_last_7_games", "25.0")]),
    bos("u_low", &[("projected_usage_rate", "10.0"), ("avg_usage_rate_last_7_games", "25.0")]),
    bos("u_no_projection", &[
        ("projected_usage_rate", "NULL"), ("avg_usage_rate_last_7_games", "15.0"),
        ("star_teammates_out", "1"),
    ]),
    bos("u_zero_baseline", &[("projected_usage_rate", "30.0"), ("avg_usage_rate_last_7_games", "0.0")]),
    // Completeness: days_rest, projected usage and pace all missing, no shot, no defence.
    bos("c_nothing", &[
        ("days_rest", "NULL"), ("projected_usage_rate", "NULL"), ("pace_differential", "NULL"),
    ]),
    // Shot-zone mismatch: each against its own opponent (DEFENSE), fresh otherwise.
    vs("m_paint", "ATL", "CHI", &[], Some(("'paint'", 40.0, 30.0, 30.0))),
    vs("m_boosted", "CHI", "ATL", &[], Some(("'paint'", 60.0, 20.0, 20.0))),
    vs("m_perimeter", "DAL", "DEN", &[], Some(("'perimeter'", 20.0, 30.0, 50.0))),
    vs("m_mid_range", "DEN", "DAL", &[], Some(("'mid_range'", 45.0, 25.0, 30.0))),
    vs("m_balanced", "DET", "GSW", &[], Some(("'balanced'", 50.0, 30.0, 20.0))),
    vs("m_no_zone", "GSW", "DET", &[], Some(("NULL", 30.0, 40.0, 30.0))),
    vs("m_clamped", "HOU", "IND", &[], Some(("'paint'", 100.0, 0.0, 0.0))),
    vs("m_just_extreme", "IND", "HOU", &[], Some(("'paint'", 50.0, 25.0, 25.0))),
    vs("m_five", "MIL", "MIN", &[], Some(("'paint'", 50.0, 25.0, 25.0))),
    vs("m_not_extreme", "MIN", "MIL", &[], Some(("'paint'", 50.0, 25.0, 25.0))),
    vs("m_no_shot", "LAC", "LAL", &[], None),
    vs("m_no_defense", "LAL", "LAC", &[], Some(("'paint'", 50.0, 25.0, 25.0))),
    // Totals and their warnings, against MIA (paint +9) and MEM (paint −9).
    vs("w_positive", "MEM", "MIA", &[
        ("pace_differential", "6.0"), ("projected_usage_rate", "40.0"),
    ], Some(("'paint'", 100.0, 0.0, 0.0))),
    vs("w_twelve", "MEM", "MIA", &[("pace_differential", "4.0")], Some(("'paint'", 100.0, 0.0, 0.0))),
    vs("w_negative", "MIA", "MEM", &[
        ("days_rest", "1"), ("back_to_back", "true"), ("games_in_last_7_days", "5"),
        ("minutes_in_last_7_days", "300"), ("avg_minutes_per_game_last_7", "40.0"),
        ("back_to_backs_last_14_days", "2"), ("player_age", "36"),
        ("pace_differential", "-8.0"), ("projected_usage_rate", "10.0"),
    ], Some(("'paint'", 100.0, 0.0, 0.0))),
    // No context row: rebuilt from his games (REBUILT_HISTORY).
    Case { name: "r_rebuilt", team: "BOS", opp: "NYK", ctx: None, shot: None },
];

/// r_rebuilt's games before the date: (date, minutes, usage rate). The 19th is a DNP (0
/// minutes, 0 points) that is no game.
const REBUILT_HISTORY: &[(&str, f64, Option<f64>)] = &[
    ("2024-01-08", 30.0, Some(10.0)),
    ("2024-01-12", 35.0, Some(12.0)),
    ("2024-01-13", 40.0, Some(14.0)),
    ("2024-01-15", 38.0, Some(16.0)),
    ("2024-01-17", 41.0, Some(18.0)),
    ("2024-01-18", 37.0, Some(20.0)),
    ("2024-01-19", 0.0, None),
];

/// The system game id of `team`'s game against `opp` on the date.
fn game_id(team: &str, opp: &str) -> String {
    let day = DATE.replace('-', "");
    if GAMES.contains(&(team, opp)) {
        format!("{day}_{opp}_{team}")
    } else {
        assert!(GAMES.contains(&(opp, team)), "no game {team} vs {opp}");
        format!("{day}_{team}_{opp}")
    }
}

fn schedule_sql() -> String {
    let mut values = vec![
        // Opening night.
        "('0022300001', DATE '2023-10-24', 2023, 'BOS', 'NYK', 3, 'Final')".to_string(),
    ];
    for (i, (home, away)) in GAMES.iter().enumerate() {
        values.push(format!(
            "('00223006{i:02}', DATE '{DATE}', 2023, '{home}', '{away}', 3, 'Final')"
        ));
    }
    format!(
        "SELECT *, false AS is_playoffs, false AS is_play_in, true AS is_regular_season \
         FROM (VALUES {}) t(game_id, game_date, season_year, home_team_tricode, \
         away_team_tricode, game_status, game_status_text)",
        values.join(",\n")
    )
}

/// Box scores: every case played the date (30 minutes, 10 points); r_rebuilt's history; a
/// player listed inactive-with-nothing on the date (a DNP, not in the population).
fn pgs_sql() -> String {
    let row = |name: &str,
               game: &str,
               team: &str,
               opp: &str,
               date: &str,
               minutes: f64,
               points: i32,
               usage: &str| {
        format!(
            "('{name}', '{name}_001', '{game}', DATE '{date}', '{team}', '{opp}', 2023, {points}, \
             {minutes:.1}, {usage}, TIMESTAMP '{date} 06:00:00')"
        )
    };
    let mut values: Vec<String> = CASES
        .iter()
        .map(|c| {
            row(
                c.name,
                &game_id(c.team, c.opp),
                c.team,
                c.opp,
                DATE,
                30.0,
                10,
                "20.0",
            )
        })
        .collect();
    for (date, minutes, usage) in REBUILT_HISTORY {
        let points = if *minutes > 0.0 { 12 } else { 0 };
        let usage = usage.map_or("NULL".to_string(), |u| format!("{u:.1}"));
        let game = format!("{}_NYK_BOS", date.replace('-', ""));
        values.push(row(
            "r_rebuilt",
            &game,
            "BOS",
            "NYK",
            date,
            *minutes,
            points,
            &usage,
        ));
    }
    values.push(row(
        "dnp_today",
        &game_id("BOS", "NYK"),
        "BOS",
        "NYK",
        DATE,
        0.0,
        0,
        "NULL",
    ));
    format!(
        "SELECT player_lookup, universal_player_id, game_id, game_date, team_abbr, \
         opponent_team_abbr, season_year, points, minutes_played::DOUBLE AS minutes_played, \
         usage_rate::DOUBLE AS usage_rate, processed_at \
         FROM (VALUES {}) t(player_lookup, universal_player_id, game_id, game_date, team_abbr, \
         opponent_team_abbr, season_year, points, minutes_played, usage_rate, processed_at)",
        values.join(",\n")
    )
}

/// The context row of `name` with `overrides` of [`FRESH`].
fn context_row(name: &str, team: &str, opp: &str, overrides: &[(&str, &str)]) -> String {
    let mut values: Vec<String> = FRESH.iter().map(|v| v.to_string()).collect();
    for (col, v) in overrides {
        let i = CTX_COLUMNS
            .iter()
            .position(|(c, _)| c == col)
            .unwrap_or_else(|| panic!("unknown context column {col}"));
        values[i] = v.to_string();
    }
    format!(
        "('{name}', '{name}_001', '{}', DATE '{DATE}', '{team}', '{opp}', {}, \
         TIMESTAMP '{DATE} 12:00:00')",
        game_id(team, opp),
        values.join(", ")
    )
}

/// Context rows for every case that has one, and for `ghost` (a context row but no game played)
/// and `dnp_today` (a box-score row with nothing in it).
fn context_sql() -> String {
    let mut values: Vec<String> = CASES
        .iter()
        .filter_map(|c| c.ctx.map(|o| context_row(c.name, c.team, c.opp, o)))
        .collect();
    values.push(context_row("ghost", "BOS", "NYK", &[]));
    values.push(context_row("dnp_today", "BOS", "NYK", &[]));
    let names: Vec<&str> = CTX_COLUMNS.iter().map(|(c, _)| *c).collect();
    let casts: Vec<String> = CTX_COLUMNS
        .iter()
        .map(|(c, ty)| format!("CAST({c} AS {ty}) AS {c}"))
        .collect();
    format!(
        "SELECT player_lookup, universal_player_id, game_id, game_date, team_abbr, \
         opponent_team_abbr, {}, processed_at \
         FROM (VALUES {}) t(player_lookup, universal_player_id, game_id, game_date, team_abbr, \
         opponent_team_abbr, {}, processed_at)",
        casts.join(", "),
        values.join(",\n"),
        names.join(", ")
    )
}

fn shot_sql() -> String {
    let values: Vec<String> = CASES
        .iter()
        .filter_map(|c| {
            c.shot.map(|(zone, paint, mid, three)| {
                format!(
                    "('{}', DATE '{DATE}', {zone}, {paint:.1}, {mid:.1}, {three:.1}, true, \
                     TIMESTAMP '{DATE} 10:00:00')",
                    c.name
                )
            })
        })
        .collect();
    format!(
        "SELECT player_lookup, analysis_date, CAST(primary_scoring_zone AS VARCHAR) AS \
         primary_scoring_zone, paint_rate_last_10, mid_range_rate_last_10, \
         three_pt_rate_last_10, is_production_ready, processed_at \
         FROM (VALUES {}) t(player_lookup, analysis_date, primary_scoring_zone, \
         paint_rate_last_10, mid_range_rate_last_10, three_pt_rate_last_10, \
         is_production_ready, processed_at)",
        values.join(",\n")
    )
}

fn defense_sql() -> String {
    let values: Vec<String> = DEFENSE
        .iter()
        .map(|(team, paint, mid, three)| {
            format!(
                "('{team}', DATE '{DATE}', {paint:.1}, {mid:.1}, {three:.1}, \
                 TIMESTAMP '{DATE} 09:00:00')"
            )
        })
        .collect();
    format!(
        "SELECT * FROM (VALUES {}) t(team_abbr, analysis_date, paint_defense_vs_league_avg, \
         mid_range_defense_vs_league_avg, three_pt_defense_vs_league_avg, processed_at)",
        values.join(",\n")
    )
}

/// The hand-built lake with player_composite_factors written for 2024-01-20 (historical).
fn scenario() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            let (schedule, pgs, ctx, shot, defense) = (
                schedule_sql(),
                pgs_sql(),
                context_sql(),
                shot_sql(),
                defense_sql(),
            );
            let (dir, lake) = lake_with(&[
                (TableId::NbacSchedule, &schedule),
                (TableId::PlayerGameSummary, &pgs),
                (TableId::UpcomingPlayerGameContext, &ctx),
                (TableId::PlayerShotZoneAnalysis, &shot),
                (TableId::TeamDefenseZoneAnalysis, &defense),
            ]);
            let table = TableId::PlayerCompositeFactors;
            let range = format!("{DATE}..{DATE}").parse().expect("date range");
            Engine::open(&lake)
                .expect("engine")
                .write_model(
                    table,
                    table.sql().expect("a SQL model"),
                    &ModelParams::historical(range),
                )
                .unwrap_or_else(|e| panic!("{e}"));
            (dir, lake)
        })
        .1
}

/// `columns` of `name`'s row, rendered as strings.
fn player(name: &str, columns: &str) -> Vec<String> {
    let mut found = rows(
        scenario(),
        &format!(
            "SELECT {columns} FROM {PCF} WHERE player_lookup = '{name}' AND game_date = DATE '{DATE}'"
        ),
    );
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    found.pop().expect("one row")
}

/// The numeric `expr` of `name`'s row.
fn num(name: &str, expr: &str) -> f64 {
    float(
        scenario(),
        &format!(
            "SELECT CAST({expr} AS DOUBLE) FROM {PCF} WHERE player_lookup = '{name}' \
             AND game_date = DATE '{DATE}'"
        ),
    )
}

fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() < 1e-9,
        "{what}: {actual}, expected {expected}"
    );
}

/// Asserts `name`'s stored score `column` and its total adjustment.
fn assert_factor(name: &str, column: &str, score: f64, total: f64) {
    assert_close(num(name, column), score, &format!("{name} {column}"));
    assert_close(
        num(name, "total_composite_adjustment"),
        total,
        &format!("{name} total_composite_adjustment"),
    );
}

// ── Population ──────────────────────────────────────────────────────────────────────────────

#[test]
fn the_population_is_the_players_who_played_the_date() {
    // Every case once; not `ghost` (a context row, no game) nor `dnp_today` (a box-score row
    // with no minutes, shots or points), although both have context rows.
    let mut expected: Vec<String> = CASES.iter().map(|c| c.name.to_string()).collect();
    expected.sort();
    let found: Vec<String> = rows(
        scenario(),
        &format!("SELECT player_lookup FROM {PCF} ORDER BY player_lookup"),
    )
    .into_iter()
    .map(|r| r[0].clone())
    .collect();
    assert_eq!(found, expected);
    assert_eq!(
        player(
            "m_paint",
            "game_id, analysis_date::VARCHAR, calculation_version"
        ),
        ["20240120_CHI_ATL", "2024-01-20", "v1_4factors"]
    );
}

// ── Fatigue (§4.4.1) ────────────────────────────────────────────────────────────────────────

#[test]
fn each_fatigue_rule_moves_the_score_by_its_own_amount() {
    #[rustfmt::skip]
    let expected: &[(&str, i64)] = &[
        ("f_fresh", 100),          // nothing applies: 100 = fresh
        ("f_back_to_back", 85),    // −15
        ("f_busy", 90),            // 4 games in 7 days: −10
        ("f_minutes_240", 100),    // 240 is not > 240
        ("f_minutes_241", 90),     // −10
        ("f_avg_35", 100),         // 35.0 is not > 35
        ("f_avg_35_1", 92),        // −8
        ("f_b2b14_one", 95),       // one back-to-back in 14 days: −5
        ("f_b2b14_two", 88),       // two: −12
        ("f_b2b14_three", 88),     // three: still −12
        ("f_age_29", 100),
        ("f_age_30", 95),          // 30: −5
        ("f_age_34", 95),
        ("f_age_35", 90),          // 35: −10, not −15
        ("f_defaults", 100),       // NULL inputs: days_rest 1, 3 games, 200 min, 30/game, age 25
    ];
    for &(name, score) in expected {
        assert_eq!(
            int(
                scenario(),
                &format!(
                    "SELECT CAST(fatigue_score AS BIGINT) FROM {PCF} WHERE player_lookup = '{name}'"
                )
            ),
            score,
            "{name}"
        );
    }
}

#[test]
fn three_days_rest_is_a_bonus_that_only_shows_below_the_cap() {
    // Alone: 100 + 5 = 105, clamped to 100. With 4 games in 7 days: 100 + 5 − 10 = 95, where the
    // same load without the rest gives 90.
    assert_eq!(player("f_rested", "fatigue_score"), ["100"]);
    assert_eq!(player("f_rested_busy", "fatigue_score"), ["95"]);
    assert_eq!(player("f_busy", "fatigue_score"), ["90"]);
}

#[test]
fn fatigue_penalties_add_up_and_the_floor_is_35() {
    // 100 − 15 (b2b) − 10 (5 games) − 10 (300 min) − 8 (40/game) − 12 (2 b2b) − 10 (age 36) = 35:
    // every penalty at once stays inside [0, 100], so the clamp at 0 can never bind.
    assert_eq!(player("f_worn_out", "fatigue_score"), ["35"]);
    // The context it was computed from is kept.
    assert_eq!(
        player(
            "f_worn_out",
            "fatigue_context_json::JSON->>'back_to_back', \
             fatigue_context_json::JSON->>'games_last_7', \
             fatigue_context_json::JSON->>'player_age', \
             fatigue_context_json::JSON->>'final_score'"
        ),
        ["true", "5", "36", "35"]
    );
}

#[test]
fn the_fatigue_adjustment_is_score_minus_100_over_20() {
    // Everything else is 0 for these players, so the total is the fatigue adjustment alone.
    for (name, total) in [
        ("f_fresh", 0.0),          // (100 − 100) / 20
        ("f_back_to_back", -0.75), // (85 − 100) / 20
        ("f_avg_35_1", -0.4),      // (92 − 100) / 20
        ("f_b2b14_two", -0.6),     // (88 − 100) / 20
        ("f_worn_out", -3.25),     // (35 − 100) / 20
    ] {
        assert_close(
            num(name, "total_composite_adjustment"),
            total,
            &format!("{name} total"),
        );
        for col in [
            "shot_zone_mismatch_score",
            "pace_score",
            "usage_spike_score",
        ] {
            assert_close(num(name, col), 0.0, &format!("{name} {col}"));
        }
    }
}

// ── Shot-zone mismatch (§4.4.2) ─────────────────────────────────────────────────────────────

#[test]
fn mismatch_weights_the_opponents_zone_defence_by_the_players_usage_of_the_zone() {
    // Paint, 40 % of shots, CHI paint +4: 4 × min(40/50, 1) = 3.2 (≤ 5: no boost). A weak
    // defence (positive vs league) gives a positive score.
    assert_factor("m_paint", "shot_zone_mismatch_score", 3.2, 3.2);
    // Mid-range, 25 %, DAL mid +8 (its paint −7 is not read): 8 × 0.5 = 4.0.
    assert_factor("m_mid_range", "shot_zone_mismatch_score", 4.0, 4.0);
    // Paint, 30 %, DET paint −2.5: −2.5 × 0.6 = −1.5; zone NULL reads paint (not DET's +9s).
    assert_factor("m_no_zone", "shot_zone_mismatch_score", -1.5, -1.5);
    // 'balanced', paint 50 %, GSW paint +3 (mid and three −8): 3 × 1 = 3.0.
    assert_factor("m_balanced", "shot_zone_mismatch_score", 3.0, 3.0);
    assert_eq!(
        player(
            "m_paint",
            "shot_zone_context_json::JSON->>'mismatch_type', \
             shot_zone_context_json::JSON->>'player_primary_zone'"
        ),
        ["favorable", "paint"]
    );
    assert_eq!(
        player(
            "m_balanced",
            "shot_zone_context_json::JSON->>'player_primary_zone'"
        ),
        ["balanced"]
    );
}

#[test]
fn mismatch_usage_weight_is_capped_at_one_and_beyond_5_is_boosted_by_1_2() {
    // Paint 60 %: weight min(60/50, 1) = 1; ATL paint +6 → 6 > 5 → 6 × 1.2 = 7.2.
    assert_factor("m_boosted", "shot_zone_mismatch_score", 7.2, 7.2);
    // Exactly 5 (MIN paint +5, 50 %) is not boosted.
    assert_factor("m_five", "shot_zone_mismatch_score", 5.0, 5.0);
    // MIL paint +6.5 × 1.2 = 7.8.
    assert_factor("m_not_extreme", "shot_zone_mismatch_score", 7.8, 7.8);
    // HOU paint −7 × 1.2 = −8.4.
    assert_factor("m_just_extreme", "shot_zone_mismatch_score", -8.4, -8.4);
}

#[test]
fn mismatch_is_clamped_to_plus_minus_10() {
    // Paint 100 %, IND paint +9: 9 × 1 × 1.2 = 10.8 → 10.
    assert_factor("m_clamped", "shot_zone_mismatch_score", 10.0, 10.0);
    // Perimeter 50 %, DEN three −9 (its paint +2, mid +3 not read): −10.8 → −10.
    assert_factor("m_perimeter", "shot_zone_mismatch_score", -10.0, -10.0);
    assert_eq!(
        player(
            "m_perimeter",
            "shot_zone_context_json::JSON->>'mismatch_type'"
        ),
        ["unfavorable"]
    );
}

#[test]
fn mismatch_without_a_shot_profile_or_an_opponent_defence_row_is_0_and_named() {
    // LAL has a defence row (+4) but the player has no shot profile.
    assert_factor("m_no_shot", "shot_zone_mismatch_score", 0.0, 0.0);
    assert_eq!(
        player(
            "m_no_shot",
            "missing_data_fields, data_completeness_pct, shot_zone_context_json"
        ),
        ["player_shot_zone", "80.0", "{\"missing_data\":true}"]
    );
    // A paint profile against LAC, which has no defence row.
    assert_factor("m_no_defense", "shot_zone_mismatch_score", 0.0, 0.0);
    assert_eq!(
        player(
            "m_no_defense",
            "missing_data_fields, data_completeness_pct, shot_zone_context_json"
        ),
        ["team_defense_zone", "80.0", "{\"missing_data\":true}"]
    );
}

// ── Pace (§4.4.3) ───────────────────────────────────────────────────────────────────────────

#[test]
fn pace_is_half_the_differential_clamped_to_plus_minus_3() {
    assert_factor("p_plus4", "pace_score", 2.0, 2.0); // 4 / 2
    assert_factor("p_minus3", "pace_score", -1.5, -1.5); // −3 / 2
    assert_factor("p_plus7", "pace_score", 3.0, 3.0); // 3.5 → 3
    assert_factor("p_minus8", "pace_score", -3.0, -3.0); // −4 → −3
}

/// Whether `name`'s `column` is NULL: a factor without its input is not computed, so that the
/// feature store falls back to its default, tagged so, rather than reading a Phase 4 zero.
fn is_null(name: &str, column: &str) -> bool {
    player(name, &format!("CAST({column} IS NULL AS VARCHAR)")) == ["true"]
}

#[test]
fn a_missing_pace_differential_is_no_pace_score_and_is_named() {
    assert!(is_null("p_null", "pace_score"));
    assert_close(
        num("p_null", "total_composite_adjustment"),
        0.0,
        "p_null total",
    );
    assert_eq!(
        player("p_null", "missing_data_fields, data_completeness_pct"),
        [
            "pace_differential,player_shot_zone,team_defense_zone",
            "40.0"
        ]
    );
}

// ── Usage spike (§4.4.4) ────────────────────────────────────────────────────────────────────

#[test]
fn usage_spike_is_the_projection_over_the_baseline_times_0_3() {
    // (28 − 24) × 0.3 = 1.2.
    assert_factor("u_plain", "usage_spike_score", 1.2, 1.2);
}

#[test]
fn injured_stars_amplify_a_rising_usage_only() {
    // 1.2 × 1.15 = 1.38 (stored 1.4; the total keeps 2 decimals).
    assert_factor("u_one_star", "usage_spike_score", 1.4, 1.38);
    // 1.2 × 1.30 = 1.56 (stored 1.6).
    assert_factor("u_two_stars", "usage_spike_score", 1.6, 1.56);
    // A drop is not amplified: (20 − 24) × 0.3 = −1.2 with two stars out.
    assert_factor("u_drop_with_stars", "usage_spike_score", -1.2, -1.2);
}

#[test]
fn usage_spike_is_clamped_to_plus_minus_3() {
    // (40 − 25) × 0.3 = 4.5 → 3; (10 − 25) × 0.3 = −4.5 → −3.
    assert_factor("u_high", "usage_spike_score", 3.0, 3.0);
    assert_factor("u_low", "usage_spike_score", -3.0, -3.0);
}

#[test]
fn no_projection_no_invented_spike() {
    // The reference defaulted the projection to 25: (25 − 15) × 0.3 × 1.15 = 3.45 → 3 (§9.10).
    assert!(is_null("u_no_projection", "usage_spike_score"));
    assert_close(
        num("u_no_projection", "total_composite_adjustment"),
        0.0,
        "u_no_projection total",
    );
    assert_eq!(
        player(
            "u_no_projection",
            "missing_data_fields, data_completeness_pct, \
             usage_context_json::JSON->>'avg_usage_last_7'"
        ),
        [
            "projected_usage_rate,player_shot_zone,team_defense_zone",
            "40.0",
            "15.0"
        ]
    );
    // A zero baseline gives no spike either (§4.4.4), although 30 was projected.
    assert!(is_null("u_zero_baseline", "usage_spike_score"));
    assert_close(
        num("u_zero_baseline", "total_composite_adjustment"),
        0.0,
        "u_zero_baseline total",
    );
}

// ── Totals, warnings, completeness ──────────────────────────────────────────────────────────

#[test]
fn the_total_sums_the_four_factors() {
    // w_positive: fatigue 100 → 0; paint 100 % vs MIA +9 → 10.8 → 10; pace 6/2 = 3;
    // usage (40 − 25) × 0.3 = 4.5 → 3. Total 16.
    assert_eq!(
        player(
            "w_positive",
            "fatigue_score, shot_zone_mismatch_score, pace_score, usage_spike_score, \
             total_composite_adjustment"
        ),
        ["100", "10.0", "3.0", "3.0", "16.0"]
    );
    // w_negative: fatigue 35 → −3.25; vs MEM −9 → −10; pace −8/2 → −3; usage (10 − 25) × 0.3
    // → −3. Total −19.25.
    assert_eq!(
        player(
            "w_negative",
            "fatigue_score, shot_zone_mismatch_score, pace_score, usage_spike_score, \
             total_composite_adjustment"
        ),
        ["35", "-10.0", "-3.0", "-3.0", "-19.25"]
    );
}

#[test]
fn extreme_fatigue_warns_below_50() {
    assert_eq!(
        player("f_worn_out", "has_warnings, warning_details"),
        ["true", "EXTREME_FATIGUE: score 35"]
    );
    // 100 − 15 − 10 − 10 − 5 − 10 = 50 is not below 50.
    assert_eq!(
        player("f_fifty", "fatigue_score, has_warnings, warning_details"),
        ["50", "false", ""]
    );
}

#[test]
fn extreme_matchup_warns_beyond_8() {
    assert_eq!(
        player("m_just_extreme", "has_warnings, warning_details"),
        ["true", "EXTREME_MATCHUP: score -8.4"]
    );
    assert_eq!(
        player("m_clamped", "has_warnings, warning_details"),
        ["true", "EXTREME_MATCHUP: score 10.0"]
    );
    // 7.8 does not warn.
    assert_eq!(
        player("m_not_extreme", "has_warnings, warning_details"),
        ["false", ""]
    );
}

#[test]
fn extreme_adjustment_warns_beyond_12() {
    // Total 16: matchup and adjustment.
    assert_eq!(
        player("w_positive", "has_warnings, warning_details"),
        [
            "true",
            "EXTREME_MATCHUP: score 10.0; EXTREME_ADJUSTMENT: total 16.0"
        ]
    );
    // Total 0 + 10 + 4/2 + 0 = 12: the matchup warns, the total does not.
    assert_close(
        num("w_twelve", "total_composite_adjustment"),
        12.0,
        "w_twelve total",
    );
    assert_eq!(
        player("w_twelve", "warning_details"),
        ["EXTREME_MATCHUP: score 10.0"]
    );
    // All three, joined in order.
    assert_eq!(
        player("w_negative", "warning_details"),
        ["EXTREME_FATIGUE: score 35; EXTREME_MATCHUP: score -10.0; EXTREME_ADJUSTMENT: total -19.25"]
    );
}

#[test]
fn data_completeness_is_20_per_present_input() {
    // All five: days_rest, projection, pace, shot profile, opponent defence.
    assert_eq!(
        player("w_positive", "data_completeness_pct, missing_data_fields"),
        ["100.0", ""]
    );
    // Days rest, projection and pace, but no shot profile and NYK has no defence row.
    assert_eq!(
        player("u_plain", "data_completeness_pct, missing_data_fields"),
        ["60.0", "player_shot_zone,team_defense_zone"]
    );
    // Nothing: the fatigue defaults still give 100, every factor 0.
    assert_eq!(
        player(
            "c_nothing",
            "data_completeness_pct, missing_data_fields, fatigue_score, \
             total_composite_adjustment"
        ),
        [
            "0.0",
            "days_rest,projected_usage_rate,pace_differential,player_shot_zone,team_defense_zone",
            "100",
            "0.0"
        ]
    );
    assert_eq!(
        player("f_defaults", "data_completeness_pct, missing_data_fields"),
        ["40.0", "days_rest,player_shot_zone,team_defense_zone"]
    );
}

// ── A player without a context row ──────────────────────────────────────────────────────────

#[test]
fn a_player_without_a_context_row_gets_one_rebuilt_from_his_earlier_games() {
    // Games before 2024-01-20 (the DNP of the 19th is no game): 8th, 12th, 13th, 15th, 17th, 18th.
    // days_rest = 20 − 18 = 2 (not a back-to-back); last 7 days (13th–19th): 13th, 15th, 17th,
    // 18th = 4 games, 40 + 38 + 41 + 37 = 156 minutes, 39.0 a game; back-to-backs in 14 days:
    // (12th, 13th) and (17th, 18th) = 2. The game of the 20th itself (30 minutes) is not read.
    assert_eq!(
        player(
            "r_rebuilt",
            "fatigue_context_json::JSON->>'days_rest', \
             fatigue_context_json::JSON->>'back_to_back', \
             fatigue_context_json::JSON->>'games_last_7', \
             fatigue_context_json::JSON->>'minutes_last_7', \
             fatigue_context_json::JSON->>'avg_minutes_pg_last_7', \
             fatigue_context_json::JSON->>'back_to_backs_last_14', \
             source_player_context_rows_found"
        ),
        ["2", "false", "4", "156", "39.0", "2", "0"]
    );
    // Fatigue 100 − 10 (4 games) − 8 (39 > 35) − 12 (2 back-to-backs) = 70; the minutes (156)
    // and age (unknown → 25) cost nothing. Total (70 − 100) / 20 = −1.5.
    assert_factor("r_rebuilt", "fatigue_score", 70.0, -1.5);
}

#[test]
fn a_rebuilt_context_has_no_projection_and_so_no_usage_spike() {
    // No projection, so no usage spike score (NULL: the store takes its default, tagged so).
    // Baseline: mean usage of his 6 games = (10 + 12 + 14 + 16 + 18 + 20) / 6 = 15. The reference
    // would have projected 25 and scored (25 − 15) × 0.3 = 3.0.
    assert_eq!(
        player(
            "r_rebuilt",
            "usage_spike_score, usage_context_json::JSON->>'avg_usage_last_7', \
             usage_context_json::JSON->>'projected_usage_rate', missing_data_fields, \
             data_completeness_pct"
        ),
        [
            "",
            "15.0",
            "",
            "projected_usage_rate,pace_differential,player_shot_zone,team_defense_zone",
            "20.0"
        ]
    );
}
