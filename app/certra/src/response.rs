//! Reading the services' answers. Everything here is untrusted input: the body may be an HTML
//! error page from a proxy, truncated, oversized, in the wrong namespace, or a SOAP fault. Each
//! case becomes a [`CertraError`]; nothing panics (the `response_parse` fuzz target checks).

use base64::{engine::general_purpose::STANDARD, Engine as _};
use roxmltree::{Document, Node};

use crate::{
    endpoint::Operation,
    error::EteeError,
    ns,
    request::{
        Actor, CertificateIdentifier, ContactData, Contract, EtkIdentifier, Identifier,
        LocalizedText, RevocationContract, RevocationReason,
    },
    CertraError, Result,
};

/// Larger answers are refused unread: the largest legitimate one (a citizen's certificate list, a
/// chain, an ETK) is a few tens of kilobytes.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// eHealth's success status (app/certra/PROTOCOL.md §2.2).
pub const SUCCESS: &str = "urn:be:fgov:ehealth:2.0:status:Success";

/// GetActorQualities: what the eID holder may request.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ActorQualities {
    /// A personal certificate is allowed (the person has a healthcare quality).
    pub natural_person: bool,
    /// Organisations the person may request certificates for.
    pub organizations: Vec<Organization>,
}

/// An organisation the person holds a mandate for.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Organization {
    /// Its name per language.
    pub name: Vec<LocalizedText>,
    /// Its identifier.
    pub identifier: Identifier,
}

/// One organisation type (GetGenericOrganizationTypes).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct OrganizationType {
    /// Name per language.
    pub name: Vec<LocalizedText>,
    /// Identifier type, e.g. `NIHII-HOSPITAL`.
    pub identifier_type: String,
    /// Java regex the identifier must match.
    pub validation_regex: Option<String>,
    /// Check-digit algorithm names.
    pub check_digit_algorithms: Vec<String>,
    /// Base services a certificate of this type may use.
    pub available_base_services: Vec<String>,
}

/// GenerateCertificate's answer.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct GeneratedCertificate {
    /// The new key's identifier, to poll GetCertificate with.
    pub public_key_identifier: [u8; 20],
    /// `false`: eHealth validates by hand, issuance takes longer.
    pub automatically_validated: bool,
    /// The certificate this one replaces (renewal).
    pub replaces: Option<[u8; 20]>,
}

/// SubmitCSRForForeigner's answer.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct ForeignerSubmission {
    /// Where the person confirms the request.
    pub validation_url: String,
    /// Until when.
    pub expiration_date: String,
}

/// CompleteETKRegistration's answer.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EtkRegistration {
    /// The ETK (CMS SignedData, DER), when the answer carries it.
    pub etk: Option<Vec<u8>>,
    /// The ETK waits for ActivateETK (a renewal while the old ETK is valid), when the answer
    /// says.
    pub to_be_activated: Option<bool>,
}

/// The ETK Depot's answer.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum EtkLookup {
    /// One ETK.
    Etk(Vec<u8>),
    /// Several: ask again with one of these identifier sets.
    Matching(Vec<Vec<EtkIdentifier>>),
}

/// A certificate as CertRA describes it (`cc:CertificateInfoType`).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct CertificateInfo {
    /// When it was requested.
    pub requested_date: String,
    /// Its key identifier.
    pub public_key_identifier: [u8; 20],
    /// `NaturalPerson` or `Organization`.
    pub entity_type: Option<String>,
    /// Whose certificate.
    pub identifier: CertificateIdentifier,
    /// `IN_PROGRESS`, `VALID_ACTIVE`, `REFUSED`, `REVOKED`, `EXPIRED`.
    pub status: String,
    /// `NOT_REQUESTED`, `IN_REQUEST`, `WAIT_FOR_ACTIVATION`, `VALID_ACTIVE`, `REVOKED`, `EXPIRED`.
    pub etk_status: String,
    /// Validated without manual check.
    pub automatically_validated: bool,
    /// Present once delivered.
    pub details: Option<CertificateDetails>,
    /// May be revoked by the signer.
    pub revocable: bool,
    /// May be replaced now (inside the replacement window).
    pub replaceable: bool,
    /// Start of the replacement window, once delivered.
    pub replacement_period_start: Option<String>,
    /// Contact data given at the request.
    pub contact_data: ContactData,
    /// Base services.
    pub base_service_usage: Vec<String>,
}

