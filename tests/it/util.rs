//! Shared test fixtures: temp lakes, the generated league, SQL helpers and
//! the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, OnceLock};

use arrow::array::{
    new_null_array, Array, ArrayRef, Date32Array, Int32Array, RecordBatch, StringArray,
};
use arrow::datatypes::{ArrowPrimitiveType, Float64Type, Int64Type};
use backcourt::analytics;
use backcourt::calendar::{parse_seasons, Calendar};
use backcourt::dates::date_to_date32;
use backcourt::engine::{Engine, ModelParams};
use backcourt::fixtures::{self, GenerateConfig};
use backcourt::lake::{Lake, WriteScope};
use backcourt::registry::TableId;

/// The seasons and seed the shared league is generated with (the README's).
pub const SEASONS: &str = "2021-22..2024-25";
pub const SEED: u64 = 7;

/// A fresh temporary directory, removed when dropped.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("backcourt-it-")
        .tempdir()
        .expect("temp dir")
}

/// The lake holding the four-season league, generated once per test run.
pub fn league() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            let dir = tempdir();
            let lake =
                Lake::open(dir.path().to_str().expect("utf-8 temp path")).expect("open lake");
            let config = GenerateConfig::new(parse_seasons(SEASONS).expect("seasons"), SEED);
            fixtures::write(&lake, &fixtures::generate(&config)).expect("write league");
            (dir, lake)
        })
        .1
}

/// The shared league with Phase 3 built over its whole span, once per run.
///
/// Phase 3 tables are written into the same lake as [`league`]'s raw tables:
/// they only add partitions, so tests reading raw tables are unaffected.
pub fn analytics_league() -> &'static Lake {
    static BUILT: OnceLock<()> = OnceLock::new();
    let lake = league();
    BUILT.get_or_init(|| {
        let engine = Engine::open(lake).expect("engine");
        let span = Calendar::load(&engine)
            .expect("calendar")
            .span()
            .expect("games");
        analytics::build(&engine, &ModelParams::historical(span)).expect("build Phase 3");
    });
    lake
}

/// The shared league with Phase 3 and Phase 4 built over its whole span,
/// once per run.
pub fn precompute_league() -> &'static Lake {
    static BUILT: OnceLock<()> = OnceLock::new();
    let lake = analytics_league();
    BUILT.get_or_init(|| {
        let engine = Engine::open(lake).expect("engine");
        let calendar = Calendar::load(&engine).expect("calendar");
        let span = calendar.span().expect("games");
        backcourt::precompute::build(&engine, &calendar, &ModelParams::historical(span))
            .expect("build Phase 4");
    });
    lake
}

/// A copy of `lake`'s `datasets` (directories below its root) in a fresh
/// temporary lake.
pub fn copy_lake(lake: &Lake, datasets: &[&str]) -> (tempfile::TempDir, Lake) {
    let from = lake.local_root();
    let dir = tempdir();
    let mut stack: Vec<PathBuf> = datasets
        .iter()
        .map(|d| from.join(d))
        .filter(|d| d.exists())
        .collect();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.to_string_lossy().contains('#') {
                // ('#' marks object_store's staging files: another test may be
                // replacing a partition of the shared league right now; a file
                // renamed away between listing and copying is skipped too.)
                let to = dir.path().join(p.strip_prefix(from).expect("below root"));
                std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
                match std::fs::copy(&p, &to) {
                    Ok(_) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => panic!("copying {}: {e}", p.display()),
                }
            }
        }
    }
    let copy = Lake::open(dir.path().to_str().expect("utf-8 temp path")).expect("open copy");
    (dir, copy)
}

/// A copy of the shared league with Phase 3, 4 and 5 built over its whole
/// span, once per run. A copy, so that building Phase 5 (which rewrites
/// processing_failures) never races the Phase 4 tests rewriting theirs.
pub fn predictions_league() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            let (dir, lake) = copy_lake(precompute_league(), &RUN_LAKE_DIRS);
            let engine = Engine::open(&lake).expect("engine");
            let calendar = Calendar::load(&engine).expect("calendar");
            let span = calendar.span().expect("games");
            backcourt::predictions::build(&engine, &calendar, &ModelParams::historical(span))
                .expect("build Phase 5");
            drop(engine);
            (dir, lake)
        })
        .1
}

