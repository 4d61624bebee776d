//! Phase 4 is point in time (DESIGN principle 3): each of the five tables,
//! computed for one date alone, gives byte for byte the partition that date
//! has inside the four-season run, and the same failure rows. A model that
//! read a game on or after its date, or whose windows depended on the range
//! it was run over, would differ. Also: bootstrap dates are skipped, and the
//! first date after the bootstrap has rows in every table.

use backcourt::calendar::{Calendar, Season};
use backcourt::dates::DateRange;
use backcourt::engine::{Engine, ModelParams};
use backcourt::lake::{Lake, WriteScope};
use backcourt::registry::{Phase, TableId};
use chrono::NaiveDate;

use crate::util::{copy_lake, int_on, precompute_league, rows_on, tempdir};

/// The game dates the replay test recomputes: the first non-bootstrap one of
/// each season (the edge of the bootstrap), every 45th, and the opening
/// nights that carry last season over.
fn replay_dates(calendar: &Calendar) -> Vec<NaiveDate> {
    let owed: Vec<NaiveDate> = calendar
        .game_dates()
        .filter(|&d| !calendar.is_bootstrap(d))
        .collect();
    let mut dates: Vec<NaiveDate> = owed.iter().step_by(45).copied().collect();
    for season in calendar.seasons() {
        let first = owed
            .iter()
            .find(|&&d| backcourt::calendar::Season::of(d) == season)
            .copied();
        dates.extend(first);
        // Opening night of a season that carries the one before over (the feature store's).
        dates.extend(
            calendar
                .opening_night(season)
                .filter(|&d| calendar.carries_over(d)),
        );
    }
    dates.sort();
    dates.dedup();
    dates
}

fn failure_rows(engine: &Engine, table: TableId, date: NaiveDate) -> Vec<Vec<String>> {
    rows_on(
        engine,
        &format!(
            "SELECT * FROM nba_processing.processing_failures \
             WHERE table_name = '{}' AND analysis_date = DATE '{date}' ORDER BY entity_id",
            table.name()
        ),
    )
}

#[test]
fn each_table_computes_a_date_alone_byte_for_byte_as_in_the_full_run() {
    let lake = precompute_league();
    let engine = Engine::open(lake).expect("engine");
    let calendar = Calendar::load(&engine).expect("calendar");
    let dates = replay_dates(&calendar);
    assert!(dates.len() >= 20, "only {} replay dates", dates.len());
    assert!(
        calendar.seasons().len() >= 4 && dates.first() < dates.last(),
        "dates spread over the seasons"
    );

    let tables = TableId::in_phase_order(Phase::Precompute);
    assert_eq!(tables.len(), 5, "{tables:?}");
    let dir = tempdir();
    let alone_lake = Lake::open(dir.path().to_str().expect("utf-8")).expect("lake");
    let mut compared_rows = 0;
    for &date in &dates {
        for &table in &tables {
            let out = engine
                .run_model(
                    table,
                    table.sql().expect("a SQL model"),
                    &ModelParams::historical(DateRange::day(date)),
                )
                .unwrap_or_else(|e| panic!("{table} {date}: {e}"));
            compared_rows += out.row_count();
            alone_lake
                .write(table, &out.rows, WriteScope::Range(DateRange::day(date)))
                .expect("write the one-date rows");
            assert_same_partition(lake, &alone_lake, table, date, "the one-date run");

            let failures = out.failures.expect("Phase 4 models declare their failures");
            alone_lake
                .write(
                    TableId::ProcessingFailures,
                    &failures,
                    WriteScope::Range(DateRange::day(date)),
                )
                .expect("write the one-date failures");
            assert_eq!(
                failure_rows(&Engine::open(&alone_lake).expect("engine"), table, date),
                failure_rows(&engine, table, date),
                "{table} {date}: failure rows differ"
            );
        }
    }
    assert!(
        compared_rows > 10_000,
        "the replay compared only {compared_rows} rows"
    );
}

#[test]
fn bootstrap_dates_have_no_rows_but_the_feature_stores_carried_over_ones() {
    let lake = precompute_league();
    let engine = Engine::open(lake).expect("engine");
    let calendar = Calendar::load(&engine).expect("calendar");
    let first_season = calendar.seasons()[0];
    let mut bootstrap = 0;
    for season in calendar.seasons() {
        let window = calendar.bootstrap(season).expect("opening night");
        // The lake's first season has nothing before it; later ones carry the season before
        // over into the feature store, and only there.
        let carries = season != first_season;
        for date in calendar.game_dates_in(window) {
            bootstrap += 1;
            assert_eq!(calendar.carries_over(date), carries, "{date}");
            for table in TableId::in_phase_order(Phase::Precompute) {
                let n = int_on(
                    &engine,
                    &format!(
                        "SELECT CAST(count(*) AS BIGINT) FROM {table} WHERE {} = DATE '{date}'",
                        table.def().date_column.expect("dated")
                    ),
                );
                if carries && table == TableId::MlFeatureStoreV2 {
                    assert!(n > 0, "{table} has no carried-over rows on {date}");
                } else {
                    assert_eq!(n, 0, "{table} has rows on bootstrap date {date}");
                }
            }
        }
        // A build over the bootstrap window alone: every game date reported skipped, none
        // owed, and nothing written but the feature store's carried-over rows.
        let build =
            backcourt::precompute::build(&engine, &calendar, &ModelParams::historical(window))
                .expect("build over the bootstrap");
        assert_eq!(
            build.bootstrap_skipped,
            calendar.game_dates_in(window).collect::<Vec<_>>()
        );
        assert!(build.game_dates.is_empty(), "{:?}", build.game_dates);
        for t in &build.tables {
            assert_eq!(t.failures, 0, "{}", t.table);
            if !(carries && t.table == TableId::MlFeatureStoreV2) {
                assert_eq!(t.written.rows, 0, "{}", t.table);
            }
        }
    }
    assert_eq!(
        bootstrap,
        4 * 14,
        "14 game dates per season in the generated league"
    );
    let failures = int_on(
        &engine,
        "SELECT CAST(count(*) AS BIGINT) FROM nba_processing.processing_failures f \
         JOIN backcourt.game_dates d ON d.game_date = f.analysis_date WHERE d.is_bootstrap",
    );
    assert_eq!(failures, 0, "failure rows on bootstrap dates");
}

