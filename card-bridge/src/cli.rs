//! The terminal side of the bridge: how arguments pick a mode, and the human-readable output.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::ExitCode,
};

use crate::{
    card::{CardService, Pcsc},
    install::{self, Browser},
    transport,
};

/// What the process was started to do.
#[derive(Debug, Eq, PartialEq)]
pub(crate) enum Mode {
    /// Framed JSON on stdin/stdout, as the browser starts us.
    NativeMessaging,
    /// `--version`
    Version,
    /// `--help`
    Help,
    /// `install [--browser NAME]... [--user-data-dir DIR]`
    Install { browsers: Vec<Browser>, user_data_dir: Option<PathBuf> },
    /// `uninstall [--browser NAME]... [--user-data-dir DIR]`
    Uninstall { browsers: Vec<Browser>, user_data_dir: Option<PathBuf> },
    /// `diagnose`
    Diagnose,
    /// `manifest --browser NAME --path PATH`: the host manifest for an executable installed at
    /// PATH, on stdout; what the packages install (packaging/README.md).
    Manifest { browser: Browser, path: PathBuf },
}

impl Mode {
    /// Chromium starts a host with one argument, the caller's origin `chrome-extension://<id>/`,
    /// and on Windows Chrome and Edge add the calling window, `--parent-window=<decimal handle>`;
    /// Firefox starts it with two, the host manifest's path and the add-on id
    /// (extension/NATIVE-MESSAGING.md §4, §10). With no argument at all we also speak frames,
    /// which is what tests use.
    pub(crate) fn from_args(args: &[String]) -> Result<Self, String> {
        let is_parent_window = |arg: &str| {
            arg.strip_prefix("--parent-window=").is_some_and(|handle| {
                !handle.is_empty() && handle.bytes().all(|b| b.is_ascii_digit())
            })
        };
        match args {
            [] => Ok(Self::NativeMessaging),
            [origin] if origin.starts_with("chrome-extension://") => Ok(Self::NativeMessaging),
            [origin, window]
                if origin.starts_with("chrome-extension://") && is_parent_window(window) =>
            {
                Ok(Self::NativeMessaging)
            }
            [manifest, _addon_id] if manifest.ends_with(".json") => Ok(Self::NativeMessaging),
            [flag] if flag == "--version" || flag == "-V" => Ok(Self::Version),
            [flag] if flag == "--help" || flag == "-h" => Ok(Self::Help),
            [command] if command == "diagnose" => Ok(Self::Diagnose),
            [command, rest @ ..] if command == "manifest" => manifest_args(rest),
            [command, rest @ ..] if command == "install" || command == "uninstall" => {
                let (browsers, user_data_dir) = registration_args(rest)?;
                Ok(if command == "install" {
                    Self::Install { browsers, user_data_dir }
                } else {
                    Self::Uninstall { browsers, user_data_dir }
                })
            }
            other => Err(format!("unexpected arguments: {}", other.join(" "))),
        }
    }
}

/// The value after `--browser`.
fn browser_arg(name: Option<&String>) -> Result<Browser, String> {
    let name = name.ok_or("--browser needs a name")?;
    Browser::parse(name)
        .ok_or_else(|| format!("unknown browser {name:?}; use chrome, chromium, edge or firefox"))
}

fn manifest_args(args: &[String]) -> Result<Mode, String> {
    let mut browser = None;
    let mut path = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--browser" => browser = Some(browser_arg(args.next())?),
            "--path" => path = Some(PathBuf::from(args.next().ok_or("--path needs a file")?)),
            other => return Err(format!("unknown option {other}")),
        }
    }
    match (browser, path) {
        (Some(browser), Some(path)) => Ok(Mode::Manifest { browser, path }),
        _ => Err("manifest needs --browser and --path".into()),
    }
}

fn registration_args(args: &[String]) -> Result<(Vec<Browser>, Option<PathBuf>), String> {
    let mut browsers = Vec::new();
    let mut user_data_dir = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--browser" => browsers.push(browser_arg(args.next())?),
            "--user-data-dir" => {
                user_data_dir =
                    Some(PathBuf::from(args.next().ok_or("--user-data-dir needs a folder")?));
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok((browsers, user_data_dir))
}

pub(crate) fn run(mode: Mode) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let result = match mode {
        Mode::Version => writeln!(out, "card-bridge {}", env!("CARGO_PKG_VERSION"))
            .map_err(|err| err.to_string()),
        Mode::Help => out.write_all(USAGE.as_bytes()).map_err(|err| err.to_string()),
        Mode::Install { browsers, user_data_dir } => {
            register(&mut out, browsers, user_data_dir.as_deref(), true)
        }
        Mode::Uninstall { browsers, user_data_dir } => {
            register(&mut out, browsers, user_data_dir.as_deref(), false)
        }
        Mode::Diagnose => diagnose(&mut out).map_err(|err| err.to_string()),
        Mode::Manifest { browser, path } => {
            out.write_all(browser.manifest(&path).as_bytes()).map_err(|err| err.to_string())
        }
        // Handled by main before we get here.
        Mode::NativeMessaging => return ExitCode::FAILURE,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            usage_error(&message);
            ExitCode::FAILURE
        }
    }
}

