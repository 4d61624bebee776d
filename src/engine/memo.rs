//! Shared intermediates a session computes once per range.
//!
//! `nba_processing.name_matches` and `unresolved_names` are two views of one
//! resolution (`backcourt.feed_name_resolution`, sql/backcourt/): every
//! feed spelling of the range resolved against its game's players. The two
//! run side by side in one stage, and each computed the resolution over the
//! same range: about 7.7 s of query per season each, mostly the resolver's
//! unnests and distinct counts. So a model's call of a memoized macro over
//! its own range, written exactly `backcourt.<macro>($start_date, $end_date)`,
//! reads a session table instead, computed by the first model that needs it
//! while the other waits.
//!
//! A memo is only reused while the tables its first reader reads list the
//! same partitions (the check [`Engine::hold`] makes for held copies), so a
//! write of a feed, in this session or behind it, computes it afresh.

use std::collections::HashMap;

use super::{held, ident, Engine, Result};
use crate::dates::DateRange;
use crate::registry::TableId;

/// The table macros whose results are memoized, by name in `backcourt.`.
const MEMOIZED: &[&str] = &["feed_name_resolution"];

/// One memo's key: the macro, the range, and the listings of the tables its
/// reader reads.
type Key = (&'static str, DateRange, Vec<held::Listing>);

/// The memos of a session (shared by its forks): each key's table name.
pub(super) type MemoSet = std::sync::Arc<std::sync::Mutex<Memos>>;

#[derive(Debug, Default)]
pub(super) struct Memos {
    tables: HashMap<Key, String>,
    made: usize,
}

/// How a model calls `name` over its own range.
fn call(name: &str) -> String {
    format!("backcourt.{name}($start_date, $end_date)")
}

impl Engine<'_> {
    /// `sql` (a model of `table` over `range`, before its parameters are
    /// bound) with each call of a memoized macro over the model's range
    /// replaced by a session table of its rows, computed now if no model of
    /// the session did so over the same range and inputs.
    pub(super) fn with_memos(&self, table: TableId, sql: &str, range: DateRange) -> Result<String> {
        let mut out = sql.to_string();
        for &name in MEMOIZED {
            let call = call(name);
            if !out.contains(&call) {
                continue;
            }
            let inputs = table
                .def()
                .upstream
                .iter()
                .map(|&up| Ok(held::listing(self.lake.partitions(up)?)))
                .collect::<Result<Vec<_>>>()?;
            let memo = self.memo(name, range, inputs)?;
            out = out.replace(&call, &memo);
        }
        Ok(out)
    }

    fn memo(
        &self,
        name: &'static str,
        range: DateRange,
        inputs: Vec<held::Listing>,
    ) -> Result<String> {
        let mut memos = self
            .memos
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let key = (name, range, inputs);
        if let Some(t) = memos.tables.get(&key) {
            return Ok(t.clone());
        }
        // A memo over other inputs is never read again, but is not dropped:
        // a fork may have been handed its name and not yet run its query.
        // Inputs change within a session only when it writes a feed, so few
        // memos ever accumulate.
        memos.made += 1;
        let memo = format!(
            "{}.main.{}",
            held::HELD_DB,
            ident(&format!("memo_{name}_{}", memos.made))
        );
        let started = std::time::Instant::now();
        self.execute_batch(&format!(
            "CREATE OR REPLACE TABLE {memo} AS SELECT * FROM backcourt.{name}(DATE '{}', DATE '{}')",
            range.start, range.end
        ))?;
        tracing::info!(
            name,
            %range,
            seconds = started.elapsed().as_secs_f64(),
            "computed once for the session"
        );
        memos.tables.insert(key, memo.clone());
        Ok(memo)
    }
}
