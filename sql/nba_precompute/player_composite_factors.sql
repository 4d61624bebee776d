-- nba_precompute.player_composite_factors (reference-phase4 §4, calculation_version v1_4factors):
-- per player with a game on the date, four adjustment factors and their sum.
--
-- The population and its pre-game context are `backcourt.pregame_context`: the players who played
-- (historical) or the live pre-game context (live), each with the context row of
-- upcoming_player_game_context or, when it has none, one rebuilt from player_game_summary. A
-- missing input is named in `missing_data_fields` and contributes no signal: a NULL projected
-- usage gives no usage spike (the reference defaulted it to 25 and invented spikes, §9.10), a NULL
-- pace differential no pace score. Fatigue keeps the reference's neutral defaults (§4.4).
--
-- Fatigue is 0–100 with 100 = fresh, everywhere.
-- Uses: backcourt.no_reprocessing, backcourt.pregame_context.
WITH ctx AS (
    -- Not the bootstrap dates that carry last season over: those are the feature store's alone.
    SELECT * FROM backcourt.pregame_context($mode, $start_date, $end_date) WHERE NOT carries_over
),

shot AS (
    SELECT player_lookup, analysis_date, primary_scoring_zone, paint_rate_last_10,
           mid_range_rate_last_10, three_pt_rate_last_10, is_production_ready, data_hash,
           processed_at
    FROM nba_precompute.player_shot_zone_analysis
    WHERE analysis_date BETWEEN $start_date AND $end_date
),

defense AS (
    SELECT team_abbr, analysis_date, paint_defense_vs_league_avg,
           mid_range_defense_vs_league_avg, three_pt_defense_vs_league_avg, weakest_zone,
           data_hash, processed_at
    FROM nba_precompute.team_defense_zone_analysis
    WHERE analysis_date BETWEEN $start_date AND $end_date
),

team_context AS (
    SELECT team_abbr, game_date, any_value(data_hash) AS data_hash,
           max(processed_at) AS processed_at
    FROM nba_analytics.upcoming_team_game_context
    WHERE game_date BETWEEN $start_date AND $end_date
    GROUP BY team_abbr, game_date
),

joined AS (
    SELECT
        c.*,
        c.context_source = 'upcoming_context' AS has_context,
        s.player_lookup IS NOT NULL AS has_shot,
        d.team_abbr IS NOT NULL AS has_defense,
        t.team_abbr IS NOT NULL AS has_team_context,
        s.primary_scoring_zone, s.is_production_ready AS shot_ready,
        s.data_hash AS shot_hash, s.processed_at AS shot_updated,
        d.weakest_zone AS opponent_weak_zone, d.data_hash AS defense_hash,
        d.processed_at AS defense_updated,
        t.data_hash AS team_context_hash, t.processed_at AS team_context_updated,
        -- The player's zone ('balanced' and unknown read as paint, §4.4) and the opponent there.
        CASE s.primary_scoring_zone
            WHEN 'mid_range' THEN s.mid_range_rate_last_10
            WHEN 'perimeter' THEN s.three_pt_rate_last_10
            ELSE s.paint_rate_last_10
        END AS zone_usage,
        CASE s.primary_scoring_zone
            WHEN 'mid_range' THEN d.mid_range_defense_vs_league_avg
            WHEN 'perimeter' THEN d.three_pt_defense_vs_league_avg
            ELSE d.paint_defense_vs_league_avg
        END AS zone_defense
    FROM ctx c
    LEFT JOIN shot s ON s.player_lookup = c.player_lookup AND s.analysis_date = c.game_date
    LEFT JOIN defense d ON d.team_abbr = c.opponent_team_abbr AND d.analysis_date = c.game_date
    LEFT JOIN team_context t ON t.team_abbr = c.team_abbr AND t.game_date = c.game_date
),

