-- backcourt.team_windows(start_date, end_date): per team and game, where its last 5 and last 10
-- games of the season began: the windows a player's completeness is measured against (the
-- calendar's games).
-- Form after each game, as backcourt.player_form (player_form.sql: the ASOF join, the DECIMAL sums).
CREATE OR REPLACE MACRO backcourt.team_windows(start_date, end_date) AS TABLE
SELECT
    team_abbr, season_year, game_date,
    row_number() OVER (PARTITION BY team_abbr, season_year ORDER BY game_date) AS season_games,
    min(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date ROWS 4 PRECEDING)
        AS l5_start,
    min(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date ROWS 9 PRECEDING)
        AS l10_start
FROM backcourt.team_games
WHERE game_date BETWEEN start_date - INTERVAL 300 DAY AND end_date;
