//! The command line: what was typed (clap derive), and one function per
//! subcommand that calls the library and prints the result. Tabular output
//! is a table on a terminal or JSON with `--json`; logs go to stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result};
use arrow::array::RecordBatch;
use clap::{Args as ClapArgs, Parser, Subcommand};

use backcourt::calendar::{parse_seasons, Calendar, GameKind, Season};
use backcourt::conform::with_offset_zones;
use backcourt::engine::Engine;
use backcourt::fixtures::{self, GenerateConfig};
use backcourt::lake::Lake;
use backcourt::registry::{Producer, TableId};

/// Local-first pipeline for NBA player-points props: raw tables as Parquet,
/// every processor as DuckDB SQL, results back to BigQuery in bulk.
#[derive(Debug, Parser)]
#[command(name = "backcourt", version, about, long_about = None, after_help = AFTER_HELP)]
pub struct Args {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

const AFTER_HELP: &str = "\
Start here:
  backcourt demo               generate a league into data/demo-lake, summarise
  backcourt fixtures generate  the synthetic league's raw tables into the lake
  backcourt import exports/    load <dataset>.<table>.parquet BigQuery exports
  backcourt tables             registry tables with rows and date span
  backcourt query \"SELECT 1\"   ad hoc SQL over views named dataset.table
  backcourt run --all          compute every table over the calendar, resuming
  backcourt status             per table: dates done, stale, failed, blocked
  backcourt coverage --start D --end D   the date x table matrix against the calendar
  backcourt predict            Phase 5 over the lake: every system, then grading
  backcourt bench              time the whole pipeline on a generated league
  backcourt export --project P tables to BigQuery: one load + one swap per table
  backcourt mirror --project P --tables T --start D --end D --staging gs://B/P
                               raw tables from BigQuery into the lake

Exit codes: 0 ok, 1 failed work, 2 usage or configuration error. A run
refused because another run holds the lake is failed work (1).";

#[derive(Debug, ClapArgs)]
struct Global {
    /// Lake root: a directory, gs://bucket/prefix or s3://bucket/prefix
    /// (read through a local cache) [default: data/lake; demo: data/demo-lake]
    #[arg(long, global = true, env = "BACKCOURT_LAKE", value_name = "DIR|URL")]
    lake: Option<String>,
    /// Print tabular results as JSON (an array of objects) on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// More logging on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Worker threads for parallel work [default: all cores].
    #[arg(long, global = true, value_name = "N")]
    threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the synthetic league into data/demo-lake, run every table
    /// through the backfill runner, and print a summary.
    ///
    /// A second demo with the same seasons and seed keeps the league and
    /// finds every table done: it computes nothing and says so. `--force`
    /// recomputes everything (to identical bytes), `--fresh` regenerates.
    Demo(crate::cli_demo::DemoCommand),
    /// The synthetic league.
    #[command(subcommand)]
    Fixtures(FixturesCommand),
    /// Load raw tables from Parquet files named <dataset>.<table>.parquet.
    ///
    /// PATH is one such file (or a directory of Parquet files with that name),
    /// or a directory holding several. Every file is checked against the raw
    /// contract first; on a missing column or a type that does not convert
    /// without loss, nothing is written and the table and column are named.
    /// Partitions of the dates present are replaced.
    Import {
        /// File or directory to import.
        path: PathBuf,
    },
    /// List every registry table with its partitions, rows and date span.
    Tables,
    /// Run ad hoc SQL over the lake (views are named dataset.table).
    Query {
        /// The SQL statement (or use --file).
        #[arg(required_unless_present = "file")]
        sql: Option<String>,
        /// Read the statement from a file.
        #[arg(short, long, conflicts_with = "sql")]
        file: Option<PathBuf>,
    },
    /// Seasons, opening nights, bootstrap windows and game dates of the lake's schedule.
    Calendar,
    /// Phase 5: predict every player-date of a range with every system, then
    /// grade the predictions against the box scores.
    ///
    /// Reads the feature store (Phase 4) and the pre-game lines (Phase 3).
    /// The trained model for each date is the one whose cutoff is the latest
    /// on or before it; missing models are trained and stored in the lake.
    Predict(crate::cli_predict::PredictArgs),
    /// The trained points model: train one, or show the stored ones.
    #[command(subcommand)]
    Model(crate::cli_predict::ModelCommand),
    /// Compute tables over dates: plan from the registry's DAG and the
    /// ledger, run what is not done, resume after any failure.
    ///
    /// Every table runs over its planned dates in one set-based pass (a run of
    /// consecutive dates), after the tables it reads; tables of a stage run
    /// side by side. Each (table, date) is recorded in the lake's ledger
    /// (`_backcourt/ledger/`) with its status, attempts, rows and the
    /// fingerprint of the inputs it read; a second run of the same command
    /// computes only what is not done or has changed since.
    Run(crate::cli_run::RunArgs),
    /// Per table, over the whole calendar: dates done, stale, failed,
    /// blocked, never run, and the last finished run.
    Status(crate::cli_run::StatusArgs),
    /// The date × table matrix over a range: rows per partition, the rows
    /// the calendar and the raw box scores say it should hold, and the
    /// ledger's status (done, stale, failed, blocked, missing, bootstrap).
    Coverage(crate::cli_run::CoverageArgs),
    /// Whether the upstream dates a run of TABLE would read (its lookback
    /// windows included) are ready; exit 1 when they are not.
    Preflight(crate::cli_run::PreflightArgs),
    /// The per-entity failure rows (nba_processing.processing_failures),
    /// counted by table, category and, for INCOMPLETE_DATA, whether the raw
    /// box scores show a DNP or a data gap.
    Failures(crate::cli_run::FailuresArgs),
    /// Remove the lake's run lock (`_backcourt/lock`) left by a run on
    /// another machine that is gone. A run on this machine that was killed
    /// is detected and its lock taken over without this.
    Unlock,
    /// Time the whole pipeline on a generated league, in one process, against
    /// the goals of an interactive backfill.
    ///
    /// Generates the league (not timed) into a scratch lake, then times the
    /// Parquet write, Phase 3, Phase 4 and Phase 5 (training reported apart)
    /// over all seasons; then the last game date alone with everything before
    /// it done; then the busiest month of the last season computed one date at
    /// a time (the reference's access pattern) and as one range. Prints the
    /// stages, each table, and which goals are met (`--json` for all of it).
    Bench(crate::cli_bench::BenchArgs),
    /// Ship tables to BigQuery in bulk: per table one load job into a
    /// staging table and one transaction that swaps the date range into the
    /// target.
    Export(crate::cli_cloud::ExportArgs),
    /// Pull raw tables for a date range from BigQuery into the lake (one
    /// EXPORT DATA job per table through a staging bucket), checked against
    /// the raw contract like `import`.
    Mirror(crate::cli_cloud::MirrorArgs),
}

#[derive(Debug, ClapArgs)]
pub(crate) struct DemoArgs {
    /// Seasons to generate, e.g. 2021-22..2024-25 or 2023-24.
    #[arg(long, default_value = "2021-22..2024-25", value_parser = parse_season_list)]
    pub(crate) seasons: SeasonList,
    /// Random seed; the same seed gives byte-identical Parquet.
    #[arg(long, default_value_t = 7)]
    pub(crate) seed: u64,
}

#[derive(Debug, Subcommand)]
enum FixturesCommand {
    /// Write every raw table of the contract for the given seasons, deterministically.
    ///
    /// Partitions within the generated date span are replaced; other dates and
    /// tables in the lake are kept.
    Generate(GenerateArgs),
}

#[derive(Debug, ClapArgs)]
struct GenerateArgs {
    #[command(flatten)]
    league: DemoArgs,
    /// Leave the last game date of the last season unplayed (status 1, no
    /// results or box scores; reports, rosters and pre-game lines present),
    /// for trying live runs.
    #[arg(long)]
    leave_last_day_scheduled: bool,
    /// Feeds shaped like real public data: no tip-off times in the schedule,
    /// no registry or alias table, the sportsbook's own spellings ("Nic
    /// Claxton"), one props snapshot a day (4 pm Eastern), injury lookups
    /// built from "Last, First", and no play-by-play for the last season.
    #[arg(long)]
    realistic: bool,
}

/// The seasons of `--seasons`, in order.
#[derive(Debug, Clone)]
pub(crate) struct SeasonList(pub(crate) Vec<Season>);

fn parse_season_list(s: &str) -> Result<SeasonList, String> {
    parse_seasons(s).map(SeasonList).map_err(|e| e.to_string())
}

/// An error in what the user asked for or configured (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Parses the command line (exits 2 on a usage error, as clap does).
pub fn parse() -> Args {
    Args::parse()
}

/// Installs the stderr log subscriber: warnings by default, more with -v.
pub fn init_logging(args: &Args) {
    let default = match args.global.verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    use std::io::IsTerminal;
    // Off a terminal there are no progress bars: the runner's per-table
    // lines are the record of a long run.
    let runner = match (args.global.verbose, std::io::stderr().is_terminal()) {
        (0, false) => ",backcourt::backfill=info",
        _ => "",
    };
    // Export and mirror wait on remote jobs: one line per finished table is
    // their progress, terminal or not.
    let cloud = match args.global.verbose {
        0 => ",backcourt::export=info,backcourt::mirror=info",
        _ => "",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("backcourt={default}{runner}{cloud},warn"))
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// The exit code for an error: 2 for usage and configuration, 1 otherwise.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    let usage = err.chain().any(|e| {
        e.is::<UsageError>()
            || matches!(
                e.downcast_ref::<backcourt::lake::Error>(),
                Some(backcourt::lake::Error::Root { .. })
            )
            || matches!(
                e.downcast_ref::<backcourt::import::Error>(),
                Some(
                    backcourt::import::Error::BadName { .. }
                        | backcourt::import::Error::Missing { .. }
                        | backcourt::import::Error::Empty { .. }
                )
            )
            || e.is::<backcourt::registry::UnknownTable>()
            || matches!(
                e.downcast_ref::<backcourt::export::Error>(),
                Some(backcourt::export::Error::Setup(c)) if c.is_configuration()
            )
            || matches!(
                e.downcast_ref::<backcourt::mirror::Error>(),
                Some(backcourt::mirror::Error::Setup(c)) if c.is_configuration()
            )
            || matches!(
                e.downcast_ref::<backcourt::mirror::Error>(),
                Some(backcourt::mirror::Error::NotRaw(_))
            )
            || matches!(
                e.downcast_ref::<backcourt::backfill::run::Error>(),
                Some(
                    backcourt::backfill::run::Error::Dates(_)
                        | backcourt::backfill::run::Error::NotRunnable(_)
                        | backcourt::backfill::run::Error::BadFault(_)
                )
            )
    });
    if usage {
        2
    } else {
        1
    }
}

