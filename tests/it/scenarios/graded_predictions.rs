//! The hand-built inputs of Phase 5 grading, prediction_accuracy and the
//! system_daily_performance it feeds (spec/reference-phase5.md §7), and the lake graded over them.
//!
//! The lake holds predictions of two systems on two dates, D1 = 2024-01-10 (game G1, LAL at BOS)
//! and D2 = 2024-01-11 (game G20), and the box scores they are graded against. Each player name
//! says what their D1 prediction pins:
//!
//! | player    | system | pred | conf | call    | line | actual           | verdict           |
//! |-----------|--------|------|------|---------|------|------------------|-------------------|
//! | overwin   | MA     | 25.0 | 0.75 | OVER    | 20.5 | 24               | won               |
//! | underloss | MA     | 16.9 | 0.65 | UNDER   | 18.5 | 22               | lost, error 5.1   |
//! | push      | MA     | 23.0 | 0.80 | OVER    | 20.0 | 20 (is_active ∅) | push, error 3.0   |
//! | pass      | MA     | 23.1 | 0.40 | PASS    | 22.5 | 20               | none, error 3.1   |
//! | noline    | MA     | 12.0 | 1.00 | NO_LINE | ∅    | 17               | none, error 5.0   |
//! | underwin  | MA     |  8.0 | 0.00 | UNDER   | 12.5 | 11               | won, error 3.0    |
//! | overloss  | MA     | 30.0 | 0.90 | OVER    | 27.5 | 21               | lost              |
//! | underwin2 | MA     | 10.0 | 0.70 | UNDER   | 14.5 | 14               | won               |
//! | overwin   | EN     | 22.0 | 0.50 | PASS    | 20.5 | 24               | none              |
//! | noline    | EN     | 17.0 | 0.30 | NO_LINE | ∅    | 17               | none              |
//! | push      | EN     | 17.0 | 0.85 | UNDER   | 20.0 | 20               | push              |
//!
//! Not graded (INCOMPLETE_DATA failures): dnp (MA and EN; no box score), inactive (a box score
//! with points but is_active false), zero (active, 0 minutes, 0 shots, 0 points), othergame (a
//! box score on D1 under game G9, not the predicted G1). On D2, MA predicts overwin (OVER 20.5,
//! pred 25.0, actual 18: lost) and underloss, who has a D1 box score but none on D2 (a failure).

use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::Lake;
use backcourt::registry::TableId;

use crate::util::lake_with;

pub const PA: TableId = TableId::PredictionAccuracy;
pub const SDP: TableId = TableId::SystemDailyPerformance;
pub const D1: &str = "2024-01-10";
pub const D2: &str = "2024-01-11";
pub const MA: &str = "moving_average_baseline_v1";
pub const EN: &str = "ensemble_v1";

/// `nba_predictions.player_prop_predictions`: created at 15:00 UTC on D1 (T1) except overloss's,
/// created at 08:00 on D2 (after its box score was processed, so its graded_at is its own).
pub const PREDICTIONS: &str = "
SELECT prediction_id, system_id, player_lookup, CAST(game_date AS DATE) AS game_date, game_id,
    CAST(predicted_points AS DOUBLE) AS predicted_points,
    CAST(confidence_score AS DOUBLE) AS confidence_score, recommendation,
    CAST(current_points_line AS DOUBLE) AS current_points_line, model_version,
    CAST(created_at AS TIMESTAMPTZ) AS created_at, CAST(pace_adjustment AS DOUBLE) AS pace_adjustment,
    CAST(similar_games_count AS INTEGER) AS similar_games_count
