//! The Phase 5 tables (`nba_predictions`), following `spec/reference-phase5.md`:
//! player_prop_predictions §3, prediction_accuracy and system_daily_performance
//! §7. Date columns and grains follow `spec/reference-ops.md` §0; upstream edges
//! follow its §2.1 and phase 5 §1. (ml_feature_store_v2 lives in the same
//! dataset but is a Phase 4 product, declared in `precompute.rs`.)
//!
//! NUMERIC columns are `Double`; ARRAY and JSON columns are `Varchar` holding
//! JSON text.

use super::{
    bounds, columns, sql_file, Dataset, Model, Producer, ReadWindow, RowsRule, TableDef, TableId,
};

pub(super) fn def(id: TableId) -> &'static TableDef {
    TABLES
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id} is not a predictions table"))
}

static TABLES: &[TableDef] = &[
    TableDef {
        id: TableId::PlayerPropPredictions,
        dataset: Dataset::NbaPredictions,
        name: "player_prop_predictions",
        doc: "one row per (game date, player, system): predicted points and the call vs the line",
        date_column: Some("game_date"),
        grain: &["game_date", "player_lookup", "system_id"],
        columns: columns![
            // Identifiers
            prediction_id: Varchar, system_id: Varchar, player_lookup: Varchar,
            universal_player_id: Varchar, game_date: Date, game_id: Varchar,
            prediction_version: Integer,
            // Core (confidence on the 0-1 scale, §2.6)
            predicted_points: Double, confidence_score: Double, recommendation: Varchar,
            has_prop_line: Boolean,
            // Components
            similarity_baseline: Double, fatigue_adjustment: Double, shot_zone_adjustment: Double,
            referee_adjustment: Double, look_ahead_adjustment: Double, pace_adjustment: Double,
            usage_spike_adjustment: Double, home_away_adjustment: Double,
            other_adjustments: Double,
            // Metadata
            similar_games_count: Integer, avg_similarity_score: Double,
            min_similarity_score: Double, current_points_line: Double, line_margin: Double,
            ml_model_id: Varchar,
            // Line source
            line_source: Varchar, estimated_line_value: Double, estimation_method: Varchar,
            // Ensemble fields (key_factors and warnings are JSON)
            prediction_variance: Double, system_agreement_score: Double,
            contributing_systems: Integer, key_factors: Varchar, warnings: Varchar,
            // Completeness (copied from the feature store)
            expected_games_count: Integer, actual_games_count: Integer,
            missing_games_count: Integer, completeness_percentage: Double,
            is_production_ready: Boolean, data_quality_issues: Varchar,
            last_reprocess_attempt_at: Timestamp, reprocess_attempt_count: Integer,
            circuit_breaker_active: Boolean, circuit_breaker_until: Timestamp,
            manual_override_required: Boolean, season_boundary_detected: Boolean,
            backfill_bootstrap_mode: Boolean, processing_decision_reason: Varchar,
            // Status
            is_active: Boolean, superseded_by: Varchar, created_at: Timestamp,
            updated_at: Timestamp,
            // Added to the live table after the DDL (§3): feature_importance is JSON
            model_version: Varchar, feature_importance: Varchar, scoring_tier: Varchar,
            tier_adjustment: Double, adjusted_points: Double,
        ],
        upstream: &[
            TableId::MlFeatureStoreV2,
            TableId::PlayerGameSummary,
            TableId::UpcomingPlayerGameContext,
        ],
        producer: Producer::Kernel {
            model: Model {
                sql: sql_file!("nba_predictions", "player_prop_predictions"),
                reads: ReadWindow::AllBefore,
                rows: RowsRule::PlayersPlayingPerSystem,
            },
            source_hash: env!("BACKCOURT_PREDICTIONS_KERNEL_HASH"),
        },
        bounds: bounds![predicted_points: 0..=100, confidence_score: 0..=1, completeness_percentage: 0..=100],
        clustering: &[
            "system_id",
            "player_lookup",
            "confidence_score",
            "game_date",
        ],
    },
    TableDef {
        id: TableId::PredictionAccuracy,
        dataset: Dataset::NbaPredictions,
        name: "prediction_accuracy",
        doc: "one row per graded prediction: its error and, given a line, whether the call won",
        date_column: Some("game_date"),
        grain: &["game_date", "player_lookup", "system_id"],
        columns: columns![
            // Keys
            player_lookup: Varchar, game_id: Varchar, game_date: Date, system_id: Varchar,
            team_abbr: Varchar, opponent_team_abbr: Varchar,
            // Prediction
            predicted_points: Double, confidence_score: Double, confidence_decile: Integer,
            recommendation: Varchar, line_value: Double,
            // Inputs
            referee_adjustment: Double, pace_adjustment: Double, similarity_sample_size: Integer,
            // Actuals
            actual_points: Integer, minutes_played: Double,
            // Results
            absolute_error: Double, signed_error: Double, prediction_correct: Boolean,
            predicted_margin: Double, actual_margin: Double, within_3_points: Boolean,
            within_5_points: Boolean,
            // Meta
            model_version: Varchar, graded_at: Timestamp,
        ],
        upstream: &[TableId::PlayerPropPredictions, TableId::PlayerGameSummary],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_predictions", "prediction_accuracy"),
            reads: ReadWindow::SameDate,
            rows: RowsRule::PlayersPlayingPerSystem,
        }),
        bounds: bounds![predicted_points: 0..=100, actual_points: 0..=100, confidence_score: 0..=1],
        clustering: &["system_id", "player_lookup"],
    },
    TableDef {
        id: TableId::SystemDailyPerformance,
        dataset: Dataset::NbaPredictions,
        name: "system_daily_performance",
        doc: "one row per (game date, system): graded volume, error and win rates",
        date_column: Some("game_date"),
        grain: &["game_date", "system_id"],
        columns: columns![
            // Keys
            game_date: Date, system_id: Varchar,
            // Volume
            predictions_count: Integer, recommendations_count: Integer, correct_count: Integer,
            incorrect_count: Integer, pass_count: Integer,
            // Core
            win_rate: Double, mae: Double, avg_bias: Double,
            // Direction
            over_count: Integer, over_correct: Integer, over_win_rate: Double,
            under_count: Integer, under_correct: Integer, under_win_rate: Double,
            // Thresholds
            within_3_count: Integer, within_3_pct: Double, within_5_count: Integer,
            within_5_pct: Double,
            // Confidence (high = confidence >= 0.70)
            avg_confidence: Double, high_confidence_count: Integer,
            high_confidence_correct: Integer, high_confidence_win_rate: Double,
            // Meta
            computed_at: Timestamp,
        ],
        upstream: &[TableId::PredictionAccuracy],
        producer: Producer::Sql(Model {
            sql: sql_file!("nba_predictions", "system_daily_performance"),
            reads: ReadWindow::SameDate,
            rows: RowsRule::Systems,
        }),
        bounds: bounds![win_rate: 0..=1, over_win_rate: 0..=1, under_win_rate: 0..=1, high_confidence_win_rate: 0..=1, within_3_pct: 0..=100, within_5_pct: 0..=100],
        clustering: &[],
    },
];
