-- backcourt.games: the games of the calendar, one row per schedule game that was not postponed
-- (a postponed game keeps a row on its original date with status text 'PPD'; only its replay is a
-- game: the rule of src/calendar.rs). Tricodes are normalised, the season is the schedule's or the
-- calendar's (seasons start in October), and `game_id` is the one id of every derived table.
-- Every status is kept: the reference's `game_status IN (1, 3)` dropped in-progress games (§10.6).
--
-- The query only: the engine makes it a view when a session opens (ad hoc queries read the files),
-- and a table before the first model runs (Engine::materialize_games). Every model reads the games
-- several times, through game_dates, team_games and the calendar joins, and the schedule is one
-- small file per date: as a view it dominated short runs (README, Benchmarks).
SELECT
    *,
    backcourt.game_id(game_date, away, home) AS game_id,
    -- The schedule's flags, not the month (§9: April playoff games were 'late').
    CASE
        WHEN is_playoffs THEN 'playoffs'
        WHEN is_play_in THEN 'play_in'
        ELSE 'regular_season'
    END AS season_phase
FROM (
    SELECT
        game_id AS nba_game_id,
        game_date,
        coalesce(season_year, year(game_date) - CASE WHEN month(game_date) >= 10 THEN 0 ELSE 1 END)
            AS season_year,
        coalesce(team_tricode(home_team_tricode), upper(trim(home_team_tricode))) AS home,
        coalesce(team_tricode(away_team_tricode), upper(trim(away_team_tricode))) AS away,
        game_status,
        home_team_score,
        away_team_score,
        coalesce(team_tricode(winning_team_tricode), upper(trim(winning_team_tricode))) AS winner,
        coalesce(is_regular_season, NOT (coalesce(is_playoffs, false) OR coalesce(is_play_in, false)))
            AS is_regular_season,
        is_playoffs,
        is_play_in,
        game_time_utc,
        -- Without a tip-off time, noon Eastern: no NBA game starts earlier, so nothing published
        -- after tip-off can pass a cutoff.
        coalesce(game_time_utc, timezone('America/New_York', game_date + to_hours(12))) AS tip,
        processed_at
    FROM nba_raw.nbac_schedule
    WHERE NOT coalesce(upper(trim(game_status_text)) IN ('PPD', 'POSTPONED'), false)
)
