//! The feature store (`nba_predictions.ml_feature_store_v2`, reference-phase4
//! §6.4) and the daily cache it reads (§5): the 25 features of
//! `v1_baseline_25` in the reference's order with its defaults, each value on
//! hand-built inputs through each of its sources (Phase 4, the Phase 3
//! fallback, the default, calculated), the quality score, tier and data
//! source that follow from the sources, and the fixed bugs of §9.
//!
//! The scenario: 2023-12-01, NYK at BOS, 14 days past opening night
//! (2023-10-24); the teams played each other every other day before.
//! - alice (BOS): every Phase 4 row exists (hand-built), 10 games of history.
//! - bob (NYK): six games of history and a pre-game context, no Phase 4 row,
//!   and BOS has no zone-defence row: Phase 3 fallbacks everywhere.
//! - carl (BOS): his first game, no context: defaults, bar the game itself.
//! - dan (NEW, at home to OLD, two teams with no box scores and no zone
//!   defence): his first game, with nothing behind any feature.

use backcourt::dates::DateRange;
use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::util::{float, lake_with, precompute_league, rows};

const MLFS: TableId = TableId::MlFeatureStoreV2;
const PDC: TableId = TableId::PlayerDailyCache;
const DAY: &str = "2023-12-01";

/// `v1_baseline_25` as the reference lists it (reference-phase4 §6.4): name
/// and default, in order.
const REFERENCE_FEATURES: [(&str, f64); 25] = [
    ("points_avg_last_5", 10.0),
    ("points_avg_last_10", 10.0),
    ("points_avg_season", 10.0),
    ("points_std_last_10", 5.0),
    ("games_in_last_7_days", 3.0),
    ("fatigue_score", 50.0),
    ("shot_zone_mismatch_score", 0.0),
    ("pace_score", 0.0),
    ("usage_spike_score", 0.0),
    ("rest_advantage", 0.0),
    ("injury_risk", 0.0),
    ("recent_trend", 0.0),
    ("minutes_change", 0.0),
    ("opponent_def_rating", 112.0),
    ("opponent_pace", 100.0),
    ("home_away", 0.0),
    ("back_to_back", 0.0),
    ("playoff_game", 0.0),
    ("pct_paint", 0.30),
    ("pct_mid_range", 0.20),
    ("pct_three", 0.35),
    ("pct_free_throw", 0.15),
    ("team_pace", 100.0),
    ("team_off_rating", 112.0),
    ("team_win_pct", 0.5),
];

/// Games i = 0..=19 on 2023-10-24 + 2i, NYK at BOS; i = 19 is 2023-12-01.
const SCHEDULE: &str = "
    SELECT printf('00223%05d', i) AS game_id, CAST(DATE '2023-10-24' + CAST(2 * i AS INTEGER) AS DATE) AS game_date,
           2023 AS season_year, 'BOS' AS home_team_tricode, 'NYK' AS away_team_tricode,
           3 AS game_status, 'Final' AS game_status_text, true AS is_regular_season,
           false AS is_playoffs, false AS is_play_in
    FROM range(20) t(i)
    UNION ALL
    SELECT '0022300100', DATE '2023-12-01', 2023, 'NEW', 'OLD', 3, 'Final', true, false, false";

/// Team box scores of games 0..=18: BOS pace 100 + i and rating 110 + i/2,
/// winning unless i is a multiple of 4 (14 of 19); NYK pace 90 + i, rating
/// 105 + i/2, winning the others (5 of 19).
const TEAM_OFFENSE: &str = "
    SELECT strftime(CAST(DATE '2023-10-24' + CAST(2 * i AS INTEGER) AS DATE), '%Y%m%d') || '_NYK_BOS' AS game_id,
           CAST(DATE '2023-10-24' + CAST(2 * i AS INTEGER) AS DATE) AS game_date, team_abbr, 2023 AS season_year,
           base + i AS pace, rating + i / 2 AS offensive_rating,
           CASE WHEN team_abbr = 'BOS' THEN i % 4 <> 0 ELSE i % 4 = 0 END AS win_flag,
           TIMESTAMPTZ '2023-12-01 08:00:00+00' AS processed_at
    FROM range(19) t(i),
         (VALUES ('BOS', 100.0, 110.0), ('NYK', 90.0, 105.0)) v(team_abbr, base, rating)";

