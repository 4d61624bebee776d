-- backcourt.listed_players(start_date, end_date): the players the games of the range list, as
-- candidates for resolve_names: the gamebook's rows of any status (an injured player is listed
-- inactive), and for a team-date no box score covers yet (a game not played) the team's latest
-- ESPN roster of the 90 days before. Lookups go through the spelling map as player_game_summary's
-- do. The backup box score's names are not candidates of their own: player_game_summary links
-- them to gamebook players (a BDL nickname is the same man), so callers add the players of their
-- box scores (player_game_summary's rows, with their names) beside these.
CREATE OR REPLACE MACRO backcourt.listed_players(start_date, end_date) AS TABLE
WITH
gamebook AS (
    SELECT game_date, team_code(team_abbr) AS team_abbr, player_name AS name,
           player_lookup(coalesce(player_lookup, player_name)) AS src_lookup
    FROM nba_raw.nbac_gamebook_player_stats
    WHERE game_date BETWEEN start_date AND end_date
),
boxed AS (
    SELECT DISTINCT game_date, team_abbr FROM gamebook
    UNION
    SELECT DISTINCT game_date, team_code(team_abbr) FROM nba_raw.bdl_player_boxscores
    WHERE game_date BETWEEN start_date AND end_date
),
team_dates AS (
    SELECT game_date, unnest([home, away]) AS team_abbr
    FROM backcourt.games
    WHERE game_date BETWEEN start_date AND end_date
),
roster_dates AS (
    SELECT t.game_date, t.team_abbr, max(r.roster_date) AS roster_date
    FROM team_dates t
    JOIN nba_raw.espn_team_rosters r
      ON team_code(r.team_abbr) = t.team_abbr
     AND r.roster_date BETWEEN t.game_date - INTERVAL 90 DAY AND t.game_date
    ANTI JOIN boxed b ON b.game_date = t.game_date AND b.team_abbr = t.team_abbr
    GROUP BY ALL
),
rostered AS (
    SELECT d.game_date, d.team_abbr, r.player_full_name AS name,
           player_lookup(coalesce(r.player_lookup, r.player_full_name)) AS src_lookup
    FROM roster_dates d
    JOIN nba_raw.espn_team_rosters r
      ON team_code(r.team_abbr) = d.team_abbr AND r.roster_date = d.roster_date
)
SELECT DISTINCT l.game_date, l.team_abbr, coalesce(m.canonical, l.src_lookup) AS player_lookup, l.name
FROM (SELECT * FROM gamebook UNION ALL SELECT * FROM rostered) l
LEFT JOIN backcourt.player_spelling_map m ON m.spelling = l.src_lookup
WHERE l.src_lookup <> '' AND l.team_abbr IS NOT NULL;
