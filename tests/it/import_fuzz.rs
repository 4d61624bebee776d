//! `import` against broken exports (issue 21, "Bad input, measured").
//!
//! Each case starts from a good export directory (the three exports of
//! `scenarios::exports` plus one or two other raw tables with every column
//! filled) and breaks it one way, drawn from a seeded generator: a column of
//! the wrong type, a value that does not fit, a NULL or a duplicate in the
//! key, a date outside the seasons, a file in the wrong partition directory,
//! a truncated, empty, corrupt or non-Parquet file, strings that are not
//! UTF-8 (or are, oddly), a missing or doubled column. The contract
//! (`spec/raw-tables.md`, docs/lake.md) says which of those are refused; the
//! rest (extra columns, zero rows, other widths, odd but valid names, a Hive
//! partition directory that matches its rows) must import. So:
//!
//! - a refused case ends in an error, never a panic, whose text names the
//!   table, the column and the row or file where they apply, which the
//!   command line maps to exit 2 (`backcourt::import::Error::is_bad_input`), and the
//!   lake's files (paths and bytes) are the same before and after;
//! - an accepted case lands every table: the lake holds exactly the rows
//!   given, conformed to the registry.
//!
//! Most cases call the library in-process; the first case of each kind also
//! runs through the binary. The counts are printed at the end (`import fuzz:
//! N cases ...`). A failure names the case's index and kind: the generator is
//! seeded per index, so the same build reproduces it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use arrow::array::{
    new_null_array, Array, ArrayRef, AsArray, BinaryArray, BooleanArray, Date32Array, Date64Array,
    Float64Array, Int32Array, Int64Array, LargeBinaryArray, ListArray, NullArray, RecordBatch,
    StringArray, StructArray, TimestampMicrosecondArray, TimestampMillisecondArray,
    TimestampNanosecondArray, TimestampSecondArray, UInt32Array, UInt64Array,
};
use arrow::compute::{cast, interleave};
use arrow::datatypes::{DataType, Field, Int32Type, TimeUnit};
use arrow::util::display::array_value_to_string;
use backcourt::conform::{conform_batch, with_offset_zones};
use backcourt::import::import;
use backcourt::lake::Lake;
use backcourt::registry::{ColumnType, Producer, TableId};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::scenarios::exports::{
    day, good_export_files, parquet_bytes, parquet_with_invalid_utf8, replace_column, try_batch,
    write_parquet_with,
};
use crate::util::{files, run, show, tempdir};

/// The generator's seed; case `i` draws from `SEED` and `i` alone.
const SEED: u64 = 21;
/// Cases of each kind: 18 kinds, 1,260 cases.
const CASES_PER_KIND: usize = 70;

/// The dates the good exports' rows fall on.
const WINDOW: [&str; 3] = ["2024-01-15", "2024-01-16", "2024-01-17"];
/// 2024-01-15 00:00 UTC in microseconds.
const BASE_US: i64 = 1_705_276_800_000_000;

/// How an export is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    WrongType,
    LossyValue,
    NullKey,
    DuplicateKey,
    DateOutOfRange,
    PartitionDirectory,
    Truncated,
    NotParquet,
    EmptyFile,
    CorruptBytes,
    InvalidUtf8,
    BinaryForString,
    OddUtf8,
    MissingColumn,
    DuplicateColumn,
    ExtraColumns,
    ZeroRows,
    OtherWidths,
}

const KINDS: [Kind; 18] = [
    Kind::WrongType,
    Kind::LossyValue,
    Kind::NullKey,
    Kind::DuplicateKey,
    Kind::DateOutOfRange,
    Kind::PartitionDirectory,
    Kind::Truncated,
    Kind::NotParquet,
    Kind::EmptyFile,
    Kind::CorruptBytes,
    Kind::InvalidUtf8,
    Kind::BinaryForString,
    Kind::OddUtf8,
    Kind::MissingColumn,
    Kind::DuplicateColumn,
    Kind::ExtraColumns,
    Kind::ZeroRows,
    Kind::OtherWidths,
];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::WrongType => "wrong type",
            Kind::LossyValue => "value that does not fit",
            Kind::NullKey => "NULL key",
            Kind::DuplicateKey => "duplicate key",
            Kind::DateOutOfRange => "date out of range",
            Kind::PartitionDirectory => "partition directory",
            Kind::Truncated => "truncated file",
            Kind::NotParquet => "not Parquet",
            Kind::EmptyFile => "empty file",
            Kind::CorruptBytes => "corrupt bytes",
            Kind::InvalidUtf8 => "invalid UTF-8",
            Kind::BinaryForString => "binary for a string",
            Kind::OddUtf8 => "odd UTF-8 names",
            Kind::MissingColumn => "missing column",
            Kind::DuplicateColumn => "column twice",
            Kind::ExtraColumns => "extra columns",
            Kind::ZeroRows => "zero rows",
            Kind::OtherWidths => "other widths",
        }
    }
}

/// What a file of the export holds.
#[derive(Clone)]
enum Content {
    /// Rows, written with these settings (the writer's defaults if `None`).
    Rows(RecordBatch, Option<Box<WriterProperties>>),
    /// Bytes as they are, Parquet or not.
    Bytes(Vec<u8>),
}

/// One file of an export directory.
#[derive(Clone)]
struct ExportFile {
    /// Below the export directory, e.g. `nba_raw.espn_team_rosters.parquet/part-000.parquet`.
    path: PathBuf,
    table: TableId,
    content: Content,
}

impl ExportFile {
    fn batch(&self) -> &RecordBatch {
        match &self.content {
            Content::Rows(b, _) => b,
            Content::Bytes(_) => panic!("{}: bytes, not rows", self.path.display()),
        }
    }

    fn set_batch(&mut self, batch: RecordBatch) {
        let props = match &self.content {
            Content::Rows(_, p) => p.clone(),
            Content::Bytes(_) => None,
        };
        self.content = Content::Rows(batch, props);
    }

    fn is_rows(&self) -> bool {
        matches!(self.content, Content::Rows(..))
    }
}

/// What the contract says of a case.
#[derive(Debug)]
enum Expect {
    /// Refused: the error names the table and each of these.
    Reject {
        table: TableId,
        columns: Vec<String>,
        /// Rows counted from 1 within their file.
        rows: Vec<usize>,
        files: Vec<PathBuf>,
    },
    /// Imported: every table lands.
    Accept,
    /// Corrupt bytes may still decode: refused as above (no column needed)
    /// or imported, never a panic.
    Either { table: TableId, files: Vec<PathBuf> },
}

/// One generated case.
struct Case {
    index: usize,
    kind: Kind,
    what: String,
    files: Vec<ExportFile>,
    expect: Expect,
}

impl Case {
    fn label(&self) -> String {
        format!("case {} ({}: {})", self.index, self.kind.name(), self.what)
    }
}

fn raw_tables() -> Vec<TableId> {
    TableId::ALL
        .iter()
        .copied()
        .filter(|t| t.def().producer == Producer::Raw)
        .collect()
}

