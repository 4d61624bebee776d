-- nba_analytics.player_game_summary
-- One row per (player_lookup, game_id) for players who played; date column game_date.
-- Gamebook box score, BDL per missing player; zones from BigDataBall, then NBA.com play-by-play; pre-tip props.
-- Point in time: a row reads only its own game (lines strictly before tip-off). Params: $start_date, $end_date, $as_of.
-- Spec: shared/spec/reference-phase3.md §3; each [BUG] fixed is pinned in tests/it/player_game_summary.rs.
--
-- Names resolve through one crosswalk built from reference tables (registry names, aliases) and the
-- names inside each game, never from other dates: a one-date run equals that date in a full run.
-- Uses: backcourt.game_id, backcourt.games, backcourt.listed_players,
--      backcourt.player_spelling_map, backcourt.player_spellings, backcourt.pregame_lines.
WITH
-- ── Names (§0.2, §10 item 2) ──────────────────────────────────────────────────────────────────
-- Spellings and their canonical lookups are shared by every model (sql/backcourt/player_spellings.sql).
spellings AS MATERIALIZED (SELECT * FROM backcourt.player_spellings),
spelling_map AS MATERIALIZED (SELECT * FROM backcourt.player_spelling_map),

-- ── Schedule: the game id, opponent, tip-off and score of each (date, team) ───────────────────
schedule AS (
    -- The calendar's games (sql/backcourt/games.sql), keyed by the one id across Phase 3
    -- (reference §10.1): never a feed's raw id, which may be reversed.
    SELECT game_id, nba_game_id, game_date, season_year, game_status, game_time_utc, processed_at,
           home, away, home_team_score, away_team_score
    FROM backcourt.games
    WHERE game_date BETWEEN $start_date AND $end_date
),
schedule_side AS MATERIALIZED (
    SELECT * FROM (
        SELECT game_id, nba_game_id, game_date, season_year, game_status, game_time_utc, home AS team_abbr,
               away AS opponent_team_abbr, home_team_score AS team_score, away_team_score AS opponent_score
        FROM schedule
        UNION ALL
        SELECT game_id, nba_game_id, game_date, season_year, game_status, game_time_utc, away, home,
               away_team_score, home_team_score
        FROM schedule
    )
    QUALIFY row_number() OVER (PARTITION BY game_date, team_abbr
                               ORDER BY game_status DESC NULLS LAST, nba_game_id) = 1
),
-- QualityMixin's early season: within 14 days of the season's opening night (§9).
opening_nights AS (
    SELECT season_year, min(game_date) AS opening_night
    FROM backcourt.games
    -- A season is shorter than a year, so this window holds the opening night of every season
    -- with a game in the range.
    WHERE game_date BETWEEN $start_date - INTERVAL 366 DAY AND $end_date
      AND is_regular_season
    GROUP BY season_year
),

