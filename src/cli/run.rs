//! The backfill runner's commands: `run`, `status`, `coverage`,
//! `preflight`, `failures` and `unlock`.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::Result;
use arrow::array::RecordBatch;
use chrono::NaiveDate;
use clap::Args as ClapArgs;

use backcourt::backfill::failures;
use backcourt::backfill::plan::{compact_dates, Why};
use backcourt::backfill::{self, coverage, lock, DateSpec, RunOptions, RunReport, Selection};
use backcourt::calendar::Season;
use backcourt::dates::DateRange;
use backcourt::failures::{Classification, FailureCategory};
use backcourt::registry::TableId;

use super::config::LakeRoot;
use super::output::{batches_to_json, print_batches, record_batch, Cell, UsageError};

#[derive(Debug, ClapArgs)]
#[command(after_help = RUN_HELP)]
pub struct RunArgs {
    /// Tables to run, as dataset.table or table [default: every table
    /// backcourt computes]. Upstream tables not named are read as they are.
    #[arg(value_name = "TABLE")]
    pub tables: Vec<String>,
    /// Run TABLE and every table downstream of it.
    #[arg(long, value_name = "TABLE", conflicts_with = "tables")]
    pub from: Option<String>,
    #[command(flatten)]
    pub dates: DateArgs,
    /// Print the plan (which table × dates would run, and why) and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Recompute every selected date, done or not. Also recomputes the
    /// dates a live run predicted, as of their tip-offs.
    #[arg(long)]
    pub force: bool,
    /// Predict a slate that is not played yet: bring the earlier dates up to
    /// date, then compute --date's scheduled games from the pre-game
    /// reports, rosters and lines published by --as-of, without grading.
    /// The run after the games grades these predictions (it keeps them).
    #[arg(long, group = "DateArgs", conflicts_with_all = ["tables", "from", "start", "dates", "season", "all", "force", "dry_run"])]
    pub live: bool,
    /// The slate's date [default: today in US-Eastern].
    #[arg(long, requires = "live", value_name = "YYYY-MM-DD")]
    pub date: Option<NaiveDate>,
    /// The information horizon: what was published after it is not read
    /// [default: now]. RFC 3339, e.g. 2024-06-18T16:00:00Z.
    #[arg(long, requires = "live", value_name = "TIME")]
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
}

const RUN_HELP: &str = "\
A date is computed when it has never been, when it failed or was blocked,
when an input it read or the partition it wrote changed since, or when an
upstream date it reads is computed in the same run. Everything else is
done and left alone, so rerunning a command resumes it.

Examples:
  backcourt run --all                          everything, resuming
  backcourt run --season 2023-24 --dry-run     what would run, and why
  backcourt run --from player_daily_cache --start 2024-01-01 --end 2024-01-31
  backcourt run player_game_summary --dates 2024-01-15,2024-02-01..2024-02-03 --force
  backcourt run --live                         today's slate, before tip-off
  backcourt run --live --date 2024-06-18 --as-of 2024-06-18T16:00:00Z

Exit codes: 0 every planned date done (or skipped: bootstrap window, no
games); 1 a date failed or was blocked (the summary lists them and the
command that retries them), or another run holds the lake; 2 usage.";

/// The dates a command covers.
#[derive(Debug, Clone, ClapArgs)]
#[group(required = true, multiple = true)]
pub struct DateArgs {
    /// First date (with --end).
    #[arg(long, requires = "end", value_name = "YYYY-MM-DD")]
    pub start: Option<NaiveDate>,
    /// Last date, inclusive (with --start).
    #[arg(long, requires = "start", value_name = "YYYY-MM-DD")]
    pub end: Option<NaiveDate>,
    /// Dates and ranges: 2024-01-15,2024-02-01..2024-02-03.
    #[arg(long, value_delimiter = ',', conflicts_with_all = ["start", "season", "all"], value_name = "DATES")]
    pub dates: Vec<DateRange>,
    /// Every date of one season, e.g. 2023-24.
    #[arg(long, conflicts_with_all = ["start", "all"])]
    pub season: Option<Season>,
    /// Every date of the lake's calendar.
    #[arg(long, conflicts_with = "start")]
    pub all: bool,
}

