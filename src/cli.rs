//! The command line: what was typed (clap derive), and one function per
//! subcommand that calls the library and prints the result. Tabular output
//! is a table on a terminal or JSON with `--json`; logs go to stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result};
use arrow::array::RecordBatch;
use chrono::NaiveDate;
use clap::{Args as ClapArgs, Parser, Subcommand};

use backcourt::analytics;
use backcourt::calendar::{parse_seasons, Calendar, GameKind, Season};
use backcourt::conform::with_offset_zones;
use backcourt::engine::{Engine, ModelParams};
use backcourt::fixtures::{self, GenerateConfig};
use backcourt::lake::Lake;
use backcourt::precompute;
use backcourt::predictions;
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
  backcourt predict            Phase 5 over the lake: every system, then grading
  backcourt bench              time the whole pipeline on a generated league

Exit codes: 0 ok, 1 failed work, 2 usage or configuration error.";

#[derive(Debug, ClapArgs)]
struct Global {
    /// Lake root: a directory, or gs://bucket/prefix [default: data/lake; demo: data/demo-lake]
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
    /// Generate the synthetic league into a fresh lake, run everything that
    /// exists so far, and print a short summary.
    Demo(DemoArgs),
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
}

#[derive(Debug, ClapArgs)]
struct DemoArgs {
    /// Seasons to generate, e.g. 2021-22..2024-25 or 2023-24.
    #[arg(long, default_value = "2021-22..2024-25", value_parser = parse_season_list)]
    seasons: SeasonList,
    /// Random seed; the same seed gives byte-identical Parquet.
    #[arg(long, default_value_t = 7)]
    seed: u64,
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
}

/// The seasons of `--seasons`, in order.
#[derive(Debug, Clone)]
struct SeasonList(Vec<Season>);

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
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("backcourt={default},warn"))
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
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
        Command::Demo(demo) => cmd_demo(&lake_root("data/demo-lake"), &demo, json),
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
    }
}

fn cmd_generate(root: &str, args: &GenerateArgs, json: bool) -> Result<()> {
    let lake = Lake::open(root)?;
    let (stats, _) = generate_into(&lake, &args.league, args.leave_last_day_scheduled)?;
    print_batches(&[stats], json)
}

