//! `backcourt mirror`: raw tables from BigQuery into the lake.
//!
//! Per table, one `EXPORT DATA` job writes the range's rows as Parquet into
//! a staging bucket (BigQuery shards large results over several files); the
//! files are read back through the Cloud Storage API, checked against the
//! raw contract exactly as `import` checks a file, and deleted. Only when
//! every table has been read and checked is anything written: then each
//! table's partitions of the range are replaced (a date without rows in
//! BigQuery loses its partition, so the lake mirrors the source).
//!
//! Why EXPORT DATA rather than paging query results: Parquet keeps the
//! types and is read in bulk, and the job count per table stays one
//! whatever the range. (The Storage Read API would avoid the bucket, but it
//! is gRPC only.)

use std::path::PathBuf;
use std::time::Instant;

use futures::{StreamExt, TryStreamExt};

use crate::cloud::bigquery::{BigQuery, TableRef};
use crate::cloud::gcs::Gcs;
use crate::cloud::{self, GsUrl};
use crate::dates::DateRange;
use crate::import;
use crate::lake::{Lake, WriteScope};
use crate::registry::{Phase, TableId};

/// Objects downloaded at once.
const DOWNLOADS_IN_FLIGHT: usize = 8;

/// Why a mirror stopped; nothing was written to the lake.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{table}: {source}")]
    Cloud {
        table: TableId,
        #[source]
        source: cloud::Error,
    },
    #[error(transparent)]
    Contract(#[from] import::Error),
    #[error("{0} is not a raw table: mirror pulls inputs, derived tables are computed here")]
    NotRaw(TableId),
    #[error(transparent)]
    Setup(#[from] cloud::Error),
    #[error(transparent)]
    Lake(#[from] crate::lake::Error),
    #[error(transparent)]
    Lock(#[from] crate::backfill::lock::LockError),
    #[error("mirror: {0}")]
    Runtime(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What to pull.
#[derive(Debug, Clone)]
pub struct MirrorOptions {
    pub project: String,
    /// Raw tables; each must exist in BigQuery as `<dataset>.<table>`.
    pub tables: Vec<TableId>,
    /// The range of a date-partitioned table; reference tables are pulled
    /// whole.
    pub range: DateRange,
    /// Where EXPORT DATA writes its files (deleted after reading).
    pub staging: GsUrl,
}

/// What one table's mirror did.
#[derive(Debug, Clone)]
pub struct TableMirror {
    pub table: TableId,
    pub rows: u64,
    /// Parquet files the export produced.
    pub files: u64,
    pub partitions_written: u64,
    pub partitions_deleted: u64,
    pub seconds: f64,
}

/// Pulls every table of `options` into `lake`: all are read and checked
/// first, then written.
pub fn mirror(lake: &Lake, options: &MirrorOptions) -> Result<Vec<TableMirror>> {
    if let Some(&t) = options.tables.iter().find(|t| t.phase() != Phase::Raw) {
        return Err(Error::NotRaw(t));
    }
    // One writer per lake: the raw partitions it replaces are what a run
    // reads. Taken first, so a mirror beside a run refuses before pulling.
    let _lock = crate::backfill::lock::acquire(lake, "backcourt mirror")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let run = format!("backcourt-mirror-{}", cloud::run_id());
    let pulled = runtime.block_on(async {
        let bq = BigQuery::connect(&options.project).await?;
        let gcs = Gcs::connect().await?;
        let mut pulled = Vec::new();
        for &table in &options.tables {
            let started = Instant::now();
            let (batches, files) = pull(&bq, &gcs, options, table, &run).await?;
            tracing::info!(
                "{table}: {} rows in {files} files pulled and checked",
                batches.iter().map(|b| b.num_rows()).sum::<usize>()
            );
            pulled.push((table, batches, files, started.elapsed().as_secs_f64()));
        }
        Ok::<_, Error>(pulled)
    })?;

    let mut reports = Vec::new();
    for (table, batches, files, seconds) in pulled {
        let started = Instant::now();
        let scope = match table.def().date_column {
            Some(_) => WriteScope::Range(options.range),
            None => WriteScope::DatesPresent,
        };
        let stats = lake.write(table, &batches, scope)?;
        reports.push(TableMirror {
            table,
            rows: stats.rows,
            files,
            partitions_written: stats.partitions_written,
            partitions_deleted: stats.partitions_deleted,
            seconds: seconds + started.elapsed().as_secs_f64(),
        });
    }
    Ok(reports)
}

/// One table: export, read back and check, then delete the staged files
/// (whether or not the reading succeeded).
async fn pull(
    bq: &BigQuery,
    gcs: &Gcs,
    options: &MirrorOptions,
    table: TableId,
    run: &str,
) -> Result<(Vec<arrow::array::RecordBatch>, u64)> {
    let cloud = |source| Error::Cloud { table, source };
    let def = table.def();
    let source = TableRef::new(bq.project(), table.dataset().name(), table.name());
    let prefix = options
        .staging
        .object(&format!("{run}/{}.{}", table.dataset(), table.name()));
    let filter = match def.date_column {
        Some(col) => format!(
            " WHERE `{col}` BETWEEN DATE '{}' AND DATE '{}'",
            options.range.start, options.range.end
        ),
        None => String::new(),
    };
    let sql = format!(
        "EXPORT DATA OPTIONS (uri = '{}', format = 'PARQUET', overwrite = true) AS SELECT * FROM {}{filter}",
        options.staging.uri(&format!("{prefix}/*.parquet")),
        source.sql()
    );
    let listed = async {
        bq.execute(&sql, &format!("export of {source}")).await?;
        gcs.list(&options.staging.bucket, &format!("{prefix}/"))
            .await
    }
    .await;
    let names = match listed {
        Ok(names) => names,
        Err(e) => {
            // An export that failed midway may have left files.
            if let Ok(names) = gcs
                .list(&options.staging.bucket, &format!("{prefix}/"))
                .await
            {
                delete_all(gcs, &options.staging.bucket, &names).await;
            }
            return Err(cloud(e));
        }
    };
    let read = futures::stream::iter(names.iter().map(|name| async move {
        let bytes = gcs
            .download(&options.staging.bucket, name)
            .await
            .map_err(|source| Error::Cloud { table, source })?;
        let uri = PathBuf::from(options.staging.uri(name));
        let batch = import::check_parquet(table, &uri, bytes)?;
        Ok::<_, Error>((uri, batch))
    }))
    .buffered(DOWNLOADS_IN_FLIGHT)
    .try_collect::<Vec<_>>()
    .await;
    delete_all(gcs, &options.staging.bucket, &names).await;
    let read = read?;
    import::check_unique(table, &read)?;
    let batches = read.into_iter().map(|(_, batch)| batch).collect();
    Ok((batches, names.len() as u64))
}

async fn delete_all(gcs: &Gcs, bucket: &str, names: &[String]) {
    for name in names {
        if let Err(e) = gcs.delete(bucket, name).await {
            tracing::warn!("mirror: could not delete the staged gs://{bucket}/{name}: {e}");
        }
    }
}