impl DateArgs {
    pub fn spec(&self) -> Result<DateSpec, UsageError> {
        if self.all {
            return Ok(DateSpec::All);
        }
        if let Some(season) = self.season {
            return Ok(DateSpec::Season(season));
        }
        if let (Some(start), Some(end)) = (self.start, self.end) {
            return DateRange::new(start, end)
                .map(|r| DateSpec::Ranges(vec![r]))
                .ok_or_else(|| UsageError(format!("--end {end} is before --start {start}")));
        }
        if !self.dates.is_empty() {
            return Ok(DateSpec::Ranges(self.dates.clone()));
        }
        Err(UsageError(
            "name the dates: --start/--end, --dates, --season or --all".into(),
        ))
    }
}

/// A run that ended with failed or blocked dates (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RunFailed(pub String);

fn parse_tables(names: &[String]) -> Result<Vec<TableId>> {
    Ok(names
        .iter()
        .map(|n| n.parse::<TableId>())
        .collect::<Result<_, _>>()?)
}

/// `backcourt run`; with `--live` the command goes to `cmd_live` (live.rs).
pub fn cmd_run(root: &LakeRoot, args: &RunArgs, json: bool) -> Result<()> {
    let lake = root.open()?;
    let tables = match &args.from {
        Some(from) => Selection::downstream_of(from.parse()?),
        None => parse_tables(&args.tables)?,
    };
    let options = RunOptions {
        tables,
        dates: args.dates.spec()?,
        force: args.force,
        dry_run: args.dry_run,
        command: std::env::args().collect::<Vec<_>>().join(" "),
        live: None,
    };
    let report = backfill::run(&lake, &options)?;
    if args.dry_run {
        return print_plan(&report, json);
    }
    report_run(root, &options, &report, json)
}

/// Prints a run's summary; an error (exit 1) when a date did not finish.
pub fn report_run(
    root: &LakeRoot,
    options: &RunOptions,
    report: &RunReport,
    json: bool,
) -> Result<()> {
    if json {
        let out = run_json(root, options, report)?;
        writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        print_run(root, report)?;
    }
    check_run(root, options, report)
}

/// A run's summary as one JSON object.
pub fn run_json(
    root: &LakeRoot,
    options: &RunOptions,
    report: &RunReport,
) -> Result<serde_json::Value> {
    let summary = summary_table(report)?;
    let retry = retry_command(root, options, &report.unfinished_dates());
    let unresolved = run_unresolved_names(root, report)?;
    Ok(serde_json::json!({
        "run_id": report.run_id,
        "seconds": report.seconds,
        "nothing_to_do": report.plan.is_empty(),
        "tables": batches_to_json(&[summary])?,
        "failed": report.outcomes.iter().flat_map(|(t, o)| o.failed.iter().map(move |(d, e)| serde_json::json!({"table": t.to_string(), "date": d, "error": e}))).collect::<Vec<_>>(),
        "blocked": report.outcomes.iter().flat_map(|(t, o)| o.blocked.iter().map(move |(d, s)| serde_json::json!({"table": t.to_string(), "date": d, "reason": s.to_string()}))).collect::<Vec<_>>(),
        "retry": retry,
        "unresolved_names": unresolved.as_ref().map(|(range, feeds)| serde_json::json!({
            "range": range.to_string(),
            "feeds": feeds.iter().map(|f| serde_json::json!({"feed": f.feed, "names": f.spellings, "rows": f.rows})).collect::<Vec<_>>(),
        })),
    }))
}

