-- nba_precompute.team_defense_zone_analysis (reference-phase4 §2): per team and game date, how its
-- defence held up by zone over its last 15 games before that date, against the league.
--
-- Strictly before D: the sample is the team's games of the season with game_date < D (the
-- reference read `<= D`, leaking the predicted game, §9.1), and the league averages cover
-- [D − 30, D). Every team of the season is a candidate on every non-bootstrap game date; a team
-- with fewer than 5 games before D is an INSUFFICIENT_DATA failure instead of a row. The reference
-- demanded 15 games, which would leave the first month without matchup data; here the sample size
-- is carried in `games_in_sample` and `data_quality_tier` (high ≥ 15, medium ≥ 10, low).
--
-- Rows with a `failure_category` are failures: the engine moves them to
-- nba_processing.processing_failures, with this date's output rows.
-- Uses: backcourt.game_dates, backcourt.no_reprocessing, backcourt.team_games.
WITH dates AS (
    SELECT game_date AS analysis_date, season_year
    FROM backcourt.game_dates
    WHERE game_date BETWEEN $start_date AND $end_date AND NOT is_bootstrap
),

defense AS (
    SELECT defending_team_abbr AS team_abbr, game_date, season_year,
           opp_paint_makes, opp_paint_attempts, opp_mid_range_makes, opp_mid_range_attempts,
           opp_three_pt_makes, opp_three_pt_attempts, points_in_paint_allowed, blocks_paint,
           blocks_mid_range, blocks_three_pt, points_allowed,
           -- DECIMAL: exact sums, whatever order the aggregation combines them in.
           CAST(defensive_rating AS DECIMAL(18, 6)) AS defensive_rating,
           CAST(opponent_pace AS DECIMAL(18, 6)) AS opponent_pace,
           data_hash, processed_at
    FROM nba_analytics.team_defense_game_summary
    -- A season is shorter than 300 days: enough history for any date of the range.
    WHERE game_date BETWEEN $start_date - INTERVAL 300 DAY AND $end_date
    QUALIFY row_number() OVER (PARTITION BY defending_team_abbr, game_date ORDER BY game_id) = 1
),

-- The candidates: every team the calendar has in the season, on every date.
candidates AS (
    SELECT d.analysis_date, d.season_year, t.team_abbr,
           least(count(*) FILTER (WHERE t.game_date < d.analysis_date), 15) AS expected_games
    FROM dates d
    JOIN backcourt.team_games t ON t.season_year = d.season_year
    WHERE t.game_date BETWEEN $start_date - INTERVAL 300 DAY AND $end_date + INTERVAL 300 DAY
    GROUP BY ALL
),

sample AS (
    SELECT c.analysis_date, c.team_abbr, g.*
    FROM candidates c
    JOIN defense g
      ON g.team_abbr = c.team_abbr AND g.season_year = c.season_year
     AND g.game_date < c.analysis_date
    QUALIFY row_number() OVER (PARTITION BY c.team_abbr, c.analysis_date ORDER BY g.game_date DESC) <= 15
),

team_sample AS (
    SELECT
        analysis_date, team_abbr,
        count(*) AS games,
        sum(opp_paint_makes) / nullif(sum(opp_paint_attempts), 0) AS paint_pct,
        sum(opp_mid_range_makes) / nullif(sum(opp_mid_range_attempts), 0) AS mid_pct,
        sum(opp_three_pt_makes) / nullif(sum(opp_three_pt_attempts), 0) AS three_pct,
        sum(opp_paint_attempts) / count(*) AS paint_att_pg,
        sum(opp_mid_range_attempts) / count(*) AS mid_att_pg,
        sum(opp_three_pt_attempts) / count(*) AS three_att_pg,
        sum(points_in_paint_allowed) / count(*) AS paint_pts_pg,
        sum(blocks_paint) / count(*) AS paint_blk_pg,
        sum(blocks_mid_range) / count(*) AS mid_blk_pg,
        sum(blocks_three_pt) / count(*) AS three_blk_pg,
        sum(points_allowed) / count(*) AS points_pg,
        avg(defensive_rating) AS def_rating,
        avg(opponent_pace) AS pace,
        coalesce(sum(opp_paint_attempts), 0) = 0 AS no_paint,
        coalesce(sum(opp_mid_range_attempts), 0) = 0 AS no_mid,
        coalesce(sum(opp_three_pt_attempts), 0) = 0 AS no_three,
        max(processed_at) AS last_updated,
        left(md5(string_agg(data_hash, ',' ORDER BY game_date)), 16) AS source_hash
    FROM sample
    GROUP BY ALL
),