/// Writer settings as other exporters choose them: compression, small row
/// groups and pages, dictionaries on or off.
fn writer_props(rng: &mut ChaCha8Rng) -> Option<Box<WriterProperties>> {
    if rng.random_bool(0.4) {
        return None;
    }
    let compression = *[
        Compression::UNCOMPRESSED,
        Compression::SNAPPY,
        Compression::ZSTD(ZstdLevel::default()),
    ]
    .choose(rng)
    .expect("non-empty");
    Some(Box::new(
        WriterProperties::builder()
            .set_compression(compression)
            .set_dictionary_enabled(rng.random_bool(0.5))
            .set_max_row_group_row_count(Some(rng.random_range(1..5)))
            .set_data_page_row_count_limit(rng.random_range(1..4))
            .set_write_batch_size(1)
            .build(),
    ))
}

/// Rows `rows` of `table` with every column filled in its registry type: key
/// columns unique by row number (`tag` keeps two exports apart), dates in
/// [`WINDOW`], one value in ten NULL outside the key.
fn generated(table: TableId, rows: Range<usize>, rng: &mut ChaCha8Rng, tag: &str) -> RecordBatch {
    let def = table.def();
    let mut columns: Vec<(&str, ArrayRef)> = Vec::new();
    for c in def.columns {
        let key = def.grain.contains(&c.name) || def.date_column == Some(c.name);
        let mut nulls = Vec::new();
        for _ in rows.clone() {
            nulls.push(!key && rng.random_bool(0.1));
        }
        let array: ArrayRef = match c.ty {
            ColumnType::Varchar => {
                let mut v = Vec::new();
                for (i, null) in rows.clone().zip(&nulls) {
                    v.push((!null).then(|| {
                        if key {
                            format!("{tag}{}-{i}", c.name)
                        } else {
                            format!(
                                "{} {i}",
                                ["Luka Dončić", "Nikola Jokić", "O'Neal", "x"]
                                    .choose(rng)
                                    .expect("non-empty")
                            )
                        }
                    }));
                }
                Arc::new(StringArray::from(v))
            }
            ColumnType::Integer => {
                let mut v = Vec::new();
                for (i, null) in rows.clone().zip(&nulls) {
                    v.push((!null).then(|| {
                        if key {
                            i as i32
                        } else {
                            rng.random_range(0..60)
                        }
                    }));
                }
                Arc::new(Int32Array::from(v))
            }
            ColumnType::Bigint => {
                let mut v = Vec::new();
                for (i, null) in rows.clone().zip(&nulls) {
                    v.push((!null).then(|| {
                        if key {
                            i as i64
                        } else {
                            rng.random_range(0..60)
                        }
                    }));
                }
                Arc::new(Int64Array::from(v))
            }
            ColumnType::Double => {
                let mut v = Vec::new();
                for null in &nulls {
                    v.push((!null).then(|| f64::from(rng.random_range(0..80)) / 2.0));
                }
                Arc::new(Float64Array::from(v))
            }
            ColumnType::Boolean => {
                let mut v = Vec::new();
                for null in &nulls {
                    v.push((!null).then(|| rng.random_bool(0.5)));
                }
                Arc::new(BooleanArray::from(v))
            }
            ColumnType::Date => {
                let mut v = Vec::new();
                for null in &nulls {
                    v.push((!null).then(|| {
                        if key {
                            day(WINDOW.choose(rng).expect("non-empty"))
                        } else {
                            day("2023-10-01") + rng.random_range(0..270)
                        }
                    }));
                }
                Arc::new(Date32Array::from(v))
            }
            ColumnType::Timestamp => {
                let mut v = Vec::new();
                for (i, null) in rows.clone().zip(&nulls) {
                    v.push((!null).then(|| {
                        if key {
                            BASE_US + i as i64 * 1_000_000
                        } else {
                            BASE_US + rng.random_range(0..86_400_000_000)
                        }
                    }));
                }
                Arc::new(TimestampMicrosecondArray::from(v).with_timezone("UTC"))
            }
        };
        columns.push((c.name, array));
    }
    RecordBatch::try_from_iter(columns).expect("generated batch")
}

/// A good export: the three of `scenarios::exports` and one or two other
/// raw tables, each a file or a directory of two.
fn base(rng: &mut ChaCha8Rng) -> Vec<ExportFile> {
    let mut out: Vec<ExportFile> = good_export_files()
        .into_iter()
        .map(|(path, table, batch)| ExportFile {
            path,
            table,
            content: Content::Rows(batch, writer_props(rng)),
        })
        .collect();
    let taken: Vec<TableId> = out.iter().map(|f| f.table).collect();
    let others: Vec<TableId> = raw_tables()
        .into_iter()
        .filter(|t| !taken.contains(t))
        .collect();
    let how_many = rng.random_range(1..=2);
    for &table in others.choose_multiple(rng, how_many) {
        let n = rng.random_range(2..8);
        let root = PathBuf::from(format!("{table}.parquet"));
        if rng.random_bool(0.5) {
            let batch = generated(table, 0..n, rng, "");
            out.push(ExportFile {
                path: root,
                table,
                content: Content::Rows(batch, writer_props(rng)),
            });
        } else {
            let cut = rng.random_range(1..n);
            for (part, rows) in [(0, 0..cut), (1, cut..n)] {
                let batch = generated(table, rows, rng, "");
                out.push(ExportFile {
                    path: root.join(format!("part-{part:03}.parquet")),
                    table,
                    content: Content::Rows(batch, writer_props(rng)),
                });
            }
        }
    }
    out
}

// ---- batch surgery ----

fn rename_column(batch: &RecordBatch, name: &str, to: &str) -> RecordBatch {
    let schema = batch.schema();
    let cols = schema
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(f, c)| {
            let n = if f.name() == name { to } else { f.name() };
            (n.to_string(), c.clone())
        })
        .collect();
    try_batch(cols, batch.num_rows())
}

fn drop_column(batch: &RecordBatch, name: &str) -> RecordBatch {
    let schema = batch.schema();
    let cols = schema
        .fields()
        .iter()
        .zip(batch.columns())
        .filter(|(f, _)| f.name() != name)
        .map(|(f, c)| (f.name().clone(), c.clone()))
        .collect();
    try_batch(cols, batch.num_rows())
}

fn add_column(batch: &RecordBatch, name: &str, array: ArrayRef) -> RecordBatch {
    let schema = batch.schema();
    let mut cols: Vec<(String, ArrayRef)> = schema
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(f, c)| (f.name().clone(), c.clone()))
        .collect();
    cols.push((name.to_string(), array));
    try_batch(cols, batch.num_rows())
}

/// `array` with row `row` taken from `value` (one row, the same type).
fn with_value(array: &ArrayRef, row: usize, value: &ArrayRef) -> ArrayRef {
    let indices: Vec<(usize, usize)> = (0..array.len())
        .map(|i| if i == row { (1, 0) } else { (0, i) })
        .collect();
    interleave(&[array.as_ref(), value.as_ref()], &indices).expect("same type")
}

/// A one-row array of timestamp type `dt` at `micros` since the epoch.
fn timestamp_value(dt: &DataType, micros: i64) -> ArrayRef {
    let DataType::Timestamp(unit, tz) = dt else {
        panic!("{dt} is not a timestamp")
    };
    let tz = tz.clone();
    match unit {
        TimeUnit::Second => {
            Arc::new(TimestampSecondArray::from(vec![micros / 1_000_000]).with_timezone_opt(tz))
        }
        TimeUnit::Millisecond => {
            Arc::new(TimestampMillisecondArray::from(vec![micros / 1_000]).with_timezone_opt(tz))
        }
        TimeUnit::Microsecond => {
            Arc::new(TimestampMicrosecondArray::from(vec![micros]).with_timezone_opt(tz))
        }
        TimeUnit::Nanosecond => Arc::new(
            TimestampNanosecondArray::from(vec![micros.saturating_mul(1_000)])
                .with_timezone_opt(tz),
        ),
    }
}

