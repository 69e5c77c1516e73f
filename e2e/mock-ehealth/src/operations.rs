//! The operations of CertRA v2, EtkRA v2 and the ETK Depot, with the checks the real services
//! make (app/certra/PROTOCOL.md §3–§8, §13). Each answers with content for a success or a [`Refusal`].
//!
//! Mock-only: every refusal code here except `CERT_NOT_YET_DELIVERED` (the one eHealth's own
//! client knows, `ra/utils/RaUtils.java` in the technical connector) is this mock's invention,
//! as no public catalogue of CertRA v2's codes exists; the client decides nothing from them
//! (`app/certra/FIDELITY.md`). Where eHealth's behaviour is unknown, a knob (`Knobs`) offers
//! each plausible answer.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use der::{Decode as _, Encode as _};
use rand::RngCore as _;
use roxmltree::{Document, Node};
use rsa::{
    pkcs1v15::{Pkcs1v15Encrypt, VerifyingKey},
    pkcs8::DecodePublicKey as _,
    signature::Verifier as _,
    traits::PublicKeyParts as _,
    RsaPublicKey,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use unicode_normalization::UnicodeNormalization as _;
use x509_cert::{
    ext::pkix::{KeyUsage, KeyUsages},
    request::CertReq,
    spki::SubjectPublicKeyInfoOwned,
    Certificate,
};

use super::{
    ca::{parse_dn, public_key_identifier, TestPki},
    knobs::{DnComparison, Knobs, PersonDnSource, StoredActor, UnknownKeyAnswer},
    signature::{self, name_pairs, Signer},
    soap::{
        child, children, escape, text_of, Refusal, CERTRA, CERTRA_CORE, COMMONS_CORE,
        COMMONS_CORE_V1, ETKRA, ETK_DEPOT,
    },
    store::{Record, Store},
    time::iso,
};

/// What a handler needs.
pub(crate) struct Context<'a> {
    pub(crate) store: &'a Store,
    pub(crate) pki: &'a TestPki,
    pub(crate) knobs: &'a Knobs,
    /// The mock's clock (with the configured offset), UNIX seconds.
    pub(crate) now: i64,
    pub(crate) envelope: &'a str,
}

type Outcome = Result<String, Refusal>;

const DAY: i64 = 24 * 3600;
/// The replacement window opens 90 days before the end of validity (app/certra/PROTOCOL.md §4.5).
const REPLACEMENT_WINDOW: i64 = 90 * DAY;
const SHA256_WITH_RSA: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const KEY_USAGE: der::asn1::ObjectIdentifier = der::asn1::ObjectIdentifier::new_unwrap("2.5.29.15");

fn internal(err: impl std::fmt::Display) -> Refusal {
    Refusal::responder("INTERNAL_ERROR", format!("The service failed: {err}"))
}

fn malformed(what: &str) -> Refusal {
    Refusal::requester("MALFORMED_REQUEST", format!("The request is incomplete: {what}."))
}