/// A run's summary as text: the table of outcomes, the unresolved names,
/// and a line per failed or blocked table.
pub fn print_run(root: &LakeRoot, report: &RunReport) -> Result<()> {
    let summary = summary_table(report)?;
    let unresolved = run_unresolved_names(root, report)?;
    let mut out = std::io::stdout().lock();
    let game_dates = report
        .plan
        .tables
        .iter()
        .map(|t| t.owed() + t.bootstrap.len())
        .max()
        .unwrap_or(0);
    if report.plan.is_empty() {
        writeln!(
            out,
            "Nothing to do: {} tables are done and current on all {game_dates} game dates of the {} selected days ({:.1} s to check).",
            report.plan.tables.len(),
            report.selection.dates.len(),
            report.seconds
        )?;
    } else {
        writeln!(
            out,
            "Run {}: {} tables over {game_dates} game dates in {:.1} s (planning {:.1} s):",
            report.run_id,
            report.plan.tables.len(),
            report.seconds,
            report.plan_seconds
        )?;
        writeln!(
            out,
            "{}",
            arrow::util::pretty::pretty_format_batches(&[summary])?
        )?;
    }
    if let Some((range, feeds)) = &unresolved {
        writeln!(out, "{}", coverage::unresolved_line(*range, feeds))?;
    }
    for (table, o) in &report.outcomes {
        for (date, error) in &o.failed {
            writeln!(out, "FAILED  {table} {date}: {error}")?;
        }
        if let (Some((first, why)), n) = (o.blocked.first(), o.blocked.len()) {
            writeln!(
                out,
                "BLOCKED {table}: {n} dates from {first}, first because {why}"
            )?;
        }
    }
    Ok(())
}

/// The unresolved player names over the run's days, per feed, when the run
/// computed `nba_processing.unresolved_names` (every run of the whole
/// pipeline does): the run summary counts what the models could not use.
fn run_unresolved_names(
    root: &LakeRoot,
    report: &RunReport,
) -> Result<Option<(DateRange, Vec<coverage::UnresolvedFeed>)>> {
    let ran = report
        .plan
        .tables
        .iter()
        .any(|t| t.table == TableId::UnresolvedNames);
    let (Some(&first), Some(&last)) = (
        report.selection.dates.first(),
        report.selection.dates.last(),
    ) else {
        return Ok(None);
    };
    if !ran {
        return Ok(None);
    }
    let range = DateRange::new(first, last).expect("selection dates are sorted");
    let lake = root.open()?;
    let engine = backcourt::engine::Engine::open(&lake)?;
    let feeds = coverage::unresolved_names(&engine, range, coverage::NamesFrom::Table)?;
    Ok(Some((range, feeds)))
}

/// `Err` (exit 1) when a date of the run failed or was blocked, naming the
/// command that retries them.
pub fn check_run(root: &LakeRoot, options: &RunOptions, report: &RunReport) -> Result<()> {
    let Some(retry) = retry_command(root, options, &report.unfinished_dates()) else {
        return Ok(());
    };
    let failed: usize = report.outcomes.iter().map(|(_, o)| o.failed.len()).sum();
    let blocked: usize = report.outcomes.iter().map(|(_, o)| o.blocked.len()).sum();
    Err(RunFailed(format!(
        "{failed} table-dates failed and {blocked} were blocked; once the cause is fixed, retry them with:\n  {retry}"
    ))
    .into())
}