/// The delivered certificate's details.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct CertificateDetails {
    /// Serial number as CertRA writes it.
    pub serial_number: String,
    /// Subject DN.
    pub dn: String,
    /// Issuer DN.
    pub issuer_dn: String,
    /// `xs:dateTime`.
    pub valid_not_before: String,
    /// `xs:dateTime`.
    pub valid_not_after: String,
}

/// GetActorQualities.
pub fn actor_qualities(body: &[u8]) -> Result<ActorQualities> {
    with_response(Operation::GetActorQualities, body, |root| {
        Ok(ActorQualities {
            natural_person: boolean(&required(
                root,
                ns::CERTRA_PROTOCOL.uri,
                "NaturalPersonAuthorization",
            )?)?,
            organizations: children(root, ns::CERTRA_PROTOCOL.uri, "OrganizationAuthorization")
                .map(|organization| {
                    Ok(Organization {
                        name: localized(&required(organization, ns::CERTRA_CORE.uri, "Name")?)?,
                        identifier: identifier(&required(
                            organization,
                            ns::CERTRA_CORE.uri,
                            "Identifier",
                        )?)?,
                    })
                })
                .collect::<Result<_>>()?,
        })
    })
}

/// GetGenericOrganizationTypes.
pub fn organization_types(body: &[u8]) -> Result<Vec<OrganizationType>> {
    with_response(Operation::GetGenericOrganizationTypes, body, |root| {
        children(root, ns::CERTRA_PROTOCOL.uri, "OrganizationType")
            .map(|kind| {
                let cc = ns::CERTRA_CORE.uri;
                Ok(OrganizationType {
                    name: localized(&required(kind, cc, "Name")?)?,
                    identifier_type: text(&required(kind, cc, "IdentifierType")?),
                    validation_regex: children(kind, cc, "ValidationRegEx")
                        .next()
                        .map(|node| text(&node)),
                    check_digit_algorithms: children(kind, cc, "CheckDigitAlgorithm")
                        .map(|node| text(&node))
                        .collect(),
                    available_base_services: children(kind, cc, "AvailableBaseService")
                        .map(|node| text(&node))
                        .collect(),
                })
            })
            .collect()
    })
}

/// GetExistingApplicationIds: `None` stands for a certificate without application id (nil).
pub fn existing_application_ids(body: &[u8]) -> Result<Vec<Option<String>>> {
    with_response(Operation::GetExistingApplicationIds, body, |root| {
        Ok(children(root, ns::CERTRA_PROTOCOL.uri, "ApplicationId")
            .map(|node| {
                let nil = node.attribute(("http://www.w3.org/2001/XMLSchema-instance", "nil"));
                if matches!(nil, Some("true" | "1")) {
                    None
                } else {
                    Some(text(&node))
                }
            })
            .collect())
    })
}

/// GenerateContract.
pub fn contract(body: &[u8]) -> Result<Contract> {
    with_response(Operation::GenerateContract, body, |root| {
        let contract = required(root, ns::CERTRA_PROTOCOL.uri, "Contract")?;
        let cc = ns::CERTRA_CORE.uri;
        Ok(Contract {
            dn: text(&required(contract, cc, "DN")?),
            signer: actor(&required(contract, cc, "Signer")?)?,
            text: localized(&required(contract, cc, "Text")?)?,
        })
    })
}

