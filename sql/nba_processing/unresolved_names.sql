-- nba_processing.unresolved_names
-- One row per (game_date, feed, source_lookup, scope_teams): a player name a props, injury or
-- play-by-play feed carries that no player of its game resolves to (sql/backcourt/resolve_names.sql),
-- with the feed rows it left unread. Every such row is a line, a status or a shot no model used:
-- `backcourt coverage`, `preflight` and the run summary count them per feed.
-- Params: $start_date, $end_date. Point in time: a date's names against that date's games only.
-- Fix one by adding the spelling to nba_reference.player_aliases (alias_lookup = source_lookup).
-- Uses: backcourt.feed_name_resolution, backcourt.listed_players.
WITH resolved AS (
    SELECT * FROM backcourt.feed_name_resolution($start_date, $end_date)
    WHERE player_lookup IS NULL
),
-- The scope's player whose lookup is closest to the spelling: what an alias would most likely
-- name (a hint, never applied).
closest AS (
    SELECT r.feed, r.game_date, r.teams, r.spelling,
           arg_max(c.player_lookup, jaro_winkler_similarity(r.spelling, c.player_lookup)) AS closest_player
    FROM resolved r
    JOIN backcourt.listed_players($start_date, $end_date) c
      ON c.game_date = r.game_date AND (r.teams IS NULL OR list_contains(r.teams, c.team_abbr))
    GROUP BY ALL
)
SELECT
    r.game_date,
    r.feed,
    r.spelling AS source_lookup,
    r.name AS source_name,
    array_to_string(r.teams, ',') AS scope_teams,
    r.reason,
    CAST(r.feed_rows AS BIGINT) AS feed_rows,
    CAST(r.candidates AS INTEGER) AS candidates,
    c.closest_player
FROM resolved r
LEFT JOIN closest c
  ON c.feed = r.feed AND c.game_date = r.game_date AND c.teams IS NOT DISTINCT FROM r.teams
 AND c.spelling = r.spelling
