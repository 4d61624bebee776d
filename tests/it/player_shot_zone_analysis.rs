//! nba_precompute.player_shot_zone_analysis (`sql/nba_precompute/player_shot_zone_analysis.sql`,
//! reference-phase4 §3.3) on hand-built player_game_summary rows of
//! [`crate::scenarios::zone_inputs`]'s analysis date D, with every expected value worked out by
//! hand: rates over the last 10 games, the primary zone's thresholds, the last-20 trend, short
//! histories as failures, and, on real-shaped inputs, games without zone data. What the feature
//! store makes of a profile without zone data is in `ml_feature_store_v2.rs`.

use std::sync::OnceLock;

use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::scenarios::zone_inputs::{
    assert_doubles, build, failures, generated, psza_real_scenario, psza_schedule_sql, D, PSZA,
};
use crate::util::{lake_with, rows};

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

// ── Real-shaped inputs ([`psza_real_scenario`]): games without zone data ───────────────────

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
