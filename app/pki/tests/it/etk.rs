use ehcert_pki::{
    cert::{self},
    csr::CsrDraft,
    dn,
    etk::answer_challenge,
    PkiError,
};
use pkcs8::EncodePublicKey;
use sha2::{Digest, Sha256};

use crate::oracle::{issue_with_openssl, keys, pem, run, workdir, write};

const DN: &str = r"CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN\=85073003328,O=Federal Government,C=BE";
const SERIAL: [u8; 16] = [
    0xf1, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01,
];

/// A challenge as EtkRA builds it, with OpenSSL doing the RSA-PKCS#1 v1.5 encryption.
fn openssl_challenge(dir: &std::path::Path, serial: &[u8]) -> Vec<u8> {
    let (_, etk) = keys();
    write(
        dir,
        "etk.pub.pem",
        etk.public_key().to_public_key_pem(Default::default()).unwrap().as_bytes(),
    );
    write(dir, "serial.bin", serial);
    run(
        "openssl",
        &[
            "pkeyutl",
            "-encrypt",
            "-pubin",
            "-inkey",
            "etk.pub.pem",
            "-pkeyopt",
            "rsa_padding_mode:pkcs1",
            "-in",
            "serial.bin",
            "-out",
            "ct.bin",
        ],
        dir,
    );
    let mut challenge = std::fs::read(dir.join("ct.bin")).unwrap();
    challenge.extend_from_slice(&Sha256::digest(serial));
    challenge
}

#[test]
fn answers_an_openssl_made_challenge() {
    let dir = workdir();
    let (_, etk) = keys();
    let challenge = openssl_challenge(dir.path(), &SERIAL);
    assert_eq!(challenge.len(), 288, "RSA-2048 ciphertext + SHA-256");
    let serial = answer_challenge(etk, &challenge).unwrap();
    assert_eq!(serial.0, SERIAL);
    assert_eq!(serial.to_decimal(), "320521524894189847464210663725681540865");
}

#[test]
fn refuses_a_challenge_with_a_wrong_hash_or_for_another_key() {
    let dir = workdir();
    let (auth, etk) = keys();
    let mut challenge = openssl_challenge(dir.path(), &SERIAL);
    assert!(matches!(answer_challenge(auth, &challenge), Err(PkiError::EtkChallenge(_))));
    *challenge.last_mut().unwrap() ^= 1;
    assert!(matches!(answer_challenge(etk, &challenge), Err(PkiError::EtkChallenge(_))));
    assert!(matches!(answer_challenge(etk, &[0u8; 20]), Err(PkiError::EtkChallenge(_))));
}

#[test]
fn the_encryption_certificate_is_self_issued_under_the_auth_dn_and_signed_by_the_auth_key() {
    let dir = workdir();
    let (auth, etk) = keys();
    let csr = CsrDraft::new(dn::parse(DN).unwrap(), auth.public_key_info().unwrap())
        .sign_with(auth)
        .unwrap();
    let (leaf, _) = issue_with_openssl(dir.path(), &csr);
    let enc = cert::etk_encryption_certificate(
        &cert::decode(&leaf).unwrap(),
        etk.public_key_info().unwrap(),
        &SERIAL,
    )
    .unwrap()
    .sign_with(auth)
    .unwrap();
    write(dir.path(), "enc.der", &enc);
    let text = run(
        "openssl",
        &["x509", "-inform", "DER", "-in", "enc.der", "-noout", "-text", "-nameopt", "RFC2253"],
        dir.path(),
    );
    let openssl_dn = DN.replace(r"\=", "=");
    assert!(
        text.contains(&format!("Issuer: {openssl_dn}"))
            && text.contains(&format!("Subject: {openssl_dn}")),
        "{text}"
    );
    assert!(
        text.contains(
            "Serial Number:\n            f1:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:01"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "X509v3 Key Usage: critical\n                Key Encipherment, Data Encipherment"
        ),
        "{text}"
    );
    // "X509v3 extensions:" and one extension, KeyUsage.
    assert_eq!(text.matches("X509v3").count(), 2, "KeyUsage is the only extension: {text}");
    let dates = |file: &str| {
        run("openssl", &["x509", "-inform", "DER", "-in", file, "-noout", "-dates"], dir.path())
    };
    assert_eq!(
        dates("enc.der"),
        dates("leaf.der"),
        "validity is copied from the authentication certificate"
    );

    // The signature, checked by OpenSSL with the authentication public key over the TBS bytes
    // that OpenSSL itself cuts out of the certificate.
    run(
        "openssl",
        &[
            "asn1parse",
            "-inform",
            "DER",
            "-in",
            "enc.der",
            "-strparse",
            "4",
            "-noout",
            "-out",
            "tbs.der",
        ],
        dir.path(),
    );
    let layout = run("openssl", &["asn1parse", "-inform", "DER", "-in", "enc.der"], dir.path());
    let bit_string =
        layout.lines().rfind(|line| line.contains("d=1") && line.contains("BIT STRING")).unwrap();
    let offset: usize = bit_string.split(':').next().unwrap().trim().parse().unwrap();
    let header: usize =
        bit_string.split("hl=").nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    write(dir.path(), "sig.bin", &enc[offset + header + 1..]);
    write(
        dir.path(),
        "auth.pub.pem",
        pem("PUBLIC KEY", auth.public_key().to_public_key_der().unwrap().as_bytes()).as_bytes(),
    );
    let verified = run(
        "openssl",
        &["dgst", "-sha256", "-verify", "auth.pub.pem", "-signature", "sig.bin", "tbs.der"],
        dir.path(),
    );
    assert!(verified.contains("Verified OK"), "{verified}");
}

#[test]
fn the_public_key_info_of_a_certificate_is_its_key_s_as_openssl_prints_it() {
    let (auth, _) = keys();
    let der = cert::placeholder(auth, cert::UnixTime(1_700_000_000)).unwrap();
    let dir = workdir();
    let dir = dir.path();
    write(dir, "cert.der", &der);
    run(
        "openssl",
        &["x509", "-inform", "DER", "-in", "cert.der", "-pubkey", "-noout", "-out", "pub.pem"],
        dir,
    );
    run(
        "openssl",
        &["pkey", "-pubin", "-in", "pub.pem", "-outform", "DER", "-out", "pub.der"],
        dir,
    );
    let expected = std::fs::read(dir.join("pub.der")).unwrap();
    assert_eq!(cert::subject_public_key_info(&der).unwrap(), expected);
    assert!(matches!(
        cert::subject_public_key_info(b"not a certificate"),
        Err(PkiError::Certificate(_))
    ));
}
