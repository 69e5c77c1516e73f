//! The golden messages are the protocol's contract, one folder per protocol version this build
//! serves (`tests/golden/v<N>/`, `ehcert_shared::compat::PROTOCOLS`): every file in it must
//! parse as the type its name starts with and serialize back to the same JSON, and every file
//! in its `reject/` must be refused. A version's folder stays as long as the version is served,
//! so a change that breaks an older part's messages fails here. The extension's tests load the
//! same files.

#![allow(clippy::unwrap_used)] // test helpers: a missing golden file should stop the test loudly

use std::{fs, path::Path};

use ehcert_shared::{
    bridge::{FromBridge, Request},
    page::{ToExtension, ToPage},
};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// Each served version's folder, `tests/golden/v<N>`.
fn version_folders() -> Vec<String> {
    ehcert_shared::compat::PROTOCOLS
        .iter()
        .map(|version| format!("tests/golden/v{version}"))
        .collect()
}

#[test]
fn there_is_a_golden_folder_for_each_served_version_and_no_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut found: Vec<String> = fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('v'))
        .map(|name| format!("tests/golden/{name}"))
        .collect();
    found.sort();
    let mut expected = version_folders();
    expected.sort();
    assert_eq!(found, expected);
}

fn golden_files(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Parses `text` as `T` and, if `round_trip`, checks it serializes back to the same JSON value.
fn parse_as<T: DeserializeOwned + Serialize>(text: &str) -> Result<Value, serde_json::Error> {
    let message: T = serde_json::from_str(text)?;
    serde_json::to_value(&message)
}

fn parse(name: &str, text: &str) -> Result<Value, serde_json::Error> {
    let kind = name.split('.').next().unwrap();
    match kind {
        "from-bridge" => parse_as::<FromBridge>(text),
        "to-bridge" => parse_as::<Request>(text),
        "to-extension" => parse_as::<ToExtension>(text),
        "to-page" => parse_as::<ToPage>(text),
        other => panic!("golden file {name}: unknown message kind {other:?}"),
    }
}

#[test]
fn every_golden_message_round_trips() {
    for folder in version_folders() {
        let files = golden_files(&folder);
        assert!(files.len() >= 9, "golden files went missing: {files:?}");
        round_trip(files);
    }
}

fn round_trip(files: Vec<(String, String)>) {
    for (name, text) in files {
        let original: Value = serde_json::from_str(&text).unwrap();
        let reserialized = parse(&name, &text)
            .unwrap_or_else(|err| panic!("golden file {name} does not parse: {err}"));
        assert_eq!(reserialized, original, "golden file {name} changed on a round trip");
    }
}

#[test]
fn the_pages_reader_reads_every_message_to_the_page_as_the_derived_one_does() {
    use ehcert_shared::page::read_to_page;
    let mut read = 0;
    for dir in version_folders()
        .into_iter()
        .flat_map(|folder| [folder.clone(), format!("{folder}/reject")])
    {
        let dir = dir.as_str();
        for (name, text) in
            golden_files(dir).into_iter().filter(|(name, _)| name.starts_with("to-page"))
        {
            let derived = serde_json::from_str::<ToPage>(&text).ok();
            assert_eq!(read_to_page(&text).ok(), derived, "{dir}/{name}");
            read += 1;
        }
    }
    assert!(read >= 8, "to-page golden files went missing");
    // What the page also hears on its window, and must drop: its own requests, other keys,
    // payloads of the wrong type, extra fields.
    for text in [
        r#"{"ehcert:to-extension": {"type": "ping"}}"#,
        r#"{"ehcert:to-page": {"type": "reply", "args": {"id": 1, "outcome": {"type": "card", "args": 3}}}}"#,
        r#"{"ehcert:to-page": {"type": "reply", "args": {"id": 1, "outcome": {"type": "pin-tries", "args": 2}, "x": 1}}}"#,
        r#"{"ehcert:to-page": {"type": "hello", "args": {}}}"#,
    ] {
        assert!(serde_json::from_str::<ToPage>(text).is_err(), "{text}");
        assert!(read_to_page(text).is_err(), "{text}");
    }
    // Keys beside `type` and `args` are ignored by both.
    let extra = r#"{"ehcert:to-page": {"type": "ack", "args": {"extension_version": "1", "protocol": 2}, "x": 1}}"#;
    assert_eq!(read_to_page(extra).ok(), serde_json::from_str::<ToPage>(extra).ok());
}

#[test]
fn every_rejected_message_is_refused() {
    for folder in version_folders() {
        let files = golden_files(&format!("{folder}/reject"));
        assert!(files.len() >= 6, "reject files went missing: {files:?}");
        for (name, text) in files {
            assert!(parse(&name, &text).is_err(), "reject file {name} was accepted");
        }
    }
}

#[test]
fn unknown_error_codes_from_newer_components_are_kept_as_unknown() {
    let code: ehcert_shared::ErrorCode = serde_json::from_str("\"quantum-decoherence\"").unwrap();
    assert_eq!(code, ehcert_shared::ErrorCode::Unknown);
}

#[test]
fn the_card_check_message_is_label_origin_and_challenge() {
    use ehcert_shared::bridge::card_check_message;
    let message = card_check_message("https://ehcert.be", &[0xAB, 0xCD]);
    assert_eq!(message, b"ehcert card check v1\0https://ehcert.be\0\xAB\xCD");
    // Another origin is another message: a signature for one page says nothing for another.
    assert_ne!(card_check_message("https://evil.example", &[0xAB, 0xCD]), message);
}

#[test]
fn the_signature_key_signs_only_what_creates_or_ends_a_certificate() {
    use ehcert_shared::bridge::{
        CertificateRequestSummary, CertificateSubject, KeyRole, NoticeContact, RevocationSummary,
        SignedOperation,
    };
    let certificate = CertificateSubject {
        id_type: "SSIN".into(),
        id: "85073003328".into(),
        name: "PEETERS JAN".into(),
        application_id: None,
        dn: String::new(),
    };
    let for_signature_key = [
        SignedOperation::CertificateRequest(CertificateRequestSummary {
            certificate: certificate.clone(),
            key_id: String::new(),
            contact: NoticeContact {
                email: String::new(),
                phone: String::new(),
                email_general: None,
                phone_general: None,
            },
        }),
        SignedOperation::Revocation(RevocationSummary {
            certificate,
            key_id: String::new(),
            reason: "superseded".into(),
        }),
    ];
    let for_authentication_key = [
        SignedOperation::CardCheck { origin: "https://ehcert.be".into() },
        SignedOperation::ActorQualities,
        SignedOperation::CertificateList,
    ];
    for operation in &for_signature_key {
        assert!(KeyRole::Signature.may_sign(operation));
        assert!(!KeyRole::Authentication.may_sign(operation));
    }
    for operation in &for_authentication_key {
        assert!(KeyRole::Authentication.may_sign(operation));
        assert!(!KeyRole::Signature.may_sign(operation));
    }
}
