-- demo.season_openers
-- One row per (season, system) over the graded predictions of each season's first 14 days
-- (opening night and the 13 days after: the bootstrap window): n, MAE, and how many of those
-- player-games were described by features carried over from the season before (the feature
-- store's data_source 'carried_over'). The lake's first season has nothing to carry and no
-- predictions there. Not a registry table: a read-only summary the demo prints.
SELECT
    CAST(d.season_year AS VARCHAR) || '-' || lpad(CAST((d.season_year + 1) % 100 AS VARCHAR), 2, '0') AS season,
    a.system_id,
    count(*) AS n,
    round(avg(a.absolute_error), 3) AS mae,
    round(avg(a.signed_error), 3) AS bias,
    count(*) FILTER (WHERE f.data_source = 'carried_over') AS carried_over
FROM nba_predictions.prediction_accuracy AS a
JOIN backcourt.game_dates AS d ON d.game_date = a.game_date
LEFT JOIN nba_predictions.ml_feature_store_v2 AS f
    ON f.player_lookup = a.player_lookup AND f.game_date = a.game_date
WHERE d.is_bootstrap
GROUP BY d.season_year, a.system_id
ORDER BY season, CASE a.system_id
    WHEN 'moving_average_baseline_v1' THEN 1 WHEN 'zone_matchup_v1' THEN 2
    WHEN 'similarity_balanced_v1' THEN 3 WHEN 'gbm_points_v1' THEN 4 ELSE 5 END
