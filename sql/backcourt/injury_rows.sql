-- backcourt.injury_rows(start_date, end_date): the injury report rows the context models read.
-- Statuses are lowercased and compared case-insensitively (the reference compared with
-- 'Out'/'OUT' and filtered nobody, reference-phase3 §10.4); report hours are Eastern, and a report
-- without an hour counts as published at the end of its day; low-confidence parses are left out.
CREATE OR REPLACE MACRO backcourt.injury_rows(start_date, end_date) AS TABLE
SELECT
    game_date,
    coalesce(team_tricode(team), upper(trim(team))) AS team_abbr,
    player_lookup(coalesce(player_lookup, player_name)) AS spelling,
    player_name AS name,
    lower(trim(injury_status)) AS status,
    reason,
    timezone('America/New_York', report_date + to_hours(coalesce(report_hour, 24))) AS published_at
FROM nba_raw.nbac_injury_report
WHERE game_date BETWEEN start_date AND end_date
  AND coalesce(confidence_score, 1.0) >= 0.8;
