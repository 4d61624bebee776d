//! nba_analytics.upcoming_player_game_context (`sql/nba_analytics/upcoming_player_game_context.sql`,
//! reference-phase3 §6): hand-built rows with values computed by hand, each reference [BUG] the
//! table had, a live run on a generated season whose last day is still to be played, and
//! invariants on the generated league. The scenarios are [`crate::scenarios::upcoming_context`]'s.
//!
//! The game's lines, rest and travel come from upcoming_team_game_context and are tested there,
//! as are the rules both context tables share (`upcoming_team_game_context.rs`).

use crate::scenarios::upcoming_context::{live_season, player, scenario, team, LiveSeason};
use crate::util::{analytics_league, assert_none, int, rows};

// ── The hand-built scenario ([`crate::scenarios::upcoming_context`]) ─────────────────────

#[test]
fn players_who_played_get_one_row_keyed_by_the_schedules_system_id() {
    assert_eq!(
        rows(
            scenario(),
            "SELECT player_lookup, game_id, team_abbr, opponent_team_abbr, home_game::VARCHAR, \
             universal_player_id, season_phase FROM nba_analytics.upcoming_player_game_context ORDER BY 1"
        ),
        [
            ["aaronalpha", "20240120_LAC_BOS", "BOS", "LAC", "true", "aaronalpha_001", "regular_season"],
            // The id comes from the registry when the box score has none.
            ["bobbybeta", "20240120_LAC_BOS", "BOS", "LAC", "true", "bobbybeta_001", "regular_season"],
            ["carlgamma", "20240120_LAC_BOS", "BOS", "LAC", "true", "carlgamma_001", "regular_season"],
        ]
    );
}

#[test]
fn rest_days_and_back_to_back_from_earlier_games_only() {
    // Last game the 19th: one day of rest is a back-to-back (the reference tested days_rest = 0,
    // §10.4, so it was never true). The DNP of the 18th is no game: the game before the 19th is
    // the 17th, and the newest pair two or more days apart is (17th, 19th).
    assert_eq!(
        player(
            "aaronalpha",
            "days_rest, back_to_back, days_rest_before_last_game, days_since_2_plus_days_rest"
        ),
        ["1", "true", "2", "1"]
    );
    assert_eq!(
        player("bobbybeta", "days_rest, back_to_back, games_in_last_7_days"),
        ["", "", "0"]
    );
}

#[test]
fn games_and_minutes_of_the_last_7_and_14_days_skip_dnps() {
    // 7 days [13th, 19th]: 19th (30), 17th (25.5), 16th (20) = 75.5 → 75, average 25.2.
    // 14 days [6th, 19th]: + 12th (30), 8th (10) = 115.5 → 115. Back-to-backs: (16th, 17th).
    assert_eq!(
        player(
            "aaronalpha",
            "games_in_last_7_days, minutes_in_last_7_days, avg_minutes_per_game_last_7, \
             games_in_last_14_days, minutes_in_last_14_days, back_to_backs_last_14_days"
        ),
        ["3", "75", "25.2", "5", "115", "1"]
    );
}

#[test]
fn last_5_and_10_points_averages_exclude_dnps_and_the_game_itself() {
    // L5: 20, 18, 15, 30, 5 = 17.6 (with the DNP's 0 it would be 16.6; with the 99 of the game
    // itself, 36.4). L10: + 40, 10, 10, 10, 10 = 16.8.
    assert_eq!(
        player(
            "aaronalpha",
            "points_avg_last_5, points_avg_last_10, l5_games_used, l5_sample_quality, \
             l10_games_used, l10_sample_quality"
        ),
        ["17.6", "16.8", "5", "excellent", "10", "excellent"]
    );
    assert_eq!(
        player(
            "carlgamma",
            "points_avg_last_5, l5_games_used, l5_sample_quality, l10_sample_quality"
        ),
        ["11.0", "3", "good", "insufficient"]
    );
}

