-- backcourt.pregame_lines(candidates, start_date, end_date, as_of): the one line picker. Both Phase 3
-- tables that carry a player's points line (player_game_summary, upcoming_player_game_context)
-- take it from here, so they agree on every line.
--
-- `candidates` names a table or CTE of the calling query (game_date, team_abbr, player_lookup,
-- name): the players the feed's names are resolved against (sql/backcourt/resolve_names.sql).
-- One row per (game_date, team_abbr, player_lookup) with a line:
--
-- * Cutoff: a snapshot counts when it was taken strictly before tip-off, and at or before `as_of`
--   when one is given (a live run). Tip-off is the best time available: the schedule's
--   game_time_utc, else the props row's own commence_time, else (BettingPros rows carry none) the
--   Odds API's commence_time for the same team-date, else noon US-Eastern, which no NBA game
--   starts before. Real schedules often have no tip-off times, and a fixed noon cutoff dropped
--   every line snapshotted in the afternoon. tip_source says which one decided.
-- * Book: draftkings, then fanduel, then the others alphabetically; the chosen book's latest
--   pre-tip snapshot is the line and its earliest the opening line, so line movement is one book's
--   move. Two quotes of one book at the same instant: the lower line.
-- * Feed: the Odds API first; BettingPros (matched by date and team, it has no game id) only where
--   the Odds API has no pre-tip line for the player-game.
-- Columns: game_date, team_abbr, player_lookup, line_feed, points_line, opening_line,
-- points_line_source, opening_line_source, line_rows (pre-tip rows of that feed for the player, every
-- book), line_updated_at (their latest snapshot), tip_source, name_method, and per feed the pre-tip
-- rows read (odds_rows, odds_last, bp_rows, bp_last, bp_points_line) for the source-tracking columns.
CREATE OR REPLACE MACRO backcourt.pregame_lines(candidates, start_date, end_date, as_of) AS TABLE
WITH
odds AS (SELECT * FROM backcourt.odds_props(start_date, end_date)),
bettingpros AS (SELECT * FROM backcourt.bettingpros_props(start_date, end_date)),
line_names AS (
    SELECT 'odds_api_player_points_props' AS feed, game_date, teams, spelling, name, 1 AS feed_rows
    FROM odds
    UNION ALL
    SELECT 'bettingpros_player_points_props', game_date, teams, spelling, name, 1 FROM bettingpros
),
resolved AS (
    SELECT feed, game_date, teams, spelling, player_lookup, team_abbr, method
    FROM backcourt.resolve_names('line_names', candidates)
    WHERE player_lookup IS NOT NULL
),
schedule_tips AS (
    SELECT game_date, team_abbr, min(game_time_utc) AS tip
    FROM (
        SELECT game_date, home AS team_abbr, game_time_utc FROM backcourt.games
        UNION ALL
        SELECT game_date, away, game_time_utc FROM backcourt.games
    )
    WHERE game_date BETWEEN start_date AND end_date AND game_time_utc IS NOT NULL
    GROUP BY ALL
),
odds_rows AS (
    SELECT r.game_date, r.team_abbr, r.player_lookup, r.method, o.book, o.points_line, o.snapshot_at,
           o.commence_time, t.tip AS schedule_tip,
           coalesce(t.tip, o.commence_time,
                    timezone('America/New_York', r.game_date + to_hours(12))) AS tip
    FROM odds o
    JOIN resolved r
      ON r.feed = 'odds_api_player_points_props' AND r.game_date = o.game_date
     AND r.teams IS NOT DISTINCT FROM o.teams AND r.spelling = o.spelling
    LEFT JOIN schedule_tips t ON t.game_date = r.game_date AND t.team_abbr = r.team_abbr
),
-- The Odds API's tip-off of a team-date, for BettingPros rows (which have none).
commence AS (
    SELECT game_date, team_abbr, min(commence_time) AS commence_time
    FROM odds_rows WHERE commence_time IS NOT NULL GROUP BY ALL
),
odds_pre_tip AS (
    SELECT *,
           CASE WHEN schedule_tip IS NOT NULL THEN 'schedule'
                WHEN commence_time IS NOT NULL THEN 'commence_time'
                ELSE 'assumed_noon_et' END AS tip_source
    FROM odds_rows
    WHERE snapshot_at < tip AND (as_of IS NULL OR snapshot_at <= as_of)
),
odds_books AS (
    SELECT game_date, team_abbr, player_lookup, book,
           first(points_line ORDER BY snapshot_at DESC, points_line) AS points_line,
           first(points_line ORDER BY snapshot_at, points_line) AS opening_line,
           count(*) AS book_rows,
           max(snapshot_at) AS book_last,
           min(method) AS method,
           min(tip_source) AS tip_source
    FROM odds_pre_tip
    GROUP BY ALL
),
odds_line AS (
    SELECT b.*, s.odds_rows, s.odds_last
    FROM odds_books b
    JOIN (SELECT game_date, team_abbr, player_lookup, count(*) AS odds_rows, max(snapshot_at) AS odds_last
          FROM odds_pre_tip GROUP BY ALL) s
      USING (game_date, team_abbr, player_lookup)
    QUALIFY row_number() OVER (
        PARTITION BY game_date, team_abbr, player_lookup
        ORDER BY CASE book WHEN 'draftkings' THEN 1 WHEN 'fanduel' THEN 2 ELSE 3 END, book) = 1
),
bettingpros_pre_tip AS (
    SELECT r.game_date, r.team_abbr, r.player_lookup, r.method, p.book, p.points_line, p.opening_line,
           p.snapshot_at,
           CASE WHEN t.tip IS NOT NULL THEN 'schedule'
                WHEN c.commence_time IS NOT NULL THEN 'commence_time'
                ELSE 'assumed_noon_et' END AS tip_source
    FROM bettingpros p
    JOIN resolved r
      ON r.feed = 'bettingpros_player_points_props' AND r.game_date = p.game_date
     AND r.teams IS NOT DISTINCT FROM p.teams AND r.spelling = p.spelling
    LEFT JOIN schedule_tips t ON t.game_date = r.game_date AND t.team_abbr = r.team_abbr
    LEFT JOIN commence c ON c.game_date = r.game_date AND c.team_abbr = r.team_abbr
    WHERE p.snapshot_at < coalesce(t.tip, c.commence_time,
                                   timezone('America/New_York', r.game_date + to_hours(12)))
      AND (as_of IS NULL OR p.snapshot_at <= as_of)
),
bettingpros_line AS (
    SELECT b.*, s.bp_rows, s.bp_last
    FROM bettingpros_pre_tip b
    JOIN (SELECT game_date, team_abbr, player_lookup, count(*) AS bp_rows, max(snapshot_at) AS bp_last
          FROM bettingpros_pre_tip GROUP BY ALL) s
      USING (game_date, team_abbr, player_lookup)
    QUALIFY row_number() OVER (
        PARTITION BY game_date, team_abbr, player_lookup
        ORDER BY CASE book WHEN 'draftkings' THEN 1 WHEN 'fanduel' THEN 2 ELSE 3 END, book,
                 snapshot_at DESC, points_line) = 1
)
SELECT
    coalesce(o.game_date, b.game_date) AS game_date,
    coalesce(o.team_abbr, b.team_abbr) AS team_abbr,
    coalesce(o.player_lookup, b.player_lookup) AS player_lookup,
    CASE WHEN o.points_line IS NOT NULL THEN 'odds_api' ELSE 'bettingpros' END AS line_feed,
    coalesce(o.points_line, b.points_line) AS points_line,
    CASE WHEN o.points_line IS NOT NULL THEN o.opening_line ELSE b.opening_line END AS opening_line,
    coalesce(o.book, b.book) AS points_line_source,
    CASE WHEN o.points_line IS NOT NULL THEN o.book WHEN b.opening_line IS NOT NULL THEN b.book END
        AS opening_line_source,
    CASE WHEN o.points_line IS NOT NULL THEN o.odds_rows ELSE b.bp_rows END AS line_rows,
    CASE WHEN o.points_line IS NOT NULL THEN o.odds_last ELSE b.bp_last END AS line_updated_at,
    coalesce(o.tip_source, b.tip_source) AS tip_source,
    coalesce(o.method, b.method) AS name_method,
    o.odds_rows, o.odds_last, b.bp_rows, b.bp_last,
    -- BettingPros' own pick even where the Odds API's wins (its coverage column counts it).
    b.points_line AS bp_points_line
FROM odds_line o
FULL JOIN bettingpros_line b USING (game_date, team_abbr, player_lookup);
