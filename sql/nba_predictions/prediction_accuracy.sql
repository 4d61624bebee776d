-- nba_predictions.prediction_accuracy: one row per graded prediction (spec/reference-phase5.md §7).
-- A prediction is graded against the box score of the game it was made for (player, date and game,
-- not the player alone as the reference joined):
--   absolute_error = |pred - actual|, signed_error = pred - actual (positive = over-predicted),
--   within_3/5_points, predicted_margin = pred - line, actual_margin = actual - line;
--   prediction_correct only for an OVER or UNDER call on a real line, NULL on a push
--   (actual = line), for PASS and for NO_LINE (there is no line to be right about).
-- A prediction whose player has no box-score line that day (did not play, or the box score is
-- missing) is not graded: it becomes an INCOMPLETE_DATA failure row, which
-- `backcourt failures` can tell apart as DNP or data gap from the raw box scores.
-- graded_at is the later of the prediction's and the box score's timestamps, so reruns match.
-- Uses: backcourt.player_games.
WITH predictions AS (
    SELECT *
    FROM nba_predictions.player_prop_predictions
    WHERE game_date BETWEEN $start_date AND $end_date
),
actuals AS (
    SELECT player_lookup, game_id, game_date, team_abbr, opponent_team_abbr, points,
           minutes_played, processed_at
    FROM backcourt.player_games
    WHERE game_date BETWEEN $start_date AND $end_date
),
graded AS (
    SELECT
        p.*,
        a.team_abbr,
        a.opponent_team_abbr,
        a.points AS actual_points,
        a.minutes_played AS actual_minutes,
        a.processed_at AS actual_processed_at,
        a.player_lookup IS NULL AS missing_actual
    FROM predictions AS p
    LEFT JOIN actuals AS a
        ON a.player_lookup = p.player_lookup AND a.game_date = p.game_date AND a.game_id = p.game_id
)
SELECT
    player_lookup,
    game_id,
    game_date,
    system_id,
    team_abbr,
    opponent_team_abbr,
    predicted_points,
    confidence_score,
    CAST(least(10, floor(10 * confidence_score) + 1) AS INTEGER) AS confidence_decile,
    recommendation,
    current_points_line AS line_value,
    referee_adjustment,
    pace_adjustment,
    similar_games_count AS similarity_sample_size,
    actual_points,
    actual_minutes AS minutes_played,
    round(abs(predicted_points - actual_points), 2) AS absolute_error,
    round(predicted_points - actual_points, 2) AS signed_error,
    CASE
        WHEN current_points_line IS NULL OR recommendation NOT IN ('OVER', 'UNDER') THEN NULL
        WHEN actual_points = current_points_line THEN NULL
        ELSE (actual_points > current_points_line) = (recommendation = 'OVER')
    END AS prediction_correct,
    round(predicted_points - current_points_line, 2) AS predicted_margin,
    round(actual_points - current_points_line, 2) AS actual_margin,
    abs(predicted_points - actual_points) <= 3 AS within_3_points,
    abs(predicted_points - actual_points) <= 5 AS within_5_points,
    model_version,
    greatest(created_at, actual_processed_at) AS graded_at,
    CASE WHEN missing_actual THEN 'INCOMPLETE_DATA' END AS failure_category,
    CASE WHEN missing_actual
        THEN system_id || ': no box-score line for ' || player_lookup || ' in ' || game_id
    END AS failure_reason,
    missing_actual AS can_retry,
    player_lookup || '/' || system_id AS failure_entity_id
FROM graded
