//! The lake's guarantees (src/lake.rs, DESIGN principle 4): byte-identical
//! rewrites, range replacement, the Hive layout DuckDB reads as is, atomic
//! partitions under a killed writer, and conformance on write.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Instant;

use arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, Int32Array, Int64Array, RecordBatch, StringArray,
    UInt32Array,
};
use arrow::datatypes::{DataType, Int32Type};
use backcourt::calendar::parse_seasons;
use backcourt::conform;
use backcourt::dates::{date_to_date32, DateRange};
use backcourt::engine::Engine;
use backcourt::fixtures::{self, GenerateConfig, League};
use backcourt::lake::{self, Lake, WriteScope};
use backcourt::registry::{Producer, TableId};
use chrono::NaiveDate;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::util::{bin, files, range_seed, registry_batch, rows, schedule, tempdir};

fn date(s: &str) -> NaiveDate {
    s.parse().expect("a YYYY-MM-DD literal")
}

fn open(dir: &Path) -> Lake {
    Lake::open(dir.to_str().expect("utf-8 temp path")).expect("open lake")
}

/// The partition dates of `table`.
fn dates_of(lake: &Lake, table: TableId) -> Vec<NaiveDate> {
    lake.partitions(table)
        .expect("list partitions")
        .into_iter()
        .map(|p| p.date.expect("a partitioned table"))
        .collect()
}

/// The bytes of one partition file.
fn partition_bytes(dir: &Path, table: TableId, d: &str) -> Vec<u8> {
    std::fs::read(dir.join(Lake::partition_path(table, Some(date(d))))).expect("partition file")
}

/// Reverses the rows of `batch` (a permutation that differs from the sort order).
fn reversed(batch: &RecordBatch) -> RecordBatch {
    let n = batch.num_rows() as u32;
    let idx: UInt32Array = (0..n).rev().map(Some).collect();
    arrow::compute::take_record_batch(batch, &idx).expect("indices in range")
}

#[test]
fn rewriting_identical_rows_gives_identical_bytes_in_any_order() {
    let rows = [
        ("0022300010", "2024-01-15", 101),
        ("0022300011", "2024-01-15", 99),
        ("0022300012", "2024-01-16", 120),
        ("0022300013", "2024-01-17", 88),
        ("0022300014", "2024-01-17", 110),
    ];
    let a = tempdir();
    let lake_a = open(a.path());
    lake_a
        .write(
            TableId::NbacSchedule,
            &[schedule(&rows)],
            WriteScope::DatesPresent,
        )
        .expect("first write");
    let first = files(a.path());
    assert_eq!(first.len(), 3, "one file per date: {first:?}");

    lake_a
        .write(
            TableId::NbacSchedule,
            &[schedule(&rows)],
            WriteScope::DatesPresent,
        )
        .expect("rewrite");
    assert!(
        files(a.path()) == first,
        "rewriting the same rows changed bytes"
    );

    // The same rows in another order, split across batches, with the columns
    // in reverse order, into another lake.
    let shuffled = [rows[3], rows[0], rows[4], rows[2], rows[1]];
    let b = tempdir();
    let lake_b = open(b.path());
    let head = schedule(&shuffled[..2]);
    let tail = schedule(&shuffled[2..]);
    let tail = tail
        .project(&(0..tail.num_columns()).rev().collect::<Vec<_>>())
        .expect("projection");
    lake_b
        .write(
            TableId::NbacSchedule,
            &[head, tail],
            WriteScope::DatesPresent,
        )
        .expect("shuffled write");
    assert!(
        files(b.path()) == first,
        "row or column order changed the bytes"
    );

    // The comparison can tell: one changed score changes exactly its partition.
    let mut changed = rows;
    changed[2].2 = 121;
    lake_b
        .write(
            TableId::NbacSchedule,
            &[schedule(&changed)],
            WriteScope::DatesPresent,
        )
        .expect("changed write");
    let after = files(b.path());
    let differing: Vec<&PathBuf> = after
        .iter()
        .zip(&first)
        .filter(|(x, y)| x != y)
        .map(|(x, _)| &x.0)
        .collect();
    assert_eq!(
        differing,
        [&PathBuf::from(Lake::partition_path(
            TableId::NbacSchedule,
            Some(date("2024-01-16"))
        ))]
    );
    // ...and writing the original rows back restores the original bytes.
    lake_b
        .write(
            TableId::NbacSchedule,
            &[schedule(&rows)],
            WriteScope::DatesPresent,
        )
        .expect("restore");
    assert!(
        files(b.path()) == first,
        "restoring the rows did not restore the bytes"
    );
}

