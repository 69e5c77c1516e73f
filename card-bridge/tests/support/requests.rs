//! What the page asks the card bridge to sign, built with the client's own builders: for the
//! bridge's integration tests and its benchmark (included by path in both).

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

/// A GenerateCertificate for the personal certificate of `ssin`, signed with `algorithm`, as the
/// page sends it (a contract of a few kilobytes in four languages, a CSR for its DN), and its
/// canonical `SignedInfo`, whose hash the card signs.
pub(crate) fn certificate_request(
    ssin: &str,
    algorithm: SignatureAlgorithm,
) -> (SignedContent, Vec<u8>) {
    let dn = format!(
        "CN=SSIN={ssin},OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN={ssin},O=Federal Government,C=BE"
    );
    let public_key = p384::SecretKey::from_slice(&[7; 48]).unwrap().public_key();
    let spki = SubjectPublicKeyInfoOwned::from_der(
        p384::pkcs8::EncodePublicKey::to_public_key_der(&public_key).unwrap().as_bytes(),
    )
    .unwrap();
    let csr = ehcert_pki::csr::CsrDraft::new(ehcert_pki::dn::parse(&dn).unwrap(), spki)
        .assemble(&[0; 256])
        .unwrap();
    let signer = Actor {
        ids: vec![Identifier { kind: "SSIN".into(), value: ssin.into() }],
        first_names: vec!["Jan Pieter".into()],
        name: "Peeters".into(),
    };
    let text = ["nl", "fr", "de", "en"]
        .into_iter()
        .map(|lang| LocalizedText { lang: lang.into(), text: "<p>Contract.</p>".repeat(60) })
        .collect();
    let generate = request::generate_certificate(
        &RequestMeta {
            id: "_0123456789abcdef0123456789abcdef".into(),
            issue_instant: "2026-11-29T10:00:00Z".into(),
        },
        &ContactData {
            email_private: "jan@example.be".into(),
            email_general: None,
            phone_private: "0470123456".into(),
            phone_general: None,
        },
        &csr,
        &Contract { dn, signer, text },
        &[],
    );
    let draft = SignatureDraft::new(generate, algorithm, vec![], "xmldsig-1".into()).unwrap();
    let signed_info = draft.signed_info_text();
    let content = SignedContent::EhealthRequest(EhealthRequest {
        signed_info: signed_info.clone(),
        payload: draft.payload(),
    });
    (content, signed_info.into_bytes())
}
