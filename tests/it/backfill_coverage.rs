//! The backfill runner's reporting commands through the real binary:
//! `coverage` (the date × table matrix, its expectations taken from the
//! calendar and the raw box scores, never from the table checked),
//! `preflight` (are the upstream dates a run reads ready?) and `failures`
//! (the failure rows, INCOMPLETE_DATA classified against the raw box scores,
//! every category read through `backcourt::failures::FailureCategory`).
//!
//! Every lake is a copy of one small league (2023-24) generated and run over
//! [`START`]..=[`END`] once by the binary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::str::FromStr;
use std::sync::OnceLock;

use arrow::array::RecordBatch;
use backcourt::backfill::failures::{self, ReadError};
use backcourt::backfill::state::window;
use backcourt::backfill::Selection;
use backcourt::dates::DateRange;
use backcourt::engine::Engine;
use backcourt::failures::{Classification, FailureCategory};
use backcourt::lake::{Lake, WriteScope};
use backcourt::registry::TableId;
use chrono::NaiveDate;
use serde_json::Value;

use crate::util::{
    bin, copy_lake, date, int, query, root, season_league, show, RAW_DIRS, RUN_LAKE_DIRS,
};

/// The range the shared league is run over: the bootstrap window (opening
/// night and 13 days) and five weeks after it.
const START: &str = "2023-10-24";
const END: &str = "2023-12-15";

/// Runs the binary on `lake` with `args`.
fn cli(lake: &Lake, args: &[&str]) -> Output {
    bin()
        .arg("--lake")
        .arg(root(lake))
        .args(args)
        .output()
        .expect("run backcourt")
}

/// Runs the binary with `--json`, expecting success, and parses stdout.
fn cli_json(lake: &Lake, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = cli(lake, &all);
    assert!(out.status.success(), "{args:?}: {}", show(&out));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", show(&out)))
}

/// The generated league run over START..=END, once per test run.
fn base() -> &'static Lake {
    static BASE: OnceLock<(tempfile::TempDir, Lake)> = OnceLock::new();
    &BASE
        .get_or_init(|| {
            let (dir, lake) = copy_lake(season_league(), &RAW_DIRS);
            let out = cli(&lake, &["run", "--start", START, "--end", END]);
            assert!(out.status.success(), "run: {}", show(&out));
            (dir, lake)
        })
        .1
}

/// A private copy of the run league.
fn fresh() -> (tempfile::TempDir, Lake) {
    copy_lake(base(), &RUN_LAKE_DIRS)
}

/// One cell of `coverage --json`.
#[derive(Debug, Clone, PartialEq)]
struct Cov {
    status: String,
    rows: Option<u64>,
    expected: Option<u64>,
    games: u64,
    players: u64,
}

/// `coverage --json` over `start..=end`, by (table, date).
fn coverage(
    lake: &Lake,
    start: NaiveDate,
    end: NaiveDate,
    tables: &[&str],
) -> BTreeMap<(TableId, NaiveDate), Cov> {
    let (s, e) = (start.to_string(), end.to_string());
    let mut args = vec!["coverage", "--start", &s, "--end", &e];
    args.extend_from_slice(tables);
    let json = cli_json(lake, &args);
    let cells = json.as_array().expect("a JSON list");
    let mut out = BTreeMap::new();
    for c in cells {
        let table: TableId = c["table"].as_str().expect("table").parse().expect("known");
        let d = date(c["date"].as_str().expect("date"));
        let cell = Cov {
            status: c["status"].as_str().expect("status").to_string(),
            rows: c["rows"].as_u64(),
            expected: c["expected"].as_u64(),
            games: c["games"].as_u64().expect("games"),
            players: c["players"].as_u64().expect("players"),
        };
        assert!(
            c["rows"].is_null() || cell.rows.is_some(),
            "rows is a count or null: {c}"
        );
        assert!(
            out.insert((table, d), cell).is_none(),
            "one cell per (table, date): {c}"
        );
    }
    out
}

/// The rows of `sql` on `lake` (a fresh engine, so it sees the last write).
fn batches(lake: &Lake, sql: &str) -> Vec<RecordBatch> {
    query(lake, sql)
}