/// GenerateCertificate.
pub fn generated_certificate(body: &[u8]) -> Result<GeneratedCertificate> {
    with_response(Operation::GenerateCertificate, body, |root| {
        let cp = ns::CERTRA_PROTOCOL.uri;
        Ok(GeneratedCertificate {
            public_key_identifier: key_identifier(&required(root, cp, "PublicKeyIdentifier")?)?,
            automatically_validated: boolean(&required(root, cp, "AutomaticallyValidated")?)?,
            replaces: children(root, cp, "ReplacesCertificate")
                .next()
                .map(|node| key_identifier(&node))
                .transpose()?,
        })
    })
}

/// GetCertificate: DER certificates, leaf first. `CERT_NOT_YET_DELIVERED` comes back as
/// [`CertraError::Refused`] (see [`CertraError::is_not_yet_delivered`]).
pub fn certificate_chain(body: &[u8]) -> Result<Vec<Vec<u8>>> {
    with_response(Operation::GetCertificate, body, |root| {
        let chain: Vec<Vec<u8>> = children(root, ns::CERTRA_PROTOCOL.uri, "X509Certificate")
            .map(|node| base64(&node))
            .collect::<Result<_>>()?;
        if chain.is_empty() {
            return Err(CertraError::Malformed("GetCertificate returned no certificate".into()));
        }
        Ok(chain)
    })
}

/// GetCertificateInfoForCitizen's list, read entry by entry: one entry eHealth writes otherwise
/// than ehcert expects (a certificate from before a schema change, an identifier of another
/// length) is kept aside with why, and the others are used.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct CitizenCertificates {
    /// The entries read.
    pub certificates: Vec<CertificateInfo>,
    /// The entries that could not be read, in eHealth's order.
    pub unreadable: Vec<UnreadableEntry>,
}

/// A `CertificateInfo` of a list that could not be read, with what could be read of it.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct UnreadableEntry {
    /// Its place in eHealth's list, from 0.
    pub position: usize,
    /// Its `PublicKeyIdentifier`, when that much could be read.
    pub public_key_identifier: Option<[u8; 20]>,
    /// Its `AuthenticationCertificateStatus`, when present.
    pub status: Option<String>,
    /// Why it could not be read.
    pub error: CertraError,
}

impl CitizenCertificates {
    /// Whether eHealth lists the key `public_key_identifier`, readable or not.
    pub fn lists_key(&self, public_key_identifier: &[u8; 20]) -> bool {
        self.certificates.iter().any(|info| info.public_key_identifier == *public_key_identifier)
            || self
                .unreadable
                .iter()
                .any(|entry| entry.public_key_identifier.as_ref() == Some(public_key_identifier))
    }

    /// Whether an unreadable entry may be the key `public_key_identifier`: its own identifier
    /// could not be read.
    pub fn may_list_key(&self, public_key_identifier: &[u8; 20]) -> bool {
        self.lists_key(public_key_identifier)
            || self.unreadable.iter().any(|entry| entry.public_key_identifier.is_none())
    }

    /// Whether an entry, readable or not, is a request eHealth has not issued yet: then the list
    /// carries requests in progress (`crate::dialect::InProgressListing`).
    pub fn shows_in_progress(&self) -> bool {
        self.certificates.iter().any(|info| info.status == "IN_PROGRESS")
            || self.unreadable.iter().any(|entry| entry.status.as_deref() == Some("IN_PROGRESS"))
    }

    /// The status eHealth gives the key `public_key_identifier`, readable entry or not.
    pub fn status_of(&self, public_key_identifier: &[u8; 20]) -> Option<&str> {
        self.certificates
            .iter()
            .find(|info| info.public_key_identifier == *public_key_identifier)
            .map(|info| info.status.as_str())
            .or_else(|| {
                self.unreadable
                    .iter()
                    .find(|entry| {
                        entry.public_key_identifier.as_ref() == Some(public_key_identifier)
                    })
                    .and_then(|entry| entry.status.as_deref())
            })
    }
}

