use ehcert_certra::{
    endpoint::{Operation, Signer},
    signature::{SignatureAlgorithm, SignatureDraft},
};
use ehcert_pki::key::RsaKeyPair;
use p384::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
use pkcs8_for_tests::DecodePrivateKey;

use crate::fixtures::{body_of, every_request, run, validate};

mod pkcs8_for_tests {
    pub(crate) use p384::pkcs8::DecodePrivateKey;
}

/// A signer's key and self-signed certificate, made by OpenSSL.
struct TestSigner {
    dir: tempfile::TempDir,
    key_der: Vec<u8>,
    cert_der: Vec<u8>,
}

impl TestSigner {
    fn new(algorithm: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        let mut args = vec![
            "req",
            "-x509",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/C=BE/CN=Jan Peeters (Signature)/serialNumber=85073003328",
            "-keyout",
        ];
        let key = path("key.pem");
        let cert = path("cert.pem");
        args.push(&key);
        args.extend_from_slice(&["-out", &cert]);
        args.extend_from_slice(algorithm);
        let (ok, report) = run("openssl", &args);
        assert!(ok, "{report}");
        let key_der = path("key.der");
        let cert_der = path("cert.der");
        assert!(
            run(
                "openssl",
                &["pkcs8", "-topk8", "-nocrypt", "-in", &key, "-outform", "DER", "-out", &key_der]
            )
            .0
        );
        assert!(run("openssl", &["x509", "-in", &cert, "-outform", "DER", "-out", &cert_der]).0);
        Self {
            key_der: std::fs::read(&key_der).unwrap(),
            cert_der: std::fs::read(&cert_der).unwrap(),
            dir,
        }
    }

    fn verify(&self, envelope: &str, operation: Operation) -> (bool, String) {
        let file = self.dir.path().join("signed.xml");
        std::fs::write(&file, envelope).unwrap();
        let id_attr = format!("{}:{}", operation.namespace().uri, operation.request_element());
        let cert = self.dir.path().join("cert.pem");
        run(
            "xmlsec1",
            &[
                "--verify",
                "--id-attr:Id",
                &id_attr,
                "--pubkey-cert-pem",
                cert.to_str().unwrap(),
                file.to_str().unwrap(),
            ],
        )
    }
}

fn signed_operations() -> Vec<ehcert_certra::request::Request> {
    every_request()
        .into_iter()
        .filter(|request| request.operation.signer() != Signer::Nobody)
        .collect()
}

/// Checks one signed request with both oracles, and that a changed byte breaks it.
fn check(signer: &TestSigner, operation: Operation, envelope: String) {
    let (valid, report) = validate(body_of(&envelope));
    assert!(valid, "{operation:?} signed does not validate:\n{report}");
    let (verified, report) = signer.verify(&envelope, operation);
    assert!(
        verified && report.contains("OK"),
        "{operation:?} does not verify:\n{report}\n{envelope}"
    );
    // One signed byte changed: the IssueInstant's year.
    let tampered = envelope.replacen("IssueInstant=\"2026", "IssueInstant=\"2027", 1);
    assert_ne!(tampered, envelope);
    let (verified, report) = signer.verify(&tampered, operation);
    assert!(!verified, "{operation:?} still verifies after a change:\n{report}");
}

#[test]
fn rsa_signed_requests_validate_and_verify_with_xmlsec1() {
    let signer = TestSigner::new(&["-newkey", "rsa:2048"]);
    let key = RsaKeyPair::from_pkcs8_der(&signer.key_der).unwrap();
    for request in signed_operations() {
        let operation = request.operation;
        let draft = SignatureDraft::new(
            request,
            SignatureAlgorithm::RsaSha256,
            vec![signer.cert_der.clone()],
            "xmldsig-1".into(),
        )
        .unwrap();
        let signature = key.sign_sha256(&draft.signed_info()).unwrap();
        check(&signer, operation, draft.assemble(&signature).unwrap());
    }
}

#[test]
fn ecdsa_p384_signed_requests_verify_with_the_raw_r_s_value() {
    let signer = TestSigner::new(&["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]);
    let key = SigningKey::from_pkcs8_der(&signer.key_der).unwrap();
    for algorithm in [SignatureAlgorithm::EcdsaSha256, SignatureAlgorithm::EcdsaSha384] {
        for request in signed_operations() {
            let operation = request.operation;
            let draft = SignatureDraft::new(
                request,
                algorithm,
                vec![signer.cert_der.clone()],
                "xmldsig-2".into(),
            )
            .unwrap();
            // As the applet 1.8 card does: sign the digest, return r‖s (96 bytes).
            let signature: Signature = key.sign_prehash(&draft.digest()).unwrap();
            check(&signer, operation, draft.assemble(&signature.to_bytes()).unwrap());
        }
    }
}

#[test]
fn a_signature_value_of_the_wrong_size_is_refused() {
    let request = signed_operations().remove(0);
    let draft = SignatureDraft::new(
        request.clone(),
        SignatureAlgorithm::EcdsaSha384,
        vec![],
        "xmldsig-3".into(),
    )
    .unwrap();
    // A DER-encoded ECDSA signature is not what XMLDSig wants.
    assert!(draft.assemble(&[0x30; 102]).is_err());
    let draft =
        SignatureDraft::new(request, SignatureAlgorithm::RsaSha256, vec![], "xmldsig-4".into())
            .unwrap();
    assert!(draft.assemble(&[1; 255]).is_err());
}