/// The strings of the first column of `sql`.
fn strings(lake: &Lake, sql: &str) -> Vec<String> {
    crate::util::rows(lake, sql)
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

/// Replaces `table`'s partition of `d` with the rows of `sql`.
fn rewrite(lake: &Lake, table: TableId, d: NaiveDate, sql: &str) {
    let b = batches(lake, sql);
    lake.write(table, &b, WriteScope::Range(DateRange::day(d)))
        .unwrap_or_else(|e| panic!("rewriting {table} {d}: {e}"));
}

/// The canonical lookup of a raw feed's row (as backcourt.players_played
/// resolves it), given the feed's name column.
fn resolved(name_col: &str) -> String {
    let src = format!("player_lookup(coalesce(player_lookup, {name_col}))");
    format!(
        "coalesce((SELECT m.canonical FROM backcourt.player_spelling_map m WHERE m.spelling = {src}), {src})"
    )
}

/// Makes `player` not play on `d` in every raw feed: listed DNP in the
/// gamebook, absent from the backup box score.
fn mark_dnp_in_raw(lake: &Lake, player: &str, d: NaiveDate) {
    let gb = resolved("player_name");
    rewrite(
        lake,
        TableId::NbacGamebookPlayerStats,
        d,
        &format!(
            "SELECT * REPLACE (CASE WHEN {gb} = '{player}' THEN 'dnp' ELSE player_status END AS player_status) \
             FROM nba_raw.nbac_gamebook_player_stats WHERE game_date = DATE '{d}'"
        ),
    );
    let bdl = resolved("player_full_name");
    rewrite(
        lake,
        TableId::BdlPlayerBoxscores,
        d,
        &format!(
            "SELECT * FROM nba_raw.bdl_player_boxscores WHERE game_date = DATE '{d}' AND {bdl} <> '{player}'"
        ),
    );
    assert_eq!(
        int(
            lake,
            &format!(
                "SELECT count(*)::BIGINT FROM backcourt.players_played \
                 WHERE game_date = DATE '{d}' AND player_lookup = '{player}'"
            )
        ),
        0,
        "{player} still plays on {d} in the raw feeds"
    );
}

/// Rewrites player_game_summary's partition of `d` without `players`.
fn drop_from_pgs(lake: &Lake, d: NaiveDate, players: &[&str]) {
    let list = players
        .iter()
        .map(|p| format!("'{p}'"))
        .collect::<Vec<_>>()
        .join(", ");
    rewrite(
        lake,
        TableId::PlayerGameSummary,
        d,
        &format!(
            "SELECT * FROM nba_analytics.player_game_summary \
             WHERE game_date = DATE '{d}' AND player_lookup NOT IN ({list})"
        ),
    );
}

/// The (table, date) cells a plan over `dates` must rerun once `changed`
/// must: every date of a runnable table whose read window of an upstream
/// holds a rerun date, transitively (the runnable tables come in dependency
/// order).
fn dependents(
    changed: (TableId, NaiveDate),
    dates: &[NaiveDate],
) -> BTreeSet<(TableId, NaiveDate)> {
    let mut rerun: BTreeSet<(TableId, NaiveDate)> = BTreeSet::from([changed]);
    for t in Selection::runnable() {
        if t == changed.0 {
            continue;
        }
        for &d in dates {
            let reads_rerun = t.def().upstream.iter().any(|&u| {
                let (lo, hi) = window(t, u, d);
                rerun
                    .iter()
                    .any(|&(rt, rd)| rt == u && lo <= rd && rd <= hi)
            });
            if reads_rerun {
                rerun.insert((t, d));
            }
        }
    }
    rerun.remove(&changed);
    rerun
}

fn partition_file(lake: &Lake, table: TableId, d: NaiveDate) -> PathBuf {
    root(lake).join(Lake::partition_path(table, Some(d)))
}

/// Deleting one date's player_game_summary partition: coverage says that
/// cell is missing (no rows), exactly the cells that read it stale and
/// everything else done; pre-flight of a table reading it names the table and
/// the date and exits 1; a run of the range repairs it, byte for byte.
#[test]
fn a_deleted_partition_is_missing_in_coverage_and_preflight_until_a_run_repairs_it() {
    let (_dir, lake) = fresh();
    let (from, to) = (date("2023-11-18"), date("2023-11-23"));
    let d = date("2023-11-20");
    let pgs = TableId::PlayerGameSummary;

    let before = coverage(&lake, from, to, &[]);
    let runnable = Selection::runnable();
    assert_eq!(
        before.len(),
        runnable.len() * 6,
        "every runnable table × every day of the range: {before:?}"
    );
    let game_dates: Vec<NaiveDate> = DateRange::new(from, to)
        .expect("ordered")
        .days()
        .filter(|day| before[&(pgs, *day)].games > 0)
        .collect();
    assert!(game_dates.contains(&d) && game_dates.len() >= 4);
    for ((t, day), c) in &before {
        let want = if game_dates.contains(day) {
            "done"
        } else {
            "no_games"
        };
        assert_eq!(c.status, want, "{t} {day} before any change: {c:?}");
    }
    let pgs_before = before[&(pgs, d)].clone();
    assert!(pgs_before.rows.is_some_and(|r| r > 100), "{pgs_before:?}");

    let preflight = |start: &str, end: &str| {
        cli(
            &lake,
            &[
                "--json",
                "preflight",
                "player_daily_cache",
                "--start",
                start,
                "--end",
                end,
            ],
        )
    };
    let ok = preflight("2023-11-21", "2023-11-23");
    assert_eq!(ok.status.code(), Some(0), "{}", show(&ok));
    let checks: Value = serde_json::from_slice(&ok.stdout).expect("JSON");
    let checks = checks.as_array().expect("a list");
    let upstreams: BTreeSet<&str> = checks
        .iter()
        .map(|c| c["upstream"].as_str().expect("upstream"))
        .collect();
    let declared: BTreeSet<String> = TableId::PlayerDailyCache
        .def()
        .upstream
        .iter()
        .map(|u| u.to_string())
        .collect();
    assert_eq!(
        upstreams,
        declared.iter().map(String::as_str).collect(),
        "one check per upstream of player_daily_cache"
    );
    for c in checks {
        assert_eq!(c["not_ready"], serde_json::json!([]), "{c}");
        assert_eq!(c["dates_needed"], c["dates_ready"], "{c}");
    }

    // Delete the partition behind the runner's back.
    let file = partition_file(&lake, pgs, d);
    assert!(
        file.ends_with(format!(
            "nba_analytics/player_game_summary/game_date={d}/part-0.parquet"
        )),
        "{}",
        file.display()
    );
    let original = std::fs::read(&file).expect("the partition");
    std::fs::remove_file(&file).expect("delete the partition");

    let after = coverage(&lake, from, to, &[]);
    let stale = dependents((pgs, d), &game_dates);
    assert!(
        stale.contains(&(TableId::PlayerDailyCache, date("2023-11-21")))
            && !stale
                .iter()
                .any(|(t, _)| *t == TableId::TeamOffenseGameSummary),
        "the oracle itself: {stale:?}"
    );
    let mut wrong = Vec::new();
    for ((t, day), c) in &after {
        let want = if (*t, *day) == (pgs, d) {
            "missing"
        } else if stale.contains(&(*t, *day)) {
            "stale"
        } else if game_dates.contains(day) {
            "done"
        } else {
            "no_games"
        };
        if c.status != want {
            wrong.push(format!("{t} {day}: {} (want {want})", c.status));
        }
        // Expectations come from the calendar and the raw box scores: a
        // deleted partition changes none of them.
        assert_eq!(
            (c.expected, c.games, c.players),
            (
                before[&(*t, *day)].expected,
                before[&(*t, *day)].games,
                before[&(*t, *day)].players
            ),
            "{t} {day}: expectations moved with the table"
        );
        if (*t, *day) != (pgs, d) {
            assert_eq!(c.rows, before[&(*t, *day)].rows, "{t} {day}");
        }
    }
    assert!(
        wrong.is_empty(),
        "coverage after the deletion:\n{}",
        wrong.join("\n")
    );
    assert_eq!(after[&(pgs, d)].rows, None, "no partition, no row count");

    let bad = preflight("2023-11-21", "2023-11-23");
    assert_eq!(bad.status.code(), Some(1), "{}", show(&bad));
    let checks: Value = serde_json::from_slice(&bad.stdout).expect("JSON");
    for c in checks.as_array().expect("a list") {
        let want = if c["upstream"] == pgs.to_string().as_str() {
            serde_json::json!([{"date": d.to_string(), "why": "missing"}])
        } else {
            serde_json::json!([])
        };
        assert_eq!(c["not_ready"], want, "{c}");
    }
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("player_game_summary"),
        "the error names the upstream: {stderr}"
    );
    // The date itself is not read by a run of the days before it.
    let earlier = preflight("2023-11-18", "2023-11-19");
    assert_eq!(earlier.status.code(), Some(0), "{}", show(&earlier));

    let out = cli(
        &lake,
        &[
            "run",
            "--start",
            &from.to_string(),
            "--end",
            &to.to_string(),
        ],
    );
    assert!(out.status.success(), "repair run: {}", show(&out));
    assert_eq!(
        std::fs::read(&file).expect("rewritten"),
        original,
        "the rerun writes the same bytes"
    );
    let repaired = coverage(&lake, from, to, &[]);
    assert_eq!(repaired, before, "coverage after the repair run");
    let ok = preflight("2023-11-21", "2023-11-23");
    assert_eq!(ok.status.code(), Some(0), "{}", show(&ok));
}

