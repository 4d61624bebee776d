-- nba_analytics.upcoming_player_game_context
-- One row per (player_lookup, game_id): historical mode, each player who played (player_game_summary); live mode, each rostered player not ruled out; date column game_date.
-- History from player_game_summary; pace and opponent ratings from team_offense_game_summary; lines, rest and travel from upcoming_team_game_context; props, injury report and rosters from the raw feeds.
-- Point in time: history from earlier dates only; props, reports and rosters published by the cutoff (tip-off, or $as_of when earlier). Params: $start_date, $end_date, $mode, $as_of.
-- Spec: shared/spec/reference-phase3.md §6; each [BUG] fixed is pinned in tests/it/upcoming_player_game_context.rs.
-- Uses: backcourt.game_id, backcourt.games, backcourt.injury_reports, backcourt.name_candidates,
--      backcourt.player_spelling_map, backcourt.pregame_lines.

WITH schedule AS (
    -- The calendar's games (sql/backcourt/games.sql).
    SELECT nba_game_id, game_date, season_year, home, away, game_status, is_regular_season,
           season_phase, tip
    FROM backcourt.games
),

opening_nights AS (
    SELECT season_year, min(game_date) AS opening_night
    FROM schedule
    WHERE is_regular_season
    GROUP BY season_year
),

-- Both teams of every game in the range. The game id is the system id built from the schedule
-- (AWAY_HOME as the schedule has it), whatever the mode, as in every Phase 3 table: the reference
-- wrote NBA.com ids in daily mode and gamebook ids in backfill mode (§10.1).
team_games AS (
    SELECT
        s.nba_game_id,
        backcourt.game_id(s.game_date, s.away, s.home) AS game_id,
        s.game_date,
        s.season_year,
        s.team_abbr,
        s.opponent_team_abbr,
        s.home_game,
        s.season_phase,
        -- The information cutoff: tip-off, or the as-of time of a live run if earlier.
        CASE WHEN $as_of IS NULL THEN s.tip ELSE least(s.tip, $as_of) END AS cutoff,
        -- Games on dates before the horizon are known (for a live run made before the game's
        -- date, only those before the as-of date).
        CASE
            WHEN $as_of IS NULL THEN s.game_date
            ELSE least(s.game_date, CAST(timezone('America/New_York', $as_of) AS DATE))
        END AS horizon
    FROM (
        SELECT *, home AS team_abbr, away AS opponent_team_abbr, true AS home_game FROM schedule
        UNION ALL
        SELECT *, away, home, false FROM schedule
    ) s
    WHERE s.game_date BETWEEN $start_date AND $end_date
),

team_context AS (
    SELECT c.*, o.days_since_last_game AS opponent_days_since_last_game
    FROM nba_analytics.upcoming_team_game_context c
    LEFT JOIN nba_analytics.upcoming_team_game_context o
      ON o.game_id = c.game_id AND o.game_date = c.game_date AND o.team_abbr = c.opponent_team_abbr
    WHERE c.game_date BETWEEN $start_date AND $end_date
),

-- Spelling -> canonical lookup, shared by every model (sql/backcourt/player_spellings.sql).
names AS (SELECT spelling, canonical FROM backcourt.player_spelling_map),

pgs AS (
    SELECT player_lookup, universal_player_id, game_id, game_date, team_abbr, opponent_team_abbr,
           season_year, points, minutes_played, usage_rate, processed_at
    FROM nba_analytics.player_game_summary
),

