//! The pre-game context tables, upcoming_player_game_context and
//! upcoming_team_game_context (reference-phase3 §6, §7): hand-built rows with
//! values computed by hand, each reference [BUG] these tables had, a live run
//! on a generated season whose last day is still to be played, and
//! invariants on the generated league.

use std::sync::OnceLock;

use arrow::array::RecordBatch;
use backcourt::calendar::{parse_seasons, Calendar};
use backcourt::dates::DateRange;
use backcourt::engine::{Engine, Mode, ModelParams};
use backcourt::fixtures::{self, GenerateConfig};
use backcourt::lake::{Lake, WriteScope};
use backcourt::registry::TableId;
use chrono::{DateTime, NaiveDate, Utc};

use crate::util::{analytics_league, assert_none, int, lake_with, registry_batch, rows, tempdir};

const UPGC: TableId = TableId::UpcomingPlayerGameContext;
const UTGC: TableId = TableId::UpcomingTeamGameContext;

/// Runs the team context, then the player context (which reads it), over
/// `params`, writing both into `lake`.
fn build_context(lake: &Lake, params: &ModelParams) {
    let engine = Engine::open(lake).expect("engine");
    for table in [UTGC, UPGC] {
        engine
            .write_model(table, table.sql().expect("a SQL model"), params)
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

fn range(s: &str) -> DateRange {
    s.parse().expect("date range")
}

/// The one row `sql` returns, rendered as strings.
fn one_row(lake: &Lake, sql: &str) -> Vec<String> {
    let mut found = rows(lake, sql);
    assert_eq!(found.len(), 1, "{sql}: {found:?}");
    found.pop().expect("one row")
}

// ── Hand-built scenario ──────────────────────────────────────────────────────────────────
//
// 2024-01-20: BOS (home) vs LAC, tip-off 00:30 UTC on the 21st, the target game; MIA vs DEN is
// in progress (status 2). BOS won 13 straight from 2023-12-10 (more than 30 days), lost
// 2023-10-25 and 2023-12-05, and played at MIA the day before; 2024-01-14 is a postponed row.
//
// BOS players: aaronalpha (a veteran with a DNP on the 18th, a 99-point row on the 20th itself
// and a row on the 22nd), bobbybeta (a rookie with no history), carlgamma (three games).
// LAC: samstarter (started both games) and benbench (started none), both ruled out;
// danieldelta doubtful.

/// (NBA id, date, home, away, status, home score, away score, tip-off UTC).
type Game = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i32,
    i32,
    i32,
    &'static str,
);

#[rustfmt::skip]
const GAMES: &[Game] = &[
    ("0022300001", "2023-10-25", "BOS", "NYK", 3, 100, 110, "2023-10-25 23:30"),
    ("0022300002", "2023-12-05", "BOS", "NYK", 3, 95, 99, "2023-12-06 00:30"),
    ("0022300003", "2023-12-10", "BOS", "NYK", 3, 110, 100, "2023-12-11 00:30"),
    ("0022300004", "2023-12-20", "BOS", "NYK", 3, 110, 100, "2023-12-21 00:30"),
    ("0022300005", "2023-12-22", "BOS", "NYK", 3, 110, 100, "2023-12-23 00:30"),
    ("0022300006", "2023-12-24", "BOS", "NYK", 3, 110, 100, "2023-12-25 00:30"),
    ("0022300007", "2023-12-26", "BOS", "NYK", 3, 110, 100, "2023-12-27 00:30"),
    ("0022300008", "2023-12-28", "BOS", "NYK", 3, 110, 100, "2023-12-29 00:30"),
    ("0022300009", "2024-01-01", "BOS", "NYK", 3, 110, 100, "2024-01-02 00:30"),
    ("0022300010", "2024-01-08", "BOS", "NYK", 3, 110, 100, "2024-01-09 00:30"),
    ("0022300011", "2024-01-12", "BOS", "NYK", 3, 110, 100, "2024-01-13 00:30"),
    ("0022300012", "2024-01-16", "BOS", "NYK", 3, 110, 100, "2024-01-17 00:30"),
    ("0022300013", "2024-01-17", "BOS", "NYK", 3, 110, 100, "2024-01-18 00:30"),
    ("0022300014", "2024-01-18", "BOS", "NYK", 3, 110, 100, "2024-01-19 00:30"),
    ("0022300015", "2024-01-19", "MIA", "BOS", 3, 101, 105, "2024-01-20 00:30"),
    ("0022300016", "2024-01-20", "BOS", "LAC", 3, 100, 120, "2024-01-21 00:30"),
    ("0022300017", "2024-01-15", "LAC", "MIA", 3, 110, 100, "2024-01-16 03:30"),
    ("0022300018", "2024-01-18", "DEN", "LAC", 3, 100, 90, "2024-01-19 02:00"),
    ("0022300019", "2024-01-20", "MIA", "DEN", 2, 50, 48, "2024-01-21 00:00"),
];

fn schedule_sql() -> String {
    let mut values: Vec<String> = GAMES
        .iter()
        .map(|(id, date, home, away, status, hs, as_, tip)| {
            let winner = if hs > as_ { home } else { away };
            let (text, winner) = match status {
                3 => ("'Final'".to_string(), format!("'{winner}'")),
                _ => ("'Q3'".to_string(), "NULL".to_string()),
            };
            format!(
                "('{id}', DATE '{date}', 2023, '{home}', '{away}', {status}, {text}, {hs}, {as_}, \
                 {winner}, true, false, false, TIMESTAMPTZ '{tip}:00+00', TIMESTAMPTZ '{tip}:00+00' + INTERVAL 3 HOUR)"
            )
        })
        .collect();
    // Postponed: stays on its date with status 1 and must not count as a game.
    values.push(
        "('0022300020', DATE '2024-01-14', 2023, 'BOS', 'NYK', 1, 'PPD', NULL, NULL, NULL, \
         true, false, false, TIMESTAMPTZ '2024-01-15 00:30:00+00', TIMESTAMPTZ '2024-01-14 10:00:00+00')"
            .into(),
    );
    format!(
        "SELECT * FROM (VALUES {}) t(game_id, game_date, season_year, home_team_tricode, \
         away_team_tricode, game_status, game_status_text, home_team_score, away_team_score, \
         winning_team_tricode, is_regular_season, is_playoffs, is_play_in, game_time_utc, processed_at)",
        values.join(",\n")
    )
}

/// (player, team, date, points, minutes, starter).
#[rustfmt::skip]
const BOX: &[(&str, &str, &str, i32, f64, bool)] = &[
    ("aaronalpha", "BOS", "2023-12-20", 100, 20.0, true),
    ("aaronalpha", "BOS", "2023-12-22", 10, 20.0, true),
    ("aaronalpha", "BOS", "2023-12-24", 10, 20.0, true),
    ("aaronalpha", "BOS", "2023-12-26", 10, 20.0, true),
    ("aaronalpha", "BOS", "2023-12-28", 10, 20.0, true),
    ("aaronalpha", "BOS", "2024-01-01", 40, 35.0, true),
    ("aaronalpha", "BOS", "2024-01-08", 5, 10.0, true),
    ("aaronalpha", "BOS", "2024-01-12", 30, 30.0, true),
    ("aaronalpha", "BOS", "2024-01-16", 15, 20.0, true),
    ("aaronalpha", "BOS", "2024-01-17", 18, 25.5, true),
    // A DNP that made the box score with zero minutes.
    ("aaronalpha", "BOS", "2024-01-18", 0, 0.0, false),
    ("aaronalpha", "BOS", "2024-01-19", 20, 30.0, true),
    // The game itself and a later one: neither may be read.
    ("aaronalpha", "BOS", "2024-01-20", 99, 48.0, true),
    ("aaronalpha", "BOS", "2024-01-22", 50, 40.0, true),
    ("bobbybeta", "BOS", "2024-01-20", 2, 5.0, false),
    ("carlgamma", "BOS", "2024-01-16", 20, 20.0, false),
    ("carlgamma", "BOS", "2024-01-17", 8, 20.0, false),
    ("carlgamma", "BOS", "2024-01-19", 5, 20.0, false),
    ("carlgamma", "BOS", "2024-01-20", 7, 20.0, false),
    ("samstarter", "LAC", "2024-01-15", 20, 34.0, true),
    ("samstarter", "LAC", "2024-01-18", 22, 35.0, true),
    ("benbench", "LAC", "2024-01-15", 4, 12.0, false),
    ("benbench", "LAC", "2024-01-18", 6, 14.0, false),
];

fn pgs_sql() -> String {
    let values: Vec<String> = BOX
        .iter()
        .map(|(player, team, date, points, minutes, starter)| {
            let uid = if *player == "bobbybeta" {
                "NULL".to_string()
            } else {
                format!("'{player}_001'")
            };
            format!(
                "('{player}', {uid}, strftime(DATE '{date}', '%Y%m%d') || '_{team}', DATE '{date}', \
                 '{team}', 2023, {points}, {minutes}, {starter}, TIMESTAMPTZ '{date} 06:00:00+00')"
            )
        })
        .collect();
    format!(
        "SELECT * FROM (VALUES {}) t(player_lookup, universal_player_id, game_id, game_date, \
         team_abbr, season_year, points, minutes_played, starter_flag, processed_at)",
        values.join(",\n")
    )
}

const PROPS: &str = "SELECT * FROM (VALUES
    ('20240120_LAC_BOS', DATE '2024-01-20', 'aaronalpha', 'draftkings', 14.5, TIMESTAMPTZ '2024-01-20 14:00:00+00'),
    ('20240120_LAC_BOS', DATE '2024-01-20', 'aaronalpha', 'draftkings', 15.5, TIMESTAMPTZ '2024-01-20 20:00:00+00'),
    -- The same snapshot under a reversed id: one line, not two rows.
    ('20240120_BOS_LAC', DATE '2024-01-20', 'aaronalpha', 'draftkings', 15.5, TIMESTAMPTZ '2024-01-20 20:00:00+00'),
    ('20240120_LAC_BOS', DATE '2024-01-20', 'aaronalpha', 'fanduel', 16.5, TIMESTAMPTZ '2024-01-20 21:00:00+00'),
    -- In-game, after tip-off.
    ('20240120_LAC_BOS', DATE '2024-01-20', 'aaronalpha', 'draftkings', 30.5, TIMESTAMPTZ '2024-01-21 01:10:00+00'),
    ('20240120_LAC_BOS', DATE '2024-01-20', 'carlgamma', 'fanduel', 10.5, TIMESTAMPTZ '2024-01-20 20:00:00+00')
) t(game_id, game_date, player_lookup, bookmaker, points_line, snapshot_timestamp)";