/// Coverage's expected counts follow the schedule and the raw box scores,
/// not the table: dropping rows of player_game_summary lowers `rows` only;
/// marking a player DNP in the raw feeds lowers `expected` only; team tables
/// expect two rows per game the schedule has that date (postponed games
/// excluded).
#[test]
fn coverage_expectations_come_from_the_schedule_and_raw_box_scores_not_the_table() {
    let (_dir, lake) = fresh();
    let (from, to) = (date("2023-11-18"), date("2023-11-24"));
    let d = date("2023-11-21");
    let pgs = TableId::PlayerGameSummary;
    let before = coverage(&lake, from, to, &[]);

    // Team tables: two teams per game of the schedule (a PPD row is no game).
    let mut schedule: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    for r in crate::util::rows(
        &lake,
        &format!(
            "SELECT game_date, count(*) FILTER (WHERE coalesce(game_status_text, '') <> 'PPD')::BIGINT \
             FROM nba_raw.nbac_schedule WHERE game_date BETWEEN DATE '{from}' AND DATE '{to}' GROUP BY 1"
        ),
    ) {
        schedule.insert(date(&r[0]), r[1].parse().expect("a count"));
    }
    for day in DateRange::new(from, to).expect("ordered").days() {
        let games = schedule.get(&day).copied().unwrap_or(0);
        for t in [
            TableId::TeamOffenseGameSummary,
            TableId::TeamDefenseGameSummary,
            TableId::UpcomingTeamGameContext,
        ] {
            let c = &before[&(t, day)];
            assert_eq!(c.games, games, "{t} {day}: games from the schedule");
            if games > 0 {
                assert_eq!(c.expected, Some(2 * games), "{t} {day}: {c:?}");
                assert_eq!(c.rows, c.expected, "{t} {day}: the built table is complete");
            } else {
                assert_eq!(
                    (c.status.as_str(), c.expected),
                    ("no_games", None),
                    "{t} {day}"
                );
            }
        }
    }

    // Drop three players' rows from player_game_summary on D.
    let players = strings(
        &lake,
        &format!(
            "SELECT player_lookup FROM nba_analytics.player_game_summary \
             WHERE game_date = DATE '{d}' ORDER BY player_lookup LIMIT 3"
        ),
    );
    assert_eq!(players.len(), 3);
    let refs: Vec<&str> = players.iter().map(String::as_str).collect();
    drop_from_pgs(&lake, d, &refs);
    let dropped = coverage(&lake, from, to, &[]);
    let (b, a) = (&before[&(pgs, d)], &dropped[&(pgs, d)]);
    assert_eq!(a.rows, b.rows.map(|r| r - 3), "{b:?} -> {a:?}");
    assert_eq!(
        (a.expected, a.players),
        (b.expected, b.players),
        "expected must not come from the table"
    );
    assert_eq!(a.status, "stale", "a partition changed behind the runner");
    for (k, c) in &dropped {
        assert_eq!(c.expected, before[k].expected, "{k:?}");
    }

    // A player who no longer plays in the raw feeds is one player fewer
    // expected, whatever player_game_summary still holds.
    let other = strings(
        &lake,
        &format!(
            "SELECT player_lookup FROM nba_analytics.player_game_summary \
             WHERE game_date = DATE '{d}' ORDER BY player_lookup DESC LIMIT 1"
        ),
    );
    mark_dnp_in_raw(&lake, &other[0], d);
    let raw_changed = coverage(&lake, from, to, &[]);
    let c = &raw_changed[&(pgs, d)];
    assert_eq!(c.rows, a.rows, "the table did not change");
    assert_eq!(c.expected, b.expected.map(|e| e - 1), "{c:?}");
    assert_eq!(c.players, b.players - 1, "{c:?}");
    for t in [
        TableId::UpcomingPlayerGameContext,
        TableId::PlayerDailyCache,
        TableId::MlFeatureStoreV2,
    ] {
        assert_eq!(
            raw_changed[&(t, d)].expected,
            before[&(t, d)].expected.map(|e| e - 1),
            "{t} {d}"
        );
    }
    for day in DateRange::new(from, to).expect("ordered").days() {
        if day != d {
            assert_eq!(
                raw_changed[&(pgs, day)].expected,
                before[&(pgs, day)].expected
            );
        }
    }
}

