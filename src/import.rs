//! `backcourt import`: raw tables from Parquet files into the lake.
//!
//! This is how a user brings tables exported from BigQuery, and how converted
//! public data gets in. A file is named `<dataset>.<table>.parquet` (a file,
//! or a directory of Parquet files by that name); the path given is one such
//! file or a directory holding several. Every file is read and checked
//! against the raw contract before anything is written, and the import stops
//! at the first file that breaks it, naming the table, the file, the column
//! and (where there is one) the row, counted from 1 within the file; the lake
//! is left as it was. A file breaks the contract when it
//!
//! - is not Parquet, or cannot be read (truncated, corrupt, strings that are
//!   not UTF-8: the column is named when reading it alone fails);
//! - lacks a registry column, has one twice, or has one in a type that does
//!   not convert without loss, or a value that does not fit (`conform`);
//! - has a row without its partition date or any other key (grain) column,
//!   or a date or timestamp outside the seasons backcourt knows
//!   ([`Season::known_dates`]);
//! - sits in a Hive directory `<date column>=YYYY-MM-DD` that is not a date
//!   or that its rows' dates differ from.
//!
//! Across the files of a table no two rows may share a key (the registry's
//! grain). Extra columns, empty files (with the columns) and odd but valid
//! UTF-8 are accepted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::concat_batches;
use arrow::datatypes::{Date32Type, TimestampMicrosecondType};
use arrow::row::{RowConverter, SortField};
use bytes::Bytes;
use chrono::NaiveDate;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;

use crate::calendar::Season;
use crate::conform::{self, conform_batch, with_offset_zones};
use crate::dates::{checked_date32_to_date, date_to_date32, DateRange};
use crate::lake::{self, Lake, WriteScope, WriteStats};
use crate::registry::{ColumnType, Producer, TableId};

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
    #[error("{table} ({path}): not a readable Parquet file: {source}")]
    Parquet {
        table: TableId,
        path: PathBuf,
        #[source]
        source: parquet::errors::ParquetError,
    },
    #[error("{table} ({path}): column `{column}` cannot be read: {source}")]
    UnreadableColumn {
        table: TableId,
        path: PathBuf,
        column: String,
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
    #[error(
        "{table} ({path}): column `{column}` row {row} is NULL; it is the date the table is \
         partitioned on"
    )]
    NullDate {
        table: TableId,
        path: PathBuf,
        column: &'static str,
        row: usize,
    },
    #[error(
        "{table} ({path}): column `{column}` row {row} is NULL; it is part of the key ({}) \
         that tells rows apart",
        .table.def().grain.join(", ")
    )]
    NullKey {
        table: TableId,
        path: PathBuf,
        column: &'static str,
        row: usize,
    },
    #[error(
        "{table} ({path}): column `{column}` row {row} is {value}, outside the seasons \
         backcourt knows ({})",
        Season::known_dates()
    )]
    OutOfRange {
        table: TableId,
        path: PathBuf,
        column: &'static str,
        row: usize,
        value: String,
    },
    #[error(
        "{table} ({path}): directory `{dir}` names column `{column}` but not a date \
         (YYYY-MM-DD)"
    )]
    BadPartition {
        table: TableId,
        path: PathBuf,
        column: &'static str,
        dir: String,
    },
    #[error(
        "{table} ({path}): column `{column}` row {row} is {value}, not {partition}, the date of \
         its directory"
    )]
    OtherPartition {
        table: TableId,
        path: PathBuf,
        column: &'static str,
        row: usize,
        value: NaiveDate,
        partition: NaiveDate,
    },
    #[error(
        "{table}: two rows with the key ({columns}) = ({key}): {first} row {first_row} and \
         {second} row {second_row}"
    )]
    DuplicateKey {
        table: TableId,
        /// The grain's columns, each in backticks.
        columns: String,
        key: String,
        first: PathBuf,
        first_row: usize,
        second: PathBuf,
        second_row: usize,
    },
    #[error("{table}: {source}")]
    Arrow {
        table: TableId,
        #[source]
        source: arrow::error::ArrowError,
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
        match self {
            Error::BadName { .. }
            | Error::Missing { .. }
            | Error::Empty { .. }
            | Error::Parquet { .. }
            | Error::UnreadableColumn { .. }
            | Error::Contract { .. }
            | Error::NullDate { .. }
            | Error::NullKey { .. }
            | Error::OutOfRange { .. }
            | Error::BadPartition { .. }
            | Error::OtherPartition { .. }
            | Error::DuplicateKey { .. } => true,
            Error::Io { .. } | Error::Arrow { .. } | Error::Lake(_) => false,
        }
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
fn read_checked(table: TableId, path: &Path) -> Result<RecordBatch, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    check_parquet(table, path, Bytes::from(bytes))
}

