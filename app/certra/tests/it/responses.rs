//! Parsing the services' answers. Every success fixture is first checked against eHealth's XSDs,
//! so the parser is tested on messages the real service could send.

use ehcert_certra::{
    response::{self, EtkLookup, MAX_RESPONSE_BYTES},
    CertraError,
};

use crate::fixtures::{contract, validate};

const ENVELOPE_START: &str = r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#;
const ENVELOPE_END: &str = "</soap:Body></soap:Envelope>";
const SUCCESS: &str = r#"<core:Status><core:StatusCode Value="urn:be:fgov:ehealth:2.0:status:Success"/></core:Status>"#;

fn soap(body: &str) -> Vec<u8> {
    format!("{ENVELOPE_START}{body}{ENVELOPE_END}").into_bytes()
}

fn schema_valid(body: &str) -> &str {
    let (valid, report) = validate(body);
    assert!(valid, "fixture is not schema-valid:\n{report}\n{body}");
    body
}

const NS: &str = r#"xmlns:cp="urn:be:fgov:ehealth:certra:protocol:v2" xmlns:cc="urn:be:fgov:ehealth:certra:core:v2" xmlns:core="urn:be:fgov:ehealth:commons:core:v2" Id="_r1" InResponseTo="_q1" IssueInstant="2026-11-22T16:30:13Z""#;

#[test]
fn reads_the_contract_to_echo() {
    let body = format!(
        r#"<cp:GenerateContractResponse {NS}>{SUCCESS}<cp:Contract><cc:DN>CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN\=85073003328,O=Federal Government,C=BE</cc:DN><cc:Signer><core:Id Type="SSIN">85073003328</core:Id><core:FirstName>Jan</core:FirstName><core:FirstName>Pieter</core:FirstName><core:Name>Peeters</core:Name></cc:Signer><cc:Text><cc:Value xml:lang="fr">&lt;html&gt;&lt;body&gt;&lt;p&gt;Contrat &amp;amp; conditions&lt;/p&gt;&lt;/body&gt;&lt;/html&gt;</cc:Value><cc:Value xml:lang="nl"><![CDATA[<html><body><p>Contract</p></body></html>]]></cc:Value></cc:Text></cp:Contract></cp:GenerateContractResponse>"#
    );
    let parsed = response::contract(&soap(schema_valid(&body))).unwrap();
    assert_eq!(parsed, contract());
}