-- League averages (§2.4): teams with ≥ 10 games in [D − 30, D), the unweighted mean of their zone
-- FG%; fewer than 10 such teams and the defaults 0.580 / 0.410 / 0.355 stand in.
league_teams AS (
    SELECT d.analysis_date, g.team_abbr,
           sum(opp_paint_makes) / nullif(sum(opp_paint_attempts), 0) AS paint_pct,
           sum(opp_mid_range_makes) / nullif(sum(opp_mid_range_attempts), 0) AS mid_pct,
           sum(opp_three_pt_makes) / nullif(sum(opp_three_pt_attempts), 0) AS three_pct
    FROM dates d
    JOIN defense g ON g.game_date >= d.analysis_date - 30 AND g.game_date < d.analysis_date
    GROUP BY ALL
    HAVING count(*) >= 10
),

league AS (
    SELECT
        d.analysis_date,
        count(l.team_abbr) >= 10 AS enough_teams,
        CASE WHEN count(l.team_abbr) >= 10
             THEN avg(CAST(l.paint_pct AS DECIMAL(18, 12))) ELSE 0.580 END AS paint_avg,
        CASE WHEN count(l.team_abbr) >= 10
             THEN avg(CAST(l.mid_pct AS DECIMAL(18, 12))) ELSE 0.410 END AS mid_avg,
        CASE WHEN count(l.team_abbr) >= 10
             THEN avg(CAST(l.three_pct AS DECIMAL(18, 12))) ELSE 0.355 END AS three_avg
    FROM dates d
    LEFT JOIN league_teams l
      ON l.analysis_date = d.analysis_date
     AND l.paint_pct IS NOT NULL AND l.mid_pct IS NOT NULL AND l.three_pct IS NOT NULL
    GROUP BY d.analysis_date
),

scored AS (
    SELECT
        c.analysis_date, c.team_abbr, c.expected_games, coalesce(s.games, 0) AS games, s.* EXCLUDE (analysis_date, team_abbr, games),
        l.enough_teams,
        (s.paint_pct - l.paint_avg) * 100 AS paint_vs,
        (s.mid_pct - l.mid_avg) * 100 AS mid_vs,
        (s.three_pct - l.three_avg) * 100 AS three_vs
    FROM candidates c
    LEFT JOIN team_sample s USING (analysis_date, team_abbr)
    JOIN league l USING (analysis_date)
),