/// Runs the operation named by the body element; `None` for an element no service knows.
pub(crate) fn dispatch(context: &Context<'_>, request: Node<'_, '_>) -> Option<Outcome> {
    let name = request.tag_name().name();
    let namespace = request.tag_name().namespace().unwrap_or_default();
    if request.attribute("IssueInstant").is_none() && namespace != ETK_DEPOT {
        return Some(Err(malformed("IssueInstant is required")));
    }
    Some(match (namespace, name) {
        (CERTRA, "GetActorQualitiesRequest") => get_actor_qualities(context, request),
        (CERTRA, "GetGenericOrganizationTypesRequest") => Ok(organization_types()),
        (CERTRA, "GetExistingApplicationIdsRequest") => existing_application_ids(context, request),
        (CERTRA, "GenerateContractRequest") => generate_contract(context, request),
        (CERTRA, "GenerateCertificateRequest") => generate_certificate(context, request),
        (CERTRA, "GetCertificateRequest") => get_certificate(context, request),
        (CERTRA, "GetCertificateInfoForCitizenRequest") => info_for_citizen(context, request),
        (CERTRA, "GetCertificateInfoForAuthenticationCertificateRequest") => {
            info_for_authentication_certificate(context, request)
        }
        (CERTRA, "GenerateRevocationContractRequest") => revocation_contract(context, request),
        (CERTRA, "RevokeRequest") => revoke(context, request),
        (CERTRA, "SubmitCSRForForeignerRequest") => submit_csr_for_foreigner(context, request),
        (ETKRA, "StartETKRegistrationRequest") => start_etk_registration(context, request),
        (ETKRA, "CompleteETKRegistrationRequest") => complete_etk_registration(context, request),
        (ETKRA, "ActivateETKRequest") => activate_etk(context, request),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Reference data: organisations and their types

struct OrganisationType {
    identifier_type: &'static str,
    name_nl: &'static str,
    name_fr: &'static str,
    regex: &'static str,
    digits: usize,
    check: &'static str,
    base_services: &'static [&'static str],
}

/// What GetGenericOrganizationTypes lists (a subset of app/certra/PROTOCOL.md §10.3).
const ORGANISATION_TYPES: &[OrganisationType] = &[
    OrganisationType {
        identifier_type: "NIHII-HOSPITAL",
        name_nl: "Ziekenhuis",
        name_fr: "Hôpital",
        regex: "[0-9]{8}",
        digits: 8,
        check: "CHECK-97-MOD-97",
        base_services: &["tsa", "consultrn", "codage"],
    },
    OrganisationType {
        identifier_type: "NIHII-PHARMACY",
        name_nl: "Apotheek",
        name_fr: "Pharmacie",
        regex: "[0-9]{8}",
        digits: 8,
        check: "CHECK-97-MOD-97",
        base_services: &["tsa"],
    },
    OrganisationType {
        identifier_type: "NIHII-RETIREMENT",
        name_nl: "Rustoord",
        name_fr: "Maison de repos",
        regex: "[0-9]{8}",
        digits: 8,
        check: "CHECK-97-MOD-97",
        base_services: &["tsa", "consultrn"],
    },
    OrganisationType {
        identifier_type: "CBE",
        name_nl: "Onderneming (KBO)",
        name_fr: "Entreprise (BCE)",
        regex: "[01][0-9]{9}",
        digits: 10,
        check: "CHECK-MOD-97",
        base_services: &["tsa", "consultrn", "codage", "other"],
    },
];

/// Organisations every test person may manage (GetActorQualities' OrganizationAuthorization).
const ORGANISATIONS: &[(&str, &str, &str)] = &[
    ("NIHII-HOSPITAL", "71000436", "AZ Voorbeeld"),
    ("NIHII-PHARMACY", "22000216", "Apotheek Voorbeeld"),
    ("CBE", "0403019261", "Voorbeeld VZW"),
];

fn organisation_type(identifier_type: &str) -> Option<&'static OrganisationType> {
    ORGANISATION_TYPES.iter().find(|kind| kind.identifier_type == identifier_type)
}

fn organization_types() -> String {
    ORGANISATION_TYPES
        .iter()
        .map(|kind| {
            let services: String = kind
                .base_services
                .iter()
                .map(|s| format!("<cc:AvailableBaseService>{s}</cc:AvailableBaseService>"))
                .collect();
            format!(
                r#"<cp:OrganizationType><cc:Name><cc:Value xml:lang="nl">{}</cc:Value><cc:Value xml:lang="fr">{}</cc:Value></cc:Name><cc:IdentifierType>{}</cc:IdentifierType><cc:ValidationRegEx>{}</cc:ValidationRegEx><cc:CheckDigitAlgorithm>{}</cc:CheckDigitAlgorithm>{services}</cp:OrganizationType>"#,
                escape(kind.name_nl),
                escape(kind.name_fr),
                kind.identifier_type,
                kind.regex,
                kind.check
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Identifiers (app/certra/PROTOCOL.md §11)

fn mod97_ok(digits: &str, prefix: u64) -> bool {
    let (base, check) = digits.split_at(digits.len() - 2);
    match (base.parse::<u64>(), check.parse::<u64>()) {
        (Ok(base), Ok(check)) => 97 - (prefix + base) % 97 == check,
        _ => false,
    }
}

/// SSIN or BIS: 11 digits, checksum for either century.
fn valid_ssin(ssin: &str) -> bool {
    ssin.len() == 11
        && ssin.bytes().all(|b| b.is_ascii_digit())
        && (mod97_ok(ssin, 0) || mod97_ok(ssin, 2_000_000_000))
}

fn is_bis(ssin: &str) -> bool {
    valid_ssin(ssin)
        && ssin[2..4]
            .parse::<u8>()
            .is_ok_and(|month| (20..=32).contains(&month) || (40..=52).contains(&month))
}

fn valid_organisation_id(kind: &OrganisationType, id: &str) -> bool {
    if id.len() != kind.digits || !id.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    match kind.check {
        // (first8 + last2) mod 97 == 0, i.e. last2 = 97 − (first8 mod 97).
        "CHECK-MOD-97" | "CHECK-97-MOD-97" => mod97_ok(id, 0),
        _ => true,
    }
}

// ---------------------------------------------------------------------------------------------
// Request pieces

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Actor {
    ids: Vec<(String, String)>,
    first_names: Vec<String>,
    name: String,
}

impl Actor {
    fn read(node: Node<'_, '_>) -> Result<Self, Refusal> {
        let ids: Vec<(String, String)> = children(node, COMMONS_CORE, "Id")
            .map(|id| {
                (
                    id.attribute("Type").unwrap_or_default().to_owned(),
                    id.text().unwrap_or_default().trim().to_owned(),
                )
            })
            .collect();
        let name =
            text_of(node, COMMONS_CORE, "Name").ok_or_else(|| malformed("an actor has no Name"))?;
        if ids.is_empty() {
            return Err(malformed("an actor has no Id"));
        }
        Ok(Self {
            ids,
            first_names: children(node, COMMONS_CORE, "FirstName")
                .map(|n| n.text().unwrap_or_default().trim().to_owned())
                .collect(),
            name,
        })
    }

    fn ssin(&self) -> Option<&str> {
        self.ids.iter().find(|(kind, _)| kind == "SSIN").map(|(_, value)| value.as_str())
    }

    fn xml(&self) -> String {
        let ids: String = self
            .ids
            .iter()
            .map(|(kind, value)| {
                format!(r#"<core:Id Type="{}">{}</core:Id>"#, escape(kind), escape(value))
            })
            .collect();
        let first: String = self
            .first_names
            .iter()
            .map(|n| format!("<core:FirstName>{}</core:FirstName>", escape(n)))
            .collect();
        format!("{ids}{first}<core:Name>{}</core:Name>", escape(&self.name))
    }
}

struct Contact {
    email_private: String,
    email_general: Option<String>,
    phone_private: String,
    phone_general: Option<String>,
}

impl Contact {
    fn read(node: Node<'_, '_>) -> Result<Self, Refusal> {
        let email_private = text_of(node, CERTRA_CORE, "EmailPrivate").unwrap_or_default();
        let phone_private = text_of(node, CERTRA_CORE, "PhonePrivate").unwrap_or_default();
        if !email_private.contains('@') || phone_private.is_empty() {
            return Err(Refusal::requester(
                "INVALID_CONTACT_DATA",
                "A private e-mail address and phone number are required.",
            ));
        }
        Ok(Self {
            email_private,
            email_general: text_of(node, CERTRA_CORE, "EmailGeneral"),
            phone_private,
            phone_general: text_of(node, CERTRA_CORE, "PhoneGeneral"),
        })
    }
}

impl Record {
    /// A new request for `public_key_identifier`: in progress, nothing issued, no ETK. Callers
    /// fill in whom it is for.
    fn requested(public_key_identifier: String, contact: Contact, csr: Vec<u8>, now: i64) -> Self {
        Self {
            public_key_identifier,
            dn: String::new(),
            entity: String::new(),
            actor_type: String::new(),
            actor_id: String::new(),
            actor_name: String::new(),
            actor_first_names: Vec::new(),
            application_id: None,
            requester_ssin: String::new(),
            email_private: contact.email_private,
            email_general: contact.email_general,
            phone_private: contact.phone_private,
            phone_general: contact.phone_general,
            base_services: Vec::new(),
            status: "IN_PROGRESS".into(),
            automatically_validated: true,
            requested_at: now,
            polls_left: 0,
            awaiting_validation: false,
            csr,
            certificate: None,
            serial: None,
            issuer_dn: None,
            not_before: None,
            not_after: None,
            replaces: None,
            etk_status: "NOT_REQUESTED".into(),
            etk_challenge_serial: None,
            etk_encryption_key: None,
            etk: None,
            etk_activated_at: None,
        }
    }
}

/// What a contract promised, kept under its digest to check it comes back unchanged.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ContractTerms {
    dn: String,
    signer: Actor,
    entity: String,
    actor: Actor,
    application_id: Option<String>,
    /// For revocation contracts.
    public_key_identifier: Option<String>,
    reason: Option<String>,
}

/// Digest of a contract as it travels: DN (as a parsed name, `DnComparison`), signer, reason and
/// every text, in order.
fn contract_digest(contract: Node<'_, '_>) -> Result<String, Refusal> {
    let text =
        text_of(contract, CERTRA_CORE, "DN").ok_or_else(|| malformed("the contract has no DN"))?;
    let name = parse_dn(&text).ok_or_else(|| {
        Refusal::requester("CONTRACT_MODIFIED", "The contract's DN is not a distinguished name.")
    })?;
    let dn: Vec<(String, String)> =
        name_pairs(&name).into_iter().map(|(oid, value)| (oid.to_string(), value)).collect();
    let signer = Actor::read(
        child(contract, CERTRA_CORE, "Signer")
            .ok_or_else(|| malformed("the contract has no Signer"))?,
    )?;
    let reason = text_of(contract, CERTRA_CORE, "RevocationReason");
    let texts: Vec<(String, String)> = child(contract, CERTRA_CORE, "Text")
        .map(|text| {
            children(text, CERTRA_CORE, "Value")
                .map(|value| {
                    (
                        value
                            .attribute(("http://www.w3.org/XML/1998/namespace", "lang"))
                            .unwrap_or_default()
                            .to_owned(),
                        value.text().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let serialised = serde_json::to_string(&(dn, signer, reason, texts)).map_err(internal)?;
    Ok(hex(&Sha256::digest(serialised.as_bytes())))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    base16ct::upper::encode_string(bytes)
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    base16ct::mixed::decode_vec(text).ok()
}

fn public_key_identifier_of(request: Node<'_, '_>, namespace: &str) -> Result<String, Refusal> {
    let text = text_of(request, namespace, "PublicKeyIdentifier")
        .ok_or_else(|| malformed("PublicKeyIdentifier is missing"))?;
    match unhex(&text) {
        Some(bytes) if bytes.len() == 20 => Ok(hex(&bytes)),
        _ => Err(Refusal::requester(
            "INVALID_PUBLIC_KEY_IDENTIFIER",
            "A PublicKeyIdentifier is 20 bytes in hexadecimal.",
        )),
    }
}

/// Mock-only: `UNKNOWN_PUBLIC_KEY_IDENTIFIER` exists in no public source; eHealth's own answer
/// for a key it never received is unknown (the `unknown_key` knob also answers
/// `CERT_NOT_YET_DELIVERED`, the code its client knows).
fn unknown_key(public_key_identifier: &str) -> Refusal {
    Refusal::requester(
        "UNKNOWN_PUBLIC_KEY_IDENTIFIER",
        "No certificate request is known for this public key.",
    )
    .with("PublicKeyIdentifier", public_key_identifier)
}

fn not_yet_delivered(public_key_identifier: &str) -> Refusal {
    Refusal::responder("CERT_NOT_YET_DELIVERED", "The certificate is not yet delivered.")
        .with("PublicKeyIdentifier", public_key_identifier)
}

fn wrong_signer(operation: &str, expected: &str, signer: &Signer) -> Refusal {
    Refusal::requester(
        "WRONG_SIGNING_CERTIFICATE",
        format!("{operation} must be signed with {expected}, not with {}.", signer.describe()),
    )
}

fn signed_by(context: &Context<'_>, request: Node<'_, '_>) -> Result<Signer, Refusal> {
    signature::verify(context.envelope, request, context.pki, context.knobs.ec_signature_method)
}

// ---------------------------------------------------------------------------------------------
// The DN CertRA computes (app/certra/PROTOCOL.md §6.1)

/// Upper case, diacritics stripped.
fn normalise_name(name: &str) -> String {
    name.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect::<String>()
        .to_uppercase()
}

/// RFC 4514 escaping of an attribute value, except `=`: eHealth's DN carries `CN=SSIN=…` with
/// that `=` unescaped, as its own client implies (it escapes `TYPE=` itself before echoing the
/// DN, `ra/domain/NewCertificateContract.java`, and builds the CSR from the DN as returned).
fn dn_escape(value: &str) -> String {
    let mut out = String::new();
    for (index, c) in value.chars().enumerate() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (index == 0 && matches!(c, ' ' | '#'))
        {
            out.push('\\');
        }
        out.push(c);
    }
    if out.ends_with(' ') {
        out.insert(out.len() - 1, '\\');
    }
    out
}

fn contract_dn(actor_type: &str, id: &str, name: &str, application_id: Option<&str>) -> String {
    let typed = dn_escape(&format!("{actor_type}={id}"));
    let name = dn_escape(&normalise_name(name));
    match application_id {
        None => format!(
            "CN={typed},OU=eHealth-platform Belgium,OU={name},OU={typed},O=Federal Government,C=BE"
        ),
        Some(app) => format!(
            "CN={},OU=eHealth-platform Belgium,OU={name},OU={typed},OU={},O=Federal Government,C=BE",
            dn_escape(&format!("{actor_type}={id}, {app}")),
            dn_escape(app)
        ),
    }
}

fn contract_text(dn: &str, signer: &Actor, revocation: Option<&str>) -> String {
    let who = format!("{} {}", signer.first_names.join(" "), signer.name);
    let (nl, fr, de, en) = match revocation {
        None => (
            format!("<h1>Aanvraag eHealth-certificaat</h1><p>Ik, {who}, vraag een eHealth-certificaat aan voor <code>{dn}</code> en aanvaard de gebruiksvoorwaarden van het eHealth-platform.</p>"),
            format!("<h1>Demande de certificat eHealth</h1><p>Je soussigné(e), {who}, demande un certificat eHealth pour <code>{dn}</code> et accepte les conditions d'utilisation de la plate-forme eHealth.</p>"),
            format!("<h1>Antrag auf ein eHealth-Zertifikat</h1><p>Ich, {who}, beantrage ein eHealth-Zertifikat für <code>{dn}</code> und akzeptiere die Nutzungsbedingungen der eHealth-Plattform.</p>"),
            format!("<h1>eHealth certificate request</h1><p>I, {who}, request an eHealth certificate for <code>{dn}</code> and accept the eHealth platform's terms of use.</p>"),
        ),
        Some(reason) => (
            format!("<h1>Intrekking van een eHealth-certificaat</h1><p>Ik, {who}, trek het certificaat voor <code>{dn}</code> in (reden: {reason}).</p>"),
            format!("<h1>Révocation d'un certificat eHealth</h1><p>Je soussigné(e), {who}, révoque le certificat pour <code>{dn}</code> (motif : {reason}).</p>"),
            format!("<h1>Widerruf eines eHealth-Zertifikats</h1><p>Ich, {who}, widerrufe das Zertifikat für <code>{dn}</code> (Grund: {reason}).</p>"),
            format!("<h1>Revocation of an eHealth certificate</h1><p>I, {who}, revoke the certificate for <code>{dn}</code> (reason: {reason}).</p>"),
        ),
    };
    [("nl", nl), ("fr", fr), ("de", de), ("en", en)]
        .iter()
        .map(|(lang, body)| {
            let html = format!(
                "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>eHealth</title></head><body>{body}</body></html>"
            );
            format!(r#"<cc:Value xml:lang="{lang}">{}</cc:Value>"#, escape(&html))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// CertRA

fn get_actor_qualities(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let signer = signed_by(context, request)?;
    let Signer::EidAuthentication { ssin, .. } = &signer else {
        return Err(wrong_signer("GetActorQualities", "the eID authentication key", &signer));
    };
    let asked = text_of(request, CERTRA, "SSIN").ok_or_else(|| malformed("SSIN is missing"))?;
    if asked != *ssin {
        return Err(Refusal::requester(
            "SIGNER_MISMATCH",
            "The SSIN asked about is not the one of the eID that signed.",
        ));
    }
    let organisations: String = ORGANISATIONS
        .iter()
        .map(|(kind, id, name)| {
            format!(
                r#"<cp:OrganizationAuthorization><cc:Name><cc:Value xml:lang="nl">{}</cc:Value></cc:Name><cc:Identifier Type="{kind}">{id}</cc:Identifier></cp:OrganizationAuthorization>"#,
                escape(name)
            )
        })
        .collect();
    Ok(format!(
        "<cp:NaturalPersonAuthorization>true</cp:NaturalPersonAuthorization>{organisations}"
    ))
}

fn existing_application_ids(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let id = child(request, CERTRA, "OrganizationIdentifier")
        .ok_or_else(|| malformed("OrganizationIdentifier is missing"))?;
    let kind = id.attribute("Type").unwrap_or_default();
    let value = id.text().unwrap_or_default().trim();
    let mut seen: Vec<Option<String>> = Vec::new();
    for record in context.store.all().map_err(internal)? {
        let record = refreshed(record, context.now);
        if record.actor_type == kind
            && record.actor_id == value
            && matches!(record.status.as_str(), "VALID_ACTIVE" | "IN_PROGRESS")
            && !seen.contains(&record.application_id)
        {
            seen.push(record.application_id.clone());
        }
    }
    Ok(seen
        .iter()
        .map(|app| match app {
            None => r#"<cp:ApplicationId xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>"#.to_owned(),
            Some(app) => format!("<cp:ApplicationId>{}</cp:ApplicationId>", escape(app)),
        })
        .collect())
}

fn generate_contract(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let contact =
        child(request, CERTRA, "ContactData").ok_or_else(|| malformed("ContactData is missing"))?;
    Contact::read(contact)?;
    let signer = Actor::read(
        child(request, CERTRA, "Signer").ok_or_else(|| malformed("Signer is missing"))?,
    )?;
    let signer_ssin = signer.ssin().unwrap_or_default().to_owned();
    if !valid_ssin(&signer_ssin) {
        return Err(Refusal::requester(
            "INVALID_SSIN",
            "The signer's SSIN is not a valid national or BIS number.",
        )
        .with("SSIN", signer_ssin));
    }
    let identifier = child(request, CERTRA, "CertificateIdentifier")
        .ok_or_else(|| malformed("CertificateIdentifier is missing"))?;
    let actor = Actor::read(
        child(identifier, CERTRA_CORE, "Actor")
            .ok_or_else(|| malformed("the certificate has no Actor"))?,
    )?;
    let application_id = text_of(identifier, CERTRA_CORE, "ApplicationId");
    let [(actor_type, actor_id)] = actor.ids.as_slice() else {
        return Err(malformed("a certificate is for exactly one identifier"));
    };
    let (entity, dn) = if actor_type == "SSIN" {
        if *actor_id != signer_ssin {
            return Err(Refusal::requester(
                "NOT_AUTHORIZED",
                "A personal certificate can only be requested by that person.",
            ));
        }
        if application_id.is_some() {
            return Err(Refusal::requester(
                "APPLICATION_ID_NOT_ALLOWED",
                "Application ids exist for organisations only.",
            ));
        }
        let named = match context.knobs.person_dn {
            PersonDnSource::Signer => &signer,
            PersonDnSource::Actor => &actor,
        };
        let full_name = format!("{} {}", named.first_names.join(" "), named.name);
        ("NaturalPerson", contract_dn("SSIN", actor_id, full_name.trim(), None))
    } else {
        let kind = organisation_type(actor_type).ok_or_else(|| {
            Refusal::requester(
                "UNKNOWN_ORGANIZATION_TYPE",
                format!("{actor_type} is not an organisation type."),
            )
        })?;
        if !valid_organisation_id(kind, actor_id) {
            return Err(Refusal::requester(
                "INVALID_IDENTIFIER",
                format!("{actor_id} is not a valid {actor_type} number."),
            ));
        }
        if !ORGANISATIONS.iter().any(|(t, id, _)| t == actor_type && id == actor_id) {
            return Err(Refusal::requester(
                "NOT_AUTHORIZED",
                "The signer holds no mandate for this organisation.",
            ));
        }
        if let Some(app) = &application_id {
            let ok = (1..=30).contains(&app.len())
                && app.bytes().all(|b| {
                    b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'-' || b == b'_'
                });
            if !ok {
                return Err(Refusal::requester(
                    "INVALID_APPLICATION_ID",
                    "An application id has 1 to 30 characters among 0-9, A-Z, - and _.",
                ));
            }
        }
        ("Organization", contract_dn(actor_type, actor_id, &actor.name, application_id.as_deref()))
    };
    let text = contract_text(&escape(&dn), &signer, None);
    let contract = format!(
        "<cc:DN>{}</cc:DN><cc:Signer>{}</cc:Signer><cc:Text>{text}</cc:Text>",
        escape(&dn),
        signer.xml()
    );
    let terms = ContractTerms {
        dn,
        signer,
        entity: entity.to_owned(),
        actor,
        application_id,
        public_key_identifier: None,
        reason: None,
    };
    remember(context, &contract, &terms)?;
    Ok(format!("<cp:Contract>{contract}</cp:Contract>"))
}

/// Keeps a contract's terms under the digest of its XML as the client will echo it.
fn remember(
    context: &Context<'_>,
    contract_xml: &str,
    terms: &ContractTerms,
) -> Result<(), Refusal> {
    let wrapped = format!(
        r#"<cc:Contract xmlns:cc="{CERTRA_CORE}" xmlns:core="{COMMONS_CORE}">{contract_xml}</cc:Contract>"#
    );
    let document = Document::parse(&wrapped).map_err(internal)?;
    let digest = contract_digest(document.root_element())?;
    let terms = serde_json::to_string(terms).map_err(internal)?;
    context.store.remember_contract(&digest, &terms, context.now).map_err(internal)
}

fn echoed_terms(context: &Context<'_>, contract: Node<'_, '_>) -> Result<ContractTerms, Refusal> {
    let modified = || {
        Refusal::requester(
            "CONTRACT_MODIFIED",
            "The contract is not one this service issued, or it was changed.",
        )
    };
    let digest = contract_digest(contract)?;
    let terms = context.store.contract(&digest).map_err(internal)?.ok_or_else(modified)?;
    let terms: ContractTerms = serde_json::from_str(&terms).map_err(internal)?;
    if context.knobs.dn_echo == DnComparison::Text
        && text_of(contract, CERTRA_CORE, "DN").as_deref() != Some(terms.dn.as_str())
    {
        return Err(modified());
    }
    Ok(terms)
}

/// Parses and checks a CSR: RSA ≥ 2048, self-signature SHA256withRSA valid.
fn checked_csr(der: &[u8]) -> Result<CertReq, Refusal> {
    let invalid = |message: &str| Refusal::requester("INVALID_CSR", message.to_owned());
    let csr = CertReq::from_der(der).map_err(|_| invalid("The CSR is not a PKCS#10 request."))?;
    let spki = csr.info.public_key.to_der().map_err(internal)?;
    let key = RsaPublicKey::from_public_key_der(&spki)
        .map_err(|_| invalid("The CSR's key is not an RSA key."))?;
    if key.n().bits() < 2048 {
        return Err(Refusal::requester(
            "KEY_TOO_SHORT",
            format!("The key has {} bits; at least 2048 are required.", key.n().bits()),
        ));
    }
    if csr.algorithm.oid != SHA256_WITH_RSA {
        return Err(invalid("The CSR must be signed with SHA256withRSA."));
    }
    let info = csr.info.to_der().map_err(internal)?;
    let signature = rsa::pkcs1v15::Signature::try_from(csr.signature.raw_bytes())
        .map_err(|_| invalid("The CSR's signature cannot be read."))?;
    VerifyingKey::<Sha256>::new(key)
        .verify(&info, &signature)
        .map_err(|_| invalid("The CSR's signature does not verify."))?;
    Ok(csr)
}

fn spki_of(csr: &CertReq) -> Result<SubjectPublicKeyInfoOwned, Refusal> {
    SubjectPublicKeyInfoOwned::from_der(&csr.info.public_key.to_der().map_err(internal)?)
        .map_err(internal)
}

fn generate_certificate(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let signer = signed_by(context, request)?;
    let Signer::EidSignature { ssin, surname } = &signer else {
        return Err(wrong_signer("GenerateCertificate", "the eID signature key", &signer));
    };
    let csr_element =
        child(request, CERTRA, "EHealthCSR").ok_or_else(|| malformed("EHealthCSR is missing"))?;
    let contact = Contact::read(
        child(csr_element, CERTRA_CORE, "ContactData")
            .ok_or_else(|| malformed("ContactData is missing"))?,
    )?;
    let contract = child(csr_element, CERTRA_CORE, "Contract")
        .ok_or_else(|| malformed("Contract is missing"))?;
    let terms = echoed_terms(context, contract)?;
    if terms.public_key_identifier.is_some() {
        return Err(Refusal::requester(
            "CONTRACT_MODIFIED",
            "A revocation contract cannot request a certificate.",
        ));
    }
    check_signer_is(&terms.signer, ssin, surname.as_deref())?;
    let csr_text: String =
        text_of(csr_element, CERTRA_CORE, "CSR").unwrap_or_default().split_whitespace().collect();
    let csr_der = STANDARD
        .decode(csr_text)
        .map_err(|_| Refusal::requester("INVALID_CSR", "The CSR is not base64."))?;
    let csr = checked_csr(&csr_der)?;
    check_subject(&csr, &terms.dn)?;
    let services: Vec<String> = children(csr_element, CERTRA_CORE, "BaseServiceUsage")
        .map(|s| s.text().unwrap_or_default().trim().to_owned())
        .collect();
    let allowed: &[&str] = match organisation_type(&terms.actor.ids[0].0) {
        Some(kind) => kind.base_services,
        None => &["tsa", "consultrn", "codage", "other"],
    };
    if let Some(service) = services.iter().find(|s| !allowed.contains(&s.as_str())) {
        return Err(Refusal::requester(
            "BASE_SERVICE_NOT_AVAILABLE",
            format!("The base service {service} is not available for this certificate."),
        ));
    }
    let spki = spki_of(&csr)?;
    let key_id = hex(&public_key_identifier(&spki));
    if context.store.find(&key_id).map_err(internal)?.is_some() {
        return Err(Refusal::requester(
            "DUPLICATE_PUBLIC_KEY",
            "A certificate was already requested for this key; make a new key.",
        ));
    }
    let replaces = replaced_certificate(context, &terms.dn)?;
    let (actor_type, actor_id) = terms.actor.ids[0].clone();
    let record = Record {
        dn: terms.dn.clone(),
        entity: terms.entity.clone(),
        actor_type,
        actor_id,
        actor_name: terms.actor.name.clone(),
        actor_first_names: terms.actor.first_names.clone(),
        application_id: terms.application_id.clone(),
        requester_ssin: ssin.clone(),
        base_services: services,
        status: if context.knobs.refuse { "REFUSED" } else { "IN_PROGRESS" }.to_owned(),
        automatically_validated: !context.knobs.manual_validation,
        polls_left: context.knobs.not_yet_delivered,
        awaiting_validation: context.knobs.manual_validation,
        replaces: replaces.clone(),
        ..Record::requested(key_id.clone(), contact, csr_der, context.now)
    };
    context.store.save(&record).map_err(internal)?;
    let replaces = replaces
        .map(|id| format!("<cp:ReplacesCertificate>{id}</cp:ReplacesCertificate>"))
        .unwrap_or_default();
    Ok(format!(
        "<cp:PublicKeyIdentifier>{key_id}</cp:PublicKeyIdentifier><cp:AutomaticallyValidated>{}</cp:AutomaticallyValidated>{replaces}",
        record.automatically_validated
    ))
}

fn check_signer_is(
    contract_signer: &Actor,
    ssin: &str,
    surname: Option<&str>,
) -> Result<(), Refusal> {
    let same_name = surname
        .is_none_or(|surname| normalise_name(surname) == normalise_name(&contract_signer.name));
    if contract_signer.ssin() != Some(ssin) || !same_name {
        return Err(Refusal::requester(
            "SIGNER_MISMATCH",
            "The eID that signed is not the signer named in the contract.",
        ));
    }
    Ok(())
}

fn check_subject(csr: &CertReq, dn: &str) -> Result<(), Refusal> {
    let expected = parse_dn(dn).ok_or_else(|| internal("a contract DN does not parse"))?;
    if name_pairs(&csr.info.subject) != name_pairs(&expected) {
        return Err(Refusal::requester(
            "CSR_SUBJECT_MISMATCH",
            "The CSR's subject is not the DN of the contract.",
        )
        .with("DN", dn));
    }
    Ok(())
}

/// One active certificate per DN, except inside the replacement window of the current one.
fn replaced_certificate(context: &Context<'_>, dn: &str) -> Result<Option<String>, Refusal> {
    let mut replaces = None;
    for record in context.store.all().map_err(internal)? {
        let record = refreshed(record, context.now);
        if record.dn != dn {
            continue;
        }
        match record.status.as_str() {
            "IN_PROGRESS" => {
                return Err(Refusal::requester(
                    "REQUEST_IN_PROGRESS",
                    "A request for this certificate is already in progress.",
                )
                .with("PublicKeyIdentifier", record.public_key_identifier));
            }
            "VALID_ACTIVE" => {
                let window = record.not_after.unwrap_or(i64::MAX) - REPLACEMENT_WINDOW;
                if context.now < window {
                    return Err(Refusal::requester(
                        "ACTIVE_CERTIFICATE_EXISTS",
                        "An active certificate exists for this DN and is not yet in its replacement period.",
                    )
                    .with("ReplacementPeriodStartDate", iso(window)));
                }
                replaces = Some(record.public_key_identifier);
            }
            _ => {}
        }
    }
    Ok(replaces)
}

/// Expiry, as the clock says now.
pub(crate) fn refreshed(mut record: Record, now: i64) -> Record {
    if record.status == "VALID_ACTIVE" && record.not_after.is_some_and(|end| now > end) {
        record.status = "EXPIRED".into();
        if record.etk_status != "NOT_REQUESTED" && record.etk_status != "REVOKED" {
            record.etk_status = "EXPIRED".into();
        }
    }
    record
}

fn get_certificate(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let key_id = public_key_identifier_of(request, CERTRA)?;
    let Some(mut record) = context.store.find(&key_id).map_err(internal)? else {
        return Err(match context.knobs.unknown_key {
            UnknownKeyAnswer::CertNotYetDelivered => not_yet_delivered(&key_id),
            UnknownKeyAnswer::UnknownPublicKeyIdentifier => unknown_key(&key_id),
        });
    };
    match record.status.as_str() {
        // Mock-only: `CERT_REFUSED` is in no public source.
        "REFUSED" => {
            return Err(Refusal::requester(
                "CERT_REFUSED",
                "The certificate request was refused by eHealth.",
            )
            .with("PublicKeyIdentifier", key_id))
        }
        "IN_PROGRESS" if record.awaiting_validation || record.polls_left > 0 => {
            if !record.awaiting_validation {
                record.polls_left -= 1;
                context.store.save(&record).map_err(internal)?;
            }
            return Err(not_yet_delivered(&key_id));
        }
        "IN_PROGRESS" => issue(context, &mut record)?,
        _ => {}
    }
    let certificate = record
        .certificate
        .as_ref()
        .ok_or_else(|| internal("a delivered record has no certificate"))?;
    Ok(format!(
        "<cp:X509Certificate>{}</cp:X509Certificate><cp:X509Certificate>{}</cp:X509Certificate>",
        STANDARD.encode(certificate),
        STANDARD.encode(&context.pki.issuing)
    ))
}

/// Issues the certificate of an IN_PROGRESS record (its CSR's subject and key).
pub(crate) fn issue(context: &Context<'_>, record: &mut Record) -> Result<(), Refusal> {
    let csr = CertReq::from_der(&record.csr).map_err(internal)?;
    let spki = spki_of(&csr)?;
    let not_before = std::time::UNIX_EPOCH
        + std::time::Duration::from_secs(u64::try_from(context.now).unwrap_or(0));
    let der = context.pki.issue(&csr.info.subject, &spki, not_before).map_err(internal)?;
    let certificate = Certificate::from_der(&der).map_err(internal)?;
    record.serial = Some(hex(certificate.tbs_certificate.serial_number.as_bytes()));
    record.issuer_dn = Some(context.pki.issuing_name().to_string());
    record.not_before = Some(context.now);
    record.not_after = Some(context.now + i64::try_from(super::ca::VALIDITY_SECONDS).unwrap_or(0));
    record.certificate = Some(der);
    record.status = "VALID_ACTIVE".into();
    record.awaiting_validation = false;
    context.store.save(record).map_err(internal)
}

fn certificate_info(record: &Record, now: i64, stored: StoredActor) -> String {
    let record = refreshed(record.clone(), now);
    let actor = Actor {
        ids: vec![(record.actor_type.clone(), record.actor_id.clone())],
        first_names: match stored {
            StoredActor::WithoutFirstName => Vec::new(),
            StoredActor::AsRequested | StoredActor::OtherName => record.actor_first_names.clone(),
        },
        name: match stored {
            // A person's name as a register held it before a change (the card says otherwise).
            StoredActor::OtherName if record.entity == "NaturalPerson" => {
                format!("{}-Vroeger", record.actor_name)
            }
            _ => record.actor_name.clone(),
        },
    };
    let application = record
        .application_id
        .as_ref()
        .map(|app| format!("<cc:ApplicationId>{}</cc:ApplicationId>", escape(app)))
        .unwrap_or_default();
    let details = match (&record.serial, record.not_before, record.not_after) {
        (Some(serial), Some(from), Some(to)) => format!(
            "<cc:AuthenticationCertificateDetails><cc:SerialNumber>{serial}</cc:SerialNumber><cc:DN>{}</cc:DN><cc:IssuerDN>{}</cc:IssuerDN><cc:ValidNotBefore>{}</cc:ValidNotBefore><cc:ValidNotAfter>{}</cc:ValidNotAfter></cc:AuthenticationCertificateDetails>",
            escape(&record.dn),
            escape(record.issuer_dn.as_deref().unwrap_or_default()),
            iso(from),
            iso(to)
        ),
        _ => String::new(),
    };
    let window = record.not_after.map(|end| end - REPLACEMENT_WINDOW);
    let active = record.status == "VALID_ACTIVE";
    let replaceable = active && window.is_some_and(|start| now >= start);
    let window = window
        .map(|start| {
            format!("<cc:ReplacementPeriodStartDate>{}</cc:ReplacementPeriodStartDate>", iso(start))
        })
        .unwrap_or_default();
    let optional = |element: &str, value: &Option<String>| {
        value
            .as_ref()
            .map(|v| format!("<cc:{element}>{}</cc:{element}>", escape(v)))
            .unwrap_or_default()
    };
    let services: String = record
        .base_services
        .iter()
        .map(|s| format!("<cc:BaseServiceUsage>{}</cc:BaseServiceUsage>", escape(s)))
        .collect();
    format!(
        r#"<cp:CertificateInfo><cc:RequestedDate>{}</cc:RequestedDate><cc:PublicKeyIdentifier>{}</cc:PublicKeyIdentifier><cc:CertificateEntity EntityType="{}"><cc:CertificateIdentifier><cc:Actor>{}</cc:Actor>{application}</cc:CertificateIdentifier></cc:CertificateEntity><cc:AuthenticationCertificateStatus>{}</cc:AuthenticationCertificateStatus><cc:ETKStatus>{}</cc:ETKStatus><cc:AutomaticallyValidated>{}</cc:AutomaticallyValidated>{details}<cc:Revocable>{active}</cc:Revocable><cc:Replaceable>{replaceable}</cc:Replaceable>{window}<cc:ContactData><cc:EmailPrivate>{}</cc:EmailPrivate>{}<cc:PhonePrivate>{}</cc:PhonePrivate>{}</cc:ContactData>{services}</cp:CertificateInfo>"#,
        iso(record.requested_at),
        record.public_key_identifier,
        record.entity,
        actor.xml(),
        record.status,
        record.etk_status,
        record.automatically_validated,
        escape(&record.email_private),
        optional("EmailGeneral", &record.email_general),
        escape(&record.phone_private),
        optional("PhoneGeneral", &record.phone_general),
    )
}

/// Whether `ssin` may see and revoke `record`: the requester, the person it is for, or someone
/// with a mandate for the organisation.
fn entitled(record: &Record, ssin: &str) -> bool {
    record.requester_ssin == ssin
        || (record.actor_type == "SSIN" && record.actor_id == ssin)
        || ORGANISATIONS
            .iter()
            .any(|(kind, id, _)| *kind == record.actor_type && *id == record.actor_id)
}

fn info_for_citizen(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let signer = signed_by(context, request)?;
    let Signer::EidAuthentication { ssin, .. } = &signer else {
        return Err(wrong_signer(
            "GetCertificateInfoForCitizen",
            "the eID authentication key",
            &signer,
        ));
    };
    // Mock-only: an entry of another era (knob `unreadable_entry`).
    let odd = context.knobs.unreadable_entry.then(|| {
        format!(
            r#"<cp:CertificateInfo><cc:RequestedDate>{}</cc:RequestedDate><cc:PublicKeyIdentifier>{}</cc:PublicKeyIdentifier><cc:CertificateEntity EntityType="NaturalPerson"><cc:CertificateIdentifier><cc:Actor><core:Id Type="SSIN">{}</core:Id><core:Name>-</core:Name></cc:Actor></cc:CertificateIdentifier></cc:CertificateEntity><cc:AuthenticationCertificateStatus>IN_PROGRESS</cc:AuthenticationCertificateStatus><cc:ETKStatus>NOT_REQUESTED</cc:ETKStatus><cc:AutomaticallyValidated>false</cc:AutomaticallyValidated><cc:Revocable>false</cc:Revocable><cc:Replaceable>false</cc:Replaceable><cc:ContactData><cc:EmailPrivate>-</cc:EmailPrivate></cc:ContactData></cp:CertificateInfo>"#,
            iso(context.now),
            "0F".repeat(16),
            escape(ssin)
        )
    });
    Ok(odd
        .into_iter()
        .chain(
            context
                .store
                .all()
                .map_err(internal)?
                .iter()
                .filter(|record| entitled(record, ssin))
                .filter(|record| {
                    !(context.knobs.hide_in_progress && record.status == "IN_PROGRESS")
                })
                .map(|record| certificate_info(record, context.now, context.knobs.stored_actor)),
        )
        .collect())
}

fn ehealth_signer(
    context: &Context<'_>,
    request: Node<'_, '_>,
    operation: &str,
) -> Result<Record, Refusal> {
    let signer = signed_by(context, request)?;
    let Signer::EHealth { public_key_identifier, .. } = &signer else {
        return Err(wrong_signer(operation, "the eHealth authentication certificate", &signer));
    };
    let key_id = hex(public_key_identifier);
    let record =
        context.store.find(&key_id).map_err(internal)?.ok_or_else(|| unknown_key(&key_id))?;
    Ok(refreshed(record, context.now))
}

fn info_for_authentication_certificate(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let record =
        ehealth_signer(context, request, "GetCertificateInfoForAuthenticationCertificate")?;
    Ok(certificate_info(&record, context.now, context.knobs.stored_actor))
}

fn revocation_contract(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let key_id = public_key_identifier_of(request, CERTRA)?;
    let record =
        context.store.find(&key_id).map_err(internal)?.ok_or_else(|| unknown_key(&key_id))?;
    let record = refreshed(record, context.now);
    let signer = Actor::read(
        child(request, CERTRA, "Signer").ok_or_else(|| malformed("Signer is missing"))?,
    )?;
    let reason = text_of(request, CERTRA, "RevocationReason").unwrap_or_default();
    if !["keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation"]
        .contains(&reason.as_str())
    {
        return Err(malformed("RevocationReason is not one of the four reasons"));
    }
    if !entitled(&record, signer.ssin().unwrap_or_default()) {
        return Err(Refusal::requester(
            "NOT_AUTHORIZED",
            "The signer may not revoke this certificate.",
        ));
    }
    if record.status != "VALID_ACTIVE" {
        return Err(Refusal::requester(
            "NOT_REVOCABLE",
            format!("The certificate is {} and cannot be revoked.", record.status),
        ));
    }
    let text = contract_text(&escape(&record.dn), &signer, Some(&reason));
    let contract = format!(
        "<cc:DN>{}</cc:DN><cc:Signer>{}</cc:Signer><cc:RevocationReason>{reason}</cc:RevocationReason><cc:Text>{text}</cc:Text>",
        escape(&record.dn),
        signer.xml()
    );
    let terms = ContractTerms {
        dn: record.dn.clone(),
        signer: signer.clone(),
        entity: record.entity.clone(),
        actor: signer,
        application_id: record.application_id.clone(),
        public_key_identifier: Some(key_id),
        reason: Some(reason),
    };
    remember(context, &contract, &terms)?;
    Ok(format!("<cp:Contract>{contract}</cp:Contract>"))
}

fn revoke(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let signer = signed_by(context, request)?;
    let Signer::EidSignature { ssin, surname } = &signer else {
        return Err(wrong_signer("Revoke", "the eID signature key", &signer));
    };
    let key_id = public_key_identifier_of(request, CERTRA)?;
    let contract =
        child(request, CERTRA, "Contract").ok_or_else(|| malformed("Contract is missing"))?;
    let terms = echoed_terms(context, contract)?;
    if terms.public_key_identifier.as_deref() != Some(key_id.as_str()) {
        return Err(Refusal::requester(
            "CONTRACT_MODIFIED",
            "The contract is for another certificate.",
        ));
    }
    check_signer_is(&terms.signer, ssin, surname.as_deref())?;
    let mut record = refreshed(
        context.store.find(&key_id).map_err(internal)?.ok_or_else(|| unknown_key(&key_id))?,
        context.now,
    );
    if record.status != "VALID_ACTIVE" {
        return Err(Refusal::requester(
            "NOT_REVOCABLE",
            format!("The certificate is {} and cannot be revoked.", record.status),
        ));
    }
    record.status = "REVOKED".into();
    if record.etk_status != "NOT_REQUESTED" {
        record.etk_status = "REVOKED".into();
    }
    context.store.save(&record).map_err(internal)?;
    Ok(String::new())
}

fn submit_csr_for_foreigner(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let person = Actor::read(
        child(request, CERTRA, "ForeignPerson")
            .ok_or_else(|| malformed("ForeignPerson is missing"))?,
    )?;
    let bis = person.ssin().unwrap_or_default().to_owned();
    if !is_bis(&bis) {
        return Err(Refusal::requester(
            "NOT_A_BIS_NUMBER",
            "Foreign care providers are identified by a BIS number (month field 20–32 or 40–52).",
        ));
    }
    let contact = Contact::read(
        child(request, CERTRA, "ContactData").ok_or_else(|| malformed("ContactData is missing"))?,
    )?;
    let csr_text: String =
        text_of(request, CERTRA, "CSR").unwrap_or_default().split_whitespace().collect();
    let csr_der = STANDARD
        .decode(csr_text)
        .map_err(|_| Refusal::requester("INVALID_CSR", "The CSR is not base64."))?;
    let csr = checked_csr(&csr_der)?;
    // Surname first for a foreign provider, as eHealth's client names them
    // (`ra/builders/ForeignRequestBuilder.java` → `ra/domain/DistinguishedName.java`); a person
    // with an eID is named given names first (GenerateContract).
    let full_name = format!("{} {}", person.name, person.first_names.join(" "));
    let dn = contract_dn("SSIN", &bis, full_name.trim(), None);
    check_subject(&csr, &dn)?;
    let key_id = hex(&public_key_identifier(&spki_of(&csr)?));
    if context.store.find(&key_id).map_err(internal)?.is_some() {
        return Err(Refusal::requester(
            "DUPLICATE_PUBLIC_KEY",
            "A certificate was already requested for this key.",
        ));
    }
    let record = Record {
        dn,
        entity: "NaturalPerson".into(),
        actor_type: "SSIN".into(),
        actor_id: bis.clone(),
        actor_name: person.name.clone(),
        actor_first_names: person.first_names.clone(),
        requester_ssin: bis,
        automatically_validated: false,
        // Nothing is issued before the person confirms at the validation URL.
        awaiting_validation: true,
        ..Record::requested(key_id.clone(), contact, csr_der, context.now)
    };
    context.store.save(&record).map_err(internal)?;
    Ok(format!(
        "<cp:ValidationUrl>http://mock-certra.invalid/foreigner/validate/{key_id}</cp:ValidationUrl><cp:ExpirationDate>{}</cp:ExpirationDate>",
        iso(context.now + 30 * DAY)
    ))
}

// ---------------------------------------------------------------------------------------------
// EtkRA (app/certra/PROTOCOL.md §4.4)

fn start_etk_registration(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let mut record = ehealth_signer(context, request, "StartETKRegistration")?;
    if record.status != "VALID_ACTIVE" {
        return Err(Refusal::requester(
            "CERTIFICATE_NOT_ACTIVE",
            format!("The authentication certificate is {}.", record.status),
        ));
    }
    if matches!(record.etk_status.as_str(), "VALID_ACTIVE" | "WAIT_FOR_ACTIVATION") {
        return Err(Refusal::requester(
            "ETK_ALREADY_REGISTERED",
            "An ETK is already registered for this authentication certificate.",
        ));
    }
    let text: String = text_of(request, ETKRA, "PublicEncryptionKey")
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let spki = STANDARD.decode(text).map_err(|_| malformed("PublicEncryptionKey is not base64"))?;
    let key = RsaPublicKey::from_public_key_der(&spki).map_err(|_| {
        Refusal::requester("INVALID_ENCRYPTION_KEY", "The encryption key is not an RSA public key.")
    })?;
    if key.n().bits() < 2048 {
        return Err(Refusal::requester(
            "KEY_TOO_SHORT",
            "The encryption key must have at least 2048 bits.",
        ));
    }
    let mut serial = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut serial);
    let mut challenge =
        key.encrypt(&mut rand::thread_rng(), Pkcs1v15Encrypt, &serial).map_err(internal)?;
    challenge.extend_from_slice(&Sha256::digest(serial));
    record.etk_challenge_serial = Some(serial.to_vec());
    record.etk_encryption_key = Some(spki);
    record.etk_status = "IN_REQUEST".into();
    context.store.save(&record).map_err(internal)?;
    Ok(format!("<ep:Challenge>{}</ep:Challenge>", STANDARD.encode(challenge)))
}

fn complete_etk_registration(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let mut record = ehealth_signer(context, request, "CompleteETKRegistration")?;
    let (Some(serial), Some(encryption_key)) =
        (&record.etk_challenge_serial, &record.etk_encryption_key)
    else {
        return Err(Refusal::requester(
            "NO_REGISTRATION_STARTED",
            "StartETKRegistration must come first, signed with the same certificate.",
        ));
    };
    let text: String =
        text_of(request, ETKRA, "ToBeRegistered").unwrap_or_default().split_whitespace().collect();
    let der = STANDARD.decode(text).map_err(|_| malformed("ToBeRegistered is not base64"))?;
    let to_register = Certificate::from_der(&der).map_err(|_| {
        Refusal::requester("INVALID_ETK_CERTIFICATE", "ToBeRegistered is not an X.509 certificate.")
    })?;
    let authentication = Certificate::from_der(record.certificate.as_deref().unwrap_or_default())
        .map_err(internal)?;
    let tbs = &to_register.tbs_certificate;
    let auth = &authentication.tbs_certificate;
    let refuse =
        |code: &'static str, message: &str| Err(Refusal::requester(code, message.to_owned()));
    // The serial is the challenge's 16 bytes as an unsigned integer.
    let given = tbs.serial_number.as_bytes();
    let given = &given[given.iter().take_while(|&&b| b == 0).count()..];
    let expected = &serial[serial.iter().take_while(|&&b| b == 0).count()..];
    if given != expected {
        return refuse(
            "ETK_CHALLENGE_MISMATCH",
            "The certificate's serial number is not the challenge's.",
        );
    }
    if tbs.subject_public_key_info.to_der().map_err(internal)? != *encryption_key {
        return refuse(
            "ETK_KEY_MISMATCH",
            "The certificate is not for the key given at StartETKRegistration.",
        );
    }
    if tbs.subject != auth.subject || tbs.issuer != auth.subject {
        return refuse(
            "ETK_DN_MISMATCH",
            "Issuer and subject must both be the authentication certificate's subject.",
        );
    }
    if tbs.validity != auth.validity {
        return refuse(
            "ETK_VALIDITY_MISMATCH",
            "The validity must be the authentication certificate's.",
        );
    }
    let usage = tbs.extensions.iter().flatten().find(|e| e.extn_id == KEY_USAGE);
    let usage_ok = usage.is_some_and(|e| {
        e.critical
            && KeyUsage::from_der(e.extn_value.as_bytes()).is_ok_and(|ku| {
                ku.0.contains(KeyUsages::KeyEncipherment)
                    && ku.0.contains(KeyUsages::DataEncipherment)
            })
    });
    if !usage_ok {
        return refuse(
            "ETK_KEY_USAGE",
            "Key usage must be critical with keyEncipherment and dataEncipherment.",
        );
    }
    let auth_key = RsaPublicKey::from_public_key_der(
        &auth.subject_public_key_info.to_der().map_err(internal)?,
    )
    .map_err(internal)?;
    let signature = rsa::pkcs1v15::Signature::try_from(to_register.signature.raw_bytes());
    let signed = to_register.signature_algorithm.oid == SHA256_WITH_RSA
        && signature.is_ok_and(|signature| {
            VerifyingKey::<Sha256>::new(auth_key)
                .verify(&tbs.to_der().unwrap_or_default(), &signature)
                .is_ok()
        });
    if !signed {
        return refuse(
            "ETK_SIGNATURE_INVALID",
            "The certificate must be signed (SHA256withRSA) by the authentication key.",
        );
    }
    let chain = [record.certificate.clone().unwrap_or_default(), context.pki.issuing.clone()];
    let etk = context.pki.etk(&der, &chain).map_err(internal)?;
    // A second ETK for the same DN waits until the new keystore is deployed (§4.4 step 6).
    let to_be_activated = context.store.all().map_err(internal)?.into_iter().any(|other| {
        let other = refreshed(other, context.now);
        other.dn == record.dn
            && other.public_key_identifier != record.public_key_identifier
            && other.etk_status == "VALID_ACTIVE"
    });
    record.etk = Some(etk.clone());
    record.etk_challenge_serial = None;
    record.etk_status = if to_be_activated { "WAIT_FOR_ACTIVATION" } else { "VALID_ACTIVE" }.into();
    record.etk_activated_at = (!to_be_activated).then_some(context.now);
    context.store.save(&record).map_err(internal)?;
    if context.knobs.etk_status_only {
        // The schema makes both optional, and eHealth's client reads only the status.
        return Ok(String::new());
    }
    Ok(format!(
        "<ep:ETK>{}</ep:ETK><ep:ToBeActivated>{to_be_activated}</ep:ToBeActivated>",
        STANDARD.encode(etk)
    ))
}

fn activate_etk(context: &Context<'_>, request: Node<'_, '_>) -> Outcome {
    let mut record = ehealth_signer(context, request, "ActivateETK")?;
    if record.etk_status != "WAIT_FOR_ACTIVATION" {
        return Err(Refusal::requester(
            "NOTHING_TO_ACTIVATE",
            format!(
                "The ETK of this certificate is {}, not waiting for activation.",
                record.etk_status
            ),
        ));
    }
    record.etk_status = "VALID_ACTIVE".into();
    record.etk_activated_at = Some(context.now);
    context.store.save(&record).map_err(internal)?;
    Ok(String::new())
}

// ---------------------------------------------------------------------------------------------
// ETK Depot (app/certra/PROTOCOL.md §5.1): its own, older response format

/// The depot's answer and its status code.
pub(crate) fn get_etk(
    context: &Context<'_>,
    request: Node<'_, '_>,
    response_id: &str,
) -> (u16, String) {
    let criteria: Vec<(String, String, Option<String>)> =
        child(request, ETK_DEPOT, "SearchCriteria")
            .map(|criteria| {
                children(criteria, ETK_DEPOT, "Identifier")
                    .map(|id| {
                        (
                            text_of(id, ETK_DEPOT, "Type").unwrap_or_default(),
                            text_of(id, ETK_DEPOT, "Value").unwrap_or_default(),
                            text_of(id, ETK_DEPOT, "ApplicationID"),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
    let given: String = criteria
        .iter()
        .map(|(kind, value, app)| depot_identifier(kind, value, app.as_deref()))
        .collect();
    let wrap = |code: u16, message: &str, result: String| {
        (
            code,
            format!(
                r#"<ed:GetEtkResponse xmlns:ed="{ETK_DEPOT}" xmlns:c1="{COMMONS_CORE_V1}" Id="{response_id}"><c1:Status><Code>{code}</Code><Message Lang="EN">{}</Message></c1:Status><ed:GivenSearchCriteria>{given}</ed:GivenSearchCriteria>{result}</ed:GetEtkResponse>"#,
                escape(message)
            ),
        )
    };
    let error = |code: u16, message: &str| {
        wrap(
            code,
            message,
            format!(
                "<ed:Error><ed:Code>{code}</ed:Code><ed:Message>{}</ed:Message></ed:Error>",
                escape(message)
            ),
        )
    };
    let Some((kind, value, application)) = criteria.first() else {
        return error(400, "No identifier was given.");
    };
    if kind != "SSIN" && organisation_type(kind).is_none() {
        return error(400, "Unknown identifier type.");
    }
    let records = match context.store.all() {
        Ok(records) => records,
        Err(err) => return error(500, &err),
    };
    let mut active: Vec<Record> = records
        .into_iter()
        .map(|r| refreshed(r, context.now))
        .filter(|r| {
            r.actor_type == *kind
                && r.actor_id == *value
                && r.etk_status == "VALID_ACTIVE"
                && (application.is_none() || r.application_id == *application)
        })
        .collect();
    // The most recently activated ETK of each application id is the one senders use.
    active.sort_by_key(|r| std::cmp::Reverse(r.etk_activated_at));
    let mut applications: Vec<Option<String>> = Vec::new();
    for record in &active {
        if !applications.contains(&record.application_id) {
            applications.push(record.application_id.clone());
        }
    }
    match applications.len() {
        0 => error(404, "No ETK found for this identifier."),
        1 => wrap(
            200,
            "OK",
            format!(
                "<ed:ETK>{}</ed:ETK>",
                STANDARD.encode(active[0].etk.clone().unwrap_or_default())
            ),
        ),
        _ => wrap(
            200,
            "OK",
            applications
                .iter()
                .map(|app| {
                    format!(
                        "<ed:MatchingEtk>{}</ed:MatchingEtk>",
                        depot_identifier(kind, value, app.as_deref())
                    )
                })
                .collect(),
        ),
    }
}

fn depot_identifier(kind: &str, value: &str, application: Option<&str>) -> String {
    let application = application
        .map(|app| format!("<ed:ApplicationID>{}</ed:ApplicationID>", escape(app)))
        .unwrap_or_default();
    format!(
        "<ed:Identifier><ed:Type>{}</ed:Type><ed:Value>{}</ed:Value>{application}</ed:Identifier>",
        escape(kind),
        escape(value)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_follow_the_ehealth_layout_and_parse_back() {
        let person = contract_dn("SSIN", "85073003328", "Jan Piëter Peeters", None);
        assert_eq!(
            person,
            r"CN=SSIN=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN=85073003328,O=Federal Government,C=BE"
        );
        let app = contract_dn("CBE", "0403019261", "Voorbeeld VZW", Some("MYAPP"));
        assert_eq!(
            app,
            r"CN=CBE=0403019261\, MYAPP,OU=eHealth-platform Belgium,OU=VOORBEELD VZW,OU=CBE=0403019261,OU=MYAPP,O=Federal Government,C=BE"
        );
        for dn in [person, app] {
            let pairs = name_pairs(&parse_dn(&dn).unwrap());
            assert_eq!(pairs.len(), if dn.contains("MYAPP") { 7 } else { 6 }, "{dn}");
            assert!(
                pairs.iter().any(|(_, v)| v.starts_with("SSIN=") || v.starts_with("CBE=")),
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn identifiers_are_checked_like_the_spec_says() {
        assert!(valid_ssin("85073003328") && !valid_ssin("85073003329"));
        assert!(is_bis("85273003371"));
        assert!(!is_bis("85273003372"), "wrong check digits");
        assert!(!is_bis("85073003328"));
        let cbe = organisation_type("CBE").unwrap();
        assert!(valid_organisation_id(cbe, "0403019261"));
        assert!(!valid_organisation_id(cbe, "0403019262"));
        let hospital = organisation_type("NIHII-HOSPITAL").unwrap();
        assert!(valid_organisation_id(hospital, "71000436"));
        assert!(!valid_organisation_id(hospital, "71000437"));
    }
}
