//! What the card bridge lets the card sign, with real requests from the client's own builders.

use ehcert_certra::{
    request,
    signature::{SignatureAlgorithm as XmlAlgorithm, SignatureDraft},
    SignableProblem,
};
use ehcert_shared::bridge::{CardCheck, EhealthRequest};

use super::*;

#[path = "../tests/support/requests.rs"]
mod requests;

use requests::{actor, meta, personal_dn, public_key};

pub(crate) const HOLDER_SSIN: &str = "85073003328";
const OTHER_SSIN: &str = "00010100117";

/// The card holder as the bridge reads them from the identity file.
pub(crate) fn holder(key_algorithm: CardKeyAlgorithm) -> CardHolder {
    CardHolder {
        reader: "Virtual PCD 00 00".into(),
        pinpad: false,
        applet: if key_algorithm == CardKeyAlgorithm::Rsa2048 { "1.7" } else { "1.8" }.into(),
        key_algorithm,
        surname: "Peeters".into(),
        given_names: "Jan Pieter".into(),
        card_number: "592123456789".into(),
        national_number: HOLDER_SSIN.into(),
    }
}

/// That holder's card, as the approval sees it.
pub(crate) fn card(key_algorithm: CardKeyAlgorithm) -> SigningCard {
    SigningCard::from(&holder(key_algorithm))
}

const ORGANISATION_DN: &str = "CN=NIHII-HOSPITAL=71000436\\, LABO,OU=eHealth-platform Belgium,OU=AZ SINT-JAN,OU=NIHII-HOSPITAL=71000436,OU=LABO,O=Federal Government,C=BE";

pub(crate) fn certificate_request(signer_ssin: &str, dn: &str, csr_dn: &str) -> request::Request {
    requests::generate_certificate(signer_ssin, dn, csr_dn)
}

fn revocation(dn: &str) -> request::Request {
    request::revoke(
        &meta(),
        &[0xAB; 20],
        &request::RevocationContract {
            dn: dn.into(),
            signer: actor(HOLDER_SSIN),
            reason: request::RevocationReason::KeyCompromise,
            text: vec![],
        },
    )
}

/// A card check, as the extension sends it.
pub(crate) fn card_check_content() -> SignedContent {
    SignedContent::CardCheck(CardCheck {
        origin: "https://ehcert.be".into(),
        challenge: STANDARD.encode([9; 32]),
    })
}

/// What the page sends for `request` signed with `algorithm`.
pub(crate) fn content(request: request::Request, algorithm: XmlAlgorithm) -> SignedContent {
    requests::signed(request, algorithm).0
}

/// The bridge's clock in these tests: the `IssueInstant` of the requests made here
/// (`requests::meta`, to the second).
fn now() -> u64 {
    request::parse_date_time(&meta().issue_instant).unwrap()
}

/// [`super::approve`] at [`now`].
fn approve(
    key: KeyRole,
    content: &SignedContent,
    card: &SigningCard,
) -> Result<Approved, BridgeError> {
    super::approve(key, content, card, now())
}

