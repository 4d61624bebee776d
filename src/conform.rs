//! Bringing Arrow batches to a table's registry schema.
//!
//! Real exports vary in width and zone (`spec/raw-tables.md`): an INTEGER may
//! arrive as Int64, a VARCHAR as Utf8View, a timestamp in any unit, with or
//! without a zone (none means UTC). A column is accepted when it converts to
//! the registry type without loss and rejected otherwise: a string where a
//! number is required, a missing column, an integer that does not fit. Extra
//! columns are dropped. The result has exactly the registry's columns, in its
//! order, with its types, which is what every lake file stores.

use arrow::array::{make_array, new_null_array, Array, ArrayRef, RecordBatch};
use arrow::compute::kernels::cast::{cast_with_options, CastOptions};
use arrow::datatypes::DataType;
use arrow::error::ArrowError;
use arrow::util::display::FormatOptions;

use crate::registry::{ColumnType, TableDef};

/// Why a batch does not meet the contract; always names the column.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("missing required column `{column}` ({expected})")]
    MissingColumn {
        column: &'static str,
        expected: &'static str,
    },
    #[error(
        "column `{column}` has type {found}, which does not convert to {expected} without loss"
    )]
    Incompatible {
        column: &'static str,
        found: DataType,
        expected: &'static str,
    },
    #[error("column `{column}`: a value does not fit {expected}: {reason}")]
    Lossy {
        column: &'static str,
        expected: &'static str,
        reason: String,
    },
}

/// Does a column of type `found` convert to `ty` without loss?
pub fn accepts(ty: ColumnType, found: &DataType) -> bool {
    use DataType as D;
    let integer = matches!(
        found,
        D::Int8 | D::Int16 | D::Int32 | D::Int64 | D::UInt8 | D::UInt16 | D::UInt32 | D::UInt64
    );
    match (ty, found) {
        (_, D::Null) => true,
        (ColumnType::Varchar, D::Utf8 | D::LargeUtf8 | D::Utf8View) => true,
        (ColumnType::Varchar, D::Dictionary(_, value)) => {
            matches!(value.as_ref(), D::Utf8 | D::LargeUtf8 | D::Utf8View)
        }
        (ColumnType::Integer | ColumnType::Bigint, _) => integer,
        (
            ColumnType::Double,
            D::Float16 | D::Float32 | D::Float64 | D::Decimal128(..) | D::Decimal256(..),
        ) => true,
        (ColumnType::Double, _) => integer,
        (ColumnType::Boolean, D::Boolean) => true,
        (ColumnType::Date, D::Date32 | D::Date64) => true,
        (ColumnType::Timestamp, D::Timestamp(..)) => true,
        _ => false,
    }
}

/// Returns `batch` with exactly the columns of `def`, converted to its types.
pub fn conform_batch(def: &TableDef, batch: &RecordBatch) -> Result<RecordBatch, Error> {
    let schema = def.arrow_schema();
    let options = CastOptions {
        safe: false,
        format_options: FormatOptions::default(),
    };
    let columns = def
        .columns
        .iter()
        .zip(schema.fields())
        .map(|(col, field)| {
            let Some(array) = batch.column_by_name(col.name) else {
                return Err(Error::MissingColumn {
                    column: col.name,
                    expected: col.ty.sql(),
                });
            };
            let found = array.data_type();
            if found == field.data_type() {
                return Ok(array.clone());
            }
            if !accepts(col.ty, found) {
                return Err(Error::Incompatible {
                    column: col.name,
                    found: found.clone(),
                    expected: col.ty.sql(),
                });
            }
            if *found == DataType::Null {
                return Ok(new_null_array(field.data_type(), array.len()));
            }
            cast_column(array, field.data_type(), &options).map_err(|e| Error::Lossy {
                column: col.name,
                expected: col.ty.sql(),
                reason: e.to_string(),
            })
        })
        .collect::<Result<Vec<ArrayRef>, _>>()?;
    Ok(RecordBatch::try_new(schema, columns).expect("columns were built from the registry schema"))
}

/// Casts `array` to the registry type `target`.
///
/// A timestamp without a zone is UTC: its unit is converted and the zone
/// label added, the instant unchanged. Arrow's own cast would instead read it
/// as local time in the target zone, which needs a time-zone database to
/// resolve the name `UTC` (the `chrono-tz` feature) and fails without one.
fn cast_column(
    array: &ArrayRef,
    target: &DataType,
    options: &CastOptions,
) -> Result<ArrayRef, ArrowError> {
    if let (DataType::Timestamp(_, None), DataType::Timestamp(unit, Some(_))) =
        (array.data_type(), target)
    {
        let naive = cast_with_options(array, &DataType::Timestamp(*unit, None), options)?;
        let labelled = naive
            .to_data()
            .into_builder()
            .data_type(target.clone())
            .build()?;
        return Ok(make_array(labelled));
    }
    cast_with_options(array, target, options)
}

