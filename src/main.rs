//! The `sfleaks` binary: parse arguments, run, map the result to an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = sfleaks::cli::Cli::parse();
    match sfleaks::app::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("sfleaks: {e:#}");
            ExitCode::from(sfleaks::app::EXIT_ERROR)
        }
    }
}
