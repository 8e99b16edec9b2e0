//! The `sfleaks` binary: parse arguments, run, map the result to an exit code.

use clap::Parser;
use std::process::ExitCode;

/// mimalloc: glibc's malloc and free were a tenth of a history scan (objects inflated, deltas
/// applied and blobs matched on two threads allocate and free all the time).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    on_panic_exit_quietly();
    // the child that parses one PDF for a scan (see `containers::isolated`)
    if std::env::args_os().nth(1).as_deref()
        == Some(sfleaks::source::containers::isolated::HELPER_ARG.as_ref())
    {
        return ExitCode::from(sfleaks::source::containers::isolated::serve());
    }
    let cli = sfleaks::cli::Cli::parse();
    match sfleaks::app::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("sfleaks: {e:#}");
            ExitCode::from(sfleaks::app::EXIT_ERROR)
        }
    }
}

/// A panic is a bug, but its message can quote the bytes being scanned (a slicing panic
/// prints the string), so it is withheld unless `SFLEAKS_DEBUG` is set, and the run ends with
/// the error exit code (2) instead of Rust's 101 and a half-written report.
fn on_panic_exit_quietly() {
    let debug = std::env::var_os("SFLEAKS_DEBUG").is_some();
    std::panic::set_hook(Box::new(move |info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if debug {
            eprintln!("sfleaks: internal error{at}: {info}");
        } else {
            eprintln!(
                "sfleaks: internal error{at} (a bug; set SFLEAKS_DEBUG=1 to see the message, which may quote scanned data)"
            );
        }
        std::process::exit(i32::from(sfleaks::app::EXIT_ERROR));
    }));
}
