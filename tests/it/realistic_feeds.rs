//! The whole pipeline on a real-shaped league (`fixtures generate --realistic`),
//! run as a new user would (`run --all` through the binary): no tip-off times
//! in the schedule, no registry or alias table, each feed spelling names its
//! own way (nicknames, suffixes dropped, accented letters deleted, "Last,
//! First"), no play-by-play for the last season, props snapshotted once a day.
//!
//! Two seasons, so that the second one's openers carry the first one over.
//! Truth (`nba_synthetic.*`) is read here only, never by the pipeline.

use std::sync::OnceLock;

use backcourt::lake::Lake;

use crate::util::{assert_none, bin, float, int, rows, show, tempdir};

/// The realistic league with every table run over its calendar, once per test run.
fn lake() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            let dir = tempdir();
            let lake_arg = dir.path().to_str().expect("utf-8 path").to_string();
            for args in [
                &[
                    "fixtures",
                    "generate",
                    "--realistic",
                    "--seasons",
                    "2022-23..2023-24",
                ][..],
                &["run", "--all"],
            ] {
                let out = bin()
                    .args(["--lake", &lake_arg])
                    .args(args)
                    .output()
                    .expect("run backcourt");
                assert!(out.status.success(), "{args:?}: {}", show(&out));
            }
            let lake = Lake::open(&lake_arg).expect("open lake");
            (dir, lake)
        })
        .1
}

/// Each season's feed spelling → the generator's canonical lookup (truth).
const TRUTH: &str = "(SELECT DISTINCT season_year, feed, spelling, player_lookup \
                     FROM nba_synthetic.player_spellings)";

/// Pre-game odds rows (snapshot before the game's commence_time) of players who played: one row
/// per player-game, keyed by the truth's canonical lookup.
fn lined_player_games() -> String {
    format!(
        "SELECT DISTINCT o.game_date, t.player_lookup \
         FROM nba_raw.odds_api_player_points_props o \
         JOIN {TRUTH} t ON t.feed = 'odds_api_player_points_props' AND t.spelling = o.player_lookup \
          AND t.season_year = year(o.game_date) - CASE WHEN month(o.game_date) >= 10 THEN 0 ELSE 1 END \
         JOIN nba_analytics.player_game_summary g \
           ON g.game_date = o.game_date AND g.player_lookup = t.player_lookup \
         WHERE o.snapshot_timestamp < o.commence_time"
    )
}

#[test]
fn at_least_97_percent_of_pre_game_lines_reach_phase_3_and_phase_5() {
    let lake = lake();
    let lined = lined_player_games();
    let total = int(lake, &format!("SELECT count(*)::BIGINT FROM ({lined})"));
    assert!(total > 20_000, "only {total} lined player-games");
    let upcoming = int(
        lake,
        &format!(
            "SELECT count(*)::BIGINT FROM ({lined}) l \
             JOIN nba_analytics.upcoming_player_game_context u USING (game_date, player_lookup) \
             WHERE u.current_points_line IS NOT NULL"
        ),
    );
    // Phase 5 predicts every date but the lake's first bootstrap window (nothing before it).
    let predictable = format!(
        "SELECT l.* FROM ({lined}) l JOIN backcourt.game_dates d USING (game_date) \
         WHERE NOT d.is_bootstrap OR d.carries_over"
    );
    let phase5_total = int(
        lake,
        &format!("SELECT count(*)::BIGINT FROM ({predictable})"),
    );
    let phase5 = int(
        lake,
        &format!(
            "SELECT count(*)::BIGINT FROM ({predictable}) l WHERE EXISTS ( \
               SELECT 1 FROM nba_predictions.player_prop_predictions p \
               WHERE p.game_date = l.game_date AND p.player_lookup = l.player_lookup \
                 AND p.current_points_line IS NOT NULL)"
        ),
    );
    let share = |n: i64, of: i64| n as f64 / of as f64;
    assert!(
        share(upcoming, total) >= 0.97,
        "upcoming_player_game_context has a line for {upcoming} of {total} lined player-games"
    );
    assert!(
        share(phase5, phase5_total) >= 0.97,
        "Phase 5 has a line for {phase5} of {phase5_total} lined player-games"
    );
}

