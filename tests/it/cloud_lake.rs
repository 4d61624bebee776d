//! The lake on an S3 server (moto, started by scripts/test): the same
//! atomic-replace, rewrite and crash guarantees as the local lake
//! (tests/it/lake.rs), the object bytes identical to a local lake's, and a
//! bucket lake read back through its local cache (src/lake/cache.rs), from
//! this machine's cache or another's. Writers racing for a bucket lake's
//! lock: one wins, the others refuse.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use arrow::array::RecordBatch;
use backcourt::backfill::lock;
use backcourt::dates::DateRange;
use backcourt::engine::Engine;
use backcourt::lake::{Lake, SyncStats, WriteScope};
use backcourt::registry::{Producer, TableId};

use crate::util::{
    bin, copy_lake, create_s3_bucket, date, emulators, files, range_seed, schedule, season_league,
    show, tempdir, unique_name, Emulators, OUTPUTS, RAW_DIRS, SEASON_GENERATE,
};

/// Objects by path relative to a lake root, with their bytes.
type Tree = BTreeMap<String, Vec<u8>>;

/// A fresh bucket on the S3 server, and the root of a lake below it.
fn s3_lake_root(emu: &Emulators, tag: &str) -> (String, String) {
    let bucket = unique_name(tag);
    create_s3_bucket(emu, &bucket);
    let root = format!("s3://{bucket}/lake");
    (bucket, root)
}

fn open_s3(root: &str, cache: &Path) -> Lake {
    Lake::open_with_cache(root, Some(cache)).unwrap_or_else(|e| panic!("open {root}: {e}"))
}

fn open_local(dir: &Path) -> Lake {
    Lake::open(dir.to_str().expect("utf-8 temp path")).expect("open local lake")
}

/// The binary against the bucket lake `root`, its cache below `cache`.
fn backcourt(root: &str, cache: &Path) -> Command {
    let mut cmd = bin();
    cmd.env("BACKCOURT_CACHE_DIR", cache)
        .arg("--lake")
        .arg(root);
    cmd
}

/// Every object under `prefix` of `lake`, read from the store itself.
fn objects(lake: &Lake, prefix: &str) -> Tree {
    let paths = lake
        .list(prefix)
        .unwrap_or_else(|e| panic!("list {prefix}: {e}"));
    let bytes = lake
        .map_objects(&paths, |b| b.to_vec())
        .unwrap_or_else(|e| panic!("get {prefix}: {e}"));
    paths.into_iter().zip(bytes).collect()
}

