//! Request builders, one per operation, with the element order and namespaces of eHealth's XSDs
//! (`certra/xsd/`): local elements are in the namespace of the schema that declares their
//! type's content model (all schemas are `elementFormDefault="qualified"` except the etee core
//! one, whose types we do not send).

use base64::{engine::general_purpose::STANDARD, Engine as _};

use crate::{
    endpoint::Operation,
    ns,
    xml::{Element, Namespace, XML},
};

use crate::ns::{
    CERTRA_CORE as CC, CERTRA_PROTOCOL as CP, COMMONS_CORE as CORE, ETKDEPOT_PROTOCOL as ED,
    ETKRA_PROTOCOL as EP,
};

/// `Id` and `IssueInstant` of a request (commons protocol v2 `RequestType`).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct RequestMeta {
    /// `_` + 32 hex digits, as the connector's `_` + UUID.
    pub id: String,
    /// `xs:dateTime` in UTC.
    pub issue_instant: String,
}

impl RequestMeta {
    /// Meta from 16 random bytes (the id) and the current time in Unix seconds.
    pub fn new(random: [u8; 16], unix_seconds: u64) -> Self {
        let hex = base16ct::lower::encode_string(&random);
        Self { id: format!("_{hex}"), issue_instant: date_time(unix_seconds) }
    }
}

/// `xs:dateTime` in UTC (`2026-11-22T16:40:00Z`) for Unix seconds: the one formatter of the
/// workspace's times. The calendar is `der`'s (RFC 5280's times), which runs from 1970 to 9999;
/// a later instant is written as the last second of 9999.
pub fn date_time(unix_seconds: u64) -> String {
    der::DateTime::from_unix_duration(std::time::Duration::from_secs(unix_seconds))
        .unwrap_or(der::DateTime::INFINITY)
        .to_string()
}

/// Unix seconds of an `xs:dateTime` written by [`date_time`] (`2026-11-22T16:40:00Z`, UTC, to
/// the second); `None` for any other form or an impossible date.
pub fn parse_date_time(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd:ddZ";
    let shaped = bytes.len() == shape.len()
        && bytes.iter().zip(shape).all(|(byte, want)| match want {
            b'd' => byte.is_ascii_digit(),
            _ => byte == want,
        });
    if !shaped {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u16>().ok();
    let date = der::DateTime::new(
        number(0..4)?,
        u8::try_from(number(5..7)?).ok()?,
        u8::try_from(number(8..10)?).ok()?,
        u8::try_from(number(11..13)?).ok()?,
        u8::try_from(number(14..16)?).ok()?,
        u8::try_from(number(17..19)?).ok()?,
    )
    .ok()?;
    Some(date.unix_duration().as_secs())
}

/// Whether `id` is a request `Id` as [`RequestMeta::new`] makes it: `_` and 32 lower-case hex
/// digits.
pub fn is_request_id(id: &str) -> bool {
    id.len() == 33
        && id.starts_with('_')
        && id[1..].bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

/// An identifier with its type (`core:IdType`): `<core:Id Type="SSIN">85073003328</core:Id>`.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Identifier {
    /// `SSIN`, `CBE`, `NIHII-HOSPITAL`…
    pub kind: String,
    /// The digits.
    pub value: String,
}

/// A person or organisation (`core:ActorType`).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Actor {
    /// One or more identifiers.
    pub ids: Vec<Identifier>,
    /// First names (persons).
    pub first_names: Vec<String>,
    /// Last name, or the organisation's name.
    pub name: String,
}

/// Contact data (`cc:ContactDataType`).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ContactData {
    /// Required.
    pub email_private: String,
    /// Optional general (organisation) address.
    pub email_general: Option<String>,
    /// Required.
    pub phone_private: String,
    /// Optional general number.
    pub phone_general: Option<String>,
}

/// Text in one language (`cc:LocalizedString`).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct LocalizedText {
    /// `xml:lang`.
    pub lang: String,
    /// The text (the contract's HTML).
    pub text: String,
}

/// The contract GenerateContract returns, echoed unchanged in GenerateCertificate.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Contract {
    /// The DN the certificate will carry (RFC 2253).
    pub dn: String,
    /// The eID holder who signs.
    pub signer: Actor,
    /// The contract text per language.
    pub text: Vec<LocalizedText>,
}