/// Runs the parsed command.
pub fn run(args: Args) -> Result<()> {
    if let Some(n) = args.global.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("setting up the thread pool")?;
    }
    let json = args.global.json;
    let lake_root = |default: &str| {
        args.global
            .lake
            .clone()
            .unwrap_or_else(|| default.to_string())
    };
    match args.command {
        Command::Demo(demo) => crate::cli_demo::cmd_demo(&lake_root("data/demo-lake"), &demo, json),
        Command::Fixtures(FixturesCommand::Generate(gen)) => {
            cmd_generate(&lake_root("data/lake"), &gen, json)
        }
        Command::Import { path } => cmd_import(&lake_root("data/lake"), &path, json),
        Command::Tables => {
            let lake = Lake::open(&lake_root("data/lake"))?;
            print_batches(&tables_summary(&Engine::open(&lake)?)?, json)
        }
        Command::Query { sql, file } => {
            let sql = match (sql, file) {
                (Some(sql), _) => sql,
                (None, Some(f)) => std::fs::read_to_string(&f)
                    .with_context(|| format!("reading {}", f.display()))?,
                (None, None) => unreachable!("clap requires one of them"),
            };
            let lake = Lake::open(&lake_root("data/lake"))?;
            let engine = Engine::open(&lake)?;
            print_batches(&engine.query(&sql)?, json)
        }
        Command::Calendar => {
            let lake = Lake::open(&lake_root("data/lake"))?;
            let engine = Engine::open(&lake)?;
            print_batches(&calendar_summary(&engine)?, json)
        }
        Command::Predict(predict) => {
            crate::cli_predict::cmd_predict(&lake_root("data/lake"), &predict, json)
        }
        Command::Model(model) => {
            crate::cli_predict::cmd_model(&lake_root("data/lake"), &model, json)
        }
        Command::Bench(bench) => crate::cli_bench::cmd_bench(&bench, json),
        Command::Export(export) => {
            crate::cli_cloud::cmd_export(&lake_root("data/lake"), &export, json)
        }
        Command::Mirror(mirror) => {
            crate::cli_cloud::cmd_mirror(&lake_root("data/lake"), &mirror, json)
        }
        Command::Run(run) => crate::cli_run::cmd_run(&lake_root("data/lake"), &run, json),
        Command::Status(status) => {
            crate::cli_run::cmd_status(&lake_root("data/lake"), &status, json)
        }
        Command::Unlock => crate::cli_run::cmd_unlock(&lake_root("data/lake")),
        Command::Coverage(args) => {
            crate::cli_run::cmd_coverage(&lake_root("data/lake"), &args, json)
        }
        Command::Preflight(args) => {
            crate::cli_run::cmd_preflight(&lake_root("data/lake"), &args, json)
        }
        Command::Failures(args) => {
            crate::cli_run::cmd_failures(&lake_root("data/lake"), &args, json)
        }
    }
}

