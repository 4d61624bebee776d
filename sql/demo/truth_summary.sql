-- demo.truth_summary
-- One row per season: how well the latent truth and the sportsbook predict points.
-- oracle_mae is the best error any model can reach (predicting the latent mean);
-- line_mae is the error of the closing line (last draftkings/fanduel/... snapshot before tip-off).
-- Not a registry table: a read-only summary the demo prints.
WITH truth AS (
    SELECT season_year, game_id, player_lookup, expected_points, actual_points
    FROM nba_synthetic.player_game_truth
),
closing AS (
    SELECT game_id, player_lookup, points_line
    FROM nba_raw.odds_api_player_points_props
    WHERE snapshot_timestamp < commence_time
    QUALIFY row_number() OVER (
        PARTITION BY game_id, player_lookup
        ORDER BY CASE bookmaker WHEN 'draftkings' THEN 1 WHEN 'fanduel' THEN 2 ELSE 3 END, bookmaker,
                 snapshot_timestamp DESC
    ) = 1
)
SELECT
    CAST(t.season_year AS VARCHAR) || '-' || lpad(CAST((t.season_year + 1) % 100 AS VARCHAR), 2, '0') AS season,
    count(*) AS player_games,
    round(avg(t.actual_points), 2) AS mean_points,
    round(avg(abs(t.actual_points - t.expected_points)), 3) AS oracle_mae,
    count(c.points_line) AS with_line,
    round(avg(abs(t.actual_points - c.points_line)), 3) AS line_mae
FROM truth AS t
LEFT JOIN closing AS c USING (game_id, player_lookup)
GROUP BY t.season_year
ORDER BY t.season_year