FROM (VALUES
    ('ma-overwin',   'moving_average_baseline_v1', 'overwin',   '2024-01-10', '0022300501', 25.0, 0.75, 'OVER',    20.5, 'ma-1', '2024-01-10 15:00:00+00', 0.4, 12),
    ('ma-underloss', 'moving_average_baseline_v1', 'underloss', '2024-01-10', '0022300501', 16.9, 0.65, 'UNDER',   18.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-push',      'moving_average_baseline_v1', 'push',      '2024-01-10', '0022300501', 23.0, 0.80, 'OVER',    20.0, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-pass',      'moving_average_baseline_v1', 'pass',      '2024-01-10', '0022300501', 23.1, 0.40, 'PASS',    22.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-noline',    'moving_average_baseline_v1', 'noline',    '2024-01-10', '0022300501', 12.0, 1.00, 'NO_LINE', NULL, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-underwin',  'moving_average_baseline_v1', 'underwin',  '2024-01-10', '0022300501',  8.0, 0.00, 'UNDER',   12.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-overloss',  'moving_average_baseline_v1', 'overloss',  '2024-01-10', '0022300501', 30.0, 0.90, 'OVER',    27.5, 'ma-1', '2024-01-11 08:00:00+00', NULL, NULL),
    ('ma-underwin2', 'moving_average_baseline_v1', 'underwin2', '2024-01-10', '0022300501', 10.0, 0.70, 'UNDER',   14.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-dnp',       'moving_average_baseline_v1', 'dnp',       '2024-01-10', '0022300501', 18.0, 0.90, 'OVER',    15.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-inactive',  'moving_average_baseline_v1', 'inactive',  '2024-01-10', '0022300501',  9.0, 0.90, 'UNDER',   12.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-zero',      'moving_average_baseline_v1', 'zero',      '2024-01-10', '0022300501',  4.0, 0.90, 'UNDER',    6.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-othergame', 'moving_average_baseline_v1', 'othergame', '2024-01-10', '0022300501', 14.0, 0.90, 'OVER',    10.5, 'ma-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('en-overwin',   'ensemble_v1',                'overwin',   '2024-01-10', '0022300501', 22.0, 0.50, 'PASS',    20.5, 'en-1', '2024-01-10 15:00:00+00', -1.5, 7),
    ('en-noline',    'ensemble_v1',                'noline',    '2024-01-10', '0022300501', 17.0, 0.30, 'NO_LINE', NULL, 'en-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('en-push',      'ensemble_v1',                'push',      '2024-01-10', '0022300501', 17.0, 0.85, 'UNDER',   20.0, 'en-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('en-dnp',       'ensemble_v1',                'dnp',       '2024-01-10', '0022300501', 18.0, 0.50, 'PASS',    15.5, 'en-1', '2024-01-10 15:00:00+00', NULL, NULL),
    ('ma-overwin-2', 'moving_average_baseline_v1', 'overwin',   '2024-01-11', '0022300520', 25.0, 0.60, 'OVER',    20.5, 'ma-1', '2024-01-11 15:00:00+00', NULL, NULL),
    ('ma-underloss-2','moving_average_baseline_v1','underloss', '2024-01-11', '0022300520', 15.0, 0.60, 'UNDER',   18.5, 'ma-1', '2024-01-11 15:00:00+00', NULL, NULL)
) t(prediction_id, system_id, player_lookup, game_date, game_id, predicted_points,
    confidence_score, recommendation, current_points_line, model_version, created_at,
    pace_adjustment, similar_games_count)";

/// `nba_analytics.player_game_summary`: D1's box scores processed at 05:00 on D2, D2's at 05:00
/// the day after.
pub const BOX_SCORES: &str = "
SELECT player_lookup, game_id, CAST(game_date AS DATE) AS game_date, team_abbr,
    opponent_team_abbr, CAST(points AS INTEGER) AS points,
    CAST(minutes_played AS DOUBLE) AS minutes_played, CAST(fg_attempts AS INTEGER) AS fg_attempts,
    CAST(is_active AS BOOLEAN) AS is_active, CAST(processed_at AS TIMESTAMPTZ) AS processed_at
FROM (VALUES
    ('overwin',   '0022300501', '2024-01-10', 'LAL', 'BOS', 24, 33.5, 18, true,  '2024-01-11 05:00:00+00'),
    ('underloss', '0022300501', '2024-01-10', 'LAL', 'BOS', 22, 30.0, 15, true,  '2024-01-11 05:00:00+00'),
    ('push',      '0022300501', '2024-01-10', 'BOS', 'LAL', 20, 28.0, 14, NULL,  '2024-01-11 05:00:00+00'),
    ('pass',      '0022300501', '2024-01-10', 'BOS', 'LAL', 20, 25.0, 16, true,  '2024-01-11 05:00:00+00'),
    ('noline',    '0022300501', '2024-01-10', 'LAL', 'BOS', 17, 20.0, 12, true,  '2024-01-11 05:00:00+00'),
    ('underwin',  '0022300501', '2024-01-10', 'BOS', 'LAL', 11, 18.0,  9, true,  '2024-01-11 05:00:00+00'),
    ('overloss',  '0022300501', '2024-01-10', 'LAL', 'BOS', 21, 36.0, 20, true,  '2024-01-11 05:00:00+00'),
    ('underwin2', '0022300501', '2024-01-10', 'BOS', 'LAL', 14, 22.0, 11, true,  '2024-01-11 05:00:00+00'),
    ('inactive',  '0022300501', '2024-01-10', 'LAL', 'BOS',  6, 12.0,  5, false, '2024-01-11 05:00:00+00'),
    ('zero',      '0022300501', '2024-01-10', 'BOS', 'LAL',  0,  0.0,  0, true,  '2024-01-11 05:00:00+00'),
    ('othergame', '0022300509', '2024-01-10', 'MIA', 'NYK', 15, 25.0, 12, true,  '2024-01-11 05:00:00+00'),
    ('overwin',   '0022300520', '2024-01-11', 'LAL', 'PHX', 18, 31.0, 16, true,  '2024-01-12 05:00:00+00')
) t(player_lookup, game_id, game_date, team_abbr, opponent_team_abbr, points, minutes_played,
    fg_attempts, is_active, processed_at)";

/// The whole span, D1..D2.
pub fn span() -> ModelParams {
    ModelParams::historical(format!("{D1}..{D2}").parse().expect("date range"))
}

/// A lake with the predictions and box scores, nothing graded yet.
pub fn inputs_lake() -> (tempfile::TempDir, Lake) {
    lake_with(&[
        (TableId::PlayerPropPredictions, PREDICTIONS),
        (TableId::PlayerGameSummary, BOX_SCORES),
    ])
}

/// Writes `table`'s model over `params.range`.
pub fn write(lake: &Lake, table: TableId, params: &ModelParams) {
    let engine = Engine::open(lake).expect("engine");
    engine
        .write_model(table, table.sql().expect("a SQL model"), params)
        .unwrap_or_else(|e| panic!("{table}: {e}"));
}

/// Grades the span: prediction_accuracy, then system_daily_performance (which reads it).
pub fn grade(lake: &Lake, params: &ModelParams) {
    write(lake, PA, params);
    write(lake, SDP, params);
}

/// A lake with the inputs graded over D1..D2.
pub fn graded_lake() -> (tempfile::TempDir, Lake) {
    let (dir, lake) = inputs_lake();
    grade(&lake, &span());
    (dir, lake)
}

/// The columns of system_daily_performance compared by [`assert_daily`].
pub const DAILY: &str =
    "predictions_count, recommendations_count, correct_count, incorrect_count, \
    pass_count, win_rate, mae, avg_bias, over_count, over_correct, over_win_rate, under_count, \
    under_correct, under_win_rate, within_3_count, within_3_pct, within_5_count, within_5_pct, \
    avg_confidence, high_confidence_count, high_confidence_correct, high_confidence_win_rate";
