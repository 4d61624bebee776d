-- backcourt.team_form(start_date, end_date): per team and game, its pace, offensive rating and
-- record after that game (last 10 games across seasons, as the reference; record in the season).
-- Form after each game, as backcourt.player_form (player_form.sql: the ASOF join, the DECIMAL sums).
CREATE OR REPLACE MACRO backcourt.team_form(start_date, end_date) AS TABLE
SELECT
    team_abbr, season_year, game_date,
    avg(pace) OVER team_l10 AS pace_avg_10,
    avg(offensive_rating) OVER team_l10 AS off_rating_avg_10,
    count(*) OVER team_l10 AS games_10,
    count(*) OVER team_season AS season_games,
    count(*) FILTER (WHERE win_flag) OVER team_season AS season_wins,
    data_hash AS last_hash,
    max(processed_at) OVER team_l10 AS last_updated
FROM (
    SELECT * REPLACE (
        CAST(pace AS DECIMAL(18, 6)) AS pace,
        CAST(offensive_rating AS DECIMAL(18, 6)) AS offensive_rating)
    FROM nba_analytics.team_offense_game_summary
    WHERE game_date BETWEEN start_date - INTERVAL 300 DAY AND end_date
    QUALIFY row_number() OVER (PARTITION BY team_abbr, game_date ORDER BY game_id) = 1
)
WINDOW
    team_l10 AS (PARTITION BY team_abbr ORDER BY game_date ROWS 9 PRECEDING),
    team_season AS (PARTITION BY team_abbr, season_year ORDER BY game_date);
