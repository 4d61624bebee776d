-- The one game id of every derived table: the system format YYYYMMDD_AWAY_HOME (reference-phase3
-- §0.1), built from the schedule's date and canonical away/home tricodes, never copied from a
-- feed (feeds carry reversed ids; the reference wrote NBA.com ids in some tables and system ids in
-- others, so its joins missed: §10 item 1).
CREATE OR REPLACE MACRO backcourt.game_id(game_date, away, home) AS
    strftime(game_date, '%Y%m%d') || '_' || away || '_' || home;
