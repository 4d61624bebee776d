//! Phase 3: the five `nba_analytics` tables, each a SQL model over the raw
//! lake (`sql/nba_analytics/<table>.sql`), built over a whole date range in
//! one set-based pass per table.
//!
//! Which tables exist and in what order they run come from the registry (its
//! upstream edges); this module only drives the engine.

use crate::engine::{self, Engine, ModelParams};
use crate::lake::WriteStats;
use crate::registry::{Phase, TableId};

/// Builds every Phase 3 table that has a model over `params.range`, each
/// after the tables it reads, replacing the range's partitions.
pub fn build(engine: &Engine, params: &ModelParams) -> engine::Result<Vec<(TableId, WriteStats)>> {
    TableId::in_phase_order(Phase::Analytics)
        .into_iter()
        .filter_map(|table| table.sql().map(|sql| (table, sql)))
        .map(|(table, sql)| Ok((table, engine.write_model(table, sql, params)?)))
        .collect()
}
