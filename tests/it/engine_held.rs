//! The session's in-memory copies of lake tables (`src/engine/held.rs`):
//! whatever a session built, rewrote or found changed behind its back, its
//! views read exactly the rows the files hold.

use backcourt::analytics;
use backcourt::calendar::Calendar;
use backcourt::dates::DateRange;
use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::{Lake, WriteScope};
use backcourt::registry::TableId;

use crate::util::{copy_lake, season_league, RAW_DIRS};

/// An order-free fingerprint of `table` as `engine` reads it: rows and a
/// sum of row hashes.
fn fingerprint(engine: &Engine, table: TableId) -> (i64, String) {
    let b = engine
        .query(&format!(
            "SELECT count(*)::BIGINT, CAST(sum(hash(t)) AS VARCHAR) FROM {table} t"
        ))
        .expect("fingerprint");
    let b = &b[0];
    let rows = b
        .column(0)
        .as_any()
        .downcast_ref::<arrow::array::Int64Array>()
        .expect("count")
        .value(0);
    let sum = arrow::util::display::array_value_to_string(b.column(1), 0).expect("sum");
    (rows, sum)
}

/// The fingerprint of `table`'s files, read by a fresh session (which holds
/// nothing: it runs no model).
fn files_fingerprint(lake: &Lake, table: TableId) -> (i64, String) {
    let fresh = Engine::open(lake).expect("fresh engine");
    fingerprint(&fresh, table)
}

fn assert_reads_files(engine: &Engine, lake: &Lake, table: TableId, when: &str) {
    assert_eq!(
        fingerprint(engine, table),
        files_fingerprint(lake, table),
        "{table} {when}: the session reads other rows than the files hold"
    );
}

#[test]
fn held_tables_read_exactly_what_the_files_hold() {
    let (_dir, lake) = copy_lake(season_league(), &RAW_DIRS);
    let engine = Engine::open(&lake).expect("engine");
    let calendar = Calendar::load(&engine).expect("calendar");
    let span = calendar.span().expect("games");

    // A whole-season build: every Phase 3 table is held from the rows it
    // wrote, and the raw tables the models read are held from their files.
    analytics::build(&engine, &ModelParams::historical(span)).expect("Phase 3");
    let pgs = TableId::PlayerGameSummary;
    let gamebook = TableId::NbacGamebookPlayerStats;
    for table in [pgs, TableId::UpcomingPlayerGameContext, gamebook] {
        assert!(engine.is_held(table), "{table} is not held after the build");
        assert_reads_files(&engine, &lake, table, "after the whole-season build");
    }

    // The gamebook of one date rewritten behind the session's back (every
    // player scores 7 more), then that date's summary rebuilt: the session
    // must notice the new files, and replace just that date of its copy.
    let d = calendar
        .game_dates()
        .nth(40)
        .expect("a game date inside the season");
    let day = DateRange::day(d);
    let before = points_on(&engine, d);
    let changed = Engine::open(&lake)
        .expect("engine")
        .query(&format!(
            "SELECT * REPLACE (CASE WHEN points IS NULL THEN NULL ELSE points + 7 END AS points) \
             FROM {gamebook} WHERE game_date = DATE '{d}'"
        ))
        .expect("changed gamebook rows");
    lake.write(gamebook, &changed, WriteScope::Range(day))
        .expect("rewrite the gamebook date");
    engine
        .build_table(pgs, &ModelParams::historical(day))
        .expect("rebuild one date");
    assert_reads_files(&engine, &lake, gamebook, "after its files changed");
    assert_reads_files(&engine, &lake, pgs, "after one date was rebuilt");
    let after = points_on(&engine, d);
    assert!(
        after.1 > before.1,
        "the rebuilt date did not see the new gamebook: (rows, points) {before:?} -> {after:?}"
    );
    // The other dates of the copy are untouched.
    let other = calendar.game_dates().nth(41).expect("another date");
    assert_eq!(
        points_on(&engine, other),
        points_on(&Engine::open(&lake).expect("engine"), other)
    );

    // After a refresh the view reads the files again.
    engine.refresh(pgs).expect("refresh");
    assert!(!engine.is_held(pgs));
    assert_reads_files(&engine, &lake, pgs, "after a refresh");
}

/// Rows and total points of `player_game_summary` on `d`.
fn points_on(engine: &Engine, d: chrono::NaiveDate) -> (i64, i64) {
    let b = engine
        .query(&format!(
            "SELECT count(*)::BIGINT, coalesce(sum(points), 0)::BIGINT \
             FROM nba_analytics.player_game_summary WHERE game_date = DATE '{d}'"
        ))
        .expect("points");
    let col = |i: usize| {
        b[0].column(i)
            .as_any()
            .downcast_ref::<arrow::array::Int64Array>()
            .expect("BIGINT")
            .value(0)
    };
    (col(0), col(1))
}
