-- nba_analytics.team_offense_game_summary
-- One row per (game_id, team_abbr) for each team of a played game (two per game); date column game_date.
-- Team box score, rebuilt from player rows (gamebook, BDL per player) when missing; zones from play-by-play.
-- Point in time: a row reads only its own game. Params: $start_date, $end_date (inclusive).
-- Spec: shared/spec/reference-phase3.md §4; each [BUG] fixed is pinned in tests/it/team_offense_game_summary.rs.
--
-- Every source is keyed on (game_date, team): a team plays at most once a date, and the raw game_id
-- strings disagree between feeds (system ids, some reversed HOME_AWAY; §0.1, §10 items 1 and 5). The
-- output game_id is the system id built from the schedule row, nba_game_id its NBA.com id.
-- Uses: backcourt.games, backcourt.player_spelling_map.
WITH
-- The calendar: games that were not postponed (§9; reference-ops: "expected" is the schedule).
schedule AS (
    -- The calendar's games (sql/backcourt/games.sql), keyed by the one id across Phase 3
    -- (reference §10.1): never a feed's raw id, which may be reversed.
    SELECT game_id, nba_game_id, game_date, season_year, game_status, processed_at, home, away,
           home_team_score, away_team_score
    FROM backcourt.games
    WHERE game_date BETWEEN $start_date AND $end_date
),
team_games AS MATERIALIZED (
    SELECT * FROM (
        SELECT game_id, nba_game_id, game_date, season_year, game_status,
               processed_at AS schedule_processed_at,
               home AS team_abbr, away AS opponent_team_abbr, true AS home_game,
               home_team_score AS schedule_points, away_team_score AS schedule_opp_points
        FROM schedule
        UNION ALL
        SELECT game_id, nba_game_id, game_date, season_year, game_status, processed_at,
               away, home, false, away_team_score, home_team_score
        FROM schedule
    )
    -- A team plays once a date; a schedule listing it twice keeps its final game.
    QUALIFY row_number() OVER (
        PARTITION BY game_date, team_abbr
        ORDER BY (game_status = 3) DESC NULLS LAST, nba_game_id) = 1
),

-- §4.2 item 1: the team box score. A feed delivering a team-game twice (e.g. under a reversed id)
-- keeps its newest row.
box_raw AS MATERIALIZED (
    SELECT *, team_code(team_abbr) AS team
    FROM nba_raw.nbac_team_boxscore
    WHERE game_date BETWEEN $start_date AND $end_date
),
box_tracking AS (
    SELECT game_date, team, count(*) AS rows_found, max(processed_at) AS last_updated,
           string_agg(CAST(row(game_id, team_abbr, minutes, fg_made, fg_attempted, three_pt_made,
                                three_pt_attempted, ft_made, ft_attempted, offensive_rebounds,
                                defensive_rebounds, total_rebounds, assists, steals, blocks, turnovers,
                                personal_fouls, points, plus_minus) AS VARCHAR),
                      '|' ORDER BY game_id, processed_at) AS content
    FROM box_raw
    GROUP BY ALL
),
box_line AS (
    SELECT game_date, team AS team_abbr, 1 AS priority, 'nbac_team_boxscore' AS source,
           ['nbac_team_boxscore'] AS sources, processed_at AS last_updated,
           points, fg_attempted AS fga, fg_made AS fgm, three_pt_attempted AS tpa,
           three_pt_made AS tpm, ft_attempted AS fta, ft_made AS ftm,
           offensive_rebounds AS oreb, total_rebounds AS reb, assists AS ast, turnovers AS tov,
           personal_fouls AS pf,
           -- §4.3: minutes '265:00' is 240 + 25 per overtime period. Missing minutes are unknown,
           -- not regulation (the reference defaulted them to 240).
           CASE WHEN try_cast(split_part(minutes, ':', 1) AS INTEGER) >= 200
                THEN greatest(0, round((try_cast(split_part(minutes, ':', 1) AS INTEGER) - 240) / 25.0))
           END::INTEGER AS overtime_periods
    FROM box_raw
    QUALIFY row_number() OVER (
        PARTITION BY game_date, team ORDER BY processed_at DESC NULLS LAST, game_id) = 1
),