/// One generated season in a fresh lake.
fn generate_season(seed: u64) -> (tempfile::TempDir, League) {
    let dir = tempdir();
    let league = fixtures::generate(&GenerateConfig::new(
        parse_seasons("2023-24").expect("season"),
        seed,
    ));
    fixtures::write(&open(dir.path()), &league).expect("write league");
    (dir, league)
}

/// Checks every file of a lake sits where the layout says for its table.
fn assert_layout(dir: &Path, tree: &[(PathBuf, Vec<u8>)]) {
    let lake = open(dir);
    let mut expected = Vec::new();
    for &table in TableId::ALL {
        for p in lake.partitions(table).expect("partitions") {
            expected.push(PathBuf::from(Lake::partition_path(table, p.date)));
        }
    }
    expected.sort();
    let found: Vec<PathBuf> = tree.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(
        found, expected,
        "files that are not partitions of a registry table"
    );
    for p in &found {
        let parts: Vec<&str> = p.iter().map(|s| s.to_str().expect("utf-8")).collect();
        let table: TableId = format!("{}.{}", parts[0], parts[1])
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        match (table.def().date_column, parts.as_slice()) {
            (Some(col), [_, _, dir, "part-0.parquet"]) => {
                let value = dir
                    .strip_prefix(&format!("{col}="))
                    .unwrap_or_else(|| panic!("{}: not {col}=", p.display()));
                assert!(
                    NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok() && value.len() == 10,
                    "{}: not YYYY-MM-DD",
                    p.display()
                );
            }
            (None, [_, _, "part-0.parquet"]) => {}
            _ => panic!("{}: wrong layout for {table}", p.display()),
        }
    }
}

#[test]
fn the_same_seed_generates_byte_identical_lakes() {
    let (a, league) = generate_season(11);
    let (b, _) = generate_season(11);
    let tree_a = files(a.path());
    let tree_b = files(b.path());
    assert_layout(a.path(), &tree_a);
    for table in TableId::ALL
        .iter()
        .filter(|t| matches!(t.def().producer, Producer::Raw | Producer::Generator))
    {
        assert!(
            tree_a
                .iter()
                .any(|(p, _)| p.starts_with(Lake::table_prefix(*table))),
            "{table}: nothing generated"
        );
    }
    assert_eq!(
        tree_a.iter().map(|f| &f.0).collect::<Vec<_>>(),
        tree_b.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let differing: Vec<_> = tree_a
        .iter()
        .zip(&tree_b)
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, _)| &x.0)
        .take(5)
        .collect();
    assert!(
        differing.is_empty(),
        "same seed, different bytes: {differing:?}"
    );

    // The same league with its batches and rows in reverse order: the lake
    // sorts on (date, grain), so the bytes are the same.
    let shuffled = League {
        tables: league
            .tables
            .iter()
            .map(|(t, batches)| (*t, batches.iter().rev().map(reversed).collect()))
            .collect(),
        span: league.span,
    };
    let c = tempdir();
    fixtures::write(&open(c.path()), &shuffled).expect("write shuffled league");
    let tree_c = files(c.path());
    assert_eq!(tree_c.len(), tree_a.len());
    let differing: Vec<_> = tree_a
        .iter()
        .zip(&tree_c)
        .filter(|(x, y)| x != y)
        .map(|(x, _)| &x.0)
        .take(5)
        .collect();
    assert!(
        differing.is_empty(),
        "row order changed bytes: {differing:?}"
    );
}

