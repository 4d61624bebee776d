//! The command line: what was typed (clap derive) and which command runs.
//!
//! Each command group has its own file with its arguments and a `cmd_*`
//! function that calls the library and prints the result: `lake` (generate,
//! import, tables, query, calendar), `run` (the backfill runner's commands),
//! `predict`, `bench`, `demo` and `cloud` (export, mirror). They share
//! `output` (tables on a terminal, JSON with `--json`, the usage error) and
//! `config` (the settings each command runs with, from its flags, the
//! environment and `backcourt.toml`, and the `config` command); nothing
//! below this file imports it, and the library never sees the CLI.

mod bench;
mod cloud;
mod config;
mod demo;
mod lake;
mod live;
mod output;
mod predict;
mod run;

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::{Args as ClapArgs, Parser, Subcommand};

use backcourt::engine::Engine;

use output::{print_batches, UsageError};

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
  backcourt config             the effective settings (flags, environment,
                               backcourt.toml) and where each came from

Exit codes: 0 ok, 1 failed work, 2 usage or configuration error (a file
import refuses included). A run refused because another run holds the
lake is failed work (1).";

#[derive(Debug, ClapArgs)]
struct Global {
    /// Lake root: a directory, gs://bucket/prefix or s3://bucket/prefix
    /// (read through a local cache) [env: BACKCOURT_LAKE; file: lake;
    /// default: data/lake; demo: data/demo-lake]
    #[arg(long, global = true, value_name = "DIR|URL")]
    lake: Option<String>,
    /// The settings file [env: BACKCOURT_CONFIG; default: ./backcourt.toml,
    /// else backcourt.toml in the lake directory]; see `backcourt config
    /// --help`.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    /// Print tabular results as JSON (an array of objects) on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// More logging on stderr (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Worker threads for parallel work [file: threads; default: all cores].
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
    Demo(demo::DemoCommand),
    /// The synthetic league.
    #[command(subcommand)]
    Fixtures(lake::FixturesCommand),
    /// Load raw tables from Parquet files named <dataset>.<table>.parquet.
    ///
    /// PATH is one such file (or a directory of Parquet files with that name),
    /// or a directory holding several. Every file is checked against the raw
    /// contract first (columns and types, key columns present and unique,
    /// dates within the known seasons, readable Parquet); on the first
    /// violation nothing is written, the table, file, column and row are
    /// named, and the exit code is 2. Partitions of the dates present are
    /// replaced.
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
    /// The same as `run --from player_prop_predictions --force` over the
    /// range (ledger, lock, failure rows and run history included), followed
    /// by a per-system table. Reads the feature store (Phase 4) and the
    /// pre-game lines (Phase 3). The trained model for each date is the one
    /// whose cutoff is the latest on or before it; missing models are
    /// trained and stored in the lake.
    Predict(predict::PredictArgs),
    /// The trained points model: train one, or show the stored ones.
    #[command(subcommand)]
    Model(predict::ModelCommand),
    /// Compute tables over dates: plan from the registry's DAG and the
    /// ledger, run what is not done, resume after any failure.
    ///
    /// Every table runs over its planned dates in one set-based pass (a run of
    /// consecutive dates), after the tables it reads; tables of a stage run
    /// side by side. Each (table, date) is recorded in the lake's ledger
    /// (`_backcourt/ledger/`) with its status, attempts, rows and the
    /// fingerprint of the inputs it read; a second run of the same command
    /// computes only what is not done or has changed since.
    Run(run::RunArgs),
    /// Per table, over the whole calendar: dates done (and of those, kept
    /// from a live run), stale, failed, blocked, never run, and the last
    /// finished run.
    Status(run::StatusArgs),
    /// The date × table matrix over a range: rows per partition, the rows
    /// the calendar and the raw box scores say it should hold, and the
    /// ledger's status (done, stale, failed, blocked, missing, bootstrap).
    Coverage(run::CoverageArgs),
    /// Whether the upstream dates a run of TABLE would read (its lookback
    /// windows included) are ready; exit 1 when they are not.
    Preflight(run::PreflightArgs),
    /// The per-entity failure rows (nba_processing.processing_failures),
    /// counted by table, category and, for INCOMPLETE_DATA, whether the raw
    /// box scores show a DNP or a data gap.
    Failures(run::FailuresArgs),
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
    Bench(bench::BenchArgs),
    /// Ship tables to BigQuery in bulk: per table one load job into a
    /// staging table and one transaction that swaps the date range into the
    /// target.
    Export(cloud::ExportArgs),
    /// Pull raw tables for a date range from BigQuery into the lake (one
    /// EXPORT DATA job per table through a staging bucket), checked against
    /// the raw contract like `import`.
    Mirror(cloud::MirrorArgs),
    /// The effective settings, one row each: its value and where it came
    /// from (default, the settings file, an environment variable or a flag).
    ///
    /// The settings that outlive one command (the lake, a bucket lake's
    /// cache, threads, the BigQuery project, location and staging bucket,
    /// preflight's threshold) can be kept in a backcourt.toml; a variable
    /// or a flag still overrides the file for one command.
    #[command(after_help = config::CONFIG_HELP)]
    Config,
}

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
            || e.is::<backcourt::config::Error>()
            || matches!(
                e.downcast_ref::<backcourt::lake::Error>(),
                Some(backcourt::lake::Error::Root { .. })
            )
            || e.downcast_ref::<backcourt::import::Error>()
                .is_some_and(backcourt::import::Error::is_bad_input)
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