/// Box scores. alice: games 9..=18 (20 points, 30 minutes, 4 free throws
/// each, zones 6/4/3). bob: games 13..=18 scoring 10, 12, 14, 16, 24, 30 in
/// 20, 20, 20, 20, 30, 30 minutes, 2 free throws each, zones 5/3/2. All
/// three play on the day.
const PLAYER_GAMES: &str = "
    WITH games AS (
        SELECT 'alice' AS player_lookup, 'BOS' AS team_abbr, 'NYK' AS opponent_team_abbr, i,
               20 AS points, 30.0 AS minutes_played, 4 AS ft_makes, 6 AS paint_attempts,
               4 AS mid_range_attempts, 3 AS three_pt_attempts
        FROM range(9, 19) t(i)
        UNION ALL
        SELECT 'bob', 'NYK', 'BOS', i, [10, 12, 14, 16, 24, 30][i - 12],
               [20.0, 20, 20, 20, 30, 30][i - 12], 2, 5, 3, 2
        FROM range(13, 19) t(i)
        UNION ALL
        SELECT p, t, o, 19, 15, 25.0, 1, 4, 2, 2
        FROM (VALUES ('alice', 'BOS', 'NYK'), ('bob', 'NYK', 'BOS'), ('carl', 'BOS', 'NYK')) v(p, t, o)
    )
    SELECT player_lookup, player_lookup || '_001' AS universal_player_id,
           CASE WHEN team_abbr = 'NEW' THEN '20231201_OLD_NEW'
                ELSE strftime(CAST(DATE '2023-10-24' + CAST(2 * i AS INTEGER) AS DATE), '%Y%m%d') || '_NYK_BOS'
           END AS game_id,
           CAST(DATE '2023-10-24' + CAST(2 * i AS INTEGER) AS DATE) AS game_date, team_abbr,
           opponent_team_abbr, 2023 AS season_year, points, minutes_played, ft_makes,
           10 AS fg_attempts, 5 AS fg_makes, paint_attempts, mid_range_attempts, three_pt_attempts,
           true AS is_active, 20.0 AS usage_rate,
           TIMESTAMPTZ '2023-12-01 08:00:00+00' AS processed_at
    FROM (SELECT * FROM games UNION ALL SELECT 'dan', 'NEW', 'OLD', 19, 8, 18.0, 0, 2, 1, 1)
";

/// Pre-game context on the day for alice (back to back, available) and bob
/// (five days' rest, questionable, opponent ratings from Phase 3).
const CONTEXT: &str = "
    SELECT * FROM (VALUES
        ('alice', '20231201_NYK_BOS', DATE '2023-12-01', 'BOS', 'NYK', 1, true, 3, 'available',
         CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE)),
        ('bob', '20231201_NYK_BOS', DATE '2023-12-01', 'NYK', 'BOS', 5, false, 2, 'questionable',
         108.5, 97.5)
    ) t(player_lookup, game_id, game_date, team_abbr, opponent_team_abbr, days_rest, back_to_back,
        games_in_last_7_days, player_status, opponent_def_rating_last_10, opponent_pace_last_10)";

const DAILY_CACHE: &str = "
    SELECT 'alice' AS player_lookup, DATE '2023-12-01' AS cache_date, 21.4 AS points_avg_last_5,
           20.1 AS points_avg_last_10, 19.8 AS points_avg_season, 4.56 AS points_std_last_10,
           3 AS games_in_last_7_days, 36.0 AS minutes_avg_last_10, 40.0 AS paint_rate_last_10,
           30.0 AS three_pt_rate_last_10, 101.5 AS team_pace_last_10,
           115.25 AS team_off_rating_last_10, true AS is_production_ready";

const COMPOSITE: &str = "
    SELECT 'alice' AS player_lookup, DATE '2023-12-01' AS game_date, '20231201_NYK_BOS' AS game_id,
           85 AS fatigue_score, 3.4 AS shot_zone_mismatch_score, 1.5 AS pace_score,
           -0.6 AS usage_spike_score";

const SHOT_ZONES: &str = "
    SELECT 'alice' AS player_lookup, DATE '2023-12-01' AS analysis_date,
           45.0 AS paint_rate_last_10, 25.0 AS mid_range_rate_last_10, 30.0 AS three_pt_rate_last_10";

const ZONE_DEFENSE: &str = "
    SELECT 'NYK' AS team_abbr, DATE '2023-12-01' AS analysis_date,
           109.3 AS defensive_rating_last_15, 99.1 AS opponent_pace";

