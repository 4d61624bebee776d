//! `backcourt export`: lake tables to BigQuery in bulk.
//!
//! Per table, whatever the number of dates, exactly two jobs:
//! 1. **one load job** of one Parquet file holding the table's rows for the
//!    range into a staging table (a resumable upload straight to BigQuery, or,
//!    with a staging bucket, the file written to GCS and loaded by URI);
//! 2. **one query job**, a transaction that deletes the range from the target
//!    and inserts the staging rows.
//!
//! The staging table and object are then dropped. Because the swap is one
//! transaction, a failed export leaves the target as it was, and a rerun
//! leaves it identical (the range is replaced, never appended to). Datasets
//! and targets are created from the registry when missing: day-partitioned on
//! the table's date column and clustered like the reference tables.

use std::time::Instant;

use chrono::NaiveDate;
use futures::StreamExt;

use crate::cloud::bigquery::{BigQuery, TableRef};
use crate::cloud::gcs::Gcs;
use crate::cloud::{self, GsUrl};
use crate::dates::DateRange;
use crate::engine::{self, Engine};
use crate::lake::Lake;
use crate::registry::{Phase, TableDef, TableId};

/// How many tables are in flight at once (their jobs wait on BigQuery, not
/// on this machine).
const TABLES_IN_FLIGHT: usize = 4;

