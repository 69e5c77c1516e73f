//! The real binary writes its opt-in log where `CARD_BRIDGE_LOG` says, and only frames to stdout.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::{
    io::Write,
    process::{Command, Stdio},
};

#[test]
fn the_log_file_gets_the_lines_and_stdout_only_frames() {
    let folder = tempfile::tempdir().unwrap();
    let log = folder.path().join("bridge.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_card-bridge"))
        .arg("chrome-extension://ihbedndnijflbnlknbfafabcflgcfela/")
        .env("CARD_BRIDGE_LOG", &log)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for body in [&br#"{"id": 1, "command": {"type": "list-readers"}}"#[..], br#"{"id": 2}"#] {
        stdin.write_all(&u32::try_from(body.len()).unwrap().to_ne_bytes()).unwrap();
        stdin.write_all(body).unwrap();
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
    // stdout: exactly hello and two replies, each a well-formed frame.
    let mut rest = output.stdout.as_slice();
    let mut frames = 0;
    while !rest.is_empty() {
        let length = u32::from_ne_bytes(rest[..4].try_into().unwrap()) as usize;
        let _: serde_json::Value = serde_json::from_slice(&rest[4..4 + length]).unwrap();
        rest = &rest[4 + length..];
        frames += 1;
    }
    assert_eq!(frames, 3);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].contains("hello: bridge"), "{text}");
    assert!(lines[1].ends_with("#1 list-readers"), "{text}");
    assert!(lines[2].contains("#1 "), "{text}");
    assert!(lines[3].contains("refused:"), "{text}");
}