/// On the league as built, player_game_summary holds exactly the players the
/// raw box scores have playing, so coverage's expected equals its rows on
/// every game date.
#[test]
fn coverage_expected_players_equal_the_built_summary() {
    let cov = coverage(base(), date(START), date(END), &["player_game_summary"]);
    let off: Vec<String> = cov
        .iter()
        .filter(|(_, c)| c.games > 0 && c.rows != c.expected)
        .map(|((_, d), c)| format!("{d}: rows {:?} expected {:?}", c.rows, c.expected))
        .collect();
    assert!(
        off.is_empty(),
        "{} dates off:\n{}",
        off.len(),
        off.join("\n")
    );
}

/// One `failures --list --json` row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Listed {
    table: String,
    date: String,
    entity: String,
    category: String,
    classification: String,
}

fn listed(json: &Value) -> Vec<Listed> {
    json.as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            let s = |k: &str| {
                r[k].as_str()
                    .unwrap_or_else(|| panic!("{k}: {r}"))
                    .to_string()
            };
            Listed {
                table: s("table"),
                date: s("date"),
                entity: s("entity"),
                category: s("category"),
                classification: s("classification"),
            }
        })
        .collect()
}

/// `predict` is the runner over Phase 5 with force: every system predicts
/// the date, and the three tables' ledgers and the run history record it
/// (a second path beside the runner would leave them as they were).
#[test]
fn predict_runs_phase_5_through_the_runner() {
    use backcourt::backfill::ledger::{Ledger, RUNS_DIR};
    let (_dir, lake) = fresh();
    let d = date("2023-11-22");
    let phase5 = Selection::downstream_of(TableId::PlayerPropPredictions);
    assert_eq!(phase5.len(), 3, "{phase5:?}");
    let attempts = |lake: &Lake| -> Vec<u32> {
        phase5
            .iter()
            .map(|&t| {
                let ledger = Ledger::load(lake, t).expect("ledger");
                ledger.dates.get(&d).map_or(0, |e| e.attempts)
            })
            .collect()
    };
    let runs = |lake: &Lake| lake.list(RUNS_DIR).expect("run history").len();
    let (attempts_before, runs_before) = (attempts(&lake), runs(&lake));
    assert!(
        attempts_before.iter().all(|&a| a > 0),
        "{attempts_before:?}"
    );

    let systems = cli_json(&lake, &["predict", "--dates", &d.to_string()]);
    let systems = systems.as_array().expect("an array of systems");
    assert_eq!(systems.len(), 5, "{systems:?}");
    for s in systems {
        assert!(s["predictions"].as_u64() > Some(0), "{s}");
        assert_eq!(s["dates"].as_u64(), Some(1), "{s}");
    }
    let attempts_after = attempts(&lake);
    assert_eq!(
        attempts_after,
        attempts_before.iter().map(|a| a + 1).collect::<Vec<_>>(),
        "each Phase 5 table's ledger counts the predict pass on {d}"
    );
    assert_eq!(
        runs(&lake),
        runs_before + 1,
        "predict is in the run history"
    );
}