/// Errors of an export; each names the table it concerns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{table}: {source}")]
    Cloud {
        table: TableId,
        #[source]
        source: cloud::Error,
    },
    #[error("{table}: {source}")]
    Engine {
        table: TableId,
        #[source]
        source: engine::Error,
    },
    #[error(transparent)]
    Setup(#[from] cloud::Error),
    #[error(transparent)]
    Lake(#[from] crate::lake::Error),
    #[error(transparent)]
    Lock(#[from] crate::backfill::lock::LockError),
    #[error("{table}: its partitions changed while the export read them (another process wrote the lake); nothing was exported: run the export again")]
    Changed { table: TableId },
    #[error(transparent)]
    Open(#[from] engine::Error),
    #[error("export: {0}")]
    Runtime(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub project: String,
    /// Empty: every derived table (all phases but raw) that has rows.
    pub tables: Vec<TableId>,
    /// `None`: each table's whole span in the lake.
    pub range: Option<DateRange>,
    /// Write the Parquet files here and load them by URI, instead of
    /// uploading them to BigQuery directly.
    pub staging: Option<GsUrl>,
    /// Location of datasets created by the export (BigQuery's default when
    /// `None`).
    pub location: Option<String>,
}

/// What happened to one table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TableExport {
    pub table: String,
    /// The date range replaced in the target; `None` for an unpartitioned
    /// table (replaced whole).
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub rows: u64,
    pub parquet_bytes: u64,
    /// BigQuery jobs this table took (a load and a query).
    pub jobs: u64,
    pub created_target: bool,
    pub seconds: f64,
    /// The error, when the table failed (its target is then unchanged).
    pub error: Option<String>,
}

/// One table's work, prepared from the lake.
struct Prepared {
    table: TableId,
    range: Option<DateRange>,
    rows: u64,
    parquet: Vec<u8>,
}

/// Exports the tables `options` names; every table is attempted, and the
/// report says which failed.
///
/// The tables are read while no writer holds the lake: an export beside a
/// run refuses, naming it, and one whose tables changed while it read them
/// (a run that started meanwhile) exports nothing. Exports do not lock the
/// lake themselves, so two can read it at once; the uploads read only the
/// snapshot taken.
pub fn export(lake: &Lake, options: &ExportOptions) -> Result<Vec<TableExport>> {
    let tables = if options.tables.is_empty() {
        TableId::ALL
            .iter()
            .copied()
            .filter(|t| t.phase() != Phase::Raw)
            .collect()
    } else {
        options.tables.clone()
    };
    crate::backfill::lock::check_unlocked(lake)?;
    let listed = tables
        .iter()
        .map(|&t| Ok((t, lake.partitions(t)?)))
        .collect::<Result<Vec<_>>>()?;
    let engine = Engine::open(lake)?;
    let run = cloud::run_id();
    let scratch = scratch_dir(&run)?;
    let mut prepared = Vec::new();
    tracing::info!("reading {} tables from the lake", tables.len());
    let mut empty = Vec::new();
    for table in tables {
        match prepare(&engine, table, options.range, &scratch.0)? {
            Some(p) => prepared.push(p),
            None => empty.push(table.to_string()),
        }
    }
    drop(engine);
    crate::backfill::lock::check_unlocked(lake)?;
    for (table, before) in listed {
        if lake.partitions(table)? != before {
            return Err(Error::Changed { table });
        }
    }
    if !empty.is_empty() {
        tracing::info!(
            "not exported, no rows in the lake for the range: {}",
            empty.join(", ")
        );
    }
    if prepared.is_empty() {
        return Ok(Vec::new());
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let bq = BigQuery::connect(&options.project).await?;
        let gcs = match &options.staging {
            Some(_) => Some(Gcs::connect().await?),
            None => None,
        };
        // Datasets first, once each, so tables in flight never race to
        // create the same one.
        let mut datasets: Vec<&str> = prepared.iter().map(|p| p.table.dataset().name()).collect();
        datasets.sort();
        datasets.dedup();
        for ds in datasets {
            bq.ensure_dataset(ds, options.location.as_deref()).await?;
        }
        let reports = futures::stream::iter(prepared.into_iter().map(|p| {
            let (bq, gcs, run) = (&bq, gcs.as_ref(), &run);
            async move { export_one(bq, gcs, options, p, run).await }
        }))
        .buffered(TABLES_IN_FLIGHT)
        .collect::<Vec<_>>()
        .await;
        Ok(reports)
    })
}

/// Reads one table's rows for the range into one Parquet file.
fn prepare(
    engine: &Engine,
    table: TableId,
    range: Option<DateRange>,
    scratch: &std::path::Path,
) -> Result<Option<Prepared>> {
    let def = table.def();
    let parts = engine.lake().partitions(table)?;
    let range = match (def.date_column, range) {
        (None, _) => None,
        (Some(_), Some(r)) => Some(r),
        (Some(_), None) => {
            let dates: Vec<NaiveDate> = parts.iter().filter_map(|p| p.date).collect();
            match (dates.first(), dates.last()) {
                (Some(&s), Some(&e)) => Some(DateRange::new(s, e).expect("sorted dates")),
                _ => return Ok(None),
            }
        }
    };
    if def.date_column.is_none() && parts.is_empty() {
        return Ok(None);
    }
    let columns = column_list(def, '"');
    let filter = match (def.date_column, range) {
        (Some(col), Some(r)) => format!(
            "WHERE \"{col}\" BETWEEN DATE '{}' AND DATE '{}'",
            r.start, r.end
        ),
        _ => String::new(),
    };
    let order = def
        .date_column
        .iter()
        .chain(def.grain)
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let file = scratch.join(format!("{}.{}.parquet", table.dataset(), table.name()));
    let sql = format!("SELECT {columns} FROM {table} {filter} ORDER BY {order}");
    let rows = engine
        .copy_to_parquet(&sql, &file)
        .map_err(|source| Error::Engine { table, source })?;
    let parquet = std::fs::read(&file)?;
    std::fs::remove_file(&file)?;
    Ok(Some(Prepared {
        table,
        range,
        rows,
        parquet,
    }))
}

async fn export_one(
    bq: &BigQuery,
    gcs: Option<&Gcs>,
    options: &ExportOptions,
    p: Prepared,
    run: &str,
) -> TableExport {
    let started = Instant::now();
    let table = p.table;
    let mut report = TableExport {
        table: table.to_string(),
        start: p.range.map(|r| r.start),
        end: p.range.map(|r| r.end),
        rows: p.rows,
        parquet_bytes: p.parquet.len() as u64,
        jobs: 0,
        created_target: false,
        seconds: 0.0,
        error: None,
    };
    let def = table.def();
    let target = TableRef::new(bq.project(), table.dataset().name(), table.name());
    let staging = TableRef::new(
        bq.project(),
        table.dataset().name(),
        &format!("_backcourt_staging_{}_{run}", table.name()),
    );
    let staged_object = options.staging.as_ref().map(|url| {
        (
            url,
            url.object(&format!(
                "{}.{}-{run}.parquet",
                table.dataset(),
                table.name()
            )),
        )
    });

    let result = async {
        if bq.get_table(&target).await?.is_none() {
            bq.create_table(&target, def, &clustering(def)).await?;
            report.created_target = true;
        }
        match (&staged_object, gcs) {
            (Some((url, object)), Some(gcs)) => {
                gcs.upload(&url.bucket, object, p.parquet).await?;
                report.jobs += 1;
                bq.load_uris(&staging, def, &[url.uri(object)]).await?;
            }
            _ => {
                report.jobs += 1;
                bq.load_upload(&staging, def, &p.parquet).await?;
            }
        }
        report.jobs += 1;
        bq.execute(
            &swap_sql(def, &target, &staging, p.range),
            &format!("swap into {target}"),
        )
        .await?;
        Ok::<_, cloud::Error>(())
    }
    .await;

    // Clean up whatever happened; a cleanup failure is reported but does not
    // undo a successful swap.
    let mut cleanup = bq.delete_table(&staging).await.err();
    if let (Some((url, object)), Some(gcs)) = (&staged_object, gcs) {
        cleanup = cleanup.or(gcs.delete(&url.bucket, object).await.err());
    }
    if let Err(e) = result {
        report.error = Some(e.to_string());
        // "As it was" includes not existing: a target this run created is
        // dropped again (it can only hold no rows, the swap having failed).
        if report.created_target {
            match bq.delete_table(&target).await {
                Ok(()) => report.created_target = false,
                Err(e) => {
                    tracing::warn!(%table, "could not drop the target this failed export created: {e}")
                }
            }
        }
    } else if let Some(e) = cleanup {
        tracing::warn!(%table, "exported, but cleaning up the staging failed: {e}");
    }
    report.seconds = started.elapsed().as_secs_f64();
    match &report.error {
        None => tracing::info!(
            "{table}: {} rows exported in {:.1} s ({} jobs)",
            report.rows,
            report.seconds,
            report.jobs
        ),
        Some(e) => tracing::error!("{table}: export failed, target unchanged: {e}"),
    }
    report
}

/// The transaction that replaces the range in the target with the staging
/// rows. BigQuery rolls the whole transaction back if a statement fails.
pub fn swap_sql(
    def: &TableDef,
    target: &TableRef,
    staging: &TableRef,
    range: Option<DateRange>,
) -> String {
    let columns = column_list(def, '`');
    let delete_filter = match (def.date_column, range) {
        (Some(col), Some(r)) => format!("`{col}` BETWEEN DATE '{}' AND DATE '{}'", r.start, r.end),
        _ => "TRUE".into(),
    };
    format!(
        "BEGIN TRANSACTION;\n\
         DELETE FROM {target} WHERE {delete_filter};\n\
         INSERT INTO {target} ({columns}) SELECT {columns} FROM {staging};\n\
         COMMIT TRANSACTION;",
        target = target.sql(),
        staging = staging.sql(),
    )
}

/// The table's columns in registry order, each in `quote`s (DuckDB's `"`,
/// BigQuery's `` ` ``), comma-separated.
fn column_list(def: &TableDef, quote: char) -> String {
    def.columns
        .iter()
        .map(|c| format!("{quote}{}{quote}", c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The clustering columns of a target: the registry's (the reference's,
/// spec/reference-phase3..5), else the grain; at most four, as BigQuery
/// allows.
pub fn clustering(def: &TableDef) -> Vec<&'static str> {
    let declared = if def.clustering.is_empty() {
        def.grain
    } else {
        def.clustering
    };
    declared.iter().copied().take(4).collect()
}

/// A scratch directory removed on drop.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch_dir(run: &str) -> Result<Scratch> {
    let dir = std::env::temp_dir().join(format!("backcourt-export-{run}"));
    std::fs::create_dir_all(&dir)?;
    Ok(Scratch(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry test checks the declared clustering's columns; what
    /// export adds is the grain where none is declared.
    #[test]
    fn clustering_is_the_declared_else_the_grain() {
        assert_eq!(
            clustering(TableId::PredictionAccuracy.def()),
            ["system_id", "player_lookup"]
        );
        assert!(TableId::ProcessingFailures.def().clustering.is_empty());
        assert_eq!(
            clustering(TableId::ProcessingFailures.def()),
            [
                "table_name",
                "analysis_date",
                "entity_id",
                "failure_category"
            ]
        );
    }

    #[test]
    fn the_swap_replaces_only_the_range() {
        let def = TableId::PlayerGameSummary.def();
        let target = TableRef::new("p", "nba_analytics", "player_game_summary");
        let staging = TableRef::new("p", "nba_analytics", "_s");
        let range =
            DateRange::new("2024-01-01".parse().unwrap(), "2024-01-31".parse().unwrap()).unwrap();
        let sql = swap_sql(def, &target, &staging, Some(range));
        assert!(sql.starts_with("BEGIN TRANSACTION;"));
        assert!(sql.contains(
            "DELETE FROM `p.nba_analytics.player_game_summary` WHERE `game_date` BETWEEN DATE '2024-01-01' AND DATE '2024-01-31';"
        ));
        assert!(sql.trim_end().ends_with("COMMIT TRANSACTION;"));
        let reference = swap_sql(TableId::TravelDistances.def(), &target, &staging, None);
        assert!(reference.contains("WHERE TRUE"));
    }
}