/// GetCertificateInfoForCitizen. A fault, a refusal or a body that is not the answer is an
/// error; an entry that cannot be read is not ([`CitizenCertificates::unreadable`]).
pub fn citizen_certificates(body: &[u8]) -> Result<CitizenCertificates> {
    with_response(Operation::GetCertificateInfoForCitizen, body, |root| {
        let mut list = CitizenCertificates::default();
        let cc = ns::CERTRA_CORE.uri;
        for (position, node) in
            children(root, ns::CERTRA_PROTOCOL.uri, "CertificateInfo").enumerate()
        {
            match certificate_info(&node) {
                Ok(info) => list.certificates.push(info),
                Err(error) => list.unreadable.push(UnreadableEntry {
                    position,
                    public_key_identifier: children(node, cc, "PublicKeyIdentifier")
                        .next()
                        .and_then(|id| key_identifier(&id).ok()),
                    status: children(node, cc, "AuthenticationCertificateStatus")
                        .next()
                        .map(|status| text(&status).trim().to_owned()),
                    error,
                }),
            }
        }
        Ok(list)
    })
}

/// Whether `body` is `operation`'s answer with a success status, whatever else it holds: what
/// can be said of an answer whose content cannot be read.
pub fn status(operation: Operation, body: &[u8]) -> Result<()> {
    with_response(operation, body, |_| Ok(()))
}

/// GetCertificateInfoForAuthenticationCertificate.
pub fn authentication_certificate_info(body: &[u8]) -> Result<CertificateInfo> {
    with_response(Operation::GetCertificateInfoForAuthenticationCertificate, body, |root| {
        certificate_info(&required(root, ns::CERTRA_PROTOCOL.uri, "CertificateInfo")?)
    })
}

/// GenerateRevocationContract.
pub fn revocation_contract(body: &[u8]) -> Result<RevocationContract> {
    with_response(Operation::GenerateRevocationContract, body, |root| {
        let contract = required(root, ns::CERTRA_PROTOCOL.uri, "Contract")?;
        let cc = ns::CERTRA_CORE.uri;
        let reason = text(&required(contract, cc, "RevocationReason")?);
        Ok(RevocationContract {
            dn: text(&required(contract, cc, "DN")?),
            signer: actor(&required(contract, cc, "Signer")?)?,
            reason: RevocationReason::parse(&reason).ok_or_else(|| {
                CertraError::Malformed(format!("unknown revocation reason {reason:?}"))
            })?,
            text: localized(&required(contract, cc, "Text")?)?,
        })
    })
}

/// Revoke: success or an error.
pub fn revoked(body: &[u8]) -> Result<()> {
    with_response(Operation::Revoke, body, |_| Ok(()))
}

/// SubmitCSRForForeigner.
pub fn foreigner_submission(body: &[u8]) -> Result<ForeignerSubmission> {
    with_response(Operation::SubmitCsrForForeigner, body, |root| {
        let cp = ns::CERTRA_PROTOCOL.uri;
        Ok(ForeignerSubmission {
            validation_url: text(&required(root, cp, "ValidationUrl")?),
            expiration_date: text(&required(root, cp, "ExpirationDate")?),
        })
    })
}

/// StartETKRegistration: the challenge bytes.
pub fn etk_challenge(body: &[u8]) -> Result<Vec<u8>> {
    with_response(Operation::StartEtkRegistration, body, |root| {
        base64(&required(root, ns::ETKRA_PROTOCOL.uri, "Challenge")?)
    })
}

/// CompleteETKRegistration.
pub fn etk_registration(body: &[u8]) -> Result<EtkRegistration> {
    with_response(Operation::CompleteEtkRegistration, body, |root| {
        let ep = ns::ETKRA_PROTOCOL.uri;
        // Both are optional in the schema (`CompleteETKRegistrationResponseType`'s sequence is
        // minOccurs="0"), and eHealth's own client reads only the status
        // (`ra/service/impl/EncryptionTokenRegistrationServiceImpl.java`): success is the
        // status, whatever else comes with it.
        let etk = children(root, ep, "ETK").next().map(|etk| base64(&etk)).transpose()?;
        let to_be_activated =
            children(root, ep, "ToBeActivated").next().map(|flag| boolean(&flag)).transpose()?;
        Ok(EtkRegistration { etk, to_be_activated })
    })
}