/// The feed lists the game with home and away swapped and names teams in full.
const GAME_LINES: &str = "SELECT * FROM (VALUES
    ('evt1', 'draftkings', 'spreads', 'Boston Celtics', -3.5, TIMESTAMPTZ '2024-01-20 14:00:00+00'),
    ('evt1', 'draftkings', 'spreads', 'LA Clippers', 3.5, TIMESTAMPTZ '2024-01-20 14:00:00+00'),
    ('evt1', 'draftkings', 'spreads', 'Boston Celtics', -4.5, TIMESTAMPTZ '2024-01-20 18:00:00+00'),
    ('evt1', 'draftkings', 'spreads', 'LA Clippers', 4.5, TIMESTAMPTZ '2024-01-20 18:00:00+00'),
    ('evt1', 'draftkings', 'spreads', 'Boston Celtics', -10.5, TIMESTAMPTZ '2024-01-21 01:00:00+00'),
    ('evt1', 'draftkings', 'spreads', 'LA Clippers', 10.5, TIMESTAMPTZ '2024-01-21 01:00:00+00'),
    ('evt1', 'fanduel', 'spreads', 'Boston Celtics', -6.5, TIMESTAMPTZ '2024-01-20 19:00:00+00'),
    ('evt1', 'fanduel', 'spreads', 'LA Clippers', 6.5, TIMESTAMPTZ '2024-01-20 19:00:00+00'),
    ('evt1', 'draftkings', 'totals', 'Over', 220.5, TIMESTAMPTZ '2024-01-20 14:00:00+00'),
    ('evt1', 'draftkings', 'totals', 'Under', 220.5, TIMESTAMPTZ '2024-01-20 14:00:00+00'),
    ('evt1', 'draftkings', 'totals', 'Over', 221.5, TIMESTAMPTZ '2024-01-20 18:00:00+00'),
    ('evt1', 'draftkings', 'totals', 'Under', 221.5, TIMESTAMPTZ '2024-01-20 18:00:00+00')
) t(game_id, bookmaker_key, market_key, outcome_name, outcome_point, snapshot_timestamp),
  (SELECT DATE '2024-01-20' AS game_date, 'LA Clippers' AS home_team, 'Boston Celtics' AS away_team)";

