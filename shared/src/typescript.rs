//! The protocol's types in TypeScript, written to `tests/golden/constants/protocol.d.ts` beside
//! the constants the extension repeats (`tests/constants.rs`): the extension's JavaScript checks
//! its messages against them (`tsc --noEmit`, extension/tsconfig.json), and this test fails when
//! a type changes without the file. `EHCERT_UPDATE_GOLDEN=1 cargo test -p ehcert-shared
//! typescript` rewrites it after a deliberate change. The types derive `ts_rs::TS` in tests
//! only, so nothing of it reaches the app or the bridge.

use std::{fs, path::Path};

use ts_rs::{Config, TS};

/// `export type …` for each type, in the order given.
macro_rules! declarations {
    ($($ty:ty),+ $(,)?) => {{
        let config = Config::new();
        vec![$(format!("export {}", <$ty as TS>::decl(&config))),+]
    }};
}

#[test]
fn the_typescript_types_are_those_of_the_golden_file() {
    let declarations = declarations![
        crate::bridge::FromBridge,
        crate::bridge::Hello,
        crate::bridge::Request,
        crate::bridge::Command,
        crate::bridge::ReadCard,
        crate::bridge::Preview,
        crate::bridge::Sign,
        crate::bridge::SignedContent,
        crate::bridge::EhealthRequest,
        crate::bridge::CardCheck,
        crate::bridge::KeyRole,
        crate::bridge::SignedOperation,
        crate::bridge::CertificateRequestSummary,
        crate::bridge::NoticeContact,
        crate::bridge::RevocationSummary,
        crate::bridge::CertificateSubject,
        crate::bridge::SignaturePreview,
        crate::bridge::CardKeyAlgorithm,
        crate::bridge::PinEntry,
        crate::bridge::Reply,
        crate::bridge::Outcome,
        crate::bridge::Reader,
        crate::bridge::Failure,
        crate::bridge::CardInfo,
        crate::bridge::Identity,
        crate::bridge::Address,
        crate::bridge::Certificates,
        crate::bridge::CardHolder,
        crate::page::ToExtension,
        crate::page::PageMessage,
        crate::page::PageRequest,
        crate::page::Action,
        crate::page::SignRequest,
        crate::page::CardCheckRequest,
        crate::page::ReadIdentityRequest,
        crate::page::CardCheckResult,
        crate::page::CardSummary,
        crate::page::Lang,
        crate::page::ToPage,
        crate::page::ExtensionMessage,
        crate::page::Ack,
        crate::page::PageReply,
        crate::page::PageOutcome,
        crate::page::Status,
        crate::page::FailedOperation,
        crate::error_code::ErrorCode,
    ];
    let expected = format!(
        "// Generated from the Rust crate ehcert-shared by its test `typescript`: do not edit.\n\n{}\n",
        declarations.join("\n\n")
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/constants/protocol.d.ts");
    if std::env::var_os("EHCERT_UPDATE_GOLDEN").is_some() {
        fs::write(&path, &expected).unwrap();
    }
    let golden = fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(golden, expected, "update with EHCERT_UPDATE_GOLDEN=1, then the extension's types");
}
