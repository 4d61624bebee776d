-- nba_precompute.player_shot_zone_analysis (reference-phase4 §3): per player and game date, the
-- shot mix and efficiency of the player's last 10 (and 20) games of the season before that date.
--
-- Strictly before D: each player's history is summed once with window frames over the games he
-- played (`backcourt.player_games`), and each date takes the state after his last game before D
-- (an ASOF join), so a whole range is one pass and a single date gives the same rows (§9.1 fixed:
-- the reference read `<= D`).
--
-- The candidates of a date are the players with a game this season before it. Those with 10 games
-- get a row; the others are failures: EXPECTED_INCOMPLETE when their team has not played 10 games
-- yet (nothing is missing), INSUFFICIENT_DATA when the team has and the player has not.
--
-- Zone data is what a game may lack. Real feeds have no play-by-play for recent seasons, so
-- player_game_summary's paint and mid-range columns are NULL there while threes (and FG makes)
-- still come from the box score. Summing such games with SQL's NULL-skipping sums would set a
-- season of threes against a few games of paint shots and call the mix "mostly threes". So the
-- shot mix, the paint and mid-range numbers and the 20-game trend are computed over the games
-- that have all three zones (`zone_game`), threes' accuracy and volume over the games with
-- threes, the assisted rates over the games with assisted makes; `games_in_sample_10/20` and
-- `sample_quality_10/20` count zone games, and `data_quality_tier` (high: zone data in all 10
-- games, medium: 7+, low: fewer, none included), `is_production_ready` (zone data in 90 % of the
-- sample as well as the games played), `data_quality_issues` and `calculation_notes` say how much
-- zone data there was. A row with no zone data has NULL rates, so the feature store falls back to
-- its defaults and says so in `feature_sources`, instead of reading invented rates.
-- Uses: backcourt.game_dates, backcourt.no_reprocessing, backcourt.player_games,
--      backcourt.team_games.
WITH dates AS (
    SELECT game_date AS analysis_date, season_year
    FROM backcourt.game_dates
    WHERE game_date BETWEEN $start_date AND $end_date AND NOT is_bootstrap
),

games AS (
    SELECT player_lookup, universal_player_id, season_year, game_date, team_abbr,
           paint_attempts, paint_makes, mid_range_attempts, mid_range_makes,
           three_pt_attempts, three_pt_makes, assisted_fg_makes, unassisted_fg_makes, fg_makes,
           paint_attempts IS NOT NULL AND mid_range_attempts IS NOT NULL
               AND three_pt_attempts IS NOT NULL AS zone_game,
           data_hash, processed_at
    FROM backcourt.player_games
    WHERE game_date BETWEEN $start_date - INTERVAL 300 DAY AND $end_date
),

-- The state after each game: sums over the last 10 and 20 games of the season.
rolling AS (
    SELECT
        player_lookup, season_year, game_date, universal_player_id, team_abbr,
        data_hash AS last_hash,
        row_number() OVER season AS season_games,
        count(*) OVER l10 AS games_10,
        -- Zone games only (the header says why).
        count(*) FILTER (WHERE zone_game) OVER l10 AS zone_games_10,
        sum(paint_attempts) FILTER (WHERE zone_game) OVER l10 AS paint_att_10,
        sum(paint_makes) FILTER (WHERE zone_game) OVER l10 AS paint_made_10,
        sum(mid_range_attempts) FILTER (WHERE zone_game) OVER l10 AS mid_att_10,
        sum(mid_range_makes) FILTER (WHERE zone_game) OVER l10 AS mid_made_10,
        sum(three_pt_attempts) FILTER (WHERE zone_game) OVER l10 AS zone_three_att_10,
        -- Threes from every game that has them (the box score's).
        count(three_pt_attempts) OVER l10 AS three_games_10,
        sum(three_pt_attempts) OVER l10 AS three_att_10,
        sum(three_pt_makes) FILTER (WHERE three_pt_attempts IS NOT NULL) OVER l10 AS three_made_10,
        -- Assisted makes come from play-by-play too: over the games that have them.
        sum(assisted_fg_makes) OVER l10 AS assisted_10,
        sum(unassisted_fg_makes) FILTER (WHERE assisted_fg_makes IS NOT NULL) OVER l10
            AS unassisted_10,
        sum(fg_makes) FILTER (WHERE assisted_fg_makes IS NOT NULL) OVER l10 AS fg_made_10,
        count(*) OVER l20 AS games_20,
        count(*) FILTER (WHERE zone_game) OVER l20 AS zone_games_20,
        sum(paint_attempts) FILTER (WHERE zone_game) OVER l20 AS paint_att_20,
        sum(paint_makes) FILTER (WHERE zone_game) OVER l20 AS paint_made_20,
        sum(paint_attempts + mid_range_attempts + three_pt_attempts) FILTER (WHERE zone_game)
            OVER l20 AS zone_att_20,
        max(processed_at) OVER l20 AS last_updated
    FROM games
    WINDOW
        season AS (PARTITION BY player_lookup, season_year ORDER BY game_date),
        l10 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS 9 PRECEDING),
        l20 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS 19 PRECEDING)
),

