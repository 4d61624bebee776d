-- nba_predictions.system_daily_performance: one row per (game date, system), from the graded
-- predictions (spec/reference-phase5.md §7). Rates are fractions (0-1) of the calls that were
-- decided: win_rate = correct / (correct + incorrect), so pushes, PASS and NO_LINE count in
-- neither; within_3_pct and within_5_pct are percentages of all graded predictions. "High
-- confidence" is confidence_score >= 0.70 on the one 0-1 scale every system uses.
-- Averages add in player order: a parallel aggregate adds in whatever order it meets the rows,
-- and the last bit of a sum (which round() can tip) would depend on how the input was stored.
-- Uses: none.
SELECT
    game_date,
    system_id,
    CAST(count(*) AS INTEGER) AS predictions_count,
    CAST(count(*) FILTER (WHERE recommendation IN ('OVER', 'UNDER')) AS INTEGER) AS recommendations_count,
    CAST(count(*) FILTER (WHERE prediction_correct) AS INTEGER) AS correct_count,
    CAST(count(*) FILTER (WHERE NOT prediction_correct) AS INTEGER) AS incorrect_count,
    CAST(count(*) FILTER (WHERE recommendation = 'PASS') AS INTEGER) AS pass_count,
    round(count(*) FILTER (WHERE prediction_correct)
        / nullif(count(prediction_correct), 0), 4) AS win_rate,
    round(avg(absolute_error ORDER BY player_lookup), 3) AS mae,
    round(avg(signed_error ORDER BY player_lookup), 3) AS avg_bias,
    CAST(count(*) FILTER (WHERE recommendation = 'OVER') AS INTEGER) AS over_count,
    CAST(count(*) FILTER (WHERE recommendation = 'OVER' AND prediction_correct) AS INTEGER) AS over_correct,
    round(count(*) FILTER (WHERE recommendation = 'OVER' AND prediction_correct)
        / nullif(count(prediction_correct) FILTER (WHERE recommendation = 'OVER'), 0), 4) AS over_win_rate,
    CAST(count(*) FILTER (WHERE recommendation = 'UNDER') AS INTEGER) AS under_count,
    CAST(count(*) FILTER (WHERE recommendation = 'UNDER' AND prediction_correct) AS INTEGER) AS under_correct,
    round(count(*) FILTER (WHERE recommendation = 'UNDER' AND prediction_correct)
        / nullif(count(prediction_correct) FILTER (WHERE recommendation = 'UNDER'), 0), 4) AS under_win_rate,
    CAST(count(*) FILTER (WHERE within_3_points) AS INTEGER) AS within_3_count,
    round(100.0 * count(*) FILTER (WHERE within_3_points) / count(*), 2) AS within_3_pct,
    CAST(count(*) FILTER (WHERE within_5_points) AS INTEGER) AS within_5_count,
    round(100.0 * count(*) FILTER (WHERE within_5_points) / count(*), 2) AS within_5_pct,
    round(avg(confidence_score ORDER BY player_lookup), 4) AS avg_confidence,
    CAST(count(*) FILTER (WHERE confidence_score >= 0.70) AS INTEGER) AS high_confidence_count,
    CAST(count(*) FILTER (WHERE confidence_score >= 0.70 AND prediction_correct) AS INTEGER) AS high_confidence_correct,
    round(count(*) FILTER (WHERE confidence_score >= 0.70 AND prediction_correct)
        / nullif(count(prediction_correct) FILTER (WHERE confidence_score >= 0.70), 0), 4)
        AS high_confidence_win_rate,
    max(graded_at) AS computed_at
FROM nba_predictions.prediction_accuracy
WHERE game_date BETWEEN $start_date AND $end_date
GROUP BY game_date, system_id
