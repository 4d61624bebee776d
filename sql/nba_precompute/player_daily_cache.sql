-- nba_precompute.player_daily_cache (reference-phase4 §5, cache_version v1): per player with a
-- game on the date, his recent scoring, minutes, usage, team context, fatigue and shot mix, as of
-- the games before that date.
--
-- Form comes from `backcourt.player_form` at the player's last game before D (ASOF join), team
-- pace and rating from `backcourt.team_form` at the team's last game before D: strictly before D
-- (§9.1 fixed). One scale for rates: percentages 0–100 (the reference stored assisted_rate_last_10
-- as a fraction, §9.12).
--
-- Completeness over four windows (last 5 and 10 team games, last 7 and 14 days; expected = the
-- calendar's games of the player's team) is recorded as quality, never used to drop a player who
-- missed games: `is_production_ready`, `*_is_complete`, `quality_tier` and `data_quality_issues`
-- carry it. A player with fewer than 5 games this season before D is an INSUFFICIENT_DATA failure.
-- Uses: backcourt.no_reprocessing, backcourt.player_form, backcourt.player_games,
--      backcourt.pregame_context, backcourt.team_form, backcourt.team_windows.
WITH ctx AS (
    -- Not the bootstrap dates that carry last season over: those are the feature store's alone.
    SELECT * FROM backcourt.pregame_context($mode, $start_date, $end_date) WHERE NOT carries_over
),

-- Each team's games of the season with where its last 5 and 10 began; read twice below.
team_windows AS (
    SELECT * FROM backcourt.team_windows($start_date, $end_date)
),

form AS (
    SELECT c.player_lookup, c.game_date, f.*  EXCLUDE (player_lookup, game_date, season_year, team_abbr),
           f.game_date AS last_game_date
    FROM ctx c
    ASOF LEFT JOIN backcourt.player_form($start_date, $end_date) f
      ON f.player_lookup = c.player_lookup AND f.season_year = c.season_year
     AND c.game_date > f.game_date
),

team AS (
    SELECT c.player_lookup, c.game_date, t.pace_avg_10, t.off_rating_avg_10,
           t.games_10 AS team_rows, t.last_hash AS team_hash, t.last_updated AS team_updated
    FROM ctx c
    ASOF LEFT JOIN backcourt.team_form($start_date, $end_date) t
      ON t.team_abbr = c.team_abbr AND c.game_date > t.game_date
),

windows AS (
    SELECT c.player_lookup, c.game_date,
           least(coalesce(w.season_games, 0), 5) AS expected_5,
           least(coalesce(w.season_games, 0), 10) AS expected_10,
           w.l5_start, w.l10_start
    FROM ctx c
    ASOF LEFT JOIN team_windows w
      ON w.team_abbr = c.team_abbr AND w.season_year = c.season_year
     AND c.game_date > w.game_date
),

-- Games the team and the player played in each window before D, as differences of running
-- counts: the games before a cutoff X are the season game number at the last game before X (an
-- ASOF join), so no candidate is joined to his whole season.
player_counts AS (
    SELECT player_lookup AS entity, season_year, game_date,
           row_number() OVER (PARTITION BY player_lookup, season_year ORDER BY game_date) AS n
    FROM backcourt.player_games
    WHERE game_date BETWEEN $start_date - INTERVAL 300 DAY AND $end_date
),

team_counts AS (
    SELECT team_abbr AS entity, season_year, game_date, season_games AS n
    FROM team_windows
),

cutoffs AS (
    SELECT c.player_lookup, c.game_date, c.team_abbr, c.season_year, k.name,
           CASE k.name
               WHEN 'l5' THEN w.l5_start
               WHEN 'l10' THEN w.l10_start
               WHEN 'd7' THEN c.game_date - 7
               WHEN 'd14' THEN c.game_date - 14
               ELSE c.game_date
           END AS cutoff
    FROM ctx c
    JOIN windows w USING (player_lookup, game_date)
    CROSS JOIN (VALUES ('now'), ('l5'), ('l10'), ('d7'), ('d14')) k(name)
),

counted AS (
    SELECT x.player_lookup, x.game_date, x.name, coalesce(p.n, 0) AS player_before,
           coalesce(t.n, 0) AS team_before
    FROM cutoffs x
    ASOF LEFT JOIN player_counts p
      ON p.entity = x.player_lookup AND p.season_year = x.season_year AND x.cutoff > p.game_date
    ASOF LEFT JOIN team_counts t
      ON t.entity = x.team_abbr AND t.season_year = x.season_year AND x.cutoff > t.game_date
),

