-- demo.tier_adjustment
-- Does the reference's scoring-tier bias adjustment (spec/reference-phase5.md §8) lower the
-- ensemble's error when it is evaluated honestly? Tiers come from the PRE-GAME season average (the
-- feature store's points_avg_season; the reference built them from the actual points it was trying
-- to predict, then applied them by season average). For each date D and tier, the adjustment is
-- -(mean signed error of the ensemble's graded predictions of that tier over D-30 .. D-1), used
-- only with >= 20 such predictions and scaled by the reference's factors (star 1.0, starter 0.75,
-- rotation and bench 0.5); it is applied to D's predictions, which it has not seen (held out).
-- One row per tier and one for all: MAE without and with the adjustment.
WITH graded AS (
    SELECT a.game_date, a.predicted_points, a.actual_points, a.signed_error,
           CAST(m.features AS DOUBLE[])[3] AS season_avg
    FROM nba_predictions.prediction_accuracy AS a
    JOIN nba_predictions.ml_feature_store_v2 AS m USING (player_lookup, game_date)
    WHERE a.system_id = 'ensemble_v1'
),
tiered AS (
    SELECT *,
           CASE WHEN season_avg >= 30 THEN 'STAR_30PLUS'
                WHEN season_avg >= 20 THEN 'STARTER_20_29'
                WHEN season_avg >= 10 THEN 'ROTATION_10_19'
                ELSE 'BENCH_0_9' END AS tier
    FROM graded
),
daily AS (
    SELECT game_date, tier, sum(signed_error) AS error_sum, count(*) AS n
    FROM tiered
    GROUP BY game_date, tier
),
learned AS (
    SELECT t.game_date, t.tier, sum(d.error_sum) AS error_sum, sum(d.n) AS n
    FROM (SELECT DISTINCT game_date, tier FROM tiered) AS t
    JOIN daily AS d
        ON d.tier = t.tier AND d.game_date BETWEEN t.game_date - 30 AND t.game_date - 1
    GROUP BY t.game_date, t.tier
),
adjusted AS (
    SELECT x.*,
           CASE WHEN l.n >= 20
                THEN -(l.error_sum / l.n) * CASE x.tier WHEN 'STAR_30PLUS' THEN 1.0
                                                        WHEN 'STARTER_20_29' THEN 0.75
                                                        ELSE 0.5 END
                ELSE 0 END AS adjustment
    FROM tiered AS x
    LEFT JOIN learned AS l USING (game_date, tier)
)
SELECT
    coalesce(tier, 'ALL') AS tier,
    count(*) AS n,
    round(avg(signed_error), 3) AS bias,
    round(avg(abs(predicted_points - actual_points)), 3) AS mae,
    round(avg(abs(predicted_points + adjustment - actual_points)), 3) AS adjusted_mae,
    round(avg(abs(predicted_points + adjustment - actual_points))
          - avg(abs(predicted_points - actual_points)), 3) AS change
FROM adjusted
GROUP BY ROLLUP (tier)
ORDER BY grouping(tier), tier
