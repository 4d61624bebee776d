//! The BigQuery commands: `export` (lake → BigQuery) and `mirror`
//! (BigQuery → lake).

use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use clap::Args as ClapArgs;

use backcourt::cloud::GsUrl;
use backcourt::config::Settings;
use backcourt::dates::DateRange;
use backcourt::export::{self, ExportOptions};
use backcourt::mirror::{self, MirrorOptions};
use backcourt::registry::{Phase, TableId};

use super::config::LakeRoot;
use super::output::{print_batches, record_batch, Cell, UsageError};

#[derive(Debug, ClapArgs)]
#[command(after_help = EXPORT_HELP)]
pub struct ExportArgs {
    /// The BigQuery project to write to [env: BACKCOURT_BQ_PROJECT; file:
    /// bigquery.project].
    #[arg(long)]
    pub project: Option<String>,
    /// Tables to export, as dataset.table or table [default: every derived
    /// table with rows in the lake].
    #[arg(long, value_delimiter = ',', value_name = "TABLE,...")]
    pub tables: Vec<String>,
    /// First date of the range to replace (with --end) [default: each
    /// table's whole span in the lake].
    #[arg(long, requires = "end", value_name = "YYYY-MM-DD")]
    pub start: Option<NaiveDate>,
    /// Last date of the range, inclusive (with --start).
    #[arg(long, requires = "start", value_name = "YYYY-MM-DD")]
    pub end: Option<NaiveDate>,
    /// Stage the Parquet files in this bucket and load them by URI, instead
    /// of uploading them to BigQuery directly [file: bigquery.staging].
    #[arg(long, value_name = "gs://BUCKET/PREFIX")]
    pub staging: Option<String>,
    /// Location of the datasets the export creates (e.g. US, EU) [file:
    /// bigquery.location].
    #[arg(long)]
    pub location: Option<String>,
}