#[test]
fn the_first_date_after_the_bootstrap_has_rows_in_every_table() {
    let lake = precompute_league();
    let engine = Engine::open(lake).expect("engine");
    let calendar = Calendar::load(&engine).expect("calendar");
    for season in calendar.seasons() {
        let window = calendar.bootstrap(season).expect("opening night");
        let first = calendar
            .game_dates()
            .find(|&d| d > window.end)
            .expect("a date after the bootstrap");
        for table in TableId::in_phase_order(Phase::Precompute) {
            let n = int_on(
                &engine,
                &format!(
                    "SELECT CAST(count(*) AS BIGINT) FROM {table} WHERE {} = DATE '{first}'",
                    table.def().date_column.expect("dated")
                ),
            );
            // No player has 10 games yet, so the shot-zone profile is owed
            // only by failures (EXPECTED_INCOMPLETE), and says so.
            if table == TableId::PlayerShotZoneAnalysis {
                let expected = int_on(
                    &engine,
                    &format!(
                        "SELECT CAST(count(*) AS BIGINT) FROM nba_processing.processing_failures \
                         WHERE table_name = '{}' AND analysis_date = DATE '{first}' \
                         AND failure_category = 'EXPECTED_INCOMPLETE'",
                        table.name()
                    ),
                );
                assert!(
                    n > 0 || expected > 100,
                    "{table} {first}: {n} rows, {expected} failures"
                );
            } else {
                assert!(n > 0, "{table} has no rows on {first}");
            }
        }
    }
}

/// Removes from the local lake at `root` every partition dated after `last`: the lake as it
/// stood the day after `last`'s games, before anything later existed.
fn truncate_after(root: &std::path::Path, last: NaiveDate) -> usize {
    let mut removed = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("dir entry").path();
            if !path.is_dir() {
                continue;
            }
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            match name.split_once('=').map(|(_, d)| d.parse::<NaiveDate>()) {
                Some(Ok(d)) if d > last => {
                    std::fs::remove_dir_all(&path).expect("remove partition");
                    removed += 1;
                }
                Some(Ok(_)) => {}
                _ => stack.push(path),
            }
        }
    }
    removed
}

#[test]
fn a_date_computed_in_a_lake_that_ends_with_it_is_the_full_runs() {
    // The one-date replay above reads a lake that holds the later dates too; here the lake truly
    // lacks them: raw and Phase 3 copied and cut after D, then Phase 4 computed for D alone.
    let lake = precompute_league();
    let engine = Engine::open(lake).expect("engine");
    let calendar = Calendar::load(&engine).expect("calendar");
    let seasons = calendar.seasons();
    let mut dates: Vec<NaiveDate> = Vec::new();
    for season in &seasons[1..] {
        // A carried-over opening night, and a date mid-season.
        dates.extend(calendar.opening_night(*season));
        let in_season: Vec<NaiveDate> = calendar
            .game_dates()
            .filter(|&d| Season::of(d) == *season && !calendar.is_bootstrap(d))
            .collect();
        dates.push(in_season[in_season.len() / 2]);
    }
    // One copy, cut ever earlier: latest date first, so each cut also removes the Phase 4 rows
    // computed for the date before it.
    let (dir, cut) = copy_lake(
        lake,
        &["nba_raw", "nba_reference", "nba_static", "nba_analytics"],
    );
    dates.sort_unstable_by(|a, b| b.cmp(a));
    for d in dates {
        assert!(
            truncate_after(dir.path(), d) > 100,
            "nothing after {d} to cut"
        );
        let cut_engine = Engine::open(&cut).expect("engine");
        for table in TableId::in_phase_order(Phase::Precompute) {
            cut_engine
                .build_table(table, &ModelParams::historical(DateRange::day(d)))
                .unwrap_or_else(|e| panic!("{table} {d}: {e}"));
            assert_same_partition(lake, &cut, table, d, "the lake cut after D");
        }
    }
}

/// Asserts that `other`'s partition of `table` for `date` holds the full run's bytes (or that
/// neither has one); `what` names how `other` was computed.
fn assert_same_partition(full: &Lake, other: &Lake, table: TableId, date: NaiveDate, what: &str) {
    let path = Lake::partition_path(table, Some(date));
    let full = full.get(&path).ok();
    let other = other.get(&path).ok();
    assert!(
        full == other,
        "{table} {date}: {what} gives {} bytes, the full run {}",
        other.map_or(0, |b| b.len()),
        full.map_or(0, |b| b.len()),
    );
}