recent AS (
    SELECT
        player_lookup, game_date,
        max(player_before) FILTER (WHERE name = 'now') - max(player_before) FILTER (WHERE name = 'l5')
            AS actual_5,
        max(player_before) FILTER (WHERE name = 'now') - max(player_before) FILTER (WHERE name = 'l10')
            AS actual_10,
        max(player_before) FILTER (WHERE name = 'now') - max(player_before) FILTER (WHERE name = 'd7')
            AS actual_7d,
        max(player_before) FILTER (WHERE name = 'now') - max(player_before) FILTER (WHERE name = 'd14')
            AS actual_14d,
        max(team_before) FILTER (WHERE name = 'now') - max(team_before) FILTER (WHERE name = 'd7')
            AS expected_7d,
        max(team_before) FILTER (WHERE name = 'now') - max(team_before) FILTER (WHERE name = 'd14')
            AS expected_14d
    FROM counted
    GROUP BY player_lookup, game_date
),

shot AS (
    SELECT player_lookup, analysis_date AS game_date, primary_scoring_zone, paint_rate_last_10,
           three_pt_rate_last_10, data_hash, processed_at
    FROM nba_precompute.player_shot_zone_analysis
    WHERE analysis_date BETWEEN $start_date AND $end_date
),

joined AS (
    SELECT
        c.*,
        coalesce(f.season_games, 0) AS season_games,
        f.* EXCLUDE (player_lookup, game_date, season_games),
        t.* EXCLUDE (player_lookup, game_date),
        w.expected_5, w.expected_10,
        r.actual_5, r.actual_10, r.expected_7d, r.expected_14d, r.actual_7d, r.actual_14d,
        s.player_lookup IS NOT NULL AS has_shot,
        s.primary_scoring_zone, s.paint_rate_last_10, s.three_pt_rate_last_10,
        s.data_hash AS shot_hash, s.processed_at AS shot_updated
    FROM ctx c
    JOIN form f USING (player_lookup, game_date)
    JOIN team t USING (player_lookup, game_date)
    JOIN windows w USING (player_lookup, game_date)
    JOIN recent r USING (player_lookup, game_date)
    LEFT JOIN shot s USING (player_lookup, game_date)
),

-- Completeness per window: 100 when the calendar expected nothing (an All-Star break is not a gap).
complete AS (
    SELECT
        *,
        -- The player's games count up to his team's: a player traded mid-window played more of
        -- them for his old team than the current team's window holds (seen: 7 of 5, 140%).
        CASE WHEN expected_5 = 0 THEN 100.0 ELSE round(100.0 * least(actual_5, expected_5) / expected_5, 1) END AS l5_pct,
        CASE WHEN expected_10 = 0 THEN 100.0 ELSE round(100.0 * least(actual_10, expected_10) / expected_10, 1) END AS l10_pct,
        CASE WHEN expected_7d = 0 THEN 100.0 ELSE round(100.0 * least(actual_7d, expected_7d) / expected_7d, 1) END AS l7d_pct,
        CASE WHEN expected_14d = 0 THEN 100.0 ELSE round(100.0 * least(actual_14d, expected_14d) / expected_14d, 1) END AS l14d_pct
    FROM joined
),