/// `batch` with every zoned timestamp column labelled `+00:00` instead of a
/// zone name, for display and JSON.
///
/// DuckDB labels TIMESTAMPTZ results with the session zone's name (`UTC`);
/// arrow's formatters resolve zone names only with the `chrono-tz` feature (a
/// time-zone database this crate does not otherwise need), but format fixed
/// offsets without it. Relabelling keeps the instant and its UTC rendering.
pub fn with_offset_zones(batch: &RecordBatch) -> RecordBatch {
    let zoned =
        |dt: &DataType| matches!(dt, DataType::Timestamp(_, Some(tz)) if tz.as_ref() != "+00:00");
    if !batch.schema().fields().iter().any(|f| zoned(f.data_type())) {
        return batch.clone();
    }
    let mut fields = Vec::with_capacity(batch.num_columns());
    let mut columns = Vec::with_capacity(batch.num_columns());
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        match field.data_type() {
            DataType::Timestamp(unit, Some(_)) if zoned(field.data_type()) => {
                let dt = DataType::Timestamp(*unit, Some("+00:00".into()));
                let data = column
                    .to_data()
                    .into_builder()
                    .data_type(dt.clone())
                    .build()
                    .expect("same layout, other zone label");
                fields.push(field.as_ref().clone().with_data_type(dt));
                columns.push(make_array(data));
            }
            _ => {
                fields.push(field.as_ref().clone());
                columns.push(column.clone());
            }
        }
    }
    RecordBatch::try_new(
        std::sync::Arc::new(arrow::datatypes::Schema::new(fields)),
        columns,
    )
    .expect("fields and columns built pairwise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::TableId;
    use arrow::array::{Array, Int32Array, Int64Array, StringArray, TimestampMillisecondArray};
    use arrow::datatypes::{Field, Schema, TimeUnit};
    use std::sync::Arc;

    fn aliases_batch(is_active: ArrayRef) -> RecordBatch {
        let schema = Schema::new(vec![
            Field::new("alias_lookup", DataType::Utf8View, true),
            Field::new("nba_canonical_lookup", DataType::LargeUtf8, true),
            Field::new("alias_type", DataType::Utf8, true),
            Field::new("is_active", is_active.data_type().clone(), true),
            Field::new("extra", DataType::Int64, true),
        ]);
        RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(arrow::array::StringViewArray::from(vec!["kellyoubre"])),
                Arc::new(arrow::array::LargeStringArray::from(vec!["kellyoubrejr"])),
                Arc::new(StringArray::from(vec!["suffix"])),
                is_active,
                Arc::new(Int64Array::from(vec![1])),
            ],
        )
        .unwrap()
    }

    #[test]
    fn widths_and_string_kinds_convert_extra_columns_drop() {
        let def = TableId::PlayerAliases.def();
        let out = conform_batch(
            def,
            &aliases_batch(Arc::new(arrow::array::BooleanArray::from(vec![true]))),
        )
        .unwrap();
        assert_eq!(out.schema(), def.arrow_schema());
        assert_eq!(out.num_columns(), 4);
    }

    #[test]
    fn string_where_boolean_required_is_rejected_by_name() {
        let def = TableId::PlayerAliases.def();
        let err = conform_batch(
            def,
            &aliases_batch(Arc::new(StringArray::from(vec!["yes"]))),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Incompatible {
                    column: "is_active",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn integer_overflow_is_lossy_and_timestamps_become_utc_micros() {
        let def = TableId::TravelDistances.def();
        let schema = Schema::new(vec![
            Field::new("from_team", DataType::Utf8, true),
            Field::new("to_team", DataType::Utf8, true),
            Field::new("distance_miles", DataType::Int64, true),
            Field::new("time_zones_crossed", DataType::Int32, true),
        ]);
        let batch = |miles: i64| {
            RecordBatch::try_new(
                Arc::new(schema.clone()),
                vec![
                    Arc::new(StringArray::from(vec!["LAL"])),
                    Arc::new(StringArray::from(vec!["BOS"])),
                    Arc::new(Int64Array::from(vec![miles])),
                    Arc::new(Int32Array::from(vec![3])),
                ],
            )
            .unwrap()
        };
        assert!(conform_batch(def, &batch(2600)).is_ok());
        let err = conform_batch(def, &batch(i64::MAX)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Lossy {
                    column: "distance_miles",
                    ..
                }
            ),
            "{err}"
        );

        let ts: ArrayRef = Arc::new(TimestampMillisecondArray::from(vec![1_700_000_000_000]));
        let cast =
            cast_column(&ts, &ColumnType::Timestamp.arrow(), &CastOptions::default()).unwrap();
        assert_eq!(cast.data_type(), &ColumnType::Timestamp.arrow());
        let micros = cast
            .as_any()
            .downcast_ref::<arrow::array::TimestampMicrosecondArray>()
            .unwrap();
        assert_eq!(micros.value(0), 1_700_000_000_000_000);
        assert!(accepts(
            ColumnType::Timestamp,
            &DataType::Timestamp(TimeUnit::Nanosecond, None)
        ));
        assert!(!accepts(ColumnType::Integer, &DataType::Utf8));
        assert!(!accepts(ColumnType::Date, &DataType::Utf8));
    }

    #[test]
    fn missing_column_is_named() {
        let def = TableId::TravelDistances.def();
        let schema = Schema::new(vec![Field::new("from_team", DataType::Utf8, true)]);
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![Arc::new(StringArray::from(vec!["LAL"]))],
        )
        .unwrap();
        let err = conform_batch(def, &batch).unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing required column `to_team` (VARCHAR)"
        );
    }
}