/// Reads the Parquet file `bytes` (named `path` in errors) and checks it
/// against the contract of `table` (the module's list, but for keys shared
/// across files: [`check_unique`]). Returns its rows conformed to the
/// registry schema, as one batch, so that a row's number in an error is its
/// number in the file. `mirror` checks what it pulls from BigQuery with this
/// too.
pub(crate) fn check_parquet(
    table: TableId,
    path: &Path,
    bytes: Bytes,
) -> Result<RecordBatch, Error> {
    let def = table.def();
    let parquet_err = |source| Error::Parquet {
        table,
        path: path.to_path_buf(),
        source,
    };
    let contract = |source| Error::Contract {
        table,
        path: path.to_path_buf(),
        source,
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes.clone()).map_err(parquet_err)?;
    conform::check_schema(def, builder.schema()).map_err(contract)?;
    // Only the registry's columns are read: extra ones are ignored, however
    // odd their type or broken their pages.
    let wanted: Vec<usize> = builder
        .schema()
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| def.column(f.name()).is_some())
        .map(|(i, _)| i)
        .collect();
    let read = |builder: ParquetRecordBatchReaderBuilder<Bytes>, roots: &[usize]| {
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots.iter().copied());
        let reader = builder.with_projection(mask).build()?;
        let schema = arrow::array::RecordBatchReader::schema(&reader);
        let batches = reader.collect::<Result<Vec<_>, _>>()?;
        Ok::<_, parquet::errors::ParquetError>((schema, batches))
    };
    let (schema, batches) = match read(builder, &wanted) {
        Ok(read) => read,
        Err(source) => {
            // Name the column: read each alone until one fails.
            for &i in &wanted {
                let builder =
                    ParquetRecordBatchReaderBuilder::try_new(bytes.clone()).map_err(parquet_err)?;
                let column = builder.schema().field(i).name().clone();
                if let Err(source) = read(builder, &[i]) {
                    return Err(Error::UnreadableColumn {
                        table,
                        path: path.to_path_buf(),
                        column,
                        source,
                    });
                }
            }
            return Err(parquet_err(source));
        }
    };
    let batch =
        concat_batches(&schema, &batches).map_err(|source| Error::Arrow { table, source })?;
    let batch = conform_batch(def, &batch).map_err(contract)?;
    check_rows(table, path, &batch)?;
    Ok(batch)
}

/// The row checks of one conformed file: keys present, dates within the
/// known seasons, rows in their Hive directory's date.
fn check_rows(table: TableId, path: &Path, batch: &RecordBatch) -> Result<(), Error> {
    let def = table.def();
    let column = |name: &str| {
        batch
            .column_by_name(name)
            .expect("a conformed batch has every registry column")
    };
    let first_null = |array: &ArrayRef| (0..array.len()).find(|&i| array.is_null(i));
    if let Some(col) = def.date_column {
        if let Some(i) = first_null(column(col)) {
            return Err(Error::NullDate {
                table,
                path: path.to_path_buf(),
                column: col,
                row: i + 1,
            });
        }
    }
    for &col in def.grain {
        if let Some(i) = first_null(column(col)) {
            return Err(Error::NullKey {
                table,
                path: path.to_path_buf(),
                column: col,
                row: i + 1,
            });
        }
    }
    let known = Season::known_dates();
    for col in def.columns {
        let array = column(col.name);
        let outside = match col.ty {
            ColumnType::Date => {
                let (start, end) = (date_to_date32(known.start), date_to_date32(known.end));
                let days = array.as_primitive::<Date32Type>();
                (0..days.len())
                    .find(|&i| days.is_valid(i) && !(start..=end).contains(&days.value(i)))
                    .map(|i| (i, shown_date32(days.value(i))))
            }
            ColumnType::Timestamp => {
                let (start, end) = micros_span(known);
                let micros = array.as_primitive::<TimestampMicrosecondType>();
                (0..micros.len())
                    .find(|&i| micros.is_valid(i) && !(start..=end).contains(&micros.value(i)))
                    .map(|i| (i, shown_micros(micros.value(i))))
            }
            _ => None,
        };
        if let Some((i, value)) = outside {
            return Err(Error::OutOfRange {
                table,
                path: path.to_path_buf(),
                column: col.name,
                row: i + 1,
                value,
            });
        }
    }
    if let Some(col) = def.date_column {
        if let Some(dir) = partition_dir(path, col) {
            let partition =
                NaiveDate::parse_from_str(&dir[col.len() + 1..], "%Y-%m-%d").map_err(|_| {
                    Error::BadPartition {
                        table,
                        path: path.to_path_buf(),
                        column: col,
                        dir: dir.clone(),
                    }
                })?;
            let want = date_to_date32(partition);
            let days = column(col).as_primitive::<Date32Type>();
            if let Some(i) = (0..days.len()).find(|&i| days.value(i) != want) {
                return Err(Error::OtherPartition {
                    table,
                    path: path.to_path_buf(),
                    column: col,
                    row: i + 1,
                    value: checked_date32_to_date(days.value(i)).expect("checked above"),
                    partition,
                });
            }
        }
    }
    Ok(())
}