-- Historical population: the players who played each game (the reference's backfill driver kept
-- DNPs because it compared 'DNP' with the feed's lowercase 'dnp', §10.4).
appeared AS (
    SELECT player_lookup, universal_player_id, team_abbr, game_date, game_id, opponent_team_abbr,
           season_year
    FROM pgs
    WHERE $mode = 'historical' AND game_date BETWEEN $start_date AND $end_date
    QUALIFY row_number() OVER (PARTITION BY player_lookup, game_date ORDER BY game_id, team_abbr) = 1
),

-- Live population: each team's latest roster on or before the date (and the as-of date), within
-- 90 days; per team, where the reference took one roster date for the whole league.
rosters AS (
    SELECT
        roster_date,
        coalesce(team_tricode(team_abbr), upper(trim(team_abbr))) AS team_abbr,
        player_lookup(player_lookup) AS source_lookup,
        player_lookup(player_full_name) AS name_lookup
    FROM nba_raw.espn_team_rosters
    WHERE $mode = 'live'
      AND roster_date BETWEEN $start_date - INTERVAL 90 DAY AND $end_date
),

roster_dates AS (
    SELECT tg.game_id, tg.team_abbr, max(r.roster_date) AS roster_date
    FROM team_games tg
    JOIN rosters r
      ON r.team_abbr = tg.team_abbr
     AND r.roster_date <= tg.horizon
     AND r.roster_date >= tg.game_date - INTERVAL 90 DAY
    GROUP BY tg.game_id, tg.team_abbr
),

rostered AS (
    SELECT DISTINCT
        coalesce(n1.canonical, n2.canonical, r.source_lookup) AS player_lookup,
        tg.team_abbr,
        tg.game_date
    FROM roster_dates d
    JOIN team_games tg USING (game_id, team_abbr)
    JOIN rosters r ON r.team_abbr = d.team_abbr AND r.roster_date = d.roster_date
    LEFT JOIN names n1 ON n1.spelling = r.source_lookup
    LEFT JOIN names n2 ON n2.spelling = r.name_lookup
),

drivers AS (
    SELECT player_lookup, universal_player_id, team_abbr, game_date, game_id AS pgs_game_id,
           opponent_team_abbr AS pgs_opponent, season_year AS pgs_season
    FROM appeared
    UNION ALL
    SELECT player_lookup, NULL, team_abbr, game_date, NULL, NULL, NULL
    FROM rostered
),

targets AS (
    SELECT
        d.player_lookup,
        coalesce(d.universal_player_id, reg.universal_player_id) AS universal_player_id,
        d.team_abbr,
        d.game_date,
        -- A box-score row whose team has no schedule game that date keeps its own id.
        coalesce(tg.game_id, d.pgs_game_id) AS game_id,
        tg.nba_game_id,
        coalesce(tg.opponent_team_abbr, d.pgs_opponent) AS opponent_team_abbr,
        tg.home_game,
        tg.season_phase,
        coalesce(tg.season_year, d.pgs_season,
                 year(d.game_date) - CASE WHEN month(d.game_date) >= 10 THEN 0 ELSE 1 END)
            AS season_year,
        coalesce(tg.cutoff, least(timezone('America/New_York', d.game_date + to_hours(12)), $as_of))
            AS cutoff,
        coalesce(tg.horizon, least(d.game_date,
                 CAST(timezone('America/New_York', $as_of) AS DATE))) AS horizon
    FROM drivers d
    LEFT JOIN team_games tg ON tg.team_abbr = d.team_abbr AND tg.game_date = d.game_date
    -- A box score without a universal id, and every rostered player, take the registry's.
    LEFT JOIN (
        SELECT player_lookup, min(universal_player_id) AS universal_player_id
        FROM nba_reference.nba_players_registry
        GROUP BY player_lookup
    ) reg ON reg.player_lookup = d.player_lookup
),

-- The injury report, normalised once for both context models (sql/backcourt/injury_reports.sql).
injuries AS (
    SELECT game_date, team_abbr, player_lookup, status, reason, published_at
    FROM backcourt.injury_reports($start_date, $end_date)
),

-- The latest league-wide report about the date published by the game's cutoff; a player left off
-- it is no longer on the report.
reports AS (
    SELECT tg.game_id, tg.team_abbr, tg.game_date, max(r.published_at) AS published_at
    FROM team_games tg
    JOIN (SELECT DISTINCT game_date, published_at FROM injuries) r
      ON r.game_date = tg.game_date AND r.published_at <= tg.cutoff
    GROUP BY tg.game_id, tg.team_abbr, tg.game_date
),

team_report AS (
    SELECT
        r.game_id,
        r.team_abbr,
        i.player_lookup,
        -- A player listed twice in one report takes his most severe status.
        arg_max(i.status || '|' || coalesce(i.reason, ''), CASE i.status
            WHEN 'out' THEN 5 WHEN 'doubtful' THEN 4 WHEN 'questionable' THEN 3
            WHEN 'probable' THEN 2 ELSE 1 END) AS status_reason
    FROM reports r
    JOIN injuries i
      ON i.game_date = r.game_date AND i.team_abbr = r.team_abbr AND i.published_at = r.published_at
    GROUP BY r.game_id, r.team_abbr, i.player_lookup
),

statuses AS (
    SELECT
        t.player_lookup,
        t.game_id,
        r.published_at AS report_at,
        -- Off a published report means no designation: available. No report: unknown.
        CASE
            WHEN me.status_reason IS NOT NULL THEN split_part(me.status_reason, '|', 1)
            WHEN r.published_at IS NOT NULL THEN 'available'
        END AS player_status,
        nullif(split_part(me.status_reason, '|', 2), '') AS injury_report,
        CASE WHEN r.published_at IS NOT NULL THEN count(mate.player_lookup) FILTER (
            WHERE split_part(mate.status_reason, '|', 1) IN ('questionable', 'doubtful')) END
            AS questionable_teammates,
        CASE WHEN r.published_at IS NOT NULL THEN count(mate.player_lookup) FILTER (
            WHERE split_part(mate.status_reason, '|', 1) = 'probable') END AS probable_teammates,
        count(mate.player_lookup) + (me.status_reason IS NOT NULL)::INTEGER AS report_rows
    FROM targets t
    LEFT JOIN reports r ON r.game_id = t.game_id AND r.team_abbr = t.team_abbr
    LEFT JOIN team_report me
      ON me.game_id = t.game_id AND me.team_abbr = t.team_abbr AND me.player_lookup = t.player_lookup
    LEFT JOIN team_report mate
      ON mate.game_id = t.game_id AND mate.team_abbr = t.team_abbr
     AND mate.player_lookup <> t.player_lookup
    GROUP BY t.player_lookup, t.game_id, r.published_at, me.status_reason
),

-- Each team's form after each of its games: pace and the rating it allowed (the opponent's
-- offensive rating in the same game) over its last 10 games of the season. DECIMAL: exact sums,
-- the same bytes whatever range is computed.
team_box_form AS (
    SELECT team_abbr, season_year, game_date,
           avg(pace) OVER w AS pace_10,
           avg(def_rating) OVER w AS def_rating_10,
           count(pace) OVER w AS pace_games,
           count(def_rating) OVER w AS def_rating_games
    FROM (
        SELECT o.team_abbr, o.game_date, o.season_year, CAST(o.pace AS DECIMAL(18, 6)) AS pace,
               CAST(d.offensive_rating AS DECIMAL(18, 6)) AS def_rating
        FROM nba_analytics.team_offense_game_summary o
        LEFT JOIN nba_analytics.team_offense_game_summary d
          ON d.game_id = o.game_id AND d.team_abbr = o.opponent_team_abbr
        WHERE o.game_date BETWEEN $start_date - INTERVAL 300 DAY AND $end_date
    )
    WINDOW w AS (PARTITION BY team_abbr, season_year ORDER BY game_date ROWS 9 PRECEDING)
),