/// A batch of `table` with the `given` columns first (in the given order and
/// types) and every other registry column NULL.
pub fn registry_batch(table: TableId, given: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let n = given.first().map_or(0, |(_, a)| a.len());
    let mut cols: Vec<(String, ArrayRef)> =
        given.into_iter().map(|(n, a)| (n.to_string(), a)).collect();
    for c in table.def().columns {
        if !cols.iter().any(|(name, _)| name == c.name) {
            cols.push((c.name.to_string(), new_null_array(&c.ty.arrow(), n)));
        }
    }
    RecordBatch::try_from_iter(cols).expect("columns of one length")
}

/// A temporary lake holding hand-built rows: each `(table, sql)` is a DuckDB
/// query (typically `SELECT * FROM (VALUES ...) t(col, ...)`) whose columns
/// are written into `table`; registry columns it does not name are NULL.
pub fn lake_with(tables: &[(TableId, &str)]) -> (tempfile::TempDir, Lake) {
    let dir = tempdir();
    let lake = Lake::open(dir.path().to_str().expect("utf-8 temp path")).expect("open lake");
    {
        let engine = Engine::open(&lake).expect("engine");
        for &(table, sql) in tables {
            let batches: Vec<RecordBatch> = engine
                .query(sql)
                .unwrap_or_else(|e| panic!("{table}: {e}\n{sql}"))
                .iter()
                .map(|b| {
                    let schema = b.schema();
                    let given = schema
                        .fields()
                        .iter()
                        .zip(b.columns())
                        .map(|(f, c)| (f.name().as_str(), c.clone()))
                        .collect();
                    registry_batch(table, given)
                })
                .collect();
            lake.write(table, &batches, WriteScope::DatesPresent)
                .unwrap_or_else(|e| panic!("writing hand-built {table}: {e}"));
        }
    }
    (dir, lake)
}

/// Runs `sql` over `lake`, in a session of its own.
///
/// Opening a session lists every table's partitions: about 2 s on the
/// four-season league. A test asking many questions of one lake asks them
/// of one session, through the `_on` forms ([`int_on`], [`rows_on`]).
pub fn query(lake: &Lake, sql: &str) -> Vec<RecordBatch> {
    query_on(&Engine::open(lake).expect("engine"), sql)
}

/// Runs `sql` in `engine`'s session.
pub fn query_on(engine: &Engine, sql: &str) -> Vec<RecordBatch> {
    engine.query(sql).unwrap_or_else(|e| panic!("{e}\n{sql}"))
}

/// The single value of `sql`, whose one column has Arrow type `T`
/// ([`Engine::scalar`]); a test fails on no row or NULL.
fn scalar<T: ArrowPrimitiveType>(engine: &Engine, sql: &str) -> T::Native {
    engine
        .scalar::<T>(sql)
        .unwrap_or_else(|e| panic!("{e}\n{sql}"))
        .unwrap_or_else(|| panic!("no rows or NULL: {sql}"))
}

/// The single BIGINT result of `sql` (cast in the SQL).
pub fn int(lake: &Lake, sql: &str) -> i64 {
    int_on(&Engine::open(lake).expect("engine"), sql)
}

/// [`int`] in `engine`'s session.
pub fn int_on(engine: &Engine, sql: &str) -> i64 {
    scalar::<Int64Type>(engine, sql)
}

/// The single DOUBLE result of `sql` (cast in the SQL).
pub fn float(lake: &Lake, sql: &str) -> f64 {
    scalar::<Float64Type>(&Engine::open(lake).expect("engine"), sql)
}

/// The rows of `sql` rendered as strings, one Vec per row (for messages).
pub fn rows(lake: &Lake, sql: &str) -> Vec<Vec<String>> {
    rows_on(&Engine::open(lake).expect("engine"), sql)
}

