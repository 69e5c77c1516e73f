//! F1 and F3 against the mock CertRA over HTTP, with the simulated eID's keys standing in for the
//! card behind the PIN window (the real card path is covered end to end by the Playwright suite).
//! The keystores are read back by `openssl pkcs12 -legacy` and JDK `keytool`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

#[path = "support/card.rs"]
mod card;

use std::{cell::RefCell, process::Command, sync::Arc};

use card::Card;
use ehcert_certra::{
    dialect::{Dialect, DnEcho, EcSignatureMethod, InProgressListing},
    eid_request::EidContent,
    endpoint::{Environment, Operation},
    request::{ContactData, Contract, RequestMeta, RevocationReason},
    response::GeneratedCertificate,
};
use ehcert_eid_sim::card::Applet;
use ehcert_flows::{
    eid::{EidHolder, EidSignature},
    my_certificates,
    new_certificate::{
        self, complete, confirm_etk, fetch_chain, pending_is_for, pending_keystore, register_etk,
        request_certificate, request_certificate_again, resume, reuse_pending, CertificateRequest,
        MadeAt, PendingKeystore,
    },
    FlowError, Services,
};
use ehcert_mock_ehealth::{self as mock_certra, Knobs, MockCertra};
use ehcert_pki::{
    cert::UnixTime,
    key::RsaKeyPair,
    p12::{Keystore, Password, Profile},
    rules::LocalDateTime,
};
use ehcert_shared::{bridge::KeyRole, page};
use serde_json::Value;

#[derive(Debug)]
struct TestError(String);

impl std::fmt::Display for TestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<FlowError> for TestError {
    fn from(err: FlowError) -> Self {
        Self(err.to_string())
    }
}

/// A signature the simulated card made, after the strict reading the card bridge does
/// (`ehcert_certra::eid_request::check`): every flow's payload must pass it.
#[derive(Clone, Debug)]
struct Signed {
    key: KeyRole,
    algorithm: ehcert_certra::signature::SignatureAlgorithm,
    digest: Vec<u8>,
    content: EidContent,
    /// The size of the page's `sign` message as JSON: what the relay's limits must hold.
    page_message_len: usize,
}

impl Signed {
    fn operation(&self) -> Operation {
        self.content.operation()
    }

    /// The DN of the contract signed, as written in the payload.
    fn dn(&self) -> Option<&str> {
        match &self.content {
            EidContent::CertificateRequest { contract, .. } => Some(&contract.dn),
            EidContent::Revocation { contract, .. } => Some(&contract.dn),
            _ => None,
        }
    }
}

/// The mock CertRA on a local port and a simulated eID's keys.
struct World {
    base: String,
    client: reqwest::Client,
    card: Card,
    signatures: RefCell<Vec<Signed>>,
    sent: RefCell<Vec<Operation>>,
    envelopes: RefCell<Vec<String>>,
    dialect: std::cell::Cell<Dialect>,
}

impl Services for World {
    type Error = TestError;

    async fn certra(&self, operation: Operation, envelope: String) -> Result<Vec<u8>, TestError> {
        self.sent.borrow_mut().push(operation);
        self.envelopes.borrow_mut().push(envelope.clone());
        let response = self
            .client
            .post(format!("{}{}", self.base, operation.service().path()))
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", format!("\"{}\"", operation.soap_action()))
            .body(envelope)
            .send()
            .await
            .map_err(|err| TestError(err.to_string()))?;
        Ok(response.bytes().await.map_err(|err| TestError(err.to_string()))?.to_vec())
    }

    async fn eid_sign(&self, request: EidSignature) -> Result<Vec<u8>, TestError> {
        let (checked, signature) = self
            .card
            .sign(&request)
            .map_err(|err| TestError(format!("the card bridge would refuse this: {err}")))?;
        assert_eq!(checked.algorithm, request.algorithm);
        let page_message = page::ToExtension {
            message: page::PageMessage::Request(page::PageRequest {
                id: u32::MAX,
                action: page::Action::Sign(page::SignRequest {
                    reader: Some(request.reader.clone()),
                    key: request.key,
                    signed_info: request.signed_info.clone(),
                    payload: request.payload.clone(),
                    lang: page::Lang::Nl,
                }),
            }),
        };
        self.signatures.borrow_mut().push(Signed {
            key: request.key,
            algorithm: checked.algorithm,
            digest: checked.digest,
            content: checked.request.content,
            page_message_len: serde_json::to_string(&page_message).unwrap().len(),
        });
        Ok(signature)
    }

    fn meta(&self) -> RequestMeta {
        let mut random = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut random);
        RequestMeta::new(random, now().0)
    }

    fn dialect(&self) -> Dialect {
        self.dialect.get()
    }
}

fn now() -> UnixTime {
    UnixTime(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs())
}