/// A non-NULL array of `n` values of type `dt`, none of which the registry
/// type the column needs would take.
fn wrong_array(dt: &DataType, n: usize) -> ArrayRef {
    let ints = || (0..n as i64).map(|i| 2600 + i);
    match dt {
        DataType::Utf8 => Arc::new(StringArray::from_iter_values(ints().map(|i| i.to_string()))),
        DataType::Int64 => Arc::new(Int64Array::from_iter_values(ints())),
        DataType::Int32 => Arc::new(Int32Array::from_iter_values(ints().map(|i| i as i32))),
        DataType::Float64 => Arc::new(Float64Array::from_iter_values(ints().map(|i| i as f64))),
        DataType::Boolean => Arc::new(BooleanArray::from(vec![true; n])),
        DataType::Date32 => Arc::new(Date32Array::from(vec![day(WINDOW[0]); n])),
        DataType::Timestamp(TimeUnit::Microsecond, None) => {
            Arc::new(TimestampMicrosecondArray::from(vec![BASE_US; n]))
        }
        DataType::Binary => Arc::new(BinaryArray::from_iter_values(
            ints().map(|i| i.to_string().into_bytes()),
        )),
        DataType::List(_) => Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(
            (0..n).map(|i| Some(vec![Some(i as i32)])),
        )),
        other => panic!("no wrong array of {other}"),
    }
}

/// Types that a column of `ty` must refuse.
fn wrong_types(ty: ColumnType) -> Vec<DataType> {
    let list = DataType::List(Arc::new(Field::new("item", DataType::Int32, true)));
    let ts = DataType::Timestamp(TimeUnit::Microsecond, None);
    match ty {
        ColumnType::Varchar => vec![
            DataType::Int64,
            DataType::Float64,
            DataType::Boolean,
            DataType::Date32,
            list,
        ],
        ColumnType::Integer | ColumnType::Bigint => vec![
            DataType::Utf8,
            DataType::Float64,
            DataType::Boolean,
            DataType::Date32,
            ts,
        ],
        ColumnType::Double => vec![DataType::Utf8, DataType::Boolean, DataType::Date32, list],
        ColumnType::Boolean => vec![DataType::Utf8, DataType::Int32, DataType::Float64],
        ColumnType::Date => vec![DataType::Utf8, DataType::Int32, DataType::Int64, ts],
        ColumnType::Timestamp => vec![
            DataType::Utf8,
            DataType::Date32,
            DataType::Int64,
            DataType::Float64,
        ],
    }
}

/// Strings a name column may hold in a real export: all valid UTF-8.
fn odd_string(rng: &mut ChaCha8Rng) -> String {
    let odd = [
        "\0".to_string(),
        "Luka\0Dončić".to_string(),
        "\u{301}".to_string(),
        "e\u{301}\u{301}\u{301}".to_string(),
        "\u{202E}kciš ájul".to_string(),
        "\u{200F}\u{200E}\u{202B}x\u{202C}".to_string(),
        "\u{FEFF}jokic".to_string(),
        "👨‍👩‍👧 ✓".to_string(),
        "𝔏𝔲𝔨𝔞".to_string(),
        "ドンチッチ".to_string(),
        "Шаквилл О’Нил".to_string(),
        String::new(),
        "   ".to_string(),
        "\u{FFFD}\u{FFFD}".to_string(),
        "tab\tnew\nline\r".to_string(),
        "x".repeat(100_000),
        "é".repeat(40_000),
        "\u{10FFFF}\u{E000}".to_string(),
    ];
    odd.choose(rng).expect("non-empty").clone()
}

/// Indices of the files holding rows of `table`.
fn files_of(files: &[ExportFile], table: TableId) -> Vec<usize> {
    (0..files.len())
        .filter(|&i| files[i].table == table && files[i].is_rows())
        .collect()
}

/// A random file with rows, and a random registry column of its table
/// meeting `pred`, if there is one.
fn pick_column(
    files: &[ExportFile],
    rng: &mut ChaCha8Rng,
    pred: impl Fn(TableId, &backcourt::registry::Column) -> bool,
) -> Option<(usize, &'static str)> {
    let mut options = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if !f.is_rows() || f.batch().num_rows() == 0 {
            continue;
        }
        for c in f.table.def().columns {
            if pred(f.table, c) {
                options.push((i, c.name));
            }
        }
    }
    options.choose(rng).copied()
}

fn column_type(table: TableId, column: &str) -> ColumnType {
    table.def().column(column).expect("registry column").ty
}

fn reject(table: TableId, columns: &[&str], rows: &[usize], files: &[&Path]) -> Expect {
    Expect::Reject {
        table,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: rows.to_vec(),
        files: files.iter().map(|f| f.to_path_buf()).collect(),
    }
}

/// Case `index` of `kind`.
fn case(kind: Kind, index: usize) -> Case {
    let mut rng =
        ChaCha8Rng::seed_from_u64(SEED.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index as u64);
    let rng = &mut rng;
    let mut files = base(rng);
    let (what, expect) = mutate(kind, &mut files, rng);
    Case {
        index,
        kind,
        what,
        files,
        expect,
    }
}

/// Breaks `files` the way `kind` says; what was done and what must follow.
fn mutate(kind: Kind, files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    match kind {
        Kind::WrongType => wrong_type(files, rng),
        Kind::LossyValue => lossy_value(files, rng),
        Kind::NullKey => null_key(files, rng),
        Kind::DuplicateKey => duplicate_key(files, rng),
        Kind::DateOutOfRange => date_out_of_range(files, rng),
        Kind::PartitionDirectory => partition_directory(files, rng),
        Kind::Truncated | Kind::EmptyFile | Kind::NotParquet | Kind::CorruptBytes => {
            broken_bytes(kind, files, rng)
        }
        Kind::InvalidUtf8 => invalid_utf8(files, rng),
        Kind::BinaryForString => binary_for_string(files, rng),
        Kind::OddUtf8 => odd_utf8(files, rng),
        Kind::MissingColumn => missing_column(files, rng),
        Kind::DuplicateColumn => duplicate_column(files, rng),
        Kind::ExtraColumns => extra_columns(files, rng),
        Kind::ZeroRows => zero_rows(files, rng),
        Kind::OtherWidths => other_widths(files, rng),
    }
}

/// A column in a type its registry type refuses (one file in five without rows).
fn wrong_type(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let (fi, col) = pick_column(files, rng, |_, _| true).expect("a column");
    let f = &mut files[fi];
    let ty = column_type(f.table, col);
    let wrong = wrong_types(ty).choose(rng).expect("non-empty").clone();
    let mut batch = f.batch().clone();
    if rng.random_bool(0.2) {
        batch = batch.slice(0, 0);
    }
    let n = batch.num_rows();
    f.set_batch(replace_column(&batch, col, wrong_array(&wrong, n)));
    (
        format!("{}: `{col}` as {wrong}, {n} rows", f.path.display()),
        reject(f.table, &[col], &[], &[&f.path]),
    )
}