/// Statuses as the feed might capitalise them. Report hours are Eastern: 21:00 on the 20th is
/// 02:00 UTC on the 21st, after tip-off.
const INJURIES: &str = "SELECT * FROM (VALUES
    (DATE '2024-01-19', 17, 'BOS', 'carlgamma', 'Probable', 0.9),
    (DATE '2024-01-20', 13, 'BOS', 'bobbybeta', 'Questionable', 1.0),
    (DATE '2024-01-20', 13, 'LAC', 'danieldelta', 'DOUBTFUL', 1.0),
    (DATE '2024-01-20', 13, 'LAC', 'samstarter', 'Out', 1.0),
    (DATE '2024-01-20', 13, 'LAC', 'benbench', 'out', 1.0),
    (DATE '2024-01-20', 21, 'BOS', 'aaronalpha', 'OUT', 1.0)
) t(report_date, report_hour, team, player_lookup, injury_status, confidence_score),
  (SELECT DATE '2024-01-20' AS game_date)";

const TRAVEL: &str = "SELECT * FROM (VALUES
    ('MIA', 'BOS', 1258), ('BOS', 'MIA', 1258), ('DEN', 'BOS', 1754), ('BOS', 'DEN', 1754),
    ('DEN', 'MIA', 1711), ('MIA', 'DEN', 1711)
) t(from_team, to_team, distance_miles)";