#[test]
fn a_range_write_replaces_every_partition_of_its_range() {
    let dir = tempdir();
    let lake = open(dir.path());
    let t = TableId::NbacSchedule;
    lake.write(t, &[range_seed()], WriteScope::DatesPresent)
        .expect("seed the lake");
    let before = files(dir.path());
    assert_eq!(before.len(), 5);

    // 01-11..01-13 is replaced with rows for 01-11 and 01-13 only.
    let range = DateRange::new(date("2024-01-11"), date("2024-01-13")).expect("range");
    let stats = lake
        .write(
            t,
            &[schedule(&[
                ("g11", "2024-01-11", 90),
                ("g13x", "2024-01-13", 91),
                ("g13", "2024-01-13", 92),
            ])],
            WriteScope::Range(range),
        )
        .expect("range write");
    assert_eq!(
        (
            stats.rows,
            stats.partitions_written,
            stats.partitions_deleted
        ),
        (3, 2, 1)
    );
    assert_eq!(
        dates_of(&lake, t),
        [
            date("2024-01-10"),
            date("2024-01-11"),
            date("2024-01-13"),
            date("2024-01-14")
        ],
        "01-12 had no new rows, so its partition must be gone"
    );
    assert!(!dir
        .path()
        .join(Lake::partition_path(t, Some(date("2024-01-12"))))
        .exists());
    let old = |d: &str| {
        before
            .iter()
            .find(|(p, _)| p.as_path() == Path::new(&Lake::partition_path(t, Some(date(d)))))
            .expect("old partition")
            .1
            .clone()
    };
    assert!(
        partition_bytes(dir.path(), t, "2024-01-10") == old("2024-01-10"),
        "01-10 is outside the range"
    );
    assert!(
        partition_bytes(dir.path(), t, "2024-01-14") == old("2024-01-14"),
        "01-14 is outside the range"
    );
    assert!(partition_bytes(dir.path(), t, "2024-01-11") != old("2024-01-11"));
    assert_eq!(
        rows(
            &lake,
            "SELECT CAST(game_date AS VARCHAR), game_id, home_team_score FROM nba_raw.nbac_schedule ORDER BY ALL"
        ),
        [
            ["2024-01-10", "g10a", "100"],
            ["2024-01-10", "g10b", "101"],
            ["2024-01-11", "g11", "90"],
            ["2024-01-13", "g13", "92"],
            ["2024-01-13", "g13x", "91"],
            ["2024-01-14", "g14", "105"],
        ]
    );

    // A range with no rows at all empties the range.
    let stats = lake
        .write(
            t,
            &[],
            WriteScope::Range(
                DateRange::new(date("2024-01-13"), date("2024-01-20")).expect("range"),
            ),
        )
        .expect("empty range write");
    assert_eq!((stats.partitions_written, stats.partitions_deleted), (0, 2));
    assert_eq!(dates_of(&lake, t), [date("2024-01-10"), date("2024-01-11")]);

    // Rows outside the range: an error naming the date, and nothing written,
    // not even the rows inside the range.
    let before = files(dir.path());
    let range = DateRange::new(date("2024-01-10"), date("2024-01-11")).expect("range");
    let err = lake
        .write(
            t,
            &[schedule(&[
                ("g10a", "2024-01-10", 1),
                ("g11", "2024-01-11", 2),
                ("g20", "2024-01-20", 3),
            ])],
            WriteScope::Range(range),
        )
        .expect_err("rows outside the range");
    assert!(
        matches!(err, lake::Error::OutsideRange { table: TableId::NbacSchedule, date: d, range: r } if d == date("2024-01-20") && r == range),
        "{err}"
    );
    assert!(
        err.to_string().starts_with("nba_raw.nbac_schedule: "),
        "{err}"
    );
    assert!(
        files(dir.path()) == before,
        "a rejected write changed the lake"
    );
}