async fn world(applet: Applet, knobs: Knobs) -> (World, EidHolder) {
    let mock = Arc::new(MockCertra::open(None, knobs).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = mock_certra::router(mock, &[]);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let card = Card::personalised(applet);
    let eid = card.holder.clone();
    let world = World {
        base,
        client: reqwest::Client::new(),
        card,
        signatures: RefCell::default(),
        sent: RefCell::default(),
        envelopes: RefCell::default(),
        dialect: std::cell::Cell::default(),
    };
    (world, eid)
}

fn contact() -> ContactData {
    ContactData {
        email_private: "jan.peeters@example.be".into(),
        email_general: None,
        phone_private: "+32 470 00 00 00".into(),
        phone_general: None,
    }
}

/// GenerateCertificate's content for the holder's own certificate with the test's contact data.
fn personal<'a>(contract: &'a Contract, csr: &'a [u8]) -> CertificateRequest<'a> {
    static CONTACT: std::sync::LazyLock<ContactData> = std::sync::LazyLock::new(contact);
    CertificateRequest { contact: &CONTACT, contract, csr, base_services: &[] }
}

const LOCAL: LocalDateTime =
    LocalDateTime { year: 2026, month: 11, day: 22, hour: 9, minute: 5, second: 7 };

fn run(program: &str, args: &[&str], dir: &std::path::Path) -> String {
    let output = Command::new(program).args(args).current_dir(dir).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{program} {args:?}: {text}");
    text
}

async fn state(world: &World) -> Value {
    world
        .client
        .get(format!("{}/admin/state", world.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn a_new_personal_certificate_from_contract_to_final_keystore_survives_a_reload() {
    let (world, holder) =
        world(Applet::V17, Knobs { not_yet_delivered: 1, ..Knobs::default() }).await;
    let password = Password::new("Huisarts-2026");

    let contract = new_certificate::generate_contract(
        &world,
        &holder,
        &holder.personal_certificate(),
        &contact(),
    )
    .await
    .unwrap();
    assert_eq!(
        contract.dn,
        "CN=SSIN=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN=85073003328,O=Federal Government,C=BE"
    );
    let key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let pending = pending_keystore(
        &contract.dn,
        &holder.personal_certificate(),
        &key,
        &password,
        MadeAt { environment: Environment::Acceptance, now: now(), local: LOCAL },
        &mut rand::thread_rng(),
    )
    .unwrap();
    assert_eq!(pending.file_name, "SSIN=85073003328 20261122-090507.acc-p12");
    // The pending file opens in OpenSSL before anything is sent: the key is safe from here on.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pending.p12"), &pending.bytes).unwrap();
    let info = run(
        "openssl",
        &[
            "pkcs12",
            "-legacy",
            "-in",
            "pending.p12",
            "-passin",
            "pass:Huisarts-2026",
            "-nokeys",
            "-info",
        ],
        dir.path(),
    );
    assert!(info.contains("subject=C = Dummy") || info.contains("subject=C=Dummy"), "{info}");

    let generated =
        request_certificate(&world, &holder, &personal(&contract, &pending.csr)).await.unwrap();
    assert_eq!(generated.public_key_identifier, pending.public_key_identifier);
    let signed = world.signatures.borrow().clone();
    assert_eq!(signed.len(), 1, "one PIN window for the request");
    assert_eq!(
        (signed[0].key, signed[0].operation(), signed[0].dn().map(|dn| dn.replace("\\=", "="))),
        (KeyRole::Signature, Operation::GenerateCertificate, Some(contract.dn.clone()))
    );
    // The largest message the page sends, and the relay's limit for it (documented with
    // `ehcert_shared::bridge::MAX_REQUEST_FRAME`).
    println!("GenerateCertificate sign message: {} bytes", signed[0].page_message_len);
    assert!(signed[0].page_message_len < page::MAX_PAGE_MESSAGE);

    // A reload: everything that follows comes from the saved file and its password.
    let mut resumed = resume(&pending.bytes, &password).unwrap();
    assert_eq!(resumed.public_key_identifier, pending.public_key_identifier);
    assert!(fetch_chain(&world, &resumed.public_key_identifier).await.unwrap().is_none());
    let chain = fetch_chain(&world, &resumed.public_key_identifier).await.unwrap().expect("issued");
    let etk_key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let registration =
        complete(&world, &mut resumed.keystore, chain, &etk_key, |_| Ok(())).await.unwrap();
    assert!(!registration.to_be_activated);
    let final_bytes =
        resumed.keystore.write(&password, Profile::Java, &mut rand::thread_rng()).unwrap();

    let sent = world.sent.borrow().clone();
    assert_eq!(
        sent.iter().filter(|operation| **operation == Operation::GenerateCertificate).count(),
        1,
        "one request for the key, whatever happened after it: {sent:?}"
    );
    let state = state(&world).await;
    let record = &state["certificates"][0];
    assert_eq!(record["status"], "VALID_ACTIVE");
    assert_eq!(record["etk_status"], "VALID_ACTIVE");

    // What medical software will read: OpenSSL and keytool see both entries under one password.
    std::fs::write(dir.path().join("final.p12"), &final_bytes).unwrap();
    let listing = run(
        "keytool",
        &[
            "-list",
            "-v",
            "-storetype",
            "PKCS12",
            "-keystore",
            "final.p12",
            "-storepass",
            "Huisarts-2026",
        ],
        dir.path(),
    );
    assert!(listing.contains("Alias name: authentication"), "{listing}");
    let etk_alias = resumed.keystore.entries[1].alias.clone();
    assert!(etk_alias.chars().all(|c| c.is_ascii_digit()), "ETK alias is a decimal serial");
    assert!(listing.contains(&format!("Alias name: {etk_alias}")), "{listing}");
    assert!(
        listing.contains("Certificate chain length: 3"),
        "ETK chain [enc, auth, CA]: {listing}"
    );
    assert!(listing.contains("Owner: CN=\"SSIN=85073003328\""), "{listing}");
    // The done page's renewal reminder: the issued certificate's DN and end, the renewal
    // window 90 days before it (the Java tool's rule), as eHealth's record has them.
    let (dn, window, expiry) =
        my_certificates::reminder_for(&resumed.keystore).expect("a reminder");
    assert!(dn.starts_with("CN=SSIN\\=85073003328,OU=eHealth-platform Belgium,"), "{dn}");
    assert_eq!(Some(expiry), record["not_after"].as_i64(), "{record}");
    assert_eq!(expiry - window, 90 * 86_400);
    run(
        "openssl",
        &["pkcs12", "-legacy", "-in", "final.p12", "-passin", "pass:Huisarts-2026", "-noout"],
        dir.path(),
    );

    // The final keystore is no longer a request to complete.
    let err = resume(&final_bytes, &password).err().expect("refused");
    assert!(matches!(err, FlowError::WrongStage(ehcert_flows::WrongStage::AlreadyIssued)), "{err}");
    let err = resume(&pending.bytes, &Password::new("wrong")).err().expect("refused");
    assert!(matches!(err, FlowError::Pki(ehcert_pki::PkiError::WrongPassword)), "{err}");
}

#[tokio::test(flavor = "current_thread")]
async fn an_applet_1_8_card_requests_with_an_ecdsa_p384_signature_the_service_verifies() {
    let (world, holder) = world(Applet::V18, Knobs::default()).await;
    let contract = new_certificate::generate_contract(
        &world,
        &holder,
        &holder.personal_certificate(),
        &contact(),
    )
    .await
    .unwrap();
    let key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let pending = pending_keystore(
        &contract.dn,
        &holder.personal_certificate(),
        &key,
        &Password::new("Huisarts-2026"),
        MadeAt { environment: Environment::Production, now: now(), local: LOCAL },
        &mut rand::thread_rng(),
    )
    .unwrap();
    assert_eq!(pending.file_name, "SSIN=85073003328 20261122-090507.p12");
    let generated =
        request_certificate(&world, &holder, &personal(&contract, &pending.csr)).await.unwrap();
    assert_eq!(generated.public_key_identifier, pending.public_key_identifier);
    let signed = world.signatures.borrow().clone();
    // eHealth's EC precedent by default: ECDSA over a SHA-256 digest (`ECAlgorithmHelper`).
    assert_eq!(signed[0].algorithm, ehcert_certra::signature::SignatureAlgorithm::EcdsaSha256);
    assert_eq!(signed[0].digest.len(), 32);
    assert!(world.envelopes.borrow().last().unwrap().contains("xmldsig-more#ecdsa-sha256"));
    assert!(fetch_chain(&world, &generated.public_key_identifier).await.unwrap().is_some());
}

/// F1 in one go, for the tests that need an issued certificate: its identifier, the final
/// keystore and the pending one (password `Huisarts-2026`).
async fn issued_certificate(world: &World, holder: &EidHolder) -> ([u8; 20], Vec<u8>, Vec<u8>) {
    let password = Password::new("Huisarts-2026");
    let contract = new_certificate::generate_contract(
        world,
        holder,
        &holder.personal_certificate(),
        &contact(),
    )
    .await
    .unwrap();
    let key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let made = MadeAt { environment: Environment::Acceptance, now: now(), local: LOCAL };
    let pending = pending_keystore(
        &contract.dn,
        &holder.personal_certificate(),
        &key,
        &password,
        made,
        &mut rand::thread_rng(),
    )
    .unwrap();
    request_certificate(world, holder, &personal(&contract, &pending.csr)).await.unwrap();
    let mut resumed = resume(&pending.bytes, &password).unwrap();
    let chain = fetch_chain(world, &resumed.public_key_identifier).await.unwrap().unwrap();
    let etk_key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    complete(world, &mut resumed.keystore, chain, &etk_key, |_| Ok(())).await.unwrap();
    let final_bytes =
        resumed.keystore.write(&password, Profile::Java, &mut rand::thread_rng()).unwrap();
    (resumed.public_key_identifier, final_bytes, pending.bytes)
}

#[tokio::test(flavor = "current_thread")]
async fn my_certificates_lists_then_revokes_with_the_signature_key() {
    let (world, holder) = world(Applet::V17, Knobs::default()).await;
    let (identifier, _, _) = issued_certificate(&world, &holder).await;
    world.signatures.borrow_mut().clear();

    let listed = my_certificates::list(&world, &holder).await.unwrap().certificates;
    assert_eq!(listed.len(), 1);
    let info = &listed[0];
    assert_eq!(info.public_key_identifier, identifier);
    assert_eq!((info.status.as_str(), info.etk_status.as_str()), ("VALID_ACTIVE", "VALID_ACTIVE"));
    assert!(info.revocable && !info.replaceable);
    let details = info.details.as_ref().expect("delivered");
    let days =
        my_certificates::days_until(&details.valid_not_after, i64::try_from(now().0).unwrap())
            .unwrap();
    assert!((1090..=1096).contains(&days), "three years left: {days}");
    let signed = world.signatures.borrow().clone();
    assert_eq!(
        (signed[0].key, signed[0].operation()),
        (KeyRole::Authentication, Operation::GetCertificateInfoForCitizen)
    );

    let contract = my_certificates::revocation_contract(
        &world,
        &holder,
        &identifier,
        RevocationReason::CessationOfOperation,
    )
    .await
    .unwrap();
    assert_eq!(contract.dn, details.dn);
    my_certificates::revoke(&world, &holder, &identifier, &contract).await.unwrap();
    let signed = world.signatures.borrow().clone();
    assert_eq!(
        (signed[1].key, signed[1].operation(), signed[1].dn()),
        (KeyRole::Signature, Operation::Revoke, Some(details.dn.as_str()))
    );
    let after = my_certificates::list(&world, &holder).await.unwrap().certificates;
    assert_eq!((after[0].status.as_str(), after[0].etk_status.as_str()), ("REVOKED", "REVOKED"));
    assert!(!after[0].revocable);
}

#[tokio::test(flavor = "current_thread")]
async fn the_health_check_accepts_a_fresh_keystore_and_names_what_is_wrong_with_others() {
    use ehcert_flows::keystore_check::{change_password, check, Finding};
    let (world, holder) = world(Applet::V17, Knobs::default()).await;
    let (_, final_bytes, pending_bytes) = issued_certificate(&world, &holder).await;
    let password = Password::new("Huisarts-2026");
    let name = "SSIN=85073003328 20261122-090507.acc-p12";
    let today = i64::try_from(now().0).unwrap();

    let report = check(&final_bytes, &password, name, today).unwrap();
    assert!(report.accepted(), "{report:?}");
    assert_eq!(report.findings, vec![]);
    assert_eq!(report.aliases.len(), 2);
    assert!((1090..=1096).contains(&report.days_left.unwrap()));
    assert!(report.subject.unwrap().contains("OU=JAN PIETER PEETERS"));

    // The same file under another name 1030 days later (65 days left: renew), and 1100 days later.
    let report = check(&final_bytes, &password, "my keystore.p12", today + 1030 * 86_400).unwrap();
    assert!(report.accepted(), "warnings only: {report:?}");
    assert!(report.findings.contains(&Finding::UnconventionalFileName));
    assert!(matches!(report.findings[0], Finding::RenewNow(days) if (60..=70).contains(&days)));
    let report = check(&final_bytes, &password, name, today + 1100 * 86_400).unwrap();
    assert!(!report.accepted());
    assert!(
        matches!(report.findings[0], Finding::Expired(days) if (4..=10).contains(&days)),
        "{report:?}"
    );

    // A pending keystore is not usable yet; a wrong password is told as such.
    let report = check(&pending_bytes, &password, name, today).unwrap();
    assert_eq!(report.findings, vec![Finding::Pending]);
    assert!(matches!(
        check(&final_bytes, &Password::new("wrong"), name, today),
        Err(FlowError::Pki(ehcert_pki::PkiError::WrongPassword))
    ));

    // F4: a new password opens it (and the old one no longer does); a weak one is refused.
    let renewed = change_password(
        &final_bytes,
        &password,
        &Password::new("Nieuw-wachtwoord-7"),
        "Nieuw-wachtwoord-7",
        &mut rand::thread_rng(),
    )
    .unwrap();
    assert!(check(&renewed, &Password::new("Nieuw-wachtwoord-7"), name, today).unwrap().accepted());
    assert!(check(&renewed, &password, name, today).is_err());
    assert!(matches!(
        change_password(
            &final_bytes,
            &password,
            &Password::new("short"),
            "short",
            &mut rand::thread_rng()
        ),
        Err(FlowError::Pki(ehcert_pki::PkiError::WeakPassword))
    ));
}

/// Moves the mock's clock (its replacement windows and expiries) by `days`.
async fn shift_mock_clock(world: &World, days: i64) {
    let response = world
        .client
        .put(format!("{}/admin/knobs", world.base))
        .json(&Knobs { clock_offset_days: days, ..Knobs::default() })
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

/// A renewal's new key, its pending keystore under `password`, and GenerateCertificate for the
/// contract, with the current certificate's contact data and base services.
async fn request_renewal(
    world: &World,
    holder: &EidHolder,
    info: &ehcert_certra::response::CertificateInfo,
    contract: &Contract,
    password: &Password,
) -> (PendingKeystore, GeneratedCertificate) {
    let key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let made = MadeAt { environment: Environment::Acceptance, now: now(), local: LOCAL };
    let pending = pending_keystore(
        &contract.dn,
        &info.identifier,
        &key,
        password,
        made,
        &mut rand::thread_rng(),
    )
    .unwrap();
    let generated = request_certificate(
        world,
        holder,
        &CertificateRequest {
            contact: &info.contact_data,
            contract,
            csr: &pending.csr,
            base_services: &info.base_service_usage,
        },
    )
    .await
    .unwrap();
    (pending, generated)
}

/// eHealth's client names the certificate of a personal renewal after the eID holder
/// (`ra/builders/ContractRequestBuilder.java`, `withEid()`), never after the actor eHealth
/// listed. Whatever eHealth stores (no first name, a name from before a change) and whichever
/// actor it makes a person's DN from, the renewal asks for the same DN and replaces the
/// certificate.
#[tokio::test(flavor = "current_thread")]
async fn a_personal_renewal_names_the_eid_holder_whatever_ehealth_listed() {
    use ehcert_flows::renewal;
    use ehcert_mock_ehealth::{PersonDnSource, StoredActor};
    for stored_actor in
        [StoredActor::WithoutFirstName, StoredActor::AsRequested, StoredActor::OtherName]
    {
        for person_dn in [PersonDnSource::Signer, PersonDnSource::Actor] {
            let knobs = Knobs { stored_actor, person_dn, ..Knobs::default() };
            let (world, holder) = world(Applet::V17, knobs.clone()).await;
            let (old_identifier, current_bytes, _) = issued_certificate(&world, &holder).await;
            let current = renewal::open(&current_bytes, &Password::new("Huisarts-2026")).unwrap();
            let knobs = Knobs { clock_offset_days: 1040, ..knobs };
            let response = world
                .client
                .put(format!("{}/admin/knobs", world.base))
                .json(&knobs)
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            let info = renewal::certificate_info(&world, &current).await.unwrap();
            renewal::check_renewable(&info, &current, &holder, now()).unwrap();
            let contract = new_certificate::generate_contract(
                &world,
                &holder,
                &info.identifier,
                &info.contact_data,
            )
            .await
            .unwrap();
            let case = format!("{stored_actor:?}, DN from the {person_dn:?}");
            let old_dn = info.details.as_ref().map(|details| details.dn.clone());
            assert_eq!(Some(contract.dn.clone()), old_dn, "{case}");
            let password = Password::new("Huisarts-2029");
            let (_, generated) =
                request_renewal(&world, &holder, &info, &contract, &password).await;
            assert_eq!(generated.replaces, Some(old_identifier), "{case}");
        }
    }
}

/// An organisation's certificate names the requester's first name beside the organisation's,
/// as eHealth's client always does (`buildCertificateIdentifier`), whoever requested it first;
/// a personal certificate of someone else is refused before anything is sent.
#[test]
fn the_requested_identifier_is_built_from_the_eid_holder() {
    use ehcert_certra::request::{Actor, CertificateIdentifier, Identifier};
    use ehcert_flows::{new_certificate::requested_identifier, NotRenewable};
    let holder = Card::personalised(Applet::V17).holder;
    let listed =
        |kind: &str, value: &str, first_names: &[&str], name: &str| CertificateIdentifier {
            actor: Actor {
                ids: vec![Identifier { kind: kind.into(), value: value.into() }],
                first_names: first_names.iter().map(|n| (*n).to_owned()).collect(),
                name: name.into(),
            },
            application_id: None,
        };
    let own = listed("SSIN", &holder.ssin, &[], "Former-Name");
    assert_eq!(requested_identifier(&holder, &own).unwrap(), holder.personal_certificate());
    let organisation = CertificateIdentifier {
        application_id: Some("LABO".into()),
        ..listed("NIHII-HOSPITAL", "71000436", &["Someone"], "AZ Sint-Jan")
    };
    let requested = requested_identifier(&holder, &organisation).unwrap();
    assert_eq!(requested.actor.first_names, vec![holder.given_names.clone()]);
    assert_eq!(
        (requested.actor.ids, requested.actor.name),
        (organisation.actor.ids, organisation.actor.name)
    );
    assert_eq!(requested.application_id, organisation.application_id);
    let other = listed("SSIN", "01051212387", &["Ann"], "Other");
    assert_eq!(
        requested_identifier(&holder, &other),
        Err(NotRenewable::OtherPerson { owner: "01051212387".into() })
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_renewal_inside_the_window_replaces_the_certificate_and_its_etk_waits_for_activation() {
    use ehcert_flows::{renewal, NotRenewable};
    let (world, holder) = world(Applet::V17, Knobs::default()).await;
    let (old_identifier, current_bytes, _) = issued_certificate(&world, &holder).await;
    let password = Password::new("Huisarts-2026");
    let current = renewal::open(&current_bytes, &password).unwrap();

    // A fresh certificate: eHealth says when the window opens (90 days before the end).
    let info = renewal::certificate_info(&world, &current).await.unwrap();
    assert_eq!(info.public_key_identifier, old_identifier);
    assert_eq!(info.contact_data, contact());
    let refusal = renewal::check_renewable(&info, &current, &holder, now()).unwrap_err();
    let NotRenewable::NotYet { opens } = &refusal else { panic!("{refusal:?}") };
    let expected_opens = current.not_after.0 - 90 * 86_400;
    assert_eq!(*opens, i64::try_from(expected_opens).ok());

    // 1040 days on, inside the window: the same DN, signed with the eID, replaces it.
    shift_mock_clock(&world, 1040).await;
    let info = renewal::certificate_info(&world, &current).await.unwrap();
    renewal::check_renewable(&info, &current, &holder, now()).unwrap();
    let someone_else = ehcert_certra::request::Actor {
        ids: vec![ehcert_certra::request::Identifier {
            kind: "SSIN".into(),
            value: "01051212387".into(),
        }],
        ..info.identifier.actor.clone()
    };
    let mut other = info.clone();
    other.identifier.actor = someone_else;
    assert_eq!(
        renewal::check_renewable(&other, &current, &holder, now()),
        Err(NotRenewable::OtherPerson { owner: "01051212387".into() })
    );

    let contract =
        new_certificate::generate_contract(&world, &holder, &info.identifier, &info.contact_data)
            .await
            .unwrap();
    assert_eq!(Some(&contract.dn), info.details.as_ref().map(|details| &details.dn));
    let new_password = Password::new("Huisarts-2029");
    let (pending, generated) =
        request_renewal(&world, &holder, &info, &contract, &new_password).await;
    assert_eq!(generated.replaces, Some(old_identifier));

    let mut resumed = resume(&pending.bytes, &new_password).unwrap();
    let chain = fetch_chain(&world, &resumed.public_key_identifier).await.unwrap().unwrap();
    let etk_key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    // CompleteETKRegistration answers with its status alone (both other elements are optional,
    // and eHealth's client reads only the status): eHealth's ETK status says it waits.
    let knobs = Knobs { clock_offset_days: 1040, etk_status_only: true, ..Knobs::default() };
    let response =
        world.client.put(format!("{}/admin/knobs", world.base)).json(&knobs).send().await.unwrap();
    assert!(response.status().is_success());
    let registration =
        complete(&world, &mut resumed.keystore, chain, &etk_key, |_| Ok(())).await.unwrap();
    assert!(registration.to_be_activated, "the old ETK is still valid: the new one waits");
    assert_eq!(registration.etk, None);
    let etk_status = |state: &Value, id: &[u8; 20]| {
        let hex: String = id.iter().map(|b| format!("{b:02X}")).collect();
        state["certificates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|record| record["public_key_identifier"].as_str() == Some(hex.as_str()))
            .map(|record| record["etk_status"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let before = state(&world).await;
    assert_eq!(etk_status(&before, &generated.public_key_identifier), "WAIT_FOR_ACTIVATION");

    // F7, once the software uses the new keystore: signed with the new key, not the old one.
    renewal::activate_etk(&world, &resumed.keystore).await.unwrap();
    let after = state(&world).await;
    assert_eq!(etk_status(&after, &generated.public_key_identifier), "VALID_ACTIVE");
    let sent = world.sent.borrow().clone();
    assert_eq!(sent.last(), Some(&Operation::ActivateEtk));

    // The old keystore cannot renew again; after its expiry nothing can.
    assert!(renewal::open(&pending.bytes, &new_password).is_err(), "a pending keystore");
    let later = UnixTime(current.not_after.0 + 86_400);
    assert!(matches!(
        renewal::check_renewable(&info, &current, &holder, later),
        Err(NotRenewable::Expired { .. })
    ));
}

#[tokio::test(flavor = "current_thread")]
async fn an_organisation_certificate_follows_the_mandate_the_type_rules_and_unique_app_ids() {
    use ehcert_flows::{organisation, OrganisationProblem};
    let (world, holder) = world(Applet::V17, Knobs::default()).await;

    let qualities = organisation::actor_qualities(&world, &holder).await.unwrap();
    let signed = world.signatures.borrow().clone();
    assert_eq!(
        (signed[0].key, signed[0].operation()),
        (KeyRole::Authentication, Operation::GetActorQualities)
    );
    let hospital = qualities
        .organizations
        .iter()
        .find(|organization| organization.identifier.kind == "NIHII-HOSPITAL")
        .expect("the test person manages a hospital")
        .clone();
    let types = organisation::organization_types(&world).await.unwrap();
    let kind = types.iter().find(|kind| kind.identifier_type == "NIHII-HOSPITAL").unwrap();
    assert_eq!(
        organisation::check_identifier(kind, "710.004.36", organisation::regex_full_match).unwrap(),
        hospital.identifier.value
    );
    assert_eq!(
        organisation::check_identifier(kind, "71000437", organisation::regex_full_match),
        Err(OrganisationProblem::WrongCheckDigits)
    );

    let existing =
        organisation::existing_application_ids(&world, &hospital.identifier).await.unwrap();
    assert_eq!(existing, Vec::<Option<String>>::new());
    let application_id = organisation::normalise_application_id("labo").unwrap();
    let name = ehcert_flows::contract_text(&hospital.name, page::Lang::En);
    let certificate = organisation::organisation_certificate(
        hospital.identifier.clone(),
        &name,
        application_id,
        &existing,
    )
    .unwrap();
    let contact = ContactData {
        email_general: Some("ict@az-voorbeeld.be".into()),
        phone_general: Some("+32 9 000 00 00".into()),
        ..contact()
    };
    let contract =
        new_certificate::generate_contract(&world, &holder, &certificate, &contact).await.unwrap();
    assert!(
        contract.dn.starts_with(r"CN=NIHII-HOSPITAL=71000436\, LABO,OU=eHealth-platform Belgium,"),
        "{}",
        contract.dn
    );
    assert_eq!(contract.signer, holder.actor(), "the eID holder signs for the organisation");
    // The organisation's Actor names the requester's first name, as eHealth's client does
    // (`ContractRequestBuilder.buildCertificateIdentifier`).
    let request = world.envelopes.borrow().last().unwrap().clone();
    let actor = request.split("<cc:Actor").nth(1).unwrap().split("</cc:Actor>").next().unwrap();
    assert!(
        actor.contains(r#">71000436</core:Id><core:FirstName xmlns:core="urn:be:fgov:ehealth:commons:core:v2">Jan Pieter</core:FirstName><core:Name"#),
        "{actor}"
    );
    let key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let made = MadeAt { environment: Environment::Production, now: now(), local: LOCAL };
    let password = Password::new("Ziekenhuis-2026");
    let pending = pending_keystore(
        &contract.dn,
        &certificate,
        &key,
        &password,
        made,
        &mut rand::thread_rng(),
    )
    .unwrap();
    assert_eq!(pending.file_name, "NIHII-HOSPITAL=71000436,LABO 20261122-090507.p12");
    // Time-stamping and an "other" service chosen: a hospital may use the first, not the second.
    let base_services =
        organisation::base_services_for(kind, &["other".to_owned(), "tsa".to_owned()]);
    assert_eq!(base_services, ["tsa"]);
    request_certificate(
        &world,
        &holder,
        &CertificateRequest {
            contact: &contact,
            contract: &contract,
            csr: &pending.csr,
            base_services: &base_services,
        },
    )
    .await
    .unwrap();
    assert_eq!(state(&world).await["certificates"][0]["base_services"], serde_json::json!(["tsa"]));
    let mut resumed = resume(&pending.bytes, &password).unwrap();
    let chain = fetch_chain(&world, &resumed.public_key_identifier).await.unwrap().unwrap();
    let etk_key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    complete(&world, &mut resumed.keystore, chain, &etk_key, |_| Ok(())).await.unwrap();

    // The id is now taken: a second certificate under it is refused before anything is sent.
    let existing =
        organisation::existing_application_ids(&world, &hospital.identifier).await.unwrap();
    assert_eq!(existing, vec![Some("LABO".to_owned())]);
    assert_eq!(
        organisation::organisation_certificate(
            hospital.identifier,
            &name,
            Some("LABO".into()),
            &existing
        ),
        Err(OrganisationProblem::ApplicationIdTaken)
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_foreign_provider_submits_a_csr_and_completes_once_validated() {
    use ehcert_flows::foreigner::{self, ForeignProvider};
    let (world, _) = world(Applet::V17, Knobs::default()).await;
    // 85073003328 with 20 added to the month, and its check digits: a BIS number.
    let person = ForeignProvider::new("85.27.30-033.71", "Ana María", "Nuñez").unwrap();
    let key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let made = MadeAt { environment: Environment::Acceptance, now: now(), local: LOCAL };
    let password = Password::new("Buitenland-2026");
    let pending = pending_keystore(
        &person.dn(),
        &person.certificate(),
        &key,
        &password,
        made,
        &mut rand::thread_rng(),
    )
    .unwrap();
    assert_eq!(pending.file_name, "SSIN=85273003371 20261122-090507.acc-p12");

    let submission = foreigner::submit(&world, &person, &contact(), &pending.csr).await.unwrap();
    let hex: String = pending.public_key_identifier.iter().map(|b| format!("{b:02x}")).collect();
    assert!(submission.validation_url.to_lowercase().ends_with(&hex), "{submission:?}");
    assert!(submission.expiration_date.starts_with("20"), "{submission:?}");
    assert!(world.signatures.borrow().is_empty(), "no eID: nothing is signed");

    // Nothing is issued before the person confirms at the validation URL.
    let resumed = resume(&pending.bytes, &password).unwrap();
    assert!(fetch_chain(&world, &resumed.public_key_identifier).await.unwrap().is_none());
    let validated = world
        .client
        .post(format!("{}/admin/certificates/{hex}/validate", world.base))
        .send()
        .await
        .unwrap();
    assert!(validated.status().is_success());
    let mut resumed = resume(&pending.bytes, &password).unwrap();
    let chain = fetch_chain(&world, &resumed.public_key_identifier).await.unwrap().unwrap();
    let etk_key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    complete(&world, &mut resumed.keystore, chain, &etk_key, |_| Ok(())).await.unwrap();
    let leaf = resumed.keystore.authentication().unwrap().leaf().unwrap();
    assert_eq!(
        ehcert_pki::dn::to_string(&leaf.tbs_certificate.subject),
        person.dn(),
        "the certificate carries the DN built without a contract"
    );
}

async fn inject_fault(world: &World, kind: &str, operation: &str) {
    let added = world
        .client
        .post(format!("{}/admin/faults", world.base))
        .json(&serde_json::json!({ "kind": kind, "operation": operation }))
        .send()
        .await
        .unwrap();
    assert!(added.status().is_success());
}

/// A contract for the holder's personal certificate and a pending keystore with a new key.
async fn contract_and_pending(
    world: &World,
    holder: &EidHolder,
    password: &Password,
) -> (Contract, PendingKeystore) {
    let identifier = holder.personal_certificate();
    let made_at = MadeAt { environment: Environment::Acceptance, now: now(), local: LOCAL };
    let contract =
        new_certificate::generate_contract(world, holder, &identifier, &contact()).await.unwrap();
    let key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let pending = pending_keystore(
        &contract.dn,
        &identifier,
        &key,
        password,
        made_at,
        &mut rand::thread_rng(),
    )
    .unwrap();
    (contract, pending)
}

/// [`request_certificate_again`] for `pending`'s key.
async fn request_again(
    world: &World,
    holder: &EidHolder,
    contract: &Contract,
    pending: &PendingKeystore,
) -> Result<Option<GeneratedCertificate>, TestError> {
    request_certificate_again(
        world,
        holder,
        &personal(contract, &pending.csr),
        &pending.public_key_identifier,
    )
    .await
}

fn count(world: &World, operation: Operation) -> usize {
    world.sent.borrow().iter().filter(|sent| **sent == operation).count()
}

#[tokio::test(flavor = "current_thread")]
async fn a_request_whose_answer_was_lost_is_not_sent_twice() {
    let (world, holder) = world(Applet::V17, Knobs::default()).await;
    let password = Password::new("Huisarts-2026");
    // The answer to GenerateCertificate is lost after eHealth carried it out.
    let (contract, pending) = contract_and_pending(&world, &holder, &password).await;
    inject_fault(&world, "drop", "GenerateCertificate").await;
    assert!(request_certificate(&world, &holder, &personal(&contract, &pending.csr))
        .await
        .is_err());
    let again = request_again(&world, &holder, &contract, &pending).await.unwrap();
    assert!(again.is_none(), "eHealth has the request: continue with it");
    assert_eq!(count(&world, Operation::GenerateCertificate), 1);
    assert_eq!(world.signatures.borrow().len(), 1, "no second PIN");
    assert!(fetch_chain(&world, &pending.public_key_identifier).await.unwrap().is_some());
}

#[tokio::test(flavor = "current_thread")]
async fn a_request_that_never_reached_ehealth_is_sent_and_signed_again() {
    // However eHealth answers GetCertificate for a key it never received (the code eHealth's
    // client knows, CERT_NOT_YET_DELIVERED, or another), the decision comes from the card
    // holder's list: before, CERT_NOT_YET_DELIVERED was taken as "received" and the lost request
    // was never sent again.
    for unknown_key in [
        mock_certra::UnknownKeyAnswer::CertNotYetDelivered,
        mock_certra::UnknownKeyAnswer::UnknownPublicKeyIdentifier,
    ] {
        let (world, holder) = world(Applet::V17, Knobs { unknown_key, ..Knobs::default() }).await;
        // The operator knows (the acceptance probe saw it) that the list carries requests in
        // progress.
        world.dialect.set(Dialect { in_progress: InProgressListing::Listed, ..Dialect::default() });
        let password = Password::new("Huisarts-2026");
        // A gateway error before eHealth saw it.
        let (contract, pending) = contract_and_pending(&world, &holder, &password).await;
        inject_fault(&world, "http-500", "GenerateCertificate").await;
        assert!(request_certificate(&world, &holder, &personal(&contract, &pending.csr))
            .await
            .is_err());
        let again =
            request_again(&world, &holder, &contract, &pending).await.unwrap().expect("sent again");
        assert_eq!(again.public_key_identifier, pending.public_key_identifier);
        assert_eq!(count(&world, Operation::GenerateCertificate), 2, "{unknown_key:?}");
        assert_eq!(count(&world, Operation::GetCertificateInfoForCitizen), 1);
        let keys: Vec<KeyRole> = world.signatures.borrow().iter().map(|s| s.key).collect();
        assert_eq!(keys, [KeyRole::Signature, KeyRole::Authentication, KeyRole::Signature]);
    }
}

/// Whether eHealth lists requests still in progress is not known (app/certra/FIDELITY.md #11):
/// a key whose GenerateCertificate answer was lost is sent again only when the list is known to
/// carry them (the environment's dialect, or an entry in progress in the list itself), and is
/// never sent twice either way.
#[tokio::test(flavor = "current_thread")]
async fn a_lost_request_is_never_sent_twice_whether_or_not_requests_in_progress_are_listed() {
    const UNCONFIRMED: &str = "eHealth does not say whether it received the request";
    // (eHealth hides requests in progress, the operator's setting, the fault, what happens)
    for (hide_in_progress, listing, fault, sent_again) in [
        // Received, waiting for validation, not listed: never sent a second time.
        (true, InProgressListing::Unknown, "drop", false),
        // Never received, but nothing proves it: not sent, the person is told.
        (true, InProgressListing::Unknown, "http-500", false),
        (false, InProgressListing::Unknown, "http-500", false),
        // Never received, and the list is known to carry requests in progress: sent again.
        (false, InProgressListing::Listed, "http-500", true),
        // Received and listed in progress: continued, not sent again.
        (false, InProgressListing::Listed, "drop", false),
        (false, InProgressListing::Unknown, "drop", false),
    ] {
        let knobs = Knobs { hide_in_progress, manual_validation: true, ..Knobs::default() };
        let (world, holder) = world(Applet::V17, knobs).await;
        world.dialect.set(Dialect { in_progress: listing, ..Dialect::default() });
        let case = format!("hidden {hide_in_progress}, {listing:?}, {fault}");
        let (contract, pending) =
            contract_and_pending(&world, &holder, &Password::new("Huisarts-2026")).await;
        inject_fault(&world, fault, "GenerateCertificate").await;
        assert!(request_certificate(&world, &holder, &personal(&contract, &pending.csr))
            .await
            .is_err());
        let again = request_again(&world, &holder, &contract, &pending).await;
        let received_by_ehealth = fault == "drop";
        match (&again, sent_again, received_by_ehealth) {
            (Ok(Some(generated)), true, _) => {
                assert_eq!(
                    generated.public_key_identifier, pending.public_key_identifier,
                    "{case}"
                );
            }
            (Ok(None), false, true) => {}
            (Err(err), false, _) => assert_eq!(err.0, UNCONFIRMED, "{case}"),
            _ => panic!("{case}: {:?}", again.as_ref().map(|sent| sent.is_some())),
        }
        if received_by_ehealth && hide_in_progress {
            assert!(again.is_err(), "{case}: eHealth's list cannot show it");
        }
        let received: Vec<Value> = world
            .client
            .get(format!("{}/admin/requests", world.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let generate = || {
            received
                .iter()
                .filter(|r| r["operation"] == "GenerateCertificate")
                .map(|r| r["outcome"].as_str().unwrap_or_default().to_owned())
        };
        assert!(!generate().any(|outcome| outcome.contains("DUPLICATE")), "{case}: sent twice");
        let accepted = generate().filter(|outcome| outcome == "success").count();
        assert!(accepted <= 1, "{case}: {accepted} requests accepted for one key");
        assert_eq!(accepted == 1, received_by_ehealth || sent_again, "{case}");
    }
}

/// An entry of the holder's list that cannot be read, identifier included, may be the lost
/// request: the key is not sent again on a guess; the readable entries are still used.
#[tokio::test(flavor = "current_thread")]
async fn an_unreadable_entry_in_the_list_keeps_a_lost_request_from_being_sent_twice() {
    let knobs = Knobs { unreadable_entry: true, ..Knobs::default() };
    let (world, holder) = world(Applet::V17, knobs).await;
    world.dialect.set(Dialect { in_progress: InProgressListing::Listed, ..Dialect::default() });
    let (contract, pending) =
        contract_and_pending(&world, &holder, &Password::new("Huisarts-2026")).await;
    inject_fault(&world, "http-500", "GenerateCertificate").await;
    assert!(request_certificate(&world, &holder, &personal(&contract, &pending.csr))
        .await
        .is_err());
    let again = request_again(&world, &holder, &contract, &pending).await.unwrap();
    assert!(again.is_none(), "awaited as received, not sent again");
    assert_eq!(count(&world, Operation::GenerateCertificate), 1);
    // "My certificates" still shows what can be read, and counts what cannot.
    let listed = my_certificates::list(&world, &holder).await.unwrap();
    assert!(listed.certificates.is_empty());
    assert_eq!(listed.unreadable.len(), 1);
    assert_eq!(listed.unreadable[0].status.as_deref(), Some("IN_PROGRESS"));
}

#[tokio::test(flavor = "current_thread")]
async fn the_ec_signature_method_follows_the_environments_dialect() {
    use mock_certra::EcSignatureMethod as Accepted;
    for (client, accepted, ok) in [
        (EcSignatureMethod::EcdsaSha256, Accepted::EcdsaSha256, true),
        (EcSignatureMethod::EcdsaSha384, Accepted::EcdsaSha384, true),
        (EcSignatureMethod::EcdsaSha384, Accepted::EcdsaSha256, false),
        (EcSignatureMethod::EcdsaSha256, Accepted::EcdsaSha384, false),
    ] {
        let knobs = Knobs { ec_signature_method: accepted, ..Knobs::default() };
        let (world, holder) = world(Applet::V18, knobs).await;
        world.dialect.set(Dialect { ec_signature: client, ..Dialect::default() });
        let (contract, pending) =
            contract_and_pending(&world, &holder, &Password::new("Huisarts-2026")).await;
        let result = request_certificate(&world, &holder, &personal(&contract, &pending.csr)).await;
        assert_eq!(result.is_ok(), ok, "{client:?} against {accepted:?}: {result:?}");
        if !ok {
            assert!(result.unwrap_err().0.contains("SIGNATURE_METHOD_NOT_SUPPORTED"));
        }
        let expected_digest = if client == EcSignatureMethod::EcdsaSha256 { 32 } else { 48 };
        assert_eq!(world.signatures.borrow()[0].digest.len(), expected_digest);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_contract_dn_is_echoed_as_the_connector_does_and_compared_as_configured() {
    use mock_certra::DnComparison;
    for (echo, comparison, ok) in [
        (DnEcho::Connector, DnComparison::Parsed, true),
        (DnEcho::Verbatim, DnComparison::Parsed, true),
        (DnEcho::Verbatim, DnComparison::Text, true),
        (DnEcho::Connector, DnComparison::Text, false),
    ] {
        let (world, holder) =
            world(Applet::V17, Knobs { dn_echo: comparison, ..Knobs::default() }).await;
        world.dialect.set(Dialect { dn_echo: echo, ..Dialect::default() });
        let (contract, pending) =
            contract_and_pending(&world, &holder, &Password::new("Huisarts-2026")).await;
        assert!(contract.dn.starts_with("CN=SSIN=85073003328,"), "eHealth's DN, unescaped");
        let result = request_certificate(&world, &holder, &personal(&contract, &pending.csr)).await;
        assert_eq!(result.is_ok(), ok, "{echo:?} compared as {comparison:?}: {result:?}");
        let sent = world.envelopes.borrow().last().unwrap().clone();
        let echoed = if echo == DnEcho::Connector {
            r"CN=SSIN\=85073003328,"
        } else {
            "CN=SSIN=85073003328,"
        };
        assert!(sent.contains(&format!("<cc:DN>{echoed}")), "{sent}");
        // The eID's whole chain, root included, as the connector's KeyInfo carries it.
        assert_eq!(sent.matches("<ds:X509Certificate>").count(), 3);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn contact_data_the_connector_refuses_are_not_sent() {
    let (world, holder) = world(Applet::V17, Knobs::default()).await;
    let wrong = ContactData { phone_private: "0470/00.00.00".into(), ..contact() };
    let result =
        new_certificate::generate_contract(&world, &holder, &holder.personal_certificate(), &wrong)
            .await;
    assert!(result.is_err());
    assert!(world.sent.borrow().is_empty(), "nothing went to eHealth");
}

#[tokio::test(flavor = "current_thread")]
async fn a_key_made_before_a_reload_is_requested_without_a_new_key() {
    let (world, holder) = world(Applet::V18, Knobs::default()).await;
    world.dialect.set(Dialect { in_progress: InProgressListing::Listed, ..Dialect::default() });
    let password = Password::new("Huisarts-2026");
    let identifier = holder.personal_certificate();
    let (_, pending) = contract_and_pending(&world, &holder, &password).await;

    assert!(pending_is_for(&pending.file_name, &identifier));
    let mut other = identifier.clone();
    other.application_id = Some("LABO".into());
    assert!(!pending_is_for(&pending.file_name, &other), "not for another application id");

    // The tab is reloaded before Sign: the contract is asked again, the key is taken back.
    let contract =
        new_certificate::generate_contract(&world, &holder, &identifier, &contact()).await.unwrap();
    assert!(matches!(
        reuse_pending(&pending.bytes, &pending.file_name, &Password::new("wrong"), &contract.dn),
        Err(FlowError::Pki(ehcert_pki::PkiError::WrongPassword))
    ));
    let reused =
        reuse_pending(&pending.bytes, &pending.file_name, &password, &contract.dn).unwrap();
    assert_eq!(reused.public_key_identifier, pending.public_key_identifier);
    assert_eq!(
        (reused.bytes.as_slice(), reused.file_name.as_str()),
        (pending.bytes.as_slice(), pending.file_name.as_str())
    );
    let sent = request_certificate_again(
        &world,
        &holder,
        &personal(&contract, &reused.csr),
        &reused.public_key_identifier,
    )
    .await
    .unwrap()
    .expect("never sent before: sent now");
    assert_eq!(sent.public_key_identifier, pending.public_key_identifier);
    assert_eq!(count(&world, Operation::GenerateCertificate), 1);
}

/// The new certificate up to its issued chain, with the pending keystore resumed.
async fn issued(
    world: &World,
    holder: &EidHolder,
    password: &Password,
) -> (new_certificate::Resumed, Vec<Vec<u8>>) {
    let (contract, pending) = contract_and_pending(world, holder, password).await;
    request_certificate(world, holder, &personal(&contract, &pending.csr)).await.unwrap();
    let resumed = resume(&pending.bytes, password).unwrap();
    let chain = fetch_chain(world, &resumed.public_key_identifier).await.unwrap().unwrap();
    (resumed, chain)
}

#[tokio::test(flavor = "current_thread")]
async fn the_etk_key_is_kept_before_its_registration_and_a_lost_answer_is_confirmed_later() {
    let (world, holder) = world(Applet::V17, Knobs::default()).await;
    let password = Password::new("Huisarts-2026");
    let (mut resumed, chain) = issued(&world, &holder, &password).await;
    let etk_key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    inject_fault(&world, "drop", "CompleteETKRegistration").await;
    let kept = RefCell::new(None);
    let sent_before_keep = RefCell::new(0);
    let result = complete(&world, &mut resumed.keystore, chain, &etk_key, |keystore| {
        *sent_before_keep.borrow_mut() = count(&world, Operation::CompleteEtkRegistration);
        *kept.borrow_mut() =
            Some(keystore.write(&password, Profile::Java, &mut rand::thread_rng()).unwrap());
        Ok(())
    })
    .await;
    assert!(result.is_err(), "the answer was lost");
    assert_eq!(*sent_before_keep.borrow(), 0, "kept before CompleteETKRegistration was sent");

    // Later, from the kept copy: eHealth has the ETK, so the keystore is final as it is.
    let mut keystore = Keystore::read(kept.borrow().as_ref().unwrap(), &password).unwrap();
    assert_eq!(keystore.entries.len(), 2, "the authentication key and the ETK key");
    assert_eq!(confirm_etk(&world, &mut keystore).await.unwrap(), Some(false));
    assert_eq!(keystore.entries.len(), 2);
    assert_eq!(count(&world, Operation::CompleteEtkRegistration), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn an_etk_registration_that_never_reached_ehealth_is_done_again_from_the_kept_copy() {
    let (world, holder) = world(Applet::V17, Knobs::default()).await;
    let password = Password::new("Huisarts-2026");
    let (mut resumed, chain) = issued(&world, &holder, &password).await;
    let etk_key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    inject_fault(&world, "http-500", "CompleteETKRegistration").await;
    let kept = RefCell::new(None);
    let result = complete(&world, &mut resumed.keystore, chain, &etk_key, |keystore| {
        *kept.borrow_mut() =
            Some(keystore.write(&password, Profile::Java, &mut rand::thread_rng()).unwrap());
        Ok(())
    })
    .await;
    assert!(result.is_err());

    let mut keystore = Keystore::read(kept.borrow().as_ref().unwrap(), &password).unwrap();
    assert_eq!(confirm_etk(&world, &mut keystore).await.unwrap(), None);
    assert_eq!(keystore.entries.len(), 1, "the unregistered ETK key is dropped");
    let etk_key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let registration = register_etk(&world, &mut keystore, &etk_key, |_| Ok(())).await.unwrap();
    assert!(!registration.to_be_activated);
    assert_eq!(keystore.entries.len(), 2);
    assert_eq!(state(&world).await["certificates"][0]["etk_status"], "VALID_ACTIVE");
}