/// [`rows`] in `engine`'s session.
pub fn rows_on(engine: &Engine, sql: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for b in query_on(engine, sql) {
        let b = backcourt::conform::with_offset_zones(&b);
        for r in 0..b.num_rows() {
            out.push(
                b.columns()
                    .iter()
                    .map(|c| {
                        arrow::util::display::array_value_to_string(c, r).expect("displayable")
                    })
                    .collect(),
            );
        }
    }
    out
}

/// Asserts that `sql` returns no rows; shows the first few if it does.
pub fn assert_none(lake: &Lake, sql: &str, what: &str) {
    let bad = rows(lake, sql);
    assert!(
        bad.is_empty(),
        "{what}: {} offending rows, e.g. {:?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
}

/// The built `backcourt` binary. A settings file named by the caller's
/// environment is not the test's: `BACKCOURT_CONFIG` is removed.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_backcourt"));
    cmd.env_remove("BACKCOURT_CONFIG");
    cmd
}

/// Runs the binary with `args` against the lake at `lake`.
pub fn run(lake: &Path, args: &[&str]) -> Output {
    bin()
        .arg("--lake")
        .arg(lake)
        .args(args)
        .output()
        .expect("run backcourt")
}

/// Every file below `dir`, relative, sorted, with its bytes.
pub fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).expect("below dir").to_path_buf(),
                    std::fs::read(&p).expect("read"),
                ));
            }
        }
    }
    out.sort();
    out
}

/// The raw inputs of a lake: what the generator writes.
pub const RAW_DIRS: [&str; 4] = ["nba_raw", "nba_reference", "nba_static", "nba_synthetic"];

/// Everything in a lake that has been run: the raw inputs, every derived
/// dataset, the model artefacts and the runner's own files.
pub const RUN_LAKE_DIRS: [&str; 10] = [
    "nba_raw",
    "nba_reference",
    "nba_static",
    "nba_synthetic",
    "nba_analytics",
    "nba_precompute",
    "nba_predictions",
    "nba_processing",
    "models",
    "_backcourt",
];

/// What runs write (compared byte for byte between runs); the runner's own
/// files (`_backcourt/`) hold timestamps and run ids, so they are not.
pub const OUTPUTS: [&str; 5] = [
    "nba_analytics",
    "nba_precompute",
    "nba_predictions",
    "nba_processing",
    "models",
];

/// The schedule both range-write tests (local and S3) seed: six games over
/// 2024-01-10..14, two of them on the 10th.
pub fn range_seed() -> RecordBatch {
    schedule(&[
        ("g10a", "2024-01-10", 100),
        ("g10b", "2024-01-10", 101),
        ("g11", "2024-01-11", 102),
        ("g12", "2024-01-12", 103),
        ("g13", "2024-01-13", 104),
        ("g14", "2024-01-14", 105),
    ])
}

/// `nba_raw.nbac_schedule` rows of (game_id, game_date, home_team_score).
pub fn schedule(rows: &[(&str, &str, i32)]) -> RecordBatch {
    let ids: StringArray = rows.iter().map(|r| Some(r.0)).collect();
    let dates: Date32Array = rows
        .iter()
        .map(|r| Some(date_to_date32(date(r.1))))
        .collect();
    let scores: Int32Array = rows.iter().map(|r| Some(r.2)).collect();
    let homes: StringArray = rows.iter().map(|_| Some("BOS")).collect();
    let years: Int32Array = rows.iter().map(|_| Some(2023)).collect();
    registry_batch(
        TableId::NbacSchedule,
        vec![
            ("game_id", Arc::new(ids)),
            ("game_date", Arc::new(dates)),
            ("season_year", Arc::new(years)),
            ("home_team_tricode", Arc::new(homes)),
            ("home_team_score", Arc::new(scores)),
        ],
    )
}

/// A `YYYY-MM-DD` date.
pub fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

/// The local directory of `lake`.
pub fn root(lake: &Lake) -> &Path {
    lake.local_root()
}

