-- backcourt.players_played: the players the raw box scores show playing, one row per (date, team,
-- player). The gamebook is the primary feed, as in Phase 3: a team-date it covers counts its
-- players listed active; the backup box score (which lists only players who appeared) counts for a
-- team-date the gamebook lacks. Taking one feed per team-date, never both, keeps a player the two
-- feeds spell differently from counting twice. Spellings resolve to canonical lookups through
-- backcourt.player_spelling_map. This is the raw side of every check that must not trust the table
-- it checks: the players a date owes rows for (`backcourt coverage`) and whether a missing
-- box-score line is a DNP or a data gap (`backcourt failures`).
CREATE OR REPLACE VIEW backcourt.players_played AS
WITH gamebook AS (
    SELECT game_date, team_code(team_abbr) AS team_abbr,
           lower(player_status) AS player_status,
           player_lookup(coalesce(player_lookup, player_name)) AS src_lookup
    FROM nba_raw.nbac_gamebook_player_stats
),
bdl AS (
    SELECT game_date, team_code(team_abbr) AS team_abbr,
           -- The printed name first, as player_game_summary: BDL's lookup deletes accented letters.
           player_lookup(coalesce(nullif(trim(player_full_name), ''), player_lookup)) AS src_lookup
    FROM nba_raw.bdl_player_boxscores
),
rows AS (
    SELECT game_date, team_abbr, src_lookup FROM gamebook WHERE player_status = 'active'
    UNION ALL
    SELECT b.game_date, b.team_abbr, b.src_lookup
    FROM bdl AS b
    ANTI JOIN (SELECT DISTINCT game_date, team_abbr FROM gamebook) AS g
        ON g.game_date = b.game_date AND g.team_abbr = b.team_abbr
)
SELECT DISTINCT r.game_date, r.team_abbr, coalesce(m.canonical, r.src_lookup) AS player_lookup
FROM rows AS r
LEFT JOIN backcourt.player_spelling_map AS m ON m.spelling = r.src_lookup
WHERE r.src_lookup <> '';
