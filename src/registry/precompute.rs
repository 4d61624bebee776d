//! The Phase 4 precompute tables (`nba_precompute`) and the feature store they
//! feed (`nba_predictions.ml_feature_store_v2`, written by Phase 4), following
//! `spec/reference-phase4.md`: team_defense_zone_analysis §2.1,
//! player_shot_zone_analysis §3.1, player_composite_factors §4.1,
//! player_daily_cache §5.1 and ml_feature_store_v2 §6.1 (feature vector §6.4,
//! source tags §6.5). Date columns and grains follow `spec/reference-ops.md` §0;
//! upstream edges follow its §2.1.
//!
//! Conventions shared by the five tables:
//! - NUMERIC columns are `Double`; ARRAY and JSON columns are `Varchar` holding
//!   JSON text (`data_quality_issues`, the `*_context_json` columns, `features`,
//!   `feature_names`, `feature_sources`).
//! - Every source-tracking prefix `P` has `P_last_updated`, `P_rows_found`,
//!   `P_completeness_pct` and `P_hash` (§1.2, §1.8).
//! - The completeness block ("14 fields", §2.1) is `expected_games_count`,
//!   `actual_games_count`, `completeness_percentage`, `missing_games_count`,
//!   `is_production_ready`, `data_quality_issues`, `last_reprocess_attempt_at`,
//!   `reprocess_attempt_count`, `circuit_breaker_active`, `circuit_breaker_until`,
//!   `manual_override_required`, `season_boundary_detected`,
//!   `backfill_bootstrap_mode`, `processing_decision_reason`.

use super::{
    bounds, columns, sql_file, Dataset, Model, Producer, ReadWindow, RowsRule, TableDef, TableId,
};

pub(super) fn def(id: TableId) -> &'static TableDef {
    TABLES
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id} is not a precompute table"))
}