factors AS (
    SELECT
        *,
        -- Fatigue (§4.4.1), from 100 down; NULL inputs take the reference's neutral defaults.
        CAST(greatest(0, least(100,
            100
            + CASE WHEN coalesce(back_to_back, false) THEN -15
                   WHEN coalesce(days_rest, 1) >= 3 THEN 5 ELSE 0 END
            + CASE WHEN coalesce(games_in_last_7_days, 3) >= 4 THEN -10 ELSE 0 END
            + CASE WHEN coalesce(minutes_in_last_7_days, 200) > 240 THEN -10 ELSE 0 END
            + CASE WHEN coalesce(avg_minutes_per_game_last_7, 30) > 35 THEN -8 ELSE 0 END
            + CASE WHEN coalesce(back_to_backs_last_14_days, 0) >= 2 THEN -12
                   WHEN coalesce(back_to_backs_last_14_days, 0) = 1 THEN -5 ELSE 0 END
            + CASE WHEN coalesce(player_age, 25) >= 35 THEN -10
                   WHEN coalesce(player_age, 25) >= 30 THEN -5 ELSE 0 END
        )) AS INTEGER) AS fatigue,
        -- Shot-zone mismatch (§4.4.2): + = the opponent defends the player's zone worse than
        -- the league. Needs both the player's shot profile and the opponent's zone defence.
        CASE WHEN has_shot AND has_defense THEN
            greatest(-10, least(10,
                coalesce(zone_defense, 0) * least(coalesce(zone_usage, 50) / 50, 1)
                * CASE WHEN abs(coalesce(zone_defense, 0) * least(coalesce(zone_usage, 50) / 50, 1)) > 5
                       THEN 1.2 ELSE 1 END))
            ELSE 0 END AS mismatch,
        -- Pace (§4.4.3); NULL, not 0, without a pace differential, so that the feature store
        -- takes its default (tagged so) rather than a Phase 4 zero. The CASE is needed: DuckDB's
        -- greatest/least skip NULLs, so the clamp alone turned a missing differential into +3.
        CASE WHEN pace_differential IS NOT NULL
             THEN greatest(-3, least(3, pace_differential / 2)) END AS pace,
        -- Usage spike (§4.4.4): only from a real projection against a real baseline.
        CASE WHEN projected_usage_rate IS NULL OR coalesce(avg_usage_rate_last_7_games, 0) = 0
             THEN NULL
             ELSE greatest(-3, least(3,
                 (projected_usage_rate - avg_usage_rate_last_7_games) * 0.3
                 * CASE WHEN coalesce(star_teammates_out, 0) > 0
                         AND projected_usage_rate > avg_usage_rate_last_7_games
                        THEN CASE WHEN star_teammates_out >= 2 THEN 1.30 ELSE 1.15 END
                        ELSE 1 END))
        END AS usage_spike
    FROM joined
),

totalled AS (
    -- A factor not computed adjusts nothing.
    SELECT *, (fatigue - 100) / 20.0 + mismatch + coalesce(pace, 0) + coalesce(usage_spike, 0)
              AS total
    FROM factors
),

