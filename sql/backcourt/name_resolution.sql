-- Name resolution: which player a feed's spelling means, decided among the players of that game.
--
-- Real feeds spell one player several ways ("Nic Claxton" / "Nicolas Claxton", "Herb Jones" /
-- "Herbert Jones", "Bub Carrington" / "Carlton Carrington", "Isaiah Stewart II" / "Isaiah Stewart",
-- "Claxton, Nicolas" in the injury report), and a team starting out has no alias table. A global
-- map (sql/backcourt/player_spellings.sql) cannot settle these, but a game can: a feed row belongs
-- to one game (one team, or either team of a game), and the players listed for that game are few.
-- So every feed row is resolved against its game's candidates, by the first method that finds
-- any, in this order:
--
--   exact    the spelling is the candidate's lookup (or that of his listed name)
--   alias    the spelling is one the registry or alias table gives the candidate (rank 2-3 of
--            backcourt.player_spellings)
--   suffix   equal once suffixes (Jr, Sr, II-V) are dropped, accented letters deleted or
--            transliterated, and "Last, First" turned round, on either side
--   fuzzy    same last name, and one first name is a prefix of the other (Nic/Nicolas, Herb/Herbert)
--   surname  same last name, and the only candidate of the game with it (Bub/Carlton Carrington);
--            also the only feed spelling of the game with it, and not a candidate already taken by
--            an earlier method
--
-- A method that finds two players, or a surname two players of the game share, is an ambiguity:
-- the row stays unresolved (reason 'ambiguous'), never a guess. Every resolution other than 'exact' is recorded in nba_processing.name_matches,
-- and every unresolved spelling in nba_processing.unresolved_names, with the rows it left behind.