fn phase3_inputs() -> Vec<(TableId, &'static str)> {
    vec![
        (TableId::NbacSchedule, SCHEDULE),
        (TableId::TeamOffenseGameSummary, TEAM_OFFENSE),
        (TableId::PlayerGameSummary, PLAYER_GAMES),
        (TableId::UpcomingPlayerGameContext, CONTEXT),
    ]
}

/// The scenario with the hand-built Phase 4 rows and the feature store built.
fn feature_lake() -> (tempfile::TempDir, Lake) {
    let mut inputs = phase3_inputs();
    inputs.extend([
        (PDC, DAILY_CACHE),
        (TableId::PlayerCompositeFactors, COMPOSITE),
        (TableId::PlayerShotZoneAnalysis, SHOT_ZONES),
        (TableId::TeamDefenseZoneAnalysis, ZONE_DEFENSE),
    ]);
    let (dir, lake) = lake_with(&inputs);
    build(&lake, MLFS);
    (dir, lake)
}

fn build(lake: &Lake, table: TableId) {
    let engine = Engine::open(lake).expect("engine");
    let range: DateRange = format!("{DAY}..{DAY}").parse().expect("range");
    engine
        .write_model(
            table,
            table.sql().expect("model"),
            &ModelParams::historical(range),
        )
        .unwrap_or_else(|e| panic!("{table}: {e}"));
}

/// (values, sources) of a player's vector.
fn vector(lake: &Lake, player: &str) -> (Vec<f64>, Vec<String>) {
    let found = rows(
        lake,
        &format!("SELECT features, feature_sources FROM {MLFS} WHERE player_lookup = '{player}'"),
    );
    assert_eq!(found.len(), 1, "{player}: {found:?}");
    let values: Vec<f64> = serde_json::from_str(&found[0][0]).expect("features JSON");
    let sources: Vec<String> = serde_json::from_str(&found[0][1]).expect("sources JSON");
    assert_eq!((values.len(), sources.len()), (25, 25));
    (values, sources)
}

fn assert_vector(lake: &Lake, player: &str, expected: &[(f64, &str); 25]) {
    let (values, sources) = vector(lake, player);
    for (i, ((want, source), (got, got_source))) in
        expected.iter().zip(values.iter().zip(&sources)).enumerate()
    {
        let name = REFERENCE_FEATURES[i].0;
        assert!(
            (want - got).abs() < 1e-9,
            "{player} feature {i} {name}: {got}, expected {want}"
        );
        assert_eq!(got_source, source, "{player} feature {i} {name}: source");
    }
}

#[test]
fn feature_names_are_the_reference_list_in_its_order() {
    let (_dir, lake) = feature_lake();
    let names = rows(
        &lake,
        &format!("SELECT DISTINCT feature_names, feature_count, feature_version FROM {MLFS}"),
    );
    assert_eq!(names.len(), 1, "{names:?}");
    let got: Vec<String> = serde_json::from_str(&names[0][0]).expect("names JSON");
    let want: Vec<&str> = REFERENCE_FEATURES.iter().map(|(n, _)| *n).collect();
    assert_eq!(got, want);
    assert_eq!(
        names[0][1..],
        ["25".to_string(), "v1_baseline_25".to_string()]
    );
}

#[test]
fn every_phase4_source_lands_in_its_feature() {
    let (_dir, lake) = feature_lake();
    let p4 = "phase4";
    let p3 = "phase3";
    let c = "calculated";
    assert_vector(
        &lake,
        "alice",
        &[
            (21.4, p4),
            (20.1, p4),
            (19.8, p4),
            (4.56, p4),
            (3.0, p4),
            (85.0, p4),
            (3.4, p4),
            (1.5, p4),
            (-0.6, p4),
            // rest: 1 day against NYK's 2 (its last game 2023-11-29)
            (-1.0, c),
            // 'available'
            (0.0, c),
            // flat scoring: 20, 20, 20, 20, 20
            (0.0, c),
            // recent minutes 36 (cache) against a season of 30: +20 % → 2
            (2.0, c),
            (109.3, p4),
            (99.1, p4),
            (1.0, p3),
            (1.0, p3),
            (0.0, p3),
            // shot zones, percent → fraction (PSZA before the cache's 40 / 30)
            (0.45, p4),
            (0.25, p4),
            (0.30, p4),
            // free throws: 10 games × 4 / 10 games × 20 points
            (0.2, c),
            (101.5, p4),
            (115.25, p4),
            // BOS won 14 of its 19 games before the day
            (14.0 / 19.0, c),
        ],
    );
    let quality = rows(
        &lake,
        &format!("SELECT feature_quality_score, quality_tier, data_source, is_home, days_rest FROM {MLFS} WHERE player_lookup = 'alice'"),
    );
    // (16 × 100 + 6 × 100 + 3 × 75) / 25 = 97; every Phase 4 source present → 'phase4',
    // which the reference could never reach (§9.13).
    assert_eq!(quality[0], ["97.0", "gold", "phase4", "true", "1"]);
}

