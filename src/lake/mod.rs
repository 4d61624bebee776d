//! The lake: every table as Hive-partitioned Parquet under one root.
//!
//! Layout (readable as is by DuckDB, Polars and BigQuery external tables with
//! Hive partitioning):
//!
//! ```text
//! <root>/<dataset>/<table>/<date_column>=YYYY-MM-DD/part-0.parquet   date-partitioned tables
//! <root>/<dataset>/<table>/part-0.parquet                           small reference tables
//! ```
//!
//! The root is a local directory, `gs://bucket/prefix` or `s3://bucket/prefix`;
//! it is resolved once into an [`ObjectStore`] here, and nothing else in the
//! crate branches on local versus cloud: a bucket lake is read by the engine
//! through a local cache kept in sync by object_store ([`cache`]). Following
//! the Hive convention, the date column lives in the path, not in the file.
//!
//! Guarantees:
//! - **Atomic partitions.** A partition is one object, and publishing it is
//!   one `put`: object_store's local backend writes a staging file beside the
//!   target and renames it into place (POSIX rename is atomic), and a GCS or
//!   S3 object is replaced whole. Readers therefore see the old file or the new
//!   one, never a mix, even if the writer dies mid-write; a staging file left
//!   by a killed writer never ends in `.parquet`, so no reader picks it up.
//! - **Byte-identical rewrites.** Rows are conformed to the registry schema
//!   and sorted by (date, grain) before encoding with fixed writer settings,
//!   so the same rows give the same bytes, whatever order they arrived in.
//! - **Range replacement.** [`WriteScope::Range`] replaces every partition of
//!   a date range: dates without rows lose their old partition.

mod cache;

use std::collections::BTreeMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, Date32Array, RecordBatch, UInt32Array};
use arrow::compute::{concat_batches, lexsort_to_indices, take_record_batch, SortColumn};
use arrow::datatypes::Schema;
use chrono::NaiveDate;
use futures::{StreamExt, TryStreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, PutPayload};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use rayon::prelude::*;

use crate::conform::{self, conform_batch};
use crate::dates::{date32_to_date, DateRange};
use crate::registry::{TableDef, TableId};
pub use cache::{default_cache_dir, SyncStats};
use cache::{Cache, Change};

/// The one file name of a partition.
pub const PART_FILE: &str = "part-0.parquet";

/// How many objects are written or deleted at once.
const IO_CONCURRENCY: usize = 16;

/// Errors of the storage seam; each names the table or path it concerns.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("lake root `{root}`: {reason}")]
    Root { root: String, reason: String },
    #[error("{table}: {source}")]
    Conform {
        table: TableId,
        #[source]
        source: conform::Error,
    },
    #[error("{table}: rows without a `{column}` (the partition date) cannot be written")]
    NullDate {
        table: TableId,
        column: &'static str,
    },
    #[error("{table}: rows dated {date} fall outside the range {range} being replaced")]
    OutsideRange {
        table: TableId,
        date: NaiveDate,
        range: DateRange,
    },
    #[error("{table}: encoding Parquet: {source}")]
    Encode {
        table: TableId,
        #[source]
        source: parquet::errors::ParquetError,
    },
    #[error("{table}: {source}")]
    Arrow {
        table: TableId,
        #[source]
        source: arrow::error::ArrowError,
    },
    #[error("lake `{path}`: {source}")]
    Store {
        path: String,
        #[source]
        source: object_store::Error,
    },
    #[error("lake cache `{path}`: {source}")]
    Cache {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("lake: {0}")]
    Runtime(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which partitions a write replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteScope {
    /// The partitions of the dates that occur in the rows; others are kept
    /// (imports and the generator: a feed brings the dates it has).
    DatesPresent,
    /// Every partition of the range: dates without rows are emptied
    /// (a model's run over a range owns that range).
    Range(DateRange),
}

/// What a write did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    pub rows: u64,
    pub partitions_written: u64,
    pub partitions_deleted: u64,
    pub bytes: u64,
}

/// One partition present in the lake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// `None` for an unpartitioned table.
    pub date: Option<NaiveDate>,
    pub size: u64,
    /// The store's version tag: changes whenever the object is replaced
    /// (locally: inode, modification time in µs and size).
    pub e_tag: Option<String>,
}

/// A lake root and the object store behind it.
pub struct Lake {
    root: String,
    store: Arc<dyn ObjectStore>,
    /// Where the engine reads the files from: the root itself when local,
    /// the cache's directory for a bucket.
    local_root: PathBuf,
    /// A bucket lake's local copy of its partitions.
    cache: Option<Cache>,
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for Lake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lake").field("root", &self.root).finish()
    }
}

