//! `backcourt bench`: the whole pipeline timed in one process on a generated
//! league, against the goals of a multi-season backfill that feels
//! interactive. Times are reported, never asserted.

use std::time::Instant;

use anyhow::{Context as _, Result};
use arrow::array::RecordBatch;
use chrono::NaiveDate;
use clap::Args as ClapArgs;

use backcourt::backfill::{self, DateSpec, RunOptions, RunReport, TableOutcome};
use backcourt::calendar::{parse_seasons, Calendar, Season};
use backcourt::dates::DateRange;
use backcourt::engine::Engine;
use backcourt::fixtures::{self, GenerateConfig};
use backcourt::lake::Lake;
use backcourt::registry::{Phase, TableId};

use super::output::{record_batch, Cell, UsageError};

#[derive(Debug, ClapArgs)]
pub struct BenchArgs {
    /// How many seasons, ending with 2024-25.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=4))]
    seasons: u8,
    /// Random seed of the generated league.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Skip the per-date month (the slowest part: about 30 one-date runs).
    #[arg(long)]
    no_per_date: bool,
}

/// The goals of the benchmark issue, in seconds (or as stated).
const GOAL_TOTAL_SECONDS: f64 = 20.0;
const GOAL_TRAINING_SECONDS: f64 = 60.0;
const GOAL_INCREMENTAL_SECONDS: f64 = 1.0;
const GOAL_RANGE_SPEEDUP: f64 = 50.0;
const GOAL_PEAK_RSS_BYTES: u64 = 2 << 30;
const GOAL_HEURISTIC_PER_SECOND: f64 = 100_000.0;

/// Notes a finished step on stderr, so a long bench shows where it is.
fn progress(what: &str, seconds: f64) {
    eprintln!("  {what}: {seconds:.1} s");
}

/// One timed stage.
struct Stage {
    name: &'static str,
    seconds: f64,
    rows: u64,
}

/// The peak resident set so far, in GiB, as text.
fn peak_gib() -> String {
    peak_rss_bytes().map_or("?".into(), |b| {
        format!("{:.2}", b as f64 / (1u64 << 30) as f64)
    })
}

