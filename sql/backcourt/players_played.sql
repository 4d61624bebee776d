-- backcourt.players_played: the players the raw box scores show playing, one row per (date, team,
-- player): listed active in the gamebook, or present in the backup box score (which lists only
-- players who appeared). Spellings resolve to canonical lookups as Phase 3 resolves them. This is
-- the raw side of every check that must not trust the table it checks: the players a date owes
-- rows for (`backcourt coverage`) and whether a missing box-score line is a DNP or a data gap
-- (`backcourt failures`).
CREATE OR REPLACE VIEW backcourt.players_played AS
SELECT DISTINCT r.game_date, r.team_abbr, coalesce(m.canonical, r.src_lookup) AS player_lookup
FROM (
    SELECT game_date, coalesce(team_tricode(team_abbr), team_abbr) AS team_abbr,
           player_lookup(coalesce(player_lookup, player_name)) AS src_lookup
    FROM nba_raw.nbac_gamebook_player_stats
    WHERE lower(player_status) = 'active'
    UNION ALL
    SELECT game_date, coalesce(team_tricode(team_abbr), team_abbr),
           player_lookup(coalesce(player_lookup, player_full_name))
    FROM nba_raw.bdl_player_boxscores
) AS r
LEFT JOIN backcourt.player_spelling_map AS m ON m.spelling = r.src_lookup
WHERE r.src_lookup <> '';