const REGISTRY: &str = "SELECT * FROM (VALUES
    ('aaronalpha_001', 'aaronalpha', 'BOS', 2023), ('bobbybeta_001', 'bobbybeta', 'BOS', 2023),
    ('carlgamma_001', 'carlgamma', 'BOS', 2023)
) t(universal_player_id, player_lookup, team_abbr, season_year)";

/// The hand-built lake with both context tables built for 2024-01-20 (historical).
fn scenario() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            let schedule = schedule_sql();
            let pgs = pgs_sql();
            let (dir, lake) = lake_with(&[
                (TableId::NbacSchedule, &schedule),
                (TableId::PlayerGameSummary, &pgs),
                (TableId::OddsApiPlayerPointsProps, PROPS),
                (TableId::OddsApiGameLines, GAME_LINES),
                (TableId::NbacInjuryReport, INJURIES),
                (TableId::TravelDistances, TRAVEL),
                (TableId::NbaPlayersRegistry, REGISTRY),
            ]);
            build_context(
                &lake,
                &ModelParams::historical(range("2024-01-20..2024-01-20")),
            );
            (dir, lake)
        })
        .1
}

/// `columns` of the player's context row on 2024-01-20.
fn player(name: &str, columns: &str) -> Vec<String> {
    one_row(
        scenario(),
        &format!(
            "SELECT {columns} FROM nba_analytics.upcoming_player_game_context \
             WHERE player_lookup = '{name}' AND game_date = DATE '2024-01-20'"
        ),
    )
}