#[test]
fn both_phase_3_tables_agree_on_every_line() {
    assert_none(
        lake(),
        "SELECT g.game_date, g.player_lookup, g.points_line, u.current_points_line \
         FROM nba_analytics.player_game_summary g \
         JOIN nba_analytics.upcoming_player_game_context u USING (game_date, player_lookup) \
         WHERE g.points_line IS DISTINCT FROM u.current_points_line",
        "player-games whose two Phase 3 lines differ",
    );
}

#[test]
fn every_name_match_is_the_truth() {
    let lake = lake();
    assert!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_processing.name_matches"
        ) > 1_000
    );
    // The truth's canonical lookups are the generator's; the box score's are the canonical
    // function of the names it prints, which is the same up to nothing: compare them directly.
    let wrong = int(
        lake,
        &format!(
            "SELECT count(*)::BIGINT FROM nba_processing.name_matches m \
             JOIN {TRUTH} t ON t.feed = m.feed AND t.spelling = m.source_lookup \
              AND t.season_year = year(m.game_date) - CASE WHEN month(m.game_date) >= 10 THEN 0 ELSE 1 END \
             WHERE t.player_lookup <> m.player_lookup"
        ),
    );
    let matched = int(
        lake,
        &format!(
            "SELECT count(*)::BIGINT FROM nba_processing.name_matches m \
             JOIN {TRUTH} t ON t.feed = m.feed AND t.spelling = m.source_lookup"
        ),
    );
    // A conservative matcher may still err where two players of one game share a surname and a
    // nickname; it must be rare.
    assert!(
        (wrong as f64) < 0.01 * matched as f64,
        "{wrong} of {matched} name matches disagree with the truth: {:?}",
        rows(
            lake,
            &format!(
                "SELECT DISTINCT m.feed, m.source_name, m.player_lookup, t.player_lookup, m.method \
                 FROM nba_processing.name_matches m \
                 JOIN {TRUTH} t ON t.feed = m.feed AND t.spelling = m.source_lookup \
                 WHERE t.player_lookup <> m.player_lookup LIMIT 10"
            )
        )
    );
}

#[test]
fn a_player_keeps_one_lookup_whichever_box_score_covered_the_game() {
    // BDL deletes accented letters from its own lookup ('Bilal Çelik' -> 'bilalelik'); the box
    // score keys every player by the canonical function of the printed name.
    assert_none(
        lake(),
        "SELECT DISTINCT player_full_name, player_lookup FROM nba_analytics.player_game_summary \
         WHERE player_lookup <> player_lookup(player_full_name) \
           AND regexp_matches(player_full_name, '[^\\x00-\\x7F]')",
        "accented players keyed by a lookup with letters deleted",
    );
}

#[test]
fn every_props_row_that_meets_no_player_is_an_unresolved_name() {
    // A props spelling of a date that neither is a box-score player of the date nor was matched
    // to one is in unresolved_names, with its row count.
    assert_none(
        lake(),
        "SELECT o.game_date, o.player_lookup, count(*) \
         FROM nba_raw.odds_api_player_points_props o \
         WHERE NOT EXISTS (SELECT 1 FROM nba_analytics.player_game_summary g \
                           WHERE g.game_date = o.game_date AND g.player_lookup = o.player_lookup) \
           AND NOT EXISTS (SELECT 1 FROM nba_processing.name_matches m \
                           WHERE m.game_date = o.game_date AND m.feed = 'odds_api_player_points_props' \
                             AND m.source_lookup = o.player_lookup) \
           AND NOT EXISTS (SELECT 1 FROM nba_processing.unresolved_names u \
                           WHERE u.game_date = o.game_date AND u.feed = 'odds_api_player_points_props' \
                             AND u.source_lookup = o.player_lookup) \
           AND EXISTS (SELECT 1 FROM nba_analytics.player_game_summary g WHERE g.game_date = o.game_date) \
         GROUP BY ALL LIMIT 10",
        "props spellings lost without a row in unresolved_names",
    );
}

