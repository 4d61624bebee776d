-- nba_analytics.team_defense_game_summary
-- One row per (game_id, defending_team_abbr): the opponent's offence seen from the defence; date column game_date.
-- The opponent's team_offense_game_summary row, flipped; steals and rebounds from the team box (player rows when missing).
-- Point in time: a row reads only its own game. Params: $start_date, $end_date (inclusive).
-- Spec: shared/spec/reference-phase3.md §5; each [BUG] fixed is pinned in tests/it/team_defense_game_summary.rs.
--
-- Points allowed, opponent shooting, zones, ratings, pace, overtime and the result are the
-- opponent's team_offense_game_summary row, so every formula lives once (§4.3) and the fixes there
-- apply here: overtime is counted, not 0, and opponent pace is normalised to 48 minutes (§10 item 5).
-- Sources are keyed on (game_date, team), never on raw game ids (§10 items 1 and 5).
-- Uses: backcourt.player_spelling_map.
WITH
offense AS MATERIALIZED (
    SELECT * FROM nba_analytics.team_offense_game_summary
    WHERE game_date BETWEEN $start_date AND $end_date
),

-- §5.2 item 3, defensive actions: the defender's own team box score first.
box AS (
    SELECT game_date, team_code(team_abbr) AS team_abbr, 1 AS priority,
           'nbac_team_boxscore' AS source, ['nbac_team_boxscore'] AS sources,
           processed_at AS last_updated, steals, blocks, defensive_rebounds
    FROM nba_raw.nbac_team_boxscore
    WHERE game_date BETWEEN $start_date AND $end_date
    QUALIFY row_number() OVER (
        PARTITION BY game_date, team_code(team_abbr)
        ORDER BY processed_at DESC NULLS LAST, game_id) = 1
),
-- Then player rows, chosen exactly as team_offense_game_summary rebuilds a missing box score:
-- gamebook 'active' rows, BDL per player for players the gamebook does not list.
-- Spelling -> canonical lookup, shared by every model (sql/backcourt/player_spellings.sql).
aliases AS MATERIALIZED (SELECT spelling AS alias, canonical FROM backcourt.player_spelling_map),
gamebook_keyed AS MATERIALIZED (
    SELECT *, team_code(team_abbr) AS team,
           player_lookup(coalesce(player_lookup, player_name)) AS raw_lookup
    FROM nba_raw.nbac_gamebook_player_stats
    WHERE game_date BETWEEN $start_date AND $end_date
),
gamebook AS MATERIALIZED (
    SELECT g.game_date, g.team AS team_abbr, coalesce(a.canonical, g.raw_lookup) AS lookup,
           lower(trim(g.player_status)) AS status, g.steals, g.blocks, g.defensive_rebounds,
           g.processed_at
    FROM gamebook_keyed g
    LEFT JOIN aliases a ON a.alias = g.raw_lookup
    QUALIFY row_number() OVER (
        PARTITION BY g.game_date, g.team, coalesce(a.canonical, g.raw_lookup)
        ORDER BY (lower(trim(g.player_status)) = 'active') DESC NULLS LAST,
                 g.processed_at DESC NULLS LAST, g.game_id) = 1
),
bdl_keyed AS MATERIALIZED (
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
           b.steals, b.blocks, b.defensive_rebounds, b.processed_at
    FROM bdl_keyed b
    LEFT JOIN aliases a1 ON a1.alias = b.name_lookup
    LEFT JOIN aliases a2 ON a2.alias = b.source_lookup
    QUALIFY row_number() OVER (
        PARTITION BY b.game_date, b.team, coalesce(a1.canonical, b.name_lookup)
        ORDER BY b.processed_at DESC NULLS LAST, b.game_id) = 1
),
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
    SELECT 'nbac_gamebook_player_stats' AS source, game_date, team_abbr, steals, blocks,
           defensive_rebounds, processed_at
    FROM gamebook
    WHERE status = 'active'
    UNION ALL
    SELECT 'bdl_player_boxscores', b.game_date, b.team_abbr, b.steals, b.blocks,
           b.defensive_rebounds, b.processed_at
    FROM bdl b
    LEFT JOIN gamebook_unmatched u USING (game_date, team_abbr)
    WHERE u.n IS NULL
      AND NOT EXISTS (
          SELECT 1 FROM gamebook g
          WHERE g.game_date = b.game_date AND g.team_abbr = b.team_abbr
            AND g.lookup IN (b.lookup, b.lookup_alt))
),
player_actions AS (
    SELECT game_date, team_abbr, 2 AS priority, 'reconstructed_team_from_players' AS source,
           list_sort(list_distinct(list(source))) AS sources, max(processed_at) AS last_updated,
           -- NULL is not zero: the reference filled missing actions with 0 (§5.2 item 3).
           CASE WHEN count(steals) = count(*) THEN sum(steals) END AS steals,
           CASE WHEN count(blocks) = count(*) THEN sum(blocks) END AS blocks,
           CASE WHEN count(defensive_rebounds) = count(*) THEN sum(defensive_rebounds) END
               AS defensive_rebounds
    FROM player_rows
    GROUP BY game_date, team_abbr
    HAVING count(*) >= 5
),
actions AS (
    SELECT * FROM (SELECT * FROM box UNION ALL BY NAME SELECT * FROM player_actions)
    QUALIFY row_number() OVER (PARTITION BY game_date, team_abbr ORDER BY priority) = 1
),

