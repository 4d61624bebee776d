//! Exports to import (`tests/it/import.rs`, `tests/it/import_fuzz.rs`): Parquet files named
//! `<dataset>.<table>.parquet` as BigQuery writes them, in the widths and string kinds real
//! exports use, and the directory of three good ones the import tests start from.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, Date32Array, Int32Array, Int64Array, LargeStringArray, RecordBatch, StringArray,
    StringViewArray, TimestampMillisecondArray,
};
use backcourt::dates::date_to_date32;
use backcourt::registry::TableId;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;

use crate::util::registry_batch;

/// Writes `batch` as a Parquet file at `path` (creating its directory).
pub fn write_parquet(path: &Path, batch: &RecordBatch) {
    write_parquet_with(path, batch, None);
}

/// [`write_parquet`] with the writer settings `props` (compression, row
/// groups, dictionaries), as other exporters choose them.
pub fn write_parquet_with(path: &Path, batch: &RecordBatch, props: Option<WriterProperties>) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    let file = std::fs::File::create(path).expect("create");
    let mut w = ArrowWriter::try_new(file, batch.schema(), props).expect("writer");
    w.write(batch).expect("write");
    w.close().expect("close");
}

/// The Parquet bytes of `batch` written with `props`.
pub fn parquet_bytes(batch: &RecordBatch, props: Option<WriterProperties>) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut w = ArrowWriter::try_new(&mut buf, batch.schema(), props).expect("writer");
    w.write(batch).expect("write");
    w.close().expect("close");
    buf
}

/// The Parquet bytes of `batch` with each occurrence of `marker` (an ASCII
/// value of a string column) made invalid UTF-8. The file is written plain
/// (no compression, dictionary or statistics), so the value's bytes are in it
/// as they are; their first two become a lone continuation byte and the start
/// of a two-byte sequence. Arrow cannot hold such a string; a file can.
pub fn parquet_with_invalid_utf8(batch: &RecordBatch, marker: &str) -> Vec<u8> {
    assert!(marker.len() >= 2 && marker.is_ascii(), "{marker:?}");
    let props = WriterProperties::builder()
        .set_compression(parquet::basic::Compression::UNCOMPRESSED)
        .set_dictionary_enabled(false)
        .set_statistics_enabled(parquet::file::properties::EnabledStatistics::None)
        .build();
    let mut bytes = parquet_bytes(batch, Some(props));
    let m = marker.as_bytes();
    let mut found = 0;
    let mut i = 0;
    while i + m.len() <= bytes.len() {
        if &bytes[i..i + m.len()] == m {
            bytes[i] = 0x80;
            bytes[i + 1] = 0xC3;
            found += 1;
            i += m.len();
        } else {
            i += 1;
        }
    }
    assert!(found > 0, "{marker:?} is not in the plain-encoded file");
    bytes
}

/// The Date32 of a `YYYY-MM-DD` literal.
pub fn day(s: &str) -> i32 {
    date_to_date32(s.parse().expect("a YYYY-MM-DD literal"))
}

