//! `backcourt import`: raw tables from Parquet files into the lake.
//!
//! This is how a user brings tables exported from BigQuery, and how converted
//! public data gets in. A file is named `<dataset>.<table>.parquet` (a file,
//! or a directory of Parquet files by that name); the path given is one such
//! file or a directory holding several. Every file is read and checked
//! against the raw contract before anything is written: a missing required
//! column or a type that does not convert without loss stops the import with
//! the table, file and column named, and the lake is left as it was.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::conform::{self, conform_batch};
use crate::lake::{self, Lake, WriteScope, WriteStats};
use crate::registry::{Producer, TableId};

/// Why an import stopped; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: not named <dataset>.<table>.parquet for a raw table of the registry ({reason})"
    )]
    BadName { path: PathBuf, reason: String },
    #[error("{path}: no such file or directory")]
    Missing { path: PathBuf },
    #[error("{path}: no Parquet files to import")]
    Empty { path: PathBuf },
    #[error("{table} ({path}): not a Parquet file: {source}")]
    Parquet {
        table: TableId,
        path: PathBuf,
        #[source]
        source: parquet::errors::ParquetError,
    },
    #[error("{table} ({path}): {source}")]
    Contract {
        table: TableId,
        path: PathBuf,
        #[source]
        source: conform::Error,
    },
    #[error("{table} ({path}): rows without a `{column}`, the date the table is partitioned on")]
    NullDate {
        table: TableId,
        path: PathBuf,
        column: &'static str,
    },
    #[error(transparent)]
    Lake(#[from] lake::Error),
}

impl Error {
    /// Whether the files given are at fault (a name, a missing path, a file
    /// that breaks the raw contract) rather than the reading or the writing.
    /// The command line exits 2 for these, as for any other usage error: the
    /// fix is in what was handed to `import`, and running again changes
    /// nothing.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, Error::Io { .. } | Error::Lake(_))
    }
}

/// What one import wrote.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub tables: Vec<(TableId, WriteStats)>,
}

/// Which raw table a file or directory name stands for.
fn table_of(path: &Path) -> Result<TableId, Error> {
    let bad = |reason: String| Error::BadName {
        path: path.to_path_buf(),
        reason,
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| bad("no file name".into()))?;
    let stem = name
        .strip_suffix(".parquet")
        .ok_or_else(|| bad("no .parquet suffix".into()))?;
    if !stem.contains('.') {
        return Err(bad("no dataset prefix".into()));
    }
    let table: TableId = stem
        .parse()
        .map_err(|e: crate::registry::UnknownTable| bad(e.to_string()))?;
    if table.def().producer != Producer::Raw {
        return Err(bad(format!(
            "{table} is computed by backcourt, not imported"
        )));
    }
    Ok(table)
}

/// The Parquet files behind one `<dataset>.<table>.parquet` entry.
fn parquet_files(path: &Path) -> Result<Vec<PathBuf>, Error> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        for entry in entries {
            let p = entry
                .map_err(|source| Error::Io {
                    path: dir.clone(),
                    source,
                })?
                .path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "parquet") {
                files.push(p);
            }
        }
    }
    // An empty export directory is a mistake to report, not zero rows to
    // write: importing it would say "done" while loading nothing.
    if files.is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    files.sort();
    Ok(files)
}

/// The entries (table, files) under `path`.
fn entries(path: &Path) -> Result<Vec<(TableId, Vec<PathBuf>)>, Error> {
    let named = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(".parquet"))
    };
    let roots: Vec<PathBuf> = if named(path) {
        vec![path.to_path_buf()]
    } else if path.is_dir() {
        let mut v: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| named(p))
            .collect();
        v.sort();
        v
    } else {
        return Err(Error::Missing {
            path: path.to_path_buf(),
        });
    };
    if roots.is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    roots
        .iter()
        .map(|r| Ok((table_of(r)?, parquet_files(r)?)))
        .collect()
}

/// Reads one file and checks it against the contract of `table`.
fn read_checked(table: TableId, path: &Path) -> Result<Vec<RecordBatch>, Error> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    check_parquet(table, path, file)
}

/// Reads Parquet from `source` (named `path` in errors) and checks every
/// batch against the contract of `table`: conformed to the registry schema,
/// no row without its partition date. `mirror` checks what it pulls from
/// BigQuery with this too.
pub(crate) fn check_parquet<R: parquet::file::reader::ChunkReader + 'static>(
    table: TableId,
    path: &Path,
    source: R,
) -> Result<Vec<RecordBatch>, Error> {
    let parquet_err = |source| Error::Parquet {
        table,
        path: path.to_path_buf(),
        source,
    };
    let reader = ParquetRecordBatchReaderBuilder::try_new(source)
        .map_err(parquet_err)?
        .build()
        .map_err(parquet_err)?;
    let def = table.def();
    reader
        .map(|batch| {
            let batch = batch.map_err(|e| parquet_err(e.into()))?;
            let batch = conform_batch(def, &batch).map_err(|source| Error::Contract {
                table,
                path: path.to_path_buf(),
                source,
            })?;
            if let Some(column) = def.date_column {
                if batch
                    .column_by_name(column)
                    .is_some_and(|c| c.null_count() > 0)
                {
                    return Err(Error::NullDate {
                        table,
                        path: path.to_path_buf(),
                        column,
                    });
                }
            }
            Ok(batch)
        })
        .collect()
}

/// Imports every table under `path` into `lake`; validates everything first.
pub fn import(lake: &Lake, path: &Path) -> Result<ImportReport, Error> {
    let mut loaded = Vec::new();
    for (table, files) in entries(path)? {
        let mut batches = Vec::new();
        for f in &files {
            batches.extend(read_checked(table, f)?);
        }
        loaded.push((table, batches));
    }
    let mut tables = Vec::new();
    for (table, batches) in loaded {
        tables.push((
            table,
            lake.write(table, &batches, WriteScope::DatesPresent)?,
        ));
    }
    Ok(ImportReport { tables })
}