/// Why a certificate is revoked (`cc:RevocationReasonType`).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum RevocationReason {
    /// The key or its password was compromised.
    KeyCompromise,
    /// The holder's affiliation changed.
    AffiliationChanged,
    /// Replaced by a new certificate.
    Superseded,
    /// The activity stopped.
    CessationOfOperation,
}

impl RevocationReason {
    /// The schema value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::KeyCompromise => "keyCompromise",
            Self::AffiliationChanged => "affiliationChanged",
            Self::Superseded => "superseded",
            Self::CessationOfOperation => "cessationOfOperation",
        }
    }

    /// Parses the schema value.
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::KeyCompromise,
            Self::AffiliationChanged,
            Self::Superseded,
            Self::CessationOfOperation,
        ]
        .into_iter()
        .find(|reason| reason.as_str() == text)
    }
}

/// The revocation contract, echoed unchanged in Revoke.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct RevocationContract {
    /// DN of the certificate to revoke.
    pub dn: String,
    /// Who revokes.
    pub signer: Actor,
    /// Why.
    pub reason: RevocationReason,
    /// The contract text per language.
    pub text: Vec<LocalizedText>,
}

/// Which certificate a contract is for (`cc:CertificateIdentifierType`).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct CertificateIdentifier {
    /// The person (SSIN) or organisation.
    pub actor: Actor,
    /// Organisations only: distinguishes several certificates of one organisation.
    pub application_id: Option<String>,
}

impl CertificateIdentifier {
    /// The person's identifier (`SSIN`) of a personal certificate; `None` for an organisation's.
    pub fn person(&self) -> Option<&Identifier> {
        self.actor.ids.iter().find(|id| id.kind == "SSIN")
    }
}

/// One identifier searched in the ETK Depot.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EtkIdentifier {
    /// `SSIN`, `CBE`, `NIHII-HOSPITAL`…
    pub kind: String,
    /// The digits.
    pub value: String,
    /// Optional application id.
    pub application_id: Option<String>,
}

/// A built request: its operation and root element (without signature).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Request {
    /// Which operation.
    pub operation: Operation,
    /// The SOAP body's child.
    pub root: Element,
}

impl Request {
    /// The request's `Id` (the signature's reference target).
    pub fn id(&self) -> Option<&str> {
        self.root.attribute("Id")
    }

    /// The body element alone, as eHealth's schemas validate it.
    pub fn body_xml(&self) -> String {
        self.root.canonical()
    }

    /// The SOAP 1.1 envelope for an unsigned request.
    pub fn to_soap(&self) -> String {
        envelope(&self.root)
    }
}

/// Wraps `body` in a SOAP 1.1 envelope. The envelope declares only its own namespace, so the
/// body's canonical form is the same inside it as alone (what the signature covers).
pub fn envelope(body: &Element) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{}"><soapenv:Body>{}</soapenv:Body></soapenv:Envelope>"#,
        ns::SOAP.uri,
        body.canonical()
    )
}

fn root(operation: Operation, meta: &RequestMeta) -> Element {
    Element::new(operation.namespace(), operation.request_element())
        .attr("Id", meta.id.clone())
        .attr("IssueInstant", meta.issue_instant.clone())
}

fn id_element(namespace: Namespace, name: &'static str, id: &Identifier) -> Element {
    Element::leaf(namespace, name, id.value.clone()).attr("Type", id.kind.clone())
}

/// The children of a `core:ActorType` element.
fn actor(namespace: Namespace, name: &'static str, actor: &Actor) -> Element {
    Element::new(namespace, name)
        .children(actor.ids.iter().map(|id| id_element(CORE, "Id", id)))
        .children(
            actor.first_names.iter().map(|first| Element::leaf(CORE, "FirstName", first.clone())),
        )
        .child(Element::leaf(CORE, "Name", actor.name.clone()))
}

fn contact_data(namespace: Namespace, contact: &ContactData) -> Element {
    let mut element = Element::new(namespace, "ContactData").child(Element::leaf(
        CC,
        "EmailPrivate",
        contact.email_private.clone(),
    ));
    if let Some(general) = &contact.email_general {
        element = element.child(Element::leaf(CC, "EmailGeneral", general.clone()));
    }
    element = element.child(Element::leaf(CC, "PhonePrivate", contact.phone_private.clone()));
    if let Some(general) = &contact.phone_general {
        element = element.child(Element::leaf(CC, "PhoneGeneral", general.clone()));
    }
    element
}

fn text(text: &[LocalizedText]) -> Element {
    Element::new(CC, "Text").children(text.iter().map(|value| {
        Element::leaf(CC, "Value", value.text.clone()).ns_attr(XML, "lang", value.lang.clone())
    }))
}

