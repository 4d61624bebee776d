//! Phase 4: the precompute tables (`nba_precompute`) and the feature store
//! (`nba_predictions.ml_feature_store_v2`), each a SQL model over Phase 3
//! (`sql/nba_precompute/<table>.sql`, `sql/nba_predictions/ml_feature_store_v2.sql`)
//! computing a whole date range in one pass.
//!
//! Every model reads only games strictly before the date it computes, gives
//! no rows on bootstrap dates (opening night and the 13 days after), and
//! declares its candidates: an entity it cannot compute is a failure row in
//! `nba_processing.processing_failures`, written with the table's rows.

use chrono::NaiveDate;

use crate::calendar::Calendar;
pub use crate::engine::TableBuild;
use crate::engine::{self, Engine, ModelParams};
use crate::registry::{Phase, TableId};

/// What building Phase 4 over a range did.
#[derive(Debug, Clone)]
pub struct Build {
    pub tables: Vec<TableBuild>,
    /// Game dates of the range in a bootstrap window: skipped by every table
    /// (too little history to say anything), not failed.
    pub bootstrap_skipped: Vec<NaiveDate>,
    /// Game dates of the range outside the bootstrap: each should have rows
    /// in every table.
    pub game_dates: Vec<NaiveDate>,
}

/// Builds every Phase 4 table over `params.range`, each after the tables it
/// reads, replacing the range's partitions and failure rows.
pub fn build(engine: &Engine, calendar: &Calendar, params: &ModelParams) -> engine::Result<Build> {
    let (bootstrap_skipped, game_dates) = calendar
        .game_dates_in(params.range)
        .partition(|&d| calendar.is_bootstrap(d));
    let tables = TableId::in_phase_order(Phase::Precompute)
        .into_iter()
        .filter(|table| table.is_computed())
        .map(|table| engine.build_table(table, params))
        .collect::<engine::Result<_>>()?;
    Ok(Build {
        tables,
        bootstrap_skipped,
        game_dates,
    })
}
