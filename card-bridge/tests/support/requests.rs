//! What the page asks the card bridge to sign, built with the client's own builders: for the
//! bridge's unit tests, its integration tests and its benchmark (included by path in each, which
//! use different parts of it).
#![allow(dead_code)]

use base64::{engine::general_purpose::STANDARD, Engine as _};
use ehcert_certra::{
    request::{self, Actor, ContactData, Contract, Identifier, LocalizedText, RequestMeta},
    signature::{SignatureAlgorithm, SignatureDraft},
};
use ehcert_shared::bridge::{CardCheck, EhealthRequest, SignedContent};
use x509_cert::{der::Decode, spki::SubjectPublicKeyInfoOwned};

/// The origin the card checks are made for.
pub(crate) const ORIGIN: &str = "https://ehcert.be";

/// A card check with `challenge`, as the extension sends it.
pub(crate) fn card_check(challenge: [u8; 32]) -> SignedContent {
    SignedContent::CardCheck(CardCheck {
        origin: ORIGIN.into(),
        challenge: STANDARD.encode(challenge),
    })
}

/// `Id` and `IssueInstant` of every request here: made now, as the page makes them, since the
/// bridge signs only requests made within minutes of its clock.
pub(crate) fn meta() -> RequestMeta {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    RequestMeta::new([0x5a; 16], now.as_secs())
}

/// The person `ssin` as a contract's signer.
pub(crate) fn actor(ssin: &str) -> Actor {
    Actor {
        ids: vec![Identifier { kind: "SSIN".into(), value: ssin.into() }],
        first_names: vec!["Jan Pieter".into()],
        name: "Peeters".into(),
    }
}

/// The DN eHealth gives the personal certificate of `ssin`.
pub(crate) fn personal_dn(ssin: &str) -> String {
    format!(
        "CN=SSIN={ssin},OU=eHealth-platform Belgium,OU=PEETERS JAN PIETER,OU=SSIN={ssin},O=Federal Government,C=BE"
    )
}

/// The new key of every certificate request here: a P-384 key, since the bridge reads the CSR's
/// key without caring which kind it is.
pub(crate) fn public_key() -> SubjectPublicKeyInfoOwned {
    let public_key = p384::SecretKey::from_slice(&[7; 48]).unwrap().public_key();
    SubjectPublicKeyInfoOwned::from_der(
        p384::pkcs8::EncodePublicKey::to_public_key_der(&public_key).unwrap().as_bytes(),
    )
    .unwrap()
}

/// A GenerateCertificate whose contract is signed by `signer_ssin` for `dn`, with a CSR for
/// `csr_dn` (its signature is not the bridge's business: eHealth checks it), and a contract of a
/// few kilobytes in four languages.
pub(crate) fn generate_certificate(signer_ssin: &str, dn: &str, csr_dn: &str) -> request::Request {
    let csr = ehcert_pki::csr::CsrDraft::new(ehcert_pki::dn::parse(csr_dn).unwrap(), public_key())
        .assemble(&[0; 256])
        .unwrap();
    let text = ["nl", "fr", "de", "en"]
        .into_iter()
        .map(|lang| LocalizedText { lang: lang.into(), text: "<p>Contract.</p>".repeat(60) })
        .collect();
    request::generate_certificate(
        &meta(),
        &ContactData {
            email_private: "jan@example.be".into(),
            email_general: None,
            phone_private: "0470123456".into(),
            phone_general: None,
        },
        &csr,
        &Contract { dn: dn.into(), signer: actor(signer_ssin), text },
        &[],
    )
}

/// What the page sends for `request` signed with `algorithm`, and the canonical `SignedInfo`,
/// whose hash the card signs.
pub(crate) fn signed(
    request: request::Request,
    algorithm: SignatureAlgorithm,
) -> (SignedContent, Vec<u8>) {
    let draft = SignatureDraft::new(request, algorithm, vec![], "xmldsig-1".into()).unwrap();
    let signed_info = draft.signed_info_text();
    let content = SignedContent::EhealthRequest(EhealthRequest {
        signed_info: signed_info.clone(),
        payload: draft.payload(),
    });
    (content, signed_info.into_bytes())
}

/// The request for the personal certificate of `ssin`, signed by `ssin` with `algorithm`, as the
/// page sends it.
pub(crate) fn certificate_request(
    ssin: &str,
    algorithm: SignatureAlgorithm,
) -> (SignedContent, Vec<u8>) {
    let dn = personal_dn(ssin);
    signed(generate_certificate(ssin, &dn, &dn), algorithm)
}