-- Per game in the range and side, that form at the team's last game before the horizon.
team_recent AS (
    SELECT tg.game_id, tg.team_abbr, f.pace_10, f.def_rating_10, f.pace_games, f.def_rating_games
    FROM team_games tg
    ASOF LEFT JOIN team_box_form f
      ON f.team_abbr = tg.team_abbr AND f.season_year = tg.season_year
     AND tg.horizon > f.game_date
),

-- Teammates ruled out on the report the game's cutoff sees, with their last 10 games played of
-- the season before the horizon: the usage they leave to the others, and whether they are stars.
-- MATERIALIZED, so that the few players ruled out meet the box scores by player: planned as one
-- query, DuckDB joined every box score to every game of its season first (133 M rows over four
-- seasons, a 20 GiB process) and only then kept the players ruled out.
ruled_out AS MATERIALIZED (
    SELECT r.game_id, r.team_abbr, r.player_lookup, tg.season_year, tg.horizon
    FROM team_report r
    JOIN team_games tg USING (game_id, team_abbr)
    WHERE split_part(r.status_reason, '|', 1) = 'out'
),

out_history AS (
    SELECT o.game_id, o.team_abbr, o.player_lookup, h.usage_rate, h.minutes_played, h.points,
           row_number() OVER (PARTITION BY o.game_id, o.team_abbr, o.player_lookup
                              ORDER BY h.game_date DESC, h.game_id) AS rn
    FROM ruled_out o
    JOIN pgs h
      ON h.player_lookup = o.player_lookup AND h.season_year = o.season_year
     AND h.game_date < o.horizon AND h.minutes_played > 0
),

out_teammates AS (
    SELECT game_id, team_abbr, player_lookup,
           avg(points ORDER BY rn) AS points_10,
           -- The share of the team's possessions he used: usage% x his share of the 48 minutes.
           avg(usage_rate ORDER BY rn) / 100.0 * avg(minutes_played ORDER BY rn) / 48.0
               AS possession_share
    FROM out_history
    WHERE rn <= 10
    GROUP BY game_id, team_abbr, player_lookup
),

teammates_out AS (
    SELECT t.player_lookup, t.game_id,
           count(*) FILTER (WHERE o.points_10 >= 18) AS stars_out,
           sum(o.possession_share ORDER BY o.player_lookup) AS freed_share
    FROM targets t
    JOIN out_teammates o
      ON o.game_id = t.game_id AND o.team_abbr = t.team_abbr AND o.player_lookup <> t.player_lookup
    GROUP BY t.player_lookup, t.game_id
),