/// A `PublicKeyIdentifier` read from its 40 hex digits (either case), the inverse of what the
/// requests write; `None` for anything else.
pub(crate) fn parse_public_key_identifier(hex: &str) -> Option<[u8; 20]> {
    let mut bytes = [0u8; 20];
    let decoded = base16ct::mixed::decode(hex, &mut bytes).ok()?;
    (decoded.len() == 20).then_some(bytes)
}

fn public_key_identifier(namespace: Namespace, identifier: &[u8; 20]) -> Element {
    Element::leaf(namespace, "PublicKeyIdentifier", base16ct::upper::encode_string(identifier))
}

/// GetActorQualities: may this person request a personal certificate, and for which
/// organisations? Signed with the eID authentication key.
pub fn get_actor_qualities(meta: &RequestMeta, ssin: &str) -> Request {
    let id = Identifier { kind: "SSIN".into(), value: ssin.into() };
    Request {
        operation: Operation::GetActorQualities,
        root: root(Operation::GetActorQualities, meta).child(id_element(CP, "SSIN", &id)),
    }
}

/// GetGenericOrganizationTypes: organisation types, their regexes and check digits. Unsigned.
pub fn get_generic_organization_types(meta: &RequestMeta) -> Request {
    Request {
        operation: Operation::GetGenericOrganizationTypes,
        root: root(Operation::GetGenericOrganizationTypes, meta),
    }
}

/// GetExistingApplicationIds for an organisation. Unsigned.
pub fn get_existing_application_ids(meta: &RequestMeta, organization: &Identifier) -> Request {
    Request {
        operation: Operation::GetExistingApplicationIds,
        root: root(Operation::GetExistingApplicationIds, meta).child(id_element(
            CP,
            "OrganizationIdentifier",
            organization,
        )),
    }
}

/// GenerateContract: the DN and contract text for a new certificate. Unsigned.
pub fn generate_contract(
    meta: &RequestMeta,
    contact: &ContactData,
    signer: &Actor,
    identifier: &CertificateIdentifier,
) -> Request {
    let mut certificate_identifier =
        Element::new(CP, "CertificateIdentifier").child(actor(CC, "Actor", &identifier.actor));
    if let Some(application_id) = &identifier.application_id {
        certificate_identifier = certificate_identifier.child(Element::leaf(
            CC,
            "ApplicationId",
            application_id.clone(),
        ));
    }
    Request {
        operation: Operation::GenerateContract,
        root: root(Operation::GenerateContract, meta)
            .child(contact_data(CP, contact))
            .child(actor(CP, "Signer", signer))
            .child(certificate_identifier),
    }
}

/// GenerateCertificate: the CSR with the contract echoed unchanged. Signed with the eID
/// signature key.
pub fn generate_certificate(
    meta: &RequestMeta,
    contact: &ContactData,
    csr_der: &[u8],
    contract: &Contract,
    base_service_usage: &[String],
) -> Request {
    let contract_element = Element::new(CC, "Contract")
        .child(Element::leaf(CC, "DN", contract.dn.clone()))
        .child(actor(CC, "Signer", &contract.signer))
        .child(text(&contract.text));
    let csr = Element::new(CP, "EHealthCSR")
        .child(contact_data(CC, contact))
        .child(Element::leaf(CC, "CSR", STANDARD.encode(csr_der)))
        .child(contract_element)
        .children(
            base_service_usage
                .iter()
                .map(|usage| Element::leaf(CC, "BaseServiceUsage", usage.clone())),
        );
    Request {
        operation: Operation::GenerateCertificate,
        root: root(Operation::GenerateCertificate, meta).child(csr),
    }
}

/// GetCertificate: the issued chain, or `CERT_NOT_YET_DELIVERED`. Unsigned.
pub fn get_certificate(meta: &RequestMeta, identifier: &[u8; 20]) -> Request {
    Request {
        operation: Operation::GetCertificate,
        root: root(Operation::GetCertificate, meta).child(public_key_identifier(CP, identifier)),
    }
}

/// GetCertificateInfoForCitizen: every certificate of the signer. Signed with the eID
/// authentication key.
pub fn get_certificate_info_for_citizen(meta: &RequestMeta) -> Request {
    Request {
        operation: Operation::GetCertificateInfoForCitizen,
        root: root(Operation::GetCertificateInfoForCitizen, meta),
    }
}

