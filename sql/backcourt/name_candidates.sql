-- backcourt.name_candidates(start_date, end_date): the candidates every feed's names are resolved
-- against once player_game_summary is built: the players listed for each game (listed_players)
-- and those of its box scores, with their names.
CREATE OR REPLACE MACRO backcourt.name_candidates(start_date, end_date) AS TABLE
SELECT game_date, team_abbr, player_lookup, name FROM backcourt.listed_players(start_date, end_date)
UNION ALL
SELECT game_date, team_abbr, player_lookup, player_full_name
FROM nba_analytics.player_game_summary
WHERE game_date BETWEEN start_date AND end_date;