-- Blocks by zone of the blocked shot (§5.2 item 4): BigDataBall only, NBA.com has no blocker.
-- A shot blocked by the defender is the opponent's shot with player_2_role 'block'; the zone rule
-- is team_offense_game_summary's (3PT first, then distance <= 8 ft is paint).
bdb AS (
    SELECT game_id, game_date, team_code(player_1_team_abbr) AS team,
           lower(event_type) AS event_type, lower(event_subtype) AS event_subtype,
           upper(shot_type) AS shot_type, lower(player_2_role) AS player_2_role, shot_distance
    FROM nba_raw.bigdataball_play_by_play
    WHERE game_date BETWEEN $start_date AND $end_date
),
bdb_delivery AS (
    SELECT game_date, team, min(game_id) AS game_id FROM bdb GROUP BY ALL
),
zone_blocks AS (
    SELECT game_date, team AS shooting_team,
           count(*) FILTER (WHERE zone = 'paint') AS paint,
           count(*) FILTER (WHERE zone = 'mid_range') AS mid_range,
           count(*) FILTER (WHERE zone = 'three') AS three,
           count(*) FILTER (WHERE zone = 'unknown') AS unknown
    FROM (
        SELECT b.*,
               CASE
                   WHEN shot_type = '3PT' OR (shot_type IS NULL AND (event_subtype LIKE '%3pt%'
                                                                     OR shot_distance >= 23.75))
                       THEN 'three'
                   WHEN shot_distance IS NULL THEN 'unknown'
                   WHEN shot_distance <= 8.0 THEN 'paint'
                   ELSE 'mid_range'
               END AS zone
        FROM bdb b
        JOIN bdb_delivery USING (game_date, team, game_id)
        WHERE coalesce(b.shot_type IN ('2PT', '3PT'), b.event_type = 'shot')
          AND b.player_2_role = 'block'
    )
    GROUP BY ALL
),

-- Source tracking of the player feeds for the defending team-game (§5.2 item 6).
gamebook_tracking AS (
    SELECT game_date, team AS team_abbr, count(*) AS rows_found,
           count(*) FILTER (WHERE lower(trim(player_status)) = 'active') AS active_rows,
           max(processed_at) AS last_updated,
           left(md5(string_agg(CAST(row(game_id, player_lookup, player_status, minutes, points,
                                         steals, blocks, defensive_rebounds) AS VARCHAR),
                               '|' ORDER BY player_lookup, game_id, processed_at)), 16) AS hash
    FROM gamebook_keyed
    GROUP BY ALL
),
bdl_tracking AS (
    SELECT game_date, team AS team_abbr, count(*) AS rows_found, max(processed_at) AS last_updated,
           left(md5(string_agg(CAST(row(game_id, player_lookup, minutes, points, steals, blocks,
                                         defensive_rebounds) AS VARCHAR),
                               '|' ORDER BY player_lookup, game_id, processed_at)), 16) AS hash
    FROM bdl_keyed
    GROUP BY ALL
),

