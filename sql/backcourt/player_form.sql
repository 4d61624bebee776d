-- Sums and averages of DOUBLE inputs go through DECIMAL: exact, so their value does not depend on
-- the order DuckDB combines partial aggregates in, which differs with the size of the range run
-- (a date alone must give the bytes it gets inside a four-season run).
--
-- Form after each game, read by the Phase 4 models for date D with an ASOF join on the last game
-- before D: that is how every window stays strictly before D while a whole range is computed in
-- one pass. Each macro takes the range being computed and reads the days before it that its
-- windows need, so a one-date run scans about a season of partitions, not the whole lake.

-- backcourt.player_form(start_date, end_date): per player and game played, his form after that
-- game over the season so far (last 5 / 10 games and season to date). It reads 430 days back: a
-- season opener carries over last season's form at its last game, whose season-to-date figures
-- need last season from its opening night, and the longest span between two opening nights is
-- 427 days (2019-10-22 to 2020-12-22). With 300, as the other macros, an opener run alone saw a
-- truncated last season and differed from the same date inside a longer run.
CREATE OR REPLACE MACRO backcourt.player_form(start_date, end_date) AS TABLE
SELECT
    player_lookup, season_year, game_date, team_abbr,
    row_number() OVER season AS season_games,
    avg(points) OVER l5 AS points_avg_5,
    count(*) OVER l5 AS games_5,
    avg(points) OVER l10 AS points_avg_10,
    -- The sample deviation from exact integer sums (n − 1 in the denominator).
    CASE WHEN count(*) OVER l10 >= 2 THEN sqrt(greatest(0,
        (sum(points * points) OVER l10 - sum(points) OVER l10 * sum(points) OVER l10 / count(*) OVER l10)
        / (count(*) OVER l10 - 1))) END AS points_std_10,
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
FROM (
    SELECT * REPLACE (
        CAST(minutes_played AS DECIMAL(18, 6)) AS minutes_played,
        CAST(usage_rate AS DECIMAL(18, 6)) AS usage_rate,
        CAST(ts_pct AS DECIMAL(18, 6)) AS ts_pct,
        CAST(points AS BIGINT) AS points)
    FROM backcourt.player_games
    WHERE game_date BETWEEN start_date - INTERVAL 430 DAY AND end_date
)
WINDOW
    season AS (PARTITION BY player_lookup, season_year ORDER BY game_date),
    l2 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS 1 PRECEDING),
    l5 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS 4 PRECEDING),
    l10 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS 9 PRECEDING);