/// The command that reruns exactly the unfinished dates (done ones are
/// skipped by the plan).
fn retry_command(
    root: &LakeRoot,
    options: &RunOptions,
    unfinished: &BTreeSet<NaiveDate>,
) -> Option<String> {
    if unfinished.is_empty() {
        return None;
    }
    if let (Some(as_of), Some(date)) = (options.live, unfinished.first()) {
        return Some(format!(
            "backcourt --lake {root} run --live --date {date} --as-of {}",
            as_of.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
    }
    let from = options
        .tables
        .first()
        .filter(|&&t| options.tables.len() > 1 && Selection::downstream_of(t) == options.tables);
    let tables = if options.tables.is_empty() {
        String::new()
    } else if let Some(from) = from {
        format!(" --from {}", from.name())
    } else {
        options
            .tables
            .iter()
            .map(|t| format!(" {}", t.name()))
            .collect()
    };
    Some(format!(
        "backcourt --lake {root} run{tables} --dates {}",
        compact_dates(unfinished)
    ))
}

pub fn summary_table(report: &RunReport) -> Result<RecordBatch> {
    let rows = report
        .plan
        .tables
        .iter()
        .map(|tp| {
            let o = report
                .outcomes
                .iter()
                .find(|(t, _)| *t == tp.table)
                .map(|(_, o)| o.clone())
                .unwrap_or_default();
            vec![
                tp.table.to_string().into(),
                (tp.stage as u64).into(),
                (o.done.len() as u64).into(),
                ((tp.current.len() + o.unchanged) as u64).into(),
                (o.failed.len() as u64).into(),
                (o.blocked.len() as u64).into(),
                (tp.bootstrap.len() as u64).into(),
                o.rows.into(),
                (o.passes as u64).into(),
                format!("{:.2}", o.plan_seconds).into(),
                format!("{:.1}", o.read_seconds).into(),
                format!("{:.1}", o.compute_seconds).into(),
                format!("{:.1}", o.write_seconds).into(),
            ]
        })
        .collect();
    record_batch(
        &[
            "table",
            "stage",
            "computed",
            "already_done",
            "failed",
            "blocked",
            "bootstrap",
            "rows",
            "passes",
            "plan_s",
            "read_s",
            "compute_s",
            "write_s",
        ],
        rows,
    )
}

/// `--dry-run`: per table, how many dates would run and why.
fn print_plan(report: &RunReport, json: bool) -> Result<()> {
    if json {
        let tables: Vec<serde_json::Value> = report
            .plan
            .tables
            .iter()
            .map(|tp| {
                serde_json::json!({
                    "table": tp.table.to_string(),
                    "stage": tp.stage,
                    "run": tp.run.iter().map(|(d, w)| serde_json::json!({"date": d, "why": w.to_string()})).collect::<Vec<_>>(),
                    "done": tp.current.len(),
                    "bootstrap": tp.bootstrap.len(),
                })
            })
            .collect();
        writeln!(
            std::io::stdout(),
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"tables": tables}))?
        )?;
        return Ok(());
    }
    let rows = report
        .plan
        .tables
        .iter()
        .map(|tp| {
            let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
            for (_, why) in &tp.run {
                let key = match why {
                    Why::Upstream(_) => "upstream runs".to_string(),
                    other => other.to_string(),
                };
                *reasons.entry(key).or_default() += 1;
            }
            let dates: BTreeSet<NaiveDate> = tp.run.iter().map(|(d, _)| *d).collect();
            vec![
                tp.table.to_string().into(),
                (tp.stage as u64).into(),
                (tp.run.len() as u64).into(),
                reasons
                    .iter()
                    .map(|(k, n)| format!("{k}: {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
                    .into(),
                (tp.current.len() as u64).into(),
                (tp.bootstrap.len() as u64).into(),
                shorten(&compact_dates(&dates)).into(),
            ]
        })
        .collect();
    let batch = record_batch(
        &[
            "table",
            "stage",
            "would_run",
            "why",
            "done",
            "bootstrap",
            "dates",
        ],
        rows,
    )?;
    print_batches(&[batch], false)?;
    if report.plan.is_empty() {
        println!("Nothing to do: every selected table is done and current.");
    }
    Ok(())
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 60 {
        return s.to_string();
    }
    let cut: String = s.chars().take(57).collect();
    format!("{cut}…")
}

#[derive(Debug, ClapArgs)]
pub struct StatusArgs {
    /// Tables to show [default: every table backcourt computes].
    #[arg(value_name = "TABLE")]
    pub tables: Vec<String>,
}

/// `backcourt status`: per table, over the whole calendar, what the ledger
/// and the lake say now.
pub fn cmd_status(root: &LakeRoot, args: &StatusArgs, json: bool) -> Result<()> {
    let lake = root.open()?;
    let options = RunOptions {
        tables: parse_tables(&args.tables)?,
        dates: DateSpec::All,
        force: false,
        dry_run: true,
        command: String::new(),
        live: None,
    };
    let report = backfill::run(&lake, &options)?;
    let ledgers = backfill::run::load_ledgers(
        &lake,
        &report
            .plan
            .tables
            .iter()
            .map(|t| t.table)
            .collect::<Vec<_>>(),
    )?;
    let rows: Vec<Vec<Cell>> = report
        .plan
        .tables
        .iter()
        .map(|tp| {
            let count =
                |f: &dyn Fn(&Why) -> bool| tp.run.iter().filter(|(_, w)| f(w)).count() as u64;
            let ledger = &ledgers[&tp.table];
            let rows: u64 = tp
                .current
                .iter()
                .filter_map(|d| ledger.get(*d))
                .map(|e| e.rows)
                .sum();
            let last = ledger
                .dates
                .values()
                .map(|e| e.finished_at.as_str())
                .max()
                .unwrap_or("-");
            vec![
                tp.table.to_string().into(),
                (tp.owed() as u64).into(),
                (tp.current.len() as u64).into(),
                (tp.current
                    .iter()
                    .filter(|d| ledger.get(**d).is_some_and(|e| e.live_as_of.is_some()))
                    .count() as u64)
                    .into(),
                count(&|w| {
                    matches!(
                        w,
                        Why::InputsChanged | Why::OutputChanged | Why::Upstream(_)
                    )
                })
                .into(),
                count(&|w| matches!(w, Why::Failed)).into(),
                count(&|w| matches!(w, Why::Blocked)).into(),
                count(&|w| matches!(w, Why::Missing)).into(),
                (tp.bootstrap.len() as u64).into(),
                rows.into(),
                last.into(),
            ]
        })
        .collect();
    let batch = record_batch(
        &[
            "table",
            "game_dates",
            "done",
            "live",
            "stale",
            "failed",
            "blocked",
            "never_run",
            "bootstrap",
            "rows",
            "last_finished",
        ],
        rows,
    )?;
    print_batches(&[batch], json)?;
    if !json {
        if let Some(holder) = lock::read_holder(&lake)? {
            println!("A run holds the lake: {holder}");
        }
    }
    Ok(())
}

/// `backcourt unlock`: removes the lake's lock.
pub fn cmd_unlock(root: &LakeRoot) -> Result<()> {
    let lake = root.open()?;
    match lock::force_release(&lake)? {
        Some(holder) => println!("removed the lock of {holder}"),
        None => println!("{root} was not locked"),
    }
    Ok(())
}

#[derive(Debug, ClapArgs)]
pub struct CoverageArgs {
    /// Tables to show [default: every table backcourt computes].
    #[arg(value_name = "TABLE")]
    pub tables: Vec<String>,
    /// First date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub start: NaiveDate,
    /// Last date, inclusive.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub end: NaiveDate,
    /// Show days without games too.
    #[arg(long)]
    pub all_days: bool,
}

/// `backcourt coverage`: the date × table matrix.
pub fn cmd_coverage(root: &LakeRoot, args: &CoverageArgs, json: bool) -> Result<()> {
    let range = DateRange::new(args.start, args.end).ok_or_else(|| {
        UsageError(format!(
            "--end {} is before --start {}",
            args.end, args.start
        ))
    })?;
    let lake = root.open()?;
    let cov = coverage::coverage(&lake, &parse_tables(&args.tables)?, range)?;
    if json {
        let cells: Vec<serde_json::Value> = cov
            .days
            .iter()
            .flat_map(|(date, day)| cov.tables.iter().map(move |t| (date, day, t)))
            .map(|(date, day, t)| {
                let c = cov.cells[&(*t, *date)];
                serde_json::json!({
                    "date": date, "table": t.to_string(), "status": c.state.as_str(),
                    "rows": c.rows, "expected": c.expected,
                    "games": day.games, "players": day.players,
                })
            })
            .collect();
        writeln!(
            std::io::stdout(),
            "{}",
            serde_json::to_string_pretty(&cells)?
        )?;
        return Ok(());
    }
    let mut names: Vec<String> = vec!["date".into(), "games".into(), "players".into()];
    names.extend(cov.tables.iter().map(|t| short_name(*t)));
    let rows: Vec<Vec<Cell>> = cov
        .days
        .iter()
        .filter(|(_, day)| args.all_days || day.games > 0)
        .map(|(date, day)| {
            let mut row: Vec<Cell> = vec![
                date.to_string().into(),
                day.games.into(),
                day.players.into(),
            ];
            row.extend(cov.tables.iter().map(|t| {
                let c = cov.cells[&(*t, *date)];
                Cell::from(coverage_cell(&c))
            }));
            row
        })
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    print_batches(&[record_batch(&names, rows)?], false)?;
    println!("Columns:");
    for t in &cov.tables {
        println!("  {:<5} {t}", short_name(*t));
    }
    println!(
        "Cells: rows in the partition, then `/expected` where the calendar (teams playing) or the raw box\n\
         scores (players who played) give it; a mark after: ~ stale, ! failed, x blocked, ? missing\n\
         (never computed or partition deleted), b bootstrap (nothing owed); no mark: done and current."
    );
    let engine = backcourt::engine::Engine::open(&lake)?;
    let unresolved = coverage::unresolved_names(&engine, range, coverage::NamesFrom::Table)?;
    println!("{}", coverage::unresolved_line(range, &unresolved));
    Ok(())
}

/// A table's initials, the coverage matrix's column name.
fn short_name(t: TableId) -> String {
    t.name()
        .split('_')
        .filter_map(|w| w.chars().next())
        .collect()
}

fn coverage_cell(c: &coverage::Cell) -> String {
    use coverage::CellState as S;
    let mark = match c.state {
        S::Done => "",
        S::Stale => " ~",
        S::Failed => " !",
        S::Blocked => " x",
        S::Missing => " ?",
        S::Bootstrap => return "b".into(),
        S::NoGames => return "-".into(),
    };
    let rows = c.rows.map_or("0".to_string(), |r| r.to_string());
    match c.expected {
        Some(e) => format!("{rows}/{e}{mark}"),
        None => format!("{rows}{mark}"),
    }
}

#[derive(Debug, ClapArgs)]
pub struct PreflightArgs {
    /// The table a run would compute.
    pub table: String,
    /// First date of the run.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub start: NaiveDate,
    /// Last date of the run, inclusive.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub end: NaiveDate,
    /// The share of the teams playing a box-score feed must have rows for
    /// [default: 1.0; file: preflight.min_ratio].
    #[arg(long, value_name = "RATIO")]
    pub min_ratio: Option<f64>,
}

/// A pre-flight check that found inputs not ready (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotReady(pub String);

/// `backcourt preflight`: are the upstream dates a run would read ready?
/// `min_ratio` is `--min-ratio` layered over the file and the default.
pub fn cmd_preflight(
    root: &LakeRoot,
    args: &PreflightArgs,
    min_ratio: f64,
    json: bool,
) -> Result<()> {
    let range = DateRange::new(args.start, args.end).ok_or_else(|| {
        UsageError(format!(
            "--end {} is before --start {}",
            args.end, args.start
        ))
    })?;
    let table: TableId = args.table.parse()?;
    let lake = root.open()?;
    let checks = coverage::preflight(&lake, table, range, min_ratio)?;
    if json {
        let out: Vec<serde_json::Value> = checks
            .iter()
            .map(|r| {
                serde_json::json!({
                    "upstream": r.upstream.to_string(),
                    "dates_needed": r.dates_needed,
                    "dates_ready": r.dates_ready,
                    "not_ready": r.not_ready.iter().map(|(d, why)| serde_json::json!({"date": d, "why": why})).collect::<Vec<_>>(),
                })
            })
            .collect();
        writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        let rows = checks
            .iter()
            .map(|r| {
                vec![
                    r.upstream.to_string().into(),
                    (r.dates_needed as u64).into(),
                    (r.dates_ready as u64).into(),
                    (if r.ready() { "ready" } else { "NOT READY" }).into(),
                    shorten(
                        &r.not_ready
                            .iter()
                            .take(3)
                            .map(|(d, why)| format!("{d}: {why}"))
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                    .into(),
                ]
            })
            .collect();
        print_batches(
            &[record_batch(
                &[
                    "upstream",
                    "dates_needed",
                    "dates_ready",
                    "status",
                    "first_problems",
                ],
                rows,
            )?],
            false,
        )?;
    }
    if !json {
        // What the run will not be able to use, resolved from the feeds as they are now.
        let engine = backcourt::engine::Engine::open(&lake)?;
        let unresolved = coverage::unresolved_names(&engine, range, coverage::NamesFrom::Feeds)?;
        println!("{}", coverage::unresolved_line(range, &unresolved));
    }
    let bad: Vec<String> = checks
        .iter()
        .filter(|r| !r.ready())
        .map(|r| format!("{} ({} dates)", r.upstream, r.not_ready.len()))
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    Err(NotReady(format!(
        "{table} {range} is not ready to run: {}",
        bad.join(", ")
    ))
    .into())
}

#[derive(Debug, ClapArgs)]
pub struct FailuresArgs {
    /// Only this table's failures.
    #[arg(long, value_name = "TABLE")]
    pub table: Option<String>,
    /// First date [default: the calendar's first].
    #[arg(long, value_name = "YYYY-MM-DD", requires = "end")]
    pub start: Option<NaiveDate>,
    /// Last date, inclusive.
    #[arg(long, value_name = "YYYY-MM-DD", requires = "start")]
    pub end: Option<NaiveDate>,
    /// Only this category, e.g. INCOMPLETE_DATA.
    #[arg(long)]
    pub category: Option<FailureCategory>,
    /// List the failure rows (at most --limit) instead of counting them.
    #[arg(long)]
    pub list: bool,
    /// Rows listed with --list.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

/// `backcourt failures`: the per-entity failure rows, counted or listed.
pub fn cmd_failures(root: &LakeRoot, args: &FailuresArgs, json: bool) -> Result<()> {
    let lake = root.open()?;
    let engine = backcourt::engine::Engine::open(&lake)?;
    let range = match (args.start, args.end) {
        (Some(s), Some(e)) => DateRange::new(s, e)
            .ok_or_else(|| UsageError(format!("--end {e} is before --start {s}")))?,
        _ => match backcourt::calendar::Calendar::load(&engine)?.span() {
            Some(span) => span,
            None => {
                println!("{root} has no schedule: no failures to show");
                return Ok(());
            }
        },
    };
    let table = args
        .table
        .as_deref()
        .map(str::parse::<TableId>)
        .transpose()?;
    let rows = failures::read(&engine, range, table, args.category)?;
    let class = |c: Option<Classification>| c.map_or("", |c| c.as_str());
    if args.list || json {
        let shown: Vec<Vec<Cell>> = rows
            .iter()
            .take(if json { usize::MAX } else { args.limit })
            .map(|r| {
                vec![
                    r.table.clone().into(),
                    r.date.to_string().into(),
                    r.entity_id.clone().into(),
                    r.category.as_str().into(),
                    class(r.classification).into(),
                    (if r.can_retry { "yes" } else { "no" }).into(),
                    r.reason.clone().into(),
                ]
            })
            .collect();
        let batch = record_batch(
            &[
                "table",
                "date",
                "entity",
                "category",
                "classification",
                "can_retry",
                "reason",
            ],
            shown,
        )?;
        print_batches(&[batch], json)?;
        if !json && rows.len() > args.limit {
            println!(
                "({} of {} rows; --limit shows more)",
                args.limit,
                rows.len()
            );
        }
        return Ok(());
    }
    let mut groups: std::collections::BTreeMap<
        (String, FailureCategory, &str),
        (u64, NaiveDate, NaiveDate),
    > = Default::default();
    for r in &rows {
        let g = groups
            .entry((r.table.clone(), r.category, class(r.classification)))
            .or_insert((0, r.date, r.date));
        g.0 += 1;
        g.1 = g.1.min(r.date);
        g.2 = g.2.max(r.date);
    }
    let batch = record_batch(
        &[
            "table",
            "category",
            "treated_as",
            "classification",
            "rows",
            "first",
            "last",
        ],
        groups
            .into_iter()
            .map(|((table, category, class), (n, first, last))| {
                vec![
                    table.into(),
                    category.as_str().into(),
                    format!("{:?}", category.treatment()).to_lowercase().into(),
                    class.into(),
                    n.into(),
                    first.to_string().into(),
                    last.to_string().into(),
                ]
            })
            .collect(),
    )?;
    print_batches(&[batch], false)
}
