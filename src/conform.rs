//! Bringing Arrow batches to a table's registry schema.
//!
//! Real exports vary in width and zone (`spec/raw-tables.md`): an INTEGER may
//! arrive as Int64, a VARCHAR as Utf8View, a timestamp in any unit, with or
//! without a zone (none means UTC). A column is accepted when it converts to
//! the registry type without loss and rejected otherwise: a string where a
//! number is required, a missing column, an integer that does not fit, a
//! Date64 that is not a whole day. A registry column that appears twice is
//! refused too (which one would be meant?). Extra columns are dropped. The
//! result has exactly the registry's columns, in its order, with its types,
//! which is what every lake file stores.

use arrow::array::{make_array, new_null_array, Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::kernels::cast::{cast_with_options, CastOptions};
use arrow::datatypes::{DataType, Date32Type, Date64Type, Schema};
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
    #[error("column `{column}` appears {count} times")]
    DuplicateColumn { column: &'static str, count: usize },
    #[error(
        "column `{column}` has type {found}, which does not convert to {expected} without loss"
    )]
    Incompatible {
        column: &'static str,
        found: DataType,
        expected: &'static str,
    },
    #[error("column `{column}`{}: a value does not fit {expected}: {reason}", at_row(*.row))]
    Lossy {
        column: &'static str,
        expected: &'static str,
        /// The first row that does not fit, counted from 1 in the batch.
        row: Option<usize>,
        reason: String,
    },
}

fn at_row(row: Option<usize>) -> String {
    row.map(|r| format!(" row {r}")).unwrap_or_default()
}

/// Checks that `schema` has every column of `def` once, in a type that
/// converts to the registry's; values are checked by [`conform_batch`].
///
/// A file's schema is checked on its own because a file with no rows has no
/// batch to conform, and its columns are still the contract.
pub fn check_schema(def: &TableDef, schema: &Schema) -> Result<(), Error> {
    for col in def.columns {
        let mut found = schema.fields().iter().filter(|f| f.name() == col.name);
        let Some(field) = found.next() else {
            return Err(Error::MissingColumn {
                column: col.name,
                expected: col.ty.sql(),
            });
        };
        let count = 1 + found.count();
        if count > 1 {
            return Err(Error::DuplicateColumn {
                column: col.name,
                count,
            });
        }
        if field.data_type() != &col.ty.arrow() && !accepts(col.ty, field.data_type()) {
            return Err(Error::Incompatible {
                column: col.name,
                found: field.data_type().clone(),
                expected: col.ty.sql(),
            });
        }
    }
    Ok(())
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
    check_schema(def, &batch.schema())?;
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
            let array = batch
                .column_by_name(col.name)
                .expect("check_schema found the column");
            let found = array.data_type();
            if found == field.data_type() {
                return Ok(array.clone());
            }
            if *found == DataType::Null {
                return Ok(new_null_array(field.data_type(), array.len()));
            }
            cast_column(array, field.data_type(), &options).map_err(|e| Error::Lossy {
                column: col.name,
                expected: col.ty.sql(),
                row: first_lossy_row(array, field.data_type()),
                reason: e.to_string(),
            })
        })
        .collect::<Result<Vec<ArrayRef>, _>>()?;
    Ok(RecordBatch::try_new(schema, columns).expect("columns were built from the registry schema"))
}

/// The first row (from 1) of `array` that a cast to `target` cannot keep:
/// the lenient cast turns exactly those into NULL.
fn first_lossy_row(array: &ArrayRef, target: &DataType) -> Option<usize> {
    let lenient = cast_column(array, target, &CastOptions::default()).ok()?;
    (0..array.len())
        .find(|&i| array.is_valid(i) && lenient.is_null(i))
        .map(|i| i + 1)
}

/// Casts `array` to the registry type `target`.
///
/// A timestamp without a zone is UTC: its unit is converted and the zone
/// label added, the instant unchanged. Arrow's own cast would instead read it
/// as local time in the target zone, which needs a time-zone database to
/// resolve the name `UTC` (the `chrono-tz` feature) and fails without one.
///
/// A Date64 must be a whole day (Arrow's rule for the type) within Date32's
/// range: Arrow's own cast divides and truncates to 32 bits, so 2024-01-16
/// 01:00 would become 2024-01-16 and a huge value some other date.
fn cast_column(
    array: &ArrayRef,
    target: &DataType,
    options: &CastOptions,
) -> Result<ArrayRef, ArrowError> {
    if let (DataType::Date64, DataType::Date32) = (array.data_type(), target) {
        const MS_PER_DAY: i64 = 86_400_000;
        let day = |ms: i64| {
            (ms % MS_PER_DAY == 0)
                .then(|| i32::try_from(ms / MS_PER_DAY).ok())
                .flatten()
        };
        let dates = array.as_primitive::<Date64Type>();
        let days = if options.safe {
            dates.unary_opt::<_, Date32Type>(day)
        } else {
            dates.try_unary::<_, Date32Type, _>(|ms| {
                day(ms).ok_or_else(|| {
                    ArrowError::CastError(format!(
                        "Date64 {ms} is not a whole day within Date32's range"
                    ))
                })
            })?
        };
        return Ok(std::sync::Arc::new(days));
    }
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
                    row: Some(1),
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
    fn a_column_twice_is_refused_even_without_rows() {
        let def = TableId::PlayerAliases.def();
        let batch = aliases_batch(Arc::new(arrow::array::BooleanArray::from(vec![true])));
        let mut fields: Vec<Field> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        fields.push(Field::new("alias_type", DataType::Utf8, true));
        let err = check_schema(def, &Schema::new(fields)).unwrap_err();
        assert_eq!(err.to_string(), "column `alias_type` appears 2 times");
    }

    #[test]
    fn a_date64_must_be_a_whole_day_within_date32() {
        let day_ms = 86_400_000_i64;
        let dates: ArrayRef = Arc::new(arrow::array::Date64Array::from(vec![
            19_738 * day_ms,
            19_738 * day_ms + 1,
            (i64::from(i32::MAX) + 1) * day_ms,
        ]));
        let strict = CastOptions {
            safe: false,
            format_options: FormatOptions::default(),
        };
        assert!(cast_column(&dates, &DataType::Date32, &strict).is_err());
        assert_eq!(first_lossy_row(&dates, &DataType::Date32), Some(2));
        let lenient = cast_column(&dates, &DataType::Date32, &CastOptions::default()).unwrap();
        let days = lenient.as_primitive::<Date32Type>();
        assert_eq!(days.value(0), 19_738);
        assert!(days.is_null(1) && days.is_null(2));
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
