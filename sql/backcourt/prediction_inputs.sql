-- What the prediction kernels read: every feature-store row (v1_baseline_25) up to $end_date, with
-- the real pre-game line from upcoming_player_game_context (last snapshot before tip-off; NULL when
-- no book posted one) and the points the player scored in that game (NULL if he did not play).
-- Rows before $start_date are history for similarity and training data for the model; the
-- kernels never read a row's own points when predicting it (src/predictions/kernel.rs).
SELECT
    m.player_lookup,
    m.game_date,
    m.game_id,
    from_json(m.feature_names, '["VARCHAR"]') AS feature_names,
    CAST(m.features AS DOUBLE[]) AS features,
    -- Which values are the store's defaults (a system must not read a default as a signal).
    from_json(m.feature_sources, '["VARCHAR"]') AS feature_sources,
    CAST(m.feature_quality_score AS DOUBLE) AS feature_quality_score,
    CAST(m.days_rest AS INTEGER) AS days_rest,
    CAST(u.current_points_line AS DOUBLE) AS line,
    CAST(p.points AS DOUBLE) AS actual_points
FROM nba_predictions.ml_feature_store_v2 AS m
LEFT JOIN nba_analytics.upcoming_player_game_context AS u
    ON u.player_lookup = m.player_lookup AND u.game_id = m.game_id
LEFT JOIN backcourt.player_games AS p
    ON p.player_lookup = m.player_lookup AND p.game_date = m.game_date
WHERE m.feature_version = 'v1_baseline_25'
  AND m.game_date <= $end_date
ORDER BY m.player_lookup, m.game_date
