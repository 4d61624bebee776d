-- backcourt.injury_reports(start_date, end_date): the injury report as both context models read
-- it, each name resolved among the players its team's game lists (sql/backcourt/resolve_names.sql:
-- the report writes "Last, First" and nicknames). A name that resolves to nobody keeps its own
-- lookup, and is counted in nba_processing.unresolved_names.
CREATE OR REPLACE MACRO backcourt.injury_reports(start_date, end_date) AS TABLE
WITH
report AS (SELECT * FROM backcourt.injury_rows(start_date, end_date)),
report_names AS (
    SELECT 'nbac_injury_report' AS feed, game_date, [team_abbr] AS teams, spelling, name, 1 AS feed_rows
    FROM report
),
candidates AS (SELECT * FROM backcourt.name_candidates(start_date, end_date)),
resolved AS (SELECT * FROM backcourt.resolve_names('report_names', 'candidates'))
SELECT r.game_date, r.team_abbr, coalesce(n.player_lookup, r.spelling) AS player_lookup,
       r.status, r.reason, r.published_at
FROM report r
LEFT JOIN resolved n
  ON n.game_date = r.game_date AND n.teams = [r.team_abbr] AND n.spelling = r.spelling;