-- §4.2 item 2: player rows, to rebuild a missing team box score. One normaliser plus the alias
-- table on every source (§10 item 2), so a player spelt two ways is one player.
-- Spelling -> canonical lookup, shared by every model (sql/backcourt/player_spellings.sql).
aliases AS MATERIALIZED (SELECT spelling AS alias, canonical FROM backcourt.player_spelling_map),
gamebook_keyed AS (
    SELECT *, team_code(team_abbr) AS team,
           player_lookup(coalesce(player_lookup, player_name)) AS raw_lookup
    FROM nba_raw.nbac_gamebook_player_stats
    WHERE game_date BETWEEN $start_date AND $end_date
),
gamebook AS MATERIALIZED (
    SELECT g.game_date, g.team AS team_abbr, coalesce(a.canonical, g.raw_lookup) AS lookup,
           lower(trim(g.player_status)) AS status, g.minutes, g.points,
           g.field_goals_attempted AS fga, g.field_goals_made AS fgm,
           g.three_pointers_attempted AS tpa, g.three_pointers_made AS tpm,
           g.free_throws_attempted AS fta, g.free_throws_made AS ftm,
           g.offensive_rebounds AS oreb, g.total_rebounds AS reb, g.assists AS ast,
           g.turnovers AS tov, g.personal_fouls AS pf, g.processed_at, g.game_id
    FROM gamebook_keyed g
    LEFT JOIN aliases a ON a.alias = g.raw_lookup
    QUALIFY row_number() OVER (
        PARTITION BY g.game_date, g.team, coalesce(a.canonical, g.raw_lookup)
        ORDER BY (lower(trim(g.player_status)) = 'active') DESC NULLS LAST,
                 g.processed_at DESC NULLS LAST, g.game_id) = 1
),
bdl_keyed AS (
    SELECT *, team_code(team_abbr) AS team,
           player_lookup(coalesce(player_full_name, player_lookup)) AS name_lookup,
           player_lookup(coalesce(player_lookup, player_full_name)) AS source_lookup
    FROM nba_raw.bdl_player_boxscores
    WHERE game_date BETWEEN $start_date AND $end_date
),
bdl AS MATERIALIZED (
    SELECT b.game_date, b.team AS team_abbr,
           coalesce(a1.canonical, b.name_lookup) AS lookup,
           coalesce(a2.canonical, b.source_lookup) AS lookup_alt,
           'active' AS status, b.minutes, b.points,
           -- BDL carries the attempts and offensive rebounds; the reference dropped them (§10 item 3).
           b.field_goals_attempted AS fga, b.field_goals_made AS fgm,
           b.three_pointers_attempted AS tpa, b.three_pointers_made AS tpm,
           b.free_throws_attempted AS fta, b.free_throws_made AS ftm,
           b.offensive_rebounds AS oreb, b.rebounds AS reb, b.assists AS ast,
           b.turnovers AS tov, b.personal_fouls AS pf, b.processed_at, b.game_id
    FROM bdl_keyed b
    LEFT JOIN aliases a1 ON a1.alias = b.name_lookup
    LEFT JOIN aliases a2 ON a2.alias = b.source_lookup
    -- The same player under a normal and a reversed id is one row (§10 item 5).
    QUALIFY row_number() OVER (
        PARTITION BY b.game_date, b.team, coalesce(a1.canonical, b.name_lookup)
        ORDER BY b.processed_at DESC NULLS LAST, b.game_id) = 1
),
bdl_matched AS (
    SELECT b.*, EXISTS (
        SELECT 1 FROM gamebook g
        WHERE g.game_date = b.game_date AND g.team_abbr = b.team_abbr
          AND g.lookup IN (b.lookup, b.lookup_alt)) AS in_gamebook
    FROM bdl b
),
-- BDL fills players the gamebook does not list (per player, not per game: §10 item 3). When
-- both sides also hold players the other lacks, the difference is a spelling the aliases miss,
-- not a missing player, and adding BDL's would count someone twice.
gamebook_unmatched AS (
    SELECT g.game_date, g.team_abbr, count(*) AS n
    FROM gamebook g
    WHERE g.status = 'active'
      AND EXISTS (SELECT 1 FROM bdl b WHERE b.game_date = g.game_date AND b.team_abbr = g.team_abbr)
      AND NOT EXISTS (
          SELECT 1 FROM bdl b
          WHERE b.game_date = g.game_date AND b.team_abbr = g.team_abbr
            AND g.lookup IN (b.lookup, b.lookup_alt))
    GROUP BY ALL
),
player_rows AS (
    SELECT 'nbac_gamebook_player_stats' AS source, game_date, team_abbr, lookup, minutes, points,
           fga, fgm, tpa, tpm, fta, ftm, oreb, reb, ast, tov, pf, processed_at, game_id
    FROM gamebook
    WHERE status = 'active'
    UNION ALL
    SELECT 'bdl_player_boxscores', b.game_date, b.team_abbr, b.lookup, b.minutes, b.points,
           b.fga, b.fgm, b.tpa, b.tpm, b.fta, b.ftm, b.oreb, b.reb, b.ast, b.tov, b.pf,
           b.processed_at, b.game_id
    FROM bdl_matched b
    LEFT JOIN gamebook_unmatched u USING (game_date, team_abbr)
    WHERE NOT b.in_gamebook AND u.n IS NULL
),
-- A team total is known only when every player's value is (NULL is not zero; the reference
-- COALESCEd to 0).
reconstructed_line AS (
    SELECT game_date, team_abbr, 2 AS priority, 'reconstructed_team_from_players' AS source,
           list_sort(list_distinct(list(source))) AS sources, max(processed_at) AS last_updated,
           CASE WHEN count(points) = count(*) THEN sum(points) END AS points,
           CASE WHEN count(fga) = count(*) THEN sum(fga) END AS fga,
           CASE WHEN count(fgm) = count(*) THEN sum(fgm) END AS fgm,
           CASE WHEN count(tpa) = count(*) THEN sum(tpa) END AS tpa,
           CASE WHEN count(tpm) = count(*) THEN sum(tpm) END AS tpm,
           CASE WHEN count(fta) = count(*) THEN sum(fta) END AS fta,
           CASE WHEN count(ftm) = count(*) THEN sum(ftm) END AS ftm,
           CASE WHEN count(oreb) = count(*) THEN sum(oreb) END AS oreb,
           CASE WHEN count(reb) = count(*) THEN sum(reb) END AS reb,
           CASE WHEN count(ast) = count(*) THEN sum(ast) END AS ast,
           CASE WHEN count(tov) = count(*) THEN sum(tov) END AS tov,
           CASE WHEN count(pf) = count(*) THEN sum(pf) END AS pf,
           -- Player minutes add up to 240 + 25 per overtime (BDL's whole minutes round a little).
           CASE WHEN sum(seconds) >= 200 * 60
                THEN greatest(0, round((sum(seconds) / 60.0 - 240) / 25.0))::INTEGER END
               AS overtime_periods
    FROM (
        SELECT *,
               CASE WHEN contains(minutes, ':')
                    THEN try_cast(split_part(minutes, ':', 1) AS INTEGER) * 60
                         + try_cast(split_part(minutes, ':', 2) AS INTEGER)
                    ELSE round(try_cast(minutes AS DOUBLE) * 60) END AS seconds
        FROM player_rows
    )
    GROUP BY game_date, team_abbr
    HAVING count(*) >= 5
),
-- The first source of the chain that has the team-game (§1 fallback chain `team_boxscores`).
team_line AS MATERIALIZED (
    SELECT * FROM (SELECT * FROM box_line UNION ALL BY NAME SELECT * FROM reconstructed_line)
    QUALIFY row_number() OVER (PARTITION BY game_date, team_abbr ORDER BY priority) = 1
),
inactive AS (
    SELECT game_date, team_abbr, count(*) FILTER (WHERE status = 'inactive') AS players_inactive
    FROM gamebook
    GROUP BY ALL
),

-- Play-by-play: BigDataBall first, NBA.com as fallback, attributed to a team-game by
-- (game_date, acting team).
pbp AS (
    SELECT 'bigdataball' AS src, game_id, game_date, event_sequence, period,
           team_code(player_1_team_abbr) AS team,
           lower(event_type) AS event_type, lower(event_subtype) AS event_subtype,
           upper(shot_type) AS shot_type, shot_made, shot_distance, processed_at
    FROM nba_raw.bigdataball_play_by_play
    WHERE game_date BETWEEN $start_date AND $end_date
    UNION ALL
    SELECT 'nbac', game_id, game_date, event_sequence, period,
           team_code(player_1_team_abbr),
           lower(event_type), NULL, upper(shot_type), shot_made, shot_distance, processed_at
    FROM nba_raw.nbac_play_by_play
    WHERE game_date BETWEEN $start_date AND $end_date
),
-- One delivery per source and team-game: a feed holding a game twice (say, also under a reversed
-- id) keeps one copy of its events.
deliveries AS MATERIALIZED (
    SELECT d.*, tg.nba_game_id
    FROM (SELECT src, game_date, team, min(game_id) AS game_id FROM pbp GROUP BY ALL) d
    JOIN team_games tg ON tg.game_date = d.game_date AND tg.team_abbr = d.team
),
-- Events both teams share (second chance, periods) come from one source per game: BigDataBall
-- when it has the game (`min`: 'bigdataball' sorts before 'nbac').
game_source AS MATERIALIZED (
    SELECT nba_game_id, min(src) AS src FROM deliveries GROUP BY 1
),
events AS MATERIALIZED (
    SELECT d.nba_game_id, p.*,
           -- A field goal is a 2PT/3PT shot: BigDataBall says 'shot', NBA.com 'fieldgoal' (the
           -- reference's TDGS fallback looked for 'shot'/'miss'/'made' and found nothing, §10 item 5).
           coalesce(p.shot_type IN ('2PT', '3PT'), p.event_type IN ('shot', 'fieldgoal')) AS is_fga,
           coalesce(p.shot_type = 'FT', p.event_type IN ('free throw', 'freethrow')) AS is_ft,
           (gs.src = p.src) AS from_game_source
    FROM pbp p
    JOIN deliveries d USING (src, game_date, team, game_id)
    JOIN game_source gs ON gs.nba_game_id = d.nba_game_id
),
zone_counts AS MATERIALIZED (
    SELECT src, nba_game_id, team AS team_abbr,
           count(*) AS fga,
           count(*) FILTER (WHERE zone = 'paint') AS paint_attempts,
           count(*) FILTER (WHERE zone = 'paint' AND shot_made) AS paint_makes,
           count(*) FILTER (WHERE zone = 'mid_range') AS mid_range_attempts,
           count(*) FILTER (WHERE zone = 'mid_range' AND shot_made) AS mid_range_makes,
           count(*) FILTER (WHERE zone = 'unknown') AS unknown_attempts
    FROM (
        SELECT *,
               CASE
                   WHEN shot_type = '3PT' OR (shot_type IS NULL AND (event_subtype LIKE '%3pt%'
                                                                     OR shot_distance >= 23.75))
                       THEN 'three'
                   -- NBA.com writes 0.0 when the feed had no coordinates: unknown, not paint
                   -- (§10 item 5).
                   WHEN shot_distance IS NULL OR (src = 'nbac' AND shot_distance = 0) THEN 'unknown'
                   WHEN shot_distance <= 8.0 THEN 'paint'
                   ELSE 'mid_range'
               END AS zone
        FROM events
        WHERE is_fga
    )
    GROUP BY ALL
),
-- A source gives zones for a team-game only when every two-point attempt has a distance: counts
-- over the known shots alone would look real and be too low. Zones are computed whenever the
-- play-by-play exists, in every mode (the reference skipped them in backfills, §10 item 5).
zones AS (
    SELECT * FROM zone_counts
    WHERE fga > 0 AND unknown_attempts = 0
    QUALIFY row_number() OVER (PARTITION BY nba_game_id, team_abbr ORDER BY src) = 1
),
-- A possession ends when the other team acts, after a turnover, or after a made field goal
-- (an and-one free throw stays with the shot). Points scored after an offensive rebound (a
-- rebound by the team that just missed) within the same possession are second-chance points.
game_events AS (
    SELECT *,
           row_number() OVER w AS n,
           lag(team) OVER w IS DISTINCT FROM team
               OR coalesce(lag(event_type = 'turnover') OVER w, false)
               OR (coalesce(lag(is_fga AND shot_made) OVER w, false) AND NOT is_ft) AS starts_possession,
           event_type = 'rebound' AND lag(team) OVER w = team
               AND coalesce(lag((is_fga OR is_ft) AND NOT shot_made) OVER w, false) AS offensive_rebound
    FROM events
    WHERE from_game_source
    WINDOW w AS (PARTITION BY nba_game_id ORDER BY event_sequence, team, event_type)
),
second_chance AS (
    SELECT nba_game_id, team AS team_abbr,
           sum(CASE WHEN last_offensive_rebound > possession_start AND shot_made
                    THEN CASE WHEN is_ft THEN 1 WHEN shot_type = '3PT' THEN 3
                              WHEN is_fga THEN 2 ELSE 0 END
                    ELSE 0 END) AS points
    FROM (
        SELECT *,
               max(CASE WHEN starts_possession THEN n END) OVER w AS possession_start,
               coalesce(max(CASE WHEN offensive_rebound THEN n END) OVER (
                   w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS last_offensive_rebound
        FROM game_events
        WINDOW w AS (PARTITION BY nba_game_id ORDER BY n)
    )
    GROUP BY ALL
),
game_pbp AS (
    SELECT nba_game_id, src, count(*) AS rows_found, max(processed_at) AS last_updated,
           max(period) AS max_period,
           -- An order-free digest of the events used.
           printf('%016x', bit_xor(md5_number_lower(CAST(row(
               team, event_sequence, period, event_type, event_subtype, shot_type, shot_made,
               shot_distance) AS VARCHAR)))) AS hash
    FROM events
    WHERE from_game_source
    GROUP BY ALL
),

joined AS (
    SELECT tg.*, t.source, t.sources, t.priority,
           t.points, t.fga, t.fgm, t.tpa, t.tpm, t.fta, t.ftm, t.oreb, t.reb, t.ast, t.tov, t.pf,
           o.points AS opp_points,
           -- Overtime: a team box score's minutes, then the play-by-play's periods, then player
           -- minutes (§4.3; the reference's TDGS wrote 0, §10 item 5).
           coalesce(CASE WHEN t.priority = 1 THEN t.overtime_periods END,
                    CASE WHEN o.priority = 1 THEN o.overtime_periods END,
                    CASE WHEN gp.max_period >= 4 THEN gp.max_period - 4 END,
                    t.overtime_periods, o.overtime_periods) AS overtime_periods,
           z.src AS zone_src, z.paint_attempts, z.paint_makes, z.mid_range_attempts, z.mid_range_makes,
           CASE WHEN gp.src IS NOT NULL THEN coalesce(sc.points, 0) END AS second_chance_points,
           i.players_inactive,
           coalesce(bt.rows_found, 0) + coalesce(bo.rows_found, 0) AS box_rows_found,
           greatest(bt.last_updated, bo.last_updated) AS box_last_updated,
           CASE WHEN bt.content IS NOT NULL OR bo.content IS NOT NULL THEN
               left(md5(concat_ws('#',
                   CASE WHEN tg.home_game THEN bt.content ELSE bo.content END,
                   CASE WHEN tg.home_game THEN bo.content ELSE bt.content END)), 16) END AS box_hash,
           gp.src AS pbp_src, gp.rows_found AS pbp_rows_found, gp.last_updated AS pbp_last_updated,
           gp.hash AS pbp_hash, zt.fga AS pbp_fga,
           greatest(t.last_updated, o.last_updated, tg.schedule_processed_at, gp.last_updated)
               AS inputs_processed_at
    FROM team_games tg
    JOIN team_line t ON t.game_date = tg.game_date AND t.team_abbr = tg.team_abbr
    LEFT JOIN team_line o ON o.game_date = tg.game_date AND o.team_abbr = tg.opponent_team_abbr
    LEFT JOIN zones z ON z.nba_game_id = tg.nba_game_id AND z.team_abbr = tg.team_abbr
    LEFT JOIN game_pbp gp ON gp.nba_game_id = tg.nba_game_id
    LEFT JOIN zone_counts zt
        ON zt.nba_game_id = tg.nba_game_id AND zt.team_abbr = tg.team_abbr AND zt.src = gp.src
    LEFT JOIN second_chance sc ON sc.nba_game_id = tg.nba_game_id AND sc.team_abbr = tg.team_abbr
    LEFT JOIN inactive i ON i.game_date = tg.game_date AND i.team_abbr = tg.team_abbr
    LEFT JOIN box_tracking bt ON bt.game_date = tg.game_date AND bt.team = tg.team_abbr
    LEFT JOIN box_tracking bo ON bo.game_date = tg.game_date AND bo.team = tg.opponent_team_abbr
),
computed AS (
    SELECT *,
           -- §4.3 possessions estimate, kept unrounded for the ratings and pace.
           fga + 0.44 * fta + tov - oreb AS poss,
           coalesce(points - opp_points, schedule_points - schedule_opp_points) AS margin
    FROM joined
),
rated AS (
    SELECT *,
           CASE WHEN poss > 0 THEN round(100.0 * points / poss, 2) END AS offensive_rating,
           -- Pace per 48 minutes: a team plays 240 + 25·OT player-minutes, i.e. 48 + 5·OT game
           -- minutes, so overtime does not inflate it (§10 item 5).
           CASE WHEN poss > 0 AND overtime_periods IS NOT NULL
                THEN round(poss * 48.0 / (48 + 5 * overtime_periods), 1) END AS pace,
           CASE WHEN fga + 0.44 * fta > 0 THEN round(points / (2.0 * (fga + 0.44 * fta)), 3) END
               AS ts_pct,
           list_sort(list_filter([
               CASE WHEN priority = 2 THEN 'backup_source_used' END,
               CASE WHEN priority = 2 THEN 'reconstructed' END,
               CASE WHEN zone_src IS NULL THEN 'shot_zones_unavailable' END,
               CASE WHEN opp_points IS NULL THEN 'opponent_stats_missing' END,
               -- §4.4 validation, kept as an issue instead of a log line.
               CASE WHEN (fgm - tpm) * 2 + tpm * 3 + ftm <> points THEN 'points_mismatch' END,
               CASE WHEN game_status <> 3 THEN 'game_not_final' END
           ], x -> x IS NOT NULL)) AS issues,
           list_sort(list_distinct(list_concat(sources, ['nbac_schedule'],
               CASE pbp_src WHEN 'bigdataball' THEN ['bigdataball_play_by_play']
                            WHEN 'nbac' THEN ['nbac_play_by_play'] ELSE [] END))) AS used_sources
    FROM computed
),
final AS (
    SELECT
        game_id, nba_game_id, game_date, team_abbr, opponent_team_abbr,
        season_year::INTEGER AS season_year,
        points::INTEGER AS points_scored, fga::INTEGER AS fg_attempts, fgm::INTEGER AS fg_makes,
        tpa::INTEGER AS three_pt_attempts, tpm::INTEGER AS three_pt_makes,
        fta::INTEGER AS ft_attempts, ftm::INTEGER AS ft_makes, reb::INTEGER AS rebounds,
        ast::INTEGER AS assists, tov::INTEGER AS turnovers, pf::INTEGER AS personal_fouls,
        paint_attempts::INTEGER AS team_paint_attempts, paint_makes::INTEGER AS team_paint_makes,
        mid_range_attempts::INTEGER AS team_mid_range_attempts,
        mid_range_makes::INTEGER AS team_mid_range_makes,
        (2 * paint_makes)::INTEGER AS points_in_paint_scored,
        second_chance_points::INTEGER AS second_chance_points_scored,
        offensive_rating::DOUBLE AS offensive_rating, pace::DOUBLE AS pace,
        -- Stored rounded (the reference truncated 98.9 to 98).
        round(poss)::INTEGER AS possessions, ts_pct::DOUBLE AS ts_pct,
        home_game,
        -- NBA games do not tie; a tie in the data is no win for either side.
        (margin > 0) AS win_flag, margin::INTEGER AS margin_of_victory,
        overtime_periods::INTEGER AS overtime_periods,
        players_inactive::INTEGER AS players_inactive,
        CAST(NULL AS INTEGER) AS starters_inactive, CAST(NULL AS VARCHAR) AS referee_crew_id,
        box_last_updated AS source_nbac_boxscore_last_updated,
        box_rows_found::INTEGER AS source_nbac_boxscore_rows_found,
        round(least(100.0, box_rows_found * 100.0 / 2), 2) AS source_nbac_boxscore_completeness_pct,
        box_hash AS source_nbac_boxscore_hash,
        pbp_last_updated AS source_play_by_play_last_updated,
        coalesce(pbp_rows_found, 0)::INTEGER AS source_play_by_play_rows_found,
        -- The share of the team's field-goal attempts the play-by-play records.
        CASE WHEN fga > 0 THEN round(least(100.0, coalesce(pbp_fga, 0) * 100.0 / fga), 2) END
            AS source_play_by_play_completeness_pct,
        pbp_hash AS source_play_by_play_hash,
        CASE WHEN priority = 1 THEN 'gold' ELSE 'silver' END AS data_quality_tier,
        zone_src IS NOT NULL AS shot_zones_available,
        CASE zone_src WHEN 'bigdataball' THEN 'bigdataball_pbp' WHEN 'nbac' THEN 'nbac_pbp' END
            AS shot_zones_source,
        source AS primary_source_used,
        len(issues) > 0 AS processed_with_issues,
        CASE WHEN priority = 1 THEN 'gold' ELSE 'silver' END AS quality_tier,
        CASE WHEN priority = 1 THEN 100.0 ELSE 85.0 END AS quality_score,
        to_json(issues)::VARCHAR AS quality_issues,
        to_json(used_sources)::VARCHAR AS data_sources,
        CAST(NULL AS INTEGER) AS quality_sample_size,
        priority > 1 AS quality_used_fallback,
        priority = 2 AS quality_reconstructed,
        inputs_processed_at AS quality_calculated_at,
        to_json({'sources_used': used_sources,
                 'shot_zones_source': zone_src,
                 'overtime_periods': overtime_periods})::VARCHAR AS quality_metadata,
        -- §1: tiers gold/silver with score >= 50 and no blocking issue (none arise here).
        true AS is_production_ready,
        to_json(issues)::VARCHAR AS data_quality_issues,
        inputs_processed_at AS created_at,
        inputs_processed_at AS processed_at
    FROM rated
)
SELECT
    game_id, nba_game_id, game_date, team_abbr, opponent_team_abbr, season_year,
    points_scored, fg_attempts, fg_makes, three_pt_attempts, three_pt_makes, ft_attempts, ft_makes,
    rebounds, assists, turnovers, personal_fouls,
    team_paint_attempts, team_paint_makes, team_mid_range_attempts, team_mid_range_makes,
    points_in_paint_scored, second_chance_points_scored,
    offensive_rating, pace, possessions, ts_pct,
    home_game, win_flag, margin_of_victory, overtime_periods,
    players_inactive, starters_inactive, referee_crew_id,
    source_nbac_boxscore_last_updated, source_nbac_boxscore_rows_found,
    source_nbac_boxscore_completeness_pct, source_nbac_boxscore_hash,
    source_play_by_play_last_updated, source_play_by_play_rows_found,
    source_play_by_play_completeness_pct, source_play_by_play_hash,
    data_quality_tier, shot_zones_available, shot_zones_source, primary_source_used,
    processed_with_issues, quality_tier, quality_score, quality_issues, data_sources,
    quality_sample_size, quality_used_fallback, quality_reconstructed, quality_calculated_at,
    quality_metadata, is_production_ready, data_quality_issues,
    left(md5(CAST(row(
        game_id, game_date, team_abbr, opponent_team_abbr, season_year,
        points_scored, fg_attempts, fg_makes, three_pt_attempts, three_pt_makes, ft_attempts,
        ft_makes, rebounds, assists, turnovers, personal_fouls,
        team_paint_attempts, team_paint_makes, team_mid_range_attempts, team_mid_range_makes,
        points_in_paint_scored, second_chance_points_scored,
        offensive_rating, pace, possessions, ts_pct,
        home_game, win_flag, margin_of_victory, overtime_periods, players_inactive
    ) AS VARCHAR)), 16) AS data_hash,
    created_at, processed_at
FROM final
