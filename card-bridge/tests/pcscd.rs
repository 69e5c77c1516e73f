//! The real `card-bridge` binary, spoken to in native-messaging frames as the browser does,
//! against the real pcscd with a simulated eID in its vpcd reader.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::{
    io::Write,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use ehcert_certra::signature::SignatureAlgorithm;
use ehcert_eid_sim::{
    pcscd::Pcscd,
    profile::{personalise, Holder},
    vpcd::{Fault, InsertedCard, DEFAULT_ADDRESS},
};
use ehcert_shared::bridge::{card_check_message, SignedContent};
use serde_json::{json, Value};

#[path = "support/requests.rs"]
mod requests;

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
    frames_of(&output.stdout)
}

fn frames_of(mut rest: &[u8]) -> Vec<Value> {
    let mut frames = Vec::new();
    while !rest.is_empty() {
        let length = u32::from_ne_bytes(rest[..4].try_into().unwrap()) as usize;
        frames.push(serde_json::from_slice(&rest[4..4 + length]).unwrap());
        rest = &rest[4 + length..];
    }
    frames
}

fn pin_status() -> Value {
    let frames =
        ask_bridge(&json!({"id": 6, "command": {"type": "pin-status", "args": {"reader": null}}}));
    frames[1]["args"]["outcome"].clone()
}

fn card_holder() -> Value {
    let frames =
        ask_bridge(&json!({"id": 7, "command": {"type": "card-holder", "args": {"reader": null}}}));
    frames[1]["args"]["outcome"].clone()
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

    let _stopped = pcscd.stop();
    let outcome = readers();
    assert_eq!(outcome["type"], "error", "{outcome}");
    assert_eq!(outcome["args"]["code"], "pcsc-unavailable");
}

fn sign(key: &str, content: &SignedContent, pin: Value) -> Value {
    let request = json!({"id": 6, "command": {"type": "sign", "args": {
        "reader": null, "key": key, "content": content, "pin": pin}}});
    ask_bridge(&request)[1]["args"]["outcome"].clone()
}

/// The personal certificate request of the simulated card's holder, signed as applet 1.7 signs.
fn certificate_request() -> (SignedContent, Vec<u8>) {
    requests::certificate_request(&Holder::default().national_number, SignatureAlgorithm::RsaSha256)
}

