use ehcert_pki::{csr::CsrDraft, dn, identifier::PublicKeyIdentifier};

use crate::oracle::{issue_with_openssl, keys, run, workdir, write};

const PERSON_DN: &str = r"CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN\=85073003328,O=Federal Government,C=BE";

#[test]
fn openssl_verifies_our_csr_and_reads_the_contract_dn_back() {
    let (auth, _) = keys();
    let der = CsrDraft::new(dn::parse(PERSON_DN).unwrap(), auth.public_key_info().unwrap())
        .sign_with(auth)
        .unwrap();
    let dir = workdir();
    write(dir.path(), "request.csr", &der);
    let out = run(
        "openssl",
        &[
            "req",
            "-inform",
            "DER",
            "-in",
            "request.csr",
            "-verify",
            "-noout",
            "-subject",
            "-nameopt",
            "RFC2253",
        ],
        dir.path(),
    );
    assert!(out.contains("Certificate request self-signature verify OK"), "{out}");
    // OpenSSL's RFC 2253 output does not escape '=' inside values; the DER is the same.
    let openssl_dn = PERSON_DN.replace(r"\=", "=");
    assert!(out.contains(&format!("subject={openssl_dn}")), "{out}");
    let text = run(
        "openssl",
        &["req", "-inform", "DER", "-in", "request.csr", "-noout", "-text"],
        dir.path(),
    );
    assert!(text.contains("Public-Key: (2048 bit)"), "{text}");
    assert!(text.contains("Signature Algorithm: sha256WithRSAEncryption"), "{text}");
    // String types as the JDK's X500Principal writes them in eHealth's client's CSR: every
    // value of this DN is PrintableString (OpenSSL's show_type names the type of each).
    let types = subject_types(dir.path());
    assert_eq!(types.matches("PRINTABLESTRING:").count(), 6, "{types}");
    assert!(!types.contains("UTF8STRING"), "{types}");
}

/// The subject of `request.csr` in `dir` with each value's ASN.1 string type, as OpenSSL reads it.
fn subject_types(dir: &std::path::Path) -> String {
    let args = ["req", "-inform", "DER", "-in", "request.csr", "-noout", "-subject"];
    run("openssl", &[&args[..], &["-nameopt", "RFC2253,show_type"]].concat(), dir)
}

#[test]
fn a_value_with_a_character_printablestring_lacks_is_utf8_as_in_the_jdk() {
    let (auth, _) = keys();
    let dn = "CN=CBE=0403019261\\, MY_APP,OU=eHealth-platform Belgium,OU=MY_APP,O=Federal Government,C=BE";
    let der = CsrDraft::new(dn::parse(dn).unwrap(), auth.public_key_info().unwrap())
        .sign_with(auth)
        .unwrap();
    let dir = workdir();
    write(dir.path(), "request.csr", &der);
    let types = subject_types(dir.path());
    assert_eq!(types.matches("UTF8STRING:").count(), 2, "the two values with '_': {types}");
    assert_eq!(types.matches("PRINTABLESTRING:").count(), 3, "{types}");
}

#[test]
fn a_signature_over_other_bytes_fails_openssl_verification() {
    let (auth, _) = keys();
    let draft = CsrDraft::new(dn::parse(PERSON_DN).unwrap(), auth.public_key_info().unwrap());
    let mut tbs = draft.to_be_signed().unwrap();
    *tbs.last_mut().unwrap() ^= 1;
    let der = draft.assemble(&auth.sign_sha256(&tbs).unwrap()).unwrap();
    let dir = workdir();
    write(dir.path(), "request.csr", &der);
    // OpenSSL 3.0 exits 0 here and says so only in words.
    let out = run(
        "openssl",
        &["req", "-inform", "DER", "-in", "request.csr", "-verify", "-noout"],
        dir.path(),
    );
    assert!(out.contains("self-signature verify failure") && !out.contains("verify OK"), "{out}");
}

#[test]
fn public_key_identifier_is_the_ski_openssl_computes() {
    let (auth, _) = keys();
    let der = CsrDraft::new(dn::parse(PERSON_DN).unwrap(), auth.public_key_info().unwrap())
        .sign_with(auth)
        .unwrap();
    let dir = workdir();
    let (leaf, _) = issue_with_openssl(dir.path(), &der);
    write(dir.path(), "leaf.der", &leaf);
    let text = run(
        "openssl",
        &["x509", "-inform", "DER", "-in", "leaf.der", "-noout", "-ext", "subjectKeyIdentifier"],
        dir.path(),
    );
    let ski: String = text.lines().nth(1).unwrap().trim().replace(':', "").to_lowercase();
    assert_eq!(PublicKeyIdentifier::of(&auth.public_key_info().unwrap()).to_hex(), ski);
}

#[test]
fn reads_a_csr_made_by_openssl() {
    let dir = workdir();
    run(
        "openssl",
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "k.pem",
            "-outform",
            "DER",
            "-out",
            "o.csr",
            "-subj",
            "/C=BE/O=Federal Government/OU=SSIN=85073003328/CN=SSIN=85073003328",
        ],
        dir.path(),
    );
    let request =
        ehcert_pki::csr::decode(&std::fs::read(dir.path().join("o.csr")).unwrap()).unwrap();
    assert_eq!(
        dn::to_string(&request.info.subject),
        r"CN=SSIN\=85073003328,OU=SSIN\=85073003328,O=Federal Government,C=BE"
    );
}
