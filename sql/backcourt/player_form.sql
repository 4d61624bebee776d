-- backcourt.player_form: per player and game played, his form *after* that game over the season
-- so far (last 5 / 10 games and season to date). A model reads it for date D with an ASOF join on
-- the player's last game before D, which is how every Phase 4 window stays strictly before D while
-- a whole range is computed in one pass.
CREATE OR REPLACE VIEW backcourt.player_form AS
SELECT
    player_lookup, season_year, game_date, team_abbr,
    row_number() OVER season AS season_games,
    avg(points) OVER l5 AS points_avg_5,
    count(*) OVER l5 AS games_5,
    avg(points) OVER l10 AS points_avg_10,
    stddev_samp(points) OVER l10 AS points_std_10,
    count(*) OVER l10 AS games_10,
    avg(points) OVER season AS points_avg_season,
    avg(minutes_played) OVER l10 AS minutes_avg_10,
    avg(minutes_played) OVER season AS minutes_avg_season,
    avg(usage_rate) OVER l10 AS usage_avg_10,
    avg(usage_rate) OVER season AS usage_avg_season,
    avg(ts_pct) OVER l10 AS ts_pct_avg_10,
    sum(assisted_fg_makes) OVER l10 AS assisted_10,
    sum(fg_makes) OVER l10 AS fg_made_10,
    sum(ft_makes) OVER l10 AS ft_made_10,
    sum(points) OVER l10 AS points_10,
    sum(paint_attempts) OVER l10 AS paint_att_10,
    sum(mid_range_attempts) OVER l10 AS mid_att_10,
    sum(three_pt_attempts) OVER l10 AS three_att_10,
    -- recent_trend compares the newest two of the last five games with the three before.
    sum(points) OVER l2 AS points_sum_2,
    sum(points) OVER l5 AS points_sum_5,
    data_hash AS last_hash,
    max(processed_at) OVER season AS last_updated
FROM backcourt.player_games
WINDOW
    season AS (PARTITION BY player_lookup, season_year ORDER BY game_date),
    l2 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS 1 PRECEDING),
    l5 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS 4 PRECEDING),
    l10 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS 9 PRECEDING);

-- backcourt.team_form: per team and game, its pace, offensive rating and record after that game
-- (last 10 games across seasons, as the reference; record within the season).
CREATE OR REPLACE VIEW backcourt.team_form AS
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
    SELECT * FROM nba_analytics.team_offense_game_summary
    QUALIFY row_number() OVER (PARTITION BY team_abbr, game_date ORDER BY game_id) = 1
)
WINDOW
    team_l10 AS (PARTITION BY team_abbr ORDER BY game_date ROWS 9 PRECEDING),
    team_season AS (PARTITION BY team_abbr, season_year ORDER BY game_date);

-- backcourt.team_windows: per team and game, where its last 5 and last 10 games of the season
-- began: the windows a player's completeness is measured against (the calendar's games).
CREATE OR REPLACE VIEW backcourt.team_windows AS
SELECT
    team_abbr, season_year, game_date,
    row_number() OVER (PARTITION BY team_abbr, season_year ORDER BY game_date) AS season_games,
    min(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date ROWS 4 PRECEDING)
        AS l5_start,
    min(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date ROWS 9 PRECEDING)
        AS l10_start
FROM backcourt.team_games;