/// The objects of `tree` that are partitions of a registry table.
fn partitions_only(tree: &Tree) -> Tree {
    let prefixes: Vec<String> = TableId::ALL
        .iter()
        .map(|t| format!("{}/", Lake::table_prefix(*t)))
        .collect();
    tree.iter()
        .filter(|(p, _)| prefixes.iter().any(|t| p.starts_with(t.as_str())))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

/// The files of a local lake below `datasets` (all when empty), by relative
/// path; object_store's staging files (`#`) are not part of the lake.
fn local_tree(dir: &Path, datasets: &[&str]) -> Tree {
    files(dir)
        .into_iter()
        .map(|(p, b)| (p.to_string_lossy().into_owned(), b))
        .filter(|(p, _)| !p.contains('#'))
        .filter(|(p, _)| {
            datasets.is_empty() || datasets.iter().any(|d| p.starts_with(&format!("{d}/")))
        })
        .collect()
}

/// The Parquet files of a bucket lake's cache: what DuckDB reads.
fn cached(lake: &Lake) -> Tree {
    local_tree(lake.local_root(), &[])
        .into_iter()
        .filter(|(p, _)| p.ends_with(".parquet"))
        .collect()
}

/// The paths where two trees differ (changed, added or removed), at most 10.
fn differing(a: &Tree, b: &Tree) -> Vec<String> {
    a.keys()
        .chain(b.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|p| a.get(*p) != b.get(*p))
        .take(10)
        .cloned()
        .collect()
}

fn assert_same(found: &Tree, expected: &Tree, what: &str) {
    assert!(!expected.is_empty(), "{what}: nothing to compare");
    let diff = differing(found, expected);
    assert!(
        diff.is_empty(),
        "{what}: {} vs {} files, differing (first 10): {diff:?}",
        found.len(),
        expected.len()
    );
}

/// The cache of `lake` holds exactly the partition objects of `bucket` (the
/// lake's objects), byte for byte (call after every table was synced).
fn assert_cache_mirrors(lake: &Lake, bucket: &Tree, what: &str) {
    assert_same(
        &cached(lake),
        &partitions_only(bucket),
        &format!("{what}: cache against bucket"),
    );
}

/// The rows of `sql` rendered as strings.
fn engine_rows(engine: &Engine, sql: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for b in engine.query(sql).unwrap_or_else(|e| panic!("{e}\n{sql}")) {
        for r in 0..b.num_rows() {
            out.push(
                b.columns()
                    .iter()
                    .map(|c| arrow::util::display::array_value_to_string(c, r).expect("display"))
                    .collect(),
            );
        }
    }
    out
}

/// The tables the generator writes.
fn raw_tables() -> impl Iterator<Item = TableId> {
    TableId::ALL
        .iter()
        .copied()
        .filter(|t| matches!(t.def().producer, Producer::Raw | Producer::Generator))
}

/// Per raw table: its row count and an order-independent checksum of its
/// rows, as DuckDB reads them.
fn checksums(engine: &Engine) -> Vec<Vec<String>> {
    raw_tables()
        .flat_map(|t| {
            engine_rows(
                engine,
                &format!("SELECT '{t}', count(*)::BIGINT, sum(hash(r))::VARCHAR FROM {t} r"),
            )
        })
        .collect()
}

fn schedule_path(d: &str) -> String {
    Lake::partition_path(TableId::NbacSchedule, Some(date(d)))
}

const SCHEDULE_ROWS: &str = "SELECT CAST(game_date AS VARCHAR), game_id, home_team_score::VARCHAR \
     FROM nba_raw.nbac_schedule ORDER BY ALL";

/// Writes `batches` with `scope` into both lakes, and checks the bucket's
/// objects are then the local lake's files, byte for byte.
fn write_both(
    s3: &Lake,
    local: &Lake,
    batches: &[RecordBatch],
    scope: WriteScope,
    what: &str,
) -> backcourt::lake::WriteStats {
    let t = TableId::NbacSchedule;
    let stats = s3
        .write(t, batches, scope)
        .unwrap_or_else(|e| panic!("{what}: S3 write: {e}"));
    let local_stats = local
        .write(t, batches, scope)
        .unwrap_or_else(|e| panic!("{what}: local write: {e}"));
    assert_eq!(stats, local_stats, "{what}: write stats");
    assert_same(
        &objects(s3, ""),
        &local_tree(local.local_root(), &[]),
        &format!("{what}: bucket against the local lake"),
    );
    stats
}

#[test]
fn s3_rewrites_are_byte_identical_and_range_writes_empty_the_bucket_and_caches() {
    let Some(emu) = emulators("s3_rewrites_are_byte_identical") else {
        return;
    };
    let bucket = unique_name("cl-rewrite");
    create_s3_bucket(&emu, &bucket);
    let (cache_a, cache_b) = (tempdir(), tempdir());
    let t = TableId::NbacSchedule;
    let rows = [
        ("0022300010", "2024-01-15", 101),
        ("0022300011", "2024-01-15", 99),
        ("0022300012", "2024-01-16", 120),
        ("0022300013", "2024-01-17", 88),
        ("0022300014", "2024-01-17", 110),
    ];

    // The same write into a bucket lake and a local one: the same bytes.
    let lake_a = open_s3(&format!("s3://{bucket}/a"), cache_a.path());
    let local_dir = tempdir();
    let local = open_local(local_dir.path());
    write_both(
        &lake_a,
        &local,
        &[schedule(&rows)],
        WriteScope::DatesPresent,
        "first write",
    );
    let first = objects(&lake_a, "");
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        [
            &schedule_path("2024-01-15"),
            &schedule_path("2024-01-16"),
            &schedule_path("2024-01-17")
        ],
        "one object per date"
    );
    for (p, bytes) in &first {
        assert!(
            &lake_a.get(p).expect("get") == bytes,
            "{p}: get and list disagree"
        );
    }

    // Rewriting the same rows leaves every object's bytes as they were.
    lake_a
        .write(t, &[schedule(&rows)], WriteScope::DatesPresent)
        .expect("rewrite");
    assert_same(&objects(&lake_a, ""), &first, "rewriting the same rows");

    // The same rows in another order, split across batches, with the columns
    // in reverse order, into another lake of the bucket.
    let shuffled = [rows[3], rows[0], rows[4], rows[2], rows[1]];
    let lake_b = open_s3(&format!("s3://{bucket}/b"), cache_a.path());
    let tail = schedule(&shuffled[2..]);
    let tail = tail
        .project(&(0..tail.num_columns()).rev().collect::<Vec<_>>())
        .expect("projection");
    lake_b
        .write(
            t,
            &[schedule(&shuffled[..2]), tail],
            WriteScope::DatesPresent,
        )
        .expect("shuffled write");
    assert_same(&objects(&lake_b, ""), &first, "row and column order");

    // One changed score changes exactly its partition's object (and the
    // local lake given the same write agrees); the original rows restore it.
    let mut changed = rows;
    changed[2].2 = 121;
    let changed_dir = tempdir();
    write_both(
        &lake_b,
        &open_local(changed_dir.path()),
        &[schedule(&changed)],
        WriteScope::DatesPresent,
        "changed write",
    );
    let after = objects(&lake_b, "");
    assert_eq!(differing(&after, &first), [schedule_path("2024-01-16")]);
    lake_b
        .write(t, &[schedule(&rows)], WriteScope::DatesPresent)
        .expect("restore");
    assert_same(&objects(&lake_b, ""), &first, "restoring the rows");
    // The writer's cache holds what it wrote, byte for byte.
    assert_same(&cached(&lake_b), &first, "write-through cache of lake b");

    // Range replacement: a writer (cache A) and a reader (cache B, another
    // machine) of one bucket lake, next to a local twin.
    let root = format!("s3://{bucket}/range");
    let writer = open_s3(&root, cache_a.path());
    let twin_dir = tempdir();
    let twin = open_local(twin_dir.path());
    write_both(
        &writer,
        &twin,
        &[range_seed()],
        WriteScope::DatesPresent,
        "seeding the range lake",
    );
    let reader = open_s3(&root, cache_b.path());
    let reader_engine = Engine::open(&reader).expect("reader engine");
    assert_eq!(engine_rows(&reader_engine, SCHEDULE_ROWS).len(), 6);
    assert_eq!(
        reader.cache_totals().map(|s| s.fetched),
        Some(5),
        "the reader fetched the five partitions"
    );
    let gone = reader.local_root().join(schedule_path("2024-01-12"));
    assert!(gone.exists(), "the reader's cache holds 01-12");

    let range = DateRange::new(date("2024-01-11"), date("2024-01-13")).expect("range");
    let stats = write_both(
        &writer,
        &twin,
        &[schedule(&[
            ("g11", "2024-01-11", 90),
            ("g13x", "2024-01-13", 91),
            ("g13", "2024-01-13", 92),
        ])],
        WriteScope::Range(range),
        "range write",
    );
    assert_eq!(
        (
            stats.rows,
            stats.partitions_written,
            stats.partitions_deleted
        ),
        (3, 2, 1)
    );
    assert!(
        !objects(&writer, "").contains_key(&schedule_path("2024-01-12")),
        "01-12 had no new rows: its object must be gone from the bucket"
    );
    assert!(
        !writer
            .local_root()
            .join(schedule_path("2024-01-12"))
            .exists(),
        "the writer's cache kept the deleted 01-12"
    );
    let expected = [
        ["2024-01-10", "g10a", "100"],
        ["2024-01-10", "g10b", "101"],
        ["2024-01-11", "g11", "90"],
        ["2024-01-13", "g13", "92"],
        ["2024-01-13", "g13x", "91"],
        ["2024-01-14", "g14", "105"],
    ];
    let before = writer.cache_totals().expect("a bucket lake");
    {
        let engine = Engine::open(&writer).expect("writer engine");
        assert_eq!(engine_rows(&engine, SCHEDULE_ROWS), expected, "writer");
    }
    let synced = writer.cache_totals().expect("a bucket lake");
    assert_eq!(
        (synced.fetched, synced.deleted),
        (before.fetched, before.deleted),
        "the writer's own writes were fetched again or deleted: its cache was not current"
    );
    assert_cache_mirrors(
        &writer,
        &objects(&writer, ""),
        "writer after the range write",
    );

    // The reader's open engine sees the replacement after a refresh, and its
    // cache loses 01-12.
    reader_engine.refresh(t).expect("refresh");
    assert_eq!(
        engine_rows(&reader_engine, SCHEDULE_ROWS),
        expected,
        "reader"
    );
    assert!(
        !gone.exists() && !gone.parent().expect("partition dir").exists(),
        "the reader's cache kept the deleted 01-12"
    );
    assert_cache_mirrors(
        &reader,
        &objects(&reader, ""),
        "reader after the range write",
    );

    // A range with no rows at all empties the range, everywhere.
    let stats = write_both(
        &writer,
        &twin,
        &[],
        WriteScope::Range(DateRange::new(date("2024-01-13"), date("2024-01-20")).expect("range")),
        "empty range write",
    );
    assert_eq!((stats.partitions_written, stats.partitions_deleted), (0, 2));
    reader_engine.refresh(t).expect("refresh");
    assert_eq!(
        engine_rows(&reader_engine, SCHEDULE_ROWS),
        &expected[..3],
        "reader after the empty range write"
    );
    assert_cache_mirrors(
        &reader,
        &objects(&reader, ""),
        "reader after the empty range write",
    );
    assert_cache_mirrors(
        &writer,
        &objects(&writer, ""),
        "writer after the empty range write",
    );
}

