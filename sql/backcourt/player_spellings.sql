-- Session views shared by the models: how a feed's spelling of a player maps onto the canonical
-- player_lookup (DESIGN principle 7: one normaliser, an alias table on top). Created by the engine
-- in schema `backcourt` after the table views; not a lake table.
--
-- backcourt.player_spellings: every (spelling, canonical, rank) candidate. A canonical lookup is
-- itself (rank 1), then active aliases (2), then the forms feeds derive from registry names (3):
-- BDL deletes accented letters, the play-by-play feeds and BettingPros drop the suffix
-- (reference-phase3 §0.2); player_lookup() already strips BigDataBall's numeric id prefix.
CREATE OR REPLACE VIEW backcourt.player_spellings AS
WITH known_names AS (
    SELECT DISTINCT player_lookup(player_lookup) AS canonical, player_name AS name
    FROM nba_reference.nba_players_registry
    WHERE player_lookup IS NOT NULL
),
name_forms AS (
    SELECT canonical, player_lookup(form) AS spelling
    FROM (
        SELECT canonical, unnest([
            name,
            regexp_replace(name, '[^\x00-\x7F]', '', 'g'),
            regexp_replace(name, '[\s,]+(jr|sr|ii|iii|iv)\.?\s*$', '', 'i'),
            regexp_replace(regexp_replace(name, '[^\x00-\x7F]', '', 'g'), '[\s,]+(jr|sr|ii|iii|iv)\.?\s*$', '', 'i')
        ]) AS form
        FROM known_names
        WHERE name IS NOT NULL
    )
)
SELECT spelling, canonical, rank
FROM (
    SELECT canonical AS spelling, canonical, 1 AS rank FROM known_names
    UNION
    SELECT player_lookup(alias_lookup), player_lookup(nba_canonical_lookup), 2
    FROM nba_reference.player_aliases
    WHERE is_active AND alias_lookup IS NOT NULL AND nba_canonical_lookup IS NOT NULL
    UNION
    SELECT spelling, canonical, 3 FROM name_forms
)
WHERE spelling <> '' AND canonical <> '';
