//! The lake's own commands: `fixtures generate`, `import`, `tables` and
//! `calendar` (and the league arguments `demo` shares).

use std::path::Path;
use std::time::Instant;

use anyhow::{Context as _, Result};
use arrow::array::RecordBatch;
use chrono::NaiveDate;
use clap::{Args as ClapArgs, Subcommand};

use backcourt::calendar::{parse_seasons, Calendar, GameKind, Season};
use backcourt::engine::Engine;
use backcourt::fixtures::{self, GenerateConfig};
use backcourt::lake::{Lake, WriteStats};
use backcourt::registry::{Producer, TableId};

use super::config::LakeRoot;
use super::output::{print_batches, record_batch, UsageError};

#[derive(Debug, ClapArgs)]
pub(super) struct DemoArgs {
    /// Seasons to generate, e.g. 2021-22..2024-25 or 2023-24.
    #[arg(long, default_value = "2021-22..2024-25", value_parser = parse_season_list)]
    pub(super) seasons: SeasonList,
    /// Random seed; the same seed gives byte-identical Parquet.
    #[arg(long, default_value_t = 7)]
    pub(super) seed: u64,
}

#[derive(Debug, Subcommand)]
pub(super) enum FixturesCommand {
    /// Write every raw table of the contract for the given seasons, deterministically.
    ///
    /// Partitions within the generated date span are replaced; other dates and
    /// tables in the lake are kept.
    Generate(GenerateArgs),
}

#[derive(Debug, ClapArgs)]
pub(super) struct GenerateArgs {
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
    /// End the league after this date (inclusive): the seasons' first weeks
    /// only, each date exactly as in the whole league. Not before the last
    /// season's opening night.
    #[arg(long, value_name = "YYYY-MM-DD")]
    through: Option<NaiveDate>,
}

/// The seasons of `--seasons`, in order.
#[derive(Debug, Clone)]
pub(super) struct SeasonList(pub(super) Vec<Season>);

fn parse_season_list(s: &str) -> Result<SeasonList, String> {
    parse_seasons(s).map(SeasonList).map_err(|e| e.to_string())
}

pub(super) fn cmd_generate(root: &LakeRoot, args: &GenerateArgs, json: bool) -> Result<()> {
    let config = GenerateConfig {
        scheduled_last_day: args.leave_last_day_scheduled,
        realistic: args.realistic,
        through: args.through,
        ..args.league.config()
    };
    if let (Some(through), Some(&last)) = (config.through, config.seasons.last()) {
        let opening = fixtures::opening_night(last);
        if through < opening {
            return Err(UsageError(format!(
                "--through {through} is before {last}'s opening night, {opening}"
            ))
            .into());
        }
    }
    let lake = root.open()?;
    let (stats, _) = generate_into(&lake, &config)?;
    print_batches(&[stats], json)
}

impl DemoArgs {
    /// The whole, played league of these seasons and seed.
    pub(super) fn config(&self) -> GenerateConfig {
        GenerateConfig::new(self.seasons.0.clone(), self.seed)
    }
}

/// Generates and writes the league; returns per-table write stats and timings.
pub(super) fn generate_into(
    lake: &Lake,
    config: &GenerateConfig,
) -> Result<(RecordBatch, [f64; 2])> {
    let t = Instant::now();
    let league = fixtures::generate(config);
    let generated = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let written = fixtures::write(lake, &league)
        .with_context(|| format!("writing the league into {}", lake.root()))?;
    let wrote = t.elapsed().as_secs_f64();
    tracing::info!(generated, wrote, "league written");
    Ok((written_table(&written)?, [generated, wrote]))
}

pub(super) fn cmd_import(root: &LakeRoot, path: &Path, json: bool) -> Result<()> {
    let lake = root.open()?;
    let report = backcourt::import::import(&lake, path)?;
    print_batches(&[written_table(&report.tables)?], json)
}

/// One row per table written: rows, partitions and bytes.
fn written_table(written: &[(TableId, WriteStats)]) -> Result<RecordBatch> {
    record_batch(
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
    )
}

/// One row per season: opening night, bootstrap, game dates and games by kind.
pub(super) fn calendar_summary(engine: &Engine) -> Result<Vec<RecordBatch>> {
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
pub(super) fn tables_summary(engine: &Engine) -> Result<Vec<RecordBatch>> {
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
            Producer::Kernel { .. } => "rust kernel + sql",
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