team_rolling AS (
    SELECT team_abbr, season_year, game_date,
           row_number() OVER (PARTITION BY team_abbr, season_year ORDER BY game_date) AS team_games
    FROM backcourt.team_games
),

candidates AS (
    SELECT d.analysis_date, p.player_lookup, p.season_year
    FROM dates d
    JOIN (SELECT DISTINCT player_lookup, season_year FROM games) p USING (season_year)
),

last_game AS (
    SELECT c.analysis_date, r.*
    FROM candidates c
    ASOF JOIN rolling r
      ON r.player_lookup = c.player_lookup AND r.season_year = c.season_year
     AND c.analysis_date > r.game_date
),

state AS (
    SELECT a.*, coalesce(t.team_games, 0) AS team_games_before,
           a.paint_att_10 + a.mid_att_10 + a.zone_three_att_10 AS zone_att_10
    FROM last_game a
    ASOF LEFT JOIN team_rolling t
      ON t.team_abbr = a.team_abbr AND t.season_year = a.season_year
     AND a.analysis_date > t.game_date
),

shaped AS (
    SELECT
        player_lookup,
        universal_player_id,
        analysis_date,
        round(100.0 * paint_att_10 / nullif(zone_att_10, 0), 2) AS paint_rate_last_10,
        round(100.0 * mid_att_10 / nullif(zone_att_10, 0), 2) AS mid_range_rate_last_10,
        round(100.0 * zone_three_att_10 / nullif(zone_att_10, 0), 2) AS three_pt_rate_last_10,
        CAST(nullif(zone_att_10, 0) AS INTEGER) AS total_shots_last_10,
        zone_games_10 AS games_in_sample_10,
        CASE WHEN zone_games_10 >= 10 THEN 'excellent' WHEN zone_games_10 >= 7 THEN 'good'
             WHEN zone_games_10 >= 5 THEN 'limited' ELSE 'insufficient' END AS sample_quality_10,
        round(paint_made_10 / nullif(paint_att_10, 0), 3) AS paint_pct_last_10,
        round(mid_made_10 / nullif(mid_att_10, 0), 3) AS mid_range_pct_last_10,
        round(three_made_10 / nullif(three_att_10, 0), 3) AS three_pt_pct_last_10,
        round(paint_att_10 / nullif(zone_games_10, 0), 1) AS paint_attempts_per_game,
        round(mid_att_10 / nullif(zone_games_10, 0), 1) AS mid_range_attempts_per_game,
        round(three_att_10 / nullif(three_games_10, 0), 1) AS three_pt_attempts_per_game,
        -- The 20-game trend needs 15 games with zone data (§3.3).
        CASE WHEN zone_games_20 >= 15
             THEN round(100.0 * paint_att_20 / nullif(zone_att_20, 0), 2) END
            AS paint_rate_last_20,
        CASE WHEN zone_games_20 >= 15 THEN round(paint_made_20 / nullif(paint_att_20, 0), 3) END
            AS paint_pct_last_20,
        zone_games_20 AS games_in_sample_20,
        CASE WHEN zone_games_20 >= 20 THEN 'excellent' WHEN zone_games_20 >= 14 THEN 'good'
             WHEN zone_games_20 >= 10 THEN 'limited' ELSE 'insufficient' END AS sample_quality_20,
        round(100.0 * assisted_10 / nullif(fg_made_10, 0), 2) AS assisted_rate_last_10,
        round(100.0 * unassisted_10 / nullif(fg_made_10, 0), 2) AS unassisted_rate_last_10,
        CAST(NULL AS VARCHAR) AS player_position,
        CASE
            WHEN coalesce(zone_att_10, 0) = 0 THEN NULL
            WHEN 100.0 * paint_att_10 / zone_att_10 >= 40 THEN 'paint'
            WHEN 100.0 * zone_three_att_10 / zone_att_10 >= 40 THEN 'perimeter'
            WHEN 100.0 * mid_att_10 / zone_att_10 >= 35 THEN 'mid_range'
            ELSE 'balanced'
        END AS primary_scoring_zone,
        -- The tier of the zone numbers: how many of the last 10 games have zone data.
        CASE WHEN zone_games_10 >= 10 THEN 'high' WHEN zone_games_10 >= 7 THEN 'medium'
             ELSE 'low' END AS data_quality_tier,
        CASE WHEN zone_games_10 = 0 THEN 'No zone data (paint, mid-range) in the last 10 games'
             WHEN zone_games_10 < games_10 THEN 'Zone data in ' || zone_games_10 || ' of the last '
                 || games_10 || ' games; rates over those'
             WHEN coalesce(zone_att_10, 0) = 0 THEN 'No zone attempts in the last 10 games' END
            AS calculation_notes,
        last_updated AS source_player_game_last_updated,
        games_20 AS source_player_game_rows_found,
        round(100.0 * least(season_games, 10) / nullif(least(team_games_before, 10), 0), 2)
            AS source_player_game_completeness_pct,
        last_hash AS source_player_game_hash,
        false AS early_season_flag,
        CAST(NULL AS VARCHAR) AS insufficient_data_reason,
        least(team_games_before, 10) AS expected_games_count,
        least(season_games, 10) AS actual_games_count,
        round(100.0 * least(season_games, 10) / nullif(least(team_games_before, 10), 0), 1)
            AS completeness_percentage,
        greatest(least(team_games_before, 10) - least(season_games, 10), 0) AS missing_games_count,
        least(season_games, 10) >= 0.9 * least(team_games_before, 10)
            AND zone_games_10 >= 0.9 * games_10 AS is_production_ready,
        CASE WHEN zone_games_10 = 0 THEN '["no_zone_data"]'
             WHEN zone_games_10 < games_10 THEN '["partial_zone_data"]'
             ELSE '[]' END AS data_quality_issues,
        unnest(backcourt.no_reprocessing(analysis_date)),
        last_updated AS created_at,
        last_updated AS processed_at,
        CASE
            WHEN season_games >= 10 THEN NULL
            WHEN team_games_before < 10 THEN 'EXPECTED_INCOMPLETE'
            ELSE 'INSUFFICIENT_DATA'
        END AS failure_category,
        CASE WHEN season_games < 10 THEN
            'Played ' || season_games || ' of the team''s ' || team_games_before
            || ' games this season before ' || analysis_date || ', need 10'
        END AS failure_reason,
        team_games_before >= 10 AS can_retry
    FROM state
)

SELECT
    *,
    CASE WHEN failure_category IS NULL THEN left(md5(CAST(row(
        player_lookup, universal_player_id, analysis_date, paint_rate_last_10,
        mid_range_rate_last_10, three_pt_rate_last_10, total_shots_last_10, games_in_sample_10,
        sample_quality_10, paint_pct_last_10, mid_range_pct_last_10, three_pt_pct_last_10,
        paint_attempts_per_game, mid_range_attempts_per_game, three_pt_attempts_per_game,
        paint_rate_last_20, paint_pct_last_20, games_in_sample_20, sample_quality_20,
        assisted_rate_last_10, unassisted_rate_last_10, primary_scoring_zone, data_quality_tier,
        calculation_notes
    ) AS VARCHAR)), 16) END AS data_hash
FROM shaped
