//! `ehcert-probe`: the first thing to run with access to eHealth's acceptance environment (see
//! docs/deploying.md and `app/certra/FIDELITY.md`). Non-destructive checks only: it requests no
//! certificate and revokes nothing.

use std::{path::PathBuf, process::ExitCode};

use ehcert_probe::{run, Options};

const USAGE: &str =
    "usage: ehcert-probe [--bridge PATH/card-bridge] [--base https://services-acpt.ehealth.fgov.be]
       [--organisation TYPE=ID] [--organisation-name NAME] [--application-id ID]
       [--email ADDRESS] [--phone NUMBER] [--report FILE.json]
       [--via https://APP-SERVER/ehealth/ENVIRONMENT]...
--via asks the same read-only questions again through the app server (ehcert-serve or the
nginx recipe) as the page does, and says whether the answers differ.
--bridge defaults to the installed card bridge, /usr/bin/ehcert-card-bridge (the Debian package).
The eID PIN is read from the environment variable EHCERT_PROBE_PIN, else from standard input
(one line, not echoed on a terminal). The PIN is used for the authentication key only.
--organisation needs --organisation-name (the name eHealth puts in the DN).";

/// Where the card bridge's Debian package installs it (packaging/linux/build-deb.sh).
const INSTALLED_BRIDGE: &str = "/usr/bin/ehcert-card-bridge";

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) if message == "help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("ehcert-probe: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let report_file = options.report.clone();
    match run(&options).await {
        Ok(report) => {
            print!("{}", report.to_text());
            if let Some(path) = report_file {
                let json = serde_json::to_string_pretty(&report).unwrap_or_default();
                if let Err(err) = std::fs::write(&path, json) {
                    eprintln!("ehcert-probe: cannot write {}: {err}", path.display());
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("ehcert-probe: {err}");
            ExitCode::FAILURE
        }
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options::default();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--base" => options.base = value()?.trim_end_matches('/').to_owned(),
            "--bridge" => options.bridge = PathBuf::from(value()?),
            "--organisation" => {
                let text = value()?;
                let (kind, id) = text.split_once('=').ok_or("--organisation takes TYPE=ID")?;
                options.organisation = Some((kind.to_owned(), id.to_owned()));
            }
            "--organisation-name" => options.organisation_name = value()?,
            "--application-id" => options.application_id = value()?,
            "--email" => options.email = value()?,
            "--phone" => options.phone = value()?,
            "--report" => options.report = Some(PathBuf::from(value()?)),
            "--via" => options.via.push(value()?),
            "--help" | "-h" => return Err("help".into()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.bridge.as_os_str().is_empty() {
        if !std::path::Path::new(INSTALLED_BRIDGE).is_file() {
            return Err(format!("--bridge is required (no card bridge at {INSTALLED_BRIDGE})"));
        }
        options.bridge = PathBuf::from(INSTALLED_BRIDGE);
    }
    // GenerateContract with an empty Name would ask eHealth for a DN without the name.
    if options.organisation.is_some() && options.organisation_name.trim().is_empty() {
        return Err("--organisation needs --organisation-name".into());
    }
    if options.pin.is_empty() {
        options.pin = match std::env::var("EHCERT_PROBE_PIN") {
            Ok(pin) => pin,
            Err(_) => read_pin()?,
        };
    }
    Ok(options)
}

/// One line of standard input; on a terminal with its echo off, so that the PIN never shows on
/// the screen (nor in a screen recording or a terminal's scroll-back).
fn read_pin() -> Result<String, String> {
    // Echo off before the prompt asks for the PIN: nothing typed after it shows.
    let echo = EchoOff::on_stdin();
    eprint!("eID PIN (authentication key): ");
    let mut line = String::new();
    let read = std::io::stdin().read_line(&mut line);
    if echo.is_some() {
        eprintln!();
    }
    drop(echo);
    read.map_err(|err| err.to_string())?;
    Ok(line.trim().to_owned())
}

/// The terminal's settings from before the echo was turned off, put back when dropped.
struct EchoOff {
    #[cfg(unix)]
    before: rustix::termios::Termios,
}

impl EchoOff {
    /// `None` when standard input is not a terminal (a pipe, a file): nothing to hide then.
    #[cfg(unix)]
    fn on_stdin() -> Option<Self> {
        use rustix::termios::{tcgetattr, tcsetattr, LocalModes, OptionalActions};
        let stdin = std::io::stdin();
        let before = tcgetattr(&stdin).ok()?;
        let mut quiet = before.clone();
        quiet.local_modes.remove(LocalModes::ECHO);
        tcsetattr(&stdin, OptionalActions::Now, &quiet).ok()?;
        Some(Self { before })
    }

    /// Elsewhere the PIN is best given in `EHCERT_PROBE_PIN`.
    #[cfg(not(unix))]
    fn on_stdin() -> Option<Self> {
        None
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        #[cfg(unix)]
        {
            use rustix::termios::{tcsetattr, OptionalActions};
            let _ = tcsetattr(std::io::stdin(), OptionalActions::Now, &self.before);
        }
    }
}
