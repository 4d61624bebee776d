//! The backfill runner (`backcourt run`) through the real binary: a failing
//! date is isolated, blocks only what reads it and is retried by the command
//! the run prints; a changed raw date makes exactly what reads it stale; a
//! run killed with SIGKILL resumes; one writer per lake; a rerun does nothing
//! and `--force` rewrites the same bytes; usage errors exit 2.
//!
//! Every lake here is a copy of one small generated league (2023-24) run
//! over [`START`]..=[`END`]; each end state is compared byte for byte with
//! one uninterrupted run of that range ([`reference`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use backcourt::backfill::ledger::{Entry, Ledger, Skip, Status};
use backcourt::backfill::lock::LOCK_PATH;
use backcourt::backfill::plan::compact_dates;
use backcourt::backfill::run::FAULT_ENV;
use backcourt::backfill::state::window;
use backcourt::backfill::Selection;
use backcourt::lake::{Lake, WriteScope};
use backcourt::registry::TableId;
use chrono::NaiveDate;

use crate::util::{
    bin, copy_lake, date, files, int, query, root, season_league, show, OUTPUTS, RAW_DIRS,
    RUN_LAKE_DIRS,
};

/// The range every run covers: the bootstrap window (opening night and 13
/// days, no Phase 4/5 rows) and six weeks after it.
const START: &str = "2023-10-24";
const END: &str = "2023-12-20";

/// A fresh copy of the raw league, never run.
fn fresh() -> (tempfile::TempDir, Lake) {
    copy_lake(season_league(), &RAW_DIRS)
}

/// The raw league run once over the range, uninterrupted: what every other
/// run must end at.
fn reference() -> &'static Lake {
    static REFERENCE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &REFERENCE
        .get_or_init(|| {
            let (dir, lake) = fresh();
            let out = run_range(root(&lake), &[]);
            assert!(out.status.success(), "reference run: {}", show(&out));
            (dir, lake)
        })
        .1
}

/// The binary against `lake`, without any injected fault.
fn backcourt(lake: &Path) -> Command {
    let mut cmd = bin();
    cmd.env_remove(FAULT_ENV).arg("--lake").arg(lake);
    cmd
}

fn run_range_cmd(lake: &Path, extra: &[&str]) -> Command {
    let mut cmd = backcourt(lake);
    cmd.args(["run", "--start", START, "--end", END])
        .args(extra);
    cmd
}

