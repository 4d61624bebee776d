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
