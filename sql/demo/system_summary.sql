-- demo.system_summary
-- One row per (season, system) over the graded predictions: n, MAE, bias, within-3, the hit rate
-- of OVER/UNDER calls on real lines (pushes excluded) with its counts, and beside them the oracle
-- MAE: the error of the generator's latent expected points on the same player-games, the best any
-- model can do. Not a registry table: a read-only summary the demo prints.
SELECT
    CAST(s.season_year AS VARCHAR) || '-' || lpad(CAST((s.season_year + 1) % 100 AS VARCHAR), 2, '0') AS season,
    a.system_id,
    count(*) AS n,
    round(avg(a.absolute_error), 3) AS mae,
    round(avg(a.signed_error), 3) AS bias,
    round(100.0 * avg(CAST(a.within_3_points AS INTEGER)), 1) AS within_3_pct,
    count(a.prediction_correct) AS calls,
    count(*) FILTER (WHERE a.prediction_correct) AS won,
    round(100.0 * count(*) FILTER (WHERE a.prediction_correct) / nullif(count(a.prediction_correct), 0), 1) AS hit_rate_pct,
    round(avg(abs(t.actual_points - t.expected_points)), 3) AS oracle_mae
FROM nba_predictions.prediction_accuracy AS a
JOIN nba_synthetic.player_game_truth AS t
    ON t.game_id = a.game_id AND t.player_lookup = a.player_lookup
JOIN (SELECT DISTINCT game_id, season_year FROM nba_synthetic.player_game_truth) AS s
    ON s.game_id = a.game_id
GROUP BY s.season_year, a.system_id
ORDER BY season, CASE a.system_id
    WHEN 'moving_average_baseline_v1' THEN 1 WHEN 'zone_matchup_v1' THEN 2
    WHEN 'similarity_balanced_v1' THEN 3 WHEN 'gbm_points_v1' THEN 4 ELSE 5 END
