//! The durable ledger: per (table, date), what the last run of it did.
//!
//! One JSON object per table at `_backcourt/ledger/<dataset>.<table>.json` in
//! the lake, replaced whole by one atomic put after every pass over the
//! table, so a killed run leaves each table's ledger as it was after its last
//! finished pass. The ledger records; it does not decide: a date counts as
//! done only while its entry says done *and* the fingerprint of its inputs and
//! the hash of its partition still match the lake ([`super::plan`]).
//! Run history goes to `_backcourt/runs/<run id>.json`, one file per run.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::lake::{self, Lake};
use crate::registry::TableId;

/// Where the runner keeps its files in the lake.
pub const LEDGER_DIR: &str = "_backcourt/ledger";
/// One file per run: its plan, per-table outcome and timings.
pub const RUNS_DIR: &str = "_backcourt/runs";

/// Errors reading or writing the ledger.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Lake(#[from] lake::Error),
    #[error("ledger `{path}` does not parse ({source}); move it away to rebuild the table's history from scratch")]
    Corrupt {
        path: String,
        #[source]
        source: serde_json::Error,
    },
}

/// The outcome of a (table, date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Computed and written.
    Done,
    /// The pass computing it failed; `error` says why.
    Failed,
    /// Not computed, for the reason in `skip`.
    Skipped,
    /// Was done, but an input it read has changed since.
    Stale,
}

impl Status {
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Done => "done",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Stale => "stale",
        }
    }
}

/// Why a date was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Skip {
    /// A bootstrap date (opening night and the 13 days after): Phase 4 and 5
    /// have too little history to compute anything. Accepted.
    Bootstrap,
    /// An upstream date inside the read window is not done: computing would
    /// consume a missing or failed input. Not accepted: the run fails.
    Blocked { upstream: String, date: NaiveDate },
}

impl Skip {
    /// Whether a run that ends with this skip succeeded.
    pub fn accepted(&self) -> bool {
        matches!(self, Skip::Bootstrap)
    }
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::Bootstrap => f.write_str("bootstrap window"),
            Skip::Blocked { upstream, date } => write!(f, "upstream {upstream} not done on {date}"),
        }
    }
}

/// One (table, date) of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub status: Status,
    /// Passes that included the date, successful or not.
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<Skip>,
    /// Rows of the date's partition when done.
    pub rows: u64,
    /// RFC 3339, UTC.
    pub finished_at: String,
    /// The fingerprint of the inputs the computation read.
    pub inputs: String,
    /// The hash of the partition it wrote (`None`: no rows, no partition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    pub run_id: String,
    /// Set when a live run (`run --live`) computed the date as of this time
    /// (RFC 3339): the partition is the pre-game record, kept by later runs
    /// that are not forced ([`super::plan::kept_live`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_as_of: Option<String>,
}

/// The ledger of one table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    pub table: String,
    pub dates: BTreeMap<NaiveDate, Entry>,
}

impl Ledger {
    /// The ledger's path in the lake.
    pub fn path(table: TableId) -> String {
        format!("{LEDGER_DIR}/{table}.json")
    }

    /// The table's ledger; empty when it has never run.
    pub fn load(lake: &Lake, table: TableId) -> Result<Ledger, Error> {
        let path = Self::path(table);
        match lake.get_opt(&path)? {
            None => Ok(Ledger {
                table: table.to_string(),
                dates: BTreeMap::new(),
            }),
            Some(bytes) => {
                serde_json::from_slice(&bytes).map_err(|source| Error::Corrupt { path, source })
            }
        }
    }

    /// Replaces the table's ledger in one atomic put.
    pub fn save(&self, lake: &Lake, table: TableId) -> Result<(), Error> {
        let bytes = serde_json::to_vec_pretty(self).expect("a ledger serialises");
        lake.put(&Self::path(table), bytes)?;
        Ok(())
    }

    /// The entry of `date`, if the table ever ran it.
    pub fn get(&self, date: NaiveDate) -> Option<&Entry> {
        self.dates.get(&date)
    }

    /// Records an outcome for `date`, counting the attempt when one was made.
    pub fn record(&mut self, date: NaiveDate, mut entry: Entry, attempted: bool) {
        let before = self.dates.get(&date).map_or(0, |e| e.attempts);
        entry.attempts = before + u32::from(attempted);
        self.dates.insert(date, entry);
    }
}

/// The current time as the ledger writes it.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_through_json_with_their_skip_reasons() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap();
        let mut ledger = Ledger {
            table: "nba_analytics.player_game_summary".into(),
            dates: BTreeMap::new(),
        };
        let entry = Entry {
            status: Status::Skipped,
            attempts: 0,
            error: None,
            skip: Some(Skip::Blocked {
                upstream: "nba_raw.x".into(),
                date: d,
            }),
            rows: 0,
            finished_at: now(),
            inputs: "ab".into(),
            output: None,
            run_id: "r".into(),
            live_as_of: None,
        };
        ledger.record(d, entry.clone(), true);
        ledger.record(d, entry, true);
        assert_eq!(ledger.get(d).unwrap().attempts, 2);
        let json = serde_json::to_string(&ledger).unwrap();
        assert!(json.contains(r#""kind":"blocked""#), "{json}");
        let back: Ledger = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ledger);
        assert!(!back.get(d).unwrap().skip.as_ref().unwrap().accepted());
        assert!(Skip::Bootstrap.accepted());
    }
}