/// A finished command's exit code, stdout and stderr, for failure messages.
pub fn show(out: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Where the tests' 2023-24 league ends: eight weeks, enough for every
/// bootstrap window and the runner's ranges, without the rest of the season
/// to render, write and (on the emulators) upload.
pub const SEASON_THROUGH: &str = "2023-12-20";

/// The arguments that generate the tests' 2023-24 league, through
/// [`SEASON_THROUGH`].
pub const SEASON_GENERATE: [&str; 6] = [
    "fixtures",
    "generate",
    "--seasons",
    "2023-24",
    "--through",
    SEASON_THROUGH,
];

/// The 2023-24 season's raw tables through [`SEASON_THROUGH`], generated once per test run by the
/// binary: the league the runner's tests run (through the binary, as a user
/// would) over a few weeks.
pub fn season_league() -> &'static Lake {
    static LAKE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &LAKE
        .get_or_init(|| {
            let dir = tempdir();
            let out = bin()
                .arg("--lake")
                .arg(dir.path())
                .args(SEASON_GENERATE)
                .output()
                .expect("run backcourt");
            assert!(out.status.success(), "generate: {}", show(&out));
            let lake = Lake::open(dir.path().to_str().expect("utf-8 path")).expect("open lake");
            (dir, lake)
        })
        .1
}

/// The cloud emulators `scripts/test` started (scripts/emulators).
pub struct Emulators {
    /// `host:port` of the BigQuery emulator.
    pub bigquery: String,
    /// `http://host:port` of the GCS emulator.
    pub gcs: String,
    /// `http://host:port` of the S3 server.
    pub s3: String,
    /// The directory the GCS emulator keeps objects in (`ROOT/bucket/name`).
    pub gcs_root: PathBuf,
}

/// The emulators, or `None` (after saying so) when `scripts/test` skipped
/// the cloud tests because python3 is missing. Any other absence is a
/// failure: these tests are part of the test command.
pub fn emulators(test: &str) -> Option<Emulators> {
    if let Ok(reason) = std::env::var("BACKCOURT_CLOUD_TESTS") {
        if let Some(reason) = reason.strip_prefix("skip") {
            eprintln!("SKIPPED {test}: cloud emulators unavailable{reason}");
            // The harness can only count it passed: scripts/test counts these lines instead.
            if let Ok(path) = std::env::var("BACKCOURT_SKIPPED_LOG") {
                use std::io::Write;
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .unwrap_or_else(|e| panic!("{path}: {e}"));
                writeln!(f, "{test}").unwrap_or_else(|e| panic!("{path}: {e}"));
            }
            return None;
        }
    }
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!(
                "{test}: {name} is not set. The cloud tests need the emulators that \
                 scripts/test starts (run `scripts/test {test}`), or \
                 BACKCOURT_CLOUD_TESTS=skip to skip them."
            )
        })
    };
    Some(Emulators {
        bigquery: var("BIGQUERY_EMULATOR_HOST"),
        gcs: var("STORAGE_EMULATOR_HOST"),
        s3: var("AWS_ENDPOINT_URL"),
        gcs_root: PathBuf::from(var("BQEMU_GCS_LOCAL_ROOT")),
    })
}

/// A name no other test (or earlier run against the same servers) uses:
/// lowercase letters, digits and hyphens, valid as a bucket, a BigQuery
/// project id and a path segment.
pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .subsec_nanos();
    format!(
        "{prefix}-{}-{}-{nanos:x}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs a future to completion on a fresh single-threaded runtime.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(f)
}

/// Creates bucket `name` on the S3 server.
pub fn create_s3_bucket(emulators: &Emulators, name: &str) {
    let status = block_on(async {
        reqwest::Client::new()
            .put(format!("{}/{name}", emulators.s3))
            .send()
            .await
            .expect("S3 server reachable")
            .status()
    });
    assert!(status.is_success(), "creating S3 bucket {name}: {status}");
}

/// Creates bucket `name` on the GCS emulator.
pub fn create_gcs_bucket(emulators: &Emulators, name: &str) {
    let status = block_on(async {
        reqwest::Client::new()
            .post(format!(
                "{}/storage/v1/b?project=backcourt-test",
                emulators.gcs
            ))
            .json(&serde_json::json!({ "name": name }))
            .send()
            .await
            .expect("GCS emulator reachable")
            .status()
    });
    assert!(status.is_success(), "creating GCS bucket {name}: {status}");
}