const EXPORT_HELP: &str = "\
Per table, whatever the number of dates: one load job of one Parquet file
into a staging table, then one query job that, in a transaction, deletes the
range from the target and inserts the staged rows; the staging table is then
dropped. A failed table leaves its target as it was; a rerun leaves it
identical. Missing datasets and tables are created from the registry
(partitioned by day on the table's date column, clustered like the reference).

Credentials: application default credentials (GOOGLE_APPLICATION_CREDENTIALS
or `gcloud auth application-default login`). BIGQUERY_EMULATOR_HOST and
STORAGE_EMULATOR_HOST point the clients at emulators.

The project, staging bucket and location can be set once in backcourt.toml
under [bigquery] (`backcourt config --help`); a flag overrides the file.

Examples:
  backcourt export --project my-proj
  backcourt export --project my-proj --tables player_game_summary --start 2024-01-01 --end 2024-01-31
  backcourt export --project my-proj --staging gs://my-bucket/backcourt-staging

Exit codes: 0 every table exported; 1 a table failed (named, its target
unchanged); 2 usage.";

#[derive(Debug, ClapArgs)]
#[command(after_help = MIRROR_HELP)]
pub struct MirrorArgs {
    /// The BigQuery project to read from [env: BACKCOURT_BQ_PROJECT; file:
    /// bigquery.project].
    #[arg(long)]
    pub project: Option<String>,
    /// Raw tables to pull, as dataset.table or table.
    #[arg(long, value_delimiter = ',', required = true, value_name = "TABLE,...")]
    pub tables: Vec<String>,
    /// First date (with --end).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub start: NaiveDate,
    /// Last date, inclusive.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub end: NaiveDate,
    /// The bucket the EXPORT DATA job writes Parquet files to before they are
    /// read back (the files are deleted afterwards) [file: bigquery.staging].
    #[arg(long, value_name = "gs://BUCKET/PREFIX")]
    pub staging: Option<String>,
}

const MIRROR_HELP: &str = "\
Per table: one EXPORT DATA job writes the range's rows as Parquet into the
staging bucket; the files are read back, checked against the raw contract
exactly like `import` (a missing column or a lossy type stops the mirror
with the table and column named, and nothing is written), then every
partition of the range is replaced in the lake.

Examples:
  backcourt mirror --project my-proj --tables nbac_schedule,bdl_player_boxscores \\
      --start 2024-10-22 --end 2025-04-13 --staging gs://my-bucket/mirror";

fn tables(names: &[String]) -> Result<Vec<TableId>> {
    names
        .iter()
        .map(|n| n.parse::<TableId>().map_err(anyhow::Error::from))
        .collect()
}

fn range(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Result<Option<DateRange>> {
    match (start, end) {
        (Some(s), Some(e)) => DateRange::new(s, e)
            .map(Some)
            .ok_or_else(|| UsageError(format!("--start {s} is after --end {e}")).into()),
        _ => Ok(None),
    }
}

/// The staging bucket, if set; a bad one is named with where it came from
/// (a flag, or the settings file).
fn staging(settings: &Settings) -> Result<Option<GsUrl>> {
    let Some(s) = settings.staging.value.as_deref() else {
        return Ok(None);
    };
    s.parse::<GsUrl>().map(Some).map_err(|e| {
        UsageError(format!(
            "staging bucket {} ({}): {e}",
            backcourt::config::redact(s),
            settings.staging.source
        ))
        .into()
    })
}

/// The project from `--project`, `BACKCOURT_BQ_PROJECT` or the file.
fn project(settings: &Settings) -> Result<String> {
    settings.project.value.clone().ok_or_else(|| {
        UsageError(
            "no BigQuery project: pass --project, set BACKCOURT_BQ_PROJECT, or set `project` \
             under [bigquery] in backcourt.toml"
                .into(),
        )
        .into()
    })
}

/// `export`, with `settings` holding its flags layered over the
/// environment and the file.
pub fn cmd_export(
    root: &LakeRoot,
    settings: &Settings,
    args: &ExportArgs,
    json: bool,
) -> Result<()> {
    let options = ExportOptions {
        project: project(settings)?,
        tables: tables(&args.tables)?,
        range: range(args.start, args.end)?,
        staging: staging(settings)?,
        location: settings.location.value.clone(),
    };
    let lake = root.open()?;
    let reports = export::export(&lake, &options)?;
    if reports.is_empty() {
        eprintln!("Nothing to export: no table named has rows in the lake for the range.");
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        let rows = reports
            .iter()
            .map(|r| {
                vec![
                    Cell::from(r.table.clone()),
                    Cell::from(r.start.map(|d| d.to_string()).unwrap_or_default()),
                    Cell::from(r.end.map(|d| d.to_string()).unwrap_or_default()),
                    Cell::from(r.rows),
                    Cell::from(r.parquet_bytes),
                    Cell::from(r.jobs),
                    Cell::from(if r.error.is_some() {
                        "FAILED"
                    } else if r.created_target {
                        "created"
                    } else {
                        "replaced"
                    }),
                    Cell::from(format!("{:.1}", r.seconds)),
                ]
            })
            .collect();
        print_batches(
            &[record_batch(
                &[
                    "table", "start", "end", "rows", "bytes", "jobs", "target", "seconds",
                ],
                rows,
            )?],
            false,
        )?;
    }
    let failed: Vec<String> = reports
        .iter()
        .filter_map(|r| r.error.as_ref().map(|e| format!("{}: {e}", r.table)))
        .collect();
    if !failed.is_empty() {
        anyhow::bail!(
            "{} of {} tables failed to export (their BigQuery tables are unchanged):\n  {}",
            failed.len(),
            reports.len(),
            failed.join("\n  ")
        );
    }
    Ok(())
}

/// `mirror`, with `settings` holding its flags layered over the
/// environment and the file.
pub fn cmd_mirror(
    root: &LakeRoot,
    settings: &Settings,
    args: &MirrorArgs,
    json: bool,
) -> Result<()> {
    let tables = tables(&args.tables)?;
    if let Some(t) = tables.iter().find(|t| t.phase() != Phase::Raw) {
        return Err(UsageError(format!(
            "{t} is not a raw table: mirror pulls inputs; derived tables are computed here"
        ))
        .into());
    }
    let staging = staging(settings)?.ok_or_else(|| {
        UsageError(
            "no staging bucket: pass --staging gs://BUCKET/PREFIX, or set `staging` under \
             [bigquery] in backcourt.toml"
                .into(),
        )
    })?;
    let options = MirrorOptions {
        project: project(settings)?,
        tables,
        range: range(Some(args.start), Some(args.end))?.expect("both bounds given"),
        staging,
    };
    let lake = root.open()?;
    let reports = mirror::mirror(&lake, &options).context("mirror")?;
    let rows = reports
        .iter()
        .map(|r| {
            vec![
                Cell::from(r.table.to_string()),
                Cell::from(r.rows),
                Cell::from(r.files),
                Cell::from(r.partitions_written),
                Cell::from(r.partitions_deleted),
                Cell::from(format!("{:.1}", r.seconds)),
            ]
        })
        .collect();
    print_batches(
        &[record_batch(
            &[
                "table",
                "rows",
                "files",
                "partitions_written",
                "partitions_deleted",
                "seconds",
            ],
            rows,
        )?],
        json,
    )
}