#[test]
fn reads_the_card_and_signs_with_both_keys_as_the_page_will_ask() {
    use base64::{engine::general_purpose::STANDARD, Engine as _};
    use rsa::{pkcs1v15::Pkcs1v15Sign, pkcs8::DecodePublicKey, RsaPublicKey};
    use sha2::{Digest, Sha256};
    use x509_cert::der::{Decode, Encode};

    let pcscd = Pcscd::start().unwrap();
    let _card =
        InsertedCard::insert(DEFAULT_ADDRESS, personalise(&Holder::default(), 3).unwrap().content)
            .unwrap();

    let card =
        ask_bridge(&json!({"id": 1, "command": {"type": "read-card", "args": {"reader": null}}}))
            [1]["args"]["outcome"]
            .clone();
    assert_eq!(card["type"], "card", "{card}");
    let info = &card["args"];
    assert_eq!(info["reader"], "Virtual PCD 00 00");
    assert_eq!(
        (info["applet"].as_str(), info["key_algorithm"].as_str()),
        (Some("1.7"), Some("rsa-2048"))
    );
    assert_eq!(info["identity"]["national_number"], "85073003328");
    assert_eq!(info["identity"]["surname"], "Peeters");
    assert_eq!(info["identity"]["given_names"], "Jan Pieter");
    assert_eq!(info["address"]["zip"], "3000");

    // What the PIN window shows: the same holder and card, read from the identity file alone.
    let holder = card_holder();
    assert_eq!(
        holder,
        json!({"type": "card-holder", "args": {"reader": "Virtual PCD 00 00", "pinpad": false,
            "applet": "1.7", "key_algorithm": "rsa-2048", "surname": "Peeters",
            "given_names": "Jan Pieter", "card_number": info["identity"]["card_number"],
            "national_number": "85073003328"}})
    );
    assert_eq!(info["photo_hash_valid"], true);
    assert_eq!(info["identity_signature_valid"], true, "RRN signature over the identity file");
    assert_eq!(
        info["address_signature_valid"], true,
        "RRN signature over address ‖ identity signature"
    );

    let public_key = |field: &str| {
        let der = STANDARD.decode(info["certificates"][field].as_str().unwrap()).unwrap();
        let certificate = x509_cert::Certificate::from_der(&der).unwrap();
        RsaPublicKey::from_public_key_der(
            &certificate.tbs_certificate.subject_public_key_info.to_der().unwrap(),
        )
        .unwrap()
    };
    // The card check with the authentication key: the bridge signs SHA-256 of the labelled
    // message, never the challenge itself.
    let pin = json!({"type": "digits", "args": "1234"});
    let outcome = sign("authentication", &requests::card_check([5; 32]), pin.clone());
    assert_eq!(outcome["type"], "signature", "{outcome}");
    let signature = STANDARD.decode(outcome["args"].as_str().unwrap()).unwrap();
    let digest = Sha256::digest(card_check_message(requests::ORIGIN, &[5; 32]));
    public_key("authentication")
        .verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &signature)
        .unwrap();
    // A certificate request with the signature key: over the hash of its SignedInfo.
    let (request, signed_info) = certificate_request();
    let outcome = sign("signature", &request, pin.clone());
    assert_eq!(outcome["type"], "signature", "{outcome}");
    let signature = STANDARD.decode(outcome["args"].as_str().unwrap()).unwrap();
    let digest = Sha256::digest(&signed_info);
    public_key("signature").verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &signature).unwrap();

    // No key signs without a PIN step (the protocol has no such entry), nor a request for its
    // key's other use; a wrong PIN reports the tries left; the old digest-only request never
    // reaches the card.
    let outcome = sign("signature", &request, json!({"type": "none"}));
    assert_eq!(outcome["args"]["code"], "bad-request", "{outcome}");
    let outcome = sign("authentication", &request, pin.clone());
    assert_eq!(outcome["args"]["code"], "not-signable", "{outcome}");
    let outcome = sign("signature", &request, json!({"type": "digits", "args": "9999"}));
    assert_eq!(
        (outcome["args"]["code"].as_str(), outcome["args"]["tries_left"].as_u64()),
        (Some("wrong-pin"), Some(2))
    );
    let digest_only = json!({"id": 6, "command": {"type": "sign", "args": {"reader": null,
        "key": "authentication", "algorithm": "rsa-pkcs1-sha256",
        "digest": STANDARD.encode([1u8; 32]), "pin": pin}}});
    assert_eq!(ask_bridge(&digest_only)[1]["args"]["outcome"]["args"]["code"], "bad-request");
    // Another holder's certificate request, with this card: refused before the PIN is used.
    let (other, _) = requests::certificate_request("00010100117", SignatureAlgorithm::RsaSha256);
    let before = pin_status();
    let outcome = sign("signature", &other, json!({"type": "digits", "args": "9999"}));
    assert_eq!(outcome["args"]["code"], "not-signable", "{outcome}");
    assert_eq!(pin_status(), before, "the PIN was not tried");
    drop(pcscd);
}

#[test]
fn a_card_without_signature_certificate_says_so() {
    let pcscd = Pcscd::start().unwrap();
    let holder = Holder { has_signature_certificate: false, ..Holder::default() };
    let _card =
        InsertedCard::insert(DEFAULT_ADDRESS, personalise(&holder, 4).unwrap().content).unwrap();
    let card =
        ask_bridge(&json!({"id": 1, "command": {"type": "read-card", "args": {"reader": null}}}))
            [1]["args"]["outcome"]
            .clone();
    assert_eq!(card["args"]["certificates"]["signature"], Value::Null, "{card}");
    let outcome =
        sign("signature", &certificate_request().0, json!({"type": "digits", "args": "1234"}));
    assert_eq!(outcome["args"]["code"], "no-signature-certificate", "{outcome}");
    drop(pcscd);
}