-- backcourt.name_key(name): the parts of a display name that methods compare, as lookups:
-- {first, last, base} with base = the whole name without its suffix. "Last, First" (the NBA.com
-- injury report's form) is turned round first; a comma before a suffix ("Porter, Jr.") is not.
CREATE OR REPLACE MACRO backcourt.name_tokens(name) AS
    list_filter(string_split(regexp_replace(
        CASE WHEN contains(name, ',') AND NOT regexp_matches(name, ',\s*(jr|sr|ii|iii|iv|v)\.?\s*$', 'i')
             THEN trim(split_part(name, ',', 2)) || ' ' || trim(split_part(name, ',', 1))
             ELSE name END,
        '[.,]', ' ', 'g'), ' '), t -> t <> '');

CREATE OR REPLACE MACRO backcourt.name_bare(t) AS
    CASE WHEN len(t) > 1 AND lower(t[-1]) IN ('jr', 'sr', 'ii', 'iii', 'iv', 'v') THEN t[1:-2] ELSE t END;

CREATE OR REPLACE MACRO backcourt.name_parts(t) AS
    CASE WHEN len(t) > 0 THEN {
        'first': player_lookup(t[1]),
        'last': player_lookup(t[-1]),
        'base': player_lookup(array_to_string(t, ' '))
    } END;

CREATE OR REPLACE MACRO backcourt.name_key(name) AS
    backcourt.name_parts(backcourt.name_bare(backcourt.name_tokens(name)));

-- backcourt.resolve_names(feed_names, candidates): one row per distinct (feed, game_date, teams,
-- spelling) of the relation named `feed_names` (columns feed, game_date, teams VARCHAR[] — the
-- teams the row may belong to, NULL when the feed does not say —, spelling, name, feed_rows: how
-- many feed rows the line stands for), resolved
-- against the relation named `candidates` (columns game_date, team_abbr, player_lookup, name; a
-- player may come with several names). Both are names of tables or CTEs of the calling query.
-- Output: feed, game_date, teams, spelling, name, feed_rows, player_lookup and team_abbr (NULL when
-- unresolved), method, reason ('ambiguous', 'no_match' or 'no_candidates'), candidates (how many
-- players the scope held).
CREATE OR REPLACE MACRO backcourt.resolve_names(feed_names, candidates) AS TABLE
WITH
spellings AS (
    SELECT feed, game_date, teams, spelling, min(name) AS name, sum(feed_rows) AS feed_rows
    FROM query_table(feed_names)
    WHERE spelling IS NOT NULL AND spelling <> '' AND game_date IS NOT NULL
    GROUP BY ALL
),
people AS (
    SELECT DISTINCT game_date, team_abbr, player_lookup, name
    FROM query_table(candidates)
    WHERE player_lookup IS NOT NULL AND player_lookup <> '' AND team_abbr IS NOT NULL
),
-- Every form a candidate may be spelt in, with the method that form stands for.
forms AS (
    SELECT DISTINCT game_date, team_abbr, player_lookup, form, rank
    FROM (
        SELECT game_date, team_abbr, player_lookup, player_lookup AS form, 1 AS rank FROM people
        UNION ALL
        SELECT game_date, team_abbr, player_lookup, player_lookup(name), 1 FROM people
        UNION ALL
        SELECT p.game_date, p.team_abbr, p.player_lookup, s.spelling, 2
        FROM (SELECT DISTINCT game_date, team_abbr, player_lookup FROM people) p
        JOIN backcourt.player_spellings s ON s.canonical = p.player_lookup AND s.rank > 1
        UNION ALL
        SELECT game_date, team_abbr, player_lookup, unnest([
            backcourt.name_key(name).base,
            player_lookup(regexp_replace(name, '[^\x00-\x7F]', '', 'g')),
            backcourt.name_key(regexp_replace(name, '[^\x00-\x7F]', '', 'g')).base
        ]), 3
        FROM people
    )
    WHERE form IS NOT NULL AND form <> ''
),
-- The forms of each feed spelling: itself (any method), or its name's suffix-free and
-- accent-deleted forms (method 'suffix' at best).
feed_forms AS (
    SELECT feed, game_date, teams, spelling, form, floor_rank
    FROM (
        SELECT *, unnest([spelling, backcourt.name_key(name).base,
                          player_lookup(regexp_replace(name, '[^\x00-\x7F]', '', 'g')),
                          backcourt.name_key(regexp_replace(name, '[^\x00-\x7F]', '', 'g')).base]) AS form,
               unnest([1, 3, 3, 3]) AS floor_rank
        FROM spellings
    )
    WHERE form IS NOT NULL AND form <> ''
),
by_form AS (
    SELECT f.feed, f.game_date, f.teams, f.spelling, c.player_lookup, c.team_abbr,
           min(greatest(c.rank, f.floor_rank)) AS rank
    FROM feed_forms f
    JOIN forms c
      ON c.game_date = f.game_date AND c.form = f.form
     AND (f.teams IS NULL OR list_contains(f.teams, c.team_abbr))
    GROUP BY ALL
),
-- Spellings no form reaches, and the parts of their names, for the last two methods.
unformed AS (
    SELECT *, count(*) OVER (PARTITION BY feed, game_date, teams, k.last) AS same_last
    FROM (
        SELECT s.*, backcourt.name_key(s.name) AS k
        FROM spellings s
        ANTI JOIN by_form b
          ON b.feed = s.feed AND b.game_date = s.game_date AND b.teams IS NOT DISTINCT FROM s.teams
         AND b.spelling = s.spelling
        WHERE s.name IS NOT NULL
    )
),
-- Candidates some spelling of the same feed and scope already names by form: not for the taking.
taken AS (SELECT DISTINCT feed, game_date, teams, player_lookup FROM by_form),
by_parts AS (
    SELECT u.feed, u.game_date, u.teams, u.spelling, u.same_last, p.player_lookup, p.team_abbr,
           CASE WHEN least(length(p.k.first), length(u.k.first)) >= 2
                 AND (starts_with(p.k.first, u.k.first) OR starts_with(u.k.first, p.k.first))
                THEN 4 ELSE 5 END AS rank
    FROM unformed u
    JOIN (SELECT *, backcourt.name_key(name) AS k FROM people WHERE name IS NOT NULL) p
      ON p.game_date = u.game_date AND p.k.last = u.k.last
     AND (u.teams IS NULL OR list_contains(u.teams, p.team_abbr))
    ANTI JOIN taken t
      ON t.feed = u.feed AND t.game_date = u.game_date AND t.teams IS NOT DISTINCT FROM u.teams
     AND t.player_lookup = p.player_lookup
    WHERE length(u.k.last) >= 2
),
-- A surname match needs the last name to be unique on both sides of the scope: one candidate
-- with it, and one spelling of the feed left with it.
by_surname AS (
    SELECT *
    FROM (
        SELECT *, count(DISTINCT player_lookup) OVER (PARTITION BY feed, game_date, teams, spelling) AS players
        FROM by_parts
    )
    WHERE rank = 4 OR (players = 1 AND same_last = 1)
),
-- Spellings whose surname names several players of the scope: ambiguous, if nothing else matched.
collisions AS (
    SELECT feed, game_date, teams, spelling
    FROM by_parts
    GROUP BY ALL
    HAVING count(DISTINCT player_lookup) > 1
),
matches AS (
    SELECT feed, game_date, teams, spelling, player_lookup, team_abbr, rank FROM by_form
    UNION ALL
    SELECT feed, game_date, teams, spelling, player_lookup, team_abbr, rank FROM by_surname
),
best AS (
    SELECT feed, game_date, teams, spelling,
           min(rank) AS rank,
           count(DISTINCT player_lookup) AS players,
           min(player_lookup) AS player_lookup,
           min(team_abbr) AS team_abbr
    FROM (SELECT *, min(rank) OVER (PARTITION BY feed, game_date, teams, spelling) AS top FROM matches)
    WHERE rank = top
    GROUP BY ALL
),
-- How many players each scope holds (per scope, not per spelling: a date has a few games and
-- hundreds of spellings).
scope_sizes AS (
    SELECT z.game_date, z.teams, count(DISTINCT p.player_lookup) AS candidates
    FROM (SELECT DISTINCT game_date, teams FROM spellings) z
    LEFT JOIN people p
      ON p.game_date = z.game_date AND (z.teams IS NULL OR list_contains(z.teams, p.team_abbr))
    GROUP BY ALL
)
SELECT
    s.feed, s.game_date, s.teams, s.spelling, s.name, s.feed_rows,
    CASE WHEN b.players = 1 THEN b.player_lookup END AS player_lookup,
    CASE WHEN b.players = 1 THEN b.team_abbr END AS team_abbr,
    CASE WHEN b.players = 1 THEN ['exact', 'alias', 'suffix', 'fuzzy', 'surname'][b.rank] END AS method,
    CASE WHEN b.players > 1 OR (b.players IS NULL AND x.spelling IS NOT NULL) THEN 'ambiguous'
         WHEN b.players IS NULL AND z.candidates = 0 THEN 'no_candidates'
         WHEN b.players IS NULL THEN 'no_match' END AS reason,
    z.candidates
FROM spellings s
LEFT JOIN best b
  ON b.feed = s.feed AND b.game_date = s.game_date AND b.teams IS NOT DISTINCT FROM s.teams
 AND b.spelling = s.spelling
LEFT JOIN collisions x
  ON x.feed = s.feed AND x.game_date = s.game_date AND x.teams IS NOT DISTINCT FROM s.teams
 AND x.spelling = s.spelling
JOIN scope_sizes z ON z.game_date = s.game_date AND z.teams IS NOT DISTINCT FROM s.teams;

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

-- backcourt.name_candidates(start_date, end_date): the candidates every feed's names are resolved
-- against once player_game_summary is built: the players listed for each game (listed_players)
-- and those of its box scores, with their names.
CREATE OR REPLACE MACRO backcourt.name_candidates(start_date, end_date) AS TABLE
SELECT game_date, team_abbr, player_lookup, name FROM backcourt.listed_players(start_date, end_date)
UNION ALL
SELECT game_date, team_abbr, player_lookup, player_full_name
FROM nba_analytics.player_game_summary
WHERE game_date BETWEEN start_date AND end_date;

-- backcourt.odds_props / backcourt.bettingpros_props(start_date, end_date): the props rows that
-- carry a line, with the spelling, name and teams name resolution reads. The line picker and the
-- name tables both read them here, so both see the same names.
CREATE OR REPLACE MACRO backcourt.odds_props(start_date, end_date) AS TABLE
SELECT game_date,
       player_lookup(coalesce(player_lookup, player_name)) AS spelling,
       player_name AS name,
       -- The system id's two teams, whichever order they come in; NULL if it has none.
       CASE WHEN team_code(split_part(game_id, '_', 2)) IS NOT NULL
             AND team_code(split_part(game_id, '_', 3)) IS NOT NULL
            THEN list_sort([team_code(split_part(game_id, '_', 2)),
                            team_code(split_part(game_id, '_', 3))]) END AS teams,
       lower(bookmaker) AS book, points_line, snapshot_timestamp AS snapshot_at, commence_time
FROM nba_raw.odds_api_player_points_props
WHERE game_date BETWEEN start_date AND end_date
  AND points_line IS NOT NULL AND snapshot_timestamp IS NOT NULL AND bookmaker IS NOT NULL;

CREATE OR REPLACE MACRO backcourt.bettingpros_props(start_date, end_date) AS TABLE
SELECT game_date,
       player_lookup(coalesce(player_lookup, player_name)) AS spelling,
       player_name AS name,
       CASE WHEN team_code(player_team) IS NOT NULL THEN [team_code(player_team)] END AS teams,
       lower(bookmaker) AS book, points_line, opening_line, bookmaker_last_update AS snapshot_at
FROM nba_raw.bettingpros_player_points_props
WHERE game_date BETWEEN start_date AND end_date
  AND points_line IS NOT NULL AND bookmaker IS NOT NULL AND bookmaker_last_update IS NOT NULL
  AND is_active IS NOT FALSE;

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

-- backcourt.feed_name_resolution(start_date, end_date): every player name the props, injury and
-- play-by-play feeds of the range carry, resolved against the players the games list and those
-- who played (player_game_summary), as the models resolve them. Play-by-play rows carry only a
-- lookup, so only the spelling methods apply to them; a shooter's team is his own, an assist or
-- block may be either team's.
CREATE OR REPLACE MACRO backcourt.feed_name_resolution(start_date, end_date) AS TABLE
WITH
-- Play-by-play has millions of rows and few names: each raw spelling is counted first, then
-- normalised once.
pbp_raw AS (
    SELECT 'bigdataball_play_by_play' AS feed, game_date,
           CASE WHEN player_1_team_abbr IS NOT NULL THEN [team_code(player_1_team_abbr)]
                ELSE list_sort([team_code(home_team_abbr), team_code(away_team_abbr)]) END AS teams,
           player_1_lookup AS raw, count(*) AS feed_rows
    FROM nba_raw.bigdataball_play_by_play
    WHERE game_date BETWEEN start_date AND end_date AND player_1_lookup IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT 'bigdataball_play_by_play', game_date,
           list_sort([team_code(home_team_abbr), team_code(away_team_abbr)]), player_2_lookup, count(*)
    FROM nba_raw.bigdataball_play_by_play
    WHERE game_date BETWEEN start_date AND end_date AND player_2_lookup IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT 'nbac_play_by_play', game_date,
           CASE WHEN player_1_team_abbr IS NOT NULL THEN [team_code(player_1_team_abbr)]
                ELSE list_sort([team_code(home_team_abbr), team_code(away_team_abbr)]) END,
           player_1_lookup, count(*)
    FROM nba_raw.nbac_play_by_play
    WHERE game_date BETWEEN start_date AND end_date AND player_1_lookup IS NOT NULL
    GROUP BY ALL
),
feed_names AS (
    SELECT 'odds_api_player_points_props' AS feed, game_date, teams, spelling, name, 1 AS feed_rows
    FROM backcourt.odds_props(start_date, end_date)
    UNION ALL
    SELECT 'bettingpros_player_points_props', game_date, teams, spelling, name, 1
    FROM backcourt.bettingpros_props(start_date, end_date)
    UNION ALL
    SELECT 'nbac_injury_report', game_date, [team_abbr], spelling, name, 1
    FROM backcourt.injury_rows(start_date, end_date)
    UNION ALL
    SELECT feed, game_date, teams, player_lookup(raw), NULL, feed_rows FROM pbp_raw
),
candidates AS (SELECT * FROM backcourt.name_candidates(start_date, end_date))
SELECT * FROM backcourt.resolve_names('feed_names', 'candidates');
