//! The mock CertRA over HTTP, driven by a test client that builds and signs requests the way the
//! app does (ehcert-certra, ehcert-pki) with the keys of a simulated eID. Every answer is
//! validated with `xmllint` against eHealth's schemas and read back with the app's parsers;
//! certificates and ETKs are checked with `openssl`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::{path::Path, process::Command, sync::Arc};

use ehcert_certra::{
    request::{
        self, Actor, CertificateIdentifier, ContactData, EtkIdentifier, Identifier, RequestMeta,
        RevocationReason,
    },
    response::{self, EtkLookup},
    signature::{SignatureAlgorithm, SignatureDraft},
    CertraError,
};
use ehcert_eid_sim::{
    card::CardKey,
    profile::{personalise, Holder},
};
use ehcert_mock_ehealth::{self as mock_certra, Knobs, MockCertra};
use ehcert_pki::{cert, csr::CsrDraft, dn, etk, identifier::PublicKeyIdentifier, key::RsaKeyPair};
use rsa::{
    pkcs1v15::SigningKey, signature::SignatureEncoding as _, signature::Signer as _, RsaPrivateKey,
};
use serde_json::{json, Value};
use sha2::Sha256;

// ---------------------------------------------------------------------------------------------
// Harness

struct Server {
    base: String,
    client: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
}