/// `columns` of the team's context row on 2024-01-20.
fn team(abbr: &str, columns: &str) -> Vec<String> {
    one_row(
        scenario(),
        &format!(
            "SELECT {columns} FROM nba_analytics.upcoming_team_game_context \
             WHERE team_abbr = '{abbr}' AND game_date = DATE '2024-01-20'"
        ),
    )
}

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
fn the_spread_is_matched_on_date_and_teams_and_signed_from_each_teams_view() {
    // The odds event id never equals the schedule's (the reference never matched, §10.1) and
    // the feed has home and away swapped. draftkings first, its last pre-tip snapshot; each side
    // keeps its sign (the reference's median over both sides gave ~0, §6.2).
    assert_eq!(
        team(
            "BOS",
            "game_spread, spread_movement, game_total, total_movement, game_spread_source, \
             betting_lines_updated_at::VARCHAR"
        ),
        [
            "-4.5",
            "-1.0",
            "221.5",
            "1.0",
            "draftkings",
            "2024-01-20 18:00:00+00"
        ]
    );
    assert_eq!(
        team("LAC", "game_spread, spread_movement, game_total"),
        ["4.5", "1.0", "221.5"]
    );
    assert_eq!(
        player(
            "aaronalpha",
            "game_spread, opening_spread, spread_movement, game_total, opening_total, \
             game_spread_source"
        ),
        ["-4.5", "-3.5", "-1.0", "221.5", "220.5", "draftkings"]
    );
    assert_eq!(
        team(
            "MIA",
            "game_spread, quality_issues LIKE '%missing_game_spread%'"
        ),
        ["", "true"]
    );
}