/// GetCertificateInfoForAuthenticationCertificate: about the signing eHealth certificate. Signed
/// with that certificate's key.
pub fn get_certificate_info_for_authentication_certificate(meta: &RequestMeta) -> Request {
    let operation = Operation::GetCertificateInfoForAuthenticationCertificate;
    Request { operation, root: root(operation, meta) }
}

/// GenerateRevocationContract. Unsigned.
pub fn generate_revocation_contract(
    meta: &RequestMeta,
    identifier: &[u8; 20],
    signer: &Actor,
    reason: RevocationReason,
) -> Request {
    Request {
        operation: Operation::GenerateRevocationContract,
        root: root(Operation::GenerateRevocationContract, meta)
            .child(public_key_identifier(CP, identifier))
            .child(actor(CP, "Signer", signer))
            .child(Element::leaf(CP, "RevocationReason", reason.as_str())),
    }
}

/// Revoke, with the revocation contract echoed unchanged. Signed with the eID signature key.
pub fn revoke(meta: &RequestMeta, identifier: &[u8; 20], contract: &RevocationContract) -> Request {
    let contract_element = Element::new(CP, "Contract")
        .child(Element::leaf(CC, "DN", contract.dn.clone()))
        .child(actor(CC, "Signer", &contract.signer))
        .child(Element::leaf(CC, "RevocationReason", contract.reason.as_str()))
        .child(text(&contract.text));
    Request {
        operation: Operation::Revoke,
        root: root(Operation::Revoke, meta)
            .child(public_key_identifier(CP, identifier))
            .child(contract_element),
    }
}

/// SubmitCSRForForeigner: a non-resident provider without eID (BIS number). Unsigned.
pub fn submit_csr_for_foreigner(
    meta: &RequestMeta,
    person: &Actor,
    contact: &ContactData,
    csr_der: &[u8],
) -> Request {
    Request {
        operation: Operation::SubmitCsrForForeigner,
        root: root(Operation::SubmitCsrForForeigner, meta)
            .child(actor(CP, "ForeignPerson", person))
            .child(contact_data(CP, contact))
            .child(Element::leaf(CP, "CSR", STANDARD.encode(csr_der))),
    }
}

/// StartETKRegistration with the encryption key's SubjectPublicKeyInfo. Signed with the eHealth
/// authentication key.
pub fn start_etk_registration(meta: &RequestMeta, public_key_info_der: &[u8]) -> Request {
    Request {
        operation: Operation::StartEtkRegistration,
        root: root(Operation::StartEtkRegistration, meta).child(Element::leaf(
            EP,
            "PublicEncryptionKey",
            STANDARD.encode(public_key_info_der),
        )),
    }
}

/// CompleteETKRegistration with the self-issued encryption certificate. Signed with the same
/// eHealth authentication key as the start.
pub fn complete_etk_registration(meta: &RequestMeta, to_be_registered_der: &[u8]) -> Request {
    Request {
        operation: Operation::CompleteEtkRegistration,
        root: root(Operation::CompleteEtkRegistration, meta).child(Element::leaf(
            EP,
            "ToBeRegistered",
            STANDARD.encode(to_be_registered_der),
        )),
    }
}

/// ActivateETK: make a `ToBeActivated` ETK the active one. Signed with the new eHealth key.
pub fn activate_etk(meta: &RequestMeta) -> Request {
    Request { operation: Operation::ActivateEtk, root: root(Operation::ActivateEtk, meta) }
}

/// ETK Depot GetEtk (commons v1: no `Id` or `IssueInstant`). Unsigned.
pub fn get_etk(identifiers: &[EtkIdentifier]) -> Request {
    let criteria =
        Element::new(ED, "SearchCriteria").children(identifiers.iter().map(|identifier| {
            let mut element = Element::new(ED, "Identifier")
                .child(Element::leaf(ED, "Type", identifier.kind.clone()))
                .child(Element::leaf(ED, "Value", identifier.value.clone()));
            if let Some(application_id) = &identifier.application_id {
                element = element.child(Element::leaf(ED, "ApplicationID", application_id.clone()));
            }
            element
        }));
    Request {
        operation: Operation::GetEtk,
        root: Element::new(ED, "GetEtkRequest").child(criteria),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_are_utc_xs_datetime() {
        assert_eq!(date_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(date_time(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(date_time(1_795_367_412), "2026-11-22T17:10:12Z"); // date -u -d @1795367412
    }
}
