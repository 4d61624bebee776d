-- nba_predictions.player_prop_predictions: one row per (game date, player, system).
-- The systems run in Rust (src/predictions): their rows arrive in the session table
-- __prediction_kernel, one per player-date and system, with failure_category set where a system
-- could not predict (too few similar games; no model trained before the date). This model gives
-- them the table's shape: ids, the line columns, and the completeness columns copied from the
-- feature-store row the prediction was made from.
--
-- Fixed from the reference (spec/reference-phase5.md §3, §10):
--   * the line is the real pre-game line (upcoming_player_game_context, last snapshot before
--     tip-off); without one the recommendation is NO_LINE and current_points_line, line_margin and
--     line_source are NULL: no placeholder line, ever;
--   * confidence_score is 0-1 for every system;
--   * prediction_id is deterministic (date_player_system) and timestamps come from the features,
--     so a rerun writes the same bytes.
-- Uses: none.
SELECT
    strftime(k.game_date, '%Y-%m-%d') || '_' || k.player_lookup || '_' || k.system_id AS prediction_id,
    k.system_id,
    k.player_lookup,
    m.universal_player_id,
    k.game_date,
    k.game_id,
    1 AS prediction_version,
    round(k.predicted_points, 1) AS predicted_points,
    round(k.confidence_score, 4) AS confidence_score,
    k.recommendation,
    k.line IS NOT NULL AS has_prop_line,
    round(k.similarity_baseline, 1) AS similarity_baseline,
    round(k.fatigue_adjustment, 2) AS fatigue_adjustment,
    round(k.shot_zone_adjustment, 2) AS shot_zone_adjustment,
    CAST(NULL AS DOUBLE) AS referee_adjustment,
    CAST(NULL AS DOUBLE) AS look_ahead_adjustment,
    round(k.pace_adjustment, 2) AS pace_adjustment,
    round(k.usage_spike_adjustment, 2) AS usage_spike_adjustment,
    round(k.home_away_adjustment, 2) AS home_away_adjustment,
    round(k.other_adjustments, 2) AS other_adjustments,
    k.similar_games_count,
    round(k.avg_similarity_score, 2) AS avg_similarity_score,
    round(k.min_similarity_score, 2) AS min_similarity_score,
    k.line AS current_points_line,
    round(round(k.predicted_points, 1) - k.line, 2) AS line_margin,  -- from the stored prediction
    k.ml_model_id,
    CASE WHEN k.line IS NOT NULL THEN 'ACTUAL_PROP' END AS line_source,
    CAST(NULL AS DOUBLE) AS estimated_line_value,
    CAST(NULL AS VARCHAR) AS estimation_method,
    k.prediction_variance,
    k.system_agreement_score,
    k.contributing_systems,
    k.key_factors,
    CAST(NULL AS VARCHAR) AS warnings,
    m.expected_games_count,
    m.actual_games_count,
    m.missing_games_count,
    m.completeness_percentage,
    m.is_production_ready,
    m.data_quality_issues,
    m.last_reprocess_attempt_at,
    m.reprocess_attempt_count,
    m.circuit_breaker_active,
    m.circuit_breaker_until,
    m.manual_override_required,
    m.season_boundary_detected,
    m.backfill_bootstrap_mode,
    m.processing_decision_reason,
    true AS is_active,
    CAST(NULL AS VARCHAR) AS superseded_by,
    m.created_at,
    m.updated_at,
    CASE k.system_id
        WHEN 'gbm_points_v1' THEN k.ml_model_id
        WHEN 'ensemble_v1' THEN 'ensemble_v1'
        ELSE '1.0'
    END AS model_version,
    CASE WHEN k.system_id = 'ensemble_v1' THEN k.key_factors END AS feature_importance,
    CAST(NULL AS VARCHAR) AS scoring_tier,
    CAST(NULL AS DOUBLE) AS tier_adjustment,
    CAST(NULL AS DOUBLE) AS adjusted_points,
    k.failure_category,
    k.failure_reason,
    false AS can_retry,
    k.player_lookup || '/' || k.system_id AS failure_entity_id
FROM __prediction_kernel AS k
JOIN nba_predictions.ml_feature_store_v2 AS m
    ON m.player_lookup = k.player_lookup AND m.game_date = k.game_date
   AND m.feature_version = 'v1_baseline_25'