/// ActivateETK: success or an error.
pub fn etk_activated(body: &[u8]) -> Result<()> {
    with_response(Operation::ActivateEtk, body, |_| Ok(()))
}

/// ETK Depot GetEtk.
pub fn etk_lookup(body: &[u8]) -> Result<EtkLookup> {
    with_response(Operation::GetEtk, body, |root| {
        let ed = ns::ETKDEPOT_PROTOCOL.uri;
        if let Some(etk) = children(root, ed, "ETK").next() {
            return Ok(EtkLookup::Etk(base64(&etk)?));
        }
        let matching: Vec<Vec<EtkIdentifier>> = children(root, ed, "MatchingEtk")
            .map(|set| {
                children(set, ed, "Identifier")
                    .map(|identifier| {
                        Ok(EtkIdentifier {
                            kind: text(&required(identifier, ed, "Type")?),
                            value: text(&required(identifier, ed, "Value")?),
                            application_id: children(identifier, ed, "ApplicationID")
                                .next()
                                .map(|node| text(&node)),
                        })
                    })
                    .collect()
            })
            .collect::<Result<_>>()?;
        if matching.is_empty() {
            return Err(CertraError::Malformed(
                "GetEtk returned neither an ETK nor matches".into(),
            ));
        }
        Ok(EtkLookup::Matching(matching))
    })
}

/// Opens the envelope, handles faults and statuses, and gives the response element to `read`.
fn with_response<T>(
    operation: Operation,
    body: &[u8],
    read: impl FnOnce(Node<'_, '_>) -> Result<T>,
) -> Result<T> {
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(CertraError::TooLarge(body.len()));
    }
    let source = std::str::from_utf8(body)
        .map_err(|_| CertraError::NotSoap("the body is not UTF-8 text".into()))?;
    let trimmed = source.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(CertraError::NotSoap("the body is empty".into()));
    }
    let lower: String = trimmed.chars().take(15).collect::<String>().to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        return Err(CertraError::NotSoap("an HTML page (a server or proxy error page)".into()));
    }
    if !trimmed.starts_with('<') {
        // A proxy's or gateway's plain-text error ("Bad Gateway", "not configured").
        let excerpt: String = trimmed.chars().take(80).collect();
        return Err(CertraError::NotSoap(format!("plain text: {excerpt:?}")));
    }
    let document = Document::parse(source)
        .map_err(|err| CertraError::Malformed(format!("not well-formed XML: {err}")))?;
    let envelope = document.root_element();
    if !envelope.has_tag_name((ns::SOAP.uri, "Envelope")) {
        return Err(CertraError::NotSoap(format!(
            "the root element is {:?}, not a SOAP 1.1 Envelope",
            envelope.tag_name()
        )));
    }
    let soap_body = element_children(envelope)
        .find(|node| node.has_tag_name((ns::SOAP.uri, "Body")))
        .ok_or_else(|| CertraError::Malformed("the envelope has no Body".into()))?;
    let content = element_children(soap_body)
        .next()
        .ok_or_else(|| CertraError::Malformed("the SOAP Body is empty".into()))?;
    if content.has_tag_name((ns::SOAP.uri, "Fault")) {
        let field = |name: &str| {
            element_children(content)
                .find(|node| node.tag_name().name() == name)
                .map(|node| text(&node))
        };
        return Err(CertraError::Fault {
            code: field("faultcode").unwrap_or_default(),
            message: field("faultstring").unwrap_or_default(),
        });
    }
    let expected = (operation.namespace().uri, operation.response_element());
    if !content.has_tag_name(expected) {
        return Err(CertraError::Malformed(format!(
            "expected {{{}}}{}, got {:?}",
            expected.0,
            expected.1,
            content.tag_name()
        )));
    }
    check_status(operation, content)?;
    read(content)
}