/// `nba_static.travel_distances` with Int64 miles, LargeUtf8 and Utf8View
/// team names and an extra column.
pub fn travel(pairs: &[(&str, &str, i64)]) -> RecordBatch {
    RecordBatch::try_from_iter(vec![
        (
            "from_team",
            Arc::new(LargeStringArray::from(
                pairs.iter().map(|p| p.0).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        (
            "to_team",
            Arc::new(StringViewArray::from(
                pairs.iter().map(|p| p.1).collect::<Vec<_>>(),
            )),
        ),
        (
            "distance_miles",
            Arc::new(Int64Array::from(
                pairs.iter().map(|p| p.2).collect::<Vec<_>>(),
            )),
        ),
        (
            "time_zones_crossed",
            Arc::new(Int32Array::from(vec![Some(3); pairs.len()])),
        ),
        (
            "exported_by",
            Arc::new(StringArray::from(vec!["bq"; pairs.len()])),
        ),
    ])
    .expect("travel batch")
}

/// `nba_raw.espn_team_rosters` rows of (roster_date, team_abbr, player_lookup).
pub fn rosters(rows: &[(&str, &str, &str)]) -> RecordBatch {
    registry_batch(
        TableId::EspnTeamRosters,
        vec![
            (
                "roster_date",
                Arc::new(Date32Array::from(
                    rows.iter().map(|r| day(r.0)).collect::<Vec<_>>(),
                )) as ArrayRef,
            ),
            (
                "team_abbr",
                Arc::new(StringArray::from(
                    rows.iter().map(|r| r.1).collect::<Vec<_>>(),
                )),
            ),
            (
                "player_lookup",
                Arc::new(StringArray::from(
                    rows.iter().map(|r| r.2).collect::<Vec<_>>(),
                )),
            ),
        ],
    )
}

/// `nba_raw.nbac_schedule` rows of (game_id, game_date, tip-off in Unix
/// milliseconds), the tip-off as a timestamp without zone in milliseconds.
pub fn schedule(rows: &[(&str, &str, i64)]) -> RecordBatch {
    registry_batch(
        TableId::NbacSchedule,
        vec![
            (
                "game_id",
                Arc::new(StringArray::from(
                    rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                )) as ArrayRef,
            ),
            (
                "game_date",
                Arc::new(Date32Array::from(
                    rows.iter().map(|r| day(r.1)).collect::<Vec<_>>(),
                )),
            ),
            (
                "season_year",
                Arc::new(Int64Array::from(vec![2023; rows.len()])),
            ),
            (
                "game_time_utc",
                Arc::new(TimestampMillisecondArray::from(
                    rows.iter().map(|r| r.2).collect::<Vec<_>>(),
                )),
            ),
        ],
    )
}

pub const TIP_OFF_MS: i64 = 1_705_363_200_123; // 2024-01-16 00:00:00.123 UTC

/// Three good exports, as (path below the export directory, table, rows): a
/// file, a directory of two files, and a file with extra columns and other
/// widths.
pub fn good_export_files() -> Vec<(PathBuf, TableId, RecordBatch)> {
    let roster_dir = PathBuf::from("nba_raw.espn_team_rosters.parquet");
    vec![
        (
            "nba_raw.nbac_schedule.parquet".into(),
            TableId::NbacSchedule,
            schedule(&[
                ("0022300601", "2024-01-15", TIP_OFF_MS),
                ("0022300602", "2024-01-15", TIP_OFF_MS + 3_600_000),
                ("0022300615", "2024-01-17", TIP_OFF_MS + 172_800_000),
            ]),
        ),
        (
            roster_dir.join("part-000.parquet"),
            TableId::EspnTeamRosters,
            rosters(&[
                ("2024-01-15", "BOS", "jaysontatum"),
                ("2024-01-15", "BOS", "jaylenbrown"),
            ]),
        ),
        (
            roster_dir.join("part-001.parquet"),
            TableId::EspnTeamRosters,
            rosters(&[("2024-01-16", "LAL", "lebronjames")]),
        ),
        (
            "nba_static.travel_distances.parquet".into(),
            TableId::TravelDistances,
            travel(&[
                ("BOS", "LAL", 2611),
                ("LAL", "BOS", 2611),
                ("BOS", "NYK", 190),
            ]),
        ),
    ]
}

/// Writes [`good_export_files`] into `dir`.
pub fn good_exports(dir: &Path) {
    for (path, _, batch) in good_export_files() {
        write_parquet(&dir.join(path), &batch);
    }
}

/// `batch` with column `name` replaced by `array` (same position).
pub fn replace_column(batch: &RecordBatch, name: &str, array: ArrayRef) -> RecordBatch {
    let schema = batch.schema();
    let cols: Vec<(String, ArrayRef)> = schema
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(f, c)| {
            let c = if f.name() == name {
                array.clone()
            } else {
                c.clone()
            };
            (f.name().clone(), c)
        })
        .collect();
    try_batch(cols, batch.num_rows())
}

/// A batch of these columns (duplicate names allowed, as in a file).
pub fn try_batch(cols: Vec<(String, ArrayRef)>, rows: usize) -> RecordBatch {
    let fields: Vec<arrow::datatypes::Field> = cols
        .iter()
        .map(|(n, a)| arrow::datatypes::Field::new(n, a.data_type().clone(), true))
        .collect();
    let arrays: Vec<ArrayRef> = cols.into_iter().map(|(_, a)| a).collect();
    RecordBatch::try_new_with_options(
        Arc::new(arrow::datatypes::Schema::new(fields)),
        arrays,
        &arrow::array::RecordBatchOptions::new().with_row_count(Some(rows)),
    )
    .expect("columns of one length")
}
