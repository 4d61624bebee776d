-- nba_analytics.upcoming_team_game_context
-- One row per (team_abbr, game_id) for both teams of every game in the range that was not postponed; date column game_date.
-- Schedule (rest, momentum, travel), game lines matched on (date, teams), the latest injury report, starters from player_game_summary.
-- Point in time: earlier games only; lines and reports published by the cutoff (tip-off, or $as_of when earlier). Params: $start_date, $end_date, $mode, $as_of.
-- Spec: shared/spec/reference-phase3.md §7; each [BUG] fixed is pinned in tests/it/upcoming_team_game_context.rs.
-- Uses: backcourt.game_id, backcourt.games, backcourt.injury_reports.

WITH schedule AS (
    -- The calendar's games (sql/backcourt/games.sql), in-progress ones included (§10.6).
    SELECT nba_game_id, game_date, season_year, home, away, game_status, home_team_score,
           away_team_score, winner, is_regular_season, tip, processed_at
    FROM backcourt.games
),

team_games AS (
    SELECT nba_game_id, game_date, season_year, home AS team_abbr, away AS opponent_team_abbr,
           true AS home_game, home AS venue, game_status, home_team_score AS team_score,
           away_team_score AS opponent_score, winner, processed_at
    FROM schedule
    UNION ALL
    SELECT nba_game_id, game_date, season_year, away, home, false, home, game_status,
           away_team_score, home_team_score, winner, processed_at
    FROM schedule
),

opening_nights AS (
    SELECT season_year, min(game_date) AS opening_night
    FROM schedule
    WHERE is_regular_season
    GROUP BY season_year
),

-- The games of the range, each with its information cutoff (tip-off, or the as-of time of a live
-- run if earlier) and its history horizon: games on dates before it are known (for a live run
-- made before the game's date, only those before the as-of date).
games AS (
    SELECT
        s.*,
        CASE WHEN $as_of IS NULL THEN s.tip ELSE least(s.tip, $as_of) END AS cutoff,
        CASE
            WHEN $as_of IS NULL THEN s.game_date
            ELSE least(s.game_date, CAST(timezone('America/New_York', $as_of) AS DATE))
        END AS horizon
    FROM schedule s
    WHERE s.game_date BETWEEN $start_date AND $end_date
),

targets AS (
    SELECT tg.*, g.cutoff, g.horizon, g.home, g.away, g.tip,
           -- One id across Phase 3 (reference §10.1): YYYYMMDD_AWAY_HOME from the schedule row.
           -- The reference wrote the NBA.com id here and the system id elsewhere, so joins missed.
           backcourt.game_id(g.game_date, g.away, g.home) AS game_id
    FROM team_games tg
    JOIN games g USING (nba_game_id, game_date)
),

-- The team's earlier games of the same season, newest first. The reference only looked back 30
-- days, so game numbers and streaks restarted every month (§10.6).
history AS (
    SELECT
        t.nba_game_id,
        t.team_abbr,
        h.game_date,
        h.venue,
        h.game_status,
        h.processed_at,
        h.team_score - h.opponent_score AS margin,
        CASE
            WHEN h.game_status <> 3 THEN NULL
            WHEN h.winner = h.team_abbr THEN 'W'
            WHEN h.winner = h.opponent_team_abbr THEN 'L'
            WHEN h.team_score > h.opponent_score THEN 'W'
            WHEN h.team_score < h.opponent_score THEN 'L'
        END AS result,
        row_number() OVER (PARTITION BY t.nba_game_id, t.team_abbr ORDER BY h.game_date DESC)
            AS rn
    FROM targets t
    JOIN team_games h
      ON h.team_abbr = t.team_abbr
     AND h.season_year = t.season_year
     AND h.game_date < t.horizon
),

results AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY nba_game_id, team_abbr ORDER BY game_date DESC) AS result_rn,
        first_value(result) OVER (PARTITION BY nba_game_id, team_abbr ORDER BY game_date DESC)
            AS latest_result
    FROM history
    WHERE result IS NOT NULL
),