impl Lake {
    /// Opens (creating, when local) the lake at `root`: a directory path,
    /// `gs://bucket/prefix` or `s3://bucket/prefix`.
    ///
    /// Buckets are reached with the providers' usual settings from the
    /// environment: `GOOGLE_APPLICATION_CREDENTIALS` or
    /// `GOOGLE_SERVICE_ACCOUNT` for GCS; `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL` (any
    /// S3-compatible store) and `AWS_ALLOW_HTTP` for S3. The engine reads a
    /// bucket lake through a local cache ([`cache`]).
    pub fn open(root: &str) -> Result<Lake> {
        Self::open_with_cache(root, None)
    }

    /// [`Lake::open`], with a bucket lake's cache under `cache_base` instead
    /// of the default (`BACKCOURT_CACHE_DIR`, else the user's cache
    /// directory). A local lake has no cache and ignores it.
    pub fn open_with_cache(root: &str, cache_base: Option<&FsPath>) -> Result<Lake> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let store_error = |source| Error::Store {
            path: root.into(),
            source,
        };
        if let Some((scheme, rest)) = root.split_once("://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(Error::Root {
                    root: root.into(),
                    reason: "no bucket name".into(),
                });
            }
            let (store, endpoint): (Arc<dyn ObjectStore>, String) =
                match scheme {
                    "gs" => (
                        Arc::new(
                            object_store::gcp::GoogleCloudStorageBuilder::from_env()
                                .with_bucket_name(bucket)
                                .build()
                                .map_err(store_error)?,
                        ),
                        String::new(),
                    ),
                    "s3" => {
                        let builder =
                            object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
                        let endpoint = builder
                            .get_config_value(&object_store::aws::AmazonS3ConfigKey::Endpoint)
                            .unwrap_or_default();
                        (Arc::new(builder.build().map_err(store_error)?), endpoint)
                    }
                    _ => return Err(Error::Root {
                        root: root.into(),
                        reason:
                            "a lake is a local directory, gs://bucket/prefix or s3://bucket/prefix"
                                .into(),
                    }),
                };
            let prefix = prefix.trim_matches('/');
            let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                store
            } else {
                Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
            };
            let cache = Cache::for_root(root, &endpoint, cache_base)?;
            return Ok(Lake {
                root: root.into(),
                store,
                local_root: cache.dir().to_path_buf(),
                cache: Some(cache),
                runtime,
            });
        }
        std::fs::create_dir_all(root).map_err(|e| Error::Root {
            root: root.into(),
            reason: e.to_string(),
        })?;
        let abs = std::fs::canonicalize(root).map_err(|e| Error::Root {
            root: root.into(),
            reason: e.to_string(),
        })?;
        let store = LocalFileSystem::new_with_prefix(&abs)
            .map_err(store_error)?
            .with_automatic_cleanup(true);
        Ok(Lake {
            root: root.into(),
            store: Arc::new(store),
            local_root: abs,
            cache: None,
            runtime,
        })
    }

    /// The root as given.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// Whether the lake lives in a bucket (read through a local cache).
    pub fn is_remote(&self) -> bool {
        self.cache.is_some()
    }

    /// The local directory the engine reads: the root itself, or a bucket
    /// lake's cache (current for a table after [`Lake::sync`]).
    pub fn local_root(&self) -> &FsPath {
        &self.local_root
    }

    /// What this handle's cache syncs have done so far (`None` for a local
    /// lake): how much a bucket lake had to fetch.
    pub fn cache_totals(&self) -> Option<SyncStats> {
        self.cache.as_ref().map(Cache::totals)
    }

    /// The partitions of `table`, after bringing a bucket lake's cached copy
    /// of it up to date (the engine calls it before it reads the table).
    pub fn sync(&self, table: TableId) -> Result<Vec<Partition>> {
        let metas = self.list_table(table)?;
        if let Some(cache) = &self.cache {
            let prefix = Self::table_prefix(table);
            let stats = self
                .runtime
                .block_on(cache.sync(self.store.as_ref(), &prefix, &metas))?;
            if stats.fetched + stats.deleted > 0 {
                tracing::debug!(%table, ?stats, "cache synced");
            }
        }
        Ok(self.partitions_of(table, &metas))
    }

    /// `<dataset>/<table>`, relative to the root.
    pub fn table_prefix(table: TableId) -> String {
        format!("{}/{}", table.dataset().name(), table.name())
    }

    /// The relative path of one partition file.
    pub fn partition_path(table: TableId, date: Option<NaiveDate>) -> String {
        let def = table.def();
        match (def.date_column, date) {
            (Some(col), Some(d)) => format!("{}/{col}={d}/{PART_FILE}", Self::table_prefix(table)),
            _ => format!("{}/{PART_FILE}", Self::table_prefix(table)),
        }
    }

    /// The partitions a table has, in date order.
    pub fn partitions(&self, table: TableId) -> Result<Vec<Partition>> {
        let metas = self.list_table(table)?;
        Ok(self.partitions_of(table, &metas))
    }

    /// Every object below a table's prefix.
    fn list_table(&self, table: TableId) -> Result<Vec<object_store::ObjectMeta>> {
        let prefix = StorePath::from(Self::table_prefix(table));
        self.runtime
            .block_on(self.store.list(Some(&prefix)).try_collect())
            .map_err(|source| Error::Store {
                path: prefix.to_string(),
                source,
            })
    }

    fn partitions_of(&self, table: TableId, metas: &[object_store::ObjectMeta]) -> Vec<Partition> {
        let prefix = StorePath::from(Self::table_prefix(table));
        let date_col = table.def().date_column;
        let mut parts: Vec<Partition> = metas
            .iter()
            .filter(|m| m.location.filename() == Some(PART_FILE))
            .filter_map(|m| {
                let rel: Vec<_> = m.location.prefix_match(&prefix)?.collect();
                let date = match (date_col, rel.as_slice()) {
                    (Some(col), [dir, _file]) => Some(parse_partition_dir(dir.as_ref(), col)?),
                    (None, [_file]) => None,
                    _ => return None,
                };
                Some(Partition {
                    date,
                    size: m.size,
                    e_tag: m.e_tag.clone(),
                })
            })
            .collect();
        parts.sort_by_key(|p| p.date);
        parts
    }

    /// Writes `batches` of `table`, replacing the partitions `scope` names.
    ///
    /// Rows are conformed to the registry schema first (a column that is
    /// missing or cannot be converted without loss is an error and nothing is
    /// written), then split by date, sorted by grain and encoded in parallel.
    pub fn write(
        &self,
        table: TableId,
        batches: &[RecordBatch],
        scope: WriteScope,
    ) -> Result<WriteStats> {
        self.write_conformed(table, batches, scope)
            .map(|(stats, _)| stats)
    }

    /// [`Lake::write`], returning also the rows as written: conformed to the
    /// registry schema, one batch. The engine keeps them for the tables it
    /// holds in memory, so that they equal the files without reading them.
    pub fn write_conformed(
        &self,
        table: TableId,
        batches: &[RecordBatch],
        scope: WriteScope,
    ) -> Result<(WriteStats, RecordBatch)> {
        let def = table.def();
        let conformed = batches
            .iter()
            .map(|b| conform_batch(def, b).map_err(|source| Error::Conform { table, source }))
            .collect::<Result<Vec<_>>>()?;
        let schema = def.arrow_schema();
        let all =
            concat_batches(&schema, &conformed).map_err(|source| Error::Arrow { table, source })?;
        let parts = split_by_date(def, &all)?;

        if let WriteScope::Range(range) = scope {
            if let Some(&date) = parts.keys().flatten().find(|d| !range.contains(**d)) {
                return Err(Error::OutsideRange { table, date, range });
            }
        }

        let encoded: Vec<(Option<NaiveDate>, Vec<u8>)> = parts
            .into_par_iter()
            .map(|(date, batch)| Ok((date, encode_partition(def, &batch)?)))
            .collect::<Result<_>>()?;

        let mut stats = WriteStats {
            rows: all.num_rows() as u64,
            ..Default::default()
        };
        let mut deletes = Vec::new();
        if let (WriteScope::Range(range), Some(_)) = (scope, def.date_column) {
            let written: std::collections::HashSet<_> =
                encoded.iter().filter_map(|(d, _)| *d).collect();
            for p in self.partitions(table)? {
                if let Some(d) = p.date {
                    if range.contains(d) && !written.contains(&d) {
                        deletes.push(Self::partition_path(table, Some(d)));
                    }
                }
            }
        }
        let puts: Vec<(String, Vec<u8>)> = encoded
            .into_iter()
            .map(|(date, bytes)| (Self::partition_path(table, date), bytes))
            .collect();
        stats.partitions_written = puts.len() as u64;
        stats.partitions_deleted = deletes.len() as u64;
        stats.bytes = puts.iter().map(|(_, b)| b.len() as u64).sum();
        self.publish(puts, deletes)?;
        tracing::debug!(%table, rows = stats.rows, partitions = stats.partitions_written, bytes = stats.bytes, "wrote");
        Ok((stats, all))
    }

    /// The publish step: each partition object is replaced by one atomic put
    /// (see the module docs); emptied partitions are deleted. A bucket lake's
    /// cache is written through.
    fn publish(&self, puts: Vec<(String, Vec<u8>)>, deletes: Vec<String>) -> Result<()> {
        let store = &self.store;
        // `Bytes`, so that handing a partition to the store is a reference
        // count, not a copy: the cache's write-through still needs it.
        let puts: Vec<(String, bytes::Bytes)> = puts
            .into_iter()
            .map(|(path, bytes)| (path, bytes::Bytes::from(bytes)))
            .collect();
        let put_tags: Vec<Option<String>> = self.runtime.block_on(async {
            let tags = futures::stream::iter(puts.iter().map(|(path, bytes)| async move {
                let location = StorePath::from(path.as_str());
                store
                    .put(&location, PutPayload::from(bytes.clone()))
                    .await
                    .map(|r| r.e_tag)
                    .map_err(|source| Error::Store {
                        path: path.clone(),
                        source,
                    })
            }))
            .buffered(IO_CONCURRENCY)
            .try_collect::<Vec<_>>()
            .await?;
            futures::stream::iter(deletes.iter().map(|path| async move {
                match store.delete(&StorePath::from(path.as_str())).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                    Err(source) => Err(Error::Store {
                        path: path.clone(),
                        source,
                    }),
                }
            }))
            .buffer_unordered(IO_CONCURRENCY)
            .try_collect::<Vec<()>>()
            .await?;
            Ok::<_, Error>(tags)
        })?;
        if let Some(cache) = &self.cache {
            let changes: Vec<Change> = puts
                .iter()
                .zip(put_tags)
                .map(|((path, bytes), e_tag)| Change::Put { path, bytes, e_tag })
                .chain(deletes.iter().map(|path| Change::Delete { path }))
                .collect();
            cache.write_through(&changes)?;
        }
        Ok(())
    }

    /// Deletes every partition of `table`.
    pub fn drop_table(&self, table: TableId) -> Result<()> {
        let paths = self
            .partitions(table)?
            .into_iter()
            .map(|p| Self::partition_path(table, p.date))
            .collect();
        self.publish(Vec::new(), paths)
    }

    /// Replaces one object outside the tables (a model artefact) with one
    /// atomic put, like a partition.
    pub fn put(&self, path: &str, bytes: Vec<u8>) -> Result<()> {
        self.publish(vec![(path.to_string(), bytes)], Vec::new())
    }

    /// The paths of the objects under `prefix`, sorted.
    pub fn list(&self, prefix: &str) -> Result<Vec<String>> {
        let location = StorePath::from(prefix);
        let metas: Vec<object_store::ObjectMeta> = self
            .runtime
            .block_on(self.store.list(Some(&location)).try_collect())
            .map_err(|source| Error::Store {
                path: prefix.to_string(),
                source,
            })?;
        let mut paths: Vec<String> = metas.into_iter().map(|m| m.location.to_string()).collect();
        paths.sort();
        Ok(paths)
    }

    /// Reads each object of `paths`, several at a time, and maps its bytes
    /// with `f` (the backfill ledger hashes partitions this way).
    pub fn map_objects<T: Send>(
        &self,
        paths: &[String],
        f: impl Fn(&[u8]) -> T + Sync,
    ) -> Result<Vec<T>> {
        let store = &self.store;
        let f = &f;
        self.runtime.block_on(
            futures::stream::iter(paths.iter().map(|path| async move {
                let location = StorePath::from(path.as_str());
                let bytes = async { store.get(&location).await?.bytes().await }
                    .await
                    .map_err(|source| Error::Store {
                        path: path.clone(),
                        source,
                    })?;
                Ok(f(&bytes))
            }))
            .buffered(IO_CONCURRENCY)
            .try_collect(),
        )
    }

    /// Creates the object at `path` only if none exists there (one
    /// conditional put, atomic on the local file system and on GCS/S3);
    /// `false` when another object was there first. The backfill lock uses it.
    pub fn create_new(&self, path: &str, bytes: Vec<u8>) -> Result<bool> {
        let location = StorePath::from(path);
        let options = object_store::PutOptions {
            mode: object_store::PutMode::Create,
            ..Default::default()
        };
        match self.runtime.block_on(self.store.put_opts(
            &location,
            PutPayload::from(bytes),
            options,
        )) {
            Ok(_) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. }) => Ok(false),
            Err(source) => Err(Error::Store {
                path: path.into(),
                source,
            }),
        }
    }

    /// Deletes one object outside the tables; a missing one is not an error.
    pub fn delete(&self, path: &str) -> Result<()> {
        self.publish(Vec::new(), vec![path.to_string()])
    }

    /// Reads one object's bytes, `None` when there is none.
    pub fn get_opt(&self, path: &str) -> Result<Option<Vec<u8>>> {
        match self.get(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(Error::Store {
                source: object_store::Error::NotFound { .. },
                ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads one object's bytes (tests and the cloud cache use it).
    pub fn get(&self, path: &str) -> Result<Vec<u8>> {
        let location = StorePath::from(path);
        self.runtime
            .block_on(async { self.store.get(&location).await?.bytes().await })
            .map(|b| b.to_vec())
            .map_err(|source| Error::Store {
                path: path.into(),
                source,
            })
    }
}

/// Parses `game_date=2024-01-15` for the date column `col`.
fn parse_partition_dir(dir: &str, col: &str) -> Option<NaiveDate> {
    let value = dir.strip_prefix(col)?.strip_prefix('=')?;
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

/// Sorts `batch` by (date, grain) and cuts it into one batch per date; the
/// date column itself is dropped (it lives in the path).
fn split_by_date(
    def: &TableDef,
    batch: &RecordBatch,
) -> Result<BTreeMap<Option<NaiveDate>, RecordBatch>> {
    let table = def.id;
    let sort_columns: Vec<SortColumn> = def
        .date_column
        .into_iter()
        .chain(def.grain.iter().copied())
        .map(|name| SortColumn {
            values: batch
                .column_by_name(name)
                .expect("conformed batch has every registry column")
                .clone(),
            options: None,
        })
        .collect();
    let sorted = if batch.num_rows() > 1 {
        let indices: UInt32Array = lexsort_to_indices(&sort_columns, None)
            .map_err(|source| Error::Arrow { table, source })?;
        take_record_batch(batch, &indices).map_err(|source| Error::Arrow { table, source })?
    } else {
        batch.clone()
    };

    let mut out = BTreeMap::new();
    let Some(date_col) = def.date_column else {
        if sorted.num_rows() > 0 {
            out.insert(None, sorted);
        }
        return Ok(out);
    };
    let idx = sorted
        .schema()
        .index_of(date_col)
        .expect("date column is declared");
    let dates = sorted
        .column(idx)
        .as_any()
        .downcast_ref::<Date32Array>()
        .expect("conformed date column is Date32")
        .clone();
    if dates.null_count() > 0 {
        return Err(Error::NullDate {
            table,
            column: date_col,
        });
    }
    let without_date = {
        let mut fields: Vec<_> = sorted.schema().fields().iter().cloned().collect();
        let mut cols: Vec<ArrayRef> = sorted.columns().to_vec();
        fields.remove(idx);
        cols.remove(idx);
        RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
            .map_err(|source| Error::Arrow { table, source })?
    };
    let mut start = 0;
    while start < dates.len() {
        let day = dates.value(start);
        let mut end = start + 1;
        while end < dates.len() && dates.value(end) == day {
            end += 1;
        }
        out.insert(
            Some(date32_to_date(day)),
            without_date.slice(start, end - start),
        );
        start = end;
    }
    Ok(out)
}

/// Encodes one partition with fixed settings, so the same rows always give
/// the same bytes.
///
/// A partition is one table-date: tens to a few thousand rows, 835 files per
/// table over four seasons. Writing them costs per column chunk, not per row,
/// so the settings are the cheap ones: SNAPPY, statistics per chunk (DuckDB
/// prunes with those), no dictionary. Against zstd level 3 with page
/// statistics and dictionaries, a season of raw tables encoded in 0.52 s
/// instead of 0.92 s (two cores) and took 45 MB instead of 36 MB.
fn encode_partition(def: &TableDef, batch: &RecordBatch) -> Result<Vec<u8>> {
    let table = def.id;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_statistics_enabled(EnabledStatistics::Chunk)
        .set_dictionary_enabled(false)
        .set_created_by(concat!("backcourt ", env!("CARGO_PKG_VERSION")).to_string())
        .build();
    let mut buf = Vec::with_capacity(batch.get_array_memory_size() / 4 + 1024);
    let mut writer = ArrowWriter::try_new(&mut buf, batch.schema(), Some(props))
        .map_err(|source| Error::Encode { table, source })?;
    writer
        .write(batch)
        .map_err(|source| Error::Encode { table, source })?;
    writer
        .close()
        .map_err(|source| Error::Encode { table, source })?;
    Ok(buf)
}