/// What the command line says about each setting.
fn flags(global: &Global, command: &Command) -> config::Flags {
    let mut flags = config::Flags {
        config: global.config.clone(),
        lake: global.lake.clone(),
        threads: global.threads,
        default_lake: "data/lake",
        ..Default::default()
    };
    match command {
        Command::Demo(_) => flags.default_lake = "data/demo-lake",
        Command::Export(e) => {
            flags.project = e.project.clone();
            flags.location = e.location.clone();
            flags.staging = e.staging.clone();
        }
        Command::Mirror(m) => {
            flags.project = m.project.clone();
            flags.staging = m.staging.clone();
        }
        Command::Preflight(p) => flags.min_ratio = p.min_ratio,
        _ => {}
    }
    flags
}

/// Runs the parsed command.
pub fn run(args: Args) -> Result<()> {
    let settings = config::settings(flags(&args.global, &args.command))?;
    if let Some(n) = settings.threads.value {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("setting up the thread pool")?;
    }
    let json = args.global.json;
    let root = &config::LakeRoot::of(&settings);
    match args.command {
        Command::Demo(demo) => demo::cmd_demo(root, &demo, json),
        Command::Fixtures(lake::FixturesCommand::Generate(gen)) => {
            lake::cmd_generate(root, &gen, json)
        }
        Command::Import { path } => lake::cmd_import(root, &path, json),
        Command::Tables => {
            let lake = root.open()?;
            print_batches(&lake::tables_summary(&Engine::open(&lake)?)?, json)
        }
        Command::Query { sql, file } => {
            let sql = match (sql, file) {
                (Some(sql), _) => sql,
                (None, Some(f)) => std::fs::read_to_string(&f)
                    .with_context(|| format!("reading {}", f.display()))?,
                (None, None) => unreachable!("clap requires one of them"),
            };
            let lake = root.open()?;
            let engine = Engine::open(&lake)?;
            print_batches(&engine.query(&sql)?, json)
        }
        Command::Calendar => {
            let lake = root.open()?;
            let engine = Engine::open(&lake)?;
            print_batches(&lake::calendar_summary(&engine)?, json)
        }
        Command::Predict(predict) => predict::cmd_predict(root, &predict, json),
        Command::Model(model) => predict::cmd_model(root, &model, json),
        Command::Bench(bench) => bench::cmd_bench(&bench, json),
        Command::Export(export) => cloud::cmd_export(root, &settings, &export, json),
        Command::Mirror(mirror) => cloud::cmd_mirror(root, &settings, &mirror, json),
        Command::Run(run) if run.live => live::cmd_live(root, run.date, run.as_of, json),
        Command::Run(run) => run::cmd_run(root, &run, json),
        Command::Status(status) => run::cmd_status(root, &status, json),
        Command::Unlock => run::cmd_unlock(root),
        Command::Coverage(args) => run::cmd_coverage(root, &args, json),
        Command::Preflight(args) => run::cmd_preflight(root, &args, settings.min_ratio.value, json),
        Command::Failures(args) => run::cmd_failures(root, &args, json),
        Command::Config => config::cmd_config(&settings, json),
    }
}
