-- backcourt.injury_reports: the injury report as the context models read it, one definition for
-- the player and team contexts. Statuses are lowercased and compared case-insensitively (the
-- reference compared with 'Out'/'OUT' and filtered nobody, reference-phase3 §10.4); report hours
-- are Eastern, and a report without an hour counts as published at the end of its day; players go
-- through the shared spelling map; low-confidence parses are left out.
CREATE OR REPLACE VIEW backcourt.injury_reports AS
SELECT
    i.game_date,
    coalesce(team_tricode(i.team), upper(trim(i.team))) AS team_abbr,
    coalesce(n.canonical, player_lookup(i.player_lookup)) AS player_lookup,
    lower(trim(i.injury_status)) AS status,
    i.reason,
    timezone('America/New_York', i.report_date + to_hours(coalesce(i.report_hour, 24))) AS published_at
FROM nba_raw.nbac_injury_report i
LEFT JOIN backcourt.player_spelling_map n ON n.spelling = player_lookup(i.player_lookup)
WHERE coalesce(i.confidence_score, 1.0) >= 0.8;
