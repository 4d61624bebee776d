-- backcourt.bettingpros_props(start_date, end_date): the BettingPros props rows that carry a line,
-- active ones only, shaped as backcourt.odds_props (spelling, name, teams: the player's own team).
CREATE OR REPLACE MACRO backcourt.bettingpros_props(start_date, end_date) AS TABLE
SELECT game_date,
       player_lookup(coalesce(player_lookup, player_name)) AS spelling,
       player_name AS name,
       CASE WHEN team_code(player_team) IS NOT NULL THEN [team_code(player_team)] END AS teams,
       lower(bookmaker) AS book, points_line, opening_line, bookmaker_last_update AS snapshot_at
FROM nba_raw.bettingpros_player_points_props
WHERE game_date BETWEEN start_date AND end_date
  AND points_line IS NOT NULL AND bookmaker IS NOT NULL AND bookmaker_last_update IS NOT NULL
  AND is_active IS NOT FALSE;
