//! Executing a plan: stage by stage, the tables of a stage side by side (one
//! DuckDB connection each), every table over its planned dates in as few
//! set-based passes as the plan allows (one per run of consecutive planned
//! game dates, so a fresh backfill is one pass per table).
//!
//! A pass that fails is split in halves and retried until the failing dates
//! are isolated: a bad date costs about 2·log₂(n) extra passes, and every
//! other date of the range still gets done. A date is computed only when
//! every upstream date inside its read window is done; otherwise it is
//! skipped as blocked, naming the upstream date, and the run fails.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use chrono::NaiveDate;

use super::ledger::{self, Entry, Ledger, Skip, Status};
use super::lock;
use super::plan::{self, owes, DateSpec, DateSpecError, Owes, Plan, Selection, TablePlan, Why};
use super::state::{window, LakeState, TableState};
use crate::calendar::Calendar;
use crate::dates::DateRange;
use crate::engine::{Engine, Mode, ModelParams};
use crate::lake::Lake;
use crate::predictions::systems::SystemId;
use crate::registry::{Producer, TableId};

/// Fault injection for testing failure handling: `table@YYYY-MM-DD[,…]`
/// makes every pass of that table whose range holds that date fail.
pub const FAULT_ENV: &str = "BACKCOURT_FAULT";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Lock(#[from] lock::LockError),
    #[error(transparent)]
    Dates(#[from] DateSpecError),
    #[error("{0} is not computed by backcourt (it is an input: import, mirror or generate it)")]
    NotRunnable(TableId),
    #[error(transparent)]
    Ledger(#[from] ledger::Error),
    #[error(transparent)]
    Engine(#[from] crate::engine::Error),
    #[error(transparent)]
    Lake(#[from] crate::lake::Error),
    #[error("{FAULT_ENV}=`{0}`: expected table@YYYY-MM-DD[,table@YYYY-MM-DD…]")]
    BadFault(String),
    #[error("{table}: the run's worker thread panicked: {message}")]
    Panicked { table: TableId, message: String },
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Tables to run, in any order (none: every runnable table).
    pub tables: Vec<TableId>,
    pub dates: DateSpec,
    pub force: bool,
    /// Plan only.
    pub dry_run: bool,
    /// The command line, recorded in the lock and the run history.
    pub command: String,
    /// A live run's information horizon: the pre-game tables
    /// ([`TableId::is_pregame`]) are computed for scheduled games with what
    /// was published by then (`$mode = 'live'`, `$as_of`), and their ledger
    /// entries say so. `None`: historical, as of each game's tip-off.
    pub live: Option<chrono::DateTime<chrono::Utc>>,
}

/// What one table did in a run.
#[derive(Debug, Clone, Default)]
pub struct TableOutcome {
    pub planned: usize,
    /// Planned dates that turned out current once their upstream had run
    /// (it rewrote identical bytes).
    pub unchanged: usize,
    pub done: Vec<NaiveDate>,
    pub failed: Vec<(NaiveDate, String)>,
    pub blocked: Vec<(NaiveDate, Skip)>,
    pub passes: usize,
    pub rows: u64,
    pub plan_seconds: f64,
    /// Reading inputs, where it is a step of its own (the predictions'
    /// feature-store load); a SQL model reads as it computes, and its
    /// reading is in `compute_seconds`.
    pub read_seconds: f64,
    pub compute_seconds: f64,
    pub write_seconds: f64,
    /// The predictions kernel's share of `compute_seconds` (zero for a SQL
    /// model): what `backcourt bench` reports beside the tables.
    pub kernel: KernelTimes,
}

/// Where the predictions kernel spent its time, summed over a table's passes.
#[derive(Debug, Clone, Copy, Default)]
pub struct KernelTimes {
    /// The heuristic systems (moving average, zone matchup, similarity) and
    /// the predictions they made.
    pub heuristics_seconds: f64,
    pub heuristic_predictions: u64,
    /// Fitting or reusing the models, how many, and the rows they trained on.
    pub training_seconds: f64,
    pub models: usize,
    pub train_rows: u64,
}

/// A table's kernel figures over its passes are the sums of each pass's.
impl std::ops::AddAssign for KernelTimes {
    fn add_assign(&mut self, pass: KernelTimes) {
        self.heuristics_seconds += pass.heuristics_seconds;
        self.heuristic_predictions += pass.heuristic_predictions;
        self.training_seconds += pass.training_seconds;
        self.models += pass.models;
        self.train_rows += pass.train_rows;
    }
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub run_id: String,
    pub selection: Selection,
    pub plan: Plan,
    /// Per table of the plan, in plan order (empty for a dry run).
    pub outcomes: Vec<(TableId, TableOutcome)>,
    pub plan_seconds: f64,
    pub seconds: f64,
}

impl RunReport {
    /// The dates that did not end done or in an accepted skip.
    pub fn unfinished_dates(&self) -> BTreeSet<NaiveDate> {
        self.outcomes
            .iter()
            .flat_map(|(_, o)| {
                o.failed
                    .iter()
                    .map(|(d, _)| *d)
                    .chain(o.blocked.iter().map(|(d, _)| *d))
            })
            .collect()
    }

    /// Whether every planned date ended done (or unchanged).
    pub fn succeeded(&self) -> bool {
        self.unfinished_dates().is_empty()
    }
}

/// Plans and runs `options` over `lake`, holding the lake's lock.
pub fn run(lake: &Lake, options: &RunOptions) -> Result<RunReport, Error> {
    let started = Instant::now();
    let faults = faults()?;
    let _lock = match options.dry_run {
        true => None,
        false => Some(lock::acquire(lake, &options.command)?),
    };
    let run_id = format!(
        "{}-{}",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
        std::process::id()
    );
    let engine = Engine::open(lake)?;
    let calendar = Calendar::load(&engine)?;
    let selection = &select(&calendar, &options.tables, &options.dates, options.force)?;
    let mut ledgers = load_ledgers(lake, &selection.tables)?;
    let mut state = LakeState::scan(lake, &selection.tables)?;
    let plan = plan::plan(selection, &calendar, &ledgers, &state);
    let plan_seconds = started.elapsed().as_secs_f64();
    let mut report = RunReport {
        run_id: run_id.clone(),
        selection: selection.clone(),
        plan: plan.clone(),
        outcomes: Vec::new(),
        plan_seconds,
        seconds: 0.0,
    };
    if options.dry_run || plan.is_empty() {
        state.save_cache(lake)?;
        report.seconds = started.elapsed().as_secs_f64();
        return Ok(report);
    }
    // Once here, not in each fork: the forks share the catalog.
    engine.materialize_games()?;
    let progress = Progress::new();
    let last_stage = plan.tables.iter().map(|t| t.stage).max().unwrap_or(0);
    for stage in 0..=last_stage {
        let tables: Vec<&TablePlan> = plan
            .tables
            .iter()
            .filter(|t| t.stage == stage && !t.run.is_empty())
            .collect();
        if tables.is_empty() {
            continue;
        }
        let engines = tables
            .iter()
            .map(|_| engine.fork())
            .collect::<Result<Vec<_>, _>>()?;
        let ctx = TableContext {
            calendar: &calendar,
            ledgers: &ledgers,
            state: &state,
            run_id: &run_id,
            selection,
            faults: &faults,
            live: options.live,
        };
        let results: Vec<Result<Finished, Error>> = std::thread::scope(|scope| {
            let handles: Vec<_> = tables
                .iter()
                .zip(engines)
                .map(|(tp, engine)| {
                    let ctx = &ctx;
                    let bar = progress.table(tp);
                    let table = tp.table;
                    let handle = scope.spawn(move || {
                        let finished = run_table(&engine, ctx, tp);
                        bar.finish(&finished);
                        finished
                    });
                    (table, handle)
                })
                .collect();
            handles
                .into_iter()
                .map(|(table, h)| {
                    h.join().unwrap_or_else(|panic| {
                        let message = panic
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default();
                        Err(Error::Panicked { table, message })
                    })
                })
                .collect()
        });
        for finished in results {
            let finished = finished?;
            state.replace(finished.table, finished.state);
            ledgers.insert(finished.table, finished.ledger);
            report.outcomes.push((finished.table, finished.outcome));
        }
    }
    mark_stale_dependents(lake, &calendar, selection, &mut ledgers, &mut state)?;
    state.save_cache(lake)?;
    report.seconds = started.elapsed().as_secs_f64();
    save_history(lake, options, &report)?;
    Ok(report)
}

/// The tables (in dependency order) and calendar days a command names.
pub fn select(
    calendar: &Calendar,
    tables: &[TableId],
    dates: &DateSpec,
    force: bool,
) -> Result<Selection, Error> {
    let runnable = Selection::runnable();
    if let Some(&t) = tables.iter().find(|t| !runnable.contains(t)) {
        return Err(Error::NotRunnable(t));
    }
    let tables = match tables {
        [] => runnable,
        named => runnable.into_iter().filter(|t| named.contains(t)).collect(),
    };
    Ok(Selection {
        tables,
        dates: dates.resolve(calendar)?,
        force,
    })
}

/// Marks `stale` in the ledgers of the tables downstream of the run (and
/// not in it) every done date whose inputs the run changed, so that the
/// ledger itself says what `status` and the next plan would derive.
fn mark_stale_dependents(
    lake: &Lake,
    calendar: &Calendar,
    selection: &Selection,
    ledgers: &mut HashMap<TableId, Ledger>,
    state: &mut LakeState,
) -> Result<(), Error> {
    let downstream: Vec<TableId> = Selection::runnable()
        .into_iter()
        .filter(|t| !selection.tables.contains(t))
        .filter(|t| {
            selection
                .tables
                .iter()
                .any(|s| Selection::downstream_of(*s).contains(t))
        })
        .collect();
    if downstream.is_empty() {
        return Ok(());
    }
    for (t, ledger) in load_ledgers(lake, &downstream)? {
        ledgers.entry(t).or_insert(ledger);
    }
    state.extend(lake, &downstream)?;
    let all = Selection {
        tables: downstream,
        dates: DateSpec::All.resolve(calendar)?,
        force: false,
    };
    for tp in plan::plan(&all, calendar, ledgers, state).tables {
        let ledger = ledgers.get_mut(&tp.table).expect("loaded above");
        let mut marked = 0;
        for (date, why) in &tp.run {
            if let (Why::InputsChanged | Why::Upstream(_), Some(e)) =
                (why, ledger.dates.get_mut(date))
            {
                if e.status == Status::Done {
                    e.status = Status::Stale;
                    marked += 1;
                }
            }
        }
        if marked > 0 {
            tracing::info!(table = %tp.table, dates = marked, "marked stale: inputs rewritten by this run");
            ledger.save(lake, tp.table)?;
        }
    }
    Ok(())
}

/// The ledgers of `tables` and of the runnable tables they read.
pub fn load_ledgers(
    lake: &Lake,
    tables: &[TableId],
) -> Result<HashMap<TableId, Ledger>, ledger::Error> {
    let runnable = Selection::runnable();
    let mut ledgers = HashMap::new();
    for &t in tables {
        for &u in t.def().upstream.iter().chain([&t]) {
            if !ledgers.contains_key(&u) && runnable.contains(&u) {
                ledgers.insert(u, Ledger::load(lake, u)?);
            }
        }
    }
    Ok(ledgers)
}

/// What every table of a stage reads, shared by its threads.
struct TableContext<'a> {
    calendar: &'a Calendar,
    ledgers: &'a HashMap<TableId, Ledger>,
    state: &'a LakeState,
    run_id: &'a str,
    selection: &'a Selection,
    faults: &'a [(TableId, NaiveDate)],
    live: Option<chrono::DateTime<chrono::Utc>>,
}

/// A table's run, ready to merge into the run's state.
struct Finished {
    table: TableId,
    ledger: Ledger,
    state: TableState,
    outcome: TableOutcome,
}

/// Runs one table's planned dates.
fn run_table(engine: &Engine, ctx: &TableContext, tp: &TablePlan) -> Result<Finished, Error> {
    let table = tp.table;
    let lake = engine.lake();
    let t = Instant::now();
    let mut ledger = ctx.ledgers[&table].clone();
    let mut outcome = TableOutcome {
        planned: tp.run.len(),
        ..Default::default()
    };
    let blockers = Blockers::new(ctx, table);
    let mut todo = Vec::new();
    let mut fingerprints = HashMap::new();
    for &(date, _) in &tp.run {
        let fp = ctx.state.fingerprint(table, date);
        // Planned because an upstream date was to run; that upstream wrote
        // the same bytes again, so this date is still current.
        if !ctx.selection.force && plan::staleness(&ledger, ctx.state, table, date, &fp).is_none() {
            outcome.unchanged += 1;
            continue;
        }
        if let Some(skip) = blockers.check(date) {
            outcome.blocked.push((date, skip));
        } else {
            todo.push(date);
        }
        fingerprints.insert(date, fp);
    }
    outcome.plan_seconds = t.elapsed().as_secs_f64();

    // Runs of consecutive owed dates (bootstrap and game-less days do not
    // break a run: the table owes them nothing).
    let owed: Vec<NaiveDate> = ctx
        .selection
        .dates
        .iter()
        .copied()
        .filter(|&d| owes(ctx.calendar, table, d) == Some(Owes::Rows))
        .collect();
    let todo_set: BTreeSet<NaiveDate> = todo.iter().copied().collect();
    let mut runs: Vec<Vec<NaiveDate>> = Vec::new();
    let mut current: Vec<NaiveDate> = Vec::new();
    for d in owed {
        if todo_set.contains(&d) {
            current.push(d);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    let mut results: Vec<(NaiveDate, Result<(), String>)> = Vec::new();
    for run in &runs {
        bisect(engine, ctx, table, run, &mut outcome, &mut results);
    }

    let state = ctx.state.read_table(lake, table)?;
    let finished_at = ledger::now();
    let entry = |status, date: NaiveDate| Entry {
        status,
        attempts: 0,
        error: None,
        skip: None,
        rows: 0,
        finished_at: finished_at.clone(),
        inputs: fingerprints.get(&date).cloned().unwrap_or_default(),
        output: None,
        run_id: ctx.run_id.to_string(),
        live_as_of: None,
    };
    for &date in &tp.bootstrap {
        if ledger.get(date).and_then(|e| e.skip.as_ref()) != Some(&Skip::Bootstrap) {
            let mut e = entry(Status::Skipped, date);
            e.skip = Some(Skip::Bootstrap);
            ledger.record(date, e, false);
        }
    }
    for (date, skip) in &outcome.blocked {
        let mut e = entry(Status::Skipped, *date);
        e.skip = Some(skip.clone());
        ledger.record(*date, e, false);
    }
    for (date, result) in results {
        match result {
            Ok(()) => {
                let mut e = entry(Status::Done, date);
                e.live_as_of = ctx
                    .live
                    .filter(|_| table.is_pregame())
                    .map(|t| t.to_rfc3339());
                if let Some(p) = state.dated.get(&date) {
                    e.rows = p.rows.unwrap_or(0);
                    e.output = Some(p.hex());
                }
                outcome.rows += e.rows;
                outcome.done.push(date);
                ledger.record(date, e, true);
            }
            Err(error) => {
                let mut e = entry(Status::Failed, date);
                e.error = Some(error.clone());
                outcome.failed.push((date, error));
                ledger.record(date, e, true);
            }
        }
    }
    ledger.save(lake, table)?;
    tracing::info!(
        %table,
        computed = outcome.done.len(),
        failed = outcome.failed.len(),
        blocked = outcome.blocked.len(),
        unchanged = outcome.unchanged,
        passes = outcome.passes,
        rows = outcome.rows,
        seconds = t.elapsed().as_secs_f64(),
        "table finished"
    );
    Ok(Finished {
        table,
        ledger,
        state,
        outcome,
    })
}

/// Runs `dates` as one pass; on failure, each half, down to single dates.
fn bisect(
    engine: &Engine,
    ctx: &TableContext,
    table: TableId,
    dates: &[NaiveDate],
    outcome: &mut TableOutcome,
    results: &mut Vec<(NaiveDate, Result<(), String>)>,
) {
    let (Some(&first), Some(&last)) = (dates.first(), dates.last()) else {
        return;
    };
    let range = DateRange::new(first, last).expect("dates are in order");
    outcome.passes += 1;
    match pass(engine, ctx, table, range) {
        Ok(PassTimes {
            read,
            compute,
            write,
            kernel,
        }) => {
            outcome.read_seconds += read;
            outcome.compute_seconds += compute;
            outcome.write_seconds += write;
            outcome.kernel += kernel;
            results.extend(dates.iter().map(|&d| (d, Ok(()))));
        }
        Err(error) if dates.len() == 1 => {
            tracing::warn!(%table, date = %first, %error, "failed");
            results.push((first, Err(error)));
        }
        Err(error) => {
            tracing::info!(%table, %range, %error, "pass failed; splitting it to isolate the failing dates");
            let (a, b) = dates.split_at(dates.len() / 2);
            bisect(engine, ctx, table, a, outcome, results);
            bisect(engine, ctx, table, b, outcome, results);
        }
    }
}

/// Where a pass spent its time, in seconds.
struct PassTimes {
    read: f64,
    compute: f64,
    write: f64,
    kernel: KernelTimes,
}

/// One set-based pass of `table` over `range`.
fn pass(
    engine: &Engine,
    ctx: &TableContext,
    table: TableId,
    range: DateRange,
) -> Result<PassTimes, String> {
    if let Some((_, date)) = ctx
        .faults
        .iter()
        .find(|(t, d)| *t == table && range.contains(*d))
    {
        return Err(format!("injected fault ({FAULT_ENV}) on {date}"));
    }
    let params = match ctx.live {
        Some(as_of) if table.is_pregame() => ModelParams {
            range,
            mode: Mode::Live,
            as_of: Some(as_of),
        },
        _ => ModelParams::historical(range),
    };
    if let Producer::Kernel { .. } = table.def().producer {
        let build = crate::predictions::predict(engine, ctx.calendar, &params)
            .map_err(|e| crate::error_chain(&e))?;
        let write: f64 = build.tables.iter().map(|t| t.write_seconds).sum();
        let tables: f64 = build.tables.iter().map(|t| t.seconds).sum();
        Ok(PassTimes {
            read: build.load_seconds,
            compute: build.heuristics_seconds
                + build.training_seconds
                + build.inference_seconds
                + (tables - write),
            write,
            kernel: KernelTimes {
                heuristics_seconds: build.heuristics_seconds,
                heuristic_predictions: build
                    .per_system
                    .iter()
                    .filter(|(s, _, _)| !matches!(s, SystemId::Gbm | SystemId::Ensemble))
                    .map(|(_, made, _)| *made as u64)
                    .sum(),
                training_seconds: build.training_seconds,
                models: build.models.len(),
                train_rows: build.models.iter().map(|m| m.card.train_rows as u64).sum(),
            },
        })
    } else {
        let build = engine
            .build_table(table, &params)
            .map_err(|e| crate::error_chain(&e))?;
        Ok(PassTimes {
            read: 0.0,
            compute: build.seconds - build.write_seconds,
            write: build.write_seconds,
            kernel: KernelTimes::default(),
        })
    }
}

/// For one table: the upstream dates that are not done, per runnable
/// upstream, so a date whose read window holds one is blocked.
struct Blockers {
    table: TableId,
    not_done: Vec<(TableId, BTreeSet<NaiveDate>)>,
}

impl Blockers {
    fn new(ctx: &TableContext, table: TableId) -> Blockers {
        let not_done = table
            .def()
            .upstream
            .iter()
            .filter_map(|&u| {
                let ledger = ctx.ledgers.get(&u)?;
                let present = &ctx.state.table(u).dated;
                // Done means computed (current or stale: a stale date did
                // succeed, and what reads it turns stale in turn when it is
                // recomputed) and still in the lake: a partition deleted
                // since is as missing as one never written.
                let done = |d: NaiveDate| {
                    ledger.get(d).is_some_and(|e| {
                        matches!(e.status, Status::Done | Status::Stale)
                            && (e.output.is_none() || present.contains_key(&d))
                    })
                };
                let dates = ctx
                    .calendar
                    .game_dates()
                    .filter(|&d| owes(ctx.calendar, u, d) == Some(Owes::Rows))
                    .filter(|&d| !done(d))
                    .collect();
                Some((u, dates))
            })
            .collect();
        Blockers { table, not_done }
    }

    fn check(&self, date: NaiveDate) -> Option<Skip> {
        self.not_done.iter().find_map(|(u, dates)| {
            let (lo, hi) = window(self.table, *u, date);
            dates.range(lo..=hi).next().map(|&d| Skip::Blocked {
                upstream: u.to_string(),
                date: d,
            })
        })
    }
}

/// The faults of [`FAULT_ENV`].
fn faults() -> Result<Vec<(TableId, NaiveDate)>, Error> {
    let Ok(spec) = std::env::var(FAULT_ENV) else {
        return Ok(Vec::new());
    };
    spec.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|item| {
            let (t, d) = item
                .trim()
                .split_once('@')
                .ok_or_else(|| Error::BadFault(spec.clone()))?;
            let table = t.parse().map_err(|_| Error::BadFault(spec.clone()))?;
            let date = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| Error::BadFault(spec.clone()))?;
            Ok((table, date))
        })
        .collect()
}

/// The run-history file: per table, the plan, outcome and timings.
fn save_history(lake: &Lake, options: &RunOptions, report: &RunReport) -> Result<(), Error> {
    let tables: Vec<serde_json::Value> = report
        .outcomes
        .iter()
        .map(|(t, o)| {
            serde_json::json!({
                "table": t.to_string(),
                "planned": o.planned,
                "unchanged": o.unchanged,
                "done": o.done.len(),
                "failed": o.failed.iter().map(|(d, e)| serde_json::json!({"date": d, "error": e})).collect::<Vec<_>>(),
                "blocked": o.blocked.iter().map(|(d, s)| serde_json::json!({"date": d, "reason": s.to_string()})).collect::<Vec<_>>(),
                "rows": o.rows,
                "passes": o.passes,
                "seconds": {"plan": o.plan_seconds, "read": o.read_seconds, "compute": o.compute_seconds, "write": o.write_seconds},
                "outcome": if o.failed.is_empty() && o.blocked.is_empty() { "done" } else { "failed" },
            })
        })
        .collect();
    let doc = serde_json::json!({
        "run_id": report.run_id,
        "command": options.command,
        "force": options.force,
        "plan_seconds": report.plan_seconds,
        "seconds": report.seconds,
        "outcome": if report.succeeded() { "done" } else { "failed" },
        "tables": tables,
    });
    lake.put(
        &format!("{}/{}.json", ledger::RUNS_DIR, report.run_id),
        serde_json::to_vec_pretty(&doc).expect("json serialises"),
    )?;
    Ok(())
}

/// Progress on a terminal: one line per table of the running stage.
/// indicatif draws nothing when stderr is not a terminal; the `tracing`
/// lines of each build are the record there.
struct Progress {
    multi: indicatif::MultiProgress,
}

struct TableBar(indicatif::ProgressBar);

impl Progress {
    fn new() -> Progress {
        Progress {
            multi: indicatif::MultiProgress::with_draw_target(
                indicatif::ProgressDrawTarget::stderr(),
            ),
        }
    }

    fn table(&self, tp: &TablePlan) -> TableBar {
        let bar = self.multi.add(indicatif::ProgressBar::new_spinner());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}")
                .expect("a valid template"),
        );
        let first = tp.run.first().map(|(d, _)| *d);
        let last = tp.run.last().map(|(d, _)| *d);
        bar.set_message(format!(
            "stage {} {} {} dates{}",
            tp.stage,
            tp.table,
            tp.run.len(),
            match (first, last) {
                (Some(a), Some(b)) => format!(" ({a}..{b})"),
                _ => String::new(),
            }
        ));
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        TableBar(bar)
    }
}

impl TableBar {
    fn finish(&self, finished: &Result<Finished, Error>) {
        let msg = match finished {
            Ok(f) => format!(
                "{} done {}, failed {}, blocked {}",
                f.table,
                f.outcome.done.len(),
                f.outcome.failed.len(),
                f.outcome.blocked.len()
            ),
            Err(e) => format!("error: {e}"),
        };
        self.0.finish_with_message(msg);
    }
}
