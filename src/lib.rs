//! backcourt: a local-first pipeline for NBA player-points prop modelling.
//!
//! Raw tables live as Parquet in a [`lake`]; one DuckDB [`engine`] session
//! sees them as views named like their BigQuery tables; every table is
//! declared once in the [`registry`]; seasons and game dates come from the
//! [`calendar`]; player and team names go through one normaliser, [`names`].
//! A fresh clone has data through the synthetic league of [`fixtures`].
//! Phase 3 ([`analytics`]) derives the analytics tables from the raw ones;
//! Phase 4 ([`precompute`]) the precompute tables and the feature store from
//! those, writing what it cannot compute as [`failures`]. [`export`] ships
//! tables to BigQuery and [`mirror`] pulls raw tables from it, over the
//! REST clients of [`cloud`]. The settings a user would otherwise repeat on
//! every command can live in a `backcourt.toml` ([`config`]).

pub mod analytics;
pub mod backfill;
pub mod calendar;
pub mod cloud;
pub mod config;
pub mod conform;
pub mod dates;
pub mod engine;
pub mod export;
pub mod failures;
pub mod fixtures;
pub mod import;
pub mod lake;
pub mod mirror;
pub mod names;
pub mod precompute;
pub mod predictions;
pub mod registry;
pub mod sql_functions;

/// An error and its causes, each once, joined by ": ". Library errors carry
/// their source in their own message as well as in `source()`, so walking
/// the chain naively prints every cause twice; a cause the text so far
/// already ends with is skipped. So is DuckDB's C-level error code ("Error
/// code 1: Unknown error code"), which the duckdb crate chains under every
/// failure and which says nothing the message before it does not.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut next = Some(err);
    while let Some(cause) = next {
        next = cause.source();
        if cause.is::<duckdb::ffi::Error>() {
            continue;
        }
        let cause = cause.to_string();
        if text.ends_with(&cause) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&cause);
    }
    text
}
