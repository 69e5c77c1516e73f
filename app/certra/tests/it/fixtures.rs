//! Shared test data and the oracles.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use ehcert_certra::request::{
    self, Actor, CertificateIdentifier, ContactData, Contract, EtkIdentifier, Identifier,
    LocalizedText, Request, RequestMeta, RevocationContract, RevocationReason,
};

/// eHealth's published schemas, kept in this crate (`xsd/`, see its README).
pub(crate) fn schema() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("xsd/all.xsd");
    assert!(path.exists(), "eHealth's XSDs are expected at {}", path.display());
    path
}

pub(crate) fn run(program: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("{program} could not be started ({err}); run ./tasks setup"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Validates one XML document (a body element) with xmllint against all.xsd.
pub(crate) fn validate(xml: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("message.xml");
    std::fs::write(&file, xml).unwrap();
    run("xmllint", &["--noout", "--schema", schema().to_str().unwrap(), file.to_str().unwrap()])
}

/// The body's child element of a SOAP envelope we wrote.
pub(crate) fn body_of(envelope: &str) -> &str {
    let start = envelope.find("<soapenv:Body>").unwrap() + "<soapenv:Body>".len();
    let end = envelope.rfind("</soapenv:Body>").unwrap();
    &envelope[start..end]
}

pub(crate) fn meta() -> RequestMeta {
    RequestMeta::new([0x3c; 16], 1_795_367_412)
}

pub(crate) fn person() -> Actor {
    Actor {
        ids: vec![Identifier { kind: "SSIN".into(), value: "85073003328".into() }],
        first_names: vec!["Jan".into(), "Pieter".into()],
        name: "Peeters".into(),
    }
}

pub(crate) fn contact() -> ContactData {
    ContactData {
        email_private: "jan.peeters@example.be".into(),
        email_general: None,
        phone_private: "+32 470 00 00 00".into(),
        phone_general: Some("02 555 00 00".into()),
    }
}

pub(crate) fn contract() -> Contract {
    Contract {
        dn: r"CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN\=85073003328,O=Federal Government,C=BE".into(),
        signer: person(),
        text: vec![
            LocalizedText { lang: "fr".into(), text: "<html><body><p>Contrat &amp; conditions</p></body></html>".into() },
            LocalizedText { lang: "nl".into(), text: "<html><body><p>Contract</p></body></html>".into() },
        ],
    }
}

/// One request of every operation.
pub(crate) fn every_request() -> Vec<Request> {
    let meta = meta();
    let key_id = [0xab; 20];
    let hospital = Identifier { kind: "NIHII-HOSPITAL".into(), value: "71000436".into() };
    let organisation =
        Actor { ids: vec![hospital.clone()], first_names: vec![], name: "AZ VOORBEELD".into() };
    vec![
        request::get_actor_qualities(&meta, "85073003328"),
        request::get_generic_organization_types(&meta),
        request::get_existing_application_ids(&meta, &hospital),
        request::generate_contract(
            &meta,
            &contact(),
            &person(),
            &CertificateIdentifier { actor: person(), application_id: None },
        ),
        request::generate_contract(
            &meta,
            &contact(),
            &person(),
            &CertificateIdentifier { actor: organisation, application_id: Some("MYAPP".into()) },
        ),
        request::generate_certificate(
            &meta,
            &contact(),
            &[0x30, 0x82, 0x01, 0x00],
            &contract(),
            &["tsa".into()],
        ),
        request::get_certificate(&meta, &key_id),
        request::get_certificate_info_for_citizen(&meta),
        request::get_certificate_info_for_authentication_certificate(&meta),
        request::generate_revocation_contract(
            &meta,
            &key_id,
            &person(),
            RevocationReason::Superseded,
        ),
        request::revoke(
            &meta,
            &key_id,
            &RevocationContract {
                dn: contract().dn,
                signer: person(),
                reason: RevocationReason::KeyCompromise,
                text: contract().text,
            },
        ),
        request::submit_csr_for_foreigner(
            &meta,
            &Actor {
                ids: vec![Identifier { kind: "SSIN".into(), value: "85273003375".into() }],
                first_names: vec!["Anna".into()],
                name: "Kowalska".into(),
            },
            &contact(),
            &[0x30, 0x82],
        ),
        request::start_etk_registration(&meta, &[0x30, 0x82, 0x01, 0x22]),
        request::complete_etk_registration(&meta, &[0x30, 0x82, 0x03, 0x00]),
        request::activate_etk(&meta),
        request::get_etk(&[EtkIdentifier {
            kind: "SSIN".into(),
            value: "85073003328".into(),
            application_id: None,
        }]),
    ]
}
