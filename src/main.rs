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
            eprintln!("backcourt: {}", backcourt::error_chain(err.as_ref()));
            ExitCode::from(cli::exit_code(&err))
        }
    }
}
