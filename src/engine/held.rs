//! Tables the session holds in memory.
//!
//! The lake stores one small Parquet file per table and date, so a view over
//! a table opens every file of it on every scan: 835 files for four seasons,
//! about 2 s for a table of 90 columns, against 0.1 s for the same rows in a
//! DuckDB table (measured with DuckDB 1.5 on the demo lake). A backfill reads
//! each upstream table several times, so the session copies a table into
//! memory the first time a model reads it, and keeps the copy equal to the
//! files:
//!
//! - before a model runs over more than a month, the tables it reads are
//!   loaded, once ([`Engine::hold_upstream`]); before every model, the
//!   copies it reads are checked against the lake's listing and loaded again
//!   if any partition changed behind the session's back (another process, a
//!   test, an import);
//! - a write replaces the written range of a held copy with the rows just
//!   written, conformed exactly as the files were ([`Engine::write_output`]);
//!   a table whose every partition was just written is held from those rows
//!   without reading a file, which is how a whole-range backfill never reads
//!   back what it wrote;
//! - [`Engine::refresh`] drops the copy and views the files again.
//!
//! The view keeps the table's name (`nba_analytics.player_game_summary`) and
//! only its body changes, from `read_parquet(..)` to the copy, so models and
//! ad hoc SQL read the same either way.

use std::collections::HashMap;

use arrow::array::RecordBatch;

use super::{ident, Engine, Error, Result};
use crate::dates::DateRange;
use crate::lake::Partition;
use crate::registry::TableId;

/// What a held copy was made from: the table's partitions (date, size,
/// version tag) as the lake listed them.
pub(super) type Listing = Vec<(Option<chrono::NaiveDate>, u64, Option<String>)>;

/// The tables a session (and its forks) holds, with the listing each copy
/// equals.
pub(super) type HeldSet = std::sync::Arc<std::sync::Mutex<HashMap<TableId, Listing>>>;

/// The in-memory database of the held copies, attached with compression:
/// four seasons' copies made the process peak at 2.1 GiB instead of 3.4 GiB,
/// for about 3 s more loading.
pub(super) const HELD_DB: &str = "held";

pub(super) fn listing(partitions: Vec<Partition>) -> Listing {
    partitions
        .into_iter()
        .map(|p| (p.date, p.size, p.e_tag))
        .collect()
}

/// The held copy of `table`.
fn held_name(table: TableId) -> String {
    format!("{HELD_DB}.main.{}", ident(&table.to_string()))
}

/// The view models read `table` through.
pub(super) fn view_name(table: TableId) -> String {
    format!("{}.{}", ident(table.dataset().name()), ident(table.name()))
}

/// Whether a model over `range` should load the tables it reads into
/// memory. Over a few weeks it should not: the views prune by date, so even
/// a model with a season of history reads a few hundred files once or
/// twice, cheaper than loading every table whole. A one-date run of the 13
/// tables took 28–33 s loading them, against 8.6–8.9 s through the views.
/// Copies already held (by a longer run in the same session) are used.
fn worth_loading_inputs(range: DateRange) -> bool {
    range.len() > SHORT_RANGE_DAYS
}

/// The longest range over which models read through the views.
const SHORT_RANGE_DAYS: u64 = 31;

/// Whether a table is worth holding: every lake table a model reads, except
/// the failure log, which the tables of one stage rewrite side by side.
fn holdable(table: TableId) -> bool {
    table != TableId::ProcessingFailures
}

