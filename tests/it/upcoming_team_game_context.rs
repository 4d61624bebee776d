//! nba_analytics.upcoming_team_game_context (`sql/nba_analytics/upcoming_team_game_context.sql`,
//! reference-phase3 §7): hand-built rows with values computed by hand, each reference [BUG] the
//! table had, a live run on a generated season whose last day is still to be played, and
//! invariants on the generated league. The scenarios are [`crate::scenarios::upcoming_context`]'s.
//!
//! upcoming_player_game_context reads the game's lines, rest and travel from this table, so the
//! tests asserting one rule of both context tables (a rebuild gives the same rows, live rows read
//! nothing published after as_of, one date alone equals the full run) are here.

use arrow::array::RecordBatch;
use backcourt::calendar::Calendar;
use backcourt::dates::DateRange;
use backcourt::engine::{Engine, Mode, ModelParams};
use backcourt::lake::{Lake, WriteScope};
use backcourt::registry::TableId;

use crate::scenarios::upcoming_context::{
    build_context, live_season, player, range, scenario, team, UPGC, UTGC,
};
use crate::util::{analytics_league, assert_none, int, rows, tempdir};

// ── The hand-built scenario ([`crate::scenarios::upcoming_context`]) ─────────────────────

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