fn check_status(operation: Operation, response: Node<'_, '_>) -> Result<()> {
    match operation {
        // Plain ResponseType: no Status (app/certra/PROTOCOL.md §3 row 3).
        Operation::GetExistingApplicationIds => Ok(()),
        Operation::GetEtk => {
            let status = required(response, ns::COMMONS_CORE_V1.uri, "Status")?;
            // commons core 1.0 has no elementFormDefault: Status's children are unqualified.
            let code = first_text(status, "Code");
            if code == "200" {
                return Ok(());
            }
            let errors = children(response, ns::ETKDEPOT_PROTOCOL.uri, "Error")
                .map(|error| EteeError {
                    code: first_text(error, "Code"),
                    message: first_text(error, "Message"),
                    parameters: Vec::new(),
                })
                .collect();
            Err(CertraError::Refused { status: code, errors })
        }
        _ => {
            let status = required(response, ns::COMMONS_CORE.uri, "Status")?;
            let code = required(status, ns::COMMONS_CORE.uri, "StatusCode")?;
            let value = code
                .attribute("Value")
                .ok_or_else(|| CertraError::Malformed("StatusCode has no Value".into()))?;
            if value == SUCCESS {
                return Ok(());
            }
            let errors = status
                .descendants()
                .filter(|node| node.has_tag_name((ns::ETEE_CORE.uri, "EteeStatusDetail")))
                .flat_map(|detail| {
                    element_children(detail).filter(|node| node.tag_name().name() == "Errors")
                })
                .map(|error| EteeError {
                    code: first_text(error, "Code"),
                    message: first_text(error, "Message"),
                    parameters: element_children(error)
                        .filter(|node| node.tag_name().name() == "Parameters")
                        .map(|parameter| {
                            (first_text(parameter, "Name"), first_text(parameter, "Value"))
                        })
                        .collect(),
                })
                .collect();
            Err(CertraError::Refused { status: value.to_owned(), errors })
        }
    }
}

fn certificate_info(node: &Node<'_, '_>) -> Result<CertificateInfo> {
    let cc = ns::CERTRA_CORE.uri;
    let entity = required(*node, cc, "CertificateEntity")?;
    let identifier = required(entity, cc, "CertificateIdentifier")?;
    let details = children(*node, cc, "AuthenticationCertificateDetails")
        .next()
        .map(|details| {
            Ok::<_, CertraError>(CertificateDetails {
                serial_number: text(&required(details, cc, "SerialNumber")?),
                dn: text(&required(details, cc, "DN")?),
                issuer_dn: text(&required(details, cc, "IssuerDN")?),
                valid_not_before: text(&required(details, cc, "ValidNotBefore")?),
                valid_not_after: text(&required(details, cc, "ValidNotAfter")?),
            })
        })
        .transpose()?;
    // Contact data only fills in the next request's form, so an entry without it (or without
    // one of the fields the schema requires today, as a certificate from before may be written)
    // is read with the field empty: the contact step asks the person for it.
    let contact = children(*node, cc, "ContactData").next();
    let contact_field = |name: &str| {
        contact.and_then(|contact| children(contact, cc, name).next()).map(|node| text(&node))
    };
    Ok(CertificateInfo {
        requested_date: text(&required(*node, cc, "RequestedDate")?),
        public_key_identifier: key_identifier(&required(*node, cc, "PublicKeyIdentifier")?)?,
        entity_type: entity.attribute("EntityType").map(str::to_owned),
        identifier: CertificateIdentifier {
            actor: actor(&required(identifier, cc, "Actor")?)?,
            application_id: children(identifier, cc, "ApplicationId")
                .next()
                .map(|node| text(&node)),
        },
        status: text(&required(*node, cc, "AuthenticationCertificateStatus")?),
        etk_status: text(&required(*node, cc, "ETKStatus")?),
        automatically_validated: boolean(&required(*node, cc, "AutomaticallyValidated")?)?,
        details,
        revocable: boolean(&required(*node, cc, "Revocable")?)?,
        replaceable: boolean(&required(*node, cc, "Replaceable")?)?,
        replacement_period_start: children(*node, cc, "ReplacementPeriodStartDate")
            .next()
            .map(|node| text(&node)),
        contact_data: ContactData {
            email_private: contact_field("EmailPrivate").unwrap_or_default(),
            email_general: contact_field("EmailGeneral"),
            phone_private: contact_field("PhonePrivate").unwrap_or_default(),
            phone_general: contact_field("PhoneGeneral"),
        },
        base_service_usage: children(*node, cc, "BaseServiceUsage")
            .map(|node| text(&node))
            .collect(),
    })
}

