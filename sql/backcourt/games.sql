-- backcourt.games: the games of the calendar, one row per schedule game that was not postponed
-- (a postponed game keeps a row on its original date with status text 'PPD'; only its replay is a
-- game: the rule of src/calendar.rs). Tricodes are normalised, the season is the schedule's or the
-- calendar's (seasons start in October), and `game_id` is the one id of every derived table.
-- Every status is kept: the reference's `game_status IN (1, 3)` dropped in-progress games (§10.6).
--
-- The query only: the engine makes it a view when a session opens (ad hoc queries read the files),
-- and a table before the first model runs (Engine::materialize_games). Every model reads the games
-- several times, through game_dates, team_games and the calendar joins, and the schedule is one
-- small file per date: as a view it dominated short runs (CHANGELOG, 2026-11-27).
SELECT
    s.*,
    coalesce(s.game_time_utc, c.commence_time,
             timezone('America/New_York', s.game_date + to_hours(12))) AS tip,
    CASE WHEN s.game_time_utc IS NOT NULL THEN 'schedule'
         WHEN c.commence_time IS NOT NULL THEN 'commence_time'
         ELSE 'assumed_noon_et' END AS tip_source,
    backcourt.game_id(s.game_date, s.away, s.home) AS game_id,
    -- The schedule's flags, not the month (§9: April playoff games were 'late').
    CASE
        WHEN is_playoffs THEN 'playoffs'
        WHEN is_play_in THEN 'play_in'
        WHEN cup_final THEN 'nba_cup_final'
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
        -- NBA.com ids of the NBA Cup final start with 006 (002 regular season, 004 playoffs,
        -- 005 play-in): it counts in no standings or season record, whatever a feed flags it.
        coalesce(starts_with(game_id, '006'), false) AS cup_final,
        coalesce(is_regular_season, NOT (coalesce(is_playoffs, false) OR coalesce(is_play_in, false)))
            AND NOT coalesce(starts_with(game_id, '006'), false) AS is_regular_season,
        is_playoffs,
        is_play_in,
        game_time_utc,
        processed_at
    FROM nba_raw.nbac_schedule
    WHERE NOT coalesce(upper(trim(game_status_text)) IN ('PPD', 'POSTPONED'), false)
) s
-- The best tip-off time available (every information cutoff is it): the schedule's; else the
-- odds feeds' commence_time for the game (real schedules often carry no time); else noon Eastern,
-- which no NBA game starts before, so nothing published after tip-off can pass a cutoff.
LEFT JOIN (
    SELECT game_date, pair, min(commence_time) AS commence_time
    FROM (
        SELECT game_date, commence_time,
               list_sort([team_code(home_team), team_code(away_team)]) AS pair
        FROM nba_raw.odds_api_game_lines
        UNION ALL
        SELECT game_date, commence_time,
               list_sort([team_code(split_part(game_id, '_', 2)), team_code(split_part(game_id, '_', 3))])
        FROM nba_raw.odds_api_player_points_props
    )
    WHERE commence_time IS NOT NULL AND NOT list_contains(pair, NULL)
    GROUP BY ALL
) c ON c.game_date = s.game_date AND c.pair = list_sort([s.home, s.away])