/// Generates and writes the league; returns per-table write stats and timings.
fn generate_into(
    lake: &Lake,
    args: &DemoArgs,
    scheduled_last_day: bool,
) -> Result<(RecordBatch, [f64; 2])> {
    let config = GenerateConfig {
        seasons: args.seasons.0.clone(),
        seed: args.seed,
        scheduled_last_day,
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

/// A marker that says a directory is a demo lake `demo` may wipe.
const DEMO_MARKER: &str = ".backcourt-demo";

fn cmd_demo(root: &str, args: &DemoArgs, json: bool) -> Result<()> {
    if root.contains("://") {
        return Err(UsageError(format!(
            "demo writes a fresh local lake; `{root}` is not a local directory"
        ))
        .into());
    }
    let dir = Path::new(root);
    if dir.exists()
        && !dir.join(DEMO_MARKER).exists()
        && dir
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(UsageError(format!(
            "{root} exists and is not a demo lake; demo only replaces directories it created (pass --lake to choose another)"
        ))
        .into());
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {root}"))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {root}"))?;
    std::fs::write(
        dir.join(DEMO_MARKER),
        "a lake written by `backcourt demo`; the next demo replaces it\n",
    )
    .with_context(|| format!("marking {root}"))?;

    let lake = Lake::open(root)?;
    let first = args
        .seasons
        .0
        .first()
        .expect("clap parsed at least one season");
    let last = args
        .seasons
        .0
        .last()
        .expect("clap parsed at least one season");
    eprintln!(
        "backcourt demo: synthetic league {first}..{last}, seed {}, into {root}",
        args.seed
    );
    let (written, [generated, wrote]) = generate_into(&lake, args, false)?;
    let engine = Engine::open(&lake)?;
    let calendar = Calendar::load(&engine)?;
    let span = calendar
        .span()
        .context("the generated schedule has no games")?;
    let t = Instant::now();
    let built = analytics::build(&engine, &ModelParams::historical(span))?;
    let phase3_secs = t.elapsed().as_secs_f64();
    let phase3 = coverage_summary(&lake, &calendar, &built)?;
    let t = Instant::now();
    let phase4_build = precompute::build(&engine, &calendar, &ModelParams::historical(span))?;
    let phase4_secs = t.elapsed().as_secs_f64();
    let phase4 = phase4_summary(&engine, &phase4_build)?;
    let t = Instant::now();
    let phase5_build = predictions::build(&engine, &calendar, &ModelParams::historical(span))?;
    let phase5_secs = t.elapsed().as_secs_f64();
    let phase5 = crate::cli_predict::systems_table(&engine, &phase5_build)?;
    let models = crate::cli_predict::models_table(&phase5_build.models, true)?;
    let graded = engine.query(include_str!("../sql/demo/system_summary.sql"))?;
    let tier_adjustment = engine.query(include_str!("../sql/demo/tier_adjustment.sql"))?;
    let seasons = calendar_summary(&engine)?;
    let tables = tables_summary(&engine)?;
    let truth = engine.query(include_str!("../sql/demo/truth_summary.sql"))?;
    if json {
        let out = serde_json::json!({
            "lake": root,
            "seed": args.seed,
            "timings_seconds": {
                "generate": generated, "write": wrote, "phase3": phase3_secs, "phase4": phase4_secs,
                "phase5": phase5_secs, "phase5_training": phase5_build.training_seconds
            },
            "written": batches_to_json(&[written])?,
            "seasons": batches_to_json(&seasons)?,
            "tables": batches_to_json(&tables)?,
            "phase3": batches_to_json(&[phase3])?,
            "phase4": batches_to_json(&[phase4])?,
            "phase5": batches_to_json(&[phase5])?,
            "models": batches_to_json(&[models])?,
            "graded": batches_to_json(&graded)?,
            "tier_adjustment": batches_to_json(&tier_adjustment)?,
            "truth": batches_to_json(&truth)?,
        });
        writeln!(std::io::stdout(), "{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(());
    }
    let total_rows: u64 = fixtures_rows(&written);
    let mut out = std::io::stdout().lock();
    writeln!(out, "\nGenerated {total_rows} raw rows in {generated:.1} s, wrote them as Parquet in {wrote:.1} s.\n")?;
    writeln!(out, "Calendar (from nba_raw.nbac_schedule):")?;
    writeln!(
        out,
        "{}",
        arrow::util::pretty::pretty_format_batches(&seasons)?
    )?;
    writeln!(
        out,
        "\nPhase 3 (nba_analytics), {span} in one pass per table, {phase3_secs:.1} s:"
    )?;
    writeln!(
        out,
        "{}",
        arrow::util::pretty::pretty_format_batches(&[phase3])?
    )?;
    writeln!(
        out,
        "\nPhase 4 (nba_precompute, feature store), {span} in one pass per table, {phase4_secs:.1} s; \
         {} bootstrap dates skipped (opening night + 13 days):",
        phase4_build.bootstrap_skipped.len()
    )?;
    writeln!(
        out,
        "{}",
        arrow::util::pretty::pretty_format_batches(&[phase4])?
    )?;
    writeln!(
        out,
        "\nPhase 5 (predictions, grading), {span} in one pass, {phase5_secs:.1} s: feature store read in {:.1} s, \
         heuristics {:.1} s, {} models ({:.1} s, trained on dates before their cutoff), inference and ensemble {:.1} s, tables {:.1} s:",
        phase5_build.load_seconds,
        phase5_build.heuristics_seconds,
        phase5_build.models.len(),
        phase5_build.training_seconds,
        phase5_build.inference_seconds,
        phase5_build.tables.iter().map(|t| t.seconds).sum::<f64>(),
    )?;
    writeln!(
        out,
        "{}",
        arrow::util::pretty::pretty_format_batches(&[phase5])?
    )?;
    writeln!(
        out,
        "\nThe trained points model (gbm_points_v1), one per cutoff:"
    )?;
    writeln!(
        out,
        "{}",
        arrow::util::pretty::pretty_format_batches(&[models])?
    )?;
    writeln!(
        out,
        "\nGraded predictions by season and system (hit rate: OVER/UNDER calls on real lines, pushes excluded; \
         oracle_mae: the generator's latent expected points on the same player-games):"
    )?;
    writeln!(
        out,
        "{}",
        arrow::util::pretty::pretty_format_batches(&graded)?
    )?;
    writeln!(
        out,
        "\nThe reference's scoring-tier adjustment on held-out dates (tiers by pre-game season average; \
         learned on D-30..D-1, applied to D). backcourt does not apply it (README, Phase 5, says why):"
    )?;
    writeln!(
        out,
        "{}",
        arrow::util::pretty::pretty_format_batches(&tier_adjustment)?
    )?;
    writeln!(out, "\nTables:")?;
    writeln!(
        out,
        "{}",
        arrow::util::pretty::pretty_format_batches(&tables)?
    )?;
    writeln!(
        out,
        "\nThe truth behind the league (player-games that were played):"
    )?;
    writeln!(
        out,
        "{}",
        arrow::util::pretty::pretty_format_batches(&truth)?
    )?;
    writeln!(
        out,
        "\nNext: backcourt --lake {root} query \"SELECT * FROM nba_raw.nbac_schedule LIMIT 5\""
    )?;
    Ok(())
}

/// Per built table: rows, dates with rows, and how they cover the calendar's
/// game dates (the expectation comes from the schedule, not the table).
fn coverage_summary(
    lake: &Lake,
    calendar: &Calendar,
    built: &[backcourt::engine::TableBuild],
) -> Result<RecordBatch> {
    let game_dates: std::collections::BTreeSet<_> = calendar.game_dates().collect();
    let rows = built
        .iter()
        .map(|t| {
            let (table, stats) = (t.table, &t.written);
            let dates = partition_dates(lake, table)?;
            let missing = game_dates.difference(&dates).count() as u64;
            let extra = dates.difference(&game_dates).count() as u64;
            Ok(vec![
                table.to_string().into(),
                stats.rows.into(),
                (dates.len() as u64).into(),
                (game_dates.len() as u64).into(),
                missing.into(),
                extra.into(),
            ])
        })
        .collect::<Result<Vec<_>>>()?;
    record_batch(
        &[
            "table",
            "rows",
            "dates",
            "calendar_game_dates",
            "missing_dates",
            "extra_dates",
        ],
        rows,
    )
}

/// Per Phase 4 table: rows, failure rows, and how its dates cover the
/// calendar's non-bootstrap game dates (the dates it owes rows for). A date
/// without rows is accounted for when the table's failure rows explain it.
fn phase4_summary(engine: &Engine, build: &precompute::Build) -> Result<RecordBatch> {
    use arrow::array::AsArray;
    let lake = engine.lake();
    let owed: std::collections::BTreeSet<_> = build.game_dates.iter().copied().collect();
    let rows = build
        .tables
        .iter()
        .map(|t| {
            let dates = partition_dates(lake, t.table)?;
            let mut failed = std::collections::BTreeSet::new();
            for b in engine.query(&format!(
                "SELECT DISTINCT analysis_date FROM nba_processing.processing_failures WHERE table_name = '{}'",
                t.table.name()
            ))? {
                let col = b.column(0).as_primitive::<arrow::datatypes::Date32Type>();
                failed.extend(col.iter().flatten().map(backcourt::dates::date32_to_date));
            }
            let without_rows: Vec<_> = owed.difference(&dates).copied().collect();
            let explained = without_rows.iter().filter(|d| failed.contains(*d)).count() as u64;
            Ok(vec![
                t.table.to_string().into(),
                t.written.rows.into(),
                (t.failures as u64).into(),
                (dates.len() as u64).into(),
                (owed.len() as u64).into(),
                explained.into(),
                (without_rows.len() as u64 - explained).into(),
                format!("{:.1}", t.seconds).into(),
            ])
        })
        .collect::<Result<Vec<_>>>()?;
    record_batch(
        &[
            "table",
            "rows",
            "failures",
            "dates",
            "game_dates_owed",
            "dates_only_failures",
            "missing_dates",
            "seconds",
        ],
        rows,
    )
}

/// The dates `table` has partitions for.
fn partition_dates(lake: &Lake, table: TableId) -> Result<std::collections::BTreeSet<NaiveDate>> {
    Ok(lake
        .partitions(table)?
        .into_iter()
        .filter_map(|p| p.date)
        .collect())
}

fn fixtures_rows(batch: &RecordBatch) -> u64 {
    use arrow::array::AsArray;
    batch
        .column(1)
        .as_primitive::<arrow::datatypes::UInt64Type>()
        .iter()
        .flatten()
        .sum()
}

/// One row per season: opening night, bootstrap, game dates and games by kind.
fn calendar_summary(engine: &Engine) -> Result<Vec<RecordBatch>> {
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
fn tables_summary(engine: &Engine) -> Result<Vec<RecordBatch>> {
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
            Producer::Unbuilt => "not built yet",
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
