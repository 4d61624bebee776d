-- backcourt.pregame_context(mode, start_date, end_date): per player of phase4_players, the fatigue
-- and usage context as known before tip-off. The row of upcoming_player_game_context when there is
-- one (`context_source = 'upcoming_context'`); otherwise one rebuilt from the player's games before
-- the date (`'player_game_summary'`), with the same definitions as that table. Signals the games
-- cannot give stay NULL (projected usage, pace differential, age, injured stars): the reference
-- defaulted projected usage to 25 and so invented usage spikes (§9.10).
CREATE OR REPLACE MACRO backcourt.pregame_context(mode, start_date, end_date) AS TABLE
WITH players AS (
    SELECT p.*, u.* EXCLUDE (player_lookup, game_date)
    FROM backcourt.phase4_players(mode, start_date, end_date) p
    LEFT JOIN (
        SELECT player_lookup, game_date, true AS has_context, days_rest, back_to_back,
               games_in_last_7_days, games_in_last_14_days, minutes_in_last_7_days,
               minutes_in_last_14_days, avg_minutes_per_game_last_7, back_to_backs_last_14_days,
               avg_usage_rate_last_7_games, fourth_quarter_minutes_last_7, player_age,
               projected_usage_rate, star_teammates_out, pace_differential, opponent_pace_last_10,
               player_status, data_hash AS context_hash, processed_at AS context_updated
        FROM nba_analytics.upcoming_player_game_context
        WHERE game_date BETWEEN start_date AND end_date
        QUALIFY row_number() OVER (PARTITION BY player_lookup, game_date ORDER BY game_id) = 1
    ) u ON u.player_lookup = p.player_lookup AND u.game_date = p.game_date
),
-- The players the context table does not have: rebuild from their games before the date.
uncovered AS (
    SELECT player_lookup, game_date, season_year FROM players WHERE has_context IS NULL
),
history AS (
    SELECT c.player_lookup, c.game_date AS target_date, h.game_date, h.minutes_played,
           h.usage_rate, h.previous_date,
           row_number() OVER (PARTITION BY c.player_lookup, c.game_date ORDER BY h.game_date DESC)
               AS rn
    FROM uncovered c
    JOIN (
        SELECT player_lookup, season_year, game_date,
               -- DECIMAL: exact sums, independent of the aggregation order.
               CAST(minutes_played AS DECIMAL(18, 6)) AS minutes_played,
               CAST(usage_rate AS DECIMAL(18, 6)) AS usage_rate,
               lag(game_date) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date)
                   AS previous_date
        FROM backcourt.player_games
        WHERE game_date BETWEEN start_date - INTERVAL 300 DAY AND end_date
    ) h
      ON h.player_lookup = c.player_lookup AND h.season_year = c.season_year
     AND h.game_date < c.game_date
),
rebuilt AS (
    SELECT player_lookup, target_date AS game_date,
           CAST(target_date - max(game_date) AS INTEGER) AS days_rest,
           CAST(count(*) FILTER (WHERE game_date >= target_date - 7) AS INTEGER) AS games_7,
           CAST(count(*) FILTER (WHERE game_date >= target_date - 14) AS INTEGER) AS games_14,
           sum(minutes_played) FILTER (WHERE game_date >= target_date - 7) AS minutes_7,
           sum(minutes_played) FILTER (WHERE game_date >= target_date - 14) AS minutes_14,
           count(minutes_played) FILTER (WHERE game_date >= target_date - 7) AS minutes_games_7,
           CAST(count(*) FILTER (WHERE game_date - previous_date = 1
                                   AND previous_date >= target_date - 14) AS INTEGER) AS b2b_14,
           avg(usage_rate) FILTER (WHERE rn <= 7) AS usage_7
    FROM history
    GROUP BY player_lookup, target_date
)
SELECT
    p.player_lookup, p.universal_player_id, p.game_date, p.game_id, p.team_abbr,
    p.opponent_team_abbr, p.season_year, p.home_game, p.season_phase, p.opponent_days_rest,
    p.carries_over,
    CASE WHEN p.has_context THEN 'upcoming_context' ELSE 'player_game_summary' END
        AS context_source,
    CASE WHEN p.has_context THEN p.days_rest ELSE r.days_rest END AS days_rest,
    CASE WHEN p.has_context THEN p.back_to_back ELSE r.days_rest = 1 END AS back_to_back,
    CASE WHEN p.has_context THEN p.games_in_last_7_days ELSE coalesce(r.games_7, 0) END
        AS games_in_last_7_days,
    CASE WHEN p.has_context THEN p.games_in_last_14_days ELSE coalesce(r.games_14, 0) END
        AS games_in_last_14_days,
    CASE WHEN p.has_context THEN p.minutes_in_last_7_days
         ELSE CAST(floor(coalesce(r.minutes_7, 0)) AS INTEGER) END AS minutes_in_last_7_days,
    CASE WHEN p.has_context THEN p.minutes_in_last_14_days
         ELSE CAST(floor(coalesce(r.minutes_14, 0)) AS INTEGER) END AS minutes_in_last_14_days,
    CASE WHEN p.has_context THEN p.avg_minutes_per_game_last_7
         ELSE round(r.minutes_7 / nullif(r.minutes_games_7, 0), 1) END
        AS avg_minutes_per_game_last_7,
    CASE WHEN p.has_context THEN p.back_to_backs_last_14_days ELSE coalesce(r.b2b_14, 0) END
        AS back_to_backs_last_14_days,
    CASE WHEN p.has_context THEN p.avg_usage_rate_last_7_games ELSE r.usage_7 END
        AS avg_usage_rate_last_7_games,
    p.fourth_quarter_minutes_last_7, p.player_age, p.projected_usage_rate, p.star_teammates_out,
    p.pace_differential, p.opponent_pace_last_10, p.player_status, p.context_hash,
    p.context_updated
FROM players p
LEFT JOIN rebuilt r ON r.player_lookup = p.player_lookup AND r.game_date = p.game_date;
