//! Operational tables (`nba_processing`), following `spec/reference-ops.md`
//! §6.1 (failure storage) and §6.2 (categories). The reference keeps separate
//! `precompute_failures` and `analytics_failures` tables keyed on a processor
//! class name; backcourt keeps one table for every processor, keyed on the
//! output table's name, so the coverage matrix joins failures to the registry
//! directly (principle 10: one category enum for writers and readers).

use super::{columns, Dataset, Producer, TableDef, TableId};

pub(super) fn def(id: TableId) -> &'static TableDef {
    TABLES
        .iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id} is not an ops table"))
}

static TABLES: &[TableDef] = &[TableDef {
    id: TableId::ProcessingFailures,
    dataset: Dataset::NbaProcessing,
    name: "processing_failures",
    doc: "one row per entity a processor failed to produce on a date (DATE_LEVEL: the whole date)",
    date_column: Some("analysis_date"),
    grain: &[
        "table_name",
        "analysis_date",
        "entity_id",
        "failure_category",
    ],
    columns: columns![
        // What failed: the output table (registry name), the run, the date and the entity
        // (entity_type PLAYER | TEAM | GAME | DATE)
        table_name: Varchar, run_id: Varchar, analysis_date: Date, entity_id: Varchar,
        entity_type: Varchar,
        // Why
        failure_category: Varchar, failure_reason: Varchar, can_retry: Boolean,
        // DNP vs data-gap classification (§6.3); missing_game_dates is a JSON array of dates
        failure_type: Varchar, is_correctable: Boolean, expected_game_count: Integer,
        actual_game_count: Integer, missing_game_dates: Varchar, raw_data_checked: Boolean,
        // Lifecycle (UNRESOLVED | RESOLVED | PERMANENT | INVESTIGATING)
        resolution_status: Varchar, resolved_at: Timestamp, created_at: Timestamp,
    ],
    upstream: &[],
    producer: Producer::Unbuilt,
}];