momentum AS (
    SELECT
        nba_game_id,
        team_abbr,
        any_value(latest_result) AS last_game_result,
        max(margin) FILTER (WHERE result_rn = 1) AS last_game_margin,
        -- Consecutive results equal to the latest one, over the whole season.
        coalesce(min(result_rn) FILTER (WHERE result <> latest_result) - 1, count(*)) AS streak
    FROM results
    GROUP BY nba_game_id, team_abbr
),

fatigue AS (
    SELECT
        t.nba_game_id,
        t.team_abbr,
        max(h.game_date) AS last_game_date,
        count(h.game_date) AS games_before,
        -- Seven (fourteen) calendar days before the game: [D-7, D-1], as for players.
        count(h.game_date) FILTER (WHERE h.game_date >= t.game_date - 7) AS games_7,
        count(h.game_date) FILTER (WHERE h.game_date >= t.game_date - 14) AS games_14,
        -- Completeness (§7.2): every game of the calendar in the window, home and away (the
        -- reference counted only home games), against those whose result is recorded.
        count(h.game_date) FILTER (WHERE h.game_date >= t.game_date - 7 AND h.game_status = 3)
            AS final_7,
        count(h.game_date) FILTER (WHERE h.game_date >= t.game_date - 14 AND h.game_status = 3)
            AS final_14,
        -- The team arrives from its previous game's arena, or from home at the season's start.
        coalesce(any_value(h.venue) FILTER (WHERE h.rn = 1), t.team_abbr) AS previous_venue,
        max(h.processed_at) AS schedule_last_updated,
        count(h.game_date) + 1 AS schedule_rows
    FROM targets t
    LEFT JOIN history h USING (nba_game_id, team_abbr)
    GROUP BY t.nba_game_id, t.team_abbr, t.game_date
),

travel AS (
    SELECT
        coalesce(team_tricode(from_team), upper(trim(from_team))) AS from_team,
        coalesce(team_tricode(to_team), upper(trim(to_team))) AS to_team,
        max(distance_miles) AS distance_miles
    FROM nba_static.travel_distances
    GROUP BY ALL
),

-- Game lines carry an Odds-API event id that never equals the schedule's id (§10.1), so they are
-- matched on the date and the two teams, in either order.
lines AS (
    SELECT
        g.nba_game_id,
        lower(l.bookmaker_key) AS book,
        lower(l.market_key) AS market,
        l.snapshot_timestamp,
        -- The home team's spread: its own outcome, or minus the away team's. Keeping each side
        -- signed avoids the reference's median over both sides (+x/-x -> ~0, §6.2).
        CASE lower(l.market_key)
            WHEN 'spreads' THEN coalesce(
                max(l.outcome_point) FILTER (WHERE team_tricode(l.outcome_name) = g.home),
                -max(l.outcome_point) FILTER (WHERE team_tricode(l.outcome_name) = g.away))
            WHEN 'totals' THEN coalesce(
                max(l.outcome_point) FILTER (WHERE lower(trim(l.outcome_name)) = 'over'),
                max(l.outcome_point) FILTER (WHERE lower(trim(l.outcome_name)) = 'under'))
        END AS point,
        count(*) AS quote_rows
    FROM games g
    JOIN nba_raw.odds_api_game_lines l
      ON l.game_date = g.game_date
     AND l.snapshot_timestamp <= g.cutoff
     AND ((team_tricode(l.home_team) = g.home AND team_tricode(l.away_team) = g.away)
       OR (team_tricode(l.home_team) = g.away AND team_tricode(l.away_team) = g.home))
    WHERE l.game_date BETWEEN $start_date AND $end_date
    GROUP BY g.nba_game_id, lower(l.bookmaker_key), lower(l.market_key), l.snapshot_timestamp
),