/// The last directory of `path` named `<col>=...` (Hive partitioning), if any.
fn partition_dir(path: &Path, col: &str) -> Option<String> {
    let parent = path.parent()?;
    parent
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .rfind(|c| c.strip_prefix(col).is_some_and(|v| v.starts_with('=')))
        .map(str::to_string)
}

/// The first and last microsecond of `range`, in UTC.
fn micros_span(range: DateRange) -> (i64, i64) {
    let micros = |d: NaiveDate| {
        d.and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .timestamp_micros()
    };
    let end = range.end.succ_opt().expect("a date after the last season");
    (micros(range.start), micros(end) - 1)
}

/// A Date32 for an error message, even one beyond chrono's dates.
fn shown_date32(days: i32) -> String {
    checked_date32_to_date(days)
        .map(|d| d.to_string())
        .unwrap_or_else(|| format!("{days} days from 1970-01-01"))
}

/// A timestamp in microseconds for an error message, even one beyond
/// chrono's dates.
fn shown_micros(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| format!("{micros} µs from 1970-01-01"))
}

/// Checks that no two rows of `table` across `files` (conformed, as
/// [`check_parquet`] returns them) share a key.
pub(crate) fn check_unique(table: TableId, files: &[(PathBuf, RecordBatch)]) -> Result<(), Error> {
    let def = table.def();
    let arrow_err = |source| Error::Arrow { table, source };
    let key_of = |batch: &RecordBatch| {
        let columns: Vec<ArrayRef> = def
            .grain
            .iter()
            .map(|g| {
                batch
                    .column_by_name(g)
                    .expect("a conformed batch has every registry column")
                    .clone()
            })
            .collect();
        columns
    };
    let converter = RowConverter::new(
        def.grain
            .iter()
            .map(|g| SortField::new(def.column(g).expect("grain columns are columns").ty.arrow()))
            .collect(),
    )
    .map_err(arrow_err)?;
    let mut seen: HashMap<Box<[u8]>, (usize, usize)> = HashMap::new();
    for (f, (path, batch)) in files.iter().enumerate() {
        let keys = converter
            .convert_columns(&key_of(batch))
            .map_err(arrow_err)?;
        for (r, key) in keys.iter().enumerate() {
            let Some(&(first_f, first_r)) = seen.get(key.as_ref()) else {
                seen.insert(key.as_ref().into(), (f, r));
                continue;
            };
            return Err(Error::DuplicateKey {
                table,
                columns: def
                    .grain
                    .iter()
                    .map(|g| format!("`{g}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                key: shown_key(&key_of(batch), r),
                first: files[first_f].0.clone(),
                first_row: first_r + 1,
                second: path.clone(),
                second_row: r + 1,
            });
        }
    }
    Ok(())
}

/// Row `row` of the key columns `columns`, for an error message: strings
/// quoted and escaped (a key may hold any character), long ones cut.
fn shown_key(columns: &[ArrayRef], row: usize) -> String {
    let fields: Vec<arrow::datatypes::Field> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| arrow::datatypes::Field::new(format!("k{i}"), c.data_type().clone(), true))
        .collect();
    let batch = RecordBatch::try_new(
        std::sync::Arc::new(arrow::datatypes::Schema::new(fields)),
        columns.iter().map(|c| c.slice(row, 1)).collect(),
    )
    .expect("columns of one batch");
    let batch = with_offset_zones(&batch);
    batch
        .columns()
        .iter()
        .map(|c| match c.as_string_opt::<i32>() {
            Some(s) => {
                let text: String = s.value(0).chars().take(40).collect();
                format!("{text:?}")
            }
            None => arrow::util::display::array_value_to_string(c, 0)
                .unwrap_or_else(|e| format!("<{e}>")),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Imports every table under `path` into `lake`; validates everything first.
pub fn import(lake: &Lake, path: &Path) -> Result<ImportReport, Error> {
    let mut loaded = Vec::new();
    for (table, files) in entries(path)? {
        let checked = files
            .into_iter()
            .map(|f| Ok((f.clone(), read_checked(table, &f)?)))
            .collect::<Result<Vec<_>, Error>>()?;
        check_unique(table, &checked)?;
        let batches: Vec<RecordBatch> = checked.into_iter().map(|(_, b)| b).collect();
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
