-- nba_predictions.ml_feature_store_v2 (reference-phase4 §6, feature_version v1_baseline_25): per
-- player with a game on the date, the 25 features of `v1_baseline_25` in the reference's order,
-- names and defaults, each with the source it came from.
--
-- Source rules (§6.4): P4→P3→D takes the Phase 4 value, else the Phase 3 one, else the default;
-- P4→D has no Phase 3 fallback; P3 comes from the game and its context; C is calculated. Every
-- Phase 3 fallback reads games strictly before D (`backcourt.player_form`, `backcourt.team_form`
-- at the last game before D). `feature_sources` records the tag of each value (phase4 | phase3 |
-- calculated | default), which the reference computed and threw away.
--
-- Fixed from the reference (§9): team_win_pct is the team's real record before D (it was always
-- 0.5, §9.2); recent_trend is positive when scoring rises (newest two of the last five games
-- against the three before; the reference's sign was inverted, §9.11); data_source measures the
-- Phase 4 share over the 16 features Phase 4 can supply, so 'phase4' is reachable (§9.13).
-- Uses: backcourt.no_reprocessing, backcourt.player_form, backcourt.pregame_context,
--      backcourt.team_form.
WITH players AS (
    SELECT * FROM backcourt.pregame_context($mode, $start_date, $end_date)
),

player_form AS MATERIALIZED (
    SELECT * FROM backcourt.player_form($start_date, $end_date)
),

-- Season openers (the bootstrap dates that carry over, backcourt.game_dates): a player with fewer
-- than 5 games this season before D is described by his form at his last game of last season,
-- and the features read from it are tagged 'carried_over'. Otherwise this season's form.
form_season AS (
    SELECT p.player_lookup, p.game_date,
           p.carries_over AND coalesce(c.season_games, 0) < 5 AND last.player_lookup IS NOT NULL
               AS carried_over,
           p.season_year
    FROM players p
    ASOF LEFT JOIN player_form c
      ON c.player_lookup = p.player_lookup AND c.season_year = p.season_year
     AND p.game_date > c.game_date
    LEFT JOIN (SELECT DISTINCT player_lookup, season_year FROM player_form) last
      ON last.player_lookup = p.player_lookup AND last.season_year = p.season_year - 1
),

form AS (
    SELECT s.player_lookup, s.game_date, s.carried_over,
           f.* EXCLUDE (player_lookup, game_date, season_year, team_abbr)
    FROM form_season s
    ASOF LEFT JOIN player_form f
      ON f.player_lookup = s.player_lookup
     AND f.season_year = s.season_year - CASE WHEN s.carried_over THEN 1 ELSE 0 END
     AND s.game_date > f.game_date
),

team AS (
    SELECT p.player_lookup, p.game_date, t.pace_avg_10, t.off_rating_avg_10,
           t.season_games AS team_season_games, t.season_wins AS team_season_wins,
           t.season_year AS team_season
    FROM players p
    ASOF LEFT JOIN backcourt.team_form($start_date, $end_date) t
      ON t.team_abbr = p.team_abbr AND p.game_date > t.game_date
),

opponent_context AS (
    SELECT player_lookup, game_date, opponent_def_rating_last_10, opponent_pace_last_10
    FROM nba_analytics.upcoming_player_game_context
    WHERE game_date BETWEEN $start_date AND $end_date
    QUALIFY row_number() OVER (PARTITION BY player_lookup, game_date ORDER BY game_id) = 1
),

cache AS (
    SELECT * FROM nba_precompute.player_daily_cache
    WHERE cache_date BETWEEN $start_date AND $end_date
),

composite AS (
    SELECT * FROM nba_precompute.player_composite_factors
    WHERE game_date BETWEEN $start_date AND $end_date
),

shot AS (
    SELECT * FROM nba_precompute.player_shot_zone_analysis
    WHERE analysis_date BETWEEN $start_date AND $end_date
),

defense AS (
    SELECT * FROM nba_precompute.team_defense_zone_analysis
    WHERE analysis_date BETWEEN $start_date AND $end_date
),

joined AS (
    SELECT
        p.player_lookup, p.universal_player_id, p.game_date, p.game_id, p.team_abbr,
        p.opponent_team_abbr, p.home_game, p.back_to_back, p.season_phase, p.days_rest,
        p.opponent_days_rest, p.player_status, p.games_in_last_7_days AS ctx_games_7,
        f.carried_over, f.season_games, f.games_5, f.games_10, f.points_avg_5, f.points_avg_10,
        f.points_avg_season, f.minutes_avg_10, f.minutes_avg_season, f.points_sum_2,
        f.points_sum_5, f.ft_made_10, f.points_10, f.paint_att_10, f.mid_att_10, f.three_att_10,
        t.pace_avg_10, t.off_rating_avg_10,
        CASE WHEN t.team_season = p.season_year THEN t.team_season_games ELSE 0 END
            AS team_season_games,
        CASE WHEN t.team_season = p.season_year THEN t.team_season_wins ELSE 0 END
            AS team_season_wins,
        oc.opponent_def_rating_last_10, oc.opponent_pace_last_10,
        c.player_lookup IS NOT NULL AS has_cache,
        c.points_avg_last_5 AS c_points_5, c.points_avg_last_10 AS c_points_10,
        c.points_avg_season AS c_points_season, c.points_std_last_10 AS c_points_std,
        c.games_in_last_7_days AS c_games_7, c.minutes_avg_last_10 AS c_minutes_10,
        c.paint_rate_last_10 AS c_paint_rate, c.three_pt_rate_last_10 AS c_three_rate,
        c.team_pace_last_10 AS c_team_pace, c.team_off_rating_last_10 AS c_team_off_rating,
        c.expected_games_count, c.actual_games_count, c.completeness_percentage,
        c.missing_games_count, c.is_production_ready AS cache_ready,
        c.processed_at AS cache_updated, c.data_hash AS cache_hash,
        x.player_lookup IS NOT NULL AS has_composite,
        x.fatigue_score, x.shot_zone_mismatch_score, x.pace_score, x.usage_spike_score,
        x.processed_at AS composite_updated, x.data_hash AS composite_hash,
        s.player_lookup IS NOT NULL AS has_shot,
        s.paint_rate_last_10 AS s_paint_rate, s.mid_range_rate_last_10 AS s_mid_rate,
        s.three_pt_rate_last_10 AS s_three_rate,
        s.processed_at AS shot_updated, s.data_hash AS shot_hash,
        d.team_abbr IS NOT NULL AS has_defense,
        d.defensive_rating_last_15 AS d_def_rating, d.opponent_pace AS d_pace,
        d.processed_at AS defense_updated, d.data_hash AS defense_hash
    FROM players p
    JOIN form f USING (player_lookup, game_date)
    JOIN team t USING (player_lookup, game_date)
    LEFT JOIN opponent_context oc USING (player_lookup, game_date)
    LEFT JOIN cache c ON c.player_lookup = p.player_lookup AND c.cache_date = p.game_date
    LEFT JOIN composite x ON x.player_lookup = p.player_lookup AND x.game_date = p.game_date
    LEFT JOIN shot s ON s.player_lookup = p.player_lookup AND s.analysis_date = p.game_date
    LEFT JOIN defense d ON d.team_abbr = p.opponent_team_abbr AND d.analysis_date = p.game_date
),

-- Each feature as {v: value, s: source}, in v1_baseline_25 order.
features AS (
    SELECT
        *,
        [
            -- 0 points_avg_last_5: P4→P3→D (the Phase 3 mean needs 5 games)
            CASE WHEN c_points_5 IS NOT NULL THEN {'v': c_points_5, 's': 'phase4'}
                 WHEN games_5 >= 5 THEN {'v': points_avg_5, 's': 'phase3'}
                 ELSE {'v': 10.0, 's': 'default'} END,
            -- 1 points_avg_last_10: P4→P3→D
            CASE WHEN c_points_10 IS NOT NULL THEN {'v': c_points_10, 's': 'phase4'}
                 WHEN points_avg_10 IS NOT NULL THEN {'v': points_avg_10, 's': 'phase3'}
                 ELSE {'v': 10.0, 's': 'default'} END,
            -- 2 points_avg_season: P4→P3→D
            CASE WHEN c_points_season IS NOT NULL THEN {'v': c_points_season, 's': 'phase4'}
                 WHEN points_avg_season IS NOT NULL THEN {'v': points_avg_season, 's': 'phase3'}
                 ELSE {'v': 10.0, 's': 'default'} END,
            -- 3 points_std_last_10: P4→D
            CASE WHEN c_points_std IS NOT NULL THEN {'v': c_points_std, 's': 'phase4'}
                 ELSE {'v': 5.0, 's': 'default'} END,
            -- 4 games_in_last_7_days: P4→P3→D (Phase 3: the pre-game context)
            CASE WHEN c_games_7 IS NOT NULL THEN {'v': c_games_7, 's': 'phase4'}
                 WHEN ctx_games_7 IS NOT NULL THEN {'v': ctx_games_7, 's': 'phase3'}
                 ELSE {'v': 3.0, 's': 'default'} END,
            -- 5–8 composite factors: P4→D
            CASE WHEN fatigue_score IS NOT NULL THEN {'v': fatigue_score, 's': 'phase4'}
                 ELSE {'v': 50.0, 's': 'default'} END,
            CASE WHEN shot_zone_mismatch_score IS NOT NULL
                 THEN {'v': shot_zone_mismatch_score, 's': 'phase4'}
                 ELSE {'v': 0.0, 's': 'default'} END,
            CASE WHEN pace_score IS NOT NULL THEN {'v': pace_score, 's': 'phase4'}
                 ELSE {'v': 0.0, 's': 'default'} END,
            CASE WHEN usage_spike_score IS NOT NULL THEN {'v': usage_spike_score, 's': 'phase4'}
                 ELSE {'v': 0.0, 's': 'default'} END,
            -- 9 rest_advantage: C, days_rest − opponent_days_rest clamped to [−2, 2]
            CASE WHEN days_rest IS NOT NULL AND opponent_days_rest IS NOT NULL
                 THEN {'v': greatest(-2, least(2, days_rest - opponent_days_rest)), 's': 'calculated'}
                 ELSE {'v': 0.0, 's': 'default'} END,
            -- 10 injury_risk: C, from the injury report status
            CASE WHEN player_status IS NOT NULL THEN {'v': CASE lower(player_status)
                     WHEN 'probable' THEN 1 WHEN 'questionable' THEN 2
                     WHEN 'doubtful' THEN 3 WHEN 'out' THEN 3 ELSE 0 END, 's': 'calculated'}
                 ELSE {'v': 0.0, 's': 'default'} END,
            -- 11 recent_trend: C, newest two of the last five games against the three before
            CASE WHEN games_5 >= 5 THEN {'v': CASE
                     WHEN points_sum_2 / 2.0 - (points_sum_5 - points_sum_2) / 3.0 >= 5 THEN 2
                     WHEN points_sum_2 / 2.0 - (points_sum_5 - points_sum_2) / 3.0 >= 2 THEN 1
                     WHEN points_sum_2 / 2.0 - (points_sum_5 - points_sum_2) / 3.0 <= -5 THEN -2
                     WHEN points_sum_2 / 2.0 - (points_sum_5 - points_sum_2) / 3.0 <= -2 THEN -1
                     ELSE 0 END, 's': 'calculated'}
                 ELSE {'v': 0.0, 's': 'default'} END,
            -- 12 minutes_change: C, recent (cache, else last 10) against the season
            CASE WHEN coalesce(c_minutes_10, minutes_avg_10, 0) > 0 AND coalesce(minutes_avg_season, 0) > 0
                 THEN {'v': CASE
                     WHEN (coalesce(c_minutes_10, minutes_avg_10) - minutes_avg_season) / minutes_avg_season >= 0.20 THEN 2
                     WHEN (coalesce(c_minutes_10, minutes_avg_10) - minutes_avg_season) / minutes_avg_season >= 0.10 THEN 1
                     WHEN (coalesce(c_minutes_10, minutes_avg_10) - minutes_avg_season) / minutes_avg_season <= -0.20 THEN -2
                     WHEN (coalesce(c_minutes_10, minutes_avg_10) - minutes_avg_season) / minutes_avg_season <= -0.10 THEN -1
                     ELSE 0 END, 's': 'calculated'}
                 ELSE {'v': 0.0, 's': 'default'} END,
            -- 13 opponent_def_rating: P4→P3→D
            CASE WHEN d_def_rating IS NOT NULL THEN {'v': d_def_rating, 's': 'phase4'}
                 WHEN opponent_def_rating_last_10 IS NOT NULL
                 THEN {'v': opponent_def_rating_last_10, 's': 'phase3'}
                 ELSE {'v': 112.0, 's': 'default'} END,
            -- 14 opponent_pace: P4→P3→D
            CASE WHEN d_pace IS NOT NULL THEN {'v': d_pace, 's': 'phase4'}
                 WHEN opponent_pace_last_10 IS NOT NULL THEN {'v': opponent_pace_last_10, 's': 'phase3'}
                 ELSE {'v': 100.0, 's': 'default'} END,
            -- 15–17: P3, the game itself
            CASE WHEN home_game IS NOT NULL THEN {'v': home_game::INTEGER, 's': 'phase3'}
                 ELSE {'v': 0.0, 's': 'default'} END,
            CASE WHEN back_to_back IS NOT NULL THEN {'v': back_to_back::INTEGER, 's': 'phase3'}
                 ELSE {'v': 0.0, 's': 'default'} END,
            CASE WHEN season_phase IS NOT NULL
                 THEN {'v': (season_phase = 'playoffs')::INTEGER, 's': 'phase3'}
                 ELSE {'v': 0.0, 's': 'default'} END,
            -- 18–20 shot mix as fractions: P4 (shot zones, else cache) → P3 (last 10 games) → D
            CASE WHEN s_paint_rate IS NOT NULL THEN {'v': s_paint_rate / 100, 's': 'phase4'}
                 WHEN c_paint_rate IS NOT NULL THEN {'v': c_paint_rate / 100, 's': 'phase4'}
                 WHEN paint_att_10 + mid_att_10 + three_att_10 > 0
                 THEN {'v': paint_att_10 / (paint_att_10 + mid_att_10 + three_att_10), 's': 'phase3'}
                 ELSE {'v': 0.30, 's': 'default'} END,
            CASE WHEN s_mid_rate IS NOT NULL THEN {'v': s_mid_rate / 100, 's': 'phase4'}
                 WHEN paint_att_10 + mid_att_10 + three_att_10 > 0
                 THEN {'v': mid_att_10 / (paint_att_10 + mid_att_10 + three_att_10), 's': 'phase3'}
                 ELSE {'v': 0.20, 's': 'default'} END,
            CASE WHEN s_three_rate IS NOT NULL THEN {'v': s_three_rate / 100, 's': 'phase4'}
                 WHEN c_three_rate IS NOT NULL THEN {'v': c_three_rate / 100, 's': 'phase4'}
                 WHEN paint_att_10 + mid_att_10 + three_att_10 > 0
                 THEN {'v': three_att_10 / (paint_att_10 + mid_att_10 + three_att_10), 's': 'phase3'}
                 ELSE {'v': 0.35, 's': 'default'} END,
            -- 21 pct_free_throw: C, share of points from free throws over the last 10 (5+ games)
            CASE WHEN games_10 >= 5 AND points_10 > 0
                 THEN {'v': greatest(0, least(0.5, ft_made_10 / points_10)), 's': 'calculated'}
                 ELSE {'v': 0.15, 's': 'default'} END,
            -- 22–23 team form: P4→P3→D
            CASE WHEN c_team_pace IS NOT NULL THEN {'v': c_team_pace, 's': 'phase4'}
                 WHEN pace_avg_10 IS NOT NULL THEN {'v': pace_avg_10, 's': 'phase3'}
                 ELSE {'v': 100.0, 's': 'default'} END,
            CASE WHEN c_team_off_rating IS NOT NULL THEN {'v': c_team_off_rating, 's': 'phase4'}
                 WHEN off_rating_avg_10 IS NOT NULL THEN {'v': off_rating_avg_10, 's': 'phase3'}
                 ELSE {'v': 112.0, 's': 'default'} END,
            -- 24 team_win_pct: C, the season record before D (5+ games)
            CASE WHEN team_season_games >= 5
                 THEN {'v': team_season_wins / team_season_games, 's': 'calculated'}
                 ELSE {'v': 0.5, 's': 'default'} END
        ] AS raw_vector
    FROM joined
),

-- A value read from last season's form (features 0–2, 11, 12, 18–21) is tagged 'carried_over'.
carried AS (
    SELECT
        * EXCLUDE (raw_vector),
        CASE WHEN carried_over THEN list_transform(raw_vector, (f, i) ->
                 CASE WHEN list_contains([1, 2, 3, 12, 13, 19, 20, 21, 22], i)
                           AND f.s IN ('phase3', 'calculated')
                      THEN {'v': f.v, 's': 'carried_over'} ELSE f END)
             ELSE raw_vector END AS vector
    FROM features
),

scored AS (
    SELECT
        *,
        list_transform(vector, f -> round(CAST(f.v AS DOUBLE), 9)) AS values,
        list_transform(vector, f -> f.s) AS sources,
        round(list_sum(list_transform(vector, f -> CASE f.s
            WHEN 'phase4' THEN 100 WHEN 'phase3' THEN 75 WHEN 'calculated' THEN 100
            WHEN 'carried_over' THEN 60 ELSE 40 END))
            / 25.0, 2) AS quality,
        -- The Phase 4 share over the features Phase 4 can supply (0–8, 13, 14, 18–20, 22, 23).
        len(list_filter(list_select(vector, [1, 2, 3, 4, 5, 6, 7, 8, 9, 14, 15, 19, 20, 21, 23, 24]),
            f -> f.s = 'phase4')) / 16.0 AS phase4_share,
        len(list_filter(vector, f -> f.s = 'phase3')) / 25.0 AS phase3_share
    FROM carried
),

shaped AS (
    SELECT
        player_lookup,
        universal_player_id,
        game_date,
        game_id,
        CAST(to_json(values) AS VARCHAR) AS features,
        '["points_avg_last_5","points_avg_last_10","points_avg_season","points_std_last_10","games_in_last_7_days","fatigue_score","shot_zone_mismatch_score","pace_score","usage_spike_score","rest_advantage","injury_risk","recent_trend","minutes_change","opponent_def_rating","opponent_pace","home_away","back_to_back","playoff_game","pct_paint","pct_mid_range","pct_three","pct_free_throw","team_pace","team_off_rating","team_win_pct"]'
            AS feature_names,
        CAST(to_json(sources) AS VARCHAR) AS feature_sources,
        25 AS feature_count,
        'v1_baseline_25' AS feature_version,
        CAST(NULL AS INTEGER) AS feature_generation_time_ms,
        quality AS feature_quality_score,
        CASE WHEN quality >= 95 THEN 'gold' WHEN quality >= 75 THEN 'silver'
             WHEN quality >= 50 THEN 'bronze' WHEN quality >= 25 THEN 'poor' ELSE 'unusable' END
            AS quality_tier,
        opponent_team_abbr,
        home_game AS is_home,
        days_rest,
        CASE WHEN carried_over THEN 'carried_over'
             WHEN phase4_share >= 0.90 THEN 'phase4' WHEN phase4_share >= 0.50 THEN 'phase4_partial'
             WHEN phase3_share >= 0.50 THEN 'phase3' ELSE 'mixed' END AS data_source,
        cache_updated AS source_daily_cache_last_updated,
        has_cache::INTEGER AS source_daily_cache_rows_found,
        100.0 * has_cache::INTEGER AS source_daily_cache_completeness_pct,
        cache_hash AS source_daily_cache_hash,
        composite_updated AS source_composite_last_updated,
        has_composite::INTEGER AS source_composite_rows_found,
        100.0 * has_composite::INTEGER AS source_composite_completeness_pct,
        composite_hash AS source_composite_hash,
        shot_updated AS source_shot_zones_last_updated,
        has_shot::INTEGER AS source_shot_zones_rows_found,
        100.0 * has_shot::INTEGER AS source_shot_zones_completeness_pct,
        shot_hash AS source_shot_zones_hash,
        defense_updated AS source_team_defense_last_updated,
        has_defense::INTEGER AS source_team_defense_rows_found,
        100.0 * has_defense::INTEGER AS source_team_defense_completeness_pct,
        defense_hash AS source_team_defense_hash,
        carried_over OR coalesce(season_games, 0) < 10 AS early_season_flag,
        CASE WHEN carried_over THEN 'Season opener: features carried over from last season'
             WHEN coalesce(season_games, 0) < 10
             THEN 'Only ' || coalesce(season_games, 0) || ' games played this season, 10 wanted' END
            AS insufficient_data_reason,
        expected_games_count,
        actual_games_count,
        completeness_percentage,
        missing_games_count,
        coalesce(cache_ready, false) AND has_composite AND has_shot AND has_defense
            AS is_production_ready,
        CAST(to_json(list_filter([
            CASE WHEN NOT has_cache THEN 'upstream_player_daily_cache_missing'
                 WHEN NOT cache_ready THEN 'upstream_player_daily_cache_incomplete' END,
            CASE WHEN NOT has_composite THEN 'upstream_player_composite_factors_missing' END,
            CASE WHEN NOT has_shot THEN 'upstream_player_shot_zone_missing' END,
            CASE WHEN NOT has_defense THEN 'upstream_team_defense_zone_missing' END
        ], x -> x IS NOT NULL)) AS VARCHAR) AS data_quality_issues,
        unnest(backcourt.no_reprocessing(game_date)),
        greatest(cache_updated, composite_updated, shot_updated, defense_updated) AS created_at,
        greatest(cache_updated, composite_updated, shot_updated, defense_updated) AS updated_at
    FROM scored
)

SELECT
    *,
    -- Every player of the universe gets a row: no failure candidates, but the
    -- columns say so, so that a rerun clears any earlier failure rows of the date.
    CAST(NULL AS VARCHAR) AS failure_category,
    CAST(NULL AS VARCHAR) AS failure_reason,
    CAST(NULL AS BOOLEAN) AS can_retry,
    left(md5(CAST(row(
        player_lookup, universal_player_id, game_date, game_id, features, feature_names,
        feature_sources, feature_count, feature_version, feature_quality_score,
        opponent_team_abbr, is_home, days_rest, data_source, early_season_flag,
        insufficient_data_reason
    ) AS VARCHAR)), 16) AS data_hash
FROM shaped
