//! The probe's command line as an operator meets it: usage errors before anything is sent, and the
//! PIN typed on a terminal without echo.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::process::{Command, Stdio};

const PROBE: &str = env!("CARGO_BIN_EXE_ehcert-probe");

#[test]
fn an_organisation_without_its_name_is_a_usage_error() {
    let output = Command::new(PROBE)
        .args(["--bridge", "/nonexistent/card-bridge", "--organisation", "NIHII-HOSPITAL=71000436"])
        .env("EHCERT_PROBE_PIN", "1234")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--organisation needs --organisation-name"), "{stderr}");
}

/// The PIN typed at the prompt does not come back on the terminal: the probe turns the echo off
/// before it asks, and back on after.
#[cfg(unix)]
#[test]
fn the_pin_typed_on_a_terminal_is_not_echoed() {
    use std::{
        fs::{File, OpenOptions},
        io::{BufRead, BufReader, Read, Write},
        time::Duration,
    };

    use rustix::{
        pty::{grantpt, openpt, ptsname, unlockpt, OpenptFlags},
        termios::{tcgetattr, LocalModes},
    };

    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let terminal = OpenOptions::new().read(true).write(true).open(name.to_str().unwrap()).unwrap();
    assert!(tcgetattr(&terminal).unwrap().local_modes.contains(LocalModes::ECHO));
    let mut child = Command::new(PROBE)
        .args(["--bridge", "/nonexistent/card-bridge"])
        .env_remove("EHCERT_PROBE_PIN")
        .stdin(Stdio::from(terminal.try_clone().unwrap()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut prompt = Vec::new();
    while !String::from_utf8_lossy(&prompt).contains("eID PIN") {
        let mut byte = [0u8; 1];
        assert_eq!(stderr.read(&mut byte).unwrap(), 1, "the probe asks for the PIN");
        prompt.push(byte[0]);
    }
    let mut master = File::from(master);
    master.write_all(b"4711\n").unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "there is no card bridge to ask");
    let mut rest = String::new();
    stderr.read_line(&mut rest).unwrap();
    // What the terminal shows came back through the master side: the typed line, if echoed.
    // Nothing else writes to it, so a read that waits is cut short by a reader thread.
    let (sender, receiver) = std::sync::mpsc::channel();
    let mut reader = master.try_clone().unwrap();
    std::thread::spawn(move || {
        let mut shown = [0u8; 256];
        let read = reader.read(&mut shown).unwrap_or(0);
        let _ = sender.send(shown[..read].to_vec());
    });
    drop(terminal);
    let shown = receiver.recv_timeout(Duration::from_millis(500)).unwrap_or_default();
    assert!(!String::from_utf8_lossy(&shown).contains("4711"), "echoed: {shown:?}");
    // The terminal is as it was.
    let name = ptsname(&master, Vec::new()).unwrap();
    let terminal = OpenOptions::new().read(true).open(name.to_str().unwrap()).unwrap();
    assert!(tcgetattr(&terminal).unwrap().local_modes.contains(LocalModes::ECHO));
}