-- ── Play-by-play shot zones (§3.3) ────────────────────────────────────────────────────────────
-- Zones: a three is a three by shot type; a two is paint within 8 ft, mid-range beyond; a two
-- with no distance is 'unknown' (never paint).
bdb AS MATERIALIZED (
    SELECT game_date, event_type, event_subtype, player_1_lookup, player_2_lookup, player_2_role,
           shot_made, processed_at,
           team_code(home_team_abbr) AS home,
           team_code(away_team_abbr) AS away,
           team_code(player_1_team_abbr) AS team_abbr,
           CASE WHEN upper(shot_type) = '3PT'
                  OR (shot_type IS NULL AND event_type = 'shot'
                      AND (event_subtype ILIKE '%3pt%' OR shot_distance >= 23.75)) THEN 'three'
                WHEN upper(shot_type) = '2PT' OR (shot_type IS NULL AND event_type = 'shot') THEN
                    CASE WHEN shot_distance IS NULL THEN 'unknown'
                         WHEN shot_distance <= 8 THEN 'paint' ELSE 'mid' END
           END AS zone
    FROM nba_raw.bigdataball_play_by_play
    WHERE game_date BETWEEN $start_date AND $end_date
),
-- NBA.com writes 0.0 when it had no coordinates: unknown, not paint (§10 item 5).
nbac AS MATERIALIZED (
    SELECT game_date, player_1_lookup, shot_made, processed_at,
           team_code(home_team_abbr) AS home,
           team_code(away_team_abbr) AS away,
           team_code(player_1_team_abbr) AS team_abbr,
           CASE WHEN upper(shot_type) = '3PT' THEN 'three'
                WHEN upper(shot_type) = '2PT' OR (shot_type IS NULL AND event_type = 'fieldgoal') THEN
                    CASE WHEN shot_distance IS NULL OR shot_distance = 0 THEN 'unknown'
                         WHEN shot_distance <= 8 THEN 'paint' ELSE 'mid' END
           END AS zone
    FROM nba_raw.nbac_play_by_play
    WHERE game_date BETWEEN $start_date AND $end_date
),
-- ── Box scores (§3.2) ─────────────────────────────────────────────────────────────────────────
gamebook_rows AS MATERIALIZED (
    SELECT game_date, game_id AS source_game_id, season_year,
           team_code(team_abbr) AS team_abbr,
           player_name, player_lookup(coalesce(player_lookup, player_name)) AS src_lookup,
           lower(player_status) AS player_status, starter,
           -- §3.3: "MM:SS" or a plain number; '-' and empty are unknown.
           CASE WHEN trim(minutes) IN ('', '-') THEN NULL
                WHEN minutes LIKE '%:%' THEN try_cast(split_part(minutes, ':', 1) AS DOUBLE)
                                             + try_cast(split_part(minutes, ':', 2) AS DOUBLE) / 60
                ELSE try_cast(minutes AS DOUBLE) END AS minutes_dec,
           points, assists, offensive_rebounds AS oreb, defensive_rebounds AS dreb, steals, blocks,
           turnovers, personal_fouls, field_goals_made AS fgm, field_goals_attempted AS fga,
           three_pointers_made AS tpm, three_pointers_attempted AS tpa,
           free_throws_made AS ftm, free_throws_attempted AS fta, plus_minus, processed_at
    FROM nba_raw.nbac_gamebook_player_stats
    WHERE game_date BETWEEN $start_date AND $end_date
),
gamebook AS MATERIALIZED (
    SELECT g.*, coalesce(m.canonical, g.src_lookup) AS canonical
    FROM gamebook_rows g
    LEFT JOIN spelling_map m ON m.spelling = g.src_lookup
    WHERE g.src_lookup <> '' AND g.team_abbr IS NOT NULL
    -- One game filed under both AWAY_HOME and HOME_AWAY ids is one game (§10 item 1).
    QUALIFY row_number() OVER (PARTITION BY g.game_date, g.team_abbr, coalesce(m.canonical, g.src_lookup)
                               ORDER BY g.player_status = 'active' DESC, g.processed_at DESC NULLS LAST,
                                        g.source_game_id) = 1
),
bdl_rows AS (
    SELECT game_date, game_id AS source_game_id, season_year,
           team_code(team_abbr) AS team_abbr,
           -- The canonical function of the printed name first: BDL's own lookup deletes accented
           -- letters ('Bilal Çelik' -> 'bilalelik'), which would split a player whose team-games
           -- the gamebook lacks from his gamebook games ('bilalcelik').
           player_full_name,
           player_lookup(coalesce(nullif(trim(player_full_name), ''), player_lookup)) AS src_lookup,
           player_lookup(player_lookup) AS feed_lookup,
           CASE WHEN trim(minutes) IN ('', '-') THEN NULL
                WHEN minutes LIKE '%:%' THEN try_cast(split_part(minutes, ':', 1) AS DOUBLE)
                                             + try_cast(split_part(minutes, ':', 2) AS DOUBLE) / 60
                ELSE try_cast(minutes AS DOUBLE) END AS minutes_dec,
           points, assists, offensive_rebounds AS oreb, defensive_rebounds AS dreb, steals, blocks,
           turnovers, personal_fouls, field_goals_made AS fgm, field_goals_attempted AS fga,
           three_pointers_made AS tpm, three_pointers_attempted AS tpa,
           free_throws_made AS ftm, free_throws_attempted AS fta, processed_at
    FROM nba_raw.bdl_player_boxscores
    WHERE game_date BETWEEN $start_date AND $end_date
),
bdl AS MATERIALIZED (
    SELECT b.* EXCLUDE (feed_lookup), coalesce(m.canonical, f.canonical, b.src_lookup) AS canonical,
           -- A box line identifies a player within his team-game when names cannot (a nickname
           -- with no alias): every counting stat plus whole minutes.
           concat_ws('|', coalesce(round(b.minutes_dec)::VARCHAR, '-'), coalesce(b.points::VARCHAR, '-'),
                     coalesce(b.fgm::VARCHAR, '-'), coalesce(b.fga::VARCHAR, '-'), coalesce(b.tpm::VARCHAR, '-'),
                     coalesce(b.tpa::VARCHAR, '-'), coalesce(b.ftm::VARCHAR, '-'), coalesce(b.fta::VARCHAR, '-'),
                     coalesce(b.oreb::VARCHAR, '-'), coalesce(b.dreb::VARCHAR, '-'), coalesce(b.assists::VARCHAR, '-'),
                     coalesce(b.steals::VARCHAR, '-'), coalesce(b.blocks::VARCHAR, '-'),
                     coalesce(b.turnovers::VARCHAR, '-'), coalesce(b.personal_fouls::VARCHAR, '-')) AS line_sig
    FROM bdl_rows b
    LEFT JOIN spelling_map m ON m.spelling = b.src_lookup
    LEFT JOIN spelling_map f ON f.spelling = b.feed_lookup
    WHERE b.src_lookup <> '' AND b.team_abbr IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY b.game_date, b.team_abbr,
                                            coalesce(m.canonical, f.canonical, b.src_lookup)
                               ORDER BY b.processed_at DESC NULLS LAST, b.source_game_id) = 1
),
-- BDL rows whose name finds no gamebook row of their team-game, and gamebook players nobody in
-- BDL named: paired when their box line is unique on both sides.
bdl_unnamed AS (
    SELECT b.*, count(*) OVER (PARTITION BY b.game_date, b.team_abbr, b.line_sig) AS n
    FROM bdl b
    WHERE NOT EXISTS (SELECT 1 FROM gamebook g
                      WHERE g.game_date = b.game_date AND g.team_abbr = b.team_abbr
                        AND g.canonical = b.canonical)
),
gamebook_unnamed AS (
    SELECT g.game_date, g.team_abbr, g.canonical,
           concat_ws('|', coalesce(round(g.minutes_dec)::VARCHAR, '-'), coalesce(g.points::VARCHAR, '-'),
                     coalesce(g.fgm::VARCHAR, '-'), coalesce(g.fga::VARCHAR, '-'), coalesce(g.tpm::VARCHAR, '-'),
                     coalesce(g.tpa::VARCHAR, '-'), coalesce(g.ftm::VARCHAR, '-'), coalesce(g.fta::VARCHAR, '-'),
                     coalesce(g.oreb::VARCHAR, '-'), coalesce(g.dreb::VARCHAR, '-'), coalesce(g.assists::VARCHAR, '-'),
                     coalesce(g.steals::VARCHAR, '-'), coalesce(g.blocks::VARCHAR, '-'),
                     coalesce(g.turnovers::VARCHAR, '-'), coalesce(g.personal_fouls::VARCHAR, '-')) AS line_sig
    FROM gamebook g
    WHERE g.player_status = 'active'
      AND NOT EXISTS (SELECT 1 FROM bdl b
                      WHERE b.game_date = g.game_date AND b.team_abbr = g.team_abbr
                        AND b.canonical = g.canonical)
),
line_pairs AS (
    SELECT b.game_date, b.team_abbr, b.canonical AS bdl_canonical, g.canonical AS gamebook_canonical
    FROM bdl_unnamed b
    JOIN (SELECT *, count(*) OVER (PARTITION BY game_date, team_abbr, line_sig) AS n FROM gamebook_unnamed) g
      ON g.game_date = b.game_date AND g.team_abbr = b.team_abbr AND g.line_sig = b.line_sig
    WHERE b.n = 1 AND g.n = 1
),
bdl_linked AS MATERIALIZED (
    SELECT b.*,
           CASE WHEN EXISTS (SELECT 1 FROM gamebook g
                             WHERE g.game_date = b.game_date AND g.team_abbr = b.team_abbr
                               AND g.canonical = b.canonical)
                THEN b.canonical ELSE p.gamebook_canonical END AS gamebook_canonical
    FROM bdl b
    LEFT JOIN line_pairs p
      ON p.game_date = b.game_date AND p.team_abbr = b.team_abbr AND p.bdl_canonical = b.canonical
),
-- The gamebook first, column by column BDL where the gamebook left a stat empty; BDL alone for
-- a player the gamebook does not list at all. The reference fell back per game, losing the
-- players of a partial gamebook, and dropped BDL's FGA/3PA/FTA/OREB/DREB (§10 item 3).
box_all AS (
    SELECT g.game_date, g.team_abbr, g.canonical AS player_lookup, g.player_name AS player_full_name,
           'nbac_gamebook' AS box_source, g.source_game_id, b.source_game_id AS bdl_game_id,
           g.season_year, g.starter, g.plus_minus,
           coalesce(g.minutes_dec, b.minutes_dec) AS minutes_dec, coalesce(g.points, b.points) AS points,
           coalesce(g.assists, b.assists) AS assists, coalesce(g.oreb, b.oreb) AS oreb,
           coalesce(g.dreb, b.dreb) AS dreb, coalesce(g.steals, b.steals) AS steals,
           coalesce(g.blocks, b.blocks) AS blocks, coalesce(g.turnovers, b.turnovers) AS turnovers,
           coalesce(g.personal_fouls, b.personal_fouls) AS personal_fouls,
           coalesce(g.fgm, b.fgm) AS fgm, coalesce(g.fga, b.fga) AS fga, coalesce(g.tpm, b.tpm) AS tpm,
           coalesce(g.tpa, b.tpa) AS tpa, coalesce(g.ftm, b.ftm) AS ftm, coalesce(g.fta, b.fta) AS fta,
           b.canonical IS NOT NULL AS in_bdl,
           b.canonical IS NOT NULL AND (
               (g.minutes_dec IS NULL AND b.minutes_dec IS NOT NULL) OR (g.points IS NULL AND b.points IS NOT NULL)
               OR (g.assists IS NULL AND b.assists IS NOT NULL) OR (g.oreb IS NULL AND b.oreb IS NOT NULL)
               OR (g.dreb IS NULL AND b.dreb IS NOT NULL) OR (g.steals IS NULL AND b.steals IS NOT NULL)
               OR (g.blocks IS NULL AND b.blocks IS NOT NULL) OR (g.turnovers IS NULL AND b.turnovers IS NOT NULL)
               OR (g.personal_fouls IS NULL AND b.personal_fouls IS NOT NULL)
               OR (g.fgm IS NULL AND b.fgm IS NOT NULL) OR (g.fga IS NULL AND b.fga IS NOT NULL)
               OR (g.tpm IS NULL AND b.tpm IS NOT NULL) OR (g.tpa IS NULL AND b.tpa IS NOT NULL)
               OR (g.ftm IS NULL AND b.ftm IS NOT NULL) OR (g.fta IS NULL AND b.fta IS NOT NULL)
           ) AS bdl_filled,
           b.src_lookup AS bdl_lookup, b.player_full_name AS bdl_name,
           greatest(g.processed_at, CASE WHEN b.canonical IS NOT NULL THEN b.processed_at END) AS box_processed_at
    FROM gamebook g
    LEFT JOIN bdl_linked b
      ON b.game_date = g.game_date AND b.team_abbr = g.team_abbr AND b.gamebook_canonical = g.canonical
    WHERE g.player_status = 'active'
    UNION ALL
    SELECT b.game_date, b.team_abbr, b.canonical, b.player_full_name, 'bdl_boxscores', b.source_game_id,
           b.source_game_id, b.season_year, NULL, NULL,
           b.minutes_dec, b.points, b.assists, b.oreb, b.dreb, b.steals, b.blocks, b.turnovers,
           b.personal_fouls, b.fgm, b.fga, b.tpm, b.tpa, b.ftm, b.fta,
           true, false, b.src_lookup, b.player_full_name, b.processed_at
    FROM bdl_linked b
    WHERE b.gamebook_canonical IS NULL
),
-- A BDL-only player whose name resolves nowhere (a nickname with no alias) is the play-by-play
-- shooter of his team-game whom no box row claims, when there is exactly one of each.
pbp_shooter_names AS (
    SELECT DISTINCT s.game_date, s.team_abbr, m.canonical
    FROM (
        SELECT DISTINCT game_date, team_abbr, player_1_lookup FROM bdb WHERE zone IS NOT NULL
        UNION
        SELECT DISTINCT game_date, team_abbr, player_1_lookup FROM nbac WHERE zone IS NOT NULL
    ) s
    JOIN spelling_map m ON m.spelling = player_lookup(s.player_1_lookup)
),
orphans AS (
    SELECT b.game_date, b.team_abbr, b.player_lookup AS unresolved, p.canonical
    FROM (
        SELECT game_date, team_abbr, player_lookup,
               count(*) OVER (PARTITION BY game_date, team_abbr) AS n
        FROM box_all
        WHERE box_source = 'bdl_boxscores'
          AND player_lookup NOT IN (SELECT canonical FROM spelling_map)
    ) b
    JOIN (
        SELECT p.*, count(*) OVER (PARTITION BY p.game_date, p.team_abbr) AS n
        FROM pbp_shooter_names p
        WHERE NOT EXISTS (SELECT 1 FROM box_all a
                          WHERE a.game_date = p.game_date AND a.team_abbr = p.team_abbr
                            AND a.player_lookup = p.canonical)
    ) p ON p.game_date = b.game_date AND p.team_abbr = b.team_abbr
    WHERE b.n = 1 AND p.n = 1
),
-- Played: minutes on the clock or a real box line (0:00 with a foul still counts); an 'active'
-- listing with neither is not a game played.
box AS MATERIALIZED (
    SELECT b.*,
           coalesce(s.game_id,
                    -- No schedule row: the same YYYYMMDD_AWAY_HOME form from the source id's teams
                    -- (canonical tricodes, in the source's order), one per game for both teams.
                    min(backcourt.game_id(b.game_date, b.id_away, b.id_home))
                        OVER (PARTITION BY b.game_date,
                              least(b.team_abbr, coalesce(s.opponent_team_abbr, b.id_opponent)),
                              greatest(b.team_abbr, coalesce(s.opponent_team_abbr, b.id_opponent)))) AS game_id,
           coalesce(s.opponent_team_abbr, b.id_opponent) AS opponent_team_abbr,
           coalesce(s.season_year, b.season_year,
                    CASE WHEN month(b.game_date) >= 10 THEN year(b.game_date) ELSE year(b.game_date) - 1 END)
               AS out_season_year,
           s.game_id IS NOT NULL AS scheduled, s.game_time_utc, s.team_score, s.opponent_score
    FROM (
        -- §3.2 item 4: the opponent from the id, whichever order its teams come in.
        SELECT *, CASE WHEN id_away = team_abbr THEN id_home ELSE id_away END AS id_opponent
        FROM (
            SELECT a.* REPLACE (coalesce(o.canonical, a.player_lookup) AS player_lookup),
                   coalesce(team_tricode(split_part(a.source_game_id, '_', 2)),
                            split_part(a.source_game_id, '_', 2)) AS id_away,
                   coalesce(team_tricode(split_part(a.source_game_id, '_', 3)),
                            split_part(a.source_game_id, '_', 3)) AS id_home
            FROM box_all a
            LEFT JOIN orphans o
              ON o.game_date = a.game_date AND o.team_abbr = a.team_abbr AND o.unresolved = a.player_lookup
             AND a.box_source = 'bdl_boxscores'
        )
        WHERE coalesce(minutes_dec, 0) > 0
           OR coalesce(points, 0) + coalesce(fga, 0) + coalesce(fta, 0) + coalesce(oreb, 0) + coalesce(dreb, 0)
              + coalesce(assists, 0) + coalesce(steals, 0) + coalesce(blocks, 0) + coalesce(turnovers, 0)
              + coalesce(personal_fouls, 0) > 0
    ) b
    LEFT JOIN schedule_side s ON s.game_date = b.game_date AND s.team_abbr = b.team_abbr
),
-- Every spelling of each player who played, scoped to his team-game, where it names him alone:
-- the source rows below join through it, so an ambiguous global spelling is settled locally.
game_spellings AS MATERIALIZED (
    SELECT game_date, team_abbr, spelling, player_lookup
    FROM (
        SELECT DISTINCT b.game_date, b.team_abbr, s.spelling, b.player_lookup
        FROM box b JOIN spellings s ON s.canonical = b.player_lookup
        UNION
        SELECT game_date, team_abbr, player_lookup(form), player_lookup
        FROM (
            SELECT game_date, team_abbr, player_lookup, unnest([
                player_lookup, bdl_lookup, player_full_name, bdl_name,
                regexp_replace(bdl_name, '[^\x00-\x7F]', '', 'g'),
                regexp_replace(regexp_replace(bdl_name, '[^\x00-\x7F]', '', 'g'), '[\s,]+(jr|sr|ii|iii|iv)\.?\s*$', '', 'i'),
                regexp_replace(player_full_name, '[\s,]+(jr|sr|ii|iii|iv)\.?\s*$', '', 'i'),
                regexp_replace(regexp_replace(player_full_name, '[^\x00-\x7F]', '', 'g'), '[\s,]+(jr|sr|ii|iii|iv)\.?\s*$', '', 'i')
            ]) AS form
            FROM box
        )
        WHERE form IS NOT NULL
    )
    WHERE spelling <> ''
    QUALIFY count(*) OVER (PARTITION BY game_date, team_abbr, spelling) = 1
),

-- ── Team totals for usage rate: team box score, else the sum of the team's players ─────────────
team_box AS (
    SELECT game_date, team_code(team_abbr) AS team_abbr,
           fg_attempted, ft_attempted, turnovers, points,
           CASE WHEN minutes LIKE '%:%' THEN try_cast(split_part(minutes, ':', 1) AS DOUBLE)
                                             + try_cast(split_part(minutes, ':', 2) AS DOUBLE) / 60
                ELSE try_cast(minutes AS DOUBLE) END AS minutes_dec
    FROM nba_raw.nbac_team_boxscore
    WHERE game_date BETWEEN $start_date AND $end_date
    QUALIFY row_number() OVER (PARTITION BY game_date, team_code(team_abbr)
                               ORDER BY processed_at DESC NULLS LAST, game_id) = 1
),
team_players AS (
    SELECT game_date, team_abbr, sum(fga) AS fga, sum(fta) AS fta, sum(turnovers) AS tov,
           sum(points) AS points,
           -- In player order: a sum of fractions depends on the order it adds them in.
           sum(minutes_dec ORDER BY player_lookup, minutes_dec) AS minutes_dec,
           count(*) FILTER (WHERE fga IS NULL OR fta IS NULL OR turnovers IS NULL) AS incomplete
    FROM box GROUP BY game_date, team_abbr
),
team_totals AS (
    SELECT coalesce(t.game_date, p.game_date) AS game_date, coalesce(t.team_abbr, p.team_abbr) AS team_abbr,
           CASE WHEN t.team_abbr IS NOT NULL THEN t.fg_attempted WHEN p.incomplete = 0 THEN p.fga END AS fga,
           CASE WHEN t.team_abbr IS NOT NULL THEN t.ft_attempted WHEN p.incomplete = 0 THEN p.fta END AS fta,
           CASE WHEN t.team_abbr IS NOT NULL THEN t.turnovers WHEN p.incomplete = 0 THEN p.tov END AS tov,
           coalesce(t.points, p.points) AS points,
           -- Team minutes (240 + 25 per overtime), so usage is right in overtime games where the
           -- later reference formula's fixed 48 is not.
           coalesce(t.minutes_dec,
                    240 + 25 * greatest(0, round((p.minutes_dec - 240) / 25))) AS minutes_dec,
           t.team_abbr IS NOT NULL AS from_team_box
    -- Full join: the opponent's box score decides win_flag even when none of its players has a row.
    FROM team_players p
    FULL JOIN team_box t ON t.game_date = p.game_date AND t.team_abbr = p.team_abbr
),

-- ── Shot zones per player (§3.3) ──────────────────────────────────────────────────────────────
-- Which team-games each feed covers, with its rows and freshness for the source columns.
pbp_games AS (
    SELECT 'bdb' AS feed, game_date, team_abbr, sum(n) AS rows_found, max(last) AS last_updated
    FROM (
        SELECT game_date, unnest([home, away]) AS team_abbr, n, last
        FROM (SELECT game_date, home, away, count(*) AS n, max(processed_at) AS last FROM bdb GROUP BY ALL)
    )
    WHERE team_abbr IS NOT NULL
    GROUP BY ALL
    UNION ALL
    SELECT 'nbac', game_date, team_abbr, sum(n), max(last)
    FROM (
        SELECT game_date, unnest([home, away]) AS team_abbr, n, last
        FROM (SELECT game_date, home, away, count(*) AS n, max(processed_at) AS last FROM nbac GROUP BY ALL)
    )
    WHERE team_abbr IS NOT NULL
    GROUP BY ALL
),
shooters AS (
    SELECT 'bdb' AS feed, game_date, team_abbr, player_1_lookup AS raw_lookup,
           count(zone) AS fga, count(*) FILTER (WHERE zone = 'paint') AS paint_att,
           count(*) FILTER (WHERE zone = 'paint' AND shot_made) AS paint_made,
           count(*) FILTER (WHERE zone = 'mid') AS mid_att,
           count(*) FILTER (WHERE zone = 'mid' AND shot_made) AS mid_made,
           count(*) FILTER (WHERE zone = 'unknown') AS unknown_att,
           count(*) FILTER (WHERE zone IS NOT NULL AND shot_made) AS fgm,
           count(*) FILTER (WHERE zone IS NOT NULL AND shot_made AND player_2_role = 'assist') AS assisted,
           count(*) FILTER (WHERE event_type = 'free throw' AND lower(event_subtype) = 'free throw 1/1') AS and1
    FROM bdb
    WHERE player_1_lookup IS NOT NULL AND team_abbr IS NOT NULL
      AND (zone IS NOT NULL OR event_type = 'free throw')
    GROUP BY ALL
    UNION ALL
    SELECT 'nbac', game_date, team_abbr, player_1_lookup,
           count(zone), count(*) FILTER (WHERE zone = 'paint'),
           count(*) FILTER (WHERE zone = 'paint' AND shot_made),
           count(*) FILTER (WHERE zone = 'mid'), count(*) FILTER (WHERE zone = 'mid' AND shot_made),
           count(*) FILTER (WHERE zone = 'unknown'), count(*) FILTER (WHERE zone IS NOT NULL AND shot_made),
           NULL, NULL
    FROM nbac
    WHERE player_1_lookup IS NOT NULL AND team_abbr IS NOT NULL AND zone IS NOT NULL
    GROUP BY ALL
),
shooter_stats AS MATERIALIZED (
    SELECT s.feed, gs.game_date, gs.team_abbr, gs.player_lookup,
           sum(fga) AS fga, sum(paint_att) AS paint_att, sum(paint_made) AS paint_made,
           sum(mid_att) AS mid_att, sum(mid_made) AS mid_made, sum(unknown_att) AS unknown_att,
           sum(fgm) AS fgm, sum(assisted) AS assisted, sum(and1) AS and1
    FROM shooters s
    JOIN game_spellings gs
      ON gs.game_date = s.game_date AND gs.team_abbr = s.team_abbr
     AND gs.spelling = player_lookup(s.raw_lookup)
    GROUP BY ALL
),
-- Blocks are credited to the blocker (player 2), on the team the shooter played against.
blocker_stats AS (
    SELECT gs.game_date, gs.team_abbr, gs.player_lookup,
           count(*) FILTER (WHERE zone = 'paint') AS paint_blk,
           count(*) FILTER (WHERE zone = 'mid') AS mid_blk,
           count(*) FILTER (WHERE zone = 'three') AS three_blk,
           count(*) FILTER (WHERE zone = 'unknown') AS unknown_blk
    FROM (
        SELECT game_date, zone, player_2_lookup,
               CASE WHEN team_abbr = home THEN away WHEN team_abbr = away THEN home END AS team_abbr
        FROM bdb
        WHERE player_2_role = 'block' AND player_2_lookup IS NOT NULL AND zone IS NOT NULL
    ) k
    JOIN game_spellings gs
      ON gs.game_date = k.game_date AND gs.team_abbr = k.team_abbr
     AND gs.spelling = player_lookup(k.player_2_lookup)
    GROUP BY ALL
),

-- ── Props (§3.2 item 3, §10 item 3): the last pre-tip snapshot, from the one line picker ───────
-- (sql/backcourt/pregame_lines.sql: cutoff, bookmaker priority, ties, BettingPros fallback). Prop
-- names are resolved against every player the gamebook lists and the players of this box score;
-- upcoming_player_game_context passes the same set (the gamebook's and this table's rows), so
-- the two tables read every prop name alike and agree on every line.
line_candidates AS (
    SELECT game_date, team_abbr, player_lookup, name FROM backcourt.listed_players($start_date, $end_date)
    UNION ALL
    SELECT game_date, team_abbr, player_lookup, player_full_name FROM box
),
lines AS MATERIALIZED (
    SELECT * FROM backcourt.pregame_lines('line_candidates', $start_date, $end_date, $as_of)
),
odds_seen AS (
    SELECT game_date, team_abbr, sum(odds_rows) AS rows_found, max(odds_last) AS last_updated
    FROM lines WHERE odds_rows > 0 GROUP BY ALL
),
bettingpros_seen AS (
    SELECT game_date, team_abbr, sum(bp_rows) AS rows_found, max(bp_last) AS last_updated
    FROM lines WHERE bp_rows > 0 GROUP BY ALL
),

-- ── Registry (§0.2): the same season and team first; unresolved players keep their row ───────
registry AS (
    SELECT b.game_date, b.team_abbr, b.player_lookup, r.universal_player_id
    FROM box b
    JOIN nba_reference.nba_players_registry r ON player_lookup(r.player_lookup) = b.player_lookup
    WHERE r.universal_player_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY b.game_date, b.team_abbr, b.player_lookup
                               ORDER BY r.season_year = b.out_season_year
                                        AND team_code(r.team_abbr) = b.team_abbr DESC,
                                        r.season_year = b.out_season_year DESC, r.universal_player_id) = 1
),