fn actor(node: &Node<'_, '_>) -> Result<Actor> {
    let core = ns::COMMONS_CORE.uri;
    let ids: Vec<Identifier> =
        children(*node, core, "Id").map(|id| identifier(&id)).collect::<Result<_>>()?;
    if ids.is_empty() {
        return Err(CertraError::Malformed("an actor has no Id".into()));
    }
    Ok(Actor {
        ids,
        first_names: children(*node, core, "FirstName").map(|node| text(&node)).collect(),
        name: text(&required(*node, core, "Name")?),
    })
}

fn identifier(node: &Node<'_, '_>) -> Result<Identifier> {
    Ok(Identifier {
        kind: node
            .attribute("Type")
            .ok_or_else(|| CertraError::Malformed("an Id has no Type".into()))?
            .to_owned(),
        value: text(node),
    })
}

fn localized(node: &Node<'_, '_>) -> Result<Vec<LocalizedText>> {
    children(*node, ns::CERTRA_CORE.uri, "Value")
        .map(|value| {
            Ok(LocalizedText {
                lang: value
                    .attribute(("http://www.w3.org/XML/1998/namespace", "lang"))
                    .ok_or_else(|| CertraError::Malformed("a text has no xml:lang".into()))?
                    .to_owned(),
                text: text(&value),
            })
        })
        .collect()
}

fn key_identifier(node: &Node<'_, '_>) -> Result<[u8; 20]> {
    let hex = text(node);
    let hex = hex.trim();
    crate::request::parse_public_key_identifier(hex).ok_or_else(|| {
        CertraError::Malformed(format!("{hex:?} is not a 20-byte PublicKeyIdentifier"))
    })
}

fn boolean(node: &Node<'_, '_>) -> Result<bool> {
    match text(node).trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(CertraError::Malformed(format!("{other:?} is not a boolean"))),
    }
}

/// `xs:base64Binary`: whitespace (line breaks) allowed between characters.
fn base64(node: &Node<'_, '_>) -> Result<Vec<u8>> {
    let compact: String = text(node).chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(compact).map_err(|err| {
        CertraError::Malformed(format!("bad base64 in {}: {err}", node.tag_name().name()))
    })
}

fn text(node: &Node<'_, '_>) -> String {
    node.children().filter(Node::is_text).filter_map(|child| child.text()).collect()
}

fn first_text(node: Node<'_, '_>, name: &str) -> String {
    element_children(node)
        .find(|child| child.tag_name().name() == name)
        .map(|child| text(&child))
        .unwrap_or_default()
}

fn element_children<'a, 'input>(node: Node<'a, 'input>) -> impl Iterator<Item = Node<'a, 'input>> {
    node.children().filter(Node::is_element)
}

fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    namespace: &'a str,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    element_children(node).filter(move |child| child.has_tag_name((namespace, name)))
}

fn required<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    namespace: &'a str,
    name: &'a str,
) -> Result<Node<'a, 'input>> {
    children(node, namespace, name).next().ok_or_else(|| {
        CertraError::Malformed(format!("{} has no {{{namespace}}}{name}", node.tag_name().name()))
    })
}
