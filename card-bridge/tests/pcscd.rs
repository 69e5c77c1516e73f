//! The real `card-bridge` binary, spoken to in native-messaging frames as the browser does,
//! against the real pcscd with a simulated eID in its vpcd reader.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::{
    io::Write,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use ehcert_servers::eid::{
    pcscd::Pcscd,
    profile::{personalise, Holder},
    vpcd::{InsertedCard, DEFAULT_ADDRESS},
};
use serde_json::{json, Value};

/// Starts the bridge, sends one request, returns every frame it wrote (hello first).
fn ask_bridge(request: &Value) -> Vec<Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_card-bridge"))
        .arg("chrome-extension://ihbedndnijflbnlknbfafabcflgcfela/")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let body = serde_json::to_vec(request).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&u32::try_from(body.len()).unwrap().to_ne_bytes()).unwrap();
    stdin.write_all(&body).unwrap();
    drop(stdin); // EOF: the browser closed the port
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let mut frames = Vec::new();
    let mut rest = output.stdout.as_slice();
    while !rest.is_empty() {
        let length = u32::from_ne_bytes(rest[..4].try_into().unwrap()) as usize;
        frames.push(serde_json::from_slice(&rest[4..4 + length]).unwrap());
        rest = &rest[4 + length..];
    }
    frames
}

fn readers() -> Value {
    let frames = ask_bridge(&json!({"id": 5, "command": {"type": "list-readers"}}));
    assert_eq!(frames[0]["type"], "hello");
    assert_eq!(frames[1]["args"]["id"], 5);
    frames[1]["args"]["outcome"].clone()
}

#[test]
fn lists_the_virtual_readers_and_follows_card_insertion_and_removal() {
    let pcscd = Pcscd::start().unwrap();
    let card =
        InsertedCard::insert(DEFAULT_ADDRESS, personalise(&Holder::default(), 2).unwrap().content)
            .unwrap();
    assert_eq!(
        readers(),
        json!({"type": "readers", "args": [
            {"name": "Virtual PCD 00 00", "card_present": true, "pinpad": false},
            {"name": "Virtual PCD 00 01", "card_present": false, "pinpad": false}
        ]})
    );

    card.remove().unwrap();
    // pcscd notices a removal at its next presence poll (every 400 ms).
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let outcome = readers();
        if outcome["args"][0]["card_present"] == false {
            break;
        }
        assert!(Instant::now() < deadline, "the removal was not seen: {outcome}");
        std::thread::sleep(Duration::from_millis(100));
    }

    pcscd.stop();
    let outcome = readers();
    assert_eq!(outcome["type"], "error", "{outcome}");
    assert_eq!(outcome["args"]["code"], "pcsc-unavailable");
}
