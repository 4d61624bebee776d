//! backcourt's integration tests: one binary, modules by theme.

mod scenarios;
mod util;

mod backfill_coverage;
mod backfill_run;
mod calendar;
mod cli;
mod cloud_bigquery;
mod cloud_lake;
mod engine_held;
mod import;
mod lake;
mod league;
mod ml_feature_store_v2;
mod name_matches;
mod player_composite_factors;
mod player_daily_cache;
mod player_game_summary;
mod player_prop_predictions;
mod player_shot_zone_analysis;
mod precompute_replay;
mod prediction_accuracy;
mod predictions_pipeline;
mod processing_failures;
mod realistic_feeds;
mod system_daily_performance;
mod team_defense_game_summary;
mod team_defense_zone_analysis;
mod team_offense_game_summary;
mod unresolved_names;
mod upcoming_player_game_context;
mod upcoming_team_game_context;
