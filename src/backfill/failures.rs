//! Reading `nba_processing.processing_failures` back (`backcourt failures`):
//! the rows of a range, each INCOMPLETE_DATA one classified against the raw
//! box scores by `sql/ops/failure_report.sql` (a DNP, a data gap, or filled
//! since). The runner writes these rows; the vocabulary is `crate::failures`.

use crate::engine::Engine;
use crate::failures::{Classification, FailureCategory, UnknownCategory};

/// One failure row as `backcourt failures` reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureRow {
    pub table: String,
    pub date: chrono::NaiveDate,
    pub entity_id: String,
    pub entity_type: String,
    pub category: FailureCategory,
    pub classification: Option<Classification>,
    pub can_retry: bool,
    pub reason: String,
}

/// A stored row that does not read back through the vocabulary.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Engine(#[from] crate::engine::Error),
    #[error("nba_processing.processing_failures, {table} {date}: {source}")]
    Category {
        table: String,
        date: chrono::NaiveDate,
        #[source]
        source: UnknownCategory,
    },
    #[error("nba_processing.processing_failures: unknown classification `{0}`")]
    Classification(String),
}

/// The failure rows of `range` (optionally of one table and one category),
/// the INCOMPLETE_DATA ones classified against the raw box scores.
pub fn read(
    engine: &Engine,
    range: crate::dates::DateRange,
    table: Option<crate::registry::TableId>,
    category: Option<FailureCategory>,
) -> Result<Vec<FailureRow>, ReadError> {
    use arrow::array::{Array, AsArray};
    let sql = crate::engine::bind_params(
        include_str!("../../sql/ops/failure_report.sql"),
        &crate::engine::ModelParams::historical(range),
    )?;
    let mut rows = Vec::new();
    for b in engine.query(&sql)? {
        let text = |i: usize| b.column(i).as_string::<i32>();
        let (tables, entities, types, categories, classes, reasons) =
            (text(0), text(2), text(3), text(4), text(5), text(7));
        let dates = b.column(1).as_primitive::<arrow::datatypes::Date32Type>();
        let retry = b.column(6).as_boolean();
        for i in 0..b.num_rows() {
            let date = crate::dates::date32_to_date(dates.value(i));
            let table_name = tables.value(i).to_string();
            let parsed: FailureCategory =
                categories
                    .value(i)
                    .parse()
                    .map_err(|source| ReadError::Category {
                        table: table_name.clone(),
                        date,
                        source,
                    })?;
            let classification = match classes.is_null(i) {
                true => None,
                false => Some(
                    Classification::ALL
                        .iter()
                        .copied()
                        .find(|c| c.as_str() == classes.value(i))
                        .ok_or_else(|| ReadError::Classification(classes.value(i).into()))?,
                ),
            };
            if table.is_some_and(|t| t.name() != table_name)
                || category.is_some_and(|c| c != parsed)
            {
                continue;
            }
            rows.push(FailureRow {
                table: table_name,
                date,
                entity_id: entities.value(i).to_string(),
                entity_type: types.value(i).to_string(),
                category: parsed,
                classification,
                can_retry: !retry.is_null(i) && retry.value(i),
                reason: if reasons.is_null(i) {
                    String::new()
                } else {
                    reasons.value(i).to_string()
                },
            });
        }
    }
    Ok(rows)
}
