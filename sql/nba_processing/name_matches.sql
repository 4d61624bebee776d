-- nba_processing.name_matches
-- One row per (game_date, feed, source_lookup, scope_teams) that a props, injury or play-by-play
-- feed spells differently from the player it was resolved to (sql/backcourt/resolve_names.sql):
-- every match other than the identity, with its method (alias, suffix, fuzzy, surname), so that
-- each one can be audited. Params: $start_date, $end_date.
-- Uses: backcourt.feed_name_resolution.
SELECT
    game_date,
    feed,
    spelling AS source_lookup,
    name AS source_name,
    array_to_string(teams, ',') AS scope_teams,
    player_lookup,
    team_abbr,
    method,
    CAST(feed_rows AS BIGINT) AS feed_rows,
    CAST(candidates AS INTEGER) AS candidates
FROM backcourt.feed_name_resolution($start_date, $end_date)
WHERE player_lookup IS NOT NULL AND method <> 'exact'