shaped AS (
    SELECT
        team_abbr,
        analysis_date,
        round(paint_pct, 3) AS paint_pct_allowed_last_15,
        round(paint_att_pg, 1) AS paint_attempts_allowed_per_game,
        round(paint_pts_pg, 1) AS paint_points_allowed_per_game,
        round(paint_blk_pg, 1) AS paint_blocks_per_game,
        round(paint_vs, 2) AS paint_defense_vs_league_avg,
        round(mid_pct, 3) AS mid_range_pct_allowed_last_15,
        round(mid_att_pg, 1) AS mid_range_attempts_allowed_per_game,
        round(mid_blk_pg, 1) AS mid_range_blocks_per_game,
        round(mid_vs, 2) AS mid_range_defense_vs_league_avg,
        round(three_pct, 3) AS three_pt_pct_allowed_last_15,
        round(three_att_pg, 1) AS three_pt_attempts_allowed_per_game,
        round(three_blk_pg, 1) AS three_pt_blocks_per_game,
        round(three_vs, 2) AS three_pt_defense_vs_league_avg,
        round(def_rating, 2) AS defensive_rating_last_15,
        round(points_pg, 1) AS opponent_points_per_game,
        round(pace, 1) AS opponent_pace,
        games AS games_in_sample,
        -- Lower = better defence; ties resolve in the order paint, mid_range, perimeter.
        CASE
            WHEN paint_vs IS NULL AND mid_vs IS NULL AND three_vs IS NULL THEN NULL
            WHEN coalesce(paint_vs, 'inf') <= coalesce(mid_vs, 'inf')
             AND coalesce(paint_vs, 'inf') <= coalesce(three_vs, 'inf') THEN 'paint'
            WHEN coalesce(mid_vs, 'inf') <= coalesce(three_vs, 'inf') THEN 'mid_range'
            ELSE 'perimeter'
        END AS strongest_zone,
        CASE
            WHEN paint_vs IS NULL AND mid_vs IS NULL AND three_vs IS NULL THEN NULL
            WHEN coalesce(paint_vs, '-inf') >= coalesce(mid_vs, '-inf')
             AND coalesce(paint_vs, '-inf') >= coalesce(three_vs, '-inf') THEN 'paint'
            WHEN coalesce(mid_vs, '-inf') >= coalesce(three_vs, '-inf') THEN 'mid_range'
            ELSE 'perimeter'
        END AS weakest_zone,
        CASE WHEN games >= 15 THEN 'high' WHEN games >= 10 THEN 'medium' ELSE 'low' END
            AS data_quality_tier,
        nullif(concat_ws('; ',
            CASE WHEN no_paint THEN 'No paint attempts' END,
            CASE WHEN no_mid THEN 'No mid-range attempts' END,
            CASE WHEN no_three THEN 'No three-point attempts' END,
            CASE WHEN NOT enough_teams THEN 'League averages are the defaults (fewer than 10 teams with 10 games in 30 days)' END
        ), '') AS calculation_notes,
        last_updated AS source_team_defense_last_updated,
        games AS source_team_defense_rows_found,
        round(100.0 * games / nullif(expected_games, 0), 2) AS source_team_defense_completeness_pct,
        source_hash AS source_team_defense_hash,
        games < 15 AS early_season_flag,
        CASE WHEN games < 15 THEN 'Only ' || games || ' games before this date, 15 wanted' END
            AS insufficient_data_reason,
        expected_games AS expected_games_count,
        games AS actual_games_count,
        round(100.0 * games / nullif(expected_games, 0), 1) AS completeness_percentage,
        greatest(expected_games - games, 0) AS missing_games_count,
        games >= 0.9 * expected_games AS is_production_ready,
        CASE WHEN games < expected_games THEN '["missing_team_defense_games"]' ELSE '[]' END
            AS data_quality_issues,
        unnest(backcourt.no_reprocessing(analysis_date)),
        last_updated AS processed_at,
        last_updated AS created_at,
        CASE WHEN games < 5 THEN 'INSUFFICIENT_DATA' END AS failure_category,
        CASE WHEN games < 5 THEN 'Only ' || games || ' games before ' || analysis_date || ' this season, need 5' END
            AS failure_reason,
        true AS can_retry
    FROM scored
)

SELECT
    *,
    CASE WHEN failure_category IS NULL THEN left(md5(CAST(row(
        team_abbr, analysis_date, paint_pct_allowed_last_15, paint_attempts_allowed_per_game,
        paint_points_allowed_per_game, paint_blocks_per_game, paint_defense_vs_league_avg,
        mid_range_pct_allowed_last_15, mid_range_attempts_allowed_per_game,
        mid_range_blocks_per_game, mid_range_defense_vs_league_avg, three_pt_pct_allowed_last_15,
        three_pt_attempts_allowed_per_game, three_pt_blocks_per_game,
        three_pt_defense_vs_league_avg, defensive_rating_last_15, opponent_points_per_game,
        opponent_pace, games_in_sample, strongest_zone, weakest_zone, data_quality_tier,
        calculation_notes
    ) AS VARCHAR)), 16) END AS data_hash
FROM shaped