shaped AS (
    SELECT
        player_lookup,
        universal_player_id,
        game_date,
        game_id,
        game_date AS analysis_date,
        fatigue AS fatigue_score,
        round(mismatch, 1) AS shot_zone_mismatch_score,
        round(pace, 1) AS pace_score,
        round(usage_spike, 1) AS usage_spike_score,
        -- The reference's four deferred factors (§4.4 item 5) are not computed: NULL, not a
        -- constant 0.0 that reads as a measurement. Travel and the opponent's strength reach the
        -- model through fatigue, pace and opponent_def_rating; there is no referee feed; look-ahead
        -- needs the schedule as published before the game, which the lake does not keep.
        CAST(NULL AS DOUBLE) AS referee_favorability_score,
        CAST(NULL AS DOUBLE) AS look_ahead_pressure_score,
        CAST(NULL AS DOUBLE) AS travel_impact_score,
        CAST(NULL AS DOUBLE) AS opponent_strength_score,
        round(total, 2) AS total_composite_adjustment,
        CAST(json_object(
            'days_rest', days_rest, 'back_to_back', back_to_back,
            'games_last_7', games_in_last_7_days, 'minutes_last_7', minutes_in_last_7_days,
            'avg_minutes_pg_last_7', avg_minutes_per_game_last_7,
            'back_to_backs_last_14', back_to_backs_last_14_days, 'player_age', player_age,
            'final_score', fatigue) AS VARCHAR) AS fatigue_context_json,
        CAST(CASE WHEN has_shot AND has_defense THEN json_object(
            'player_primary_zone', primary_scoring_zone, 'opponent_weak_zone', opponent_weak_zone,
            'zone_usage_pct', zone_usage, 'opponent_vs_league_pct_points', zone_defense,
            'mismatch_type', CASE WHEN mismatch > 2 THEN 'favorable'
                                  WHEN mismatch < -2 THEN 'unfavorable' ELSE 'neutral' END,
            'final_score', round(mismatch, 1))
            ELSE json_object('missing_data', true) END AS VARCHAR) AS shot_zone_context_json,
        CAST(json_object(
            'pace_differential', pace_differential, 'opponent_pace_last_10', opponent_pace_last_10,
            'final_score', round(pace, 1)) AS VARCHAR) AS pace_context_json,
        CAST(json_object(
            'projected_usage_rate', projected_usage_rate,
            'avg_usage_last_7', avg_usage_rate_last_7_games,
            'usage_differential', projected_usage_rate - avg_usage_rate_last_7_games,
            'star_teammates_out', star_teammates_out,
            'final_score', round(usage_spike, 1)) AS VARCHAR) AS usage_context_json,
        'v1_4factors' AS calculation_version,
        20.0 * ((days_rest IS NOT NULL)::INTEGER + (projected_usage_rate IS NOT NULL)::INTEGER
                + (pace_differential IS NOT NULL)::INTEGER + has_shot::INTEGER
                + has_defense::INTEGER) AS data_completeness_pct,
        nullif(concat_ws(',',
            CASE WHEN days_rest IS NULL THEN 'days_rest' END,
            CASE WHEN projected_usage_rate IS NULL THEN 'projected_usage_rate' END,
            CASE WHEN pace_differential IS NULL THEN 'pace_differential' END,
            CASE WHEN NOT has_shot THEN 'player_shot_zone' END,
            CASE WHEN NOT has_defense THEN 'team_defense_zone' END), '') AS missing_data_fields,
        fatigue < 50 OR abs(mismatch) > 8 OR abs(total) > 12 AS has_warnings,
        nullif(concat_ws('; ',
            CASE WHEN fatigue < 50 THEN 'EXTREME_FATIGUE: score ' || fatigue END,
            CASE WHEN abs(mismatch) > 8 THEN 'EXTREME_MATCHUP: score ' || round(mismatch, 1) END,
            CASE WHEN abs(total) > 12
                 THEN 'EXTREME_ADJUSTMENT: total ' || round(total, 2) END
        ), '') AS warning_details,
        context_updated AS source_player_context_last_updated,
        has_context::INTEGER AS source_player_context_rows_found,
        100.0 * has_context::INTEGER AS source_player_context_completeness_pct,
        team_context_updated AS source_team_context_last_updated,
        has_team_context::INTEGER AS source_team_context_rows_found,
        100.0 * has_team_context::INTEGER AS source_team_context_completeness_pct,
        shot_updated AS source_player_shot_last_updated,
        has_shot::INTEGER AS source_player_shot_rows_found,
        100.0 * has_shot::INTEGER AS source_player_shot_completeness_pct,
        defense_updated AS source_team_defense_last_updated,
        has_defense::INTEGER AS source_team_defense_rows_found,
        100.0 * has_defense::INTEGER AS source_team_defense_completeness_pct,
        context_hash AS source_player_context_hash,
        team_context_hash AS source_team_context_hash,
        shot_hash AS source_player_shot_hash,
        defense_hash AS source_team_defense_hash,
        NOT has_shot AS early_season_flag,
        CASE WHEN NOT has_shot THEN 'No shot-zone profile (fewer than 10 games this season)' END
            AS insufficient_data_reason,
        CAST(NULL AS INTEGER) AS expected_games_count,
        CAST(NULL AS INTEGER) AS actual_games_count,
        data_completeness_pct AS completeness_percentage,
        CAST(NULL AS INTEGER) AS missing_games_count,
        coalesce(shot_ready, false) AND has_defense AND has_context AND has_team_context
            AS is_production_ready,
        CAST(to_json(list_filter([
            CASE WHEN NOT coalesce(shot_ready, false) THEN 'upstream_player_shot_zone_incomplete' END,
            CASE WHEN NOT has_defense THEN 'upstream_team_defense_zone_incomplete' END,
            CASE WHEN NOT has_context THEN 'upstream_player_context_incomplete' END,
            CASE WHEN NOT has_team_context THEN 'upstream_team_context_incomplete' END
        ], x -> x IS NOT NULL)) AS VARCHAR) AS data_quality_issues,
        unnest(backcourt.no_reprocessing(game_date)),
        coalesce(shot_ready, false) AS upstream_player_shot_ready,
        has_defense AS upstream_team_defense_ready,
        has_context AS upstream_player_context_ready,
        has_team_context AS upstream_team_context_ready,
        coalesce(shot_ready, false) AND has_defense AND has_context AND has_team_context
            AS all_upstreams_ready,
        greatest(context_updated, team_context_updated, shot_updated, defense_updated)
            AS created_at,
        greatest(context_updated, team_context_updated, shot_updated, defense_updated)
            AS processed_at
    FROM totalled
)

SELECT
    *,
    -- Every player of the universe gets a row: no failure candidates, but the
    -- columns say so, so that a rerun clears any earlier failure rows of the date.
    CAST(NULL AS VARCHAR) AS failure_category,
    CAST(NULL AS VARCHAR) AS failure_reason,
    CAST(NULL AS BOOLEAN) AS can_retry,
    left(md5(CAST(row(
        player_lookup, universal_player_id, game_date, game_id, fatigue_score,
        shot_zone_mismatch_score, pace_score, usage_spike_score, total_composite_adjustment,
        fatigue_context_json, shot_zone_context_json, pace_context_json, usage_context_json,
        data_completeness_pct, missing_data_fields, warning_details
    ) AS VARCHAR)), 16) AS data_hash
FROM shaped
