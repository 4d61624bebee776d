-- backcourt.odds_props(start_date, end_date): the Odds API props rows that
-- carry a line, with the spelling, name and teams name resolution reads. The line picker and the
-- name tables both read them here, so both see the same names.
CREATE OR REPLACE MACRO backcourt.odds_props(start_date, end_date) AS TABLE
SELECT game_date,
       player_lookup(coalesce(player_lookup, player_name)) AS spelling,
       player_name AS name,
       -- The system id's two teams, whichever order they come in; NULL if it has none.
       CASE WHEN team_code(split_part(game_id, '_', 2)) IS NOT NULL
             AND team_code(split_part(game_id, '_', 3)) IS NOT NULL
            THEN list_sort([team_code(split_part(game_id, '_', 2)),
                            team_code(split_part(game_id, '_', 3))]) END AS teams,
       lower(bookmaker) AS book, points_line, snapshot_timestamp AS snapshot_at, commence_time
FROM nba_raw.odds_api_player_points_props
WHERE game_date BETWEEN start_date AND end_date
  AND points_line IS NOT NULL AND snapshot_timestamp IS NOT NULL AND bookmaker IS NOT NULL;
