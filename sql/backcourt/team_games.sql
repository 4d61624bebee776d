-- backcourt.team_games: one row per team per calendar game (two per game), the denominator of
-- every "expected games" count: what the schedule says a team played, never the table checked.
CREATE OR REPLACE VIEW backcourt.team_games AS
SELECT game_id, game_date, season_year, home AS team_abbr, away AS opponent_team_abbr, true AS home_game
FROM backcourt.games
UNION ALL
SELECT game_id, game_date, season_year, away, home, false
FROM backcourt.games;