/// A value of an accepted type that does not fit: an integer beyond 32 bits, a timestamp
/// in seconds beyond microseconds, a Date64 that is not a whole day.
fn lossy_value(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let (fi, col) = pick_column(files, rng, |_, c| {
        matches!(
            c.ty,
            ColumnType::Integer | ColumnType::Bigint | ColumnType::Timestamp | ColumnType::Date
        )
    })
    .expect("a column");
    let f = &mut files[fi];
    let ty = column_type(f.table, col);
    let n = f.batch().num_rows();
    let row = rng.random_range(0..n);
    let good = |i: usize| i as i64 + 1;
    let (array, value): (ArrayRef, String) = match ty {
        ColumnType::Integer => match rng.random_range(0..3) {
            0 => {
                let v = *[i64::from(i32::MAX) + 1, i64::MIN, i64::from(i32::MIN) - 1]
                    .choose(rng)
                    .expect("non-empty");
                let vals: Vec<i64> = (0..n).map(|i| if i == row { v } else { good(i) }).collect();
                (Arc::new(Int64Array::from(vals)), format!("Int64 {v}"))
            }
            1 => {
                let vals: Vec<u32> = (0..n)
                    .map(|i| {
                        if i == row {
                            3_000_000_000
                        } else {
                            good(i) as u32
                        }
                    })
                    .collect();
                (
                    Arc::new(UInt32Array::from(vals)),
                    "UInt32 3000000000".into(),
                )
            }
            _ => {
                let vals: Vec<u64> = (0..n)
                    .map(|i| if i == row { u64::MAX } else { good(i) as u64 })
                    .collect();
                (Arc::new(UInt64Array::from(vals)), "UInt64 max".into())
            }
        },
        ColumnType::Bigint => {
            let vals: Vec<u64> = (0..n)
                .map(|i| if i == row { u64::MAX } else { good(i) as u64 })
                .collect();
            (Arc::new(UInt64Array::from(vals)), "UInt64 max".into())
        }
        ColumnType::Timestamp => {
            let v = *[i64::MAX / 1000, i64::MIN / 999, i64::MAX]
                .choose(rng)
                .expect("non-empty");
            let vals: Vec<i64> = (0..n)
                .map(|i| if i == row { v } else { BASE_US / 1_000_000 })
                .collect();
            (
                Arc::new(TimestampSecondArray::from(vals)),
                format!("seconds {v}"),
            )
        }
        ColumnType::Date => {
            let midnight = i64::from(day(WINDOW[1])) * 86_400_000;
            let v = *[
                midnight + 3_600_000,
                midnight - 1,
                i64::MAX - 5,
                i64::from(i32::MAX) * 86_400_000 + 86_400_000,
            ]
            .choose(rng)
            .expect("non-empty");
            let vals: Vec<i64> = (0..n)
                .map(|i| if i == row { v } else { midnight })
                .collect();
            (Arc::new(Date64Array::from(vals)), format!("Date64 {v}"))
        }
        _ => unreachable!("picked by type"),
    };
    let batch = replace_column(f.batch(), col, array);
    f.set_batch(batch);
    (
        format!("{}: `{col}` row {} = {value}", f.path.display(), row + 1),
        reject(f.table, &[col], &[row + 1], &[&f.path]),
    )
}

/// A NULL in a key column or the partition date.
fn null_key(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let (fi, col) = pick_column(files, rng, |t, c| {
        let def = t.def();
        def.grain.contains(&c.name) || def.date_column == Some(c.name)
    })
    .expect("a key column");
    let f = &mut files[fi];
    let n = f.batch().num_rows();
    let row = rng.random_range(0..n);
    let array = f.batch().column_by_name(col).expect("column").clone();
    let null = new_null_array(array.data_type(), 1);
    let batch = replace_column(f.batch(), col, with_value(&array, row, &null));
    f.set_batch(batch);
    (
        format!("{}: `{col}` row {} NULL", f.path.display(), row + 1),
        reject(f.table, &[col], &[row + 1], &[&f.path]),
    )
}

/// Two places (file, row) of one table; the second gets the first's key.
fn duplicate_key(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let tables: Vec<TableId> = {
        let mut t: Vec<TableId> = files
            .iter()
            .filter(|f| f.is_rows())
            .map(|f| f.table)
            .collect();
        t.dedup();
        t.into_iter()
            .filter(|&t| {
                files_of(files, t)
                    .iter()
                    .map(|&i| files[i].batch().num_rows())
                    .sum::<usize>()
                    >= 2
            })
            .collect()
    };
    let table = *tables.choose(rng).expect("a table with two rows");
    let places: Vec<(usize, usize)> = files_of(files, table)
        .into_iter()
        .flat_map(|fi| (0..files[fi].batch().num_rows()).map(move |r| (fi, r)))
        .collect();
    let two: Vec<&(usize, usize)> = places.choose_multiple(rng, 2).collect();
    let ((fa, ra), (fb, rb)) = (*two[0], *two[1]);
    let grain = table.def().grain;
    let mut batch = files[fb].batch().clone();
    for g in grain {
        let from = files[fa].batch().column_by_name(g).expect("key").clone();
        let to = batch.column_by_name(g).expect("key").clone();
        let indices: Vec<(usize, usize)> = (0..to.len())
            .map(|i| if i == rb { (1, ra) } else { (0, i) })
            .collect();
        let merged = interleave(&[to.as_ref(), from.as_ref()], &indices).expect("same type");
        batch = replace_column(&batch, g, merged);
    }
    files[fb].set_batch(batch);
    let (pa, pb) = (files[fa].path.clone(), files[fb].path.clone());
    (
        format!(
            "{table}: {} row {} copies the key of {} row {}",
            pb.display(),
            rb + 1,
            pa.display(),
            ra + 1
        ),
        reject(table, grain, &[ra + 1, rb + 1], &[&pa, &pb]),
    )
}

/// A date or timestamp outside the known seasons, some beyond chrono's range.
fn date_out_of_range(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let (fi, col) = pick_column(files, rng, |_, c| {
        matches!(c.ty, ColumnType::Date | ColumnType::Timestamp)
    })
    .expect("a date column");
    let f = &mut files[fi];
    let n = f.batch().num_rows();
    let row = rng.random_range(0..n);
    let array = f.batch().column_by_name(col).expect("column").clone();
    let (value, shown): (ArrayRef, String) = match array.data_type() {
        DataType::Date32 => {
            let v = *[
                day("1900-01-01"),
                day("1945-12-31"),
                day("2200-06-01"),
                day("0001-01-01"),
                i32::MAX,
                i32::MIN,
                -800_000,
            ]
            .choose(rng)
            .expect("non-empty");
            (Arc::new(Date32Array::from(vec![v])), format!("day {v}"))
        }
        dt @ DataType::Timestamp(..) => {
            let v = *[
                -2_208_988_800_000_000, // 1900-01-01
                7_258_118_400_000_000,  // 2200-01-01
                i64::MAX,
                i64::MIN + 1,
            ]
            .choose(rng)
            .expect("non-empty");
            (timestamp_value(dt, v), format!("µs {v}"))
        }
        other => panic!("{col} is {other}"),
    };
    let batch = replace_column(f.batch(), col, with_value(&array, row, &value));
    f.set_batch(batch);
    (
        format!("{}: `{col}` row {} = {shown}", f.path.display(), row + 1),
        reject(f.table, &[col], &[row + 1], &[&f.path]),
    )
}

