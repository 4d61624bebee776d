-- backcourt.player_games: the games each player actually played (player_game_summary rows that are
-- active with minutes, a shot or a point), one per player and date. Every Phase 4 history window
-- (last 5/10/20 games, season to date, last 7/14 days) counts these rows, so a DNP is a missed game
-- everywhere, not a zero.
CREATE OR REPLACE VIEW backcourt.player_games AS
SELECT *
FROM nba_analytics.player_game_summary
WHERE coalesce(is_active, true)
  AND (coalesce(minutes_played, 0) > 0 OR coalesce(fg_attempts, 0) > 0 OR coalesce(points, 0) > 0)
QUALIFY row_number() OVER (PARTITION BY player_lookup, game_date ORDER BY game_id, team_abbr) = 1;
