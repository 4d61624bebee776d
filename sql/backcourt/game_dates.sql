-- backcourt.game_dates: one row per game date of the calendar with its season, opening night (the
-- season's first regular-season game, as in src/calendar.rs) and whether it falls in the 14-day
-- bootstrap window (opening night + 13 days), when Phase 4 has too little history to say anything.
-- `carries_over`: a bootstrap date of a season after the lake's first, which the feature store and
-- Phase 5 compute from the players' history of the season before (src/calendar.rs, same rule).
CREATE OR REPLACE VIEW backcourt.game_dates AS
WITH dates AS (
    SELECT DISTINCT game_date, season_year FROM backcourt.games
),
openers AS (
    SELECT season_year, min(game_date) AS opening_night
    FROM backcourt.games
    WHERE NOT coalesce(is_playoffs, false) AND NOT coalesce(is_play_in, false)
    GROUP BY season_year
)
SELECT
    d.game_date,
    d.season_year,
    o.opening_night,
    CAST(d.game_date - o.opening_night AS INTEGER) AS season_day,
    coalesce(d.game_date BETWEEN o.opening_night AND o.opening_night + 13, false) AS is_bootstrap,
    coalesce(d.game_date BETWEEN o.opening_night AND o.opening_night + 13, false)
        AND d.season_year > (SELECT min(season_year) FROM openers) AS carries_over
FROM dates d
LEFT JOIN openers o USING (season_year);