fn cmd_generate(root: &str, args: &GenerateArgs, json: bool) -> Result<()> {
    let lake = Lake::open(root)?;
    let (stats, _) = generate_into(
        &lake,
        &args.league,
        args.leave_last_day_scheduled,
        args.realistic,
    )?;
    print_batches(&[stats], json)
}

/// Generates and writes the league; returns per-table write stats and timings.
pub(crate) fn generate_into(
    lake: &Lake,
    args: &DemoArgs,
    scheduled_last_day: bool,
    realistic: bool,
) -> Result<(RecordBatch, [f64; 2])> {
    let config = GenerateConfig {
        seasons: args.seasons.0.clone(),
        seed: args.seed,
        scheduled_last_day,
        realistic,
    };
    let t = Instant::now();
    let league = fixtures::generate(&config);
    let generated = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let written = fixtures::write(lake, &league)
        .with_context(|| format!("writing the league into {}", lake.root()))?;
    let wrote = t.elapsed().as_secs_f64();
    tracing::info!(generated, wrote, "league written");
    let batch = record_batch(
        &["table", "rows", "partitions", "bytes"],
        written
            .iter()
            .map(|(t, s)| {
                vec![
                    t.to_string().into(),
                    s.rows.into(),
                    s.partitions_written.into(),
                    s.bytes.into(),
                ]
            })
            .collect(),
    )?;
    Ok((batch, [generated, wrote]))
}