ranked_lines AS (
    SELECT
        *,
        -- Bookmaker priority (§7.2): draftkings, then fanduel, then the rest alphabetically.
        dense_rank() OVER (
            PARTITION BY nba_game_id, market
            ORDER BY CASE book WHEN 'draftkings' THEN 1 WHEN 'fanduel' THEN 2 ELSE 3 END, book
        ) AS book_rank,
        row_number() OVER (PARTITION BY nba_game_id, market, book ORDER BY snapshot_timestamp DESC)
            AS newest,
        row_number() OVER (PARTITION BY nba_game_id, market, book ORDER BY snapshot_timestamp)
            AS oldest
    FROM lines
    WHERE point IS NOT NULL
),

game_lines AS (
    SELECT
        g.nba_game_id,
        max(r.point) FILTER (WHERE r.market = 'spreads' AND r.newest = 1) AS home_spread,
        max(r.point) FILTER (WHERE r.market = 'spreads' AND r.oldest = 1) AS home_spread_opening,
        max(r.book) FILTER (WHERE r.market = 'spreads') AS spread_source,
        max(r.snapshot_timestamp) FILTER (WHERE r.market = 'spreads' AND r.newest = 1) AS spread_at,
        max(r.point) FILTER (WHERE r.market = 'totals' AND r.newest = 1) AS total,
        max(r.point) FILTER (WHERE r.market = 'totals' AND r.oldest = 1) AS total_opening,
        max(r.book) FILTER (WHERE r.market = 'totals') AS total_source,
        max(r.snapshot_timestamp) FILTER (WHERE r.market = 'totals' AND r.newest = 1) AS total_at
    FROM games g
    JOIN ranked_lines r USING (nba_game_id)
    WHERE r.book_rank = 1
    GROUP BY g.nba_game_id
),

line_sources AS (
    SELECT nba_game_id, sum(quote_rows) AS rows_found, max(snapshot_timestamp) AS last_updated
    FROM lines
    GROUP BY nba_game_id
),

-- The injury report, normalised once for both context models (sql/backcourt/injury_reports.sql).
injuries AS (
    SELECT game_date, team_abbr, player_lookup, status, reason, published_at
    FROM backcourt.injury_reports($start_date, $end_date)
),

-- The latest league-wide report about the game's date published by the cutoff: a player left off
-- it is no longer on the report, so earlier reports are not read.
reports AS (
    SELECT g.nba_game_id, max(r.published_at) AS published_at
    FROM games g
    JOIN (SELECT DISTINCT game_date, published_at FROM injuries) r
      ON r.game_date = g.game_date AND r.published_at <= g.cutoff
    GROUP BY g.nba_game_id
),

team_report AS (
    SELECT
        t.nba_game_id,
        t.team_abbr,
        t.season_year,
        t.horizon,
        i.player_lookup,
        -- A player listed twice in one report takes his most severe status.
        arg_max(i.status, CASE i.status
            WHEN 'out' THEN 5 WHEN 'doubtful' THEN 4 WHEN 'questionable' THEN 3
            WHEN 'probable' THEN 2 ELSE 1 END) AS status
    FROM targets t
    JOIN reports r USING (nba_game_id)
    JOIN injuries i
      ON i.game_date = t.game_date AND i.team_abbr = t.team_abbr AND i.published_at = r.published_at
    GROUP BY ALL
),

-- "Starters out" counts regular starters only (the reference counted every player ruled out,
-- §10.6): a player who started at least half of his last ten games for the team this season.
starters_out AS (
    SELECT o.nba_game_id, o.team_abbr, o.player_lookup, p.starter_flag
    FROM team_report o
    JOIN (
        SELECT player_lookup, team_abbr, season_year, game_date, starter_flag
        FROM nba_analytics.player_game_summary
    ) p
      ON p.player_lookup = o.player_lookup
     AND p.team_abbr = o.team_abbr
     AND p.season_year = o.season_year
     AND p.game_date < o.horizon
    WHERE o.status = 'out'
    QUALIFY row_number() OVER (
        PARTITION BY o.nba_game_id, o.team_abbr, o.player_lookup ORDER BY p.game_date DESC) <= 10
),