/// A file moved under a Hive directory of its date column: with a row of another date,
/// under a name that is no date, or matching (imported).
fn partition_directory(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let (fi, _) = pick_column(files, rng, |t, c| t.def().date_column == Some(c.name))
        .expect("a partitioned table");
    let f = &mut files[fi];
    let col = f.table.def().date_column.expect("partitioned");
    let n = f.batch().num_rows();
    let d = rng.random_range(0..WINDOW.len());
    let mut dates = vec![day(WINDOW[d]); n];
    let root = f.path.components().next().expect("a first component");
    let root = PathBuf::from(root.as_os_str());
    let name = if f.path == root {
        PathBuf::from("part-0.parquet")
    } else {
        PathBuf::from(f.path.file_name().expect("a file name"))
    };
    let variant = rng.random_range(0..3);
    let dir = match variant {
        1 => format!(
            "{col}={}",
            ["2024-13-45", "soon", "", "2024-1-15x"]
                .choose(rng)
                .expect("non-empty")
        ),
        _ => format!("{col}={}", WINDOW[d]),
    };
    let row = rng.random_range(0..n);
    if variant == 0 {
        dates[row] = day(WINDOW[(d + 1) % WINDOW.len()]);
    }
    let batch = replace_column(f.batch(), col, Arc::new(Date32Array::from(dates)));
    f.set_batch(batch);
    f.path = root.join(&dir).join(name);
    let what = format!(
        "{} {}",
        f.path.display(),
        ["with a row of another date", "not a date", "matching"][variant]
    );
    let expect = match variant {
        0 => reject(f.table, &[col], &[row + 1], &[&f.path]),
        1 => reject(f.table, &[col], &[], &[&f.path]),
        _ => Expect::Accept,
    };
    (what, expect)
}

/// A file truncated, emptied, replaced by bytes that are not Parquet, or with a few bytes
/// overwritten (which may still decode).
fn broken_bytes(kind: Kind, files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let options: Vec<usize> = (0..files.len()).filter(|&i| files[i].is_rows()).collect();
    let fi = *options.choose(rng).expect("a file");
    let f = &mut files[fi];
    let Content::Rows(batch, props) = &f.content else {
        unreachable!("picked with rows")
    };
    let good = parquet_bytes(batch, props.as_deref().cloned());
    let (bytes, what) = match kind {
        Kind::Truncated => {
            let at = rng.random_range(0..good.len());
            (
                good[..at].to_vec(),
                format!("cut at {at} of {}", good.len()),
            )
        }
        Kind::EmptyFile => (Vec::new(), "0 bytes".to_string()),
        Kind::NotParquet => match rng.random_range(0..4) {
            0 => (
                b"game_id,game_date\n0022300601,2024-01-15\n".to_vec(),
                "CSV".to_string(),
            ),
            1 => (
                br#"[{"game_id": "0022300601"}]"#.to_vec(),
                "JSON".to_string(),
            ),
            2 => {
                let n = rng.random_range(1..3000);
                (
                    (0..n).map(|_| rng.random()).collect(),
                    format!("{n} random bytes"),
                )
            }
            _ => {
                let n = rng.random_range(0..64);
                let mut b = b"PAR1".to_vec();
                b.extend((0..n).map(|_| rng.random::<u8>()));
                b.extend((rng.random_range(0..200u32)).to_le_bytes());
                b.extend(b"PAR1");
                (b, format!("PAR1, {n} random bytes, a footer length, PAR1"))
            }
        },
        _ => {
            let mut b = good.clone();
            let k = rng.random_range(1..=4);
            let mut at = Vec::new();
            for _ in 0..k {
                let i = rng.random_range(4..b.len() - 8);
                b[i] = rng.random();
                at.push(i);
            }
            (b, format!("bytes {at:?} of {} overwritten", good.len()))
        }
    };
    f.content = Content::Bytes(bytes);
    let what = format!("{}: {what}", f.path.display());
    let expect = if kind == Kind::CorruptBytes {
        Expect::Either {
            table: f.table,
            files: vec![f.path.clone()],
        }
    } else {
        reject(f.table, &[], &[], &[&f.path])
    };
    (what, expect)
}

/// A string value made invalid UTF-8 in the file's bytes.
fn invalid_utf8(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let (fi, col) =
        pick_column(files, rng, |_, c| c.ty == ColumnType::Varchar).expect("a string column");
    let f = &mut files[fi];
    let n = f.batch().num_rows();
    let row = rng.random_range(0..n);
    let marker = format!("~MARK{:08x}~", rng.random::<u32>());
    let array = f.batch().column_by_name(col).expect("column").clone();
    let value = cast(
        &(Arc::new(StringArray::from(vec![marker.as_str()])) as ArrayRef),
        array.data_type(),
    )
    .expect("a string type");
    let batch = replace_column(f.batch(), col, with_value(&array, row, &value));
    let bytes = parquet_with_invalid_utf8(&batch, &marker);
    f.content = Content::Bytes(bytes);
    (
        format!("{}: `{col}` row {} not UTF-8", f.path.display(), row + 1),
        reject(f.table, &[col], &[], &[&f.path]),
    )
}

/// A string column as Arrow binary, its bytes valid UTF-8 or not.
fn binary_for_string(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let (fi, col) =
        pick_column(files, rng, |_, c| c.ty == ColumnType::Varchar).expect("a string column");
    let f = &mut files[fi];
    let array = cast(
        f.batch().column_by_name(col).expect("column"),
        &DataType::Utf8,
    )
    .expect("to Utf8");
    let strings = array.as_string::<i32>();
    let invalid = rng.random_bool(0.5);
    let values: Vec<Option<Vec<u8>>> = strings
        .iter()
        .map(|s| {
            s.map(|s| {
                let mut b = s.as_bytes().to_vec();
                if invalid {
                    b.push(0xFF);
                }
                b
            })
        })
        .collect();
    let binary: ArrayRef = if rng.random_bool(0.5) {
        Arc::new(BinaryArray::from_iter(values))
    } else {
        Arc::new(LargeBinaryArray::from_iter(values))
    };
    let dt = binary.data_type().clone();
    let batch = replace_column(f.batch(), col, binary);
    f.set_batch(batch);
    (
        format!(
            "{}: `{col}` as {dt}{}",
            f.path.display(),
            if invalid { ", not UTF-8" } else { "" }
        ),
        reject(f.table, &[col], &[], &[&f.path]),
    )
}

/// An odd but valid string in a string column (imported as it is).
fn odd_utf8(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let (fi, col) =
        pick_column(files, rng, |_, c| c.ty == ColumnType::Varchar).expect("a string column");
    let f = &mut files[fi];
    let n = f.batch().num_rows();
    let row = rng.random_range(0..n);
    let odd = odd_string(rng);
    let array = f.batch().column_by_name(col).expect("column").clone();
    let value = cast(
        &(Arc::new(StringArray::from(vec![odd.as_str()])) as ArrayRef),
        array.data_type(),
    )
    .expect("a string type");
    let batch = replace_column(f.batch(), col, with_value(&array, row, &value));
    f.set_batch(batch);
    let shown: String = odd.chars().take(12).collect();
    (
        format!(
            "{}: `{col}` row {} = {shown:?} ({} bytes)",
            f.path.display(),
            row + 1,
            odd.len()
        ),
        Expect::Accept,
    )
}

