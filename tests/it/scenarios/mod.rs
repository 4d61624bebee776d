//! Hand-built scenarios shared by more than one test module: the inputs, the lake they are
//! written to (built once where a test module built it once) and the readers of its rows. The
//! tests themselves are in the module of the table whose rule they assert.

pub mod exports;
pub mod feature_inputs;
pub mod graded_predictions;
pub mod real_shaped_names;
pub mod team_game;
pub mod upcoming_context;
pub mod zone_inputs;