#[test]
fn the_prop_line_is_the_priority_bookmakers_last_pre_tip_snapshot() {
    // draftkings before fanduel; its 20:00 snapshot (not the in-game 30.5), opened at 14.5.
    assert_eq!(
        player(
            "aaronalpha",
            "has_prop_line, current_points_line, opening_points_line, line_movement, \
             current_points_line_source, source_props_rows_found"
        ),
        ["true", "15.5", "14.5", "1.0", "draftkings", "4"]
    );
    assert_eq!(
        player(
            "bobbybeta",
            "has_prop_line, current_points_line, prop_over_streak"
        ),
        ["false", "", ""]
    );
}

#[test]
fn over_and_under_streaks_walk_back_from_the_latest_game_against_the_current_line() {
    // aaronalpha vs 15.5: 20 over, 18 over, 15 under → over 2. carlgamma vs 10.5: 5, 8 under,
    // 20 over → under 2.
    assert_eq!(
        player("aaronalpha", "prop_over_streak, prop_under_streak"),
        ["2", "0"]
    );
    assert_eq!(
        player("carlgamma", "prop_over_streak, prop_under_streak"),
        ["0", "2"]
    );
}

#[test]
fn injury_statuses_match_case_insensitively_from_the_latest_report_before_tip_off() {
    // 'Questionable' / 'DOUBTFUL' in the feed (the reference compared with capitalised strings
    // and matched nothing, §10.4). The latest report before tip-off is 13:00 on the 20th:
    // carlgamma's 'Probable' of the evening before is superseded, and aaronalpha's 'OUT' at
    // 21:00, after tip-off, is not read.
    assert_eq!(
        player(
            "aaronalpha",
            "player_status, questionable_teammates, probable_teammates"
        ),
        ["available", "1", "0"]
    );
    assert_eq!(
        player("bobbybeta", "player_status, questionable_teammates"),
        ["questionable", "0"]
    );
    assert_eq!(player("carlgamma", "player_status"), ["available"]);
    assert_eq!(
        team(
            "BOS",
            "questionable_players_count, starters_out_count, source_injury_report_last_updated::VARCHAR"
        ),
        ["1", "0", "2024-01-20 18:00:00+00"]
    );
}

#[test]
fn a_player_without_history_is_kept_and_graded_on_his_teams_data() {
    // The reference's completeness took "expected" from the player's own history, so new
    // players were skipped (§10.4). Here the team's data is complete: production-ready, with
    // a thin sample named.
    assert_eq!(
        player(
            "bobbybeta",
            "is_production_ready, l10_completeness_pct, quality_tier, \
             quality_issues LIKE '%thin_sample:0/3%', points_avg_last_5, l5_sample_quality"
        ),
        ["true", "100.0", "bronze", "true", "", "insufficient"]
    );
    assert_eq!(
        player(
            "aaronalpha",
            "is_production_ready, quality_tier, l30d_completeness_pct"
        ),
        ["true", "gold", "100.0"]
    );
}

// ── Live mode on a generated season whose last day is still to be played ───────────────

/// The three injured players added by [`live_season`]: (lookup, status, published) in order.
fn added_injuries(live: &LiveSeason) -> Vec<Vec<String>> {
    rows(
        &live.lake,
        &format!(
            "SELECT player_lookup, injury_status, report_hour::VARCHAR FROM nba_raw.nbac_injury_report
             WHERE game_date = DATE '{}' AND injury_status IN ('Out', 'Questionable') ORDER BY report_hour, 2, 1",
            live.day
        ),
    )
}

