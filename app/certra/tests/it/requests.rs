use ehcert_certra::endpoint::{Operation, Signer};

use crate::fixtures::{every_request, validate};

#[test]
fn every_unsigned_request_is_valid_against_the_ehealth_schemas() {
    let requests = every_request();
    let covered: std::collections::HashSet<_> =
        requests.iter().map(|request| request.operation).collect();
    assert_eq!(covered.len(), Operation::ALL.len(), "one request per operation");
    for request in requests.iter().filter(|request| request.operation.signer() == Signer::Nobody) {
        let (valid, report) = validate(&request.body_xml());
        assert!(
            valid,
            "{:?} does not validate:\n{report}\n{}",
            request.operation,
            request.body_xml()
        );
    }
}

#[test]
fn a_request_missing_a_required_element_is_refused_by_the_schema() {
    // The oracle really checks structure: GetCertificate without its PublicKeyIdentifier, or
    // with it under another name, or with a 19-byte identifier.
    let request =
        every_request().into_iter().find(|r| r.operation == Operation::GetCertificate).unwrap();
    let xml = request.body_xml();
    let element = format!("<cp:PublicKeyIdentifier>{}</cp:PublicKeyIdentifier>", "AB".repeat(20));
    assert!(xml.contains(&element), "{xml}");
    assert!(!validate(&xml.replace(&element, "")).0);
    assert!(!validate(&xml.replace("cp:PublicKeyIdentifier", "cp:Identifier")).0);
    assert!(!validate(&xml.replace(&"AB".repeat(20), &"AB".repeat(19))).0);
}

#[test]
fn the_contract_is_echoed_unchanged_with_its_html_escaped() {
    let request = every_request()
        .into_iter()
        .find(|r| r.operation == Operation::GenerateCertificate)
        .unwrap();
    let xml = request.body_xml();
    assert!(xml.contains(
        r"<cc:DN>CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,"
    ));
    assert!(xml.contains(r#"<cc:Value xml:lang="fr">&lt;html&gt;&lt;body&gt;&lt;p&gt;Contrat &amp;amp; conditions"#), "{xml}");
    let parsed = roxmltree::Document::parse(&xml).unwrap();
    let value = parsed.descendants().find(|node| node.tag_name().name() == "Value").unwrap();
    assert_eq!(value.text(), Some("<html><body><p>Contrat &amp; conditions</p></body></html>"));
}

/// The card bridge's strict reader accepts exactly what the builders make of the four requests an
/// eID signs (and those are valid against eHealth's schemas once signed: `signatures.rs`); it
/// reads nothing else.
#[test]
fn the_strict_reader_reads_back_each_request_an_eid_signs_and_no_other() {
    use ehcert_certra::eid_request;
    let eid_signed = [
        Operation::GetActorQualities,
        Operation::GetCertificateInfoForCitizen,
        Operation::GenerateCertificate,
        Operation::Revoke,
    ];
    let mut read = 0;
    for request in every_request() {
        let result = eid_request::read(&request.body_xml());
        if eid_signed.contains(&request.operation) {
            assert_eq!(result.unwrap().content.operation(), request.operation);
            read += 1;
        } else {
            assert!(result.is_err(), "{:?} was read as an eID request", request.operation);
        }
    }
    assert_eq!(read, eid_signed.len());
}