#[test]
fn phase3_fallbacks_when_phase4_has_no_row() {
    let (_dir, lake) = feature_lake();
    let p3 = "phase3";
    let d = "default";
    let c = "calculated";
    assert_vector(
        &lake,
        "bob",
        &[
            // last five games: (12 + 14 + 16 + 24 + 30) / 5
            (19.2, p3),
            // six games: 106 / 6
            (106.0 / 6.0, p3),
            (106.0 / 6.0, p3),
            // the deviation has no Phase 3 source
            (5.0, d),
            // from the pre-game context
            (2.0, p3),
            (50.0, d),
            (0.0, d),
            (0.0, d),
            (0.0, d),
            // 5 days' rest against BOS's 2, clamped to 2
            (2.0, c),
            // 'questionable'
            (2.0, c),
            // newest two (24, 30) average 27 against 14 for the three before: rising → +2
            // (the reference's inverted sign gave −2, §9.11)
            (2.0, c),
            // last ten and season both 140 / 6 minutes: no change
            (0.0, c),
            (108.5, p3),
            (97.5, p3),
            // away, not on a back to back, regular season
            (0.0, p3),
            (0.0, p3),
            (0.0, p3),
            // zone attempts 30 / 18 / 12 of 60 over his six games
            (0.5, p3),
            (0.3, p3),
            (0.2, p3),
            // 12 free throws of 106 points
            (12.0 / 106.0, c),
            // NYK's last ten games before the day: pace 90 + 9..18, rating 105 + 4.5..9
            (103.5, p3),
            (111.75, p3),
            // NYK won 5 of 19: a real record, not the reference's constant 0.5 (§9.2)
            (5.0 / 19.0, c),
        ],
    );
    let quality = rows(
        &lake,
        &format!("SELECT feature_quality_score, quality_tier, data_source FROM {MLFS} WHERE player_lookup = 'bob'"),
    );
    // (14 × 75 + 6 × 100 + 5 × 40) / 25 = 74
    assert_eq!(quality[0], ["74.0", "bronze", "phase3"]);
}

#[test]
fn defaults_for_a_debut_without_context() {
    let (_dir, lake) = feature_lake();
    let (p4, p3, d, c) = ("phase4", "phase3", "default", "calculated");
    let mut expected: [(f64, &str); 25] = std::array::from_fn(|i| (REFERENCE_FEATURES[i].1, d));
    // His context is rebuilt from the box scores: no games in the last week is a fact.
    expected[4] = (0.0, p3);
    // NYK's zone defence exists for the day.
    expected[13] = (109.3, p4);
    expected[14] = (99.1, p4);
    // The game: at home, regular season; no previous game, so no back to back.
    expected[15] = (1.0, p3);
    expected[17] = (0.0, p3);
    // BOS's form and record stand in for the missing cache.
    expected[22] = (113.5, p3);
    expected[23] = (116.75, p3);
    expected[24] = (14.0 / 19.0, c);
    assert_vector(&lake, "carl", &expected);
    let quality = rows(
        &lake,
        &format!("SELECT feature_quality_score, quality_tier, data_source, early_season_flag FROM {MLFS} WHERE player_lookup = 'carl'"),
    );
    // (2 × 100 + 5 × 75 + 1 × 100 + 17 × 40) / 25 = 54.2
    assert_eq!(quality[0], ["54.2", "bronze", "mixed", "true"]);
}

