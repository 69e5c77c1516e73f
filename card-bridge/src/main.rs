//! `card-bridge`: started by the browser as a native-messaging host, or by a person from a
//! terminal. All the work happens in the library modules; this file only maps arguments to a mode
//! and the result to an exit code.

// stdout carries protocol frames only (extension/NATIVE-MESSAGING.md §4): nothing may print to it
// outside `frame::write_frame`. The human-facing modes write through `cli`.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod approval;
mod card;
mod cli;
mod commands;
mod error;
mod frame;
mod install;
mod log;
mod pinpad;
mod session;
mod tlv;
mod transport;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli::Mode::from_args(&args) {
        Ok(cli::Mode::NativeMessaging) => {
            let stdin = std::io::stdin().lock();
            let stdout = std::io::stdout().lock();
            match session::run(stdin, stdout, &mut card::Pcsc, &mut log::Log::from_environment()) {
                Ok(()) => ExitCode::SUCCESS,
                // The browser reads nothing but frames; the exit status is all it can see.
                Err(_) => ExitCode::FAILURE,
            }
        }
        Ok(mode) => cli::run(mode),
        Err(usage) => {
            cli::usage_error(&usage);
            ExitCode::from(2)
        }
    }
}