fn refusal(result: Result<Approved, BridgeError>) -> String {
    match result {
        Err(BridgeError::NotSignable(refusal)) => format!("{refusal:?}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_certificate_request_shows_the_name_and_the_key_from_the_signed_bytes() {
    let rsa = card(CardKeyAlgorithm::Rsa2048);
    let request =
        certificate_request(HOLDER_SSIN, &personal_dn(HOLDER_SSIN), &personal_dn(HOLDER_SSIN));
    let approved =
        approve(KeyRole::Signature, &content(request.clone(), XmlAlgorithm::RsaSha256), &rsa)
            .unwrap();
    let expected_key = PublicKeyIdentifier::of(&public_key()).to_hex().to_uppercase();
    let SignedOperation::CertificateRequest(summary) = &approved.operation else {
        panic!("{:?}", approved.operation)
    };
    assert_eq!(summary.key_id, expected_key);
    assert_eq!(summary.certificate.id_type, "SSIN");
    assert_eq!(summary.certificate.id, HOLDER_SSIN);
    assert_eq!(summary.certificate.name, "PEETERS JAN PIETER");
    // Where eHealth will send its notices, from the signed contact data.
    assert_eq!(
        summary.contact,
        NoticeContact {
            email: "jan@example.be".into(),
            phone: "0470123456".into(),
            email_general: None,
            phone_general: None,
        }
    );
    assert_eq!(approved.algorithm, XmlAlgorithm::RsaSha256);
    // The digest is the one the client would have asked the card for.
    let draft = SignatureDraft::new(request, XmlAlgorithm::RsaSha256, vec![], "x".into()).unwrap();
    assert_eq!(approved.digest, draft.digest());

    // An organisation's certificate, signed by an applet 1.8 card with ECDSA-SHA384.
    let request = certificate_request(HOLDER_SSIN, ORGANISATION_DN, ORGANISATION_DN);
    let approved = approve(
        KeyRole::Signature,
        &content(request, XmlAlgorithm::EcdsaSha384),
        &card(CardKeyAlgorithm::EcdsaP384),
    )
    .unwrap();
    let SignedOperation::CertificateRequest(summary) = &approved.operation else { panic!() };
    assert_eq!(
        (summary.certificate.id_type.as_str(), summary.certificate.id.as_str()),
        ("NIHII-HOSPITAL", "71000436")
    );
    assert_eq!(summary.certificate.name, "AZ SINT-JAN");
    assert_eq!(summary.certificate.application_id.as_deref(), Some("LABO"));
    assert_eq!(approved.algorithm, XmlAlgorithm::EcdsaSha384);
    assert_eq!(approved.digest.len(), 48);
}

#[test]
fn a_personal_certificate_request_for_another_person_is_refused() {
    let rsa = card(CardKeyAlgorithm::Rsa2048);
    // Another person's certificate, signed by this holder.
    let request =
        certificate_request(HOLDER_SSIN, &personal_dn(OTHER_SSIN), &personal_dn(OTHER_SSIN));
    assert_eq!(
        refusal(approve(KeyRole::Signature, &content(request, XmlAlgorithm::RsaSha256), &rsa)),
        "OtherPerson"
    );
    // This holder's certificate, but a contract signed by someone else.
    let request =
        certificate_request(OTHER_SSIN, &personal_dn(HOLDER_SSIN), &personal_dn(HOLDER_SSIN));
    assert_eq!(
        refusal(approve(KeyRole::Signature, &content(request, XmlAlgorithm::RsaSha256), &rsa)),
        "OtherPerson"
    );
    // The window would show this holder's name while the CSR asks for another one.
    let request =
        certificate_request(HOLDER_SSIN, &personal_dn(HOLDER_SSIN), &personal_dn(OTHER_SSIN));
    assert_eq!(
        refusal(approve(KeyRole::Signature, &content(request, XmlAlgorithm::RsaSha256), &rsa)),
        "Csr"
    );
    // GetActorQualities about someone else.
    let request = request::get_actor_qualities(&meta(), OTHER_SSIN);
    assert_eq!(
        refusal(approve(KeyRole::Authentication, &content(request, XmlAlgorithm::RsaSha256), &rsa)),
        "OtherPerson"
    );
}

#[test]
fn a_dn_that_is_not_exactly_the_ehealth_layout_of_what_it_names_is_refused() {
    let rsa = card(CardKeyAlgorithm::Rsa2048);
    let holder = personal_dn(HOLDER_SSIN);
    // Each names the holder where the window reads it (the first CN, the second OU), and
    // something else besides: a second person, a second CN, an organisation's OU, another order.
    let loose = [
        holder.replace(",O=Federal", &format!(",OU=SSIN={OTHER_SSIN},O=Federal")),
        holder.replacen(
            "CN=SSIN=85073003328,",
            &format!("CN=SSIN=85073003328,CN=SSIN={OTHER_SSIN},"),
            1,
        ),
        holder.replace(",O=Federal", ",OU=LABO,O=Federal"),
        holder.replace(",OU=SSIN=85073003328", &format!(",OU=SSIN={OTHER_SSIN}")),
        holder.replace(
            "OU=eHealth-platform Belgium,OU=PEETERS JAN PIETER",
            "OU=PEETERS JAN PIETER,OU=eHealth-platform Belgium",
        ),
        holder.replace("OU=PEETERS JAN PIETER", "OU=Peeters Jan Pieter"),
        holder.replace(",C=BE", ",C=NL"),
    ];
    for dn in loose {
        let request = certificate_request(HOLDER_SSIN, &dn, &dn);
        assert_eq!(
            refusal(approve(KeyRole::Signature, &content(request, XmlAlgorithm::RsaSha256), &rsa)),
            "Dn",
            "{dn}"
        );
        let revoke = content(revocation(&dn), XmlAlgorithm::RsaSha256);
        assert_eq!(refusal(approve(KeyRole::Signature, &revoke, &rsa)), "Dn", "{dn}");
    }
    // The layout itself, with or without an application id, passes.
    let request = certificate_request(HOLDER_SSIN, &holder, &holder);
    approve(KeyRole::Signature, &content(request, XmlAlgorithm::RsaSha256), &rsa).unwrap();
    approve(
        KeyRole::Signature,
        &content(revocation(ORGANISATION_DN), XmlAlgorithm::RsaSha256),
        &rsa,
    )
    .unwrap();
}

#[test]
fn a_request_dated_away_from_the_bridges_clock_is_refused() {
    let rsa = card(CardKeyAlgorithm::Rsa2048);
    let made = meta();
    let list = content(request::get_certificate_info_for_citizen(&made), XmlAlgorithm::RsaSha256);
    let at = |now: u64| super::approve(KeyRole::Authentication, &list, &rsa, now);
    let made_at = request::parse_date_time(&made.issue_instant).unwrap();
    // Made now, a moment ago (the PIN attempts), or by a clock a little ahead: signed.
    for now in [made_at, made_at + ISSUED_BEHIND_SECONDS, made_at - ISSUED_AHEAD_SECONDS] {
        at(now).unwrap();
    }
    // Kept from earlier, or dated in the future (a request "of 2099" made to be sent later).
    for now in [
        made_at + ISSUED_BEHIND_SECONDS + 1,
        made_at - ISSUED_AHEAD_SECONDS - 1,
        made_at - 86_400 * 365,
    ] {
        assert_eq!(refusal(at(now)), "IssueInstant", "{now}");
    }
}

#[test]
fn each_key_signs_only_its_own_operations() {
    let rsa = card(CardKeyAlgorithm::Rsa2048);
    let revoke = content(revocation(ORGANISATION_DN), XmlAlgorithm::RsaSha256);
    let approved = approve(KeyRole::Signature, &revoke, &rsa).unwrap();
    assert!(matches!(
        &approved.operation,
        SignedOperation::Revocation(summary) if summary.reason == "keyCompromise" && summary.key_id == "AB".repeat(20)
    ));
    // A revocation, or a certificate request, is never signed by the authentication key…
    assert_eq!(refusal(approve(KeyRole::Authentication, &revoke, &rsa)), "WrongKey");
    let request =
        certificate_request(HOLDER_SSIN, &personal_dn(HOLDER_SSIN), &personal_dn(HOLDER_SSIN));
    assert_eq!(
        refusal(approve(KeyRole::Authentication, &content(request, XmlAlgorithm::RsaSha256), &rsa)),
        "WrongKey"
    );
    // …and a read request or a card check never by the signature key.
    let list = content(request::get_certificate_info_for_citizen(&meta()), XmlAlgorithm::RsaSha256);
    assert_eq!(
        approve(KeyRole::Authentication, &list, &rsa).unwrap().operation,
        SignedOperation::CertificateList
    );
    assert_eq!(refusal(approve(KeyRole::Signature, &list, &rsa)), "WrongKey");
    let check = SignedContent::CardCheck(CardCheck {
        origin: "https://ehcert.be".into(),
        challenge: STANDARD.encode([1; 32]),
    });
    assert_eq!(refusal(approve(KeyRole::Signature, &check, &rsa)), "WrongKey");
}

#[test]
fn a_signed_info_whose_digest_is_not_the_payloads_is_refused() {
    let rsa = card(CardKeyAlgorithm::Rsa2048);
    let SignedContent::EhealthRequest(list) =
        content(request::get_certificate_info_for_citizen(&meta()), XmlAlgorithm::RsaSha256)
    else {
        unreachable!()
    };
    let SignedContent::EhealthRequest(revoke) =
        content(revocation(&personal_dn(HOLDER_SSIN)), XmlAlgorithm::RsaSha256)
    else {
        unreachable!()
    };
    // A harmless payload shown, the SignedInfo of a Revoke signed.
    let swapped = SignedContent::EhealthRequest(EhealthRequest {
        signed_info: revoke.signed_info,
        payload: list.payload.clone(),
    });
    assert_eq!(
        refusal(approve(KeyRole::Authentication, &swapped, &rsa)),
        format!("{:?}", Refusal::Request(SignableProblem::SignedInfo))
    );
    // An EC signature method on an RSA card.
    let ec = content(request::get_certificate_info_for_citizen(&meta()), XmlAlgorithm::EcdsaSha256);
    assert_eq!(
        refusal(approve(KeyRole::Authentication, &ec, &rsa)),
        format!("{:?}", Refusal::Request(SignableProblem::SignedInfo))
    );
}

#[test]
fn a_tls_transcript_hash_or_any_other_bytes_get_no_signature() {
    // What a TLS 1.2 client-auth CertificateVerify would need signed: some bytes, no request.
    let transcript = SignedContent::EhealthRequest(EhealthRequest {
        signed_info: STANDARD.encode([0x42; 32]),
        payload: "\u{16}\u{3}\u{3}handshake".into(),
    });
    assert_eq!(
        refusal(approve(KeyRole::Authentication, &transcript, &card(CardKeyAlgorithm::Rsa2048))),
        format!("{:?}", Refusal::Request(SignableProblem::NotXml))
    );
    // A card check signs only SHA-256 of the labelled message, never the challenge itself.
    let challenge = [0x42; 32];
    let check = SignedContent::CardCheck(CardCheck {
        origin: "https://ehcert.be".into(),
        challenge: STANDARD.encode(challenge),
    });
    let approved =
        approve(KeyRole::Authentication, &check, &card(CardKeyAlgorithm::EcdsaP384)).unwrap();
    assert_eq!(approved.algorithm, XmlAlgorithm::EcdsaSha256);
    assert_eq!(
        approved.digest,
        Sha256::digest(card_check_message("https://ehcert.be", &challenge)).to_vec()
    );
    assert_ne!(approved.digest, challenge);
    let short = SignedContent::CardCheck(CardCheck {
        origin: "https://ehcert.be".into(),
        challenge: STANDARD.encode([0x42; 31]),
    });
    assert_eq!(
        refusal(approve(KeyRole::Authentication, &short, &card(CardKeyAlgorithm::Rsa2048))),
        "Challenge"
    );
}