fn run_range(lake: &Path, extra: &[&str]) -> Output {
    run_range_cmd(lake, extra).output().expect("run backcourt")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file a run writes, by path below the lake root. object_store's
/// staging files (`part-0.parquet#<n>`), which only a killed write leaves,
/// are not part of the lake.
fn outputs(lake: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    OUTPUTS
        .iter()
        .map(|d| lake.join(d))
        .filter(|d| d.exists())
        .flat_map(|d| {
            let prefix = d.strip_prefix(lake).expect("below root").to_path_buf();
            files(&d)
                .into_iter()
                .map(move |(p, bytes)| (prefix.join(p), bytes))
        })
        .filter(|(p, _)| !p.to_string_lossy().contains('#'))
        .collect()
}

/// The paths that differ between two snapshots (changed, added or removed).
fn differing(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<PathBuf> {
    a.keys()
        .chain(b.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|p| a.get(*p) != b.get(*p))
        .cloned()
        .collect()
}

/// Asserts that the lakes hold the same outputs, byte for byte.
fn assert_same_outputs(got: &Path, want: &Path, what: &str) {
    let (got, want) = (outputs(got), outputs(want));
    let diff = differing(&got, &want);
    assert!(
        diff.is_empty(),
        "{what}: {} of {} files differ from the uninterrupted run (missing: {}, extra: {}), e.g. {:?}",
        diff.len(),
        want.len(),
        diff.iter().filter(|p| !got.contains_key(*p)).count(),
        diff.iter().filter(|p| !want.contains_key(*p)).count(),
        &diff[..diff.len().min(8)]
    );
    assert!(
        want.keys()
            .any(|p| p.starts_with("nba_predictions/system_daily_performance")),
        "{what}: the reference has no Phase 5 output: the comparison proves little"
    );
}

/// The table's ledger, if it ever ran.
fn ledger(lake: &Path, table: TableId) -> Option<Ledger> {
    let path = lake.join(Ledger::path(table));
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => panic!("reading {}: {e}", path.display()),
    };
    Some(serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The ledgers of every runnable table that has one.
fn ledgers(lake: &Path) -> BTreeMap<TableId, Ledger> {
    Selection::runnable()
        .into_iter()
        .filter_map(|t| ledger(lake, t).map(|l| (t, l)))
        .collect()
}

/// The (table, date) pairs a ledger records as done.
fn done_pairs(ledgers: &BTreeMap<TableId, Ledger>) -> BTreeSet<(TableId, NaiveDate)> {
    ledgers
        .iter()
        .flat_map(|(t, l)| {
            l.dates
                .iter()
                .filter(|(_, e)| e.status == Status::Done)
                .map(move |(d, _)| (*t, *d))
        })
        .collect()
}

fn partition(lake: &Path, table: TableId, date: NaiveDate) -> PathBuf {
    lake.join(Lake::partition_path(table, Some(date)))
}

/// The (table, date) an output file belongs to: a partition of a table, or
/// a model artefact (`models/gbm_points_v1/gbm_points_v1_YYYYMMDD.json`),
/// which belongs to the predictions of its date.
fn owner(path: &Path) -> (TableId, Option<NaiveDate>) {
    let parts: Vec<&str> = path.iter().map(|c| c.to_str().expect("utf-8")).collect();
    if parts[0] == "models" {
        let stem = parts.last().and_then(|f| f.strip_suffix(".json"));
        let d = stem
            .and_then(|s| s.rsplit_once('_'))
            .and_then(|(_, d)| NaiveDate::parse_from_str(d, "%Y%m%d").ok());
        return (TableId::PlayerPropPredictions, d);
    }
    let table: TableId = format!("{}.{}", parts[0], parts[1])
        .parse()
        .unwrap_or_else(|_| panic!("{}: not a table's file", path.display()));
    let d = parts
        .get(2)
        .and_then(|p| p.split_once('='))
        .map(|(_, d)| date(d));
    (table, d)
}

/// Polls `cond` every 10 ms for up to `limit`.
fn wait_for(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let t = Instant::now();
    while t.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    cond()
}

/// A failure in one (table, date) fails that date only: it is retried by
/// bisection until isolated, everything that does not read it is done, what
/// reads it (and only that) is blocked naming the upstream date, and the
/// retry command the run prints finishes the lake exactly as one clean run.
#[test]
fn a_failed_date_blocks_only_its_readers_and_the_printed_retry_finishes_the_run() {
    let reference = root(reference());
    let (_dir, lake) = fresh();
    let lake = root(&lake);
    let failing = TableId::PlayerDailyCache;
    let d = date("2023-11-29");

    let out = run_range_cmd(lake, &[])
        .env(FAULT_ENV, format!("{}@{d}", failing.name()))
        .output()
        .expect("run backcourt");
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let failed_lines: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| l.starts_with("FAILED"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        failed_lines.len(),
        1,
        "one failed (table, date): {}",
        show(&out)
    );
    assert!(
        failed_lines[0].starts_with(&format!("FAILED  {failing} {d}: ")),
        "{}",
        failed_lines[0]
    );

    // What reads the failed date, from the registry's edges and read windows
    // over the (table, date) pairs the clean run did.
    let want = ledgers(reference);
    let mut affected: HashMap<TableId, BTreeSet<NaiveDate>> = HashMap::new();
    affected.insert(failing, BTreeSet::from([d]));
    for t in Selection::runnable() {
        if t == failing {
            continue;
        }
        let hit: BTreeSet<NaiveDate> = want[&t]
            .dates
            .iter()
            .filter(|(_, e)| e.status == Status::Done)
            .map(|(day, _)| *day)
            .filter(|&day| {
                t.def().upstream.iter().any(|u| {
                    affected.get(u).is_some_and(|a| {
                        let (lo, hi) = window(t, *u, day);
                        a.range(lo..=hi).next().is_some()
                    })
                })
            })
            .collect();
        affected.insert(t, hit);
    }
    for t in Selection::downstream_of(failing) {
        assert!(
            affected[&t].contains(&d),
            "{t} reads {failing} on {d}: the check below would prove little"
        );
    }

    let got = ledgers(lake);
    for (&t, want_ledger) in &want {
        let got_ledger = got
            .get(&t)
            .unwrap_or_else(|| panic!("{t}: no ledger after the failed run"));
        for (&day, want_entry) in &want_ledger.dates {
            let e = got_ledger
                .get(day)
                .unwrap_or_else(|| panic!("{t} {day}: no ledger entry"));
            let path = partition(lake, t, day);
            if want_entry.skip == Some(Skip::Bootstrap) {
                assert_eq!(e.skip, Some(Skip::Bootstrap), "{t} {day}: {e:?}");
            } else if t == failing && day == d {
                assert_eq!(e.status, Status::Failed, "{t} {day}: {e:?}");
                let error = e.error.as_deref().unwrap_or_default();
                assert!(error.contains("injected fault"), "{t} {day}: {e:?}");
                assert!(e.attempts >= 1, "{t} {day}: {e:?}");
                assert!(!path.exists(), "{t} {day}: a failed date has a partition");
            } else if affected[&t].contains(&day) {
                let Some(Skip::Blocked { upstream, date: on }) = &e.skip else {
                    panic!("{t} {day} reads the failed date: not blocked: {e:?}");
                };
                assert_eq!(e.status, Status::Skipped, "{t} {day}: {e:?}");
                let up: TableId = upstream.parse().expect("a table");
                assert!(
                    t.def().upstream.contains(&up)
                        && affected[&up].contains(on)
                        && (window(t, up, day).0..=window(t, up, day).1).contains(on),
                    "{t} {day}: blocked by {up} {on}, which it does not read or which did not fail"
                );
                assert!(
                    !path.exists(),
                    "{t} {day}: blocked, yet its partition was written"
                );
            } else {
                assert_eq!(
                    e.status,
                    Status::Done,
                    "{t} {day} does not read the failed date: {e:?}"
                );
                // Done in a bisected pass: the same bytes as in one pass.
                assert_eq!(
                    std::fs::read(&path).ok(),
                    std::fs::read(partition(reference, t, day)).ok(),
                    "{t} {day}: done in a smaller pass, it differs from the clean run"
                );
            }
        }
    }

    // The retry command: the last line of stderr, for exactly the dates left.
    let err = stderr(&out);
    let retry = err
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .expect("stderr")
        .trim();
    let words: Vec<&str> = retry.split_whitespace().collect();
    assert_eq!(
        &words[..4],
        &["backcourt", "--lake", lake.to_str().unwrap(), "run"],
        "retry line: {retry}"
    );
    let unfinished: BTreeSet<NaiveDate> = affected.values().flatten().copied().collect();
    let dates_arg = words
        .iter()
        .position(|w| *w == "--dates")
        .map(|i| words[i + 1]);
    assert_eq!(
        dates_arg,
        Some(compact_dates(&unfinished).as_str()),
        "retry line: {retry}"
    );
    let before_retry = ledgers(lake);
    let out = bin()
        .env_remove(FAULT_ENV)
        .args(&words[1..])
        .output()
        .expect("run the retry");
    assert_eq!(out.status.code(), Some(0), "retry: {}", show(&out));
    let after = ledgers(lake);
    assert_eq!(
        done_pairs(&after),
        done_pairs(&want),
        "after the retry, the ledger's done (table, date) pairs are the clean run's"
    );
    for (t, l) in &before_retry {
        for (day, e) in &l.dates {
            if e.status == Status::Done {
                assert_eq!(
                    after[t].get(*day),
                    Some(e),
                    "{t} {day} was done: the retry recomputed it"
                );
            }
        }
    }
    assert_same_outputs(lake, reference, "failed run and its retry");
}

/// Rewrites `day`'s partitions of both box-score feeds with 9 more points
/// for the players whose lookup sorts before "c"; returns how many rows of
/// the primary feed changed.
fn add_points(lake: &Lake, day: NaiveDate) -> i64 {
    let changed = int(
        lake,
        &format!(
            "SELECT count(*)::BIGINT FROM nba_raw.nbac_gamebook_player_stats
             WHERE game_date = DATE '{day}' AND player_lookup < 'c' AND points IS NOT NULL"
        ),
    );
    for t in [
        TableId::BdlPlayerBoxscores,
        TableId::NbacGamebookPlayerStats,
    ] {
        let before = std::fs::read(partition(root(lake), t, day)).expect("raw partition");
        let batches = query(
            lake,
            &format!(
                "SELECT * REPLACE (CASE WHEN player_lookup < 'c' THEN points + 9 ELSE points END AS points)
                 FROM {t} WHERE game_date = DATE '{day}'"
            ),
        );
        lake.write(t, &batches, WriteScope::DatesPresent)
            .unwrap_or_else(|e| panic!("rewriting {t} {day}: {e}"));
        let after = std::fs::read(partition(root(lake), t, day)).expect("raw partition");
        assert_ne!(before, after, "{t} {day}: the rewrite changed nothing");
    }
    changed
}

/// A raw date changed behind the runner's back makes stale exactly what
/// reads it: the game summaries of that date, and through the read windows
/// what reads them. The resume recomputes only planned dates, every file it
/// changes is of a planned (table, date), and the lake ends as a fresh lake
/// built from the changed raw data in one run.
#[test]
fn a_changed_raw_date_replans_only_what_reads_it_and_the_resume_matches_a_fresh_build() {
    let (_dir, lake) = copy_lake(reference(), &RUN_LAKE_DIRS);
    let path = root(&lake);
    let d = date("2023-12-05");
    let changed = add_points(&lake, d);
    assert!(changed > 0, "no player's points changed on {d}");

    let out = run_range(path, &["--dry-run", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("dry-run JSON: {e}\n{}", show(&out)));
    let mut planned: BTreeMap<TableId, BTreeMap<NaiveDate, String>> = BTreeMap::new();
    for tp in plan["tables"].as_array().expect("tables") {
        let t: TableId = tp["table"]
            .as_str()
            .expect("table")
            .parse()
            .expect("a table");
        let run = tp["run"]
            .as_array()
            .expect("run")
            .iter()
            .map(|r| {
                (
                    date(r["date"].as_str().expect("date")),
                    r["why"].as_str().expect("why").to_string(),
                )
            })
            .collect();
        planned.insert(t, run);
    }
    assert_eq!(
        planned.keys().copied().collect::<Vec<_>>(),
        {
            let mut all = Selection::runnable();
            all.sort();
            all
        },
        "the plan covers every runnable table"
    );
    assert_eq!(
        planned[&TableId::PlayerGameSummary],
        BTreeMap::from([(d, "stale: inputs changed".to_string())]),
        "player_game_summary reads the box scores of its own date only"
    );
    for t in [
        TableId::TeamOffenseGameSummary,
        TableId::TeamDefenseGameSummary,
    ] {
        assert_eq!(
            planned[&t].keys().copied().collect::<Vec<_>>(),
            vec![d],
            "{t} reads the box scores of its own date only"
        );
    }
    // Nothing before the changed date reads it.
    for (t, run) in &planned {
        assert!(
            run.keys().all(|day| *day >= d),
            "{t}: plans dates before {d}: {run:?}"
        );
    }
    // The upcoming context reads the box scores itself (to resolve prop
    // names against who played), so its own inputs changed; what reads the
    // player summaries over a window is planned through them.
    assert_eq!(
        planned[&TableId::UpcomingPlayerGameContext].get(&d),
        Some(&"stale: inputs changed".to_string())
    );
    let next_cache = planned[&TableId::PlayerDailyCache]
        .iter()
        .find(|(day, _)| **day > d)
        .map(|(_, why)| why.as_str());
    assert!(
        next_cache.is_some_and(|why| why.starts_with("upstream ")),
        "player_daily_cache after {d} is planned through its upstreams: {next_cache:?}"
    );

    let before = outputs(path);
    let ledgers_before = ledgers(path);
    let out = run_range(path, &[]);
    assert_eq!(out.status.code(), Some(0), "resume: {}", show(&out));
    let after = outputs(path);
    let ledgers_after = ledgers(path);

    let diff = differing(&before, &after);
    assert!(
        diff.iter()
            .any(|p| owner(p) == (TableId::PlayerGameSummary, Some(d))),
        "the changed points did not reach player_game_summary on {d}"
    );
    let planned_dates: BTreeSet<NaiveDate> =
        planned.values().flat_map(|r| r.keys()).copied().collect();
    for p in &diff {
        let (t, day) = owner(p);
        let ok = match (t, day) {
            // Every Phase 4/5 table writes its failure rows there.
            (TableId::ProcessingFailures, Some(day)) => planned_dates.contains(&day),
            (t, Some(day)) => planned.get(&t).is_some_and(|r| r.contains_key(&day)),
            _ => false,
        };
        assert!(
            ok,
            "{} changed, but ({t}, {day:?}) was not planned",
            p.display()
        );
    }

    let mut new_run_ids = BTreeSet::new();
    for (t, l) in &ledgers_before {
        for (day, e) in &l.dates {
            let now = ledgers_after[t].get(*day).expect("entry kept");
            if planned[t].contains_key(day) {
                if now != e {
                    new_run_ids.insert(now.run_id.clone());
                    assert_eq!(now.attempts, e.attempts + 1, "{t} {day}: {now:?}");
                    assert_eq!(now.status, Status::Done, "{t} {day}: {now:?}");
                }
            } else {
                assert_eq!(now, e, "{t} {day} was not planned, yet its entry changed");
            }
        }
    }
    assert_eq!(
        new_run_ids.len(),
        1,
        "one run recomputed the planned dates: {new_run_ids:?}"
    );
    assert_ne!(
        ledgers_after[&TableId::PlayerGameSummary].get(d),
        ledgers_before[&TableId::PlayerGameSummary].get(d),
        "player_game_summary {d} was not recomputed"
    );

    // The same changed inputs, built in one run from nothing.
    let (_fresh_dir, fresh_lake) = copy_lake(&lake, &RAW_DIRS);
    let out = run_range(root(&fresh_lake), &[]);
    assert!(out.status.success(), "fresh build: {}", show(&out));
    assert_same_outputs(path, root(&fresh_lake), "resumed after a raw change");
}

/// A run killed outright (SIGKILL) mid-way leaves its lock behind; the next
/// run takes the dead run's lock over, keeps what the killed run finished,
/// and ends as one uninterrupted run.
#[test]
fn a_run_killed_mid_way_resumes_to_the_same_lake() {
    let reference = root(reference());
    let (_dir, lake) = fresh();
    let lake = root(&lake);
    let ledger_dir = lake.join("_backcourt/ledger");
    let ledger_files = || {
        std::fs::read_dir(&ledger_dir).map_or(0, |d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
                .count()
        })
    };

    let mut child = run_range_cmd(lake, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn backcourt");
    let reached = wait_for(Duration::from_secs(120), || ledger_files() >= 4);
    let running = child.try_wait().expect("poll child").is_none();
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    assert!(reached, "the run wrote no 4 ledgers in 120 s");
    assert!(running, "the run ended before it could be killed");

    let at_kill = ledgers(lake);
    let last = TableId::SystemDailyPerformance;
    assert!(
        at_kill.len() >= 4 && !at_kill.contains_key(&last),
        "killed mid-way: {} ledgers, {last} {}",
        at_kill.len(),
        if at_kill.contains_key(&last) {
            "done"
        } else {
            "not done"
        }
    );
    let lock = lake.join(LOCK_PATH);
    assert!(
        lock.exists(),
        "a killed run cannot remove its lock: nothing to take over"
    );

    let out = run_range(lake, &[]);
    assert_eq!(out.status.code(), Some(0), "resume: {}", show(&out));
    assert!(
        stderr(&out).contains("taking over the lock"),
        "the resume did not say it took the dead run's lock: {}",
        show(&out)
    );
    assert!(!lock.exists(), "the resume left its lock");
    let after = ledgers(lake);
    for (t, l) in &at_kill {
        assert_eq!(
            &after[t], l,
            "{t} was finished before the kill: the resume recomputed it"
        );
    }
    assert_same_outputs(lake, reference, "killed and resumed");
}

/// One writer per lake: a second run refuses while one runs, naming its
/// holder; a lock from another machine is never broken by a run, and
/// `unlock` removes it.
#[test]
fn a_second_run_refuses_while_one_holds_the_lake_and_unlock_removes_a_foreign_lock() {
    let (_dir, lake) = fresh();
    let lake = root(&lake);
    let lock = lake.join(LOCK_PATH);

    let mut first = run_range_cmd(lake, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn backcourt");
    assert!(
        wait_for(Duration::from_secs(60), || lock.exists()),
        "the first run took no lock"
    );
    let second = run_range(lake, &[]);
    let still_running = first.try_wait().expect("poll").is_none();
    assert_eq!(second.status.code(), Some(1), "{}", show(&second));
    let err = stderr(&second);
    assert!(
        err.contains("locked by another run") && err.contains(&format!("pid {} ", first.id())),
        "the refusal names the holder (pid {}): {}",
        first.id(),
        show(&second)
    );
    // An export reads only while no writer holds the lake: beside a run, it
    // refuses before reading (or contacting BigQuery), naming the run.
    let export = backcourt(lake)
        .args(["export", "--project", "p", "--staging", "gs://bucket/stage"])
        .output()
        .expect("export");
    let export_running = first.try_wait().expect("poll").is_none();
    assert_eq!(export.status.code(), Some(1), "{}", show(&export));
    assert!(
        stderr(&export).contains("locked by another run")
            && stderr(&export).contains(&format!("pid {} ", first.id())),
        "the export's refusal names the run: {}",
        show(&export)
    );
    assert!(
        still_running && export_running,
        "the first run had ended: the refusals prove little"
    );
    assert!(
        first.wait().expect("wait").success(),
        "the first run failed beside a refused second run"
    );
    assert!(!lock.exists(), "the first run left its lock");
    assert!(
        ledgers(lake).values().all(|l| l
            .dates
            .values()
            .all(|e| e.run_id.ends_with(&format!("-{}", first.id())))),
        "the refused run wrote to the ledger"
    );

    let again = run_range(lake, &[]);
    assert_eq!(again.status.code(), Some(0), "{}", show(&again));
    assert!(stdout(&again).contains("Nothing to do"), "{}", show(&again));

    // A lock from another machine, whose pid is alive here (ours).
    let holder = serde_json::json!({
        "pid": std::process::id(),
        "host": "another-machine.example",
        "started_at": "2024-01-01T00:00:00Z",
        "command": "backcourt run --all",
    });
    std::fs::write(&lock, serde_json::to_vec(&holder).expect("json")).expect("write lock");
    let refused = run_range(lake, &[]);
    assert_eq!(refused.status.code(), Some(1), "{}", show(&refused));
    let err = stderr(&refused);
    assert!(
        err.contains("locked by another run")
            && err.contains(&format!("pid {} ", std::process::id()))
            && err.contains("another-machine.example"),
        "{}",
        show(&refused)
    );
    assert!(lock.exists(), "a run removed another machine's lock");

    let unlock = backcourt(lake).arg("unlock").output().expect("unlock");
    assert_eq!(unlock.status.code(), Some(0), "{}", show(&unlock));
    assert!(!lock.exists(), "unlock left the lock");
    let after = run_range(lake, &[]);
    assert_eq!(after.status.code(), Some(0), "{}", show(&after));
    assert!(stdout(&after).contains("Nothing to do"), "{}", show(&after));
    assert_same_outputs(lake, root(reference()), "beside a refused run");
}

/// A rerun of a finished range does nothing and writes nothing; `--force`
/// recomputes every date and writes the same bytes again.
#[test]
fn a_rerun_does_nothing_and_force_rewrites_the_same_bytes() {
    let reference = reference();
    let (_dir, lake) = copy_lake(reference, &RUN_LAKE_DIRS);
    let lake = root(&lake);
    // The ledger and the run history (the runner's cache of partition
    // hashes, `_backcourt/hashes.json`, may learn the copied files' tags).
    let runner_files = |p: &Path| {
        let mut all = files(&p.join("_backcourt/ledger"));
        all.extend(files(&p.join("_backcourt/runs")));
        all
    };
    let before = runner_files(lake);
    let ledgers_before = ledgers(lake);

    let out = run_range(lake, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(stdout(&out).contains("Nothing to do"), "{}", show(&out));
    assert!(
        runner_files(lake) == before,
        "a run with nothing to do changed the ledger or the run history"
    );
    let dry = run_range(lake, &["--dry-run", "--json"]);
    let plan: serde_json::Value = serde_json::from_slice(&dry.stdout).expect("JSON plan");
    for tp in plan["tables"].as_array().expect("tables") {
        assert_eq!(tp["run"], serde_json::json!([]), "{tp}");
    }

    let out = run_range(lake, &["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let after = ledgers(lake);
    let mut run_ids = BTreeSet::new();
    let mut forced = 0;
    for (t, l) in &ledgers_before {
        for (day, e) in &l.dates {
            let now = after[t].get(*day).expect("entry kept");
            if e.status == Status::Done {
                assert_eq!(now.status, Status::Done, "{t} {day}: {now:?}");
                assert_eq!(now.attempts, e.attempts + 1, "{t} {day}: not recomputed");
                assert_eq!(now.output, e.output, "{t} {day}: other bytes");
                assert_ne!(now.run_id, e.run_id, "{t} {day}: not recomputed");
                run_ids.insert(now.run_id.clone());
                forced += 1;
            }
        }
    }
    assert_eq!(run_ids.len(), 1, "{run_ids:?}");
    assert!(forced > 500, "only {forced} (table, date) pairs were done");
    assert_same_outputs(lake, root(reference), "forced");
}

/// Usage errors exit 2 and touch nothing.
#[test]
fn usage_errors_exit_2_and_write_nothing() {
    let (_dir, lake) = fresh();
    let lake = root(&lake);
    let cases: [(&[&str], &str); 5] = [
        (&["run", "no_such_table", "--all"], "no_such_table"),
        (&["run", "nbac_schedule", "--all"], "nba_raw.nbac_schedule"),
        (
            &["run", "nba_raw.bdl_player_boxscores", "--all"],
            "nba_raw.bdl_player_boxscores",
        ),
        (&["run", "--season", "2019-20"], "2019-20"),
        (
            &["run", "--start", "2023-12-01", "--end", "2023-11-01"],
            "--end",
        ),
    ];
    for (args, mention) in cases {
        let out = backcourt(lake).args(args).output().expect("run backcourt");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", show(&out));
        assert!(
            stderr(&out).contains(mention),
            "{args:?}: the error does not name `{mention}`: {}",
            show(&out)
        );
    }
    assert!(
        outputs(lake).is_empty() && !lake.join(LOCK_PATH).exists(),
        "a usage error wrote to the lake or left a lock"
    );
    let entries: Vec<Entry> = ledgers(lake)
        .into_values()
        .flat_map(|l| l.dates.into_values())
        .collect();
    assert!(entries.is_empty(), "a usage error wrote ledger entries");
}

/// A run of one table marks the done dates of its readers outside the run
/// stale, and a stale date still counts as computed: a later run of a table
/// reading it is not blocked by it (it is blocked only by dates that never
/// succeeded or whose partition is gone).
#[test]
fn rewriting_an_upstream_marks_its_readers_stale_without_blocking_them() {
    let (_dir, lake) = copy_lake(reference(), &RUN_LAKE_DIRS);
    let dir = root(&lake);
    let day = date("2023-12-05");
    add_points(&lake, day);
    let out = backcourt(dir)
        .args(["run", "player_game_summary", "--dates", "2023-12-05"])
        .output()
        .expect("run backcourt");
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));

    let upgc = ledger(dir, TableId::UpcomingPlayerGameContext).expect("a ledger");
    let stale: Vec<NaiveDate> = upgc
        .dates
        .iter()
        .filter(|(_, e)| e.status == Status::Stale)
        .map(|(d, _)| *d)
        .collect();
    assert!(
        stale.contains(&day) && stale.iter().all(|d| *d >= day),
        "the readers of {day} were not marked stale (or earlier dates were): {stale:?}"
    );
    let pdc = ledger(dir, TableId::PlayerDailyCache).expect("a ledger");
    let later = *pdc
        .dates
        .iter()
        .find(|(d, e)| **d > day && e.status == Status::Stale)
        .expect("a stale daily-cache date after the rewritten one")
        .0;

    let out = backcourt(dir)
        .args(["run", "player_daily_cache", "--dates", &later.to_string()])
        .output()
        .expect("run backcourt");
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let entry = &ledger(dir, TableId::PlayerDailyCache)
        .expect("a ledger")
        .dates[&later];
    assert_eq!(entry.status, Status::Done, "{entry:?}");
}