#[test]
fn layout_is_hive_partitioned_parquet_that_duckdb_reads_directly() {
    let dir = tempdir();
    let lake = open(dir.path());
    lake.write(
        TableId::NbacSchedule,
        &[schedule(&[
            ("g1", "2024-01-15", 100),
            ("g2", "2024-01-15", 101),
            ("g3", "2024-02-01", 102),
        ])],
        WriteScope::DatesPresent,
    )
    .expect("schedule");
    let travel = registry_batch(
        TableId::TravelDistances,
        vec![
            (
                "from_team",
                Arc::new(StringArray::from(vec!["BOS", "LAL"])) as ArrayRef,
            ),
            ("to_team", Arc::new(StringArray::from(vec!["LAL", "BOS"]))),
            (
                "distance_miles",
                Arc::new(Int32Array::from(vec![2600, 2600])),
            ),
        ],
    );
    lake.write(
        TableId::TravelDistances,
        &[travel],
        WriteScope::DatesPresent,
    )
    .expect("travel");

    let paths: Vec<PathBuf> = files(dir.path()).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        paths,
        [
            "nba_raw/nbac_schedule/game_date=2024-01-15/part-0.parquet",
            "nba_raw/nbac_schedule/game_date=2024-02-01/part-0.parquet",
            "nba_static/travel_distances/part-0.parquet",
        ]
        .map(PathBuf::from)
    );
    assert_eq!(
        Lake::partition_path(TableId::NbacSchedule, Some(date("2024-01-15"))),
        "nba_raw/nbac_schedule/game_date=2024-01-15/part-0.parquet"
    );
    assert_eq!(
        Lake::partition_path(TableId::TravelDistances, None),
        "nba_static/travel_distances/part-0.parquet"
    );

    // The date column lives in the path, not in the file; the rest is the
    // registry schema, in order.
    let schema_of = |rel: &str| {
        let file = std::fs::File::open(dir.path().join(rel)).expect("open part");
        ParquetRecordBatchReaderBuilder::try_new(file)
            .expect("a Parquet file")
            .schema()
            .clone()
    };
    let columns = |rel: &str| -> Vec<(String, DataType)> {
        schema_of(rel)
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect()
    };
    let registry = |t: TableId| -> Vec<(String, DataType)> {
        t.def()
            .columns
            .iter()
            .filter(|c| Some(c.name) != t.def().date_column)
            .map(|c| (c.name.to_string(), c.ty.arrow()))
            .collect()
    };
    let sched = columns("nba_raw/nbac_schedule/game_date=2024-01-15/part-0.parquet");
    assert!(!sched.iter().any(|(n, _)| n == "game_date"), "{sched:?}");
    assert_eq!(sched, registry(TableId::NbacSchedule));
    assert_eq!(
        columns("nba_static/travel_distances/part-0.parquet"),
        registry(TableId::TravelDistances)
    );

    // DuckDB reads the tree as is, the date coming back from the path.
    let root = dir.path().to_str().expect("utf-8");
    assert_eq!(
        rows(
            &lake,
            &format!(
                "SELECT game_id, CAST(game_date AS VARCHAR), typeof(game_date), home_team_score \
                 FROM read_parquet('{root}/nba_raw/nbac_schedule/*/*.parquet', hive_partitioning=true) ORDER BY game_id"
            )
        ),
        [
            ["g1", "2024-01-15", "DATE", "100"],
            ["g2", "2024-01-15", "DATE", "101"],
            ["g3", "2024-02-01", "DATE", "102"],
        ]
    );
    assert_eq!(
        rows(
            &lake,
            &format!("SELECT from_team, distance_miles FROM read_parquet('{root}/nba_static/travel_distances/*.parquet') ORDER BY ALL")
        ),
        [["BOS", "2600"], ["LAL", "2600"]]
    );
}

/// `.parquet` files of a lake by relative path.
fn parquet_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(dir)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "parquet"))
        .collect()
}