#[test]
fn not_yet_delivered_is_its_own_error_with_the_ehealth_code() {
    let body = format!(
        r#"<cp:GetCertificateResponse {NS}><core:Status><core:StatusCode Value="urn:be:fgov:ehealth:2.0:status:Responder"/><core:StatusMessage>Certificate not yet delivered</core:StatusMessage><core:StatusDetail><etee:EteeStatusDetail xmlns:etee="urn:be:fgov:ehealth:etee:commons:core:v2"><Errors><Code>CERT_NOT_YET_DELIVERED</Code><Message>The certificate is not yet delivered</Message><Parameters><Name>PublicKeyIdentifier</Name><Value>ABAB</Value></Parameters></Errors></etee:EteeStatusDetail></core:StatusDetail></core:Status></cp:GetCertificateResponse>"#
    );
    let err = response::certificate_chain(&soap(schema_valid(&body))).unwrap_err();
    assert!(err.is_not_yet_delivered(), "{err:?}");
    match err {
        CertraError::Refused { status, errors } => {
            assert_eq!(status, "urn:be:fgov:ehealth:2.0:status:Responder");
            assert_eq!(
                errors[0].parameters,
                vec![("PublicKeyIdentifier".to_owned(), "ABAB".to_owned())]
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn reads_a_chain_with_line_broken_base64() {
    let body = format!(
        "<cp:GetCertificateResponse {NS}>{SUCCESS}<cp:X509Certificate>MIIB\nAAEC</cp:X509Certificate><cp:X509Certificate>BAUG</cp:X509Certificate></cp:GetCertificateResponse>"
    );
    let chain = response::certificate_chain(&soap(schema_valid(&body))).unwrap();
    assert_eq!(chain, vec![vec![0x30, 0x82, 0x01, 0x00, 0x01, 0x02], vec![0x04, 0x05, 0x06]]);
    let bad = body.replace("BAUG", "B@UG");
    assert!(matches!(response::certificate_chain(&soap(&bad)), Err(CertraError::Malformed(_))));
}

#[test]
fn reads_generate_certificate_etk_and_application_id_answers() {
    let body = format!(
        "<cp:GenerateCertificateResponse {NS}>{SUCCESS}<cp:PublicKeyIdentifier>{}</cp:PublicKeyIdentifier><cp:AutomaticallyValidated>false</cp:AutomaticallyValidated><cp:ReplacesCertificate>{}</cp:ReplacesCertificate></cp:GenerateCertificateResponse>",
        "0A".repeat(20),
        "0b".repeat(20)
    );
    let generated = response::generated_certificate(&soap(schema_valid(&body))).unwrap();
    assert_eq!(
        (generated.public_key_identifier, generated.automatically_validated, generated.replaces),
        ([0x0a; 20], false, Some([0x0b; 20]))
    );

    let etk = format!(
        r#"<ep:CompleteETKRegistrationResponse xmlns:ep="urn:be:fgov:ehealth:etkra:protocol:v2" xmlns:core="urn:be:fgov:ehealth:commons:core:v2" Id="_r" IssueInstant="2026-11-22T16:30:13Z">{SUCCESS}<ep:ETK>MIIB</ep:ETK><ep:ToBeActivated>true</ep:ToBeActivated></ep:CompleteETKRegistrationResponse>"#
    );
    let registration = response::etk_registration(&soap(schema_valid(&etk))).unwrap();
    assert_eq!(registration.to_be_activated, Some(true));
    assert_eq!(registration.etk.as_deref(), Some(&[0x30, 0x82, 0x01][..]));

    // The status alone is success, as eHealth's client reads it
    // (`EncryptionTokenRegistrationServiceImpl`): ETK and ToBeActivated are optional.
    let status_only = format!(
        r#"<ep:CompleteETKRegistrationResponse xmlns:ep="urn:be:fgov:ehealth:etkra:protocol:v2" xmlns:core="urn:be:fgov:ehealth:commons:core:v2" Id="_r" IssueInstant="2026-11-22T16:30:13Z">{SUCCESS}</ep:CompleteETKRegistrationResponse>"#
    );
    let registration = response::etk_registration(&soap(schema_valid(&status_only))).unwrap();
    assert_eq!((registration.etk, registration.to_be_activated), (None, None));

    let ids = r#"<cp:GetExistingApplicationIdsResponse xmlns:cp="urn:be:fgov:ehealth:certra:protocol:v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Id="_r" IssueInstant="2026-11-22T16:30:13Z"><cp:ApplicationId xsi:nil="true"/><cp:ApplicationId>MYAPP</cp:ApplicationId></cp:GetExistingApplicationIdsResponse>"#;
    assert_eq!(
        response::existing_application_ids(&soap(schema_valid(ids))).unwrap(),
        vec![None, Some("MYAPP".to_owned())]
    );

    let depot = r#"<ed:GetEtkResponse xmlns:ed="urn:be:fgov:ehealth:etkdepot:1_0:protocol" xmlns:c1="urn:be:fgov:ehealth:commons:1_0:core"><c1:Status><Code>200</Code><Message Lang="EN">OK</Message></c1:Status><ed:GivenSearchCriteria><ed:Identifier><ed:Type>CBE</ed:Type><ed:Value>0403019261</ed:Value></ed:Identifier></ed:GivenSearchCriteria><ed:MatchingEtk><ed:Identifier><ed:Type>CBE</ed:Type><ed:Value>0403019261</ed:Value><ed:ApplicationID>APP1</ed:ApplicationID></ed:Identifier></ed:MatchingEtk></ed:GetEtkResponse>"#;
    match response::etk_lookup(&soap(schema_valid(depot))).unwrap() {
        EtkLookup::Matching(sets) => assert_eq!(sets[0][0].application_id.as_deref(), Some("APP1")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn reads_a_citizen_certificate_list() {
    let info = format!(
        "<cp:CertificateInfo><cc:RequestedDate>2026-11-01T10:00:00Z</cc:RequestedDate><cc:PublicKeyIdentifier>{}</cc:PublicKeyIdentifier><cc:CertificateEntity EntityType=\"NaturalPerson\"><cc:CertificateIdentifier><cc:Actor><core:Id Type=\"SSIN\">85073003328</core:Id><core:Name>Peeters</core:Name></cc:Actor></cc:CertificateIdentifier></cc:CertificateEntity><cc:AuthenticationCertificateStatus>VALID_ACTIVE</cc:AuthenticationCertificateStatus><cc:ETKStatus>VALID_ACTIVE</cc:ETKStatus><cc:AutomaticallyValidated>true</cc:AutomaticallyValidated><cc:AuthenticationCertificateDetails><cc:SerialNumber>1f2e</cc:SerialNumber><cc:DN>CN=x</cc:DN><cc:IssuerDN>CN=ca</cc:IssuerDN><cc:ValidNotBefore>2026-11-01T10:00:00Z</cc:ValidNotBefore><cc:ValidNotAfter>2029-11-01T10:00:00Z</cc:ValidNotAfter></cc:AuthenticationCertificateDetails><cc:Revocable>true</cc:Revocable><cc:Replaceable>false</cc:Replaceable><cc:ReplacementPeriodStartDate>2029-08-03T10:00:00Z</cc:ReplacementPeriodStartDate><cc:ContactData><cc:EmailPrivate>a@b.be</cc:EmailPrivate><cc:PhonePrivate>0470</cc:PhonePrivate></cc:ContactData></cp:CertificateInfo>",
        "CD".repeat(20)
    );
    let body = format!("<cp:GetCertificateInfoForCitizenResponse {NS}>{SUCCESS}{info}{info}</cp:GetCertificateInfoForCitizenResponse>");
    let list = response::citizen_certificates(&soap(schema_valid(&body))).unwrap();
    assert!(list.unreadable.is_empty());
    let list = list.certificates;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].status, "VALID_ACTIVE");
    assert_eq!(list[0].details.as_ref().unwrap().valid_not_after, "2029-11-01T10:00:00Z");
    assert_eq!(list[0].replacement_period_start.as_deref(), Some("2029-08-03T10:00:00Z"));
}

/// One entry eHealth writes otherwise (an identifier of another length, a status missing) is
/// kept aside with what could be read of it; the others are used; an old entry without the
/// private phone is read with the phone empty.
#[test]
fn a_citizen_list_is_read_entry_by_entry() {
    let entry = |id: &str, status: &str, contact: &str| {
        format!(
            "<cp:CertificateInfo><cc:RequestedDate>2026-11-01T10:00:00Z</cc:RequestedDate><cc:PublicKeyIdentifier>{id}</cc:PublicKeyIdentifier><cc:CertificateEntity EntityType=\"NaturalPerson\"><cc:CertificateIdentifier><cc:Actor><core:Id Type=\"SSIN\">85073003328</core:Id><core:Name>Peeters</core:Name></cc:Actor></cc:CertificateIdentifier></cc:CertificateEntity>{status}<cc:ETKStatus>VALID_ACTIVE</cc:ETKStatus><cc:AutomaticallyValidated>true</cc:AutomaticallyValidated><cc:Revocable>true</cc:Revocable><cc:Replaceable>false</cc:Replaceable><cc:ContactData>{contact}</cc:ContactData></cp:CertificateInfo>"
        )
    };
    let status = |value: &str| {
        format!("<cc:AuthenticationCertificateStatus>{value}</cc:AuthenticationCertificateStatus>")
    };
    let both = "<cc:EmailPrivate>a@b.be</cc:EmailPrivate><cc:PhonePrivate>0470</cc:PhonePrivate>";
    let good = "AB".repeat(20);
    let old = "CD".repeat(20);
    let missing_status = "EF".repeat(20);
    let entries = [
        entry(&good, &status("VALID_ACTIVE"), both),
        entry(&"12".repeat(16), &status("REVOKED"), both),
        entry(&old, &status("EXPIRED"), "<cc:EmailPrivate>a@b.be</cc:EmailPrivate>"),
        entry(&missing_status, "", both),
    ]
    .concat();
    let body = format!(
        "<cp:GetCertificateInfoForCitizenResponse {NS}>{SUCCESS}{entries}</cp:GetCertificateInfoForCitizenResponse>"
    );
    let list = response::citizen_certificates(&soap(&body)).unwrap();
    let key = |hex: &str| -> [u8; 20] {
        let bytes: Vec<u8> = (0..40)
            .step_by(2)
            .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).unwrap())
            .collect();
        bytes.try_into().unwrap()
    };
    let read: Vec<_> = list.certificates.iter().map(|info| info.public_key_identifier).collect();
    assert_eq!(read, [key(&good), key(&old)]);
    assert_eq!(list.certificates[1].contact_data.phone_private, "");
    assert_eq!(list.certificates[1].status, "EXPIRED");
    let aside: Vec<_> = list
        .unreadable
        .iter()
        .map(|entry| (entry.position, entry.public_key_identifier, entry.status.as_deref()))
        .collect();
    assert_eq!(aside, [(1, None, Some("REVOKED")), (3, Some(key(&missing_status)), None)]);
    assert!(list.unreadable.iter().all(|entry| matches!(entry.error, CertraError::Malformed(_))));
    assert!(list.lists_key(&key(&missing_status)));
    assert!(!list.lists_key(&key(&"01".repeat(20))));
    // The entry whose identifier could not be read may be any key.
    assert!(list.may_list_key(&key(&"01".repeat(20))));
    assert_eq!(list.status_of(&key(&old)), Some("EXPIRED"));
}

#[test]
fn faults_html_pages_and_broken_bodies_are_told_apart() {
    let fault = soap("<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Internal error</faultstring></soap:Fault>");
    assert_eq!(
        response::certificate_chain(&fault).unwrap_err(),
        CertraError::Fault { code: "soap:Server".into(), message: "Internal error".into() }
    );
    let html = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>";
    assert!(matches!(response::certificate_chain(html), Err(CertraError::NotSoap(_))));
    assert!(matches!(response::certificate_chain(b""), Err(CertraError::NotSoap(_))));
    assert!(matches!(response::certificate_chain(b"Bad Gateway"), Err(CertraError::NotSoap(_))));
    assert!(matches!(
        response::certificate_chain(&[0xff, 0xfe, 0x00]),
        Err(CertraError::NotSoap(_))
    ));
    let full = soap(&format!("<cp:GetCertificateResponse {NS}>{SUCCESS}<cp:X509Certificate>AAEC</cp:X509Certificate></cp:GetCertificateResponse>"));
    assert!(response::certificate_chain(&full).is_ok());
    let truncated = &full[..full.len() - 40];
    assert!(matches!(response::certificate_chain(truncated), Err(CertraError::Malformed(_))));
    let oversized = vec![b' '; MAX_RESPONSE_BYTES + 1];
    assert!(matches!(response::certificate_chain(&oversized), Err(CertraError::TooLarge(_))));
    // The right element in the wrong namespace (CertRA v1) is not our answer.
    let v1 = String::from_utf8(full.clone())
        .unwrap()
        .replace("certra:protocol:v2", "certra:protocol:v1");
    assert!(matches!(response::certificate_chain(v1.as_bytes()), Err(CertraError::Malformed(_))));
    // The answer to another operation.
    let other =
        String::from_utf8(full).unwrap().replace("GetCertificateResponse", "RevokeResponse");
    assert!(matches!(
        response::certificate_chain(other.as_bytes()),
        Err(CertraError::Malformed(_))
    ));
    // SOAP 1.2 envelope.
    let soap12 =
        b"<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\"><e:Body/></e:Envelope>";
    assert!(matches!(response::certificate_chain(soap12), Err(CertraError::NotSoap(_))));
}

#[test]
fn entity_expansion_bombs_are_refused() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>&g;</soap:Body></soap:Envelope>"#;
    assert!(response::certificate_chain(bomb.as_bytes()).is_err());
}