#[test]
fn defaults_where_no_source_exists() {
    let (_dir, lake) = feature_lake();
    let (p3, d) = ("phase3", "default");
    let mut expected: [(f64, &str); 25] = std::array::from_fn(|i| (REFERENCE_FEATURES[i].1, d));
    expected[4] = (0.0, p3);
    expected[15] = (1.0, p3);
    expected[17] = (0.0, p3);
    assert_vector(&lake, "dan", &expected);
    let quality = rows(
        &lake,
        &format!("SELECT feature_quality_score, quality_tier, data_source FROM {MLFS} WHERE player_lookup = 'dan'"),
    );
    // (3 × 75 + 22 × 40) / 25 = 44.2
    assert_eq!(quality[0], ["44.2", "poor", "mixed"]);
}

#[test]
fn every_default_in_the_league_is_the_reference_default() {
    let lake = precompute_league();
    let mut defaults_seen = [0u64; 25];
    for row in rows(
        lake,
        &format!("SELECT features, feature_sources FROM {MLFS} WHERE contains(feature_sources, 'default')"),
    ) {
        let values: Vec<f64> = serde_json::from_str(&row[0]).expect("features");
        let sources: Vec<String> = serde_json::from_str(&row[1]).expect("sources");
        for i in 0..25 {
            if sources[i] == "default" {
                defaults_seen[i] += 1;
                assert_eq!(values[i], REFERENCE_FEATURES[i].1, "feature {i} default");
            }
        }
    }
    // The league exercises the fallbacks that have no Phase 3 source.
    assert!(
        defaults_seen[3] > 0 && defaults_seen[9] > 0,
        "{defaults_seen:?}"
    );
    // No vector of a player with earlier games is mostly defaults: once the bootstrap is over,
    // or on a season's first nights from last season's games. A player's first game ever (a
    // rookie's opener) has no scoring to read, and says so: his scoring features are defaults.
    let history = "EXISTS (SELECT 1 FROM nba_analytics.player_game_summary g \
                   WHERE g.player_lookup = m.player_lookup AND g.game_date < m.game_date)";
    let worst = float(
        lake,
        &format!("SELECT CAST(min(feature_quality_score) AS DOUBLE) FROM {MLFS} m WHERE {history}"),
    );
    assert!(worst >= 50.0, "lowest feature quality with history {worst}");
    for row in rows(
        lake,
        &format!(
            "SELECT player_lookup, game_date, feature_sources FROM {MLFS} m WHERE NOT {history}"
        ),
    ) {
        let sources: Vec<String> = serde_json::from_str(&row[2]).expect("sources");
        assert!(
            sources[..4].iter().all(|s| s == "default"),
            "{} {}: a first game with scoring features {sources:?}",
            row[0],
            row[1]
        );
    }
}

#[test]
fn daily_cache_deviation_is_the_sample_standard_deviation() {
    let (_dir, lake) = lake_with(&phase3_inputs());
    build(&lake, TableId::PlayerShotZoneAnalysis);
    build(&lake, PDC);
    let points = [10.0, 12.0, 14.0, 16.0, 24.0, 30.0_f64];
    let mean = points.iter().sum::<f64>() / 6.0;
    let squares: f64 = points.iter().map(|p| (p - mean).powi(2)).sum();
    let sample = (squares / 5.0).sqrt();
    let population = (squares / 6.0).sqrt();
    assert!((sample * 100.0).round() != (population * 100.0).round());
    let got = rows(
        &lake,
        &format!("SELECT points_std_last_10, points_avg_last_5, points_avg_last_10, games_played_season, early_season_flag, team_pace_last_10, assisted_rate_last_10 FROM {PDC} WHERE player_lookup = 'bob'"),
    );
    assert_eq!(got.len(), 1, "{got:?}");
    let std: f64 = got[0][0].parse().expect("std");
    assert!(
        (std - (sample * 100.0).round() / 100.0).abs() < 1e-9,
        "{std} vs n−1 {sample}"
    );
    // 19.2, 17.7, six games (fewer than 10: early season), NYK pace 103.5,
    // 5 of 10 field goals assisted? no: no assisted makes recorded → NULL.
    assert_eq!(got[0][1..6], ["19.2", "17.7", "6", "true", "103.5"]);
    // carl's first game: no season games before the day, a failure, not a row.
    let carl = rows(
        &lake,
        "SELECT failure_category FROM nba_processing.processing_failures \
         WHERE table_name = 'player_daily_cache' AND entity_id = 'carl'",
    );
    assert_eq!(carl, [["INSUFFICIENT_DATA"]]);
    assert!(rows(
        &lake,
        &format!("SELECT 1 FROM {PDC} WHERE player_lookup = 'carl'")
    )
    .is_empty());
}