/// `backcourt fixtures generate` of 2023-24 with `seed` into a local lake.
fn generate_local(dir: &Path, seed: u64) {
    let out = bin()
        .arg("--lake")
        .arg(dir)
        .args(SEASON_GENERATE)
        .arg("--seed")
        .arg(seed.to_string())
        .output()
        .expect("run backcourt");
    assert!(out.status.success(), "generate seed {seed}: {}", show(&out));
}

/// The same, into the bucket lake `root` with its cache below `cache`.
fn generate_s3_cmd(root: &str, cache: &Path, seed: u64) -> Command {
    let mut cmd = backcourt(root, cache);
    cmd.args(SEASON_GENERATE)
        .arg("--seed")
        .arg(seed.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn generate_s3(root: &str, cache: &Path, seed: u64) {
    let out = generate_s3_cmd(root, cache, seed)
        .output()
        .expect("run backcourt");
    assert!(out.status.success(), "generate seed {seed}: {}", show(&out));
}

#[test]
fn a_killed_s3_writer_leaves_each_object_old_or_new() {
    let Some(emu) = emulators("a_killed_s3_writer_leaves_each_object_old_or_new") else {
        return;
    };
    // The old and new versions of every partition, and the uninterrupted
    // result, from local lakes (built while the bucket is written).
    let local = std::thread::spawn(|| {
        let one = tempdir();
        generate_local(one.path(), 1);
        let seed1 = local_tree(one.path(), &[]);
        let two = tempdir();
        generate_local(two.path(), 2);
        let seed2 = local_tree(two.path(), &[]);
        let (full, _) = copy_lake(&open_local(one.path()), &RAW_DIRS);
        generate_local(full.path(), 2);
        (seed1, seed2, local_tree(full.path(), &[]))
    });

    // A bucket lake holding seed 1, written by the binary with cache K:
    // how long one run takes (only to choose when to kill it).
    let (bucket, root) = s3_lake_root(&emu, "cl-crash");
    let cache = tempdir();
    let t = Instant::now();
    generate_s3(&root, cache.path(), 1);
    let run = t.elapsed();

    // Seed 2 over it, killed half way.
    let mut child = generate_s3_cmd(&root, cache.path(), 2)
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn backcourt");
    std::thread::sleep(run / 2);
    let alive = child.try_wait().expect("poll child").is_none();
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    let (seed1, seed2, reference) = local.join().expect("local lakes");
    assert!(!seed1.is_empty() && seed1 != seed2);

    // Every object in the whole bucket is below the lake's prefix, and is
    // the old or the new version of itself.
    let whole_cache = tempdir();
    let whole = open_s3(&format!("s3://{bucket}"), whole_cache.path());
    let stray: Vec<String> = whole
        .list("")
        .expect("list bucket")
        .into_iter()
        .filter(|p| !p.starts_with("lake/"))
        .collect();
    assert!(stray.is_empty(), "stray objects {stray:?}");
    let lake = open_s3(&root, cache.path());
    let killed = objects(&lake, "");
    let (mut old, mut new) = (0, 0);
    for (p, bytes) in &killed {
        let is_old = seed1.get(p) == Some(bytes);
        let is_new = seed2.get(p) == Some(bytes);
        assert!(
            is_old || is_new,
            "{p} is neither the old nor the new version ({} bytes)",
            bytes.len()
        );
        old += usize::from(is_old && !is_new);
        new += usize::from(is_new && !is_old);
    }

    // Every raw table reads through the killed writer's own cache (holding
    // seed 1 and whatever it wrote through before it died), which then
    // mirrors the bucket exactly.
    {
        let engine = Engine::open(&lake).expect("engine over the killed writer's cache");
        for row in checksums(&engine) {
            assert!(
                row[1].parse::<i64>().expect("a count") > 0,
                "{} lost its rows",
                row[0]
            );
        }
    }
    assert_cache_mirrors(&lake, &killed, "after the kill");

    // Running again (same cache) completes the work: the uninterrupted
    // local result, byte for byte.
    generate_s3(&root, cache.path(), 2);
    assert_same(&objects(&lake, ""), &reference, "killed, then rerun");
    eprintln!(
        "one run {run:?}; killed at half: alive={alive} old={old} new={new} of {}",
        killed.len()
    );
}

#[test]
fn a_bucket_lake_reads_back_through_another_machines_cache() {
    let Some(emu) = emulators("a_bucket_lake_reads_back_through_another_machines_cache") else {
        return;
    };
    let (_, root) = s3_lake_root(&emu, "cl-cache");
    let (cache_a, cache_b) = (tempdir(), tempdir());
    // Written by the binary (cache A): the objects are the local
    // generator's files (their bytes are checked through cache B below,
    // which fetches every object).
    let generate = backcourt(&root, cache_a.path())
        .args(SEASON_GENERATE)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run backcourt");
    // Meanwhile, the local reference: the same league and what DuckDB reads
    // of it.
    let local = season_league();
    let expected = checksums(&Engine::open(local).expect("local engine"));
    let out = generate.wait_with_output().expect("wait for backcourt");
    assert!(out.status.success(), "generate: {}", show(&out));
    let mut bucket = local_tree(local.local_root(), &RAW_DIRS);
    let written = open_s3(&root, cache_a.path());
    assert_eq!(
        written.list("").expect("list").iter().collect::<Vec<_>>(),
        bucket.keys().collect::<Vec<_>>(),
        "the objects generated on S3 against the files generated locally"
    );
    let n = bucket.len() as u64;

    // The writer's own cache is current: opening an engine fetches nothing.
    drop(Engine::open(&written).expect("engine over cache A"));
    assert_eq!(
        written.cache_totals(),
        Some(SyncStats {
            unchanged: n,
            ..Default::default()
        }),
        "cache A after the binary's writes"
    );

    // Another machine (cache B) reads the same rows as the local lake.
    let first = open_s3(&root, cache_b.path());
    assert_eq!(
        checksums(&Engine::open(&first).expect("engine over cache B")),
        expected,
        "through a fresh cache"
    );
    let totals = first.cache_totals().expect("a bucket lake");
    assert_eq!(
        (totals.fetched, totals.deleted, totals.unchanged),
        (n, 0, 0)
    );
    assert_eq!(
        totals.fetched_bytes,
        bucket.values().map(|b| b.len() as u64).sum::<u64>()
    );
    // A fresh cache holds only what it fetched: the bucket's bytes, which
    // are the local generator's.
    assert_same(&cached(&first), &bucket, "cache B against the local lake");
    drop(first);

    // Opening again with cache B fetches nothing.
    let again = open_s3(&root, cache_b.path());
    let engine_b = Engine::open(&again).expect("engine over cache B again");
    assert_eq!(
        again.cache_totals(),
        Some(SyncStats {
            unchanged: n,
            ..Default::default()
        }),
        "second open with cache B"
    );
    assert_eq!(checksums(&engine_b), expected, "through cache B again");

    // Writer A rewrites one schedule partition with changed scores and
    // deletes another; B's open engine, refreshed, sees both changes for the
    // cost of one fetch and one delete.
    let t = TableId::NbacSchedule;
    let dates: Vec<_> = written
        .partitions(t)
        .expect("partitions")
        .into_iter()
        .map(|p| p.date.expect("dated"))
        .collect();
    let (changed, deleted) = (dates[10], dates[20]);
    let score_sql = |d| {
        format!(
            "SELECT count(*)::VARCHAR, sum(home_team_score)::BIGINT::VARCHAR \
             FROM nba_raw.nbac_schedule WHERE game_date = DATE '{d}'"
        )
    };
    let old = engine_rows(&engine_b, &score_sql(changed));
    let (games, old_sum): (i64, i64) = (
        old[0][0].parse().expect("count"),
        old[0][1].parse().expect("sum"),
    );
    assert!(games > 0);
    {
        let engine_a = Engine::open(&written).expect("engine over cache A");
        let rows = engine_a
            .query(&format!(
                "SELECT * REPLACE (home_team_score + 1000 AS home_team_score) \
                 FROM nba_raw.nbac_schedule WHERE game_date = DATE '{changed}'"
            ))
            .expect("rows to change");
        let stats = written
            .write(t, &rows, WriteScope::DatesPresent)
            .expect("rewrite one partition");
        assert_eq!(stats.partitions_written, 1);
        let stats = written
            .write(
                t,
                &[],
                WriteScope::Range(DateRange::new(deleted, deleted).expect("one day")),
            )
            .expect("delete one partition");
        assert_eq!(stats.partitions_deleted, 1);
    }
    engine_b.refresh(t).expect("refresh through cache B");
    let totals = again.cache_totals().expect("a bucket lake");
    assert_eq!(
        (totals.fetched, totals.deleted),
        (1, 1),
        "cache B after another writer changed one partition and deleted one: {totals:?}"
    );
    assert_eq!(
        engine_rows(&engine_b, &score_sql(changed)),
        [[games.to_string(), (old_sum + 1000 * games).to_string()]],
        "the changed rows through cache B"
    );
    assert_eq!(
        engine_rows(&engine_b, &score_sql(deleted))[0][0],
        "0",
        "the deleted date through cache B"
    );
    // ...and cache B holds exactly the bucket's new state.
    let changed_path = Lake::partition_path(t, Some(changed));
    bucket.insert(
        changed_path.clone(),
        written.get(&changed_path).expect("the changed object"),
    );
    assert!(bucket
        .remove(&Lake::partition_path(t, Some(deleted)))
        .is_some());
    assert_eq!(
        written.list("").expect("list").iter().collect::<Vec<_>>(),
        bucket.keys().collect::<Vec<_>>(),
        "the bucket after one rewrite and one delete"
    );
    assert_same(
        &cached(&again),
        &bucket,
        "cache B after the other writer's changes",
    );

    // A cached file lost on disk is fetched again on the next sync, and
    // nothing else is.
    let lost_table = TableId::EspnTeamRosters;
    let lost = Lake::partition_path(lost_table, Some(dates[5]));
    std::fs::remove_file(again.local_root().join(&lost)).expect("remove a cached file");
    engine_b
        .refresh(lost_table)
        .expect("refresh through cache B");
    let after = again.cache_totals().expect("a bucket lake");
    assert_eq!(
        (
            after.fetched - totals.fetched,
            after.deleted - totals.deleted
        ),
        (1, 0),
        "refetching a lost cached file: {after:?}"
    );
    assert_same(&cached(&again), &bucket, "cache B after the refetch");
}

/// `backcourt run` over the three weeks from opening night (its bootstrap
/// window and a week of Phase 4 and 5).
const RUN: [&str; 5] = ["run", "--start", "2023-10-24", "--end", "2023-11-14"];

#[test]
fn the_runner_on_s3_writes_the_local_runners_bytes() {
    let Some(emu) = emulators("the_runner_on_s3_writes_the_local_runners_bytes") else {
        return;
    };
    let (_, root) = s3_lake_root(&emu, "cl-run");
    // The same run on a local copy of the same league, meanwhile.
    let local = std::thread::spawn(|| {
        let (dir, _) = copy_lake(season_league(), &RAW_DIRS);
        let out = bin()
            .arg("--lake")
            .arg(dir.path())
            .args(RUN)
            .output()
            .expect("run backcourt");
        assert_eq!(out.status.code(), Some(0), "local run: {}", show(&out));
        dir
    });
    let cache = tempdir();
    let out = backcourt(&root, cache.path())
        .args(SEASON_GENERATE)
        .output()
        .expect("run backcourt");
    assert!(out.status.success(), "generate: {}", show(&out));
    let out = backcourt(&root, cache.path())
        .args(RUN)
        .output()
        .expect("run backcourt");
    assert_eq!(out.status.code(), Some(0), "run on S3: {}", show(&out));
    let local_dir = local.join().expect("local run");

    let lake = open_s3(&root, cache.path());
    let on_s3: Tree = OUTPUTS.iter().flat_map(|d| objects(&lake, d)).collect();
    let local = local_tree(local_dir.path(), &OUTPUTS);
    for d in ["nba_analytics", "nba_precompute", "nba_predictions"] {
        assert!(
            local.keys().any(|p| p.starts_with(d)),
            "the local run wrote nothing to {d}"
        );
    }
    assert_same(&on_s3, &local, "the run's outputs on S3 against local");
    // Another machine (a fresh cache) finds the range done.
    let other = tempdir();
    let again = backcourt(&root, other.path())
        .args(RUN)
        .output()
        .expect("run backcourt");
    assert_eq!(again.status.code(), Some(0), "rerun: {}", show(&again));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("Nothing to do"),
        "rerun from another cache: {}",
        show(&again)
    );
    let after: Tree = OUTPUTS.iter().flat_map(|d| objects(&lake, d)).collect();
    assert_same(&after, &on_s3, "outputs after the rerun");
}

/// Two writers on one bucket lake: the lock is a conditional put on the
/// bucket (create if absent), so of writers racing for it from their own
/// machines (caches) exactly one gets it and the others refuse, naming it.
/// With a lock held from another machine, `run`, `export` and `mirror`
/// refuse before writing anything, and leave the lock as it was.
#[test]
fn writers_on_a_bucket_lake_race_for_one_lock_and_the_losers_refuse() {
    let Some(emu) = emulators("writers_on_a_bucket_lake_race_for_one_lock_and_the_losers_refuse")
    else {
        return;
    };
    let (_, root) = s3_lake_root(&emu, "cl-lock");
    let caches: Vec<_> = (0..8).map(|_| tempdir()).collect();
    let lakes: Vec<Lake> = caches.iter().map(|c| open_s3(&root, c.path())).collect();
    let barrier = std::sync::Barrier::new(lakes.len());
    let outcomes: Vec<Result<(), String>> = std::thread::scope(|s| {
        let handles: Vec<_> = lakes
            .iter()
            .enumerate()
            .map(|(i, lake)| {
                let barrier = &barrier;
                s.spawn(move || {
                    barrier.wait();
                    let lock = lock::acquire(lake, &format!("writer {i}"));
                    let outcome = lock.as_ref().map(|_| ()).map_err(|e| e.to_string());
                    // The winner holds the lock until every writer has tried.
                    barrier.wait();
                    drop(lock);
                    outcome
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("writer thread"))
            .collect()
    });
    let winners: Vec<usize> = (0..outcomes.len())
        .filter(|&i| outcomes[i].is_ok())
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "exactly one writer holds the lock: {outcomes:?}"
    );
    let winner = format!("(`writer {}`)", winners[0]);
    for refusal in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        assert!(
            refusal.contains("locked by another run") && refusal.contains(&winner),
            "a refusal names the holder {winner}: {refusal}"
        );
    }
    assert!(
        lakes[0]
            .get_opt(lock::LOCK_PATH)
            .expect("get lock")
            .is_none(),
        "the winner released the lock"
    );

    let holder = serde_json::json!({
        "pid": std::process::id(),
        "host": "another-machine.example",
        "started_at": "2024-01-01T00:00:00Z",
        "command": "backcourt run --all",
    });
    let bytes = serde_json::to_vec(&holder).expect("json");
    lakes[0]
        .put(lock::LOCK_PATH, bytes.clone())
        .expect("put lock");
    let cache = tempdir();
    for args in [
        &["run", "--all"][..],
        &["export", "--project", "p", "--staging", "gs://bucket/stage"],
        &[
            "mirror",
            "--project",
            "p",
            "--tables",
            "nbac_schedule",
            "--start",
            "2024-01-01",
            "--end",
            "2024-01-02",
            "--staging",
            "gs://bucket/m",
        ],
    ] {
        let out = backcourt(&root, cache.path())
            .args(args)
            .output()
            .expect("run backcourt");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", show(&out));
        assert!(
            show(&out).contains("locked by another run")
                && show(&out).contains("another-machine.example"),
            "{args:?} names the holder: {}",
            show(&out)
        );
    }
    assert_eq!(
        lakes[0].get_opt(lock::LOCK_PATH).expect("get lock"),
        Some(bytes),
        "the lock is as its holder wrote it"
    );
    assert_eq!(
        lakes[0].list("").expect("list"),
        vec![lock::LOCK_PATH.to_string()],
        "the refused commands wrote nothing"
    );
}