async fn start(state: Option<&Path>, origins: &[String]) -> Server {
    let mock = Arc::new(MockCertra::open(state, Knobs::default()).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = mock_certra::router(mock, origins);
    let task = tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    Server { base, client: reqwest::Client::new(), task }
}

impl Server {
    /// Posts an envelope; returns the HTTP status and body. Successful answers must be valid
    /// against eHealth's schemas.
    async fn post(&self, path: &str, envelope: String) -> (u16, Vec<u8>) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", "\"\"")
            .body(envelope)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.bytes().await.unwrap().to_vec();
        if status == 200 {
            assert_schema_valid(&body);
        }
        (status, body)
    }

    async fn certra(&self, envelope: String) -> Vec<u8> {
        let (status, body) = self.post("/CertRa/v2", envelope).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        body
    }

    async fn etkra(&self, envelope: String) -> Vec<u8> {
        let (status, body) = self.post("/EtkRa/v2", envelope).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        body
    }

    async fn knobs(&self, knobs: Value) {
        let response = self
            .client
            .put(format!("{}/admin/knobs", self.base))
            .json(&knobs)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 204);
    }

    async fn admin(&self, path: &str, body: Option<Value>) -> u16 {
        let mut request = self.client.post(format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().status().as_u16()
    }

    async fn state(&self) -> Value {
        self.client
            .get(format!("{}/admin/state", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

fn assert_schema_valid(envelope: &[u8]) {
    let text = String::from_utf8(envelope.to_vec()).unwrap();
    let start = text.find("<soapenv:Body>").unwrap() + "<soapenv:Body>".len();
    let end = text.rfind("</soapenv:Body>").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answer.xml");
    std::fs::write(&file, &text[start..end]).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../app/certra/xsd/all.xsd");
    let output = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint (libxml2-utils) is needed");
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        &text[start..end]
    );
}

fn meta() -> RequestMeta {
    let mut random = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut random);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    RequestMeta::new(random, now)
}

/// A signer: key and certificate chain (leaf first).
#[derive(Clone)]
struct Credential {
    key: RsaPrivateKey,
    chain: Vec<Vec<u8>>,
}

impl Credential {
    fn sign(&self, request: request::Request) -> String {
        let draft = SignatureDraft::new(
            request,
            SignatureAlgorithm::RsaSha256,
            self.chain.clone(),
            "xmldsig-test".into(),
        )
        .unwrap();
        let signature =
            SigningKey::<Sha256>::new(self.key.clone()).sign(&draft.signed_info()).to_vec();
        draft.assemble(&signature).unwrap()
    }
}

/// A simulated eID holder's two credentials.
struct Eid {
    ssin: String,
    first: String,
    last: String,
    authentication: Credential,
    signature: Credential,
}

fn eid(ssin: &str, given: &str, surname: &str, seed: u64) -> Eid {
    let holder = Holder {
        national_number: ssin.into(),
        given_names: given.into(),
        surname: surname.into(),
        ..Holder::default()
    };
    let content = personalise(&holder, seed).unwrap().content;
    let file = |id: u16| {
        let bytes = &content.files[&vec![0x3F00, 0xDF00, id]];
        let length = 4 + usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
        bytes[..length].to_vec()
    };
    let rsa = |key: &CardKey| match key {
        CardKey::Rsa(key) => key.clone(),
        CardKey::Ec(_) => unreachable!("applet 1.7 cards are RSA"),
    };
    Eid {
        ssin: ssin.into(),
        first: given.into(),
        last: surname.into(),
        authentication: Credential {
            key: rsa(&content.authentication_key),
            chain: vec![file(0x5038), file(0x503A)],
        },
        signature: Credential {
            key: rsa(content.signature_key.as_ref().unwrap()),
            chain: vec![file(0x5039), file(0x503A)],
        },
    }
}

impl Eid {
    fn actor(&self) -> Actor {
        Actor {
            ids: vec![Identifier { kind: "SSIN".into(), value: self.ssin.clone() }],
            first_names: vec![self.first.clone()],
            name: self.last.clone(),
        }
    }
}

fn contact() -> ContactData {
    ContactData {
        email_private: "jan.peeters@example.be".into(),
        email_general: None,
        phone_private: "+32 470 00 00 00".into(),
        phone_general: None,
    }
}

fn jan() -> Eid {
    eid("85073003328", "Jan", "Peeters", 21)
}

/// GenerateContract for the holder (or an organisation) and a fresh key's CSR for its DN.
async fn contract_and_csr(
    server: &Server,
    holder: &Eid,
    identifier: CertificateIdentifier,
) -> (request::Contract, RsaKeyPair, Vec<u8>) {
    let body = server
        .certra(
            request::generate_contract(&meta(), &contact(), &holder.actor(), &identifier).to_soap(),
        )
        .await;
    let contract = response::contract(&body).unwrap();
    let key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let csr = CsrDraft::new(dn::parse(&contract.dn).unwrap(), key.public_key_info().unwrap())
        .sign_with(&key)
        .unwrap();
    (contract, key, csr)
}

fn personal(holder: &Eid) -> CertificateIdentifier {
    CertificateIdentifier { actor: holder.actor(), application_id: None }
}

/// Contract, key and CSR, then GenerateCertificate signed with the holder's eID.
async fn request_certificate(
    server: &Server,
    holder: &Eid,
) -> (RsaKeyPair, response::GeneratedCertificate) {
    let (contract, key, csr) = contract_and_csr(server, holder, personal(holder)).await;
    let request = request::generate_certificate(&meta(), &contact(), &csr, &contract, &[]);
    let generated =
        response::generated_certificate(&server.certra(holder.signature.sign(request)).await)
            .unwrap();
    (key, generated)
}

/// Requests and obtains a personal certificate; returns the eHealth credential.
async fn new_certificate(
    server: &Server,
    holder: &Eid,
) -> (Credential, RsaKeyPair, response::GeneratedCertificate) {
    let (key, generated) = request_certificate(server, holder).await;
    let chain = response::certificate_chain(
        &server
            .certra(request::get_certificate(&meta(), &generated.public_key_identifier).to_soap())
            .await,
    )
    .unwrap();
    let credential = Credential { key: rsa_key(&key), chain };
    (credential, key, generated)
}

/// The rsa crate's key behind an ehcert-pki key (through PKCS#8).
fn rsa_key(key: &RsaKeyPair) -> RsaPrivateKey {
    use rsa::pkcs8::DecodePrivateKey as _;
    RsaPrivateKey::from_pkcs8_der(&key.to_pkcs8_der().unwrap()).unwrap()
}

/// Registers an ETK for an eHealth credential; returns the ETK and ToBeActivated.
async fn register_etk(server: &Server, ehealth: &Credential) -> response::EtkRegistration {
    let encryption = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let spki = der::Encode::to_der(&encryption.public_key_info().unwrap()).unwrap();
    let challenge = response::etk_challenge(
        &server.etkra(ehealth.sign(request::start_etk_registration(&meta(), &spki))).await,
    )
    .unwrap();
    let serial = etk::answer_challenge(&encryption, &challenge).unwrap();
    let authentication = cert::decode(&ehealth.chain[0]).unwrap();
    let to_register = cert::etk_encryption_certificate(
        &authentication,
        encryption.public_key_info().unwrap(),
        &serial.0,
    )
    .unwrap()
    .sign_with(&private_pair(ehealth))
    .unwrap();
    response::etk_registration(
        &server
            .etkra(ehealth.sign(request::complete_etk_registration(&meta(), &to_register)))
            .await,
    )
    .unwrap()
}

fn private_pair(credential: &Credential) -> RsaKeyPair {
    use rsa::pkcs8::EncodePrivateKey as _;
    RsaKeyPair::from_pkcs8_der(credential.key.to_pkcs8_der().unwrap().as_bytes()).unwrap()
}

fn refused_with(result: Result<impl std::fmt::Debug, CertraError>, code: &str) {
    match result {
        Err(err) if err.has_code(code) => {}
        other => panic!("expected {code}, got {other:?}"),
    }
}

fn openssl(args: &[&str]) -> (bool, String) {
    let output = Command::new("openssl").args(args).output().unwrap();
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

fn testca(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testca").join(name).to_string_lossy().into_owned()
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test(flavor = "multi_thread")]
async fn a_personal_certificate_goes_from_contract_to_a_published_etk_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.sqlite");
    let server = start(Some(&state), &[]).await;
    let jan = jan();

    let qualities = response::actor_qualities(
        &server
            .certra(jan.authentication.sign(request::get_actor_qualities(&meta(), &jan.ssin)))
            .await,
    )
    .unwrap();
    assert!(qualities.natural_person && !qualities.organizations.is_empty());
    let types = response::organization_types(
        &server.certra(request::get_generic_organization_types(&meta()).to_soap()).await,
    )
    .unwrap();
    assert!(types.iter().any(|t| t.identifier_type == "CBE" && t.validation_regex.is_some()));

    server.knobs(json!({"not_yet_delivered": 2})).await;
    let (contract, key, csr) = contract_and_csr(&server, &jan, personal(&jan)).await;
    assert_eq!(
        contract.dn,
        r"CN=SSIN=85073003328,OU=eHealth-platform Belgium,OU=JAN PEETERS,OU=SSIN=85073003328,O=Federal Government,C=BE"
    );
    assert!(
        contract.text.iter().any(|t| t.lang == "nl")
            && contract.text.iter().any(|t| t.lang == "fr")
    );
    let generated = response::generated_certificate(
        &server
            .certra(jan.signature.sign(request::generate_certificate(
                &meta(),
                &contact(),
                &csr,
                &contract,
                &["tsa".into()],
            )))
            .await,
    )
    .unwrap();
    let key_id = PublicKeyIdentifier::of(&key.public_key_info().unwrap()).0;
    assert_eq!(generated.public_key_identifier, key_id);
    assert!(generated.automatically_validated && generated.replaces.is_none());

    let get = || request::get_certificate(&meta(), &key_id).to_soap();
    for _ in 0..2 {
        let err = response::certificate_chain(&server.certra(get()).await).unwrap_err();
        assert!(err.is_not_yet_delivered(), "{err:?}");
    }
    let chain = response::certificate_chain(&server.certra(get()).await).unwrap();
    assert_eq!(chain.len(), 2, "leaf and issuing CA, no root");

    // The certificate: chains to the test root, eHealth profile, SKI = PublicKeyIdentifier.
    std::fs::write(dir.path().join("leaf.der"), &chain[0]).unwrap();
    let leaf_pem = dir.path().join("leaf.pem");
    assert!(
        openssl(&[
            "x509",
            "-inform",
            "DER",
            "-in",
            dir.path().join("leaf.der").to_str().unwrap(),
            "-out",
            leaf_pem.to_str().unwrap()
        ])
        .0
    );
    let (verified, report) = openssl(&[
        "verify",
        "-CAfile",
        &testca("root.pem"),
        "-untrusted",
        &testca("issuing.pem"),
        leaf_pem.to_str().unwrap(),
    ]);
    assert!(verified, "{report}");
    let (_, text) = openssl(&["x509", "-in", leaf_pem.to_str().unwrap(), "-noout", "-text"]);
    for expected in [
        "Digital Signature, Non Repudiation, Key Encipherment",
        "TLS Web Client Authentication, E-mail Protection",
        "CA:FALSE",
        "OCSP - URI:",
        "Public-Key: (2048 bit)",
        "sha256WithRSAEncryption",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    let ski: String = key_id.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
    assert!(text.contains(&ski), "SKI {ski} missing:\n{text}");
    let certificate = cert::decode(&chain[0]).unwrap();
    assert_eq!(certificate.tbs_certificate.subject, dn::parse(&contract.dn).unwrap());

    let ehealth = Credential { key: rsa_key(&key), chain: chain.clone() };
    let registration = register_etk(&server, &ehealth).await;
    assert_eq!(registration.to_be_activated, Some(false));
    let etk_file = dir.path().join("etk.der");
    std::fs::write(&etk_file, registration.etk.as_ref().unwrap()).unwrap();
    let content = dir.path().join("content.der");
    let (verified, report) = openssl(&[
        "cms",
        "-verify",
        "-inform",
        "DER",
        "-in",
        etk_file.to_str().unwrap(),
        "-CAfile",
        &testca("root.pem"),
        "-purpose",
        "any",
        "-binary",
        "-out",
        content.to_str().unwrap(),
    ]);
    assert!(verified, "the ETK's CMS signature does not verify: {report}");
    let encryption_certificate = cert::decode(&std::fs::read(&content).unwrap()).unwrap();
    assert_eq!(encryption_certificate.tbs_certificate.issuer, certificate.tbs_certificate.subject);

    let depot = request::get_etk(&[EtkIdentifier {
        kind: "SSIN".into(),
        value: jan.ssin.clone(),
        application_id: None,
    }])
    .to_soap();
    let (status, body) = server.post("/EtkDepot/v1", depot.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(
        response::etk_lookup(&body).unwrap(),
        EtkLookup::Etk(registration.etk.clone().unwrap())
    );

    let citizen = response::citizen_certificates(
        &server
            .certra(jan.authentication.sign(request::get_certificate_info_for_citizen(&meta())))
            .await,
    )
    .unwrap()
    .certificates;
    assert_eq!(
        (citizen.len(), citizen[0].status.as_str(), citizen[0].etk_status.as_str()),
        (1, "VALID_ACTIVE", "VALID_ACTIVE")
    );
    assert!(
        citizen[0].revocable
            && !citizen[0].replaceable
            && citizen[0].replacement_period_start.is_some()
    );

    // A restart loses nothing.
    server.task.abort();
    let server = start(Some(&state), &[]).await;
    let info = response::authentication_certificate_info(
        &server
            .certra(
                ehealth.sign(request::get_certificate_info_for_authentication_certificate(&meta())),
            )
            .await,
    )
    .unwrap();
    assert_eq!((info.status.as_str(), info.etk_status.as_str()), ("VALID_ACTIVE", "VALID_ACTIVE"));
    assert_eq!(info.details.unwrap().dn, contract.dn);
    let (_, body) = server.post("/EtkDepot/v1", depot).await;
    assert_eq!(response::etk_lookup(&body).unwrap(), EtkLookup::Etk(registration.etk.unwrap()));
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_are_refused_the_way_certra_refuses_them() {
    let server = start(None, &[]).await;
    let jan = jan();
    let (contract, key, csr) = contract_and_csr(&server, &jan, personal(&jan)).await;
    let generate = |contract: &request::Contract, csr: &[u8]| {
        request::generate_certificate(&meta(), &contact(), csr, contract, &[])
    };

    // Unsigned, tampered, or signed with the wrong key or by someone else.
    refused_with(
        response::generated_certificate(&server.certra(generate(&contract, &csr).to_soap()).await),
        "SIGNATURE_MISSING",
    );
    let tampered = jan
        .signature
        .sign(generate(&contract, &csr))
        .replace("jan.peeters@example.be", "eve@example.be");
    refused_with(
        response::generated_certificate(&server.certra(tampered).await),
        "SIGNATURE_INVALID",
    );
    refused_with(
        response::generated_certificate(
            &server.certra(jan.authentication.sign(generate(&contract, &csr))).await,
        ),
        "WRONG_SIGNING_CERTIFICATE",
    );
    let piet = eid("90120112375", "Piet", "Janssens", 22);
    refused_with(
        response::generated_certificate(
            &server.certra(piet.signature.sign(generate(&contract, &csr))).await,
        ),
        "SIGNER_MISMATCH",
    );
    refused_with(
        response::actor_qualities(
            &server
                .certra(piet.authentication.sign(request::get_actor_qualities(&meta(), &jan.ssin)))
                .await,
        ),
        "SIGNER_MISMATCH",
    );

    // A contract that was changed, a CSR for another DN, a short key.
    let mut changed = contract.clone();
    changed.text[0].text.push_str("<p>extra</p>");
    refused_with(
        response::generated_certificate(
            &server.certra(jan.signature.sign(generate(&changed, &csr))).await,
        ),
        "CONTRACT_MODIFIED",
    );
    let other_dn = CsrDraft::new(
        dn::parse("CN=SSIN\\=85073003328,O=Federal Government,C=BE").unwrap(),
        key.public_key_info().unwrap(),
    )
    .sign_with(&key)
    .unwrap();
    refused_with(
        response::generated_certificate(
            &server.certra(jan.signature.sign(generate(&contract, &other_dn))).await,
        ),
        "CSR_SUBJECT_MISMATCH",
    );
    let short = RsaPrivateKey::new(&mut rand::thread_rng(), 1024).unwrap();
    let short_spki =
        x509_cert::spki::SubjectPublicKeyInfoOwned::from_key(short.to_public_key()).unwrap();
    let draft = CsrDraft::new(dn::parse(&contract.dn).unwrap(), short_spki);
    let signature = SigningKey::<Sha256>::new(short).sign(&draft.to_be_signed().unwrap()).to_vec();
    let short_csr = draft.assemble(&signature).unwrap();
    refused_with(
        response::generated_certificate(
            &server.certra(jan.signature.sign(generate(&contract, &short_csr))).await,
        ),
        "KEY_TOO_SHORT",
    );

    // Application ids are for organisations; a person asks only for themselves.
    let with_app =
        CertificateIdentifier { actor: jan.actor(), application_id: Some("MYAPP".into()) };
    refused_with(
        response::contract(
            &server
                .certra(
                    request::generate_contract(&meta(), &contact(), &jan.actor(), &with_app)
                        .to_soap(),
                )
                .await,
        ),
        "APPLICATION_ID_NOT_ALLOWED",
    );
    refused_with(
        response::contract(
            &server
                .certra(
                    request::generate_contract(&meta(), &contact(), &piet.actor(), &personal(&jan))
                        .to_soap(),
                )
                .await,
        ),
        "NOT_AUTHORIZED",
    );

    // The good request goes through once; a second one for the same DN waits its turn.
    response::generated_certificate(
        &server.certra(jan.signature.sign(generate(&contract, &csr))).await,
    )
    .unwrap();
    refused_with(
        response::generated_certificate(
            &server.certra(jan.signature.sign(generate(&contract, &csr))).await,
        ),
        "DUPLICATE_PUBLIC_KEY",
    );
    let (contract2, _, csr2) = contract_and_csr(&server, &jan, personal(&jan)).await;
    refused_with(
        response::generated_certificate(
            &server.certra(jan.signature.sign(generate(&contract2, &csr2))).await,
        ),
        "REQUEST_IN_PROGRESS",
    );
    // A key with no request: by default the one code eHealth's client knows, and with the
    // knob the mock-only one.
    refused_with(
        response::certificate_chain(
            &server.certra(request::get_certificate(&meta(), &[7; 20]).to_soap()).await,
        ),
        "CERT_NOT_YET_DELIVERED",
    );
    server.knobs(json!({"unknown_key": "unknown-public-key-identifier"})).await;
    refused_with(
        response::certificate_chain(
            &server.certra(request::get_certificate(&meta(), &[7; 20]).to_soap()).await,
        ),
        "UNKNOWN_PUBLIC_KEY_IDENTIFIER",
    );

    // Every refusal was logged with its code.
    let requests: Vec<Value> = server
        .client
        .get(format!("{}/admin/requests", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(requests.iter().any(|r| r["outcome"] == "refused: CONTRACT_MODIFIED"), "{requests:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn renewal_opens_in_the_window_the_new_etk_waits_for_activation_and_certificates_expire() {
    let server = start(None, &[]).await;
    let jan = jan();
    let (first, _, _) = new_certificate(&server, &jan).await;
    assert_eq!(register_etk(&server, &first).await.to_be_activated, Some(false));

    // Too early: one active certificate per DN.
    let (contract, _, csr) = contract_and_csr(&server, &jan, personal(&jan)).await;
    let request = || {
        jan.signature.sign(request::generate_certificate(&meta(), &contact(), &csr, &contract, &[]))
    };
    refused_with(
        response::generated_certificate(&server.certra(request()).await),
        "ACTIVE_CERTIFICATE_EXISTS",
    );

    // 60 days before the end: inside the 90-day window.
    server.knobs(json!({"clock_offset_days": 3 * 365 + 1 - 60})).await;
    let (second, _, generated) = new_certificate(&server, &jan).await;
    let first_id = PublicKeyIdentifier::of(
        &cert::decode(&first.chain[0]).unwrap().tbs_certificate.subject_public_key_info,
    )
    .0;
    assert_eq!(generated.replaces, Some(first_id));
    let info = response::authentication_certificate_info(
        &server
            .certra(
                first.sign(request::get_certificate_info_for_authentication_certificate(&meta())),
            )
            .await,
    )
    .unwrap();
    assert!(info.replaceable, "{info:?}");

    let registration = register_etk(&server, &second).await;
    assert_eq!(registration.to_be_activated, Some(true), "the old ETK is still active");
    let depot = request::get_etk(&[EtkIdentifier {
        kind: "SSIN".into(),
        value: jan.ssin.clone(),
        application_id: None,
    }])
    .to_soap();
    let (_, body) = server.post("/EtkDepot/v1", depot.clone()).await;
    assert_ne!(
        response::etk_lookup(&body).unwrap(),
        EtkLookup::Etk(registration.etk.clone().unwrap()),
        "not yet active"
    );
    response::etk_activated(&server.etkra(second.sign(request::activate_etk(&meta()))).await)
        .unwrap();
    let (_, body) = server.post("/EtkDepot/v1", depot).await;
    assert_eq!(response::etk_lookup(&body).unwrap(), EtkLookup::Etk(registration.etk.unwrap()));
    refused_with(
        response::etk_activated(&server.etkra(second.sign(request::activate_etk(&meta()))).await),
        "NOTHING_TO_ACTIVATE",
    );

    // After the first certificate's end it is EXPIRED, ETK too.
    server.knobs(json!({"clock_offset_days": 3 * 365 + 2})).await;
    let info = response::authentication_certificate_info(
        &server
            .certra(
                first.sign(request::get_certificate_info_for_authentication_certificate(&meta())),
            )
            .await,
    )
    .unwrap();
    assert_eq!((info.status.as_str(), info.etk_status.as_str()), ("EXPIRED", "EXPIRED"));
}

#[tokio::test(flavor = "multi_thread")]
async fn manual_validation_refusal_revocation_and_etk_checks() {
    let server = start(None, &[]).await;
    let jan = jan();

    // Manual validation: nothing is delivered until an operator decides.
    server.knobs(json!({"manual_validation": true})).await;
    let (key, generated) = request_certificate(&server, &jan).await;
    assert!(!generated.automatically_validated);
    let get = || request::get_certificate(&meta(), &generated.public_key_identifier).to_soap();
    for _ in 0..3 {
        assert!(response::certificate_chain(&server.certra(get()).await)
            .unwrap_err()
            .is_not_yet_delivered());
    }
    let id: String = generated.public_key_identifier.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(server.admin(&format!("/admin/certificates/{id}/refuse"), None).await, 204);
    refused_with(response::certificate_chain(&server.certra(get()).await), "CERT_REFUSED");
    assert_eq!(server.state().await["certificates"][0]["status"], "REFUSED");
    drop(key);

    // Validated by the operator: delivered, then revoked by its holder with a revocation contract.
    server.knobs(json!({"manual_validation": true})).await;
    let (key, generated) = request_certificate(&server, &jan).await;
    let id: String = generated.public_key_identifier.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(server.admin(&format!("/admin/certificates/{id}/validate"), None).await, 204);
    let chain = response::certificate_chain(
        &server
            .certra(request::get_certificate(&meta(), &generated.public_key_identifier).to_soap())
            .await,
    )
    .unwrap();
    let ehealth = Credential { key: rsa_key(&key), chain };

    // ETK proof of possession: a certificate with the wrong serial is refused.
    let encryption = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let spki = der::Encode::to_der(&encryption.public_key_info().unwrap()).unwrap();
    response::etk_challenge(
        &server.etkra(ehealth.sign(request::start_etk_registration(&meta(), &spki))).await,
    )
    .unwrap();
    let authentication = cert::decode(&ehealth.chain[0]).unwrap();
    let wrong = cert::etk_encryption_certificate(
        &authentication,
        encryption.public_key_info().unwrap(),
        &[0x11; 16],
    )
    .unwrap()
    .sign_with(&private_pair(&ehealth))
    .unwrap();
    refused_with(
        response::etk_registration(
            &server.etkra(ehealth.sign(request::complete_etk_registration(&meta(), &wrong))).await,
        ),
        "ETK_CHALLENGE_MISMATCH",
    );
    // The eID cannot stand in for the eHealth certificate.
    refused_with(
        response::etk_challenge(
            &server
                .etkra(jan.authentication.sign(request::start_etk_registration(&meta(), &spki)))
                .await,
        ),
        "WRONG_SIGNING_CERTIFICATE",
    );

    let revocation = response::revocation_contract(
        &server
            .certra(
                request::generate_revocation_contract(
                    &meta(),
                    &generated.public_key_identifier,
                    &jan.actor(),
                    RevocationReason::Superseded,
                )
                .to_soap(),
            )
            .await,
    )
    .unwrap();
    refused_with(
        response::revoked(
            &server
                .certra(jan.authentication.sign(request::revoke(
                    &meta(),
                    &generated.public_key_identifier,
                    &revocation,
                )))
                .await,
        ),
        "WRONG_SIGNING_CERTIFICATE",
    );
    response::revoked(
        &server
            .certra(jan.signature.sign(request::revoke(
                &meta(),
                &generated.public_key_identifier,
                &revocation,
            )))
            .await,
    )
    .unwrap();
    let info = response::authentication_certificate_info(
        &server
            .certra(
                ehealth.sign(request::get_certificate_info_for_authentication_certificate(&meta())),
            )
            .await,
    )
    .unwrap();
    assert_eq!(
        (info.status.as_str(), info.etk_status.as_str(), info.revocable),
        ("REVOKED", "REVOKED", false)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn organisations_application_ids_and_foreigners() {
    let server = start(None, &[]).await;
    let jan = jan();
    let organisation = Actor {
        ids: vec![Identifier { kind: "CBE".into(), value: "0403019261".into() }],
        first_names: vec![],
        name: "Voorbeeld VZW".into(),
    };
    let identifier =
        CertificateIdentifier { actor: organisation.clone(), application_id: Some("MYAPP".into()) };
    let (contract, _, csr) = contract_and_csr(&server, &jan, identifier).await;
    assert_eq!(
        contract.dn,
        r"CN=CBE=0403019261\, MYAPP,OU=eHealth-platform Belgium,OU=VOORBEELD VZW,OU=CBE=0403019261,OU=MYAPP,O=Federal Government,C=BE"
    );
    let request =
        request::generate_certificate(&meta(), &contact(), &csr, &contract, &["consultrn".into()]);
    response::generated_certificate(&server.certra(jan.signature.sign(request)).await).unwrap();
    let cbe = Identifier { kind: "CBE".into(), value: "0403019261".into() };
    let ids = response::existing_application_ids(
        &server.certra(request::get_existing_application_ids(&meta(), &cbe).to_soap()).await,
    )
    .unwrap();
    assert_eq!(ids, vec![Some("MYAPP".to_owned())]);
    let bad = Actor {
        ids: vec![Identifier { kind: "CBE".into(), value: "0403019262".into() }],
        ..organisation
    };
    refused_with(
        response::contract(
            &server
                .certra(
                    request::generate_contract(
                        &meta(),
                        &contact(),
                        &jan.actor(),
                        &CertificateIdentifier { actor: bad, application_id: None },
                    )
                    .to_soap(),
                )
                .await,
        ),
        "INVALID_IDENTIFIER",
    );

    // A foreign care provider with a BIS number: a validation URL, nothing issued before it is used.
    let anna = Actor {
        ids: vec![Identifier { kind: "SSIN".into(), value: "85273003371".into() }],
        first_names: vec!["Anna".into()],
        name: "Kowalska".into(),
    };
    let key = RsaKeyPair::generate(&mut rand::thread_rng()).unwrap();
    let dn = r"CN=SSIN\=85273003371,OU=eHealth-platform Belgium,OU=KOWALSKA ANNA,OU=SSIN\=85273003371,O=Federal Government,C=BE";
    let csr = CsrDraft::new(dn::parse(dn).unwrap(), key.public_key_info().unwrap())
        .sign_with(&key)
        .unwrap();
    let submission = response::foreigner_submission(
        &server
            .certra(request::submit_csr_for_foreigner(&meta(), &anna, &contact(), &csr).to_soap())
            .await,
    )
    .unwrap();
    assert!(submission.validation_url.starts_with("http"), "{submission:?}");
    let key_id = PublicKeyIdentifier::of(&key.public_key_info().unwrap()).0;
    assert!(response::certificate_chain(
        &server.certra(request::get_certificate(&meta(), &key_id).to_soap()).await
    )
    .unwrap_err()
    .is_not_yet_delivered());
    refused_with(
        response::foreigner_submission(
            &server
                .certra(
                    request::submit_csr_for_foreigner(&meta(), &jan.actor(), &contact(), &csr)
                        .to_soap(),
                )
                .await,
        ),
        "NOT_A_BIS_NUMBER",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn injected_faults_strike_the_named_operation_the_planned_number_of_times() {
    let server = start(None, &[]).await;
    let types = || request::get_generic_organization_types(&meta()).to_soap();
    assert_eq!(server.admin("/admin/faults", Some(json!({"kind": "http-500", "operation": "GetGenericOrganizationTypes", "times": 2}))).await, 204);
    for _ in 0..2 {
        let (status, body) = server.post("/CertRa/v2", types()).await;
        assert_eq!(status, 500);
        assert!(
            matches!(response::organization_types(&body), Err(CertraError::Fault { .. })),
            "{}",
            String::from_utf8_lossy(&body)
        );
    }
    response::organization_types(&server.certra(types()).await).unwrap();

    // Malformed XML: the app's parser says so.
    server.admin("/admin/faults", Some(json!({"kind": "malformed"}))).await;
    let response = server
        .client
        .post(format!("{}/CertRa/v2", server.base))
        .body(types())
        .send()
        .await
        .unwrap();
    let body = response.bytes().await.unwrap();
    assert!(response::organization_types(&body).is_err());

    // A dropped connection: no answer at all.
    server.admin("/admin/faults", Some(json!({"kind": "drop"}))).await;
    let dropped = async {
        server
            .client
            .post(format!("{}/CertRa/v2", server.base))
            .body(types())
            .send()
            .await?
            .bytes()
            .await
    };
    assert!(dropped.await.is_err());

    // A slow answer still comes, after the delay.
    server.admin("/admin/faults", Some(json!({"kind": "slow", "delay_ms": 300}))).await;
    let started = std::time::Instant::now();
    response::organization_types(&server.certra(types()).await).unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));

    // A request for another service's path is a SOAP fault.
    let (status, _) = server.post("/EtkRa/v2", types()).await;
    assert_eq!(status, 500);
    assert_eq!(server.admin("/admin/faults", Some(json!({"kind": "slow", "times": 0}))).await, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_lets_the_configured_origin_call_and_no_other() {
    let server = start(None, &["http://127.0.0.1:8080".into()]).await;
    let preflight = |origin: &'static str| {
        server
            .client
            .request(reqwest::Method::OPTIONS, format!("{}/CertRa/v2", server.base))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type,soapaction")
            .send()
    };
    let allowed = preflight("http://127.0.0.1:8080").await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "http://127.0.0.1:8080");
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}