pub fn cmd_bench(args: &BenchArgs, json: bool) -> Result<()> {
    let all = parse_seasons("2021-22..2024-25").expect("a valid season list");
    let seasons: Vec<Season> = all[all.len() - args.seasons as usize..].to_vec();
    let dir = ScratchDir::new()?;
    let root = dir.0.to_str().context("a UTF-8 temp path")?;
    let lake = Lake::open(root)?;
    eprintln!(
        "backcourt bench: {} season(s) {}..{}, seed {}, lake {root}",
        seasons.len(),
        seasons[0],
        seasons[seasons.len() - 1],
        args.seed
    );
    let league = fixtures::generate(&GenerateConfig::new(seasons, args.seed));

    // The peak is sampled when a stage is pushed: after the raw write, and
    // after the whole run. The per-phase rows are parts of that run, so
    // they carry no peak of their own.
    let mut stages: Vec<(Stage, String)> = Vec::new();
    let mut push = |stage: Stage, sampled: bool| {
        progress(stage.name, stage.seconds);
        stages.push((stage, if sampled { peak_gib() } else { "-".into() }));
    };
    let total = Instant::now();
    let t = Instant::now();
    let written = fixtures::write(&lake, &league)?;
    drop(league);
    push(
        Stage {
            name: "raw: write Parquet",
            seconds: t.elapsed().as_secs_f64(),
            rows: written.iter().map(|(_, s)| s.rows).sum(),
        },
        true,
    );
    let engine = Engine::open(&lake)?;
    let calendar = Calendar::load(&engine)?;
    drop(engine);
    if calendar.span().is_none() {
        return Err(UsageError("the generated league has no games".into()).into());
    }

    // The whole league through the runner, as `backcourt run` does it.
    let full = run(&lake, DateSpec::All)?;
    let total_seconds = total.elapsed().as_secs_f64();
    push(
        Stage {
            name: "runner: every table (wall clock)",
            seconds: full.seconds,
            rows: full.outcomes.iter().map(|(_, o)| o.rows).sum(),
        },
        true,
    );
    push(
        Stage {
            name: "runner: plan",
            seconds: full.plan_seconds,
            rows: 0,
        },
        false,
    );
    // Tables of a stage run side by side, so a phase's summed table seconds
    // exceed its share of the wall clock.
    for (name, phase) in [
        (
            "Phase 3: analytics (sum of table seconds)",
            Phase::Analytics,
        ),
        (
            "Phase 4: precompute (sum of table seconds)",
            Phase::Precompute,
        ),
        (
            "Phase 5: predictions and grading (sum of table seconds)",
            Phase::Predictions,
        ),
    ] {
        let outcomes = full.outcomes.iter().filter(|(t, _)| t.phase() == phase);
        push(
            Stage {
                name,
                seconds: outcomes.clone().map(|(_, o)| table_seconds(o)).sum(),
                rows: outcomes.map(|(_, o)| o.rows).sum(),
            },
            false,
        );
    }
    let kernel = full
        .outcomes
        .iter()
        .find(|(t, _)| *t == TableId::PlayerPropPredictions)
        .map(|(_, o)| o.kernel)
        .unwrap_or_default();
    push(
        Stage {
            name: "Phase 5: model training (inside predictions)",
            seconds: kernel.training_seconds,
            rows: kernel.train_rows,
        },
        false,
    );
    let heuristic_rate = kernel.heuristic_predictions as f64 / kernel.heuristics_seconds.max(1e-9);

    // One new date: everything before the last game date done, that date
    // computed again alone through every table.
    let last = calendar.game_dates().last().expect("games");
    let t = Instant::now();
    run(&lake, DateSpec::Ranges(vec![DateRange::day(last)]))?;
    let incremental_seconds = t.elapsed().as_secs_f64();
    progress(&format!("one new date ({last})"), incremental_seconds);

    // The same month per date and as one range.
    let month = busiest_month(&calendar);
    let month_dates: Vec<NaiveDate> = calendar.game_dates_in(month).collect();
    let per_date_seconds = if args.no_per_date {
        None
    } else {
        let t = Instant::now();
        for (n, &d) in month_dates.iter().enumerate() {
            run(&lake, DateSpec::Ranges(vec![DateRange::day(d)]))?;
            eprint!(
                "\r  {month} one date at a time: {}/{}",
                n + 1,
                month_dates.len()
            );
        }
        eprintln!();
        let seconds = t.elapsed().as_secs_f64();
        progress(&format!("{month} one date at a time"), seconds);
        Some(seconds)
    };
    let t = Instant::now();
    run(&lake, DateSpec::Ranges(vec![month]))?;
    let range_seconds = t.elapsed().as_secs_f64();
    progress(&format!("{month} as one range"), range_seconds);
    let peak_rss = peak_rss_bytes();

    let stage_table = record_batch(
        &[
            "stage",
            "seconds",
            "rows",
            "rows_per_second",
            "peak_rss_gib_after",
        ],
        stages
            .iter()
            .map(|(s, peak)| {
                vec![
                    s.name.into(),
                    format!("{:.2}", s.seconds).into(),
                    s.rows.into(),
                    format!("{:.0}", s.rows as f64 / s.seconds.max(1e-9)).into(),
                    peak.clone().into(),
                ]
            })
            .collect(),
    )?;
    let goal = |name: &str, target: String, measured: String, met: Option<bool>| -> Vec<Cell> {
        vec![
            name.into(),
            target.into(),
            measured.into(),
            match met {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "not measured",
            }
            .into(),
        ]
    };
    let speedup = per_date_seconds.map(|p| p / range_seconds);
    let goals = record_batch(
        &["goal", "target", "measured", "met"],
        vec![
            goal(
                "raw → graded predictions, all seasons",
                format!("≤ {GOAL_TOTAL_SECONDS} s"),
                format!("{total_seconds:.1} s"),
                Some(total_seconds <= GOAL_TOTAL_SECONDS),
            ),
            goal(
                "model training (inside the total)",
                format!("≤ {GOAL_TRAINING_SECONDS} s"),
                format!(
                    "{:.1} s, {} models",
                    kernel.training_seconds, kernel.models
                ),
                Some(kernel.training_seconds <= GOAL_TRAINING_SECONDS),
            ),
            goal(
                "one new date, incremental",
                format!("≤ {GOAL_INCREMENTAL_SECONDS} s"),
                format!("{incremental_seconds:.2} s ({last})"),
                Some(incremental_seconds <= GOAL_INCREMENTAL_SECONDS),
            ),
            goal(
                "range vs per-date, one month",
                format!("≥ {GOAL_RANGE_SPEEDUP}×"),
                match (per_date_seconds, speedup) {
                    (Some(p), Some(x)) => format!(
                        "{x:.1}× ({month}, {} dates: {p:.1} s one at a time, {range_seconds:.1} s as one range)",
                        month_dates.len()
                    ),
                    _ => format!("range {range_seconds:.1} s; per-date skipped"),
                },
                speedup.map(|x| x >= GOAL_RANGE_SPEEDUP),
            ),
            goal(
                "peak resident memory",
                "≤ 2 GiB".into(),
                peak_rss.map_or("unknown".into(), |b| {
                    format!("{:.2} GiB", b as f64 / (1u64 << 30) as f64)
                }),
                peak_rss.map(|b| b <= GOAL_PEAK_RSS_BYTES),
            ),
            goal(
                "heuristic predictions per second",
                format!("≥ {GOAL_HEURISTIC_PER_SECOND:.0}"),
                format!(
                    "{heuristic_rate:.0} ({} in {:.3} s)",
                    kernel.heuristic_predictions, kernel.heuristics_seconds
                ),
                Some(heuristic_rate >= GOAL_HEURISTIC_PER_SECOND),
            ),
        ],
    )?;
    let phase_tables = per_table(&full)?;
    if json {
        let out = serde_json::json!({
            "seasons": args.seasons,
            "seed": args.seed,
            "total_seconds": total_seconds,
            "stages": super::output::batches_to_json(&[stage_table])?,
            "tables": super::output::batches_to_json(&[phase_tables])?,
            "incremental_seconds": incremental_seconds,
            "incremental_date": last.to_string(),
            "month": month.to_string(),
            "month_dates": month_dates.len(),
            "per_date_seconds": per_date_seconds,
            "range_seconds": range_seconds,
            "range_speedup": speedup,
            "peak_rss_bytes": peak_rss,
            "training_seconds": kernel.training_seconds,
            "heuristics_seconds": kernel.heuristics_seconds,
            "heuristic_predictions_per_second": heuristic_rate,
            "goals": super::output::batches_to_json(&[goals])?,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "\nAll seasons, raw → graded predictions, one process: {total_seconds:.1} s\n{}",
        arrow::util::pretty::pretty_format_batches(&[stage_table])?
    );
    println!(
        "\nPer table:\n{}",
        arrow::util::pretty::pretty_format_batches(&[phase_tables])?
    );
    println!(
        "\nGoals:\n{}",
        arrow::util::pretty::pretty_format_batches(&[goals])?
    );
    Ok(())
}

/// Every table over `dates` through the backfill runner, as `backcourt
/// run --force` does it: dates already done are computed again, so the
/// bench times the work, not the ledger's skip.
fn run(lake: &Lake, dates: DateSpec) -> Result<RunReport> {
    let options = RunOptions {
        tables: Vec::new(),
        dates,
        force: true,
        dry_run: false,
        command: "backcourt bench".into(),
        live: None,
    };
    let report = backfill::run(lake, &options)?;
    let unfinished = report.unfinished_dates();
    if !unfinished.is_empty() {
        anyhow::bail!(
            "the bench's run left {} dates unfinished (first {}); `backcourt failures` on a kept lake says why",
            unfinished.len(),
            unfinished.first().expect("not empty")
        );
    }
    Ok(report)
}

/// A table's seconds in a run: reading, computing and writing.
fn table_seconds(o: &TableOutcome) -> f64 {
    o.read_seconds + o.compute_seconds + o.write_seconds
}

/// The calendar month with the most non-bootstrap game dates in the last season.
fn busiest_month(calendar: &Calendar) -> DateRange {
    use chrono::Datelike;
    let mut counts: std::collections::BTreeMap<(i32, u32), usize> = Default::default();
    let last = calendar.seasons().last().copied();
    for d in calendar.game_dates() {
        if Some(Season::of(d)) == last && !calendar.is_bootstrap(d) {
            *counts.entry((d.year(), d.month())).or_default() += 1;
        }
    }
    let ((y, m), _) = counts
        .iter()
        .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))
        .expect("game dates");
    let start = NaiveDate::from_ymd_opt(*y, *m, 1).expect("a month");
    let end = start
        .checked_add_months(chrono::Months::new(1))
        .expect("next month")
        .pred_opt()
        .expect("a day");
    DateRange::new(start, end).expect("ordered")
}

/// Each table's rows and seconds in the full run: the model (with the
/// first load of its inputs into memory), the Parquet write, and the passes
/// the runner made.
fn per_table(report: &RunReport) -> Result<RecordBatch> {
    let rows: Vec<Vec<Cell>> = report
        .outcomes
        .iter()
        .map(|(table, o)| {
            vec![
                table.to_string().into(),
                o.rows.into(),
                format!("{:.2}", table_seconds(o)).into(),
                format!("{:.2}", o.read_seconds + o.compute_seconds).into(),
                format!("{:.2}", o.write_seconds).into(),
                (o.passes as u64).into(),
            ]
        })
        .collect();
    record_batch(
        &[
            "table",
            "rows",
            "seconds",
            "model_seconds",
            "write_seconds",
            "passes",
        ],
        rows,
    )
}

/// The process's peak resident set (Linux `VmHWM`), if known.
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The bench's lake: a fresh directory under the system's temp dir, removed
/// when the bench ends, however it ends.
struct ScratchDir(std::path::PathBuf);

impl ScratchDir {
    fn new() -> Result<ScratchDir> {
        let path = std::env::temp_dir().join(format!("backcourt-bench-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("clearing {}", path.display()))?;
        }
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(ScratchDir(path))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