fn home() -> Result<PathBuf, String> {
    std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
        .map(PathBuf::from)
        .ok_or_else(|| "the home folder is not known (HOME is not set)".to_owned())
}

/// Installs or removes the host manifests. Without `--browser`: every browser whose settings
/// folder exists, or Chromium alone with `--user-data-dir`.
fn register(
    out: &mut impl Write,
    browsers: Vec<Browser>,
    user_data_dir: Option<&Path>,
    install: bool,
) -> Result<(), String> {
    let home = home()?;
    let browsers = if !browsers.is_empty() {
        browsers
    } else if user_data_dir.is_some() {
        vec![Browser::Chromium]
    } else {
        let found: Vec<Browser> = Browser::ALL
            .into_iter()
            .filter(|browser| browser.user_folder(&home).parent().is_some_and(Path::exists))
            .collect();
        if found.is_empty() {
            return Err(
                "no supported browser was found for this user; name one with --browser".into()
            );
        }
        found
    };
    let executable = std::env::current_exe()
        .map_err(|err| format!("cannot tell where card-bridge is: {err}"))?;
    for browser in browsers {
        let line = if install {
            let path = install::install(browser, &executable, &home, user_data_dir)
                .map_err(|err| format!("cannot register with {}: {err}", browser.name()))?;
            format!("{}: registered ({})", browser.name(), path.display())
        } else {
            match install::uninstall(browser, &home, user_data_dir)
                .map_err(|err| format!("cannot unregister from {}: {err}", browser.name()))?
            {
                Some(path) => format!("{}: removed ({})", browser.name(), path.display()),
                None => format!("{}: was not registered", browser.name()),
            }
        };
        writeln!(out, "{line}").map_err(|err| err.to_string())?;
    }
    Ok(())
}

/// What a support call needs: readers, the card, its applet, its certificates' presence and the
/// RRN checks. Never the PIN; no signature.
fn diagnose(out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "card-bridge {}", env!("CARGO_PKG_VERSION"))?;
    if let (Ok(home), Ok(executable)) = (home(), std::env::current_exe()) {
        for browser in Browser::ALL {
            let folders = install::manifest_folders(browser, &home);
            let line = match install::registration(&folders, &executable) {
                install::Registration::This(manifest) => {
                    format!("registered ({})", manifest.display())
                }
                install::Registration::Other { manifest, names } => format!(
                    "registered for another program: {} names {names:?}; run `card-bridge \
                     install --browser {}` to register this one",
                    manifest.display(),
                    browser.name()
                ),
                install::Registration::NotRegistered => "not registered".to_owned(),
            };
            writeln!(out, "{}: {line}", browser.name())?;
        }
    }
    let mut pcsc = Pcsc;
    let readers = match pcsc.list_readers() {
        Ok(readers) => readers,
        Err(err) => return writeln!(out, "smart-card service: {err}{}", service_hint()),
    };
    if readers.is_empty() {
        return writeln!(out, "no card reader found");
    }
    // The cards' ATRs, to say which card is not an eID (transport::choose_reader).
    let atrs: Vec<(String, Vec<u8>)> = pcsc::Context::establish(pcsc::Scope::User)
        .ok()
        .and_then(|context| transport::reader_states(&context).ok())
        .map(|states| {
            states
                .iter()
                .map(|state| (state.name().to_string_lossy().into_owned(), state.atr().to_vec()))
                .collect()
        })
        .unwrap_or_default();
    for reader in &readers {
        let card = if reader.card_present { "card present" } else { "no card" };
        let pinpad = if reader.pinpad { ", PIN pad" } else { "" };
        writeln!(out, "reader {:?}: {card}{pinpad}", reader.name)?;
        if !reader.card_present {
            continue;
        }
        if let Some(atr) = atrs.iter().find(|(name, _)| *name == reader.name).map(|(_, atr)| atr) {
            if !transport::is_belgian_eid_atr(atr) {
                writeln!(
                    out,
                    "  not a Belgian eID (ATR {}): passed over when another reader holds an eID; \
                     Windows Hello for Business and virtual smart cards show up like this",
                    base16ct::upper::encode_string(atr)
                )?;
            }
        }
        match pcsc.read_card(Some(&reader.name)) {
            Ok(info) => {
                writeln!(
                    out,
                    "  Belgian eID, applet {} ({})",
                    info.applet,
                    info.key_algorithm.name()
                )?;
                writeln!(out, "  holder: {} {}", info.identity.given_names, info.identity.surname)?;
                writeln!(out, "  card valid until {}", info.identity.validity_end)?;
                let present = |certificate: Option<&String>| {
                    if certificate.is_some() {
                        "present"
                    } else {
                        "absent"
                    }
                };
                writeln!(out, "  authentication certificate: present")?;
                writeln!(
                    out,
                    "  signature certificate: {}",
                    present(info.certificates.signature.as_ref())
                )?;
                writeln!(
                    out,
                    "  RRN signatures: identity {}, address {}; photo {}",
                    verdict(info.identity_signature_valid),
                    verdict(info.address_signature_valid),
                    verdict(info.photo_hash_valid)
                )?;
            }
            Err(err) => writeln!(out, "  the card cannot be read: {err}")?,
        }
    }
    Ok(())
}

