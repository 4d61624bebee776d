//! Phase 3: the five `nba_analytics` tables, each a SQL model over the raw
//! lake (`sql/nba_analytics/<table>.sql`), built over a whole date range in
//! one set-based pass per table.
//!
//! Which tables exist and in what order they run come from the registry (its
//! upstream edges); this module only drives the engine.

use crate::engine::{self, Engine, ModelParams, TableBuild};
use crate::registry::{Phase, TableId};

/// Builds every Phase 3 table that has a model over `params.range`, each
/// after the tables it reads, replacing the range's partitions.
pub fn build(engine: &Engine, params: &ModelParams) -> engine::Result<Vec<TableBuild>> {
    TableId::in_phase_order(Phase::Analytics)
        .into_iter()
        .filter(|table| table.is_computed())
        .map(|table| engine.build_table(table, params))
        .collect()
}