#[test]
fn no_feature_is_a_constant_labelled_computed() {
    // Per feature of the store: the values not tagged 'default' must vary. (pace_score and
    // usage_spike_score were a Phase 4 zero on every row while their inputs were NULL.)
    let lake = lake();
    let constant = rows(
        lake,
        "WITH v AS ( \
           SELECT i, json_extract_string(feature_names, '$[' || (i - 1) || ']') AS name, \
                  CAST(json_extract(features, '$[' || (i - 1) || ']') AS DOUBLE) AS value, \
                  json_extract_string(feature_sources, '$[' || (i - 1) || ']') AS source \
           FROM nba_predictions.ml_feature_store_v2, range(1, 26) r(i)) \
         SELECT name, count(*), count(DISTINCT value) FROM v WHERE source <> 'default' \
         GROUP BY i, name HAVING count(DISTINCT value) < 2 ORDER BY i",
    );
    assert!(
        constant.is_empty(),
        "constant features tagged as computed: {constant:?}"
    );
    // The composite factors the lake cannot compute are NULL, not a 0.0 that reads as measured.
    assert_eq!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_precompute.player_composite_factors \
             WHERE coalesce(referee_favorability_score, look_ahead_pressure_score, \
                            travel_impact_score, opponent_strength_score) IS NOT NULL"
        ),
        0
    );
    for column in ["pace_score", "usage_spike_score"] {
        let distinct = int(
            lake,
            &format!(
                "SELECT count(DISTINCT {column})::BIGINT FROM nba_precompute.player_composite_factors"
            ),
        );
        assert!(distinct > 5, "{column}: {distinct} distinct values");
    }
}

#[test]
fn the_context_inputs_of_phase_4_are_computed_from_the_raw_tables() {
    let lake = lake();
    // The pace differential is the opponent's pace minus the team's, each over its last 10 games
    // of the season before the date: recomputed here from team_offense_game_summary.
    assert_none(
        lake,
        "WITH f AS ( \
           SELECT team_abbr, season_year, game_date, \
                  avg(pace) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date \
                                  ROWS 9 PRECEDING) AS pace_10, \
                  count(pace) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date \
                                    ROWS 9 PRECEDING) AS n \
           FROM nba_analytics.team_offense_game_summary), \
         u AS (SELECT u.*, year(u.game_date) - CASE WHEN month(u.game_date) >= 10 THEN 0 ELSE 1 END \
                   AS season FROM nba_analytics.upcoming_player_game_context u) \
         SELECT u.game_date, u.player_lookup, u.pace_differential, o.pace_10 - m.pace_10 AS expected \
         FROM u \
         ASOF LEFT JOIN f m ON m.team_abbr = u.team_abbr AND m.season_year = u.season \
           AND u.game_date > m.game_date \
         ASOF LEFT JOIN f o ON o.team_abbr = u.opponent_team_abbr AND o.season_year = u.season \
           AND u.game_date > o.game_date \
         WHERE CASE WHEN m.n >= 3 AND o.n >= 3 THEN abs(u.pace_differential - (o.pace_10 - m.pace_10)) > 0.051 \
                    ELSE u.pace_differential IS NOT NULL END \
         LIMIT 10",
        "pace differentials that are not the opponent's last-10 pace minus the team's",
    );
    // A teammate ruled out raises the projected usage: never below the baseline, above it only
    // where the report rules a teammate out.
    assert_none(
        lake,
        "SELECT game_date, player_lookup, projected_usage_rate, avg_usage_rate_last_7_games \
         FROM nba_analytics.upcoming_player_game_context \
         WHERE projected_usage_rate < avg_usage_rate_last_7_games - 0.006 LIMIT 10",
        "projections below the player's own usage",
    );
    let raised = float(
        lake,
        "SELECT avg(CAST(projected_usage_rate > avg_usage_rate_last_7_games + 0.006 AS INTEGER)) \
         FROM nba_analytics.upcoming_player_game_context WHERE projected_usage_rate IS NOT NULL",
    );
    assert!(
        raised > 0.01 && raised < 0.9,
        "projected usage above the baseline on {raised:.3} of rows"
    );
}