/// Writes `tree` below `dir`.
fn restore(dir: &Path, tree: &BTreeMap<PathBuf, Vec<u8>>) {
    for (p, bytes) in tree {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().expect("below dir")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
}

/// `backcourt fixtures generate` of 2023-24 with `seed` into `dir`.
fn generate_cmd(dir: &Path, seed: u64) -> std::process::Command {
    let mut cmd = bin();
    cmd.arg("--lake")
        .arg(dir)
        .args(["fixtures", "generate", "--seasons", "2023-24", "--seed"])
        .arg(seed.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn generate_bin(dir: &Path, seed: u64) {
    let out = generate_cmd(dir, seed).output().expect("run backcourt");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_killed_writer_leaves_each_partition_old_or_new() {
    let one = tempdir();
    generate_bin(one.path(), 1);
    let seed1 = parquet_tree(one.path());
    let two = tempdir();
    generate_bin(two.path(), 2);
    let seed2 = parquet_tree(two.path());
    assert!(!seed1.is_empty() && seed1 != seed2);

    // The uninterrupted run over the seed-1 lake: what a resumed run must
    // reach, and how long one run takes (only to choose when to kill).
    let full = tempdir();
    restore(full.path(), &seed1);
    let t = Instant::now();
    generate_bin(full.path(), 2);
    let run = t.elapsed();
    let reference = parquet_tree(full.path());

    let mut summary = Vec::new();
    for frac in [0.2, 0.5, 0.8] {
        let dir = tempdir();
        restore(dir.path(), &seed1);
        let mut child = generate_cmd(dir.path(), 2)
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn backcourt");
        std::thread::sleep(run.mul_f64(frac));
        let alive = child.try_wait().expect("poll child").is_none();
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");

        let (mut old, mut new, mut staging) = (0, 0, 0);
        for (p, bytes) in files(dir.path()) {
            let name = p.file_name().and_then(|n| n.to_str()).expect("utf-8 name");
            if name.ends_with(".parquet") {
                let is_old = seed1.get(&p) == Some(&bytes);
                let is_new = seed2.get(&p) == Some(&bytes);
                assert!(
                    is_old || is_new,
                    "killed at {frac}: {} is neither the old nor the new version",
                    p.display()
                );
                if is_old && !is_new {
                    old += 1;
                } else if is_new && !is_old {
                    new += 1;
                }
            } else {
                // object_store's staging file `<path>#<n>`, left by the kill.
                let (base, n) = name
                    .rsplit_once('#')
                    .unwrap_or_else(|| panic!("killed at {frac}: stray file {}", p.display()));
                assert!(
                    base == lake::PART_FILE && n.parse::<u32>().is_ok(),
                    "killed at {frac}: stray file {}",
                    p.display()
                );
                staging += 1;
            }
        }
        summary.push(format!(
            "{frac}: alive={alive} old={old} new={new} staging={staging}"
        ));

        // Every table stays readable.
        let lake = open(dir.path());
        let engine = Engine::open(&lake).expect("engine");
        for table in TableId::ALL
            .iter()
            .filter(|t| matches!(t.def().producer, Producer::Raw | Producer::Generator))
        {
            let b = engine
                .query(&format!("SELECT count(*)::BIGINT FROM {table}"))
                .unwrap_or_else(|e| panic!("killed at {frac}: {table} unreadable: {e}"));
            let n = b[0]
                .column(0)
                .as_primitive::<arrow::datatypes::Int64Type>()
                .value(0);
            assert!(n > 0, "killed at {frac}: {table} lost its rows");
        }

        // Running again completes the work: the same files as the
        // uninterrupted run (checked once; a full run costs seconds).
        if frac == 0.5 {
            generate_bin(dir.path(), 2);
            assert!(
                parquet_tree(dir.path()) == reference,
                "killed at {frac}: the rerun did not reach the uninterrupted result"
            );
        }
    }
    eprintln!("one run {run:?}; kills: {}", summary.join("; "));
}

#[test]
fn writes_conform_to_the_registry_schema() {
    let dir = tempdir();
    let lake = open(dir.path());
    let t = TableId::NbacSchedule;
    let with_year = |year: ArrayRef| {
        registry_batch(
            t,
            vec![
                (
                    "game_id",
                    Arc::new(StringArray::from(vec!["g1", "g2"])) as ArrayRef,
                ),
                (
                    "game_date",
                    Arc::new(Date32Array::from(vec![
                        date_to_date32(date("2024-01-15"));
                        2
                    ])),
                ),
                ("season_year", year),
            ],
        )
    };

    // Int64 where the registry says INTEGER: accepted, stored as Int32.
    lake.write(
        t,
        &[with_year(Arc::new(Int64Array::from(vec![2023, 2024])))],
        WriteScope::DatesPresent,
    )
    .expect("Int64 for INTEGER");
    let file = std::fs::File::open(
        dir.path()
            .join(Lake::partition_path(t, Some(date("2024-01-15")))),
    )
    .expect("partition");
    let batches: Vec<RecordBatch> = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("parquet")
        .build()
        .expect("reader")
        .collect::<Result<_, _>>()
        .expect("read");
    let years = batches[0]
        .column_by_name("season_year")
        .expect("season_year");
    assert_eq!(years.data_type(), &DataType::Int32);
    assert_eq!(
        years.as_primitive::<Int32Type>().values().to_vec(),
        [2023, 2024]
    );
    let before = files(dir.path());

    // A string where a number is required: rejected by name, nothing written
    // (even with a good batch before it in the same write).
    let good = with_year(Arc::new(Int32Array::from(vec![2025, 2025])));
    let bad = with_year(Arc::new(StringArray::from(vec!["2023", "2024"])));
    let err = lake
        .write(t, &[good.clone(), bad], WriteScope::DatesPresent)
        .expect_err("Utf8 for INTEGER");
    assert!(
        matches!(
            &err,
            lake::Error::Conform {
                table: TableId::NbacSchedule,
                source: conform::Error::Incompatible {
                    column: "season_year",
                    ..
                }
            }
        ),
        "{err}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("nba_raw.nbac_schedule") && msg.contains("`season_year`"),
        "{msg}"
    );

    // A missing column and an integer that does not fit are rejected too.
    let missing = good.project(&[0, 1]).expect("projection");
    let err = lake
        .write(t, &[missing], WriteScope::DatesPresent)
        .expect_err("missing");
    assert!(
        err.to_string()
            .contains("missing required column `season_year`"),
        "{err}"
    );
    let huge = with_year(Arc::new(Int64Array::from(vec![2023, i64::MAX])));
    let err = lake
        .write(t, &[huge], WriteScope::DatesPresent)
        .expect_err("overflow");
    assert!(
        matches!(
            &err,
            lake::Error::Conform {
                source: conform::Error::Lossy {
                    column: "season_year",
                    ..
                },
                ..
            }
        ),
        "{err}"
    );
    assert!(
        files(dir.path()) == before,
        "a rejected write changed the lake"
    );
}