/// What to do when the smart-card service does not answer, on this system.
fn service_hint() -> &'static str {
    match install::Os::THIS {
        // pcscd, socket-activated on Debian and Fedora.
        install::Os::Linux => " (install and start pcscd: sudo apt install pcscd)",
        // macOS starts its smart-card service on demand, and has been reported to answer "no
        // service" while no reader is connected (not seen here: no Mac).
        install::Os::Mac => {
            " (plug in the card reader; macOS may report no smart-card service while none is \
             connected)"
        }
        install::Os::Windows => " (start the Smart Card service, SCardSvr, or plug in the reader)",
    }
}

fn verdict(valid: bool) -> &'static str {
    if valid {
        "valid"
    } else {
        "INVALID"
    }
}

pub(crate) fn usage_error(message: &str) {
    let _ = writeln!(std::io::stderr(), "card-bridge: {message}\n\n{USAGE}");
}

const USAGE: &str = "\
card-bridge: ehcert's link between the browser extension and your Belgian eID card reader.

The browser starts it by itself once it is registered; you do not need to run it.

Usage:
  card-bridge install [--browser chrome|chromium|edge|firefox|brave|vivaldi]... [--user-data-dir DIR]
                          register with your browsers (all found, if none is named)
  card-bridge uninstall [--browser NAME]... [--user-data-dir DIR]
  card-bridge diagnose    show readers, card and certificates, for a support call
  card-bridge manifest --browser NAME --path FILE
                          print the host manifest for the bridge installed at FILE (packagers)
  card-bridge --version   print the version
  card-bridge --help      print this text

The bridge keeps no log unless you ask for one for a support call: start the browser with
CARD_BRIDGE_LOG set to a file path, and the bridge appends to that file what it was asked and
how each request ended (never your PIN).
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
                "development@ehcert.be"
            ]),
            Ok(Mode::NativeMessaging)
        );
    }

    #[test]
    fn registration_arguments_are_parsed_and_checked() {
        assert_eq!(
            mode(&["install", "--browser", "firefox", "--browser", "edge"]),
            Ok(Mode::Install {
                browsers: vec![Browser::Firefox, Browser::Edge],
                user_data_dir: None
            })
        );
        assert_eq!(
            mode(&["uninstall", "--user-data-dir", "/tmp/p"]),
            Ok(Mode::Uninstall { browsers: vec![], user_data_dir: Some(PathBuf::from("/tmp/p")) })
        );
        assert!(mode(&["install", "--browser", "netscape"]).is_err());
        assert!(mode(&["install", "--browser"]).is_err());
        assert_eq!(
            mode(&["manifest", "--browser", "firefox", "--path", "/usr/bin/ehcert-card-bridge"]),
            Ok(Mode::Manifest {
                browser: Browser::Firefox,
                path: PathBuf::from("/usr/bin/ehcert-card-bridge")
            })
        );
        assert!(mode(&["manifest", "--browser", "edge"]).is_err());
        assert!(mode(&["manifest", "--path", "/x", "--browser", "lynx"]).is_err());
    }

    #[test]
    fn chrome_and_edge_on_windows_add_their_parent_window() {
        // extension/NATIVE-MESSAGING.md §4: `--parent-window=<decimal handle>` after the origin.
        assert_eq!(
            mode(&["chrome-extension://abcdefghijklmnopabcdefghijklmnop/", "--parent-window=6620"]),
            Ok(Mode::NativeMessaging)
        );
        assert_eq!(
            mode(&["chrome-extension://abcdefghijklmnopabcdefghijklmnop/", "--parent-window=0"]),
            Ok(Mode::NativeMessaging)
        );
        for odd in ["--parent-window=", "--parent-window=x1", "--parent-window", "--other=1"] {
            assert!(
                mode(&["chrome-extension://abcdefghijklmnopabcdefghijklmnop/", odd]).is_err(),
                "{odd}"
            );
        }
    }

    #[test]
    fn unknown_arguments_are_a_usage_error() {
        assert!(mode(&["https://evil.example/"]).is_err());
        assert!(mode(&["--frobnicate", "x", "y"]).is_err());
        assert_eq!(mode(&["--version"]), Ok(Mode::Version));
        assert_eq!(mode(&["diagnose"]), Ok(Mode::Diagnose));
    }
}