#[test]
fn season_openers_are_predicted_from_last_seasons_history() {
    let lake = lake();
    // 2023-24's first 14 days: every player who played them and had played last season has a
    // feature row marked carried over and predictions; the lake's first season has none.
    let openers = "SELECT g.game_date, g.player_lookup FROM nba_analytics.player_game_summary g \
                   JOIN backcourt.game_dates d USING (game_date) \
                   WHERE d.carries_over AND coalesce(g.minutes_played, 0) > 0 \
                     AND EXISTS (SELECT 1 FROM nba_analytics.player_game_summary h \
                                 WHERE h.player_lookup = g.player_lookup \
                                   AND h.season_year = g.season_year - 1)";
    let n = int(lake, &format!("SELECT count(*)::BIGINT FROM ({openers})"));
    assert!(n > 500, "only {n} opener player-games with a last season");
    assert_none(
        lake,
        &format!(
            "SELECT o.* FROM ({openers}) o \
             LEFT JOIN nba_predictions.ml_feature_store_v2 f USING (game_date, player_lookup) \
             WHERE f.player_lookup IS NULL \
                OR (f.data_source <> 'carried_over' AND NOT EXISTS ( \
                    SELECT 1 FROM nba_analytics.player_game_summary h \
                    WHERE h.player_lookup = o.player_lookup AND h.game_date < o.game_date \
                      AND h.season_year = year(o.game_date))) \
             LIMIT 10"
        ),
        "season openers without carried-over features",
    );
    let predicted = int(
        lake,
        &format!(
            "SELECT count(DISTINCT (o.game_date, o.player_lookup))::BIGINT FROM ({openers}) o \
             JOIN nba_predictions.prediction_accuracy a USING (game_date, player_lookup) \
             WHERE a.system_id = 'gbm_points_v1'"
        ),
    );
    assert_eq!(predicted, n, "graded model predictions of the openers");
    // Carried-over features describe the player: the model beats a constant on the openers.
    let mae = float(
        lake,
        &format!(
            "SELECT avg(a.absolute_error) FROM ({openers}) o \
             JOIN nba_predictions.prediction_accuracy a USING (game_date, player_lookup) \
             WHERE a.system_id = 'gbm_points_v1'"
        ),
    );
    let constant = float(
        lake,
        &format!(
            "SELECT avg(abs(g.points - 10.0)) FROM ({openers}) o \
             JOIN nba_analytics.player_game_summary g USING (game_date, player_lookup)"
        ),
    );
    assert!(
        mae < constant - 1.0,
        "openers: MAE {mae:.3}, a constant 10 {constant:.3}"
    );
    assert_eq!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_predictions.player_prop_predictions p \
             JOIN backcourt.game_dates d USING (game_date) WHERE d.is_bootstrap AND NOT d.carries_over"
        ),
        0,
        "predictions in the lake's first bootstrap window, with no history at all"
    );
}

#[test]
fn shot_zone_tiers_follow_the_zone_data_present() {
    // The last season has no play-by-play: no zone metric, so no row of it may claim high quality.
    assert_none(
        lake(),
        "SELECT player_lookup, analysis_date, data_quality_tier, is_production_ready \
         FROM nba_precompute.player_shot_zone_analysis \
         WHERE paint_rate_last_10 IS NULL AND mid_range_rate_last_10 IS NULL \
           AND (data_quality_tier = 'high' OR is_production_ready) LIMIT 10",
        "zone rows without zone data marked high or production-ready",
    );
}