personnel AS (
    SELECT
        t.nba_game_id,
        t.team_abbr,
        any_value(r.published_at) AS report_at,
        count(tr.player_lookup) AS report_rows,
        count(tr.player_lookup) FILTER (WHERE tr.status IN ('questionable', 'doubtful'))
            AS questionable_players_count
    FROM targets t
    LEFT JOIN reports r USING (nba_game_id)
    LEFT JOIN team_report tr USING (nba_game_id, team_abbr)
    GROUP BY t.nba_game_id, t.team_abbr
),

starters AS (
    SELECT nba_game_id, team_abbr, count(*) AS starters_out_count
    FROM (
        SELECT nba_game_id, team_abbr, player_lookup
        FROM starters_out
        GROUP BY ALL
        -- Games with an unknown starter flag are left out of the share.
        HAVING avg(CAST(starter_flag AS DOUBLE)) >= 0.5
    )
    GROUP BY ALL
),

assembled AS (
    SELECT
        t.team_abbr,
        t.game_id,
        t.game_date,
        t.season_year,
        t.opponent_team_abbr,
        t.home_game,
        t.game_date - f.last_game_date AS days_since_last_game,
        -- Team rest counts the days in between: 0 is a back-to-back (§7.2).
        t.game_date - f.last_game_date - 1 AS team_days_rest,
        f.games_before + 1 AS game_number_in_season,
        f.games_7,
        f.games_14,
        f.final_7,
        f.final_14,
        -- From the team's own view: negative when it is favoured.
        -- (+ 0.0 turns IEEE -0.0 into 0.0, so a pick'em hashes and prints alike for both teams.)
        CASE WHEN t.home_game THEN gl.home_spread ELSE -gl.home_spread END + 0.0 AS game_spread,
        gl.total AS game_total,
        gl.spread_source,
        gl.total_source,
        CASE WHEN t.home_game THEN 1 ELSE -1 END * (gl.home_spread - gl.home_spread_opening) + 0.0
            AS spread_movement,
        gl.total - gl.total_opening + 0.0 AS total_movement,
        greatest(gl.spread_at, gl.total_at) AS betting_lines_updated_at,
        -- Counts are only known when a report was published before the cutoff.
        CASE WHEN p.report_at IS NOT NULL THEN coalesce(st.starters_out_count, 0) END
            AS starters_out_count,
        CASE WHEN p.report_at IS NOT NULL THEN p.questionable_players_count END
            AS questionable_players_count,
        CASE WHEN m.last_game_result = 'W' THEN m.streak ELSE 0 END AS team_win_streak_entering,
        CASE WHEN m.last_game_result = 'L' THEN m.streak ELSE 0 END AS team_loss_streak_entering,
        m.last_game_margin,
        m.last_game_result,
        -- Miles from the previous game's arena to this one's (home after home is 0; a pair
        -- missing from the distance table is unknown, not 0).
        CASE WHEN f.previous_venue = t.venue THEN 0 ELSE tr.distance_miles END AS travel_miles,
        f.schedule_last_updated,
        f.schedule_rows,
        greatest(f.schedule_last_updated, t.processed_at) AS schedule_updated,
        ls.rows_found AS line_rows,
        ls.last_updated AS lines_updated,
        p.report_at,
        p.report_rows,
        o.opening_night,
        t.cutoff
    FROM targets t
    JOIN fatigue f USING (nba_game_id, team_abbr)
    LEFT JOIN momentum m USING (nba_game_id, team_abbr)
    LEFT JOIN game_lines gl USING (nba_game_id)
    LEFT JOIN line_sources ls USING (nba_game_id)
    LEFT JOIN personnel p USING (nba_game_id, team_abbr)
    LEFT JOIN starters st USING (nba_game_id, team_abbr)
    LEFT JOIN travel tr ON tr.from_team = f.previous_venue AND tr.to_team = t.venue
    LEFT JOIN opening_nights o USING (season_year)
),

scored AS (
    SELECT
        *,
        -- An empty window had nothing to miss: 100 %.
        CASE WHEN games_7 = 0 THEN 100.0 ELSE round(100.0 * final_7 / games_7, 1) END AS l7d_pct,
        CASE WHEN games_14 = 0 THEN 100.0 ELSE round(100.0 * final_14 / games_14, 1) END AS l14d_pct,
        coalesce(game_date - opening_night BETWEEN 0 AND 13, false) AS bootstrap
    FROM assembled
),

graded AS (
    SELECT
        *,
        CASE WHEN l14d_pct >= 95 THEN 'gold' WHEN l14d_pct >= 75 THEN 'silver'
             WHEN l14d_pct >= 50 THEN 'bronze' ELSE 'poor' END AS tier,
        CASE WHEN l14d_pct >= 95 THEN 95.0 WHEN l14d_pct >= 75 THEN 75.0
             WHEN l14d_pct >= 50 THEN 50.0 ELSE 25.0 END AS score,
        CAST(to_json(list_sort(list_distinct([
            CASE WHEN l7d_pct < 100 THEN 'l7d_incomplete:' || l7d_pct || '%' END,
            CASE WHEN l14d_pct < 100 THEN 'l14d_incomplete:' || l14d_pct || '%' END,
            CASE WHEN game_spread IS NULL THEN 'missing_game_spread' END,
            CASE WHEN game_total IS NULL THEN 'missing_game_total' END,
            CASE WHEN report_at IS NULL THEN 'missing_injury_report' END,
            CASE WHEN travel_miles IS NULL THEN 'missing_travel_distance' END,
            CASE WHEN bootstrap THEN 'bootstrap_mode' END
        ]))) AS VARCHAR) AS issues,
        CAST(to_json(list_sort(list_distinct([
            'nbac_schedule',
            CASE WHEN line_rows > 0 THEN 'odds_api_game_lines' END,
            CASE WHEN report_at IS NOT NULL THEN 'nbac_injury_report' END,
            CASE WHEN travel_miles > 0 THEN 'travel_distances' END
        ]))) AS VARCHAR) AS sources,
        greatest(schedule_updated, lines_updated, report_at) AS updated_at
    FROM scored
)

SELECT
    team_abbr,
    game_id,
    game_date,
    CAST(season_year AS INTEGER) AS season_year,
    opponent_team_abbr,
    home_game,
    team_days_rest = 0 AS is_back_to_back,
    CAST(days_since_last_game AS INTEGER) AS days_since_last_game,
    CAST(game_number_in_season AS INTEGER) AS game_number_in_season,
    CAST(team_days_rest AS INTEGER) AS team_days_rest,
    team_days_rest = 0 AS team_back_to_back,
    CAST(games_7 AS INTEGER) AS games_in_last_7_days,
    CAST(games_14 AS INTEGER) AS games_in_last_14_days,
    game_spread,
    game_total,
    spread_source AS game_spread_source,
    total_source AS game_total_source,
    spread_movement,
    total_movement,
    betting_lines_updated_at,
    CAST(starters_out_count AS INTEGER) AS starters_out_count,
    CAST(questionable_players_count AS INTEGER) AS questionable_players_count,
    CAST(team_win_streak_entering AS INTEGER) AS team_win_streak_entering,
    CAST(team_loss_streak_entering AS INTEGER) AS team_loss_streak_entering,
    CAST(last_game_margin AS INTEGER) AS last_game_margin,
    last_game_result,
    CAST(travel_miles AS INTEGER) AS travel_miles,
    -- Source tracking (§1 item 4), from the rows this game actually read.
    schedule_updated AS source_nbac_schedule_last_updated,
    CAST(schedule_rows AS INTEGER) AS source_nbac_schedule_rows_found,
    l14d_pct AS source_nbac_schedule_completeness_pct,
    left(md5(concat_ws('|', schedule_updated, schedule_rows)), 16) AS source_nbac_schedule_hash,
    lines_updated AS source_odds_lines_last_updated,
    CAST(coalesce(line_rows, 0) AS INTEGER) AS source_odds_lines_rows_found,
    CASE WHEN line_rows > 0 THEN 100.0 ELSE 0.0 END AS source_odds_lines_completeness_pct,
    CASE WHEN line_rows > 0 THEN left(md5(concat_ws('|', lines_updated, line_rows)), 16) END
        AS source_odds_lines_hash,
    report_at AS source_injury_report_last_updated,
    CAST(coalesce(report_rows, 0) AS INTEGER) AS source_injury_report_rows_found,
    CASE WHEN report_at IS NOT NULL THEN 100.0 ELSE 0.0 END AS source_injury_report_completeness_pct,
    CASE WHEN report_at IS NOT NULL THEN left(md5(concat_ws('|', report_at, report_rows)), 16) END
        AS source_injury_report_hash,
    bootstrap AS early_season_flag,
    CASE
        WHEN days_since_last_game IS NULL THEN 'first_game_of_season'
        WHEN bootstrap THEN 'early_season'
    END AS insufficient_data_reason,
    tier AS quality_tier,
    score AS quality_score,
    issues AS quality_issues,
    sources AS data_sources,
    CAST(games_14 AS INTEGER) AS quality_sample_size,
    false AS quality_used_fallback,
    false AS quality_reconstructed,
    updated_at AS quality_calculated_at,
    CAST(json_object('cutoff', CAST(cutoff AS VARCHAR), 'mode', $mode) AS VARCHAR) AS quality_metadata,
    CAST(games_14 AS INTEGER) AS expected_games_count,
    CAST(final_14 AS INTEGER) AS actual_games_count,
    l14d_pct AS completeness_percentage,
    CAST(games_14 - final_14 AS INTEGER) AS missing_games_count,
    -- §7.2: both windows ready (≥ 90 %), no bootstrap override.
    l7d_pct >= 90 AND l14d_pct >= 90 AS is_production_ready,
    issues AS data_quality_issues,
    CAST(NULL AS TIMESTAMPTZ) AS last_reprocess_attempt_at,
    0 AS reprocess_attempt_count,
    false AS circuit_breaker_active,
    CAST(NULL AS TIMESTAMPTZ) AS circuit_breaker_until,
    false AS manual_override_required,
    month(game_date) IN (10, 11, 4) AS season_boundary_detected,
    bootstrap AS backfill_bootstrap_mode,
    'processed_successfully' AS processing_decision_reason,
    l7d_pct AS l7d_completeness_pct,
    final_7 >= games_7 AS l7d_is_complete,
    l14d_pct AS l14d_completeness_pct,
    final_14 >= games_14 AS l14d_is_complete,
    final_7 >= games_7 AND final_14 >= games_14 AS all_windows_complete,
    left(md5(CAST(row(
        team_abbr, game_id, game_date, season_year, opponent_team_abbr, home_game,
        days_since_last_game, game_number_in_season, team_days_rest, games_7, games_14,
        game_spread, game_total, spread_source, total_source, spread_movement, total_movement,
        betting_lines_updated_at, starters_out_count, questionable_players_count,
        team_win_streak_entering, team_loss_streak_entering, last_game_margin, last_game_result,
        travel_miles
    ) AS VARCHAR)), 16) AS data_hash,
    updated_at AS processed_at,
    updated_at AS created_at
FROM graded