-- Prop names are resolved against the players the gamebook lists and those of the box score
-- (player_game_summary's rows), or in a live run the rosters: the candidates player_game_summary
-- passes to the same line picker (sql/backcourt/pregame_lines.sql), so the two tables agree on
-- every line. Props are matched on (date, team, player): the feed's game ids may be reversed.
line_candidates AS (SELECT * FROM backcourt.name_candidates($start_date, $end_date)),

-- One line per player-game (the reference's props join could fan out, §6.1): the last snapshot
-- before tip-off (and the as-of time of a live run); the reference took an arbitrary snapshot,
-- in-game ones included (§10.3).
player_lines AS (
    SELECT game_date, team_abbr, player_lookup,
           points_line_source AS book, points_line AS current_line, opening_line,
           line_rows AS prop_rows, line_updated_at AS props_updated, line_feed,
           tip_source AS line_tip_source, name_method AS line_name_method
    FROM backcourt.pregame_lines('line_candidates', $start_date, $end_date, $as_of)
),

lined AS (
    SELECT t.*, l.book, l.current_line, l.opening_line, l.prop_rows, l.props_updated, l.line_feed,
           l.line_tip_source, l.line_name_method
    FROM targets t
    LEFT JOIN player_lines l USING (game_date, team_abbr, player_lookup)
),

-- One integer per player-game, so that the history below (3.9 M rows over four seasons) is
-- partitioned, sorted and grouped on it rather than on two strings.
keyed AS MATERIALIZED (
    SELECT player_lookup, game_id, game_date, season_year, horizon, current_line,
           dense_rank() OVER (ORDER BY player_lookup, game_id) AS target_id
    FROM lined
),

-- The player's games of the season on earlier dates, newest first. A game with zero minutes is a
-- DNP and not a game played (the reference's L5/L10 counted DNP rows, §10.4).
history AS (
    SELECT
        t.target_id,
        t.game_date AS target_date,
        h.game_date,
        h.points,
        h.minutes_played,
        h.usage_rate,
        h.processed_at,
        row_number() OVER w AS rn,
        lead(h.game_date) OVER w AS older_date,
        -- The prop walk (§6.3): each game against the current line, newest first; a game the
        -- other way (or without points) ends the streak, a push neither counts nor ends it.
        sum(CASE WHEN h.points IS NULL OR h.points < t.current_line THEN 1 ELSE 0 END)
            OVER w AS over_breaks,
        sum(CASE WHEN h.points IS NULL OR h.points > t.current_line THEN 1 ELSE 0 END)
            OVER w AS under_breaks,
        h.points > t.current_line AS over_line,
        h.points < t.current_line AS under_line
    FROM keyed t
    JOIN pgs h
      ON h.player_lookup = t.player_lookup
     AND h.season_year = t.season_year
     AND h.game_date < t.horizon
    WHERE coalesce(h.minutes_played > 0, true)
    WINDOW w AS (PARTITION BY t.target_id ORDER BY h.game_date DESC, h.game_id)
),

form_by_key AS (
    SELECT
        target_id,
        max(game_date) AS last_date,
        max(game_date) FILTER (WHERE rn = 2) AS previous_date,
        -- The newer game of the most recent pair at least two days apart.
        arg_min(game_date, rn) FILTER (WHERE game_date - older_date >= 2) AS rested_date,
        count(*) FILTER (WHERE game_date >= target_date - 7) AS games_7,
        count(*) FILTER (WHERE game_date >= target_date - 14) AS games_14,
        count(*) FILTER (WHERE game_date >= target_date - 30) AS games_30,
        -- Floating-point sums in a fixed order: a parallel aggregate adds in whatever order its
        -- threads meet the rows, and the last bit (which data_hash sees) would vary run to run.
        sum(minutes_played ORDER BY rn) FILTER (WHERE game_date >= target_date - 7) AS minutes_7,
        sum(minutes_played ORDER BY rn) FILTER (WHERE game_date >= target_date - 14) AS minutes_14,
        count(minutes_played) FILTER (WHERE game_date >= target_date - 7) AS minutes_games_7,
        count(*) FILTER (
            WHERE older_date >= target_date - 14 AND game_date - older_date = 1) AS b2b_14,
        avg(points) FILTER (WHERE rn <= 5) AS points_5,
        avg(points) FILTER (WHERE rn <= 10) AS points_10,
        count(*) FILTER (WHERE rn <= 5) AS games_5,
        count(*) FILTER (WHERE rn <= 10) AS games_10,
        avg(usage_rate ORDER BY rn) FILTER (WHERE rn <= 7) AS usage_7,
        count(*) FILTER (WHERE over_line AND over_breaks = 0) AS over_streak,
        count(*) FILTER (WHERE under_line AND under_breaks = 0) AS under_streak,
        count(*) AS history_rows,
        max(processed_at) AS history_updated
    FROM history
    GROUP BY target_id
),

form AS (
    SELECT k.player_lookup, k.game_id, f.* EXCLUDE (target_id)
    FROM keyed k
    JOIN form_by_key f USING (target_id)
),

-- Data completeness (§6.4) of the player's team: expected = the team's finished games in each
-- window (the calendar, not player_game_summary, so a rookie is not "incomplete"), actual = those
-- with box-score rows.
team_finals AS (
    SELECT f.game_date, f.season_year, f.team_abbr, p.team_abbr IS NOT NULL AS present
    FROM (
        SELECT game_date, season_year, home AS team_abbr FROM schedule WHERE game_status = 3
        UNION ALL
        SELECT game_date, season_year, away FROM schedule WHERE game_status = 3
    ) f
    LEFT JOIN (SELECT DISTINCT team_abbr, game_date FROM pgs) p USING (team_abbr, game_date)
),

team_windows AS (
    SELECT
        game_id,
        team_abbr,
        count(*) FILTER (WHERE rn <= 5) AS e5,
        count(*) FILTER (WHERE rn <= 5 AND present) AS a5,
        count(*) FILTER (WHERE rn <= 10) AS e10,
        count(*) FILTER (WHERE rn <= 10 AND present) AS a10,
        count(*) FILTER (WHERE days <= 7) AS e7,
        count(*) FILTER (WHERE days <= 7 AND present) AS a7,
        count(*) FILTER (WHERE days <= 14) AS e14,
        count(*) FILTER (WHERE days <= 14 AND present) AS a14,
        count(*) FILTER (WHERE days <= 30) AS e30,
        count(*) FILTER (WHERE days <= 30 AND present) AS a30
    FROM (
        SELECT
            tg.game_id,
            tg.team_abbr,
            tg.game_date - f.game_date AS days,
            f.present,
            row_number() OVER (PARTITION BY tg.game_id, tg.team_abbr ORDER BY f.game_date DESC) AS rn
        FROM team_games tg
        JOIN team_finals f
          ON f.team_abbr = tg.team_abbr
         AND f.season_year = tg.season_year
         AND f.game_date < tg.horizon
    )
    GROUP BY game_id, team_abbr
),

assembled AS (
    SELECT
        t.*,
        f.*  EXCLUDE (player_lookup, game_id),
        s.* EXCLUDE (player_lookup, game_id),
        c.game_spread,
        c.game_spread - c.spread_movement AS opening_spread,
        c.spread_movement,
        c.game_spread_source,
        c.game_total,
        c.game_total - c.total_movement AS opening_total,
        c.total_movement,
        c.game_total_source,
        c.travel_miles,
        c.opponent_days_since_last_game,
        c.source_nbac_schedule_last_updated,
        c.source_nbac_schedule_rows_found,
        c.source_nbac_schedule_completeness_pct,
        c.source_nbac_schedule_hash,
        c.source_odds_lines_last_updated,
        c.source_odds_lines_rows_found,
        c.source_odds_lines_completeness_pct,
        c.source_odds_lines_hash,
        -- Windows are NULL when the game is not on the schedule: nothing to compare against.
        coalesce(w.e5, CASE WHEN t.nba_game_id IS NOT NULL THEN 0 END) AS e5,
        coalesce(w.a5, 0) AS a5,
        coalesce(w.e10, CASE WHEN t.nba_game_id IS NOT NULL THEN 0 END) AS e10,
        coalesce(w.a10, 0) AS a10,
        coalesce(w.e7, CASE WHEN t.nba_game_id IS NOT NULL THEN 0 END) AS e7,
        coalesce(w.a7, 0) AS a7,
        coalesce(w.e14, CASE WHEN t.nba_game_id IS NOT NULL THEN 0 END) AS e14,
        coalesce(w.a14, 0) AS a14,
        coalesce(w.e30, CASE WHEN t.nba_game_id IS NOT NULL THEN 0 END) AS e30,
        coalesce(w.a30, 0) AS a30,
        coalesce(t.game_date - o.opening_night BETWEEN 0 AND 13, false) AS bootstrap,
        -- Pace and the opponent's defence over the last 10 games (at least 3 of each side).
        CASE WHEN mine.pace_games >= 3 AND theirs.pace_games >= 3
             THEN theirs.pace_10 - mine.pace_10 END AS pace_diff,
        CASE WHEN theirs.pace_games >= 3 THEN theirs.pace_10 END AS opponent_pace_10,
        CASE WHEN theirs.def_rating_games >= 3 THEN theirs.def_rating_10 END
            AS opponent_def_rating_10,
        x.stars_out,
        x.freed_share
    FROM lined t
    LEFT JOIN form f USING (player_lookup, game_id)
    LEFT JOIN statuses s USING (player_lookup, game_id)
    -- Every Phase 3 table carries the schedule's system id (§10.1), upcoming_team_game_context too.
    LEFT JOIN team_context c ON c.game_id = t.game_id AND c.game_date = t.game_date
                            AND c.team_abbr = t.team_abbr
    LEFT JOIN team_windows w ON w.game_id = t.game_id AND w.team_abbr = t.team_abbr
    LEFT JOIN opening_nights o ON o.season_year = t.season_year
    LEFT JOIN team_recent mine ON mine.game_id = t.game_id AND mine.team_abbr = t.team_abbr
    LEFT JOIN team_recent theirs
      ON theirs.game_id = t.game_id AND theirs.team_abbr = t.opponent_team_abbr
    LEFT JOIN teammates_out x ON x.player_lookup = t.player_lookup AND x.game_id = t.game_id
    -- Live: players ruled out by the latest report before the cutoff are not expected to play.
    WHERE NOT ($mode = 'live' AND coalesce(s.player_status = 'out', false))
),

measured AS (
    SELECT
        *,
        -- An empty window had nothing to miss: 100 %.
        CASE WHEN e5 = 0 THEN 100.0 ELSE round(100.0 * a5 / e5, 1) END AS l5_pct,
        CASE WHEN e10 = 0 THEN 100.0 ELSE round(100.0 * a10 / e10, 1) END AS l10_pct,
        CASE WHEN e7 = 0 THEN 100.0 ELSE round(100.0 * a7 / e7, 1) END AS l7d_pct,
        CASE WHEN e14 = 0 THEN 100.0 ELSE round(100.0 * a14 / e14, 1) END AS l14d_pct,
        CASE WHEN e30 = 0 THEN 100.0 ELSE round(100.0 * a30 / e30, 1) END AS l30d_pct,
        coalesce(games_30, 0) AS sample_30,
        coalesce(games_5, 0) AS used_5,
        coalesce(games_10, 0) AS used_10,
        game_date - last_date AS days_rest
    FROM assembled
),

graded AS (
    SELECT
        *,
        -- §6.5: tier by the games of the last 30 days.
        CASE WHEN sample_30 >= 10 THEN 'gold' WHEN sample_30 >= 5 THEN 'silver' ELSE 'bronze' END
            AS tier,
        CASE WHEN sample_30 >= 10 THEN 95.0 WHEN sample_30 >= 5 THEN 75.0 ELSE 50.0 END AS score,
        CAST(to_json(list_sort(list_distinct([
            CASE WHEN game_spread IS NULL THEN 'missing_game_spread' END,
            CASE WHEN game_total IS NULL THEN 'missing_game_total' END,
            CASE WHEN sample_30 < 3 THEN 'thin_sample:' || sample_30 || '/3' END,
            CASE WHEN report_at IS NULL THEN 'missing_injury_report' END,
            CASE WHEN nba_game_id IS NULL THEN 'missing_schedule' END,
            CASE WHEN l5_pct < 100 THEN 'l5_incomplete:' || l5_pct || '%' END,
            CASE WHEN l10_pct < 100 THEN 'l10_incomplete:' || l10_pct || '%' END,
            CASE WHEN l7d_pct < 100 THEN 'l7d_incomplete:' || l7d_pct || '%' END,
            CASE WHEN l14d_pct < 100 THEN 'l14d_incomplete:' || l14d_pct || '%' END,
            CASE WHEN l30d_pct < 100 THEN 'l30d_incomplete:' || l30d_pct || '%' END
        ]))) AS VARCHAR) AS issues,
        CAST(to_json(list_sort(list_distinct([
            CASE WHEN history_rows > 0 THEN 'player_game_summary' END,
            CASE WHEN nba_game_id IS NOT NULL THEN 'nbac_schedule' END,
            CASE WHEN source_nbac_schedule_last_updated IS NOT NULL
                 THEN 'upcoming_team_game_context' END,
            CASE line_feed WHEN 'odds_api' THEN 'odds_api_player_points_props'
                           WHEN 'bettingpros' THEN 'bettingpros_player_points_props' END,
            CASE WHEN report_at IS NOT NULL THEN 'nbac_injury_report' END,
            CASE WHEN $mode = 'live' THEN 'espn_team_rosters' END
        ]))) AS VARCHAR) AS sources,
        greatest(history_updated, source_nbac_schedule_last_updated, source_odds_lines_last_updated,
                 props_updated, report_at) AS updated_at
    FROM measured
)

SELECT
    player_lookup,
    universal_player_id,
    game_id,
    game_date,
    team_abbr,
    opponent_team_abbr,
    current_line IS NOT NULL AS has_prop_line,
    current_line AS current_points_line,
    opening_line AS opening_points_line,
    current_line - opening_line + 0.0 AS line_movement,
    book AS current_points_line_source,
    book AS opening_points_line_source,
    game_spread,
    opening_spread,
    spread_movement,
    game_spread_source,
    CAST(NULL AS DOUBLE) AS spread_public_betting_pct,
    game_total,
    opening_total,
    total_movement,
    game_total_source,
    CAST(NULL AS DOUBLE) AS total_public_betting_pct,
    -- The opponent's pace minus the player's team's, each over its last 10 games: the change of
    -- possessions the player can expect against his usual games (positive: a faster game).
    round(pace_diff, 1) AS pace_differential,
    round(opponent_pace_10, 1) AS opponent_pace_last_10,
    CAST(NULL AS VARCHAR) AS game_start_time_local,
    CAST(NULL AS DOUBLE) AS opponent_ft_rate_allowed,
    home_game,
    season_phase,
    -- Player rest counts calendar days since the last game: 1 is a back-to-back (the reference
    -- tested 0, which history strictly before the date can never give, §10.4).
    days_rest = 1 AS back_to_back,
    -- His usage of the last 7 games with the possessions of teammates ruled out shared among the
    -- rest: usage / (1 - their share of the team's possessions, at most 0.5). Known only with a
    -- report (no report, no knowledge of who is out).
    CASE WHEN report_at IS NOT NULL AND usage_7 IS NOT NULL
         THEN round(usage_7 / (1 - least(coalesce(freed_share, 0), 0.5)), 2) END
        AS projected_usage_rate,
    CAST(days_rest AS INTEGER) AS days_rest,
    CAST(last_date - previous_date AS INTEGER) AS days_rest_before_last_game,
    CAST(game_date - rested_date AS INTEGER) AS days_since_2_plus_days_rest,
    CAST(coalesce(games_7, 0) AS INTEGER) AS games_in_last_7_days,
    CAST(coalesce(games_14, 0) AS INTEGER) AS games_in_last_14_days,
    CAST(floor(coalesce(minutes_7, 0)) AS INTEGER) AS minutes_in_last_7_days,
    CAST(floor(coalesce(minutes_14, 0)) AS INTEGER) AS minutes_in_last_14_days,
    round(minutes_7 / nullif(minutes_games_7, 0), 1) AS avg_minutes_per_game_last_7,
    CAST(coalesce(b2b_14, 0) AS INTEGER) AS back_to_backs_last_14_days,
    round(usage_7, 2) AS avg_usage_rate_last_7_games,
    CAST(NULL AS INTEGER) AS fourth_quarter_minutes_last_7,
    CAST(NULL AS INTEGER) AS clutch_minutes_last_7_games,
    CAST(travel_miles AS INTEGER) AS travel_miles,
    CAST(NULL AS INTEGER) AS time_zone_changes,
    CAST(NULL AS INTEGER) AS consecutive_road_games,
    CAST(NULL AS INTEGER) AS miles_traveled_last_14_days,
    CAST(NULL AS INTEGER) AS time_zones_crossed_last_14_days,
    -- The raw contract has no birth dates (spec/raw-tables.md): unknown, and fatigue takes the
    -- neutral age.
    CAST(NULL AS INTEGER) AS player_age,
    -- 0.0 stays 0.0 (the reference stored a zero average as NULL).
    round(points_5, 1) AS points_avg_last_5,
    round(points_10, 1) AS points_avg_last_10,
    CAST(used_5 AS INTEGER) AS l5_games_used,
    CASE WHEN used_5 >= 5 THEN 'excellent' WHEN used_5 >= 3 THEN 'good'
         WHEN used_5 >= 2 THEN 'limited' ELSE 'insufficient' END AS l5_sample_quality,
    CAST(used_10 AS INTEGER) AS l10_games_used,
    CASE WHEN used_10 >= 10 THEN 'excellent' WHEN used_10 >= 7 THEN 'good'
         WHEN used_10 >= 5 THEN 'limited' ELSE 'insufficient' END AS l10_sample_quality,
    CAST(CASE WHEN current_line IS NOT NULL THEN coalesce(over_streak, 0) END AS INTEGER)
        AS prop_over_streak,
    CAST(CASE WHEN current_line IS NOT NULL THEN coalesce(under_streak, 0) END AS INTEGER)
        AS prop_under_streak,
    -- Teammates ruled out who averaged 18 points or more over their last 10 games.
    CAST(CASE WHEN report_at IS NOT NULL THEN coalesce(stars_out, 0) END AS INTEGER)
        AS star_teammates_out,
    round(opponent_def_rating_10, 1) AS opponent_def_rating_last_10,
    CAST(NULL AS DOUBLE) AS shooting_pct_decline_last_5,
    CAST(NULL AS DOUBLE) AS fourth_quarter_production_last_7,
    -- Forward-looking columns stay NULL (the reference wrote 0 / FALSE placeholders): the lake
    -- holds the final schedule, not the one published at the cutoff.
    CAST(NULL AS INTEGER) AS next_game_days_rest,
    CAST(NULL AS INTEGER) AS games_in_next_7_days,
    CAST(NULL AS DOUBLE) AS next_opponent_win_pct,
    CAST(NULL AS BOOLEAN) AS next_game_is_primetime,
    -- Same convention as days_rest (days since the opponent's last game), so that the two compare.
    CAST(opponent_days_since_last_game AS INTEGER) AS opponent_days_rest,
    CAST(NULL AS INTEGER) AS opponent_games_in_next_7_days,
    CAST(NULL AS INTEGER) AS opponent_next_game_days_rest,
    player_status,
    injury_report,
    CAST(questionable_teammates AS INTEGER) AS questionable_teammates,
    CAST(probable_teammates AS INTEGER) AS probable_teammates,
    -- Source tracking (§1 item 4), from the rows this player-game actually read.
    history_updated AS source_boxscore_last_updated,
    CAST(coalesce(history_rows, 0) AS INTEGER) AS source_boxscore_rows_found,
    l30d_pct AS source_boxscore_completeness_pct,
    CASE WHEN history_rows > 0 THEN left(md5(concat_ws('|', history_updated, history_rows)), 16) END
        AS source_boxscore_hash,
    source_nbac_schedule_last_updated AS source_schedule_last_updated,
    source_nbac_schedule_rows_found AS source_schedule_rows_found,
    source_nbac_schedule_completeness_pct AS source_schedule_completeness_pct,
    source_nbac_schedule_hash AS source_schedule_hash,
    props_updated AS source_props_last_updated,
    CAST(coalesce(prop_rows, 0) AS INTEGER) AS source_props_rows_found,
    CASE WHEN prop_rows > 0 THEN 100.0 ELSE 0.0 END AS source_props_completeness_pct,
    CASE WHEN prop_rows > 0 THEN left(md5(concat_ws('|', props_updated, prop_rows)), 16) END
        AS source_props_hash,
    source_odds_lines_last_updated AS source_game_lines_last_updated,
    source_odds_lines_rows_found AS source_game_lines_rows_found,
    source_odds_lines_completeness_pct AS source_game_lines_completeness_pct,
    source_odds_lines_hash AS source_game_lines_hash,
    tier AS data_quality_tier,
    CASE WHEN $mode = 'live' THEN 'espn_team_rosters' ELSE 'player_game_summary' END
        AS primary_source_used,
    issues <> '[]' AS processed_with_issues,
    tier AS quality_tier,
    score AS quality_score,
    issues AS quality_issues,
    sources AS data_sources,
    CAST(used_10 AS INTEGER) AS quality_sample_size,
    false AS quality_used_fallback,
    false AS quality_reconstructed,
    updated_at AS quality_calculated_at,
    -- The line's feed, how its prop name was matched, and which tip-off cut it (pregame_lines).
    CAST(json_object('cutoff', CAST(cutoff AS VARCHAR), 'mode', $mode, 'line_feed', line_feed,
                     'line_name_match', line_name_method, 'line_tip_source', line_tip_source)
         AS VARCHAR) AS quality_metadata,
    CAST(e30 AS INTEGER) AS expected_games_count,
    CAST(a30 AS INTEGER) AS actual_games_count,
    l30d_pct AS completeness_percentage,
    CAST(e30 - a30 AS INTEGER) AS missing_games_count,
    -- §1: tier bronze or better and score ≥ 50 (always, here), and every window ≥ 90 %. Nobody is
    -- skipped for a thin history (the reference skipped new players and tripped a breaker, §10.4).
    coalesce(l5_pct >= 90 AND l10_pct >= 90 AND l7d_pct >= 90 AND l14d_pct >= 90
             AND l30d_pct >= 90, false) AS is_production_ready,
    issues AS data_quality_issues,
    CAST(NULL AS TIMESTAMPTZ) AS last_reprocess_attempt_at,
    0 AS reprocess_attempt_count,
    false AS circuit_breaker_active,
    CAST(NULL AS TIMESTAMPTZ) AS circuit_breaker_until,
    false AS manual_override_required,
    month(game_date) IN (10, 11, 4) AS season_boundary_detected,
    bootstrap AS backfill_bootstrap_mode,
    'processed_successfully' AS processing_decision_reason,
    l5_pct AS l5_completeness_pct,
    a5 >= e5 AS l5_is_complete,
    l10_pct AS l10_completeness_pct,
    a10 >= e10 AS l10_is_complete,
    l7d_pct AS l7d_completeness_pct,
    a7 >= e7 AS l7d_is_complete,
    l14d_pct AS l14d_completeness_pct,
    a14 >= e14 AS l14d_is_complete,
    l30d_pct AS l30d_completeness_pct,
    a30 >= e30 AS l30d_is_complete,
    a5 >= e5 AND a10 >= e10 AND a7 >= e7 AND a14 >= e14 AND a30 >= e30 AS all_windows_complete,
    left(md5(CAST(row(
        player_lookup, universal_player_id, game_id, game_date, team_abbr, opponent_team_abbr,
        current_line, opening_line, book, game_spread, opening_spread, game_spread_source,
        game_total, opening_total, game_total_source, home_game, season_phase, days_rest,
        last_date, previous_date, rested_date, games_7, games_14, minutes_7, minutes_14, b2b_14,
        usage_7, travel_miles, points_5, points_10, used_5, used_10, over_streak, under_streak,
        opponent_days_since_last_game, player_status, injury_report, questionable_teammates,
        probable_teammates, pace_diff, opponent_pace_10, opponent_def_rating_10, stars_out,
        freed_share
    ) AS VARCHAR)), 16) AS data_hash,
    1 AS context_version,
    updated_at AS created_at,
    updated_at AS processed_at
FROM graded
