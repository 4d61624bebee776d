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
