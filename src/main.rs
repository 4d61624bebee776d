//! The `backcourt` binary: parse the command line, run one library call,
//! map the outcome to an exit code (0 ok, 1 failed work, 2 usage or
//! configuration), print the error chain once.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::parse();
    cli::init_logging(&args);
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // A closed pipe (`backcourt query ... | head`) is not a failure.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("backcourt: {}", chain_text(&err));
            ExitCode::from(cli::exit_code(&err))
        }
    }
}

/// The error and its causes, each once. Library errors carry their source in
/// their own message as well as in `source()`, so `{:#}` would print every
/// cause twice; a cause the text so far already ends with is skipped. So is
/// DuckDB's C-level error code ("Error code 1: Unknown error code"), which
/// the duckdb crate chains under every failure and which says nothing the
/// message before it does not.
fn chain_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
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
