//! The backfill runner: one command runs any set of tables over any dates,
//! with one set of rules.
//!
//! - [`plan`]: the DAG from the registry's upstream edges, and per
//!   (table, date) whether to compute it and why;
//! - [`state`]: content hashes of the lake's partitions and the fingerprint
//!   of the inputs each (table, date) reads;
//! - [`ledger`]: the durable per (table, date) record in the lake;
//! - [`lock`]: one writer per lake;
//! - [`live`]: one date's scheduled slate predicted before tip-off;
//! - [`run`]: executing a plan, stage by stage, each table in set-based
//!   passes, failures isolated to their dates;
//! - [`failures`]: the per-entity failure rows the runs wrote, read back.

pub mod code;
pub mod coverage;
pub mod failures;
pub mod ledger;
pub mod live;
pub mod lock;
pub mod plan;
pub mod run;
pub mod state;

pub use ledger::{Ledger, Skip, Status};
pub use plan::{DateSpec, Plan, Selection, TablePlan, Why};
pub use run::{run, RunOptions, RunReport, TableOutcome};
