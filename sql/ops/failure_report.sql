-- The failure rows of nba_processing.processing_failures over [$start_date, $end_date], each
-- INCOMPLETE_DATA row (a player-date whose box-score line is missing) classified against the raw
-- box scores (`backcourt failures`):
--   player_dnp    no raw feed has the player playing that date (listed DNP or inactive, or not
--                 listed at all): nothing is missing, the player did not play;
--   data_gap      a raw feed has the player playing that date but player_game_summary has no row:
--                 data was lost between the feed and Phase 3 (rerun player_game_summary);
--   filled_since  player_game_summary has the row now: rerun the failing table to clear it.
-- Other categories carry no classification. The raw side is backcourt.players_played.
WITH failures AS (
    SELECT *, split_part(entity_id, '/', 1) AS player
    FROM nba_processing.processing_failures
    WHERE analysis_date BETWEEN $start_date AND $end_date
),
raw_played AS (
    SELECT DISTINCT game_date, player_lookup
    FROM backcourt.players_played
    WHERE game_date BETWEEN $start_date AND $end_date
),
summarised AS (
    SELECT DISTINCT game_date, player_lookup
    FROM nba_analytics.player_game_summary
    WHERE game_date BETWEEN $start_date AND $end_date
)
SELECT
    f.table_name,
    f.analysis_date,
    f.entity_id,
    f.entity_type,
    f.failure_category,
    CASE
        WHEN f.failure_category <> 'INCOMPLETE_DATA' THEN NULL
        WHEN s.player_lookup IS NOT NULL THEN 'filled_since'
        WHEN r.player_lookup IS NOT NULL THEN 'data_gap'
        ELSE 'player_dnp'
    END AS classification,
    f.can_retry,
    f.failure_reason
FROM failures AS f
LEFT JOIN raw_played AS r ON r.game_date = f.analysis_date AND r.player_lookup = f.player
LEFT JOIN summarised AS s ON s.game_date = f.analysis_date AND s.player_lookup = f.player
ORDER BY f.analysis_date, f.table_name, f.entity_id
