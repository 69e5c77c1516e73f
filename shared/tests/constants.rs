//! The constants the extension's JavaScript repeats (it has no build step that could read them
//! from Rust), written to `tests/golden/constants/protocol.json`: this test fails when a constant
//! changes without the file, and the extension's tests fail when the file changes without
//! `extension/relay.js`. `EHCERT_UPDATE_GOLDEN=1 cargo test -p ehcert-shared --test constants`
//! rewrites the file after a deliberate change.

#![allow(clippy::unwrap_used)] // test code

use std::{collections::BTreeMap, fs, path::Path};

use ehcert_shared::{
    bridge::{
        CertificateRequestSummary, CertificateSubject, KeyRole, NoticeContact, RevocationSummary,
        SignedOperation, CARD_CHECK_CHALLENGE_LEN, CHROMIUM_EXTENSION_ID, FIREFOX_EXTENSION_ID,
        HOST_NAME, MAX_REPLY_FRAME, MAX_REQUEST_FRAME, RELEASE_FIREFOX_EXTENSION_ID,
    },
    compat::PROTOCOLS,
    page::{Lang, MAX_PAGE_MESSAGE},
    PROTOCOL_VERSION,
};
use serde_json::{json, Value};

/// Every language, in the order the app offers them; the match fails to compile when a language
/// is added without being listed here.
fn languages() -> Vec<Lang> {
    let all = [Lang::Nl, Lang::Fr, Lang::De, Lang::En];
    for lang in all {
        match lang {
            Lang::Nl | Lang::Fr | Lang::De | Lang::En => {}
        }
    }
    all.to_vec()
}

/// One of each operation; the match fails to compile when one is added without being listed.
fn operations() -> Vec<SignedOperation> {
    let subject = CertificateSubject {
        id_type: "SSIN".into(),
        id: "85073003328".into(),
        name: "JAN PEETERS".into(),
        application_id: None,
        dn: String::new(),
    };
    let all = vec![
        SignedOperation::CardCheck { origin: "https://ehcert.example".into() },
        SignedOperation::ActorQualities,
        SignedOperation::CertificateList,
        SignedOperation::CertificateRequest(CertificateRequestSummary {
            certificate: subject.clone(),
            key_id: String::new(),
            contact: NoticeContact {
                email: String::new(),
                phone: String::new(),
                email_general: None,
                phone_general: None,
            },
        }),
        SignedOperation::Revocation(RevocationSummary {
            certificate: subject,
            key_id: String::new(),
            reason: "keyCompromise".into(),
        }),
    ];
    for operation in &all {
        match operation {
            SignedOperation::CardCheck { .. }
            | SignedOperation::ActorQualities
            | SignedOperation::CertificateList
            | SignedOperation::CertificateRequest(_)
            | SignedOperation::Revocation(_) => {}
        }
    }
    all
}

fn constants() -> Value {
    let key_for_operation: BTreeMap<String, Value> = operations()
        .iter()
        .map(|operation| {
            let name =
                serde_json::to_value(operation).unwrap()["type"].as_str().unwrap().to_owned();
            let key = [KeyRole::Authentication, KeyRole::Signature]
                .into_iter()
                .find(|key| key.may_sign(operation))
                .unwrap();
            (name, serde_json::to_value(key).unwrap())
        })
        .collect();
    json!({
        "protocol_version": PROTOCOL_VERSION,
        "protocols": PROTOCOLS,
        "host_name": HOST_NAME,
        "chromium_extension_id": CHROMIUM_EXTENSION_ID,
        "firefox_extension_id": FIREFOX_EXTENSION_ID,
        "release_firefox_extension_id": RELEASE_FIREFOX_EXTENSION_ID,
        "max_request_frame": MAX_REQUEST_FRAME,
        "max_reply_frame": MAX_REPLY_FRAME,
        "max_page_message": MAX_PAGE_MESSAGE,
        "card_check_challenge_len": CARD_CHECK_CHALLENGE_LEN,
        "languages": languages(),
        "key_for_operation": key_for_operation,
    })
}

#[test]
fn the_constants_are_those_of_the_golden_file() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/constants/protocol.json");
    let expected = serde_json::to_string_pretty(&constants()).unwrap() + "\n";
    if std::env::var_os("EHCERT_UPDATE_GOLDEN").is_some() {
        fs::write(&path, &expected).unwrap();
    }
    let golden = fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(golden, expected, "update with EHCERT_UPDATE_GOLDEN=1, then extension/relay.js");
}

#[test]
fn a_page_request_is_measured_in_utf8_bytes_and_its_bridge_frame_fits_the_bridges_limit() {
    use ehcert_shared::{
        bridge::{Command, EhealthRequest, PinEntry, Request, Sign, SignedContent},
        page::{Action, PageRequest, SignRequest, FRAME_HEADROOM},
    };
    assert_eq!(MAX_PAGE_MESSAGE + FRAME_HEADROOM, MAX_REQUEST_FRAME as usize);
    // Accented text: two bytes of UTF-8 for each character, one unit of UTF-16.
    let payload = "é".repeat(10_000);
    let reader = Some("Lecteur de carte à puce ü".repeat(10));
    let request = PageRequest {
        id: u32::MAX,
        action: Action::Sign(SignRequest {
            reader: reader.clone(),
            key: KeyRole::Signature,
            signed_info: "<ds:SignedInfo/>".into(),
            payload: payload.clone(),
            lang: Lang::Fr,
        }),
    };
    let text = serde_json::to_string(&request).unwrap();
    assert_eq!(request.size(), text.len());
    assert!(request.size() > text.chars().count() + 10_000);
    // What the worker sends the bridge for it (the signature, the larger of preview and sign)
    // is at most FRAME_HEADROOM bigger.
    let frame = Request {
        id: u32::MAX,
        command: Command::Sign(Sign {
            reader,
            key: KeyRole::Signature,
            content: SignedContent::EhealthRequest(EhealthRequest {
                signed_info: "<ds:SignedInfo/>".into(),
                payload,
            }),
            pin: PinEntry::Digits("123456789012".into()),
        }),
    };
    let frame_size = serde_json::to_string(&frame).unwrap().len();
    assert!(frame_size > request.size() && frame_size - request.size() < FRAME_HEADROOM / 4);
}