-- ── Per-team source counts for the source-tracking columns (§1 item 4) ──────────────────────────
gamebook_seen AS (
    SELECT game_date, team_abbr, count(*) AS rows_found, max(processed_at) AS last_updated
    FROM gamebook_rows GROUP BY ALL
),
bdl_seen AS (
    SELECT game_date, team_abbr, count(*) AS rows_found, max(processed_at) AS last_updated
    FROM bdl_rows GROUP BY ALL
),

-- ── One row per player-game ───────────────────────────────────────────────────────────────────
joined AS (
    SELECT b.*,
           r.universal_player_id,
           -- §3.2 item 5 had BigDataBall only; NBA.com play-by-play is the per-game fallback.
           CASE WHEN pb.team_abbr IS NOT NULL THEN 'bdb' WHEN pn.team_abbr IS NOT NULL THEN 'nbac' END AS zone_feed,
           sb.fga AS bdb_fga, sn.fga AS nbac_fga,
           CASE WHEN pb.team_abbr IS NOT NULL THEN sb ELSE sn END AS shots,
           CASE WHEN pb.team_abbr IS NOT NULL THEN k END AS blk,
           pb.rows_found AS bdb_rows, pb.last_updated AS bdb_last,
           pn.rows_found AS nbac_pbp_rows, pn.last_updated AS nbac_pbp_last,
           CASE WHEN ln.line_feed = 'odds_api' THEN ln.points_line_source END AS odds_book,
           CASE WHEN ln.line_feed = 'odds_api' THEN ln.points_line END AS odds_line,
           CASE WHEN ln.line_feed = 'odds_api' THEN ln.opening_line END AS odds_opening,
           CASE WHEN ln.line_feed = 'bettingpros' THEN ln.points_line_source END AS bp_book,
           ln.bp_points_line AS bp_line,
           CASE WHEN ln.line_feed = 'bettingpros' THEN ln.opening_line END AS bp_opening,
           ln.tip_source AS line_tip_source, ln.name_method AS line_name_method,
           tt.fga AS team_fga, tt.fta AS team_fta, tt.tov AS team_tov, tt.minutes_dec AS team_minutes,
           tt.points AS team_points_box, ot.points AS opponent_points_box, tt.from_team_box,
           coalesce(gs1.rows_found, 0) + coalesce(gs2.rows_found, 0) AS gb_rows,
           greatest(gs1.last_updated, gs2.last_updated) AS gb_last,
           coalesce(ls1.rows_found, 0) + coalesce(ls2.rows_found, 0) AS bdl_rows,
           greatest(ls1.last_updated, ls2.last_updated) AS bdl_last,
           coalesce(os1.rows_found, 0) + coalesce(os2.rows_found, 0) AS odds_rows,
           greatest(os1.last_updated, os2.last_updated) AS odds_last,
           coalesce(ps1.rows_found, 0) + coalesce(ps2.rows_found, 0) AS bp_rows,
           greatest(ps1.last_updated, ps2.last_updated) AS bp_last,
           n.opening_night
    FROM box b
    LEFT JOIN registry r USING (game_date, team_abbr, player_lookup)
    LEFT JOIN pbp_games pb ON pb.feed = 'bdb' AND pb.game_date = b.game_date AND pb.team_abbr = b.team_abbr
    LEFT JOIN pbp_games pn ON pn.feed = 'nbac' AND pn.game_date = b.game_date AND pn.team_abbr = b.team_abbr
    LEFT JOIN shooter_stats sb
      ON sb.feed = 'bdb' AND sb.game_date = b.game_date AND sb.team_abbr = b.team_abbr AND sb.player_lookup = b.player_lookup
    LEFT JOIN shooter_stats sn
      ON sn.feed = 'nbac' AND sn.game_date = b.game_date AND sn.team_abbr = b.team_abbr AND sn.player_lookup = b.player_lookup
    LEFT JOIN blocker_stats k USING (game_date, team_abbr, player_lookup)
    LEFT JOIN lines ln USING (game_date, team_abbr, player_lookup)
    LEFT JOIN team_totals tt USING (game_date, team_abbr)
    LEFT JOIN team_totals ot ON ot.game_date = b.game_date AND ot.team_abbr = b.opponent_team_abbr
    LEFT JOIN gamebook_seen gs1 USING (game_date, team_abbr)
    LEFT JOIN gamebook_seen gs2 ON gs2.game_date = b.game_date AND gs2.team_abbr = b.opponent_team_abbr
    LEFT JOIN bdl_seen ls1 USING (game_date, team_abbr)
    LEFT JOIN bdl_seen ls2 ON ls2.game_date = b.game_date AND ls2.team_abbr = b.opponent_team_abbr
    LEFT JOIN odds_seen os1 USING (game_date, team_abbr)
    LEFT JOIN odds_seen os2 ON os2.game_date = b.game_date AND os2.team_abbr = b.opponent_team_abbr
    LEFT JOIN bettingpros_seen ps1 USING (game_date, team_abbr)
    LEFT JOIN bettingpros_seen ps2 ON ps2.game_date = b.game_date AND ps2.team_abbr = b.opponent_team_abbr
    LEFT JOIN opening_nights n ON n.season_year = b.out_season_year
),
-- A player with no shot in a covered game has zero zone attempts, not unknown ones. His
-- play-by-play shots must account for his box-score FGA: when they do not (a name no source
-- resolves), the shot columns are NULL rather than a wrong count.
shot_check AS (
    SELECT j.*,
           CASE WHEN zone_feed IS NOT NULL THEN coalesce(shots.fga, 0) END AS pbp_fga,
           CASE WHEN zone_feed IS NOT NULL THEN coalesce(shots.unknown_att, 0) END AS unknown_att,
           zone_feed IS NOT NULL AND (fga IS NULL OR coalesce(shots.fga, 0) = fga) AS shots_ok
    FROM joined j
),
derived AS (
    SELECT c.*,
           CASE WHEN shots_ok AND unknown_att = 0 THEN coalesce(shots.paint_att, 0) END AS paint_attempts,
           CASE WHEN shots_ok AND unknown_att = 0 THEN coalesce(shots.paint_made, 0) END AS paint_makes,
           CASE WHEN shots_ok AND unknown_att = 0 THEN coalesce(shots.mid_att, 0) END AS mid_range_attempts,
           CASE WHEN shots_ok AND unknown_att = 0 THEN coalesce(shots.mid_made, 0) END AS mid_range_makes,
           -- Blocks, assists and and-ones need BigDataBall's second player and free-throw subtypes.
           CASE WHEN zone_feed = 'bdb' AND coalesce(blk.unknown_blk, 0) = 0 THEN coalesce(blk.paint_blk, 0) END AS paint_blocks,
           CASE WHEN zone_feed = 'bdb' AND coalesce(blk.unknown_blk, 0) = 0 THEN coalesce(blk.mid_blk, 0) END AS mid_range_blocks,
           CASE WHEN zone_feed = 'bdb' THEN coalesce(blk.three_blk, 0) END AS three_pt_blocks,
           CASE WHEN zone_feed = 'bdb' AND shots_ok THEN coalesce(shots.and1, 0) END AS and1_count,
           CASE WHEN zone_feed = 'bdb' AND shots_ok THEN coalesce(shots.assisted, 0) END AS assisted_fg_makes,
           CASE WHEN zone_feed = 'bdb' AND shots_ok THEN coalesce(shots.fgm, 0) - coalesce(shots.assisted, 0) END AS unassisted_fg_makes,
           coalesce(odds_line, bp_line) AS points_line,
           CASE WHEN odds_line IS NOT NULL THEN odds_opening ELSE bp_opening END AS opening_line,
           CASE WHEN odds_line IS NOT NULL THEN odds_book WHEN bp_line IS NOT NULL THEN bp_book END AS points_line_source,
           CASE WHEN odds_line IS NOT NULL THEN odds_book WHEN bp_opening IS NOT NULL THEN bp_book END AS opening_line_source
    FROM shot_check c
),
graded AS (
    SELECT d.*,
           list_sort(list_filter([
               CASE WHEN box_source = 'bdl_boxscores' THEN 'backup_source_used' END,
               CASE WHEN bdl_filled THEN 'box_columns_from_bdl' END,
               CASE WHEN points IS NULL THEN 'missing_required' END,
               CASE WHEN zone_feed IS NULL THEN 'shot_zones_unavailable' END,
               CASE WHEN zone_feed = 'nbac' THEN 'shot_zones_from_nbac_pbp' END,
               CASE WHEN unknown_att > 0 THEN 'shot_distance_unknown' END,
               CASE WHEN zone_feed IS NOT NULL AND NOT shots_ok THEN 'pbp_box_mismatch' END,
               CASE WHEN universal_player_id IS NULL THEN 'registry_unresolved' END,
               CASE WHEN NOT scheduled THEN 'schedule_missing' END
           ], x -> x IS NOT NULL)) AS issues,
           list_sort(list_filter([
               box_source,
               CASE WHEN bdl_filled THEN 'bdl_boxscores' END,
               CASE zone_feed WHEN 'bdb' THEN 'bigdataball_pbp' WHEN 'nbac' THEN 'nbac_pbp' END,
               CASE WHEN odds_line IS NOT NULL THEN 'odds_api'
                    WHEN bp_line IS NOT NULL THEN 'bettingpros' END,
               CASE WHEN scheduled THEN 'nbac_schedule' END,
               CASE WHEN from_team_box THEN 'nbac_team_boxscore' END
           ], x -> x IS NOT NULL)) AS sources,
           -- The weakest part decides: box score (gamebook 100, BDL 85 as §1's fallback config),
           -- zones (BigDataBall 100, NBA.com 85, distances unknown 75, none or unmatched 70), identity
           -- (unresolved 70), points (none: 0).
           CASE WHEN points IS NULL THEN 0
                ELSE least(CASE WHEN box_source = 'bdl_boxscores' THEN 85 ELSE 100 END,
                           CASE WHEN zone_feed IS NULL OR NOT shots_ok THEN 70 WHEN unknown_att > 0 THEN 75
                                WHEN zone_feed = 'nbac' THEN 85 ELSE 100 END,
                           CASE WHEN universal_player_id IS NULL THEN 70 ELSE 100 END)
           END AS score
    FROM derived d
),
final AS (
    SELECT
        player_lookup, universal_player_id, player_full_name, game_id, game_date, team_abbr,
        opponent_team_abbr, out_season_year AS season_year,
        points, round(minutes_dec, 2) AS minutes_played, assists,
        oreb AS offensive_rebounds, dreb AS defensive_rebounds, steals, blocks, turnovers,
        personal_fouls, plus_minus,
        fga AS fg_attempts, fgm AS fg_makes, tpa AS three_pt_attempts, tpm AS three_pt_makes,
        fta AS ft_attempts, ftm AS ft_makes,
        paint_attempts, paint_makes, mid_range_attempts, mid_range_makes,
        paint_blocks, mid_range_blocks, three_pt_blocks, and1_count,
        assisted_fg_makes, unassisted_fg_makes,
        -- USG% = 100·(FGA + 0.44·FTA + TOV)·(team minutes / 5) / (MIN·(TmFGA + 0.44·TmFTA + TmTOV));
        -- the reference left it NULL (§10 item 3).
        CASE WHEN minutes_dec > 0 AND team_fga + 0.44 * team_fta + team_tov > 0 THEN
            round(100 * (fga + 0.44 * fta + turnovers) * (team_minutes / 5)
                  / (minutes_dec * (team_fga + 0.44 * team_fta + team_tov)), 2)
        END AS usage_rate,
        -- NULL only when there is no denominator; a real 0 stays 0 (the reference nulled it).
        CASE WHEN fga + 0.44 * fta > 0 THEN round(points / (2 * (fga + 0.44 * fta)), 3) END AS ts_pct,
        CASE WHEN fga > 0 THEN round((fgm + 0.5 * tpm) / fga, 3) END AS efg_pct,
        -- The gamebook's starter flag, not the reference's minutes > 20 proxy; NULL when unknown.
        starter AS starter_flag,
        -- The reference wrote FALSE for everyone (§10 item 3).
        CASE WHEN team_score IS NOT NULL AND opponent_score IS NOT NULL THEN team_score > opponent_score
             WHEN team_points_box IS NOT NULL AND opponent_points_box IS NOT NULL
                 THEN team_points_box > opponent_points_box
        END AS win_flag,
        points_line,
        CASE WHEN points_line IS NULL OR points IS NULL THEN NULL
             WHEN points > points_line THEN 'OVER' WHEN points < points_line THEN 'UNDER'
             ELSE 'PUSH' END AS over_under_result,
        round(points - points_line, 2) AS margin,
        opening_line,
        round(points_line - opening_line, 1) AS line_movement,
        opening_line_source, points_line_source,
        true AS is_active, 'active' AS player_status,
        gb_last AS source_nbac_last_updated,
        gb_rows AS source_nbac_rows_found,
        round(100.0 * count(*) FILTER (WHERE box_source = 'nbac_gamebook') OVER w / count(*) OVER w, 2)
            AS source_nbac_completeness_pct,
        left(md5(concat(gb_rows, ':', gb_last)), 16) AS source_nbac_hash,
        bdl_last AS source_bdl_last_updated, bdl_rows AS source_bdl_rows_found,
        round(100.0 * count(*) FILTER (WHERE in_bdl) OVER w / count(*) OVER w, 2) AS source_bdl_completeness_pct,
        left(md5(concat(bdl_rows, ':', bdl_last)), 16) AS source_bdl_hash,
        bdb_last AS source_bbd_last_updated, bdb_rows AS source_bbd_rows_found,
        -- Share of the game's field-goal attempts the feed's shots account for, once names resolve.
        round(least(100, 100.0 * sum(coalesce(bdb_fga, 0)) OVER w / nullif(sum(fga) OVER w, 0)), 2)
            AS source_bbd_completeness_pct,
        left(md5(concat(bdb_rows, ':', bdb_last)), 16) AS source_bbd_hash,
        nbac_pbp_last AS source_nbac_pbp_last_updated, nbac_pbp_rows AS source_nbac_pbp_rows_found,
        round(least(100, 100.0 * sum(coalesce(nbac_fga, 0)) OVER w / nullif(sum(fga) OVER w, 0)), 2)
            AS source_nbac_pbp_completeness_pct,
        left(md5(concat(nbac_pbp_rows, ':', nbac_pbp_last)), 16) AS source_nbac_pbp_hash,
        odds_last AS source_odds_last_updated, odds_rows AS source_odds_rows_found,
        round(100.0 * count(odds_line) OVER w / count(*) OVER w, 2) AS source_odds_completeness_pct,
        left(md5(concat(odds_rows, ':', odds_last)), 16) AS source_odds_hash,
        bp_last AS source_bp_last_updated, bp_rows AS source_bp_rows_found,
        round(100.0 * count(bp_line) OVER w / count(*) OVER w, 2) AS source_bp_completeness_pct,
        left(md5(concat(bp_rows, ':', bp_last)), 16) AS source_bp_hash,
        CASE WHEN score >= 95 THEN 'gold' WHEN score >= 75 THEN 'silver' WHEN score >= 50 THEN 'bronze'
             WHEN score >= 25 THEN 'poor' ELSE 'unusable' END AS quality_tier,
        box_source AS primary_source_used,
        len(issues) > 0 AS processed_with_issues,
        -- Zones are counted from play-by-play or left NULL, never estimated.
        false AS shot_zones_estimated,
        score::DOUBLE AS quality_score,
        to_json(issues)::VARCHAR AS quality_issues,
        to_json(sources)::VARCHAR AS data_sources,
        CAST(NULL AS INTEGER) AS quality_sample_size,
        box_source = 'bdl_boxscores' OR bdl_filled OR zone_feed = 'nbac'
            OR (odds_line IS NULL AND bp_line IS NOT NULL) AS quality_used_fallback,
        false AS quality_reconstructed,
        -- How the line's prop name was matched to this player and which tip-off cut it
        -- (sql/backcourt/pregame_lines.sql); NULL without a line.
        to_json({'sources_used': sources,
                 'early_season': coalesce(game_date < opening_night + INTERVAL 14 DAY, false),
                 'line_name_match': line_name_method,
                 'line_tip_source': line_tip_source})::VARCHAR
            AS quality_metadata,
        issues,
        greatest(box_processed_at, CASE zone_feed WHEN 'bdb' THEN bdb_last WHEN 'nbac' THEN nbac_pbp_last END)
            AS processed_at
    FROM graded
    WINDOW w AS (PARTITION BY game_id)
)
SELECT
    player_lookup, universal_player_id, player_full_name, game_id, game_date, team_abbr,
    opponent_team_abbr, season_year::INTEGER AS season_year,
    points, minutes_played, assists, offensive_rebounds, defensive_rebounds, steals, blocks,
    turnovers, personal_fouls, plus_minus, fg_attempts, fg_makes, three_pt_attempts,
    three_pt_makes, ft_attempts, ft_makes,
    paint_attempts::INTEGER AS paint_attempts, paint_makes::INTEGER AS paint_makes,
    mid_range_attempts::INTEGER AS mid_range_attempts, mid_range_makes::INTEGER AS mid_range_makes,
    paint_blocks::INTEGER AS paint_blocks, mid_range_blocks::INTEGER AS mid_range_blocks,
    three_pt_blocks::INTEGER AS three_pt_blocks, and1_count::INTEGER AS and1_count,
    assisted_fg_makes::INTEGER AS assisted_fg_makes, unassisted_fg_makes::INTEGER AS unassisted_fg_makes,
    usage_rate::DOUBLE AS usage_rate, ts_pct::DOUBLE AS ts_pct, efg_pct::DOUBLE AS efg_pct,
    starter_flag, win_flag,
    points_line::DOUBLE AS points_line, over_under_result, margin::DOUBLE AS margin,
    opening_line::DOUBLE AS opening_line, line_movement::DOUBLE AS line_movement,
    opening_line_source, points_line_source,
    is_active, player_status,
    -- A source absent from the game has all four columns NULL (§1 item 4).
    CASE WHEN source_nbac_rows_found > 0 THEN source_nbac_last_updated END AS source_nbac_last_updated,
    CASE WHEN source_nbac_rows_found > 0 THEN source_nbac_rows_found::INTEGER END AS source_nbac_rows_found,
    CASE WHEN source_nbac_rows_found > 0 THEN source_nbac_completeness_pct::DOUBLE END AS source_nbac_completeness_pct,
    CASE WHEN source_nbac_rows_found > 0 THEN source_nbac_hash END AS source_nbac_hash,
    CASE WHEN source_bdl_rows_found > 0 THEN source_bdl_last_updated END AS source_bdl_last_updated,
    CASE WHEN source_bdl_rows_found > 0 THEN source_bdl_rows_found::INTEGER END AS source_bdl_rows_found,
    CASE WHEN source_bdl_rows_found > 0 THEN source_bdl_completeness_pct::DOUBLE END AS source_bdl_completeness_pct,
    CASE WHEN source_bdl_rows_found > 0 THEN source_bdl_hash END AS source_bdl_hash,
    CASE WHEN source_bbd_rows_found > 0 THEN source_bbd_last_updated END AS source_bbd_last_updated,
    CASE WHEN source_bbd_rows_found > 0 THEN source_bbd_rows_found::INTEGER END AS source_bbd_rows_found,
    CASE WHEN source_bbd_rows_found > 0 THEN source_bbd_completeness_pct::DOUBLE END AS source_bbd_completeness_pct,
    CASE WHEN source_bbd_rows_found > 0 THEN source_bbd_hash END AS source_bbd_hash,
    CASE WHEN source_nbac_pbp_rows_found > 0 THEN source_nbac_pbp_last_updated END AS source_nbac_pbp_last_updated,
    CASE WHEN source_nbac_pbp_rows_found > 0 THEN source_nbac_pbp_rows_found::INTEGER END AS source_nbac_pbp_rows_found,
    CASE WHEN source_nbac_pbp_rows_found > 0 THEN source_nbac_pbp_completeness_pct::DOUBLE END AS source_nbac_pbp_completeness_pct,
    CASE WHEN source_nbac_pbp_rows_found > 0 THEN source_nbac_pbp_hash END AS source_nbac_pbp_hash,
    CASE WHEN source_odds_rows_found > 0 THEN source_odds_last_updated END AS source_odds_last_updated,
    CASE WHEN source_odds_rows_found > 0 THEN source_odds_rows_found::INTEGER END AS source_odds_rows_found,
    CASE WHEN source_odds_rows_found > 0 THEN source_odds_completeness_pct::DOUBLE END AS source_odds_completeness_pct,
    CASE WHEN source_odds_rows_found > 0 THEN source_odds_hash END AS source_odds_hash,
    CASE WHEN source_bp_rows_found > 0 THEN source_bp_last_updated END AS source_bp_last_updated,
    CASE WHEN source_bp_rows_found > 0 THEN source_bp_rows_found::INTEGER END AS source_bp_rows_found,
    CASE WHEN source_bp_rows_found > 0 THEN source_bp_completeness_pct::DOUBLE END AS source_bp_completeness_pct,
    CASE WHEN source_bp_rows_found > 0 THEN source_bp_hash END AS source_bp_hash,
    quality_tier AS data_quality_tier, primary_source_used, processed_with_issues,
    shot_zones_estimated,
    quality_tier, quality_score, quality_issues, data_sources, quality_sample_size,
    quality_used_fallback, quality_reconstructed,
    processed_at AS quality_calculated_at,
    quality_metadata,
    quality_tier IN ('gold', 'silver', 'bronze') AND quality_score >= 50
        AND NOT list_has_any(issues, ['all_sources_failed', 'missing_required', 'placeholder_created'])
        AS is_production_ready,
    quality_issues AS data_quality_issues,
    left(md5(CAST(row(
        player_lookup, universal_player_id, player_full_name, game_id, game_date, team_abbr,
        opponent_team_abbr, season_year, points, minutes_played, assists, offensive_rebounds,
        defensive_rebounds, steals, blocks, turnovers, personal_fouls, plus_minus, fg_attempts,
        fg_makes, three_pt_attempts, three_pt_makes, ft_attempts, ft_makes, paint_attempts,
        paint_makes, mid_range_attempts, mid_range_makes, paint_blocks, mid_range_blocks,
        three_pt_blocks, and1_count, assisted_fg_makes, unassisted_fg_makes, usage_rate, ts_pct,
        efg_pct, starter_flag, win_flag, points_line, over_under_result, margin, opening_line,
        line_movement, points_line_source, opening_line_source, is_active, player_status
    ) AS VARCHAR)), 16) AS data_hash,
    processed_at AS created_at,
    processed_at
FROM final
-- A source that files one player under both teams of a date must not break the grain; the
-- gamebook row wins.
QUALIFY row_number() OVER (PARTITION BY game_id, player_lookup
                           ORDER BY primary_source_used = 'nbac_gamebook' DESC, team_abbr) = 1