/// A column dropped or misnamed (one file in five without rows).
fn missing_column(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let (fi, col) = pick_column(files, rng, |_, _| true).expect("a column");
    let f = &mut files[fi];
    let mut batch = f.batch().clone();
    if rng.random_bool(0.2) {
        batch = batch.slice(0, 0);
    }
    let how = rng.random_range(0..4);
    let batch = match how {
        0 => drop_column(&batch, col),
        1 => rename_column(&batch, col, &col.to_uppercase()),
        2 => rename_column(&batch, col, &format!("{col} ")),
        _ => rename_column(&batch, col, &format!("{col}_1")),
    };
    let n = batch.num_rows();
    f.set_batch(batch);
    (
        format!(
            "{}: `{col}` {}, {n} rows",
            f.path.display(),
            ["dropped", "upper-cased", "with a trailing space", "renamed"][how]
        ),
        reject(f.table, &[col], &[], &[&f.path]),
    )
}

/// A registry column given twice.
fn duplicate_column(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let (fi, col) = pick_column(files, rng, |_, _| true).expect("a column");
    let f = &mut files[fi];
    let array = f.batch().column_by_name(col).expect("column").clone();
    let n = array.len();
    let second: ArrayRef = if rng.random_bool(0.5) {
        array
    } else {
        Arc::new(StringArray::from(vec!["other"; n]))
    };
    let batch = add_column(f.batch(), col, second);
    f.set_batch(batch);
    (
        format!("{}: `{col}` twice", f.path.display()),
        reject(f.table, &[col], &[], &[&f.path]),
    )
}

/// Columns the registry does not have, of any type (imported, the extras dropped).
fn extra_columns(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let options: Vec<usize> = (0..files.len()).filter(|&i| files[i].is_rows()).collect();
    let fi = *options.choose(rng).expect("a file");
    let f = &mut files[fi];
    let def = f.table.def();
    let names = [
        "exported_by",
        "_PARTITIONTIME",
        "GAME_ID",
        "game_date ",
        "名前",
        "a.b",
        "__index_level_0__",
    ];
    let k = rng.random_range(1..=3);
    let mut batch = f.batch().clone();
    let n = batch.num_rows();
    let mut added = Vec::new();
    for &name in names.choose_multiple(rng, k) {
        if def.column(name).is_some() {
            continue;
        }
        let array: ArrayRef = match rng.random_range(0..6) {
            0 => Arc::new(Int64Array::from(vec![7; n])),
            1 => Arc::new(StringArray::from(vec!["bq"; n])),
            2 => Arc::new(BinaryArray::from_iter_values(vec![[0xFFu8, 0x00]; n])),
            3 => Arc::new(NullArray::new(n)),
            4 => wrong_array(
                &DataType::List(Arc::new(Field::new("item", DataType::Int32, true))),
                n,
            ),
            _ => Arc::new(StructArray::from(vec![(
                Arc::new(Field::new("a", DataType::Int32, true)),
                Arc::new(Int32Array::from(vec![1; n])) as ArrayRef,
            )])),
        };
        added.push(format!("{name:?} {}", array.data_type()));
        batch = add_column(&batch, name, array);
    }
    f.set_batch(batch);
    (
        format!("{}: extra {}", f.path.display(), added.join(", ")),
        Expect::Accept,
    )
}

/// A file with its columns and no rows (imported).
fn zero_rows(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let options: Vec<usize> = (0..files.len()).filter(|&i| files[i].is_rows()).collect();
    let fi = *options.choose(rng).expect("a file");
    let f = &mut files[fi];
    let batch = f.batch().slice(0, 0);
    f.set_batch(batch);
    (format!("{}: 0 rows", f.path.display()), Expect::Accept)
}

/// Columns in other types the contract accepts (imported, converted).
fn other_widths(files: &mut [ExportFile], rng: &mut ChaCha8Rng) -> (String, Expect) {
    let options: Vec<usize> = (0..files.len()).filter(|&i| files[i].is_rows()).collect();
    let fi = *options.choose(rng).expect("a file");
    let f = &mut files[fi];
    let def = f.table.def();
    let conformed = conform_batch(def, f.batch()).expect("a good batch conforms");
    let mut batch = f.batch().clone();
    let k = rng.random_range(1..=4);
    let mut changed = Vec::new();
    for c in def.columns.choose_multiple(rng, k) {
        let key = def.grain.contains(&c.name) || def.date_column == Some(c.name);
        let have = conformed.column_by_name(c.name).expect("conformed").clone();
        let Some(array) = other_width(c.ty, &have, key, rng) else {
            continue;
        };
        changed.push(format!("`{}` as {}", c.name, array.data_type()));
        batch = replace_column(&batch, c.name, array);
    }
    f.set_batch(batch);
    (
        format!("{}: {}", f.path.display(), changed.join(", ")),
        Expect::Accept,
    )
}

/// `have` (registry type `ty`) in another type the contract accepts.
fn other_width(
    ty: ColumnType,
    have: &ArrayRef,
    key: bool,
    rng: &mut ChaCha8Rng,
) -> Option<ArrayRef> {
    let to = |dt: DataType| cast(have, &dt).ok();
    match ty {
        ColumnType::Varchar => {
            let dt = [
                DataType::LargeUtf8,
                DataType::Utf8View,
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                DataType::Dictionary(Box::new(DataType::UInt16), Box::new(DataType::LargeUtf8)),
            ]
            .choose(rng)?
            .clone();
            to(dt)
        }
        ColumnType::Integer | ColumnType::Bigint => {
            let dt = [
                DataType::Int8,
                DataType::Int16,
                DataType::Int64,
                DataType::UInt8,
                DataType::UInt16,
                DataType::UInt32,
                DataType::UInt64,
            ]
            .choose(rng)?
            .clone();
            // `cast` is safe here: a value that does not fit would become
            // NULL, so try a narrower type only where every value fits.
            let narrowed = to(dt)?;
            (narrowed.null_count() == have.null_count())
                .then_some(narrowed)
                .or_else(|| to(DataType::Int64))
        }
        ColumnType::Double => match rng.random_range(0..3) {
            0 => to(DataType::Float32),
            1 => to(DataType::Decimal128(18, 4)),
            _ => {
                let ints = cast(have, &DataType::Int32).ok()?;
                Some(ints)
            }
        },
        ColumnType::Boolean => None,
        ColumnType::Date => to(DataType::Date64),
        ColumnType::Timestamp => {
            let micros = have.as_primitive::<arrow::datatypes::TimestampMicrosecondType>();
            let tz: Option<Arc<str>> = [
                None,
                Some("+00:00"),
                Some("UTC"),
                Some("+05:30"),
                Some("America/New_York"),
            ]
            .choose(rng)?
            .map(Arc::from);
            let vals = |div: i64, mul: i64| -> Vec<Option<i64>> {
                micros.iter().map(|v| v.map(|v| v / div * mul)).collect()
            };
            let array: ArrayRef = match rng.random_range(0..4) {
                0 => Arc::new(TimestampSecondArray::from(vals(1_000_000, 1)).with_timezone_opt(tz)),
                1 => {
                    Arc::new(TimestampMillisecondArray::from(vals(1_000, 1)).with_timezone_opt(tz))
                }
                2 => Arc::new(TimestampNanosecondArray::from(vals(1, 1_000)).with_timezone_opt(tz)),
                _ => Arc::new(TimestampMicrosecondArray::from(vals(1, 1)).with_timezone_opt(tz)),
            };
            Some(array)
        }
    }
    .or_else(|| (!key).then(|| Arc::new(NullArray::new(have.len())) as ArrayRef))
    .map(|a| {
        if !key && rng.random_bool(0.15) {
            Arc::new(NullArray::new(a.len())) as ArrayRef
        } else {
            a
        }
    })
}