static TABLES: &[TableDef] = &[
    TableDef {
        id: TableId::TeamDefenseZoneAnalysis,
        dataset: Dataset::NbaPrecompute,
        name: "team_defense_zone_analysis",
        doc: "one row per team per analysis date: zone defence over its last 15 games vs league",
        date_column: Some("analysis_date"),
        grain: &["team_abbr", "analysis_date"],
        columns: columns![
            // Keys
            team_abbr: Varchar, analysis_date: Date,
            // Paint
            paint_pct_allowed_last_15: Double, paint_attempts_allowed_per_game: Double,
            paint_points_allowed_per_game: Double, paint_blocks_per_game: Double,
            paint_defense_vs_league_avg: Double,
            // Mid-range
            mid_range_pct_allowed_last_15: Double, mid_range_attempts_allowed_per_game: Double,
            mid_range_blocks_per_game: Double, mid_range_defense_vs_league_avg: Double,
            // Three
            three_pt_pct_allowed_last_15: Double, three_pt_attempts_allowed_per_game: Double,
            three_pt_blocks_per_game: Double, three_pt_defense_vs_league_avg: Double,
            // Overall
            defensive_rating_last_15: Double, opponent_points_per_game: Double,
            opponent_pace: Double, games_in_sample: Integer, strongest_zone: Varchar,
            weakest_zone: Varchar, data_quality_tier: Varchar, calculation_notes: Varchar,
            // Source tracking
            source_team_defense_last_updated: Timestamp, source_team_defense_rows_found: Integer,
            source_team_defense_completeness_pct: Double, source_team_defense_hash: Varchar,
            data_hash: Varchar,
            // Early season
            early_season_flag: Boolean, insufficient_data_reason: Varchar,
            // Completeness
            expected_games_count: Integer, actual_games_count: Integer,
            completeness_percentage: Double, missing_games_count: Integer,
            is_production_ready: Boolean, data_quality_issues: Varchar,
            last_reprocess_attempt_at: Timestamp, reprocess_attempt_count: Integer,
            circuit_breaker_active: Boolean, circuit_breaker_until: Timestamp,
            manual_override_required: Boolean, season_boundary_detected: Boolean,
            backfill_bootstrap_mode: Boolean, processing_decision_reason: Varchar,
            // Meta
            processed_at: Timestamp, created_at: Timestamp,
        ],
        upstream: &[TableId::TeamDefenseGameSummary, TableId::NbacSchedule],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_precompute", "team_defense_zone_analysis"),
            reads: ReadWindow::Days(430),
            rows: RowsRule::SeasonTeams,
        }),
        bounds: bounds![paint_pct_allowed_last_15: 0..=1, mid_range_pct_allowed_last_15: 0..=1, three_pt_pct_allowed_last_15: 0..=1, completeness_percentage: 0..=100],
        clustering: &["team_abbr", "analysis_date"],
    },
    TableDef {
        id: TableId::PlayerShotZoneAnalysis,
        dataset: Dataset::NbaPrecompute,
        name: "player_shot_zone_analysis",
        doc: "one row per player per analysis date: shot mix and efficiency, last 10/20 games",
        date_column: Some("analysis_date"),
        grain: &["player_lookup", "analysis_date"],
        columns: columns![
            // Keys
            player_lookup: Varchar, universal_player_id: Varchar, analysis_date: Date,
            // Last-10 distribution (percent 0-100)
            paint_rate_last_10: Double, mid_range_rate_last_10: Double,
            three_pt_rate_last_10: Double, total_shots_last_10: Integer,
            games_in_sample_10: Integer, sample_quality_10: Varchar,
            // Last-10 efficiency (fractions)
            paint_pct_last_10: Double, mid_range_pct_last_10: Double, three_pt_pct_last_10: Double,
            // Volume
            paint_attempts_per_game: Double, mid_range_attempts_per_game: Double,
            three_pt_attempts_per_game: Double,
            // Last-20 trend
            paint_rate_last_20: Double, paint_pct_last_20: Double, games_in_sample_20: Integer,
            sample_quality_20: Varchar,
            // Shot creation (percent)
            assisted_rate_last_10: Double, unassisted_rate_last_10: Double,
            // Profile
            player_position: Varchar, primary_scoring_zone: Varchar, data_quality_tier: Varchar,
            calculation_notes: Varchar,
            // Source tracking
            source_player_game_last_updated: Timestamp, source_player_game_rows_found: Integer,
            source_player_game_completeness_pct: Double, source_player_game_hash: Varchar,
            data_hash: Varchar, early_season_flag: Boolean, insufficient_data_reason: Varchar,
            // Completeness
            expected_games_count: Integer, actual_games_count: Integer,
            completeness_percentage: Double, missing_games_count: Integer,
            is_production_ready: Boolean, data_quality_issues: Varchar,
            last_reprocess_attempt_at: Timestamp, reprocess_attempt_count: Integer,
            circuit_breaker_active: Boolean, circuit_breaker_until: Timestamp,
            manual_override_required: Boolean, season_boundary_detected: Boolean,
            backfill_bootstrap_mode: Boolean, processing_decision_reason: Varchar,
            // Meta
            created_at: Timestamp, processed_at: Timestamp,
        ],
        upstream: &[TableId::PlayerGameSummary, TableId::NbacSchedule],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_precompute", "player_shot_zone_analysis"),
            reads: ReadWindow::Days(430),
            rows: RowsRule::FollowsData,
        }),
        bounds: bounds![paint_rate_last_10: 0..=100, mid_range_rate_last_10: 0..=100, three_pt_rate_last_10: 0..=100, paint_pct_last_10: 0..=1, mid_range_pct_last_10: 0..=1, three_pt_pct_last_10: 0..=1, paint_rate_last_20: 0..=100, paint_pct_last_20: 0..=1, assisted_rate_last_10: 0..=100, unassisted_rate_last_10: 0..=100, completeness_percentage: 0..=100],
        clustering: &["player_lookup", "universal_player_id", "analysis_date"],
    },
    TableDef {
        id: TableId::PlayerCompositeFactors,
        dataset: Dataset::NbaPrecompute,
        name: "player_composite_factors",
        doc: "one row per player with a game on the date: fatigue, matchup, pace, usage factors",
        date_column: Some("game_date"),
        grain: &["player_lookup", "game_date"],
        columns: columns![
            // Keys (analysis_date is secondary; game_date is the partition column)
            player_lookup: Varchar, universal_player_id: Varchar, game_date: Date,
            game_id: Varchar, analysis_date: Date,
            // Active factors
            fatigue_score: Integer, shot_zone_mismatch_score: Double, pace_score: Double,
            usage_spike_score: Double,
            // Deferred factors
            referee_favorability_score: Double, look_ahead_pressure_score: Double,
            travel_impact_score: Double, opponent_strength_score: Double,
            total_composite_adjustment: Double,
            // Factor context (JSON objects)
            fatigue_context_json: Varchar, shot_zone_context_json: Varchar,
            pace_context_json: Varchar, usage_context_json: Varchar,
            // Quality
            calculation_version: Varchar, data_completeness_pct: Double,
            missing_data_fields: Varchar, has_warnings: Boolean, warning_details: Varchar,
            // Source tracking
            source_player_context_last_updated: Timestamp,
            source_player_context_rows_found: Integer,
            source_player_context_completeness_pct: Double,
            source_team_context_last_updated: Timestamp, source_team_context_rows_found: Integer,
            source_team_context_completeness_pct: Double,
            source_player_shot_last_updated: Timestamp, source_player_shot_rows_found: Integer,
            source_player_shot_completeness_pct: Double,
            source_team_defense_last_updated: Timestamp, source_team_defense_rows_found: Integer,
            source_team_defense_completeness_pct: Double,
            source_player_context_hash: Varchar, source_team_context_hash: Varchar,
            source_player_shot_hash: Varchar, source_team_defense_hash: Varchar,
            data_hash: Varchar,
            // Early season
            early_season_flag: Boolean, insufficient_data_reason: Varchar,
            // Completeness
            expected_games_count: Integer, actual_games_count: Integer,
            completeness_percentage: Double, missing_games_count: Integer,
            is_production_ready: Boolean, data_quality_issues: Varchar,
            last_reprocess_attempt_at: Timestamp, reprocess_attempt_count: Integer,
            circuit_breaker_active: Boolean, circuit_breaker_until: Timestamp,
            manual_override_required: Boolean, season_boundary_detected: Boolean,
            backfill_bootstrap_mode: Boolean, processing_decision_reason: Varchar,
            // Upstream readiness
            upstream_player_shot_ready: Boolean, upstream_team_defense_ready: Boolean,
            upstream_player_context_ready: Boolean, upstream_team_context_ready: Boolean,
            all_upstreams_ready: Boolean,
            // Meta
            created_at: Timestamp, processed_at: Timestamp,
        ],
        upstream: &[
            TableId::UpcomingPlayerGameContext,
            TableId::UpcomingTeamGameContext,
            TableId::PlayerShotZoneAnalysis,
            TableId::TeamDefenseZoneAnalysis,
            TableId::PlayerGameSummary,
            TableId::NbacSchedule,
        ],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_precompute", "player_composite_factors"),
            reads: ReadWindow::Days(430),
            rows: RowsRule::PlayersPlaying,
        }),
        bounds: bounds![fatigue_score: 0..=100, shot_zone_mismatch_score: -10..=10, pace_score: -3..=3, usage_spike_score: -3..=3, data_completeness_pct: 0..=100, completeness_percentage: 0..=100],
        clustering: &["player_lookup", "universal_player_id", "game_date"],
    },
    TableDef {
        id: TableId::PlayerDailyCache,
        dataset: Dataset::NbaPrecompute,
        name: "player_daily_cache",
        doc: "one row per player with a game on the date: recent scoring, pace, fatigue, shot mix",
        date_column: Some("cache_date"),
        grain: &["player_lookup", "cache_date"],
        columns: columns![
            // Keys
            player_lookup: Varchar, universal_player_id: Varchar, cache_date: Date,
            // Performance
            points_avg_last_5: Double, points_avg_last_10: Double, points_avg_season: Double,
            points_std_last_10: Double, minutes_avg_last_10: Double, usage_rate_last_10: Double,
            ts_pct_last_10: Double, games_played_season: Integer,
            // Team
            team_pace_last_10: Double, team_off_rating_last_10: Double,
            player_usage_rate_season: Double,
            // Fatigue
            games_in_last_7_days: Integer, games_in_last_14_days: Integer,
            minutes_in_last_7_days: Integer, minutes_in_last_14_days: Integer,
            back_to_backs_last_14_days: Integer, avg_minutes_per_game_last_7: Double,
            fourth_quarter_minutes_last_7: Integer,
            // Shot zone (rates in percent 0-100, assisted_rate_last_10 too)
            primary_scoring_zone: Varchar, paint_rate_last_10: Double,
            three_pt_rate_last_10: Double, assisted_rate_last_10: Double, player_age: Integer,
            // Source tracking
            source_player_game_last_updated: Timestamp, source_player_game_rows_found: Integer,
            source_player_game_completeness_pct: Double, source_player_game_hash: Varchar,
            source_team_offense_last_updated: Timestamp, source_team_offense_rows_found: Integer,
            source_team_offense_completeness_pct: Double, source_team_offense_hash: Varchar,
            source_upcoming_context_last_updated: Timestamp,
            source_upcoming_context_rows_found: Integer,
            source_upcoming_context_completeness_pct: Double,
            source_upcoming_context_hash: Varchar,
            source_shot_zone_last_updated: Timestamp, source_shot_zone_rows_found: Integer,
            source_shot_zone_completeness_pct: Double, source_shot_zone_hash: Varchar,
            data_hash: Varchar,
            // Early season
            early_season_flag: Boolean, insufficient_data_reason: Varchar,
            shot_zone_data_available: Boolean,
            // Completeness
            expected_games_count: Integer, actual_games_count: Integer,
            completeness_percentage: Double, missing_games_count: Integer,
            is_production_ready: Boolean, data_quality_issues: Varchar,
            last_reprocess_attempt_at: Timestamp, reprocess_attempt_count: Integer,
            circuit_breaker_active: Boolean, circuit_breaker_until: Timestamp,
            manual_override_required: Boolean, season_boundary_detected: Boolean,
            backfill_bootstrap_mode: Boolean, processing_decision_reason: Varchar,
            // Multi-window completeness
            l5_completeness_pct: Double, l10_completeness_pct: Double,
            l7d_completeness_pct: Double, l14d_completeness_pct: Double,
            l5_is_complete: Boolean, l10_is_complete: Boolean, l7d_is_complete: Boolean,
            l14d_is_complete: Boolean, all_windows_complete: Boolean,
            // Quality (computed by the reference but missing from its DDL, §5.1)
            quality_tier: Varchar, cache_quality_score: Double,
            // Meta
            cache_version: Varchar, created_at: Timestamp, processed_at: Timestamp,
        ],
        upstream: &[
            TableId::PlayerGameSummary,
            TableId::TeamOffenseGameSummary,
            TableId::UpcomingPlayerGameContext,
            TableId::PlayerShotZoneAnalysis,
            TableId::NbacSchedule,
        ],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_precompute", "player_daily_cache"),
            reads: ReadWindow::Days(430),
            rows: RowsRule::PlayersPlaying,
        }),
        bounds: bounds![paint_rate_last_10: 0..=100, three_pt_rate_last_10: 0..=100, assisted_rate_last_10: 0..=100, ts_pct_last_10: 0..=1.5, cache_quality_score: 0..=100, completeness_percentage: 0..=100],
        clustering: &["player_lookup", "universal_player_id"],
    },
    TableDef {
        id: TableId::MlFeatureStoreV2,
        dataset: Dataset::NbaPredictions,
        name: "ml_feature_store_v2",
        doc: "one row per player with a game on the date: the feature vector, as JSON arrays",
        date_column: Some("game_date"),
        grain: &["player_lookup", "game_date"],
        columns: columns![
            // Keys
            player_lookup: Varchar, universal_player_id: Varchar, game_date: Date,
            game_id: Varchar,
            // Features: JSON arrays in feature order (`v1_baseline_25`, §6.4).
            // feature_sources is the per-feature tag (phase4 | phase3 | calculated |
            // default, §6.5) that the reference computed but did not persist.
            features: Varchar, feature_names: Varchar, feature_sources: Varchar,
            feature_count: Integer, feature_version: Varchar,
            // Quality and context
            feature_generation_time_ms: Integer, feature_quality_score: Double,
            quality_tier: Varchar, opponent_team_abbr: Varchar, is_home: Boolean,
            days_rest: Integer, data_source: Varchar,
            // Source tracking
            source_daily_cache_last_updated: Timestamp, source_daily_cache_rows_found: Integer,
            source_daily_cache_completeness_pct: Double, source_daily_cache_hash: Varchar,
            source_composite_last_updated: Timestamp, source_composite_rows_found: Integer,
            source_composite_completeness_pct: Double, source_composite_hash: Varchar,
            source_shot_zones_last_updated: Timestamp, source_shot_zones_rows_found: Integer,
            source_shot_zones_completeness_pct: Double, source_shot_zones_hash: Varchar,
            source_team_defense_last_updated: Timestamp, source_team_defense_rows_found: Integer,
            source_team_defense_completeness_pct: Double, source_team_defense_hash: Varchar,
            // Early season
            early_season_flag: Boolean, insufficient_data_reason: Varchar,
            // Completeness
            expected_games_count: Integer, actual_games_count: Integer,
            completeness_percentage: Double, missing_games_count: Integer,
            is_production_ready: Boolean, data_quality_issues: Varchar,
            last_reprocess_attempt_at: Timestamp, reprocess_attempt_count: Integer,
            circuit_breaker_active: Boolean, circuit_breaker_until: Timestamp,
            manual_override_required: Boolean, season_boundary_detected: Boolean,
            backfill_bootstrap_mode: Boolean, processing_decision_reason: Varchar,
            // Meta
            data_hash: Varchar, created_at: Timestamp, updated_at: Timestamp,
        ],
        upstream: &[
            TableId::PlayerDailyCache,
            TableId::PlayerCompositeFactors,
            TableId::PlayerShotZoneAnalysis,
            TableId::TeamDefenseZoneAnalysis,
            TableId::PlayerGameSummary,
            TableId::TeamOffenseGameSummary,
            TableId::UpcomingPlayerGameContext,
            TableId::NbacSchedule,
        ],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_predictions", "ml_feature_store_v2"),
            reads: ReadWindow::Days(430),
            rows: RowsRule::PlayersPlaying,
        }),
        bounds: bounds![feature_quality_score: 0..=100, completeness_percentage: 0..=100],
        clustering: &["player_lookup", "feature_version", "game_date"],
    },
];