#[test]
fn diagnose_describes_readers_card_and_certificates_without_a_pin() {
    let pcscd = Pcscd::start().unwrap();
    let _card =
        InsertedCard::insert(DEFAULT_ADDRESS, personalise(&Holder::default(), 5).unwrap().content)
            .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_card-bridge")).arg("diagnose").output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    for expected in [
        "reader \"Virtual PCD 00 00\": card present",
        "reader \"Virtual PCD 00 01\": no card",
        "Belgian eID, applet 1.7 (rsa-2048)",
        "holder: Jan Pieter Peeters",
        "signature certificate: present",
        "RRN signatures: identity valid, address valid; photo valid",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    // Where each browser would find the bridge, for the helpdesk.
    for browser in ["chrome", "chromium", "edge", "firefox", "brave", "vivaldi"] {
        assert!(
            text.lines().any(
                |line| line.starts_with(&format!("{browser}: ")) && line.contains("registered")
            ),
            "no registration line for {browser} in:\n{text}"
        );
    }
    drop(pcscd);
}

#[test]
fn reads_and_signs_with_an_applet_1_8_card_in_ecdsa_p384() {
    use base64::{engine::general_purpose::STANDARD, Engine as _};
    use ehcert_eid_sim::card::Applet;
    use p384::{
        ecdsa::{signature::hazmat::PrehashVerifier, Signature, VerifyingKey},
        pkcs8::DecodePublicKey,
    };
    use sha2::{Digest, Sha384};
    use x509_cert::der::{Decode, Encode};

    let pcscd = Pcscd::start().unwrap();
    let holder = Holder { applet: Applet::V18, ..Holder::default() };
    let _card =
        InsertedCard::insert(DEFAULT_ADDRESS, personalise(&holder, 6).unwrap().content).unwrap();

    let card =
        ask_bridge(&json!({"id": 1, "command": {"type": "read-card", "args": {"reader": null}}}))
            [1]["args"]["outcome"]
            .clone();
    let info = &card["args"];
    assert_eq!(
        (info["applet"].as_str(), info["key_algorithm"].as_str()),
        (Some("1.8"), Some("ecdsa-p384")),
        "{card}"
    );
    assert_eq!(info["photo_hash"].as_str().map(str::len), Some(96), "SHA-384 photo hash");
    let holder = card_holder();
    assert_eq!(
        (&holder["args"]["applet"], &holder["args"]["key_algorithm"], &holder["args"]["surname"]),
        (&json!("1.8"), &json!("ecdsa-p384"), &json!("Peeters")),
        "{holder}"
    );
    assert_eq!(info["photo_hash_valid"], true);
    assert_eq!(
        info["identity_signature_valid"], true,
        "ECDSA RRN signature over the identity file"
    );
    assert_eq!(info["address_signature_valid"], true);

    let der = STANDARD.decode(info["certificates"]["signature"].as_str().unwrap()).unwrap();
    let certificate = x509_cert::Certificate::from_der(&der).unwrap();
    let key = VerifyingKey::from_public_key_der(
        &certificate.tbs_certificate.subject_public_key_info.to_der().unwrap(),
    )
    .unwrap();
    let ssin = Holder::default().national_number;
    let (request, signed_info) =
        requests::certificate_request(&ssin, SignatureAlgorithm::EcdsaSha384);
    let outcome = sign("signature", &request, json!({"type": "digits", "args": "1234"}));
    let value = STANDARD.decode(outcome["args"].as_str().unwrap()).unwrap();
    assert_eq!(value.len(), 96, "raw r‖s, as XMLDSig wants it");
    let digest = Sha384::digest(&signed_info);
    key.verify_prehash(&digest, &Signature::from_slice(&value).unwrap()).unwrap();

    // An RSA SignedInfo for an EC card is refused, not sent.
    let (rsa, _) = requests::certificate_request(&ssin, SignatureAlgorithm::RsaSha256);
    let outcome = sign("signature", &rsa, json!({"type": "digits", "args": "1234"}));
    assert_eq!(outcome["args"]["code"], "not-signable", "{outcome}");

    // Applet 1.8 tells the tries in GET CARD DATA: one wrong PIN shows, without using a try.
    assert_eq!(pin_status(), json!({"type": "pin-tries", "args": 3}));
    let outcome = sign("signature", &request, json!({"type": "digits", "args": "9999"}));
    assert_eq!(outcome["args"]["tries_left"], 2);
    assert_eq!(pin_status(), json!({"type": "pin-tries", "args": 2}));
    assert_eq!(pin_status(), json!({"type": "pin-tries", "args": 2}));
    drop(pcscd);
}

