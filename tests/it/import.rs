//! `backcourt import` through the binary (src/import.rs): files named
//! `<dataset>.<table>.parquet` are checked against the raw contract, all of
//! them before anything is written; a file that breaks it is refused with
//! exit 2, naming the table, file, column and row. Generated broken exports
//! by the thousand: `import_fuzz.rs`.

use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use arrow::array::{ArrayRef, Date32Array, Date64Array, Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, TimeUnit};
use backcourt::lake::Lake;
use backcourt::registry::TableId;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::scenarios::exports::{
    day, good_exports, replace_column, rosters, schedule, travel, write_parquet, TIP_OFF_MS,
};
use crate::util::{files, int, registry_batch, rows, run, tempdir};

fn open(dir: &Path) -> Lake {
    Lake::open(dir.to_str().expect("utf-8 temp path")).expect("open lake")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `backcourt import path` against the lake at `lake`.
fn import(lake: &Path, path: &Path) -> Output {
    run(lake, &["import", path.to_str().expect("utf-8 path")])
}

#[test]
fn a_good_import_lands_every_table() {
    let exports = tempdir();
    good_exports(exports.path());
    let dir = tempdir();
    let out = import(dir.path(), exports.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for t in [
        "nba_raw.nbac_schedule",
        "nba_raw.espn_team_rosters",
        "nba_static.travel_distances",
    ] {
        assert!(stdout.contains(t), "{t} not reported:\n{stdout}");
    }

    let lake = open(dir.path());
    assert_eq!(
        int(&lake, "SELECT count(*)::BIGINT FROM nba_raw.nbac_schedule"),
        3
    );
    assert_eq!(
        rows(
            &lake,
            "SELECT CAST(roster_date AS VARCHAR), team_abbr, player_lookup FROM nba_raw.espn_team_rosters ORDER BY ALL"
        ),
        [
            ["2024-01-15", "BOS", "jaylenbrown"],
            ["2024-01-15", "BOS", "jaysontatum"],
            ["2024-01-16", "LAL", "lebronjames"],
        ]
    );
    assert_eq!(
        lake.partitions(TableId::NbacSchedule)
            .expect("partitions")
            .len(),
        2,
        "one partition per game date"
    );

    // `tables --json` shows the rows; every other table is empty.
    let out = run(dir.path(), &["tables", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tables: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON array");
    let rows_of = |name: &str| {
        tables
            .iter()
            .find(|t| t["table"] == name)
            .unwrap_or_else(|| panic!("{name} not listed"))["rows"]
            .as_u64()
            .expect("rows is a number")
    };
    assert_eq!(rows_of("nba_raw.nbac_schedule"), 3);
    assert_eq!(rows_of("nba_raw.espn_team_rosters"), 3);
    assert_eq!(rows_of("nba_static.travel_distances"), 3);
    assert_eq!(rows_of("nba_raw.nbac_gamebook_player_stats"), 0);
    let schedule = tables
        .iter()
        .find(|t| t["table"] == "nba_raw.nbac_schedule")
        .expect("listed");
    assert_eq!(schedule["first_date"], "2024-01-15");
    assert_eq!(schedule["last_date"], "2024-01-17");
}

#[test]
fn other_widths_string_kinds_and_naive_millisecond_timestamps_are_accepted() {
    let exports = tempdir();
    good_exports(exports.path());
    let dir = tempdir();
    let out = import(dir.path(), exports.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lake = open(dir.path());

    // Int64 miles, LargeUtf8 and Utf8View names; the extra column is dropped.
    assert_eq!(
        rows(
            &lake,
            "SELECT from_team, to_team, distance_miles, typeof(distance_miles), typeof(from_team) \
             FROM nba_static.travel_distances ORDER BY ALL"
        ),
        [
            ["BOS", "LAL", "2611", "INTEGER", "VARCHAR"],
            ["BOS", "NYK", "190", "INTEGER", "VARCHAR"],
            ["LAL", "BOS", "2611", "INTEGER", "VARCHAR"],
        ]
    );
    let file = std::fs::File::open(
        dir.path()
            .join(Lake::partition_path(TableId::TravelDistances, None)),
    )
    .expect("travel file");
    let schema = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("parquet")
        .schema()
        .clone();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        names,
        [
            "from_team",
            "to_team",
            "distance_miles",
            "time_zones_crossed"
        ]
    );
    assert_eq!(schema.field(0).data_type(), &DataType::Utf8);
    assert_eq!(schema.field(2).data_type(), &DataType::Int32);

    // A timestamp without zone, in milliseconds, is the same instant in UTC.
    assert_eq!(
        int(
            &lake,
            "SELECT epoch_ms(game_time_utc)::BIGINT FROM nba_raw.nbac_schedule WHERE game_id = '0022300601'"
        ),
        TIP_OFF_MS
    );
    let file = std::fs::File::open(dir.path().join(Lake::partition_path(
        TableId::NbacSchedule,
        Some("2024-01-15".parse().expect("date")),
    )))
    .expect("schedule file");
    let schema = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("parquet")
        .schema()
        .clone();
    assert_eq!(
        schema
            .field_with_name("game_time_utc")
            .expect("column")
            .data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
    );
    assert_eq!(
        schema
            .field_with_name("season_year")
            .expect("column")
            .data_type(),
        &DataType::Int32
    );
}

#[test]
fn a_missing_required_column_fails_naming_table_and_column() {
    let exports = tempdir();
    let batch = rosters(&[("2024-01-15", "BOS", "jaysontatum")]);
    let idx = batch.schema().index_of("team_abbr").expect("column");
    let keep: Vec<usize> = (0..batch.num_columns()).filter(|&i| i != idx).collect();
    let path = exports.path().join("nba_raw.espn_team_rosters.parquet");
    write_parquet(&path, &batch.project(&keep).expect("projection"));

    let dir = tempdir();
    let out = import(dir.path(), &path);
    // A file that breaks the contract is the caller's to fix: exit 2
    // (import::Error::is_bad_input), as for a bad file name.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("nba_raw.espn_team_rosters"), "{err}");
    assert_eq!(
        err.matches("missing required column `team_abbr`").count(),
        1,
        "named once: {err}"
    );
    assert!(files(dir.path()).is_empty(), "a failed import wrote files");
}

#[test]
fn a_string_where_a_number_is_required_is_rejected() {
    let exports = tempdir();
    let mut batch = travel(&[("BOS", "LAL", 2611)]);
    let idx = batch.schema().index_of("distance_miles").expect("column");
    let mut cols: Vec<(String, ArrayRef)> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .zip(batch.columns().iter().cloned())
        .collect();
    cols[idx].1 = Arc::new(StringArray::from(vec!["2611"]));
    batch = RecordBatch::try_from_iter(cols).expect("batch");
    write_parquet(
        &exports.path().join("nba_static.travel_distances.parquet"),
        &batch,
    );

    let dir = tempdir();
    let out = import(dir.path(), exports.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("nba_static.travel_distances"), "{err}");
    assert!(
        err.contains("column `distance_miles` has type Utf8"),
        "{err}"
    );
    assert!(files(dir.path()).is_empty(), "a failed import wrote files");
}

#[test]
fn one_bad_table_means_nothing_is_written() {
    let dir = tempdir();
    let first = tempdir();
    good_exports(first.path());
    let out = import(dir.path(), first.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = files(dir.path());
    assert!(!before.is_empty());

    // Good new rows for two tables that sort first, then a table whose second
    // file lacks a column.
    let exports = tempdir();
    write_parquet(
        &exports.path().join("nba_raw.espn_team_rosters.parquet"),
        &rosters(&[
            ("2024-01-15", "NYK", "jalenbrunson"),
            ("2024-02-01", "NYK", "jalenbrunson"),
        ]),
    );
    write_parquet(
        &exports.path().join("nba_raw.nbac_schedule.parquet"),
        &schedule(&[("0022300700", "2024-02-01", TIP_OFF_MS)]),
    );
    let travel_dir = exports.path().join("nba_static.travel_distances.parquet");
    write_parquet(
        &travel_dir.join("a.parquet"),
        &travel(&[("NYK", "BOS", 190)]),
    );
    let incomplete = travel(&[("BOS", "MIA", 1250)])
        .project(&[0, 1, 3])
        .expect("projection");
    write_parquet(&travel_dir.join("b.parquet"), &incomplete);

    let out = import(dir.path(), exports.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("nba_static.travel_distances") && err.contains("`distance_miles`"),
        "{err}"
    );
    assert!(
        err.contains("b.parquet"),
        "the bad file is not named: {err}"
    );
    assert!(
        files(dir.path()) == before,
        "a failed import changed the lake"
    );
}

#[test]
fn an_unknown_file_name_is_a_usage_error() {
    let exports = tempdir();
    good_exports(exports.path());
    write_parquet(
        &exports.path().join("nba_raw.nope.parquet"),
        &rosters(&[("2024-01-15", "BOS", "jaysontatum")]),
    );
    let dir = tempdir();
    let out = import(dir.path(), exports.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("nba_raw.nope.parquet"), "{err}");
    assert!(files(dir.path()).is_empty(), "a refused import wrote files");

    // Directly, and without a dataset prefix.
    let out = import(dir.path(), &exports.path().join("nba_raw.nope.parquet"));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let bare = exports.path().join("nbac_schedule.parquet");
    write_parquet(&bare, &schedule(&[("g", "2024-01-15", TIP_OFF_MS)]));
    let out = import(dir.path(), &bare);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nbac_schedule.parquet"),
        "{}",
        stderr(&out)
    );
    assert!(files(dir.path()).is_empty(), "a refused import wrote files");
}

#[test]
fn a_missing_path_or_an_empty_export_is_a_usage_error() {
    let dir = tempdir();
    let exports = tempdir();

    let gone = exports.path().join("not-there");
    let out = import(dir.path(), &gone);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not-there"), "{}", stderr(&out));

    // A table directory without any Parquet file in it: loading "nothing"
    // would look like success, so it is refused, and the good tables beside
    // it are not written either.
    good_exports(exports.path());
    std::fs::create_dir(exports.path().join("nba_raw.nbac_injury_report.parquet")).unwrap();
    let out = import(dir.path(), exports.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nba_raw.nbac_injury_report.parquet"),
        "{}",
        stderr(&out)
    );
    assert!(files(dir.path()).is_empty(), "a refused import wrote files");
}
#[test]
fn tables_backcourt_computes_are_not_imported() {
    let exports = tempdir();
    for table in [TableId::PlayerGameSummary, TableId::PlayerGameTruth] {
        let def = table.def();
        // A file that meets the table's schema: refused for its name alone.
        let n = 1;
        let batch = registry_batch(
            table,
            vec![(
                "game_date",
                Arc::new(Date32Array::from(vec![day("2024-01-15"); n])) as ArrayRef,
            )],
        );
        assert_eq!(batch.num_columns(), def.columns.len());
        let path = exports.path().join(format!("{table}.parquet"));
        write_parquet(&path, &batch);
        let dir = tempdir();
        let out = import(dir.path(), &path);
        assert_eq!(out.status.code(), Some(2), "{table}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("{table}.parquet")), "{err}");
        assert!(err.contains("computed by backcourt, not imported"), "{err}");
        assert!(
            files(dir.path()).is_empty(),
            "{table}: a refused import wrote files"
        );
    }
}

#[test]
fn reimporting_the_same_files_gives_identical_bytes() {
    let exports = tempdir();
    good_exports(exports.path());
    let a = tempdir();
    assert_eq!(import(a.path(), exports.path()).status.code(), Some(0));
    let first = files(a.path());
    assert_eq!(
        first.len(),
        2 + 2 + 1,
        "schedule and roster dates, one travel file"
    );

    assert_eq!(import(a.path(), exports.path()).status.code(), Some(0));
    assert!(files(a.path()) == first, "re-importing changed bytes");

    let b = tempdir();
    assert_eq!(import(b.path(), exports.path()).status.code(), Some(0));
    assert!(
        files(b.path()) == first,
        "the same import into another lake gave other bytes"
    );
}

/// Imports `path` into an empty lake, which must refuse it (exit 2) and
/// write nothing; returns what it said.
fn refused(path: &Path) -> String {
    let dir = tempdir();
    let out = import(dir.path(), path);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(files(dir.path()).is_empty(), "a refused import wrote files");
    stderr(&out)
}

// Each test below pins a gap the import fuzz cases (import_fuzz.rs) found.

#[test]
fn a_file_without_rows_is_still_held_to_the_columns() {
    // No rows meant no batch, and so no check at all: a zero-row file with a
    // column missing or of the wrong type was imported.
    let exports = tempdir();
    let empty = rosters(&[("2024-01-15", "BOS", "jaysontatum")]).slice(0, 0);
    let path = exports.path().join("nba_raw.espn_team_rosters.parquet");
    let idx = empty.schema().index_of("team_abbr").expect("column");
    let keep: Vec<usize> = (0..empty.num_columns()).filter(|&i| i != idx).collect();
    write_parquet(&path, &empty.project(&keep).expect("projection"));
    let err = refused(&path);
    assert!(
        err.contains("nba_raw.espn_team_rosters")
            && err.contains("missing required column `team_abbr`"),
        "{err}"
    );

    write_parquet(
        &path,
        &replace_column(
            &empty,
            "team_abbr",
            Arc::new(Int64Array::from(Vec::<i64>::new())),
        ),
    );
    let err = refused(&path);
    assert!(err.contains("column `team_abbr` has type Int64"), "{err}");

    // With its columns, an empty file is an empty feed: imported, no rows.
    write_parquet(&path, &empty);
    let dir = tempdir();
    let out = import(dir.path(), &path);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(files(dir.path()).is_empty());
}

#[test]
fn a_date64_that_is_not_a_whole_day_is_refused_by_row() {
    // Arrow's cast divides by a day and truncates to 32 bits: 01:00 on the
    // 16th became the 16th, a huge value some other date, silently.
    let exports = tempdir();
    let path = exports.path().join("nba_raw.espn_team_rosters.parquet");
    let batch = rosters(&[
        ("2024-01-15", "BOS", "jaysontatum"),
        ("2024-01-16", "BOS", "jaylenbrown"),
    ]);
    let midnight = i64::from(day("2024-01-16")) * 86_400_000;
    for bad in [midnight + 3_600_000, (i64::from(i32::MAX) + 1) * 86_400_000] {
        let dates = Date64Array::from(vec![midnight, bad]);
        write_parquet(
            &path,
            &replace_column(&batch, "roster_date", Arc::new(dates)),
        );
        let err = refused(&path);
        assert!(
            err.contains("nba_raw.espn_team_rosters")
                && err.contains("column `roster_date` row 2: a value does not fit DATE"),
            "{err}"
        );
    }
    // Whole days are dates.
    let dates = Date64Array::from(vec![midnight, midnight]);
    write_parquet(
        &path,
        &replace_column(&batch, "roster_date", Arc::new(dates)),
    );
    let dir = tempdir();
    assert_eq!(import(dir.path(), &path).status.code(), Some(0));
}

#[test]
fn dates_outside_the_known_seasons_are_refused_not_a_panic() {
    // A Date32 beyond chrono's range panicked in the lake's partitioning
    // (dates.rs, "Date32 value in chrono's range"); 1900 or 2200 made a
    // partition directory of that year.
    let exports = tempdir();
    let path = exports.path().join("nba_raw.espn_team_rosters.parquet");
    let batch = rosters(&[
        ("2024-01-15", "BOS", "jaysontatum"),
        ("2024-01-15", "BOS", "jaylenbrown"),
    ]);
    for (bad, shown) in [
        (i32::MAX, "2147483647 days from 1970-01-01"),
        (day("1900-01-01"), "1900-01-01"),
        (day("2200-06-01"), "2200-06-01"),
    ] {
        let dates = Date32Array::from(vec![day("2024-01-15"), bad]);
        write_parquet(
            &path,
            &replace_column(&batch, "roster_date", Arc::new(dates)),
        );
        let err = refused(&path);
        assert!(
            err.contains(&format!("nba_raw.espn_team_rosters ({}): column `roster_date` row 2 is {shown}, outside the seasons backcourt knows (1946-10-01..2101-09-30)", path.display())),
            "{err}"
        );
    }
    // Timestamps too.
    let sched = exports.path().join("nba_raw.nbac_schedule.parquet");
    write_parquet(
        &sched,
        &schedule(&[
            ("0022300601", "2024-01-15", TIP_OFF_MS),
            ("0022300602", "2024-01-15", 7_258_118_400_000),
        ]),
    );
    let err = refused(&sched);
    assert!(
        err.contains("column `game_time_utc` row 2 is 2200-01-01T00:00:00+00:00"),
        "{err}"
    );
}

#[test]
fn a_null_in_the_key_is_refused_by_row() {
    // A NULL player_lookup was imported; a NULL date was refused without
    // saying which row.
    let exports = tempdir();
    let path = exports.path().join("nba_raw.espn_team_rosters.parquet");
    let batch = rosters(&[
        ("2024-01-15", "BOS", "jaysontatum"),
        ("2024-01-15", "BOS", "jaylenbrown"),
    ]);
    let lookups = StringArray::from(vec![Some("jaysontatum"), None]);
    write_parquet(
        &path,
        &replace_column(&batch, "player_lookup", Arc::new(lookups)),
    );
    let err = refused(&path);
    assert!(
        err.contains("column `player_lookup` row 2 is NULL; it is part of the key (roster_date, team_abbr, player_lookup)"),
        "{err}"
    );
    let dates = Date32Array::from(vec![None, Some(day("2024-01-15"))]);
    write_parquet(
        &path,
        &replace_column(&batch, "roster_date", Arc::new(dates)),
    );
    let err = refused(&path);
    assert!(
        err.contains(
            "column `roster_date` row 1 is NULL; it is the date the table is partitioned on"
        ),
        "{err}"
    );
}

#[test]
fn two_rows_with_one_key_are_refused_naming_both() {
    // The grain is unique in the lake; an import of duplicates wrote both.
    let exports = tempdir();
    let dir = exports.path().join("nba_raw.espn_team_rosters.parquet");
    write_parquet(
        &dir.join("part-000.parquet"),
        &rosters(&[
            ("2024-01-15", "BOS", "jaysontatum"),
            ("2024-01-15", "BOS", "jaylenbrown"),
        ]),
    );
    write_parquet(
        &dir.join("part-001.parquet"),
        &rosters(&[
            ("2024-01-16", "LAL", "lebronjames"),
            ("2024-01-15", "BOS", "jaylenbrown"),
        ]),
    );
    let err = refused(exports.path());
    assert!(
        err.contains(&format!(
            "nba_raw.espn_team_rosters: two rows with the key (`roster_date`, `team_abbr`, `player_lookup`) = (2024-01-15, \"BOS\", \"jaylenbrown\"): {} row 2 and {} row 2",
            dir.join("part-000.parquet").display(),
            dir.join("part-001.parquet").display()
        )),
        "{err}"
    );
}

#[test]
fn a_hive_directory_must_match_its_rows() {
    // A file under `roster_date=2024-01-15/` holding rows of the 16th (or
    // under a directory that names no date) was imported as it was.
    let exports = tempdir();
    let table = exports.path().join("nba_raw.espn_team_rosters.parquet");
    let mixed = table.join("roster_date=2024-01-15/part-0.parquet");
    write_parquet(
        &mixed,
        &rosters(&[
            ("2024-01-15", "BOS", "jaysontatum"),
            ("2024-01-16", "BOS", "jaylenbrown"),
        ]),
    );
    let err = refused(&table);
    assert!(
        err.contains(
            "column `roster_date` row 2 is 2024-01-16, not 2024-01-15, the date of its directory"
        ),
        "{err}"
    );
    std::fs::remove_dir_all(&table).unwrap();

    let undated = table.join("roster_date=soon/part-0.parquet");
    write_parquet(&undated, &rosters(&[("2024-01-15", "BOS", "jaysontatum")]));
    let err = refused(&table);
    assert!(
        err.contains("directory `roster_date=soon` names column `roster_date` but not a date"),
        "{err}"
    );
    std::fs::remove_dir_all(&table).unwrap();

    let matching = table.join("roster_date=2024-01-15/part-0.parquet");
    write_parquet(&matching, &rosters(&[("2024-01-15", "BOS", "jaysontatum")]));
    let dir = tempdir();
    let out = import(dir.path(), &table);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn strings_that_are_not_utf8_name_their_column() {
    // The reader's "encountered non UTF-8 data" came out as "not a Parquet
    // file", with no column.
    let exports = tempdir();
    let path = exports.path().join("nba_raw.espn_team_rosters.parquet");
    let batch = rosters(&[
        ("2024-01-15", "BOS", "jaysontatum"),
        ("2024-01-15", "BOS", "~not-utf8~"),
    ]);
    std::fs::write(
        &path,
        crate::scenarios::exports::parquet_with_invalid_utf8(&batch, "~not-utf8~"),
    )
    .unwrap();
    let err = refused(&path);
    assert!(
        err.contains("nba_raw.espn_team_rosters")
            && err.contains("column `player_lookup` cannot be read")
            && err.contains("non UTF-8"),
        "{err}"
    );
}

#[test]
fn a_column_twice_is_refused() {
    // The first of two `team_abbr` columns was taken, the second ignored.
    let exports = tempdir();
    let path = exports.path().join("nba_raw.espn_team_rosters.parquet");
    let batch = rosters(&[("2024-01-15", "BOS", "jaysontatum")]);
    let mut cols: Vec<(String, ArrayRef)> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .zip(batch.columns().iter().cloned())
        .collect();
    cols.push(("team_abbr".into(), Arc::new(StringArray::from(vec!["LAL"]))));
    let fields: Vec<arrow::datatypes::Field> = cols
        .iter()
        .map(|(n, a)| arrow::datatypes::Field::new(n, a.data_type().clone(), true))
        .collect();
    let twice = RecordBatch::try_new(
        Arc::new(arrow::datatypes::Schema::new(fields)),
        cols.into_iter().map(|(_, a)| a).collect(),
    )
    .expect("duplicate names are allowed in a batch");
    write_parquet(&path, &twice);
    let err = refused(&path);
    assert!(err.contains("column `team_abbr` appears 2 times"), "{err}");
}

#[test]
fn a_value_that_does_not_fit_names_its_row() {
    let exports = tempdir();
    let path = exports.path().join("nba_static.travel_distances.parquet");
    write_parquet(
        &path,
        &travel(&[
            ("BOS", "LAL", 2611),
            ("LAL", "BOS", i64::MAX),
            ("BOS", "NYK", 190),
        ]),
    );
    let err = refused(&path);
    assert!(
        err.contains("nba_static.travel_distances")
            && err.contains("column `distance_miles` row 2: a value does not fit INTEGER"),
        "{err}"
    );
}