impl Engine<'_> {
    /// Attaches the database of the held copies; once per session (forks
    /// share it).
    pub(super) fn attach_held(&self) -> Result<()> {
        self.execute_batch(&format!(
            "ATTACH IF NOT EXISTS ':memory:' AS {HELD_DB} (COMPRESS)"
        ))
    }

    fn held_lock(&self) -> std::sync::MutexGuard<'_, HashMap<TableId, Listing>> {
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether the session holds `table` in memory.
    pub fn is_held(&self, table: TableId) -> bool {
        self.held_lock().contains_key(&table)
    }

    /// Before `table`'s model runs over `range`: checks the held copies of
    /// the tables it reads against their files, and holds the others too
    /// when the range is long (see [`worth_loading_inputs`]).
    pub fn hold_upstream(&self, table: TableId, range: DateRange) -> Result<()> {
        let load = worth_loading_inputs(range);
        for &up in table.def().upstream {
            if load || self.is_held(up) {
                self.hold(up)?;
            }
        }
        Ok(())
    }

    /// Makes the session read `table` from a copy in memory equal to its
    /// files: loaded now if it is not held or its files changed since.
    pub fn hold(&self, table: TableId) -> Result<()> {
        if !holdable(table) {
            return Ok(());
        }
        let mut held = self.held_lock();
        let now = listing(self.lake.sync(table)?);
        match held.get(&table) {
            Some(copied) if *copied == now => return Ok(()),
            Some(_) => {
                tracing::info!(%table, "files changed behind the session; reloading");
                held.remove(&table);
                self.view_files(table)?;
            }
            None => {}
        }
        let started = std::time::Instant::now();
        self.create_held(table)?;
        self.execute_batch(&format!(
            "INSERT INTO {} SELECT * FROM {}",
            held_name(table),
            view_name(table)
        ))?;
        self.point_view_at_held(table)?;
        held.insert(table, now);
        tracing::info!(%table, seconds = started.elapsed().as_secs_f64(), "held in memory");
        Ok(())
    }

    /// Forgets the held copy of `table` (its view must be pointed at the
    /// files first).
    pub(super) fn release(&self, table: TableId) -> Result<()> {
        if self.held_lock().remove(&table).is_some() {
            self.execute_batch(&format!("DROP TABLE IF EXISTS {}", held_name(table)))?;
        }
        Ok(())
    }

    /// After `rows` (conformed, as written) replaced `range` of `table` in
    /// the lake: replaces the range in the held copy, or holds the table from
    /// `rows` when they are all it has. Returns whether the table is held
    /// now; if not, the caller views its files. A failure here forgets the
    /// copy, so the session never reads rows the files do not have.
    pub(super) fn update_held(
        &self,
        table: TableId,
        range: DateRange,
        rows: &RecordBatch,
    ) -> Result<bool> {
        if !holdable(table) {
            return Ok(false);
        }
        let date_col = table
            .def()
            .date_column
            .ok_or(Error::Unpartitioned { table })?;
        let mut held = self.held_lock();
        let now = listing(self.lake.partitions(table)?);
        let was_held = held.contains_key(&table);
        if !was_held
            && now
                .iter()
                .any(|(d, ..)| d.is_none_or(|d| !range.contains(d)))
        {
            return Ok(false);
        }
        let replaced = if was_held {
            self.execute_batch(&format!(
                "DELETE FROM {} WHERE {} BETWEEN DATE '{}' AND DATE '{}'",
                held_name(table),
                ident(date_col),
                range.start,
                range.end,
            ))
        } else {
            self.create_held(table)
        }
        .and_then(|()| self.append_held(table, rows));
        if let Err(e) = replaced {
            held.remove(&table);
            let _ = self.execute_batch(&format!("DROP TABLE IF EXISTS {}", held_name(table)));
            return Err(e);
        }
        if !was_held {
            self.point_view_at_held(table)?;
        }
        held.insert(table, now);
        Ok(true)
    }

    fn append_held(&self, table: TableId, rows: &RecordBatch) -> Result<()> {
        let name = table.to_string();
        super::append(
            self.conn.appender_to_catalog_and_db(&name, HELD_DB, "main"),
            rows,
            &name,
        )
    }

    /// An empty held table with the registry's columns, in order.
    fn create_held(&self, table: TableId) -> Result<()> {
        let columns = table
            .def()
            .columns
            .iter()
            .map(|c| format!("{} {}", ident(c.name), c.ty.sql()))
            .collect::<Vec<_>>()
            .join(", ");
        self.execute_batch(&format!(
            "CREATE OR REPLACE TABLE {} ({columns})",
            held_name(table)
        ))
    }

    fn point_view_at_held(&self, table: TableId) -> Result<()> {
        self.execute_batch(&format!(
            "CREATE OR REPLACE VIEW {} AS SELECT * FROM {}",
            view_name(table),
            held_name(table)
        ))
    }
}