joined AS (
    -- game_id is team_offense_game_summary's, the system id of the schedule row: one id across
    -- Phase 3 (reference §10.1).
    SELECT o.game_id, o.game_date, o.opponent_team_abbr AS defending_team_abbr,
           o.team_abbr AS opponent_team_abbr, o.season_year, o,
           d.personal_fouls AS fouls_committed, d.players_inactive,
           a.priority AS actions_priority, a.source AS actions_source, a.sources AS actions_sources,
           a.steals, a.defensive_rebounds, a.last_updated AS actions_last_updated,
           zb.paint AS blocks_paint_known, zb.mid_range AS blocks_mid_range_known,
           zb.three AS blocks_three_known, zb.unknown AS blocks_unknown,
           -- BigDataBall has the opponent's shots for this game: blocks by zone are counted.
           bd.game_id IS NOT NULL AS bdb_has_game,
           gt.rows_found AS gb_rows, gt.active_rows AS gb_active, gt.last_updated AS gb_last_updated,
           gt.hash AS gb_hash,
           bt.rows_found AS bdl_rows, bt.last_updated AS bdl_last_updated, bt.hash AS bdl_hash
    FROM offense o
    LEFT JOIN offense d ON d.game_date = o.game_date AND d.team_abbr = o.opponent_team_abbr
    LEFT JOIN actions a ON a.game_date = o.game_date AND a.team_abbr = o.opponent_team_abbr
    LEFT JOIN bdb_delivery bd ON bd.game_date = o.game_date AND bd.team = o.team_abbr
    LEFT JOIN zone_blocks zb ON zb.game_date = o.game_date AND zb.shooting_team = o.team_abbr
    LEFT JOIN gamebook_tracking gt
        ON gt.game_date = o.game_date AND gt.team_abbr = o.opponent_team_abbr
    LEFT JOIN bdl_tracking bt ON bt.game_date = o.game_date AND bt.team_abbr = o.opponent_team_abbr
),
scored AS (
    SELECT *,
           CASE WHEN bdb_has_game THEN coalesce(blocks_three_known, 0) END AS blocks_three_pt,
           CASE WHEN bdb_has_game AND coalesce(blocks_unknown, 0) = 0
                THEN coalesce(blocks_paint_known, 0) END AS blocks_paint,
           CASE WHEN bdb_has_game AND coalesce(blocks_unknown, 0) = 0
                THEN coalesce(blocks_mid_range_known, 0) END AS blocks_mid_range,
           -- Score: the weaker of the allowed stats' source and the actions' source (§1 fallback
           -- scores: primary 100, reconstructed 85); no actions at all is bronze.
           least(o.quality_score,
                 CASE actions_priority WHEN 1 THEN 100.0 WHEN 2 THEN 85.0 ELSE 50.0 END) AS score,
           from_json(o.quality_issues, '["VARCHAR"]') AS offense_issues
    FROM joined
),
rated AS (
    SELECT *,
           CASE WHEN score >= 95 THEN 'gold' WHEN score >= 75 THEN 'silver'
                WHEN score >= 50 THEN 'bronze' WHEN score >= 25 THEN 'poor' ELSE 'unusable' END AS tier,
           list_sort(list_distinct(list_filter([
               CASE WHEN o.quality_reconstructed OR actions_priority = 2 THEN 'backup_source_used' END,
               CASE WHEN o.quality_reconstructed OR actions_priority = 2 THEN 'reconstructed' END,
               CASE WHEN NOT o.shot_zones_available THEN 'shot_zones_unavailable' END,
               CASE WHEN actions_priority IS NULL THEN 'missing_defensive_actions' END,
               CASE WHEN blocks_paint IS NULL THEN 'zone_blocks_unavailable' END,
               CASE WHEN list_contains(offense_issues, 'points_mismatch') THEN 'points_mismatch' END,
               CASE WHEN list_contains(offense_issues, 'game_not_final') THEN 'game_not_final' END
           ], x -> x IS NOT NULL))) AS issues,
           list_sort(list_distinct(list_concat(
               from_json(o.data_sources, '["VARCHAR"]'),
               coalesce(actions_sources, []),
               CASE WHEN bdb_has_game THEN ['bigdataball_play_by_play'] ELSE [] END))) AS used_sources
    FROM scored
),
final AS (
    SELECT
        game_id, game_date, defending_team_abbr, opponent_team_abbr, season_year,
        o.points_scored AS points_allowed, o.fg_attempts AS opp_fg_attempts,
        o.fg_makes AS opp_fg_makes, o.three_pt_attempts AS opp_three_pt_attempts,
        o.three_pt_makes AS opp_three_pt_makes, o.ft_attempts AS opp_ft_attempts,
        o.ft_makes AS opp_ft_makes, o.rebounds AS opp_rebounds, o.assists AS opp_assists,
        o.turnovers AS turnovers_forced, fouls_committed::INTEGER AS fouls_committed,
        o.team_paint_attempts AS opp_paint_attempts, o.team_paint_makes AS opp_paint_makes,
        o.team_mid_range_attempts AS opp_mid_range_attempts,
        o.team_mid_range_makes AS opp_mid_range_makes,
        o.points_in_paint_scored AS points_in_paint_allowed,
        (2 * o.team_mid_range_makes)::INTEGER AS mid_range_points_allowed,
        (3 * o.three_pt_makes)::INTEGER AS three_pt_points_allowed,
        o.second_chance_points_scored AS second_chance_points_allowed,
        CAST(NULL AS INTEGER) AS fast_break_points_allowed,
        blocks_paint::INTEGER AS blocks_paint, blocks_mid_range::INTEGER AS blocks_mid_range,
        blocks_three_pt::INTEGER AS blocks_three_pt, steals::INTEGER AS steals,
        defensive_rebounds::INTEGER AS defensive_rebounds,
        -- §5.2 item 2: points allowed per 100 opponent possessions, i.e. the opponent's rating.
        o.offensive_rating AS defensive_rating, o.pace AS opponent_pace,
        o.ts_pct AS opponent_ts_pct,
        NOT o.home_game AS home_game,
        (o.margin_of_victory < 0) AS win_flag, (-o.margin_of_victory)::INTEGER AS margin_of_victory,
        o.overtime_periods,
        players_inactive::INTEGER AS players_inactive,
        CAST(NULL AS INTEGER) AS starters_inactive, CAST(NULL AS VARCHAR) AS referee_crew_id,
        tier AS data_quality_tier,
        o.primary_source_used || '+' || coalesce(actions_source, 'none') AS primary_source_used,
        len(issues) > 0 AS processed_with_issues,
        tier AS quality_tier, score AS quality_score,
        to_json(issues)::VARCHAR AS quality_issues,
        to_json(used_sources)::VARCHAR AS data_sources,
        CAST(NULL AS INTEGER) AS quality_sample_size,
        (o.quality_used_fallback OR coalesce(actions_priority = 2, false)) AS quality_used_fallback,
        (o.quality_reconstructed OR coalesce(actions_priority = 2, false)) AS quality_reconstructed,
        greatest(o.processed_at, actions_last_updated) AS quality_calculated_at,
        to_json({'sources_used': used_sources,
                 'allowed_source': o.primary_source_used,
                 'actions_source': actions_source})::VARCHAR AS quality_metadata,
        tier IN ('gold', 'silver', 'bronze') AS is_production_ready,
        to_json(issues)::VARCHAR AS data_quality_issues,
        o.source_nbac_boxscore_last_updated AS source_team_boxscore_last_updated,
        o.source_nbac_boxscore_rows_found AS source_team_boxscore_rows_found,
        o.source_nbac_boxscore_completeness_pct AS source_team_boxscore_completeness_pct,
        o.source_nbac_boxscore_hash AS source_team_boxscore_hash,
        -- Player feeds: complete once they hold the five players a team total needs.
        gb_last_updated AS source_gamebook_players_last_updated,
        coalesce(gb_rows, 0)::INTEGER AS source_gamebook_players_rows_found,
        round(least(100.0, coalesce(gb_active, 0) * 100.0 / 5), 2)
            AS source_gamebook_players_completeness_pct,
        gb_hash AS source_gamebook_players_hash,
        bdl_last_updated AS source_bdl_players_last_updated,
        coalesce(bdl_rows, 0)::INTEGER AS source_bdl_players_rows_found,
        round(least(100.0, coalesce(bdl_rows, 0) * 100.0 / 5), 2)
            AS source_bdl_players_completeness_pct,
        bdl_hash AS source_bdl_players_hash,
        greatest(o.processed_at, actions_last_updated) AS processed_at,
        greatest(o.processed_at, actions_last_updated) AS created_at
    FROM rated
)
SELECT
    game_id, game_date, defending_team_abbr, opponent_team_abbr, season_year,
    points_allowed, opp_fg_attempts, opp_fg_makes, opp_three_pt_attempts, opp_three_pt_makes,
    opp_ft_attempts, opp_ft_makes, opp_rebounds, opp_assists, turnovers_forced, fouls_committed,
    opp_paint_attempts, opp_paint_makes, opp_mid_range_attempts, opp_mid_range_makes,
    points_in_paint_allowed, mid_range_points_allowed, three_pt_points_allowed,
    second_chance_points_allowed, fast_break_points_allowed,
    blocks_paint, blocks_mid_range, blocks_three_pt, steals, defensive_rebounds,
    defensive_rating, opponent_pace, opponent_ts_pct,
    home_game, win_flag, margin_of_victory, overtime_periods,
    players_inactive, starters_inactive, referee_crew_id,
    data_quality_tier, primary_source_used, processed_with_issues,
    quality_tier, quality_score, quality_issues, data_sources, quality_sample_size,
    quality_used_fallback, quality_reconstructed, quality_calculated_at, quality_metadata,
    is_production_ready, data_quality_issues,
    source_team_boxscore_last_updated, source_team_boxscore_rows_found,
    source_team_boxscore_completeness_pct, source_team_boxscore_hash,
    source_gamebook_players_last_updated, source_gamebook_players_rows_found,
    source_gamebook_players_completeness_pct, source_gamebook_players_hash,
    source_bdl_players_last_updated, source_bdl_players_rows_found,
    source_bdl_players_completeness_pct, source_bdl_players_hash,
    left(md5(CAST(row(
        game_id, game_date, defending_team_abbr, opponent_team_abbr, season_year,
        points_allowed, opp_fg_attempts, opp_fg_makes, opp_three_pt_attempts, opp_three_pt_makes,
        opp_ft_attempts, opp_ft_makes, opp_rebounds, opp_assists, turnovers_forced, fouls_committed,
        opp_paint_attempts, opp_paint_makes, opp_mid_range_attempts, opp_mid_range_makes,
        points_in_paint_allowed, mid_range_points_allowed, three_pt_points_allowed,
        second_chance_points_allowed, blocks_paint, blocks_mid_range, blocks_three_pt, steals,
        defensive_rebounds, defensive_rating, opponent_pace, opponent_ts_pct,
        home_game, win_flag, margin_of_victory, overtime_periods, players_inactive
    ) AS VARCHAR)), 16) AS data_hash,
    processed_at, created_at
FROM final