fn cmd_import(root: &str, path: &Path, json: bool) -> Result<()> {
    let lake = Lake::open(root)?;
    let report = backcourt::import::import(&lake, path)?;
    let batch = record_batch(
        &["table", "rows", "partitions", "bytes"],
        report
            .tables
            .iter()
            .map(|(t, s)| {
                vec![
                    t.to_string().into(),
                    s.rows.into(),
                    s.partitions_written.into(),
                    s.bytes.into(),
                ]
            })
            .collect(),
    )?;
    print_batches(&[batch], json)
}

/// One row per season: opening night, bootstrap, game dates and games by kind.
pub(crate) fn calendar_summary(engine: &Engine) -> Result<Vec<RecordBatch>> {
    let cal = Calendar::load(engine)?;
    let rows = cal
        .seasons()
        .into_iter()
        .map(|s| {
            let games: Vec<_> = cal.games().filter(|g| g.season == s).collect();
            let count = |k: GameKind| games.iter().filter(|g| g.kind == k).count() as u64;
            let dates: std::collections::BTreeSet<_> = games.iter().map(|g| g.date).collect();
            let boot = cal
                .bootstrap(s)
                .expect("a season with games has an opening night");
            vec![
                s.to_string().into(),
                boot.start.to_string().into(),
                boot.end.to_string().into(),
                (dates.len() as u64).into(),
                count(GameKind::RegularSeason).into(),
                count(GameKind::PlayIn).into(),
                count(GameKind::Playoffs).into(),
                (cal.postponed().iter().filter(|g| g.season == s).count() as u64).into(),
                dates
                    .iter()
                    .next_back()
                    .map(|d| d.to_string())
                    .unwrap_or_default()
                    .into(),
            ]
        })
        .collect();
    Ok(vec![record_batch(
        &[
            "season",
            "opening_night",
            "bootstrap_until",
            "game_dates",
            "regular_season",
            "play_in",
            "playoffs",
            "postponed",
            "last_game",
        ],
        rows,
    )?])
}