/// A prediction whose player has no box-score line is an INCOMPLETE_DATA
/// failure of prediction_accuracy, classified against the raw box scores:
/// `data_gap` when the raw gamebook has the player playing, `player_dnp` when
/// no raw feed does, `filled_since` once player_game_summary has the row again.
#[test]
fn incomplete_data_failures_are_classified_against_the_raw_box_scores() {
    let (_dir, lake) = fresh();
    let d = date("2023-11-22");
    let ds = d.to_string();
    let incomplete = |lake: &Lake| {
        listed(&cli_json(
            lake,
            &[
                "failures",
                "--category",
                "INCOMPLETE_DATA",
                "--table",
                "prediction_accuracy",
                "--list",
            ],
        ))
    };
    assert_eq!(incomplete(&lake), vec![], "the built league has none");

    // Two players predicted by every system on D who played (raw and Phase 3).
    let picked = strings(
        &lake,
        &format!(
            "SELECT p.player_lookup FROM nba_predictions.player_prop_predictions p \
             JOIN nba_analytics.player_game_summary s USING (game_date, player_lookup) \
             JOIN (SELECT DISTINCT game_date, player_lookup FROM backcourt.players_played) r \
               USING (game_date, player_lookup) \
             WHERE p.game_date = DATE '{d}' \
             GROUP BY 1 HAVING count(DISTINCT p.system_id) = 5 ORDER BY 1 LIMIT 2"
        ),
    );
    assert_eq!(picked.len(), 2, "{picked:?}");
    let (gap, dnp) = (picked[0].as_str(), picked[1].as_str());
    let predictions = |player: &str| {
        int(
            &lake,
            &format!(
                "SELECT count(*)::BIGINT FROM nba_predictions.player_prop_predictions \
                 WHERE game_date = DATE '{d}' AND player_lookup = '{player}'"
            ),
        ) as usize
    };
    let (gap_predictions, dnp_predictions) = (predictions(gap), predictions(dnp));
    let original_pgs = batches(
        &lake,
        &format!("SELECT * FROM nba_analytics.player_game_summary WHERE game_date = DATE '{d}' AND player_lookup <> '{dnp}'"),
    );

    // Both lose their box-score line; only `dnp` also stops playing in the raw feeds.
    drop_from_pgs(&lake, d, &[gap, dnp]);
    mark_dnp_in_raw(&lake, dnp, d);
    let out = cli(
        &lake,
        &["run", "prediction_accuracy", "--dates", &ds, "--force"],
    );
    assert!(out.status.success(), "{}", show(&out));
    assert_eq!(
        int(
            &lake,
            &format!(
                "SELECT count(*)::BIGINT FROM nba_predictions.prediction_accuracy \
                 WHERE game_date = DATE '{d}' AND player_lookup IN ('{gap}', '{dnp}')"
            )
        ),
        0,
        "a prediction without its box-score line is not graded"
    );

    let rows = incomplete(&lake);
    let classified = |rows: &[Listed], player: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r.entity.split('/').next() == Some(player))
            .map(|r| r.classification.clone())
            .collect()
    };
    assert!(
        rows.iter().all(|r| r.table == "prediction_accuracy"
            && r.date == ds
            && r.category == "INCOMPLETE_DATA"
            && [gap, dnp].contains(&r.entity.split('/').next().unwrap_or(""))),
        "only the two players' predictions on {d} fail: {rows:?}"
    );
    assert_eq!(
        classified(&rows, gap),
        vec!["data_gap"; gap_predictions],
        "{gap}: the gamebook has him active, Phase 3 lost him"
    );
    assert_eq!(
        classified(&rows, dnp),
        vec!["player_dnp"; dnp_predictions],
        "{dnp}: no raw feed has him playing"
    );
    // Every system's prediction is its own row (entity player/system).
    let entities: BTreeSet<&str> = rows.iter().map(|r| r.entity.as_str()).collect();
    assert_eq!(entities.len(), rows.len(), "{rows:?}");

    // The library reads the same, typed.
    let engine = Engine::open(&lake).expect("engine");
    let read = failures::read(
        &engine,
        DateRange::day(d),
        Some(TableId::PredictionAccuracy),
        Some(FailureCategory::IncompleteData),
    )
    .expect("read failures");
    let typed: Vec<(String, Option<Classification>)> = read
        .iter()
        .map(|r| (r.entity_id.clone(), r.classification))
        .collect();
    let mut want: Vec<(String, Option<Classification>)> = rows
        .iter()
        .map(|r| {
            let c = if r.entity.starts_with(&format!("{gap}/")) {
                Classification::DataGap
            } else {
                Classification::PlayerDnp
            };
            (r.entity.clone(), Some(c))
        })
        .collect();
    want.sort();
    let mut got = typed.clone();
    got.sort();
    assert_eq!(got, want);
    assert!(read
        .iter()
        .all(|r| r.date == d && r.category == FailureCategory::IncompleteData && r.can_retry));
    assert!(
        failures::read(
            &engine,
            DateRange::day(d),
            Some(TableId::PredictionAccuracy),
            Some(FailureCategory::InsufficientData),
        )
        .expect("read")
        .is_empty(),
        "prediction_accuracy writes no other category"
    );
    drop(engine);

    // Phase 3 gets `gap`'s row back: the failure now reads as filled since.
    lake.write(
        TableId::PlayerGameSummary,
        &original_pgs,
        WriteScope::Range(DateRange::day(d)),
    )
    .expect("restore");
    let engine = Engine::open(&lake).expect("engine");
    let read = failures::read(
        &engine,
        DateRange::day(d),
        None,
        Some(FailureCategory::IncompleteData),
    )
    .expect("read failures");
    assert_eq!(read.len(), rows.len());
    for r in &read {
        let want = if r.entity_id.starts_with(&format!("{gap}/")) {
            Classification::FilledSince
        } else {
            Classification::PlayerDnp
        };
        assert_eq!(r.classification, Some(want), "{r:?}");
    }
}