#[test]
fn live_rows_are_the_rostered_players_minus_those_ruled_out_before_as_of() {
    let live = live_season();
    let lake = &live.lake;
    let day = live.day;
    let added = added_injuries(live);
    assert_eq!(added.len(), 3, "{added:?}");
    assert_eq!(
        int(
            lake,
            &format!(
                "SELECT count(*)::BIGINT FROM nba_raw.nbac_injury_report WHERE game_date = DATE '{day}'"
            )
        ),
        3,
        "the added rows are the day's only report rows"
    );
    // By hour: the 13:00 'Out' of the day (after as_of), then the 17:00 'Out' and
    // 'Questionable' of the evening before.
    let (late_out, early_out, questionable) = (&added[0][0], &added[1][0], &added[2][0]);
    assert_eq!((added[0][2].as_str(), added[1][1].as_str()), ("13", "Out"));

    let status = |p: &str| {
        rows(
            lake,
            &format!(
                "SELECT player_status FROM nba_analytics.upcoming_player_game_context
                 WHERE player_lookup = '{p}' AND game_date = DATE '{day}'"
            ),
        )
    };
    assert!(
        status(early_out).is_empty(),
        "ruled out before as_of: no row"
    );
    assert_eq!(status(late_out), [["available"]], "ruled out after as_of");
    assert_eq!(status(questionable), [["questionable"]]);

    // Per team: one row per distinct player of the team's latest roster, less those ruled out.
    assert_none(
        lake,
        &format!(
            "WITH roster AS (
                SELECT team_tricode(team_abbr) AS team_abbr, count(DISTINCT player_lookup) AS n
                FROM nba_raw.espn_team_rosters WHERE roster_date = DATE '{day}' GROUP BY 1),
             ctx AS (
                SELECT team_abbr, count(*) AS n FROM nba_analytics.upcoming_player_game_context
                WHERE game_date = DATE '{day}' GROUP BY 1)
             SELECT r.team_abbr, r.n, c.n FROM roster r FULL JOIN ctx c USING (team_abbr)
             WHERE c.n IS DISTINCT FROM r.n - CASE WHEN r.team_abbr = (
                 SELECT team FROM nba_raw.nbac_injury_report WHERE player_lookup = '{early_out}'
                 AND game_date = DATE '{day}') THEN 1 ELSE 0 END"
        ),
        "rostered players minus those ruled out",
    );
    // Every row's player resolves to the registry, and every game of the day has two teams.
    assert_none(
        lake,
        &format!(
            "SELECT player_lookup FROM nba_analytics.upcoming_player_game_context
             WHERE game_date = DATE '{day}'
             AND player_lookup NOT IN (SELECT player_lookup FROM nba_reference.nba_players_registry)"
        ),
        "unresolved roster names",
    );
    assert_eq!(
        int(
            lake,
            &format!(
                "SELECT count(*)::BIGINT FROM nba_analytics.upcoming_team_game_context WHERE game_date = DATE '{day}'"
            )
        ),
        2 * int(
            lake,
            &format!(
                "SELECT count(*)::BIGINT FROM nba_raw.nbac_schedule WHERE game_date = DATE '{day}'"
            )
        )
    );
    // History reached the live rows: most players have a last-5 average.
    assert!(
        int(
            lake,
            &format!(
                "SELECT count(points_avg_last_5)::BIGINT FROM nba_analytics.upcoming_player_game_context
                 WHERE game_date = DATE '{day}'"
            )
        ) > 0
    );
}

// ── The generated league ─────────────────────────────────────────────────────────────────

#[test]
fn historical_player_context_has_one_row_per_player_game_played() {
    let lake = analytics_league();
    let played = int(
        lake,
        "SELECT count(*)::BIGINT FROM nba_analytics.player_game_summary",
    );
    assert!(played > 0, "player_game_summary is built");
    assert_eq!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_analytics.upcoming_player_game_context"
        ),
        played
    );
    assert_none(
        lake,
        "SELECT player_lookup, game_date, team_abbr FROM nba_analytics.player_game_summary
         EXCEPT SELECT player_lookup, game_date, team_abbr FROM nba_analytics.upcoming_player_game_context",
        "player-games without context",
    );
    // Every game id is the schedule's system id of the player's game.
    assert_none(
        lake,
        "SELECT c.player_lookup, c.game_id FROM nba_analytics.upcoming_player_game_context c
         LEFT JOIN nba_raw.nbac_schedule s
           ON s.game_date = c.game_date
          AND c.game_id = strftime(s.game_date, '%Y%m%d') || '_' || s.away_team_tricode || '_' || s.home_team_tricode
          AND c.team_abbr IN (s.home_team_tricode, s.away_team_tricode)
         WHERE s.game_id IS NULL",
        "game ids off the schedule",
    );
}
