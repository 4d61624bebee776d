//! backcourt's integration tests: one binary, modules by theme.

mod util;

mod calendar;
mod cli;
mod import;
mod lake;
mod league;