/// The quoted literals SQL gives `failure_category`: in each `... AS
/// failure_category` select item, the literals after THEN or ELSE, or the
/// item itself when it is one literal.
fn sql_categories(sql: &str) -> Vec<String> {
    #[derive(Debug, PartialEq)]
    enum Tok {
        Word(String),
        Str(String),
        Punct(char),
    }
    let chars: Vec<char> = sql.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '\'' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        s.push('\'');
                        i += 2;
                        continue;
                    }
                    break;
                }
                s.push(chars[i]);
                i += 1;
            }
            i += 1;
            toks.push(Tok::Str(s));
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let mut s = String::new();
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                s.push(chars[i]);
                i += 1;
            }
            toks.push(Tok::Word(s));
        } else {
            if !c.is_whitespace() {
                toks.push(Tok::Punct(c));
            }
            i += 1;
        }
    }
    let is_word = |t: &Tok, w: &str| matches!(t, Tok::Word(s) if s.eq_ignore_ascii_case(w));
    let mut out = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        if !is_word(t, "failure_category") || k == 0 {
            continue;
        }
        // `expr AS failure_category` or `expr failure_category`.
        let end = if is_word(&toks[k - 1], "AS") {
            k - 1
        } else {
            k
        };
        if end == k
            && !matches!(toks[k - 1], Tok::Str(_) | Tok::Punct(')'))
            && !is_word(&toks[k - 1], "END")
        {
            continue; // a reference (`f.failure_category`, `WHEN failure_category IS NULL`)
        }
        let mut depth = 0i32;
        let mut start = end;
        while start > 0 {
            let prev = &toks[start - 1];
            match prev {
                Tok::Punct(')') => depth += 1,
                Tok::Punct('(') if depth == 0 => break,
                Tok::Punct('(') => depth -= 1,
                Tok::Punct(',') if depth == 0 => break,
                _ if depth == 0 && is_word(prev, "SELECT") => break,
                _ => {}
            }
            start -= 1;
        }
        let expr = &toks[start..end];
        if let [Tok::Str(s)] = expr {
            out.push(s.clone());
        }
        for w in expr.windows(2) {
            if let (true, Tok::Str(s)) = (is_word(&w[0], "THEN") || is_word(&w[0], "ELSE"), &w[1]) {
                out.push(s.clone());
            }
        }
    }
    out
}

