//! What every command prints: small tables built from rows of cells, shown
//! as a table on a terminal or as one JSON array with `--json`; and the
//! error for what the user asked for wrongly (exit code 2).

use std::io::Write;

use anyhow::Result;
use arrow::array::RecordBatch;

use backcourt::conform::with_offset_zones;

/// An error in what the user asked for or configured (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct UsageError(pub String);

/// A cell of a small summary table.
pub(super) enum Cell {
    Text(String),
    Count(u64),
    /// No value: null in JSON, blank in a table.
    Null,
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
pub(super) fn record_batch(names: &[&str], rows: Vec<Vec<Cell>>) -> Result<RecordBatch> {
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

pub(super) fn batches_to_json(batches: &[RecordBatch]) -> Result<serde_json::Value> {
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
pub(super) fn print_batches(batches: &[RecordBatch], json: bool) -> Result<()> {
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
