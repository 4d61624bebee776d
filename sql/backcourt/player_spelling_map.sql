-- backcourt.player_spelling_map: the resolution of a spelling, from its best rank, and only when
-- that rank names one player; an ambiguous spelling stays unresolved here (a model may settle it
-- within one team-game, where the candidates are few).
CREATE OR REPLACE VIEW backcourt.player_spelling_map AS
SELECT spelling, min(canonical) AS canonical
FROM (
    SELECT *, min(rank) OVER (PARTITION BY spelling) AS best
    FROM backcourt.player_spellings
)
WHERE rank = best
GROUP BY spelling
HAVING count(DISTINCT canonical) = 1;