/// Every file below `dir` whose name ends with `ext`, with its text.
fn sources(dir: &Path, ext: &str) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) {
                let text = std::fs::read_to_string(&p).expect("read source");
                out.push((p, text));
            }
        }
    }
    out.sort();
    out
}

/// Every category the code can write, wherever it writes it. A model or
/// kernel that starts emitting another category must be listed here (and be
/// in `FailureCategory`).
const EMITTED: [&str; 3] = [
    "EXPECTED_INCOMPLETE",
    "INCOMPLETE_DATA",
    "INSUFFICIENT_DATA",
];

/// Failure categories are one vocabulary: what SQL and Rust emit is exactly
/// [`EMITTED`], all of it in `FailureCategory`; every category stored by a
/// real run reads back; a stored unknown category is an error naming the
/// table and date, not a silently dropped row.
#[test]
fn failure_categories_emitted_stored_and_read_are_one_vocabulary() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));

    // The scanner itself.
    assert_eq!(
        sql_categories(
            "SELECT a, CASE WHEN x = 'NOPE' THEN 'A_B' WHEN y THEN NULL ELSE 'C_D' END AS failure_category, \
             'E_F' failure_category, f.failure_category, CASE WHEN failure_category IS NULL THEN 'G' END AS h \
             -- 'Z_Z' AS failure_category\n FROM t"
        ),
        ["A_B", "C_D", "E_F"]
    );

    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let sql_files = sources(&manifest.join("sql"), "sql");
    assert!(sql_files.len() >= 20, "{} SQL files", sql_files.len());
    for (path, text) in &sql_files {
        for c in sql_categories(text) {
            found.entry(c).or_default().insert(
                path.strip_prefix(manifest)
                    .expect("below")
                    .display()
                    .to_string(),
            );
        }
    }
    let variants: BTreeMap<String, FailureCategory> = FailureCategory::ALL
        .iter()
        .map(|c| (format!("{c:?}"), *c))
        .collect();
    let spellings: BTreeSet<&str> = FailureCategory::ALL.iter().map(|c| c.as_str()).collect();
    for (path, text) in sources(&manifest.join("src"), "rs") {
        if path.ends_with("src/failures.rs") {
            continue; // the vocabulary itself
        }
        let name = path
            .strip_prefix(manifest)
            .expect("below")
            .display()
            .to_string();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (k, _) in line.match_indices("FailureCategory::") {
                let ident: String = line[k + "FailureCategory::".len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !ident.starts_with(|c: char| c.is_ascii_uppercase()) || ident == "ALL" {
                    continue; // a method or the list, not a category
                }
                let category = variants
                    .get(&ident)
                    .unwrap_or_else(|| panic!("{name}: FailureCategory::{ident} is not in ALL"));
                found
                    .entry(category.as_str().to_string())
                    .or_default()
                    .insert(name.clone());
            }
            // A category spelt out as a Rust string.
            for s in spellings
                .iter()
                .chain(["MISSING_DEPENDENCIES", "calculation_error"].iter())
            {
                if line.contains(&format!("\"{s}\"")) {
                    found.entry(s.to_string()).or_default().insert(name.clone());
                }
            }
        }
    }
    assert_eq!(
        found.keys().map(String::as_str).collect::<Vec<_>>(),
        EMITTED,
        "categories emitted (where): {found:?}"
    );
    for c in EMITTED {
        let parsed = FailureCategory::from_str(c).unwrap_or_else(|e| panic!("{c}: {e}"));
        assert!(FailureCategory::ALL.contains(&parsed), "{c}");
        assert_eq!(parsed.as_str(), c, "stored spelling round-trips");
    }

    // What a real run stored reads back through the library, row for row.
    let lake = base();
    let span = DateRange::new(date(START), date(END)).expect("ordered");
    let stored: BTreeMap<String, i64> = crate::util::rows(
        lake,
        "SELECT failure_category, count(*)::BIGINT FROM nba_processing.processing_failures GROUP BY 1",
    )
    .into_iter()
    .map(|r| (r[0].clone(), r[1].parse().expect("a count")))
    .collect();
    assert!(stored.len() >= 2, "the run stored failures: {stored:?}");
    for c in stored.keys() {
        assert!(EMITTED.contains(&c.as_str()), "stored but not emitted: {c}");
    }
    let engine = Engine::open(lake).expect("engine");
    let read = failures::read(&engine, span, None, None).expect("every stored row reads");
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for r in &read {
        *counts.entry(r.category.as_str().to_string()).or_default() += 1;
        assert_eq!(
            r.classification.is_some(),
            r.category == FailureCategory::IncompleteData,
            "{r:?}"
        );
    }
    assert_eq!(counts, stored, "failures::read drops or adds nothing");
    drop(engine);

    // A stored category outside the vocabulary.
    let (_dir, copy) = fresh();
    let d = date("2023-11-20");
    let existing = int(
        &copy,
        &format!(
            "SELECT count(*)::BIGINT FROM nba_processing.processing_failures \
             WHERE analysis_date = DATE '{d}' AND table_name = 'player_daily_cache'"
        ),
    );
    assert!(existing > 0);
    rewrite(
        &copy,
        TableId::ProcessingFailures,
        d,
        &format!(
            "SELECT * FROM nba_processing.processing_failures WHERE analysis_date = DATE '{d}' \
             UNION ALL \
             SELECT * REPLACE ('BOGUS' AS failure_category, 'nobody' AS entity_id) \
             FROM (SELECT * FROM nba_processing.processing_failures \
                   WHERE analysis_date = DATE '{d}' AND table_name = 'player_daily_cache' LIMIT 1)"
        ),
    );
    let out = cli(&copy, &["failures"]);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for needle in ["BOGUS", "player_daily_cache", &d.to_string()] {
        assert!(
            stderr.contains(needle),
            "the error names {needle}: {stderr}"
        );
    }
    let out = cli(
        &copy,
        &[
            "--json",
            "failures",
            "--list",
            "--category",
            "INCOMPLETE_DATA",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a filter does not hide it: {}",
        show(&out)
    );
    let engine = Engine::open(&copy).expect("engine");
    match failures::read(&engine, span, None, None) {
        Err(ReadError::Category {
            table,
            date: at,
            source,
        }) => {
            assert_eq!(
                (table.as_str(), at, source.0.as_str()),
                ("player_daily_cache", d, "BOGUS")
            );
        }
        other => panic!("want a category error, got {other:?}"),
    }
    // Outside its date, nothing is wrong.
    let next = d.succ_opt().expect("a day").to_string();
    let out = cli(&copy, &["failures", "--start", &next, "--end", &next]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
}