#[test]
fn travel_is_the_distance_from_the_previous_games_arena() {
    // BOS played at MIA the day before; LAC at DEN; MIA stays home; DEN goes to MIA.
    assert_eq!(team("BOS", "travel_miles"), ["1258"]);
    assert_eq!(team("LAC", "travel_miles"), ["1754"]);
    assert_eq!(team("MIA", "travel_miles"), ["0"]);
    assert_eq!(team("DEN", "travel_miles"), ["1711"]);
    assert_eq!(player("aaronalpha", "travel_miles"), ["1258"]);
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
fn starters_out_counts_only_regular_starters() {
    // Both LAC players are out; only samstarter started his games (the reference counted every
    // player ruled out, §10.6). danieldelta's DOUBTFUL counts as questionable.
    assert_eq!(
        team("LAC", "starters_out_count, questionable_players_count"),
        ["1", "1"]
    );
}

#[test]
fn momentum_and_game_number_cover_the_whole_season_not_30_days() {
    // 13 straight wins from 2023-12-10 (40 days); 15 earlier games. The reference's 30-day
    // window saw 11 wins and game 12 (§10.6). The target game's own result (a loss) is unread.
    assert_eq!(
        team(
            "BOS",
            "team_win_streak_entering, team_loss_streak_entering, last_game_result, \
             last_game_margin, game_number_in_season"
        ),
        ["13", "0", "W", "4", "16"]
    );
    assert_eq!(
        team(
            "LAC",
            "team_win_streak_entering, team_loss_streak_entering, last_game_result, \
             last_game_margin, game_number_in_season"
        ),
        ["0", "1", "L", "-10", "3"]
    );
}

#[test]
fn team_rest_counts_days_in_between_and_skips_postponed_rows() {
    // BOS: last game the 19th → team_days_rest 0 (a back-to-back), days since 1. Last 7 days:
    // 16th, 17th, 18th, 19th; the postponed 14th is no game.
    assert_eq!(
        team(
            "BOS",
            "days_since_last_game, team_days_rest, is_back_to_back, team_back_to_back, \
             games_in_last_7_days, games_in_last_14_days"
        ),
        ["1", "0", "true", "true", "4", "6"]
    );
    assert_eq!(
        team(
            "LAC",
            "days_since_last_game, team_days_rest, is_back_to_back"
        ),
        ["2", "1", "false"]
    );
    // Player convention (days since the opponent's last game), comparable with days_rest.
    assert_eq!(player("aaronalpha", "opponent_days_rest"), ["2"]);
}

#[test]
fn team_completeness_counts_away_games_too() {
    // Three home games and one away game in the last 7 days, all final: 100 %, 4 of 4 (the
    // reference counted home games only, §7.2).
    assert_eq!(
        team(
            "BOS",
            "l7d_completeness_pct, l7d_is_complete, expected_games_count, actual_games_count, \
             is_production_ready, quality_tier"
        ),
        ["100.0", "true", "6", "6", "true", "gold"]
    );
}

#[test]
fn in_progress_games_keep_their_rows_under_the_schedules_system_id() {
    // MIA vs DEN is in progress (status 2): the reference's `game_status IN (1, 3)` dropped it.
    // The id is the schedule row's system id, as in every Phase 3 table; the reference wrote the
    // NBA.com id here and the system id elsewhere (§10 item 1).
    assert_eq!(
        rows(
            scenario(),
            "SELECT team_abbr, game_id, opponent_team_abbr FROM nba_analytics.upcoming_team_game_context \
             ORDER BY game_id, team_abbr"
        ),
        [
            ["DEN", "20240120_DEN_MIA", "MIA"],
            ["MIA", "20240120_DEN_MIA", "DEN"],
            ["BOS", "20240120_LAC_BOS", "LAC"],
            ["LAC", "20240120_LAC_BOS", "BOS"],
        ]
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

/// The sorted `data_hash` values of model output.
fn hashes(batches: &[RecordBatch]) -> Vec<String> {
    let mut out: Vec<String> = batches
        .iter()
        .flat_map(|b| {
            let c = b
                .column(b.schema().index_of("data_hash").expect("data_hash"))
                .clone();
            (0..b.num_rows())
                .map(move |r| arrow::util::display::array_value_to_string(&c, r).expect("string"))
        })
        .collect();
    out.sort();
    out
}

/// Runs `table`'s model over `params` without writing and compares its hashes with the rows
/// the lake holds for the range.
fn assert_rerun_matches(lake: &Lake, table: TableId, params: &ModelParams) {
    let engine = Engine::open(lake).expect("engine");
    let again = engine
        .run_model(table, table.sql().expect("model"), params)
        .expect("rerun")
        .rows;
    let stored: Vec<String> = rows(
        lake,
        &format!(
            "SELECT data_hash FROM {table} WHERE game_date BETWEEN DATE '{}' AND DATE '{}' ORDER BY 1",
            params.range.start, params.range.end
        ),
    )
    .concat();
    assert!(!stored.is_empty(), "{table} has rows");
    assert_eq!(hashes(&again), stored, "{table}");
}

#[test]
fn rebuilding_gives_the_same_rows() {
    let params = ModelParams::historical(range("2024-01-20..2024-01-20"));
    for table in [UTGC, UPGC] {
        assert_rerun_matches(scenario(), table, &params);
    }
}

// ── Live mode on a generated season whose last day is still to be played ───────────────

struct LiveSeason {
    _dir: tempfile::TempDir,
    lake: Lake,
    day: NaiveDate,
    as_of: DateTime<Utc>,
}

/// One generated season with its last day scheduled, Phase 3 built historically up to the day
/// before, and three injury-report rows added for the last day's home team.
fn live_season() -> &'static LiveSeason {
    static LIVE: OnceLock<LiveSeason> = OnceLock::new();
    LIVE.get_or_init(|| {
        let dir = tempdir();
        let lake = Lake::open(dir.path().to_str().expect("utf-8")).expect("lake");
        let league = fixtures::generate(&GenerateConfig {
            seasons: parse_seasons("2023-24").expect("season"),
            seed: 11,
            scheduled_last_day: true,
            realistic: false,
        });
        fixtures::write(&lake, &league).expect("write");
        let day = league.span.end;
        // Noon Eastern (EDT) on the day: before every tip-off and before its 13:00 report.
        let as_of: DateTime<Utc> = format!("{day}T16:00:00Z").parse().expect("timestamp");
        {
            let engine = Engine::open(&lake).expect("engine");
            // Three players of the home team's roster whose ESPN spelling is canonical: one
            // ruled out the evening before (before as_of), one ruled out at 13:00 on the day
            // (after as_of), one questionable the evening before.
            let sql = format!(
                "WITH home AS (SELECT home_team_tricode AS t FROM nba_raw.nbac_schedule WHERE game_date = DATE '{day}' ORDER BY game_id LIMIT 1),
                 picked AS (
                    SELECT r.player_lookup, row_number() OVER (ORDER BY r.player_lookup) AS n
                    FROM nba_raw.espn_team_rosters r
                    JOIN nba_reference.nba_players_registry g ON g.player_lookup = r.player_lookup
                    WHERE r.roster_date = DATE '{day}' AND team_tricode(r.team_abbr) = (SELECT t FROM home)
                    GROUP BY r.player_lookup)
                 SELECT * FROM nba_raw.nbac_injury_report WHERE game_date = DATE '{day}'
                 UNION ALL BY NAME
                 SELECT CASE n WHEN 2 THEN DATE '{day}' ELSE DATE '{day}' - 1 END AS report_date,
                        CASE n WHEN 2 THEN 13 ELSE 17 END AS report_hour, DATE '{day}' AS game_date,
                        (SELECT t FROM home) AS team, player_lookup,
                        CASE n WHEN 3 THEN 'Questionable' ELSE 'Out' END AS injury_status,
                        1.0 AS confidence_score
                 FROM picked WHERE n <= 3"
            );
            let batches: Vec<RecordBatch> = engine
                .query(&sql)
                .expect("injury rows")
                .iter()
                .map(|b| {
                    let schema = b.schema();
                    registry_batch(
                        TableId::NbacInjuryReport,
                        schema
                            .fields()
                            .iter()
                            .zip(b.columns())
                            .map(|(f, c)| (f.name().as_str(), c.clone()))
                            .collect(),
                    )
                })
                .collect();
            lake.write(TableId::NbacInjuryReport, &batches, WriteScope::DatesPresent)
                .expect("write injuries");
            let engine = Engine::open(&lake).expect("engine");
            let before = DateRange::new(league.span.start, day.pred_opt().expect("a day before"))
                .expect("range");
            backcourt::analytics::build(&engine, &ModelParams::historical(before))
                .expect("historical build");
        }
        build_context(
            &lake,
            &ModelParams {
                range: DateRange::day(day),
                mode: Mode::Live,
                as_of: Some(as_of),
            },
        );
        LiveSeason {
            _dir: dir,
            lake,
            day,
            as_of,
        }
    })
}

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
fn the_generator_can_leave_the_last_day_scheduled() {
    let live = live_season();
    let lake = &live.lake;
    let day = live.day;
    assert_none(
        lake,
        &format!(
            "SELECT game_id FROM nba_raw.nbac_schedule WHERE game_date = DATE '{day}'
             AND (game_status <> 1 OR game_status_text <> 'Scheduled' OR home_team_score IS NOT NULL
                  OR winning_team_tricode IS NOT NULL)"
        ),
        "the last day is scheduled, without results",
    );
    for table in [
        TableId::NbacGamebookPlayerStats,
        TableId::BdlPlayerBoxscores,
        TableId::NbacTeamBoxscore,
        TableId::BigdataballPlayByPlay,
        TableId::NbacPlayByPlay,
        TableId::PlayerGameTruth,
    ] {
        assert_eq!(
            int(
                lake,
                &format!("SELECT count(*)::BIGINT FROM {table} WHERE game_date = DATE '{day}'")
            ),
            0,
            "{table} on the unplayed day"
        );
    }
    for (table, at) in [
        (TableId::OddsApiPlayerPointsProps, "snapshot_timestamp"),
        (TableId::OddsApiGameLines, "snapshot_timestamp"),
    ] {
        assert!(
            int(
                lake,
                &format!("SELECT count(*)::BIGINT FROM {table} WHERE game_date = DATE '{day}'")
            ) > 0,
            "{table} has pre-game rows"
        );
        assert_none(
            lake,
            &format!(
                "SELECT x.{at} FROM {table} x JOIN nba_raw.nbac_schedule s
                   ON s.game_date = x.game_date WHERE x.game_date = DATE '{day}' AND x.{at} >= s.game_time_utc"
            ),
            "no snapshot after tip-off",
        );
    }
    assert!(
        int(
            lake,
            &format!(
                "SELECT count(*)::BIGINT FROM nba_raw.espn_team_rosters WHERE roster_date = DATE '{day}'"
            )
        ) > 0
    );
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

#[test]
fn live_rows_read_nothing_published_after_as_of() {
    let live = live_season();
    let (lake, day, as_of) = (&live.lake, live.day, live.as_of);
    let at = format!("TIMESTAMPTZ '{}'", as_of.format("%Y-%m-%d %H:%M:%S+00"));
    for (table, columns) in [
        (
            UPGC,
            "source_props_last_updated, source_game_lines_last_updated, source_boxscore_last_updated, \
             source_schedule_last_updated, processed_at",
        ),
        (
            UTGC,
            "betting_lines_updated_at, source_odds_lines_last_updated, \
             source_injury_report_last_updated, source_nbac_schedule_last_updated, processed_at",
        ),
    ] {
        for column in columns.split(", ") {
            assert_none(
                lake,
                &format!(
                    "SELECT {column} FROM {table} WHERE game_date = DATE '{day}' AND {column} > {at}"
                ),
                &format!("{table}.{column} after as_of"),
            );
        }
    }

    // The proof: delete every raw row published after as_of and rebuild; nothing changes.
    let all_rows = |lake: &Lake, table: TableId| {
        rows(
            lake,
            &format!(
                "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM {table} WHERE game_date = DATE '{day}' ORDER BY ALL"
            ),
        )
    };
    let dir = tempdir();
    copy_dir(lake.local_root(), dir.path());
    let trimmed = Lake::open(dir.path().to_str().expect("utf-8")).expect("lake");
    {
        let engine = Engine::open(&trimmed).expect("engine");
        for (table, keep) in [
            (
                TableId::OddsApiPlayerPointsProps,
                format!("snapshot_timestamp <= {at}"),
            ),
            (
                TableId::OddsApiGameLines,
                format!("snapshot_timestamp <= {at}"),
            ),
            (
                TableId::NbacInjuryReport,
                format!(
                    "timezone('America/New_York', report_date + to_hours(report_hour)) <= {at}"
                ),
            ),
        ] {
            let kept = engine
                .query(&format!(
                    "SELECT * FROM {table} WHERE game_date = DATE '{day}' AND {keep}"
                ))
                .expect("kept rows");
            trimmed
                .write(table, &kept, WriteScope::Range(DateRange::day(day)))
                .expect("rewrite");
        }
    }
    assert!(
        rows(
            &trimmed,
            &format!(
                "SELECT 1 FROM nba_raw.nbac_injury_report WHERE game_date = DATE '{day}' AND report_hour = 13"
            )
        )
        .is_empty(),
        "the 13:00 report was removed"
    );
    build_context(
        &trimmed,
        &ModelParams {
            range: DateRange::day(day),
            mode: Mode::Live,
            as_of: Some(as_of),
        },
    );
    for table in [UTGC, UPGC] {
        assert_eq!(all_rows(&trimmed, table), all_rows(lake, table), "{table}");
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
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

#[test]
fn team_context_has_two_rows_per_game_and_covers_the_calendar() {
    let lake = analytics_league();
    let engine = Engine::open(lake).expect("engine");
    let calendar = Calendar::load(&engine).expect("calendar");
    let games = calendar.games().count() as i64;
    assert_eq!(
        int(
            lake,
            "SELECT count(*)::BIGINT FROM nba_analytics.upcoming_team_game_context"
        ),
        2 * games
    );
    assert_none(
        lake,
        "SELECT game_id FROM nba_analytics.upcoming_team_game_context GROUP BY game_id
         HAVING count(*) <> 2 OR count(*) FILTER (WHERE home_game) <> 1",
        "home and away row per game",
    );
    let expected: Vec<String> = calendar.game_dates().map(|d| d.to_string()).collect();
    for table in [UTGC, UPGC] {
        let dates: Vec<String> = rows(
            lake,
            &format!("SELECT DISTINCT game_date::VARCHAR FROM {table} ORDER BY 1"),
        )
        .concat();
        assert_eq!(dates, expected, "{table} dates");
    }
    // Lines are quoted for every game before tip-off: each team has a spread, the two sides
    // opposite, and a total.
    assert_none(
        lake,
        "SELECT game_id FROM nba_analytics.upcoming_team_game_context GROUP BY game_id
         HAVING count(game_spread) <> 2 OR sum(game_spread) <> 0 OR count(game_total) <> 2",
        "spreads and totals",
    );
}

#[test]
fn one_date_alone_equals_that_date_in_the_full_run() {
    // DESIGN principle 3 (replay equivalence), on a mid-season date and an opening night.
    for day in ["2024-01-15", "2022-10-18"] {
        let params = ModelParams::historical(range(&format!("{day}..{day}")));
        for table in [UTGC, UPGC] {
            assert_rerun_matches(analytics_league(), table, &params);
        }
    }
}
