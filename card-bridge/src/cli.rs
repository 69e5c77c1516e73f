//! The terminal side of the bridge: how arguments pick a mode, and the human-readable output.

use std::{io::Write, process::ExitCode};

/// What the process was started to do.
#[derive(Debug, Eq, PartialEq)]
pub(crate) enum Mode {
    /// Framed JSON on stdin/stdout, as the browser starts us.
    NativeMessaging,
    /// `--version`
    Version,
    /// `--help`
    Help,
}

impl Mode {
    /// Chromium starts a host with one argument, the caller's origin `chrome-extension://<id>/`;
    /// Firefox with two, the host manifest's path and the add-on id (spec/browser-bridge.md §4,
    /// §10). With no argument at all we also speak frames, which is what tests and `diagnose`
    /// pipelines use.
    pub(crate) fn from_args(args: &[String]) -> Result<Self, String> {
        match args {
            [] => Ok(Self::NativeMessaging),
            [origin] if origin.starts_with("chrome-extension://") => Ok(Self::NativeMessaging),
            [manifest, _addon_id] if manifest.ends_with(".json") => Ok(Self::NativeMessaging),
            [flag] if flag == "--version" || flag == "-V" => Ok(Self::Version),
            [flag] if flag == "--help" || flag == "-h" => Ok(Self::Help),
            other => Err(format!("unexpected arguments: {}", other.join(" "))),
        }
    }
}

pub(crate) fn run(mode: Mode) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let text = match mode {
        Mode::Version => format!("card-bridge {}\n", env!("CARGO_PKG_VERSION")),
        Mode::Help => USAGE.to_owned(),
        // Handled by main before we get here.
        Mode::NativeMessaging => return ExitCode::FAILURE,
    };
    match out.write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

pub(crate) fn usage_error(message: &str) {
    let _ = writeln!(std::io::stderr(), "card-bridge: {message}\n\n{USAGE}");
}

const USAGE: &str = "\
card-bridge: ehcert's link between the browser extension and your Belgian eID card reader.

The browser starts it by itself once it is installed; you do not need to run it.

Usage:
  card-bridge --version   print the version
  card-bridge --help      print this text
";

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(args: &[&str]) -> Result<Mode, String> {
        Mode::from_args(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn browsers_start_the_native_messaging_mode() {
        assert_eq!(mode(&[]), Ok(Mode::NativeMessaging));
        assert_eq!(
            mode(&["chrome-extension://abcdefghijklmnopabcdefghijklmnop/"]),
            Ok(Mode::NativeMessaging)
        );
        assert_eq!(
            mode(&[
                "/usr/lib/mozilla/native-messaging-hosts/be.ehcert.card_bridge.json",
                "card-bridge@ehcert.be"
            ]),
            Ok(Mode::NativeMessaging)
        );
    }

    #[test]
    fn unknown_arguments_are_a_usage_error() {
        assert!(mode(&["https://evil.example/"]).is_err());
        assert!(mode(&["--frobnicate", "x", "y"]).is_err());
        assert_eq!(mode(&["--version"]), Ok(Mode::Version));
    }
}
