//! backcourt's integration tests: one binary, against real DuckDB and real Parquet files.
//!
//! A pipeline table's tests are in the module named after it, so that `sql/<dataset>/<table>.sql`,
//! its entry in `src/registry/*.rs` and `tests/it/<table>.rs` are its whole definition. A test
//! that reads two tables is in the module of the one whose rule it asserts; one asserting the same
//! rule of a pair of tables (a loop over both) is with the table the other reads. Hand-built inputs
//! that more than one module reads are in `scenarios/`, each built once; the generated leagues,
//! temporary lakes, SQL helpers and the binary are in `util.rs`.
//!
//! | Table | Module | What is covered |
//! |---|---|---|
//! | **Phase 3** | | |
//! | `player_game_summary` | `player_game_summary.rs` | hand-built feeds: one row per player who played, BDL for a partial gamebook, reversed ids, minutes, usage, shooting, zones, pre-tip lines; league invariants; one date alone; the line picker on real-shaped feeds; every Phase 3 table's system game id |
//! | `team_offense_game_summary` | `team_offense_game_summary.rs` | hand-built game: possessions, ratings, pace and overtime, zones, second-chance points, a team rebuilt from player rows, reversed ids, rerun bytes; league invariants; and, for both team tables, rows per game, dates, one date alone, quality columns |
//! | `team_defense_game_summary` | `team_defense_game_summary.rs` | blocks by zone; offence and defence agreeing from both sides (its mirrored columns are checked in `team_offense_game_summary.rs`) |
//! | `upcoming_player_game_context` | `upcoming_player_game_context.rs` | hand-built date: rest, 7/14-day load, last-5/10 averages, prop line and streaks, injury status, players without history; live rows: the roster less those ruled out before as_of; one row per player-game played |
//! | `upcoming_team_game_context` | `upcoming_team_game_context.rs` | spread, travel, starters out, momentum, rest, completeness, in-progress games; and, for both context tables, rebuilds, nothing read after as_of, one date alone; two rows per game |
//! | **Phase 4** | | |
//! | `team_defense_zone_analysis` | `team_defense_zone_analysis.rs` | last-15 sums before the date, league average and its defaults, strongest and weakest zones, tiers, too few games as a failure |
//! | `player_shot_zone_analysis` | `player_shot_zone_analysis.rs` | last-10 rates, primary-zone thresholds, last-20 trend, short histories as failures, games without zone data |
//! | `player_composite_factors` | `player_composite_factors.rs` | each rule of the four factors, their total, warnings and completeness; the population; a context rebuilt from earlier games |
//! | `player_daily_cache` | `player_daily_cache.rs` | sample deviation, windows, team form, a first game as a failure; on the league, a player who missed games keeps his row, the gap in its 7-day completeness |
//! | `ml_feature_store_v2` | `ml_feature_store_v2.rs` | the 25 reference features in order, each through its sources (Phase 4, Phase 3 fallback, default, calculated), quality score and tier; every default in the league the reference's; zone shares without zone data |
//! | **Phase 5** | | |
//! | `player_prop_predictions` | `player_prop_predictions.rs` | each system on hand-built features: adjustments, confidence, gates, the ensemble's weights and votes, the trained model's confidence; on the league: `predictions_pipeline.rs` |
//! | `prediction_accuracy` | `prediction_accuracy.rs` | verdicts, errors and thresholds, deciles, pushes, PASS and NO_LINE, the context a row carries, missing actuals as failures, regrading a range |
//! | `system_daily_performance` | `system_daily_performance.rs` | win rates over decided calls only, errors, over/under and confidence counts, one row per date and system |
//! | **Processing** | | |
//! | `processing_failures` | `processing_failures.rs` | every stored category is a `FailureCategory`; an unknown one writes nothing. One vocabulary across SQL, Rust and stored rows, and reading back: `backfill_coverage.rs`; each model's failures: its table's module |
//! | `name_matches` | `name_matches.rs` | each spelling's first method (fuzzy, surname, suffix, alias), "Last, First" injury names, the resolved status reaching Phase 3; on a real-shaped league: `realistic_feeds.rs` |
//! | `unresolved_names` | `unresolved_names.rs` | ambiguous and unmatched names as rows with their candidates, never a guess; on a real-shaped league: `realistic_feeds.rs` |
//! | **Inputs** (`nba_raw`, `nba_reference`, `nba_static`, `nba_synthetic`) | none of their own | the raw contract (`import.rs`), the generator (`league.rs`), real-shaped feeds (`realistic_feeds.rs`), the mirror from BigQuery (`cloud_bigquery.rs`) |
//!
//! The modules across tables:
//! - `backfill_run.rs`: the backfill runner (`run`) through the binary: a failed date blocks only
//!   its readers and the printed retry finishes, a changed raw date replans what reads it, a killed
//!   run resumes, one writer per lake, reruns and `--force`, usage errors.
//! - `backfill_coverage.rs`: `coverage` (the date × table matrix), `preflight` and `failures`
//!   through the binary, expectations from the schedule and raw box scores; one failure vocabulary.
//! - `calendar.rs`: the calendar against the generated schedule: opening nights, bootstrap,
//!   postponed games, the NBA Cup final.
//! - `cli.rs`: the command line: help, exit codes, JSON and timestamps, `demo`'s own lake.
//! - `cloud_bigquery.rs`: `export` to and `mirror` from BigQuery, against the emulators.
//! - `cloud_lake.rs`: the lake on S3 (an emulator): the local lake's guarantees and bytes, reads
//!   through a local cache (another machine's too), the runner on S3.
//! - `config.rs`: `backcourt.toml` through the binary: where it is found, flag over environment
//!   over file over default (seen in `config` and in the commands that use each setting), mistakes
//!   in the file as configuration errors, redacted credentials.
//! - `engine_held.rs`: the session's in-memory copies of tables read what the files hold.
//! - `import.rs`: `import` against the raw contract, all files checked before any is written.
//! - `import_fuzz.rs`: `import` against 1,260 generated broken exports (wrong types, NULL and
//!   duplicate keys, dates out of range, truncated and corrupt files, odd strings, ...): each
//!   refused by name with exit 2 and the lake untouched, or, where the contract allows it, landed.
//! - `lake.rs`: the lake: byte-identical rewrites, range replacement, the Hive layout, atomic
//!   partitions under a killed writer, conformance to the registry on write.
//! - `league.rs`: the synthetic league, every modelling line on the four generated seasons, and a
//!   season whose last day is left scheduled.
//! - `live_run.rs`: `run --live` on a season whose last day is scheduled: the slate predicted as of
//!   `--as-of` and not graded; the run after the games grades the kept live predictions; `--force`
//!   recomputes them as of tip-off; dates without a slate refused.
//! - `precompute_replay.rs`: Phase 4 is point in time: each table's date alone is the full run's,
//!   bootstrap dates are skipped.
//! - `predictions_pipeline.rs`: Phase 5 on the generated league: every system's coverage, training
//!   on the past only, the trained model against the baselines, rerun bytes, the leakage test.
//! - `realistic_feeds.rs`: the whole pipeline through the binary on a real-shaped league (names,
//!   lines, features, season openers, zone tiers).
//! - `registry.rs`: every registry entry against its code: the columns and types its SQL writes
//!   (DESCRIBE), the tables its SQL and shared macros read, its value bounds on the built league.

mod scenarios;
mod util;

// One module per pipeline table.
mod ml_feature_store_v2;
mod name_matches;
mod player_composite_factors;
mod player_daily_cache;
mod player_game_summary;
mod player_prop_predictions;
mod player_shot_zone_analysis;
mod prediction_accuracy;
mod processing_failures;
mod system_daily_performance;
mod team_defense_game_summary;
mod team_defense_zone_analysis;
mod team_offense_game_summary;
mod unresolved_names;
mod upcoming_player_game_context;
mod upcoming_team_game_context;

// Across tables.
mod backfill_coverage;
mod backfill_run;
mod calendar;
mod cli;
mod cloud_bigquery;
mod cloud_lake;
mod config;
mod engine_held;
mod import;
mod import_fuzz;
mod lake;
mod league;
mod live_run;
mod precompute_replay;
mod predictions_pipeline;
mod realistic_feeds;
mod registry;