shaped AS (
    SELECT
        player_lookup,
        universal_player_id,
        game_date AS cache_date,
        round(points_avg_5, 1) AS points_avg_last_5,
        round(points_avg_10, 1) AS points_avg_last_10,
        round(points_avg_season, 1) AS points_avg_season,
        round(points_std_10, 2) AS points_std_last_10,
        round(minutes_avg_10, 1) AS minutes_avg_last_10,
        round(usage_avg_10, 2) AS usage_rate_last_10,
        round(ts_pct_avg_10, 3) AS ts_pct_last_10,
        season_games AS games_played_season,
        round(pace_avg_10, 1) AS team_pace_last_10,
        round(off_rating_avg_10, 2) AS team_off_rating_last_10,
        round(usage_avg_season, 2) AS player_usage_rate_season,
        games_in_last_7_days,
        games_in_last_14_days,
        minutes_in_last_7_days,
        minutes_in_last_14_days,
        back_to_backs_last_14_days,
        avg_minutes_per_game_last_7,
        fourth_quarter_minutes_last_7,
        primary_scoring_zone,
        paint_rate_last_10,
        three_pt_rate_last_10,
        round(100.0 * assisted_10 / nullif(fg_made_10, 0), 2) AS assisted_rate_last_10,
        player_age,
        last_updated AS source_player_game_last_updated,
        season_games AS source_player_game_rows_found,
        l10_pct AS source_player_game_completeness_pct,
        last_hash AS source_player_game_hash,
        team_updated AS source_team_offense_last_updated,
        team_rows AS source_team_offense_rows_found,
        round(100.0 * coalesce(team_rows, 0) / 10, 2) AS source_team_offense_completeness_pct,
        team_hash AS source_team_offense_hash,
        context_updated AS source_upcoming_context_last_updated,
        (context_source = 'upcoming_context')::INTEGER AS source_upcoming_context_rows_found,
        100.0 * (context_source = 'upcoming_context')::INTEGER
            AS source_upcoming_context_completeness_pct,
        context_hash AS source_upcoming_context_hash,
        shot_updated AS source_shot_zone_last_updated,
        has_shot::INTEGER AS source_shot_zone_rows_found,
        100.0 * has_shot::INTEGER AS source_shot_zone_completeness_pct,
        shot_hash AS source_shot_zone_hash,
        season_games < 10 AS early_season_flag,
        CASE WHEN season_games < 10
             THEN 'Only ' || season_games || ' games played this season, 10 wanted' END
            AS insufficient_data_reason,
        has_shot AS shot_zone_data_available,
        expected_5 AS expected_games_count,
        actual_5 AS actual_games_count,
        l5_pct AS completeness_percentage,
        greatest(expected_5 - actual_5, 0) AS missing_games_count,
        l5_pct >= 90 AND l10_pct >= 90 AND l7d_pct >= 90 AND l14d_pct >= 90 AS is_production_ready,
        CAST(to_json(list_filter([
            CASE WHEN l5_pct < 90 THEN 'l5_incomplete' END,
            CASE WHEN l10_pct < 90 THEN 'l10_incomplete' END,
            CASE WHEN l7d_pct < 90 THEN 'l7d_incomplete' END,
            CASE WHEN l14d_pct < 90 THEN 'l14d_incomplete' END,
            CASE WHEN NOT has_shot THEN 'no_shot_zone_profile' END
        ], x -> x IS NOT NULL)) AS VARCHAR) AS data_quality_issues,
        unnest(backcourt.no_reprocessing(game_date)),
        l5_pct AS l5_completeness_pct,
        l10_pct AS l10_completeness_pct,
        l7d_pct AS l7d_completeness_pct,
        l14d_pct AS l14d_completeness_pct,
        l5_pct >= 90 AS l5_is_complete,
        l10_pct >= 90 AS l10_is_complete,
        l7d_pct >= 90 AS l7d_is_complete,
        l14d_pct >= 90 AS l14d_is_complete,
        l5_pct >= 90 AND l10_pct >= 90 AND l7d_pct >= 90 AND l14d_pct >= 90 AS all_windows_complete,
        CASE WHEN l5_pct >= 95 THEN 'gold' WHEN l5_pct >= 75 THEN 'silver'
             WHEN l5_pct >= 50 THEN 'bronze' WHEN l5_pct >= 25 THEN 'poor' ELSE 'unusable' END
            AS quality_tier,
        l5_pct AS cache_quality_score,
        'v1' AS cache_version,
        greatest(last_updated, team_updated, context_updated, shot_updated) AS created_at,
        greatest(last_updated, team_updated, context_updated, shot_updated) AS processed_at,
        CASE WHEN season_games < 5 THEN 'INSUFFICIENT_DATA' END AS failure_category,
        CASE WHEN season_games < 5 THEN
            'Only ' || season_games || ' games this season before ' || game_date || ', need 5'
        END AS failure_reason,
        true AS can_retry
    FROM complete
)

SELECT
    *,
    CASE WHEN failure_category IS NULL THEN left(md5(CAST(row(
        player_lookup, universal_player_id, cache_date, points_avg_last_5, points_avg_last_10,
        points_avg_season, points_std_last_10, minutes_avg_last_10, usage_rate_last_10,
        ts_pct_last_10, games_played_season, team_pace_last_10, team_off_rating_last_10,
        player_usage_rate_season, games_in_last_7_days, games_in_last_14_days,
        minutes_in_last_7_days, minutes_in_last_14_days, back_to_backs_last_14_days,
        avg_minutes_per_game_last_7, fourth_quarter_minutes_last_7, primary_scoring_zone,
        paint_rate_last_10, three_pt_rate_last_10, assisted_rate_last_10, player_age,
        l5_completeness_pct, l10_completeness_pct, l7d_completeness_pct, l14d_completeness_pct
    ) AS VARCHAR)), 16) END AS data_hash
FROM shaped