#[test]
fn wrong_pins_count_down_to_a_blocked_pin_across_bridge_sessions() {
    let pcscd = Pcscd::start().unwrap();
    let _card =
        InsertedCard::insert(DEFAULT_ADDRESS, personalise(&Holder::default(), 7).unwrap().content)
            .unwrap();
    let wrong = json!({"type": "digits", "args": "9999"});
    assert_eq!(pin_status(), json!({"type": "pin-tries", "args": 3}));
    let tries: Vec<(Value, Value)> = (0..3)
        .map(|_| {
            let outcome = sign("signature", &certificate_request().0, wrong.clone());
            (outcome["args"]["code"].clone(), outcome["args"]["tries_left"].clone())
        })
        .collect();
    assert_eq!(
        tries,
        vec![
            (json!("wrong-pin"), json!(2)),
            (json!("wrong-pin"), json!(1)),
            (json!("pin-blocked"), json!(0))
        ]
    );
    // Blocked for good: the right PIN no longer helps, and asking the status uses no try.
    let outcome =
        sign("signature", &certificate_request().0, json!({"type": "digits", "args": "1234"}));
    assert_eq!(outcome["args"]["code"], "pin-blocked", "{outcome}");
    assert_eq!(pin_status(), json!({"type": "pin-tries", "args": 0}));
    drop(pcscd);
}

#[test]
fn a_card_pulled_out_during_the_signature_is_reported_as_removed() {
    let pcscd = Pcscd::start().unwrap();
    let content = personalise(&Holder::default(), 8).unwrap().content;
    // Pulled out when the PSO (INS 2A) arrives, before the card answers it.
    let _card =
        InsertedCard::insert_with_fault(DEFAULT_ADDRESS, content, Fault::PullOutOn(0x2A)).unwrap();
    let outcome =
        sign("signature", &certificate_request().0, json!({"type": "digits", "args": "1234"}));
    assert_eq!(outcome["type"], "error", "{outcome}");
    assert_eq!(outcome["args"]["code"], "card-removed", "{outcome}");
    drop(pcscd);
}

#[test]
fn the_reader_going_away_during_the_signature_is_reported_and_the_bridge_keeps_running() {
    // vpcd's reader cannot be unplugged, so the whole reader stack goes away instead: pcscd
    // stops while the card holds the PSO unanswered, as when a USB reader is pulled mid-command.
    let pcscd = Pcscd::start().unwrap();
    let content = personalise(&Holder::default(), 8).unwrap().content;
    let (reached, stalled) = std::sync::mpsc::channel();
    let _card =
        InsertedCard::insert_with_fault(DEFAULT_ADDRESS, content, Fault::StallOn(0x2A, reached))
            .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_card-bridge"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let sign = json!({"id": 1, "command": {"type": "sign", "args": {
        "reader": null, "key": "authentication", "content": requests::card_check([3; 32]),
        "pin": {"type": "digits", "args": "1234"}}}});
    let list = json!({"id": 2, "command": {"type": "list-readers"}});
    let write = |stdin: &mut std::process::ChildStdin, request: &Value| {
        let body = serde_json::to_vec(request).unwrap();
        stdin.write_all(&u32::try_from(body.len()).unwrap().to_ne_bytes()).unwrap();
        stdin.write_all(&body).unwrap();
        stdin.flush().unwrap();
    };
    write(&mut stdin, &sign);
    stalled.recv_timeout(Duration::from_secs(20)).expect("the PSO never reached the card");
    let stopped = pcscd.stop();
    // The same bridge session still answers afterwards.
    write(&mut stdin, &list);
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let frames = frames_of(&output.stdout);
    assert_eq!(frames.len(), 3, "{frames:?}");
    let outcome = &frames[1]["args"]["outcome"];
    assert_eq!(frames[1]["args"]["id"], 1);
    assert_eq!(outcome["type"], "error", "{outcome}");
    assert_eq!(outcome["args"]["code"], "no-reader", "{outcome}");
    assert_eq!(frames[2]["args"]["outcome"]["args"]["code"], "pcsc-unavailable", "{frames:?}");
    drop(stopped);
}