// ---- running and judging ----

/// Writes the case's files below `dir`.
fn write_export(files: &[ExportFile], dir: &Path) {
    for f in files {
        let path = dir.join(&f.path);
        match &f.content {
            Content::Rows(batch, props) => {
                write_parquet_with(&path, batch, props.as_deref().cloned())
            }
            Content::Bytes(bytes) => {
                std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
                std::fs::write(&path, bytes).expect("write");
            }
        }
    }
}

/// Whether `text` says `row {row}` (and not row 12 for row 1).
fn names_row(text: &str, row: usize) -> bool {
    let needle = format!("row {row}");
    text.match_indices(&needle).any(|(i, _)| {
        !text[i + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// What a refusal's text lacks, if anything.
fn missing_from(text: &str, expect: &Expect) -> Vec<String> {
    let (table, columns, rows, files): (TableId, &[String], &[usize], &[PathBuf]) = match expect {
        Expect::Reject {
            table,
            columns,
            rows,
            files,
        } => (*table, columns, rows, files),
        Expect::Either { table, files } => (*table, &[], &[], files),
        Expect::Accept => return vec![],
    };
    let mut missing = Vec::new();
    if !text.contains(&table.to_string()) {
        missing.push(format!("table {table}"));
    }
    for c in columns {
        if !text.contains(&format!("`{c}`")) {
            missing.push(format!("column `{c}`"));
        }
    }
    for &r in rows {
        if !names_row(text, r) {
            missing.push(format!("row {r}"));
        }
    }
    for f in files {
        if !text.contains(&*f.to_string_lossy()) {
            missing.push(format!("file {}", f.display()));
        }
    }
    missing
}

/// Each row of `batch` as one string (dates first when `date` is given),
/// for comparing what landed with what was given.
fn render(batch: &RecordBatch, date: Option<String>) -> Vec<String> {
    let batch = with_offset_zones(batch);
    (0..batch.num_rows())
        .map(|r| {
            let mut cells: Vec<String> = date.iter().cloned().collect();
            for c in batch.columns() {
                cells.push(if c.is_null(r) {
                    "∅".to_string()
                } else {
                    array_value_to_string(c, r).expect("displayable")
                });
            }
            cells.join("\u{1F}")
        })
        .collect()
}

/// The rows of `table` given in `files`, conformed, as the lake would hold them.
fn expected_rows(files: &[ExportFile], table: TableId) -> Vec<String> {
    let def = table.def();
    let mut out = Vec::new();
    for f in files.iter().filter(|f| f.table == table) {
        let batch = conform_batch(def, f.batch()).expect("an accepted batch conforms");
        match def.date_column {
            Some(col) => {
                let idx = batch.schema().index_of(col).expect("date column");
                let dates = batch.column(idx).clone();
                let rest = batch
                    .project(
                        &(0..batch.num_columns())
                            .filter(|&i| i != idx)
                            .collect::<Vec<_>>(),
                    )
                    .expect("projection");
                for (r, row) in render(&rest, None).into_iter().enumerate() {
                    let d = array_value_to_string(&dates, r).expect("a date");
                    out.push(format!("{d}\u{1F}{row}"));
                }
            }
            None => out.extend(render(&batch, None)),
        }
    }
    out.sort();
    out
}

/// The rows of `table` in the lake, rendered like [`expected_rows`].
fn landed_rows(lake: &Lake, table: TableId) -> Vec<String> {
    let mut out = Vec::new();
    for p in lake.partitions(table).expect("partitions") {
        let path = lake.local_root().join(Lake::partition_path(table, p.date));
        let file = std::fs::File::open(&path).expect("partition file");
        for batch in ParquetRecordBatchReaderBuilder::try_new(file)
            .expect("lake Parquet")
            .build()
            .expect("reader")
        {
            out.extend(render(
                &batch.expect("batch"),
                p.date.map(|d| d.to_string()),
            ));
        }
    }
    out.sort();
    out
}

/// What differs between the rows given and the rows landed, per table.
fn landing_problems(lake: &Lake, files: &[ExportFile]) -> Vec<String> {
    let mut tables: Vec<TableId> = files.iter().map(|f| f.table).collect();
    tables.sort();
    tables.dedup();
    let mut problems = Vec::new();
    for t in tables {
        let want = expected_rows(files, t);
        let got = landed_rows(lake, t);
        if want != got {
            let first = want
                .iter()
                .zip(&got)
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("\n  given:  {a:.200}\n  landed: {b:.200}"))
                .unwrap_or_default();
            problems.push(format!(
                "{t}: {} rows given, {} landed{first}",
                want.len(),
                got.len()
            ));
        }
    }
    problems
}

/// Every file of the lake at `dir` with its bytes.
type Listing = Vec<(PathBuf, Vec<u8>)>;

/// The lake refused cases run against: every raw table imported once from
/// other rows on the same dates, so that any write would show.
fn pristine_lake() -> (tempfile::TempDir, Lake) {
    let dir = tempdir();
    let lake = Lake::open(dir.path().to_str().expect("utf-8")).expect("open lake");
    let export = tempdir();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let files: Vec<ExportFile> = raw_tables()
        .into_iter()
        .map(|table| ExportFile {
            path: format!("{table}.parquet").into(),
            table,
            content: Content::Rows(generated(table, 0..6, &mut rng, "p"), None),
        })
        .collect();
    write_export(&files, export.path());
    import(&lake, export.path()).expect("the pristine export imports");
    assert!(landing_problems(&lake, &files).is_empty());
    (dir, lake)
}

#[derive(Default)]
struct Tally {
    cases: BTreeMap<Kind, usize>,
    /// Refusals per kind, with the first one's text.
    refusals: BTreeMap<Kind, (usize, String)>,
    rejected: usize,
    accepted: usize,
    panics: usize,
    partial_writes: usize,
    binary: usize,
    failures: Vec<(Kind, String)>,
}

impl Tally {
    fn fail(&mut self, kind: Kind, what: String) {
        self.failures.push((kind, what));
    }
}

/// Runs one case in-process and judges it. Refused cases run against the
/// pristine lake, whose listing is `before`; both are renewed after a case
/// that was allowed to change it (corrupt bytes that decoded).
fn run_in_process(
    case: &Case,
    pristine: &mut (tempfile::TempDir, Lake),
    before: &mut Listing,
    tally: &mut Tally,
) {
    let export = tempdir();
    write_export(&case.files, export.path());
    let fresh = tempdir();
    let fresh_lake = Lake::open(fresh.path().to_str().expect("utf-8")).expect("open lake");
    let lake = match case.expect {
        Expect::Accept => &fresh_lake,
        _ => &pristine.1,
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| import(lake, export.path())));
    let label = case.label();
    let imported = matches!(outcome, Ok(Ok(_)));
    match (&case.expect, outcome) {
        (_, Err(panic)) => {
            tally.panics += 1;
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            tally.fail(case.kind, format!("{label}: panicked: {msg}"));
        }
        (Expect::Accept, Ok(Err(e))) => {
            tally.fail(
                case.kind,
                format!("{label}: refused: {:.400}", backcourt::error_chain(&e)),
            );
        }
        (Expect::Accept, Ok(Ok(_))) => {
            tally.accepted += 1;
            for p in landing_problems(lake, &case.files) {
                tally.fail(case.kind, format!("{label}: {p}"));
            }
        }
        (Expect::Reject { .. }, Ok(Ok(_))) => {
            tally.fail(case.kind, format!("{label}: imported, should be refused"));
        }
        // The corrupt file may have decoded to other values: only the
        // absence of a panic is asserted.
        (Expect::Either { .. }, Ok(Ok(_))) => tally.accepted += 1,
        (_, Ok(Err(e))) => {
            tally.rejected += 1;
            let text = backcourt::error_chain(&e);
            let refusals = tally
                .refusals
                .entry(case.kind)
                .or_insert_with(|| (0, text.clone()));
            refusals.0 += 1;
            let missing = missing_from(&text, &case.expect);
            if !missing.is_empty() {
                tally.fail(
                    case.kind,
                    format!("{label}: error lacks {}: {text:.400}", missing.join(", ")),
                );
            }
            if !e.is_bad_input() {
                tally.fail(
                    case.kind,
                    format!("{label}: would exit 1, not 2: {text:.300}"),
                );
            }
        }
    }
    if !matches!(case.expect, Expect::Accept) && files(pristine.0.path()) != *before {
        if !(imported && matches!(case.expect, Expect::Either { .. })) {
            tally.partial_writes += 1;
            tally.fail(case.kind, format!("{label}: the lake changed"));
        }
        *pristine = pristine_lake();
        *before = files(pristine.0.path());
    }
}

/// Runs one case through the binary and judges it.
fn run_binary(case: &Case, pristine: &Path, before: &Listing, tally: &mut Tally) {
    tally.binary += 1;
    let export = tempdir();
    write_export(&case.files, export.path());
    let label = case.label();
    let export_arg = export.path().to_str().expect("utf-8");
    match &case.expect {
        Expect::Accept => {
            let fresh = tempdir();
            let out = run(fresh.path(), &["import", export_arg]);
            if out.status.code() != Some(0) {
                tally.fail(case.kind, format!("{label}: binary: {:.800}", show(&out)));
                return;
            }
            let lake = Lake::open(fresh.path().to_str().expect("utf-8")).expect("open lake");
            for p in landing_problems(&lake, &case.files) {
                tally.fail(case.kind, format!("{label}: binary: {p}"));
            }
            // DuckDB reads every table back, odd strings and all.
            let mut tables: Vec<TableId> = case.files.iter().map(|f| f.table).collect();
            tables.sort();
            tables.dedup();
            for t in tables {
                let out = run(
                    fresh.path(),
                    &["--json", "query", &format!("SELECT * FROM {t}")],
                );
                let rows: Option<Vec<serde_json::Value>> = serde_json::from_slice(&out.stdout).ok();
                let want = expected_rows(&case.files, t).len();
                if out.status.code() != Some(0) || rows.as_ref().map(Vec::len) != Some(want) {
                    tally.fail(
                        case.kind,
                        format!(
                            "{label}: DuckDB reads {t} back as {:?} rows, not {want}: {:.800}",
                            rows.map(|r| r.len()),
                            show(&out)
                        ),
                    );
                }
            }
        }
        expect => {
            let out = run(pristine, &["import", export_arg]);
            let code = out.status.code();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let either = matches!(expect, Expect::Either { .. });
            if code == Some(0) && either {
                return;
            }
            if code != Some(2) {
                tally.fail(
                    case.kind,
                    format!("{label}: binary exit {code:?}, not 2: {stderr:.400}"),
                );
            }
            let missing = missing_from(&stderr, expect);
            if !missing.is_empty() {
                tally.fail(
                    case.kind,
                    format!(
                        "{label}: binary stderr lacks {}: {stderr:.400}",
                        missing.join(", ")
                    ),
                );
            }
            if files(pristine) != *before {
                tally.partial_writes += 1;
                tally.fail(case.kind, format!("{label}: binary: the lake changed"));
            }
        }
    }
}

#[test]
fn broken_exports_are_refused_by_name_and_write_nothing() {
    let started = Instant::now();
    let mut pristine = pristine_lake();
    let mut before = files(pristine.0.path());
    let mut tally = Tally::default();
    let mut index = 0;
    for kind in KINDS {
        for i in 0..CASES_PER_KIND {
            let case = case(kind, index);
            index += 1;
            run_in_process(&case, &mut pristine, &mut before, &mut tally);
            *tally.cases.entry(kind).or_default() += 1;
            if i == 0 {
                run_binary(&case, pristine.0.path(), &before, &mut tally);
                if files(pristine.0.path()) != before {
                    pristine = pristine_lake();
                    before = files(pristine.0.path());
                }
            }
        }
    }
    let total: usize = tally.cases.values().sum();
    let per_kind: Vec<String> = tally
        .cases
        .iter()
        .map(|(k, n)| match tally.refusals.get(k) {
            Some((r, _)) if r != n => format!("{} {n} ({r} refused)", k.name()),
            _ => format!("{} {n}", k.name()),
        })
        .collect();
    eprintln!(
        "import fuzz: {total} cases ({}); {} refused, {} imported, {} through the binary; \
         {} panics, {} partial writes, {} failures; {:.1} s",
        per_kind.join(", "),
        tally.rejected,
        tally.accepted,
        tally.binary,
        tally.panics,
        tally.partial_writes,
        tally.failures.len(),
        started.elapsed().as_secs_f64()
    );
    // What a refusal of each kind says (temporary paths shortened).
    for (kind, (_, text)) in &tally.refusals {
        let text = text.replace(&*std::env::temp_dir().to_string_lossy(), "…");
        eprintln!("  {}: {text:.300}", kind.name());
    }
    // Up to three failures of each kind.
    let mut shown = Vec::new();
    for kind in KINDS {
        let of_kind: Vec<&String> = tally
            .failures
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, f)| f)
            .collect();
        if !of_kind.is_empty() {
            shown.push(format!("{} ({} failures):", kind.name(), of_kind.len()));
            shown.extend(of_kind.iter().take(3).map(|f| format!("  {f}")));
        }
    }
    assert!(
        tally.failures.is_empty(),
        "{} failures:\n{}",
        tally.failures.len(),
        shown.join("\n")
    );
    assert_eq!(tally.panics, 0);
    assert_eq!(tally.partial_writes, 0);
    assert!(total >= 1_000, "{total} cases");
}