/// Every registry table with its partitions, rows and date span.
pub(crate) fn tables_summary(engine: &Engine) -> Result<Vec<RecordBatch>> {
    let mut rows = Vec::new();
    for &table in TableId::ALL {
        let def = table.def();
        let partitions = engine.lake().partitions(table)?.len() as u64;
        let (count, first, last) = match def.date_column {
            Some(col) => {
                let b = engine.query(&format!(
                    "SELECT count(*)::BIGINT, CAST(min({col}) AS VARCHAR), CAST(max({col}) AS VARCHAR) FROM {table}"
                ))?;
                scalar_triple(&b)
            }
            None => {
                let b = engine.query(&format!(
                    "SELECT count(*)::BIGINT, NULL::VARCHAR, NULL::VARCHAR FROM {table}"
                ))?;
                scalar_triple(&b)
            }
        };
        let producer = match def.producer {
            Producer::Raw => "raw",
            Producer::Generator => "generator",
            Producer::Sql(_) => "sql model",
            Producer::Runner => "backfill runner",
        };
        rows.push(vec![
            table.to_string().into(),
            producer.into(),
            def.date_column.unwrap_or("-").into(),
            partitions.into(),
            count.into(),
            first.into(),
            last.into(),
        ]);
    }
    Ok(vec![record_batch(
        &[
            "table",
            "kind",
            "date_column",
            "partitions",
            "rows",
            "first_date",
            "last_date",
        ],
        rows,
    )?])
}

fn scalar_triple(batches: &[RecordBatch]) -> (u64, String, String) {
    use arrow::array::{Array, AsArray};
    let b = batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .expect("aggregate returns one row");
    let count = b
        .column(0)
        .as_primitive::<arrow::datatypes::Int64Type>()
        .value(0) as u64;
    let s = |i: usize| {
        let c = b.column(i).as_string::<i32>();
        if c.is_valid(0) {
            c.value(0).to_string()
        } else {
            String::new()
        }
    };
    (count, s(1), s(2))
}

/// A cell of a small summary table.
pub(crate) enum Cell {
    Text(String),
    Count(u64),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<u64> for Cell {
    fn from(n: u64) -> Self {
        Cell::Count(n)
    }
}

/// Builds a batch from rows of cells; a column's type follows its first row.
pub(crate) fn record_batch(names: &[&str], rows: Vec<Vec<Cell>>) -> Result<RecordBatch> {
    use arrow::array::{ArrayRef, StringArray, UInt64Array};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let numeric = rows.first().is_some_and(|r| matches!(r[i], Cell::Count(_)));
        if numeric {
            let values: UInt64Array = rows
                .iter()
                .map(|r| {
                    if let Cell::Count(n) = r[i] {
                        Some(n)
                    } else {
                        None
                    }
                })
                .collect();
            fields.push(Field::new(*name, DataType::UInt64, true));
            columns.push(Arc::new(values));
        } else {
            let values: StringArray = rows
                .iter()
                .map(|r| {
                    if let Cell::Text(s) = &r[i] {
                        Some(s.as_str())
                    } else {
                        None
                    }
                })
                .collect();
            fields.push(Field::new(*name, DataType::Utf8, true));
            columns.push(Arc::new(values));
        }
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}

pub(crate) fn batches_to_json(batches: &[RecordBatch]) -> Result<serde_json::Value> {
    let mut buf = Vec::new();
    {
        let mut writer = arrow::json::ArrayWriter::new(&mut buf);
        for b in batches {
            writer.write(&with_offset_zones(b))?;
        }
        writer.finish()?;
    }
    if buf.is_empty() {
        return Ok(serde_json::Value::Array(Vec::new()));
    }
    Ok(serde_json::from_slice(&buf)?)
}

/// Prints batches as a table, or as one JSON array with `--json`.
pub(crate) fn print_batches(batches: &[RecordBatch], json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&batches_to_json(batches)?)?
        )?;
    } else {
        let batches: Vec<RecordBatch> = batches.iter().map(with_offset_zones).collect();
        writeln!(
            out,
            "{}",
            arrow::util::pretty::pretty_format_batches(&batches)?
        )?;
    }
    Ok(())
}
