//! `backcourt import` through the binary (src/import.rs): files named
//! `<dataset>.<table>.parquet` are checked against the raw contract, all of
//! them before anything is written.

use std::path::Path;
use std::process::Output;
use std::sync::Arc;

use arrow::array::{ArrayRef, Date32Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, TimeUnit};
use backcourt::lake::Lake;
use backcourt::registry::TableId;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::scenarios::exports::{
    day, good_exports, rosters, schedule, travel, write_parquet, TIP_OFF_MS,
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
