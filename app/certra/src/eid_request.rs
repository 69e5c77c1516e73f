//! The requests an eID card signs, read back strictly by the card bridge before the card signs.
//!
//! The page hands the bridge the canonical `SignedInfo` and the signed element (the payload). The
//! bridge signs only when both are exactly what ehcert's own builders make: [`check`] reads the
//! payload's values, builds the request again from them with the functions of
//! [`crate::request`], and accepts the payload only when the two are the same bytes. That one
//! comparison refuses everything a strict schema-validating reader would, and more: unknown,
//! repeated or reordered elements, other prefixes or attributes, comments, character references,
//! CDATA, a document type declaration (refused by the parser itself), anything not in exclusive
//! canonical form. So the bridge cannot read a payload differently from eHealth: there is only
//! one way to write each request, and every request the builders make is valid against eHealth's
//! XSDs (`tests/it/requests.rs` checks them with `xmllint`). The `SignedInfo` is rebuilt the same
//! way from the payload's `Id`, its SHA-256 and the signature method of the card's key.
//!
//! Only four operations are ever signed by an eID card (eHealth's CertRA v2: GenerateCertificate
//! and Revoke with the signature key, GetActorQualities and GetCertificateInfoForCitizen with
//! the authentication key); which key may sign which is the caller's table.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use roxmltree::{Document, Node};

use crate::{
    endpoint::Operation,
    ns::{CERTRA_CORE as CC, CERTRA_PROTOCOL as CP, COMMONS_CORE as CORE},
    request::{
        self, Actor, ContactData, Contract, Identifier, LocalizedText, RequestMeta,
        RevocationContract, RevocationReason,
    },
    signature::{self, SignatureAlgorithm},
    xml::{Namespace, XML},
    CertraError, Result, SignableProblem,
};

/// A payload read back: its `Id`, `IssueInstant` and values.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EidRequest {
    /// `Id` and `IssueInstant`.
    pub meta: RequestMeta,
    /// The operation and its values.
    pub content: EidContent,
}

/// The operations an eID card signs, with what each carries.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum EidContent {
    /// GetActorQualities for `ssin`.
    ActorQualities {
        /// The person asked about.
        ssin: String,
    },
    /// GetCertificateInfoForCitizen: the signer's own certificates (no values).
    CertificateList,
    /// GenerateCertificate.
    CertificateRequest {
        /// Contact data.
        contact: ContactData,
        /// The PKCS#10 request, DER.
        csr: Vec<u8>,
        /// The contract echoed from GenerateContract.
        contract: Contract,
        /// `BaseServiceUsage` values.
        base_services: Vec<String>,
    },
    /// Revoke.
    Revocation {
        /// The certificate's `PublicKeyIdentifier`.
        key_identifier: [u8; 20],
        /// The revocation contract echoed from GenerateRevocationContract.
        contract: RevocationContract,
    },
}

impl EidRequest {
    /// When the request says it was made, in Unix seconds (its `IssueInstant`).
    pub fn issued_at(&self) -> Option<u64> {
        request::parse_date_time(&self.meta.issue_instant)
    }
}

impl EidContent {
    /// The operation.
    pub fn operation(&self) -> Operation {
        match self {
            Self::ActorQualities { .. } => Operation::GetActorQualities,
            Self::CertificateList => Operation::GetCertificateInfoForCitizen,
            Self::CertificateRequest { .. } => Operation::GenerateCertificate,
            Self::Revocation { .. } => Operation::Revoke,
        }
    }
}

/// The kind of key an eID card holds: it fixes the `SignatureMethod`s it can make.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum CardKeyType {
    /// Applet 1.7: RSA-2048, `rsa-sha256`.
    Rsa,
    /// Applet 1.8: P-384, `ecdsa-sha256` or `ecdsa-sha384` (the environment's dialect).
    Ec,
}

impl CardKeyType {
    fn methods(self) -> &'static [SignatureAlgorithm] {
        match self {
            Self::Rsa => &[SignatureAlgorithm::RsaSha256],
            Self::Ec => &[SignatureAlgorithm::EcdsaSha256, SignatureAlgorithm::EcdsaSha384],
        }
    }
}

/// A request checked for the card: what it is, how to sign it, and the digest the card signs.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Checked {
    /// The payload's values.
    pub request: EidRequest,
    /// The signature method of the `SignedInfo`.
    pub algorithm: SignatureAlgorithm,
    /// The hash of the `SignedInfo` with that method's hash: what the card signs.
    pub digest: Vec<u8>,
}

/// Checks `signed_info` and `payload` for a card with keys of `key_type`: the payload is read
/// strictly ([`read`]), and `signed_info` must be the canonical `SignedInfo` ehcert makes for it
/// with a signature method this card can make. Returns what the card would sign.
pub fn check(signed_info: &str, payload: &str, key_type: CardKeyType) -> Result<Checked> {
    let request = read(payload)?;
    let algorithm = key_type
        .methods()
        .iter()
        .copied()
        .find(|method| {
            signature::canonical_signed_info(&request.meta.id, *method, payload.as_bytes())
                == signed_info
        })
        .ok_or(CertraError::NotSignable(SignableProblem::SignedInfo))?;
    let digest = signature::card_digest(algorithm, signed_info.as_bytes());
    Ok(Checked { request, algorithm, digest })
}

/// Reads a payload that an eID card is asked to sign, refusing anything that is not exactly the
/// canonical form of a request ehcert's builders make.
pub fn read(payload: &str) -> Result<EidRequest> {
    // roxmltree refuses a DTD unless told otherwise, and with it entity declarations.
    let document =
        Document::parse(payload).map_err(|_| CertraError::NotSignable(SignableProblem::NotXml))?;
    let root = document.root_element();
    let operation = [
        Operation::GetActorQualities,
        Operation::GetCertificateInfoForCitizen,
        Operation::GenerateCertificate,
        Operation::Revoke,
    ]
    .into_iter()
    .find(|operation| is(root, operation.namespace(), operation.request_element()))
    .ok_or(CertraError::NotSignable(SignableProblem::NotAnEidOperation))?;
    let meta =
        RequestMeta { id: attribute(root, "Id")?, issue_instant: attribute(root, "IssueInstant")? };
    // Only the forms ehcert writes: a card never signs a request whose identity or date another
    // client chose the shape of. How near the date must be to now is the signer's to decide
    // ([`EidRequest::issued_at`]).
    if !request::is_request_id(&meta.id) {
        return Err(CertraError::NotSignable(SignableProblem::RequestId));
    }
    if request::parse_date_time(&meta.issue_instant).is_none() {
        return Err(CertraError::NotSignable(SignableProblem::IssueInstant));
    }
    let content = match operation {
        Operation::GetActorQualities => {
            EidContent::ActorQualities { ssin: text(one(root, CP, "SSIN")?) }
        }
        Operation::GenerateCertificate => {
            let csr = one(root, CP, "EHealthCSR")?;
            let contract = one(csr, CC, "Contract")?;
            EidContent::CertificateRequest {
                contact: contact_data(one(csr, CC, "ContactData")?)?,
                csr: base64(one(csr, CC, "CSR")?)?,
                contract: Contract {
                    dn: text(one(contract, CC, "DN")?),
                    signer: actor(one(contract, CC, "Signer")?)?,
                    text: localized(one(contract, CC, "Text")?),
                },
                base_services: all(csr, CC, "BaseServiceUsage").map(text).collect(),
            }
        }
        Operation::Revoke => {
            let contract = one(root, CP, "Contract")?;
            EidContent::Revocation {
                key_identifier: key_identifier(one(root, CP, "PublicKeyIdentifier")?)?,
                contract: RevocationContract {
                    dn: text(one(contract, CC, "DN")?),
                    signer: actor(one(contract, CC, "Signer")?)?,
                    reason: RevocationReason::parse(&text(one(contract, CC, "RevocationReason")?))
                        .ok_or(CertraError::NotSignable(SignableProblem::Malformed))?,
                    text: localized(one(contract, CC, "Text")?),
                },
            }
        }
        _ => EidContent::CertificateList,
    };
    let rebuilt = rebuild(&meta, &content);
    if rebuilt.operation != operation || rebuilt.root.canonical() != payload {
        return Err(CertraError::NotSignable(SignableProblem::NotCanonical));
    }
    Ok(EidRequest { meta, content })
}

/// The request ehcert's builders make of `content`.
fn rebuild(meta: &RequestMeta, content: &EidContent) -> request::Request {
    match content {
        EidContent::ActorQualities { ssin } => request::get_actor_qualities(meta, ssin),
        EidContent::CertificateList => request::get_certificate_info_for_citizen(meta),
        EidContent::CertificateRequest { contact, csr, contract, base_services } => {
            request::generate_certificate(meta, contact, csr, contract, base_services)
        }
        EidContent::Revocation { key_identifier, contract } => {
            request::revoke(meta, key_identifier, contract)
        }
    }
}

fn malformed() -> CertraError {
    CertraError::NotSignable(SignableProblem::Malformed)
}

fn is(node: Node<'_, '_>, namespace: Namespace, name: &str) -> bool {
    node.is_element()
        && node.tag_name().namespace() == Some(namespace.uri)
        && node.tag_name().name() == name
}

fn all<'a, 'input>(
    parent: Node<'a, 'input>,
    namespace: Namespace,
    name: &'static str,
) -> impl Iterator<Item = Node<'a, 'input>> {
    parent.children().filter(move |child| is(*child, namespace, name))
}

/// The first child so named. A second one is not read: the rebuilt request then differs.
fn one<'a, 'input>(
    parent: Node<'a, 'input>,
    namespace: Namespace,
    name: &'static str,
) -> Result<Node<'a, 'input>> {
    all(parent, namespace, name).next().ok_or_else(malformed)
}

fn attribute(node: Node<'_, '_>, name: &str) -> Result<String> {
    node.attribute(name).map(str::to_owned).ok_or_else(malformed)
}

fn text(node: Node<'_, '_>) -> String {
    node.text().unwrap_or_default().to_owned()
}

fn base64(node: Node<'_, '_>) -> Result<Vec<u8>> {
    STANDARD.decode(text(node)).map_err(|_| malformed())
}

fn key_identifier(node: Node<'_, '_>) -> Result<[u8; 20]> {
    request::parse_public_key_identifier(&text(node)).ok_or_else(malformed)
}

fn actor(node: Node<'_, '_>) -> Result<Actor> {
    Ok(Actor {
        ids: all(node, CORE, "Id")
            .map(|id| Ok(Identifier { kind: attribute(id, "Type")?, value: text(id) }))
            .collect::<Result<_>>()?,
        first_names: all(node, CORE, "FirstName").map(text).collect(),
        name: text(one(node, CORE, "Name")?),
    })
}

fn contact_data(node: Node<'_, '_>) -> Result<ContactData> {
    Ok(ContactData {
        email_private: text(one(node, CC, "EmailPrivate")?),
        email_general: all(node, CC, "EmailGeneral").next().map(text),
        phone_private: text(one(node, CC, "PhonePrivate")?),
        phone_general: all(node, CC, "PhoneGeneral").next().map(text),
    })
}

fn localized(node: Node<'_, '_>) -> Vec<LocalizedText> {
    all(node, CC, "Value")
        .map(|value| LocalizedText {
            lang: value.attribute((XML.uri, "lang")).unwrap_or_default().to_owned(),
            text: text(value),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> RequestMeta {
        RequestMeta {
            id: "_0123456789abcdef0123456789abcdef".into(),
            issue_instant: "2026-11-29T10:00:00Z".into(),
        }
    }

    fn holder() -> Actor {
        Actor {
            ids: vec![Identifier { kind: "SSIN".into(), value: "85073003328".into() }],
            first_names: vec!["Jan Pieter".into()],
            name: "Peeters".into(),
        }
    }

    fn certificate_request() -> request::Request {
        request::generate_certificate(
            &meta(),
            &ContactData {
                email_private: "jan@example.be".into(),
                email_general: None,
                phone_private: "0470123456".into(),
                phone_general: Some("021234567".into()),
            },
            &[0x30, 0x03, 0x02, 0x01, 0x00],
            &Contract {
                dn: "CN=SSIN=85073003328,OU=eHealth-platform Belgium,OU=PEETERS JAN PIETER,OU=SSIN=85073003328,O=Federal Government,C=BE".into(),
                signer: holder(),
                text: vec![LocalizedText { lang: "nl".into(), text: "<p>Ik &amp; \"jij\"</p>".into() }],
            },
            &["NR".into()],
        )
    }

    #[test]
    fn reads_back_every_request_the_builders_make_for_the_card() {
        let revoke = request::revoke(
            &meta(),
            &[0xAB; 20],
            &RevocationContract {
                dn: "CN=SSIN=85073003328,OU=eHealth-platform Belgium,C=BE".into(),
                signer: holder(),
                reason: RevocationReason::KeyCompromise,
                text: vec![],
            },
        );
        for built in [
            request::get_actor_qualities(&meta(), "85073003328"),
            request::get_certificate_info_for_citizen(&meta()),
            certificate_request(),
            revoke,
        ] {
            let read = read(&built.root.canonical()).unwrap();
            assert_eq!(read.meta, meta());
            assert_eq!(read.content.operation(), built.operation);
            assert_eq!(rebuild(&read.meta, &read.content), built);
        }
    }

    #[test]
    fn refuses_operations_the_card_does_not_sign() {
        for built in [
            request::get_certificate_info_for_authentication_certificate(&meta()),
            request::activate_etk(&meta()),
            request::start_etk_registration(&meta(), &[1, 2, 3]),
        ] {
            assert_eq!(
                read(&built.root.canonical()),
                Err(CertraError::NotSignable(SignableProblem::NotAnEidOperation))
            );
        }
    }

    #[test]
    fn refuses_anything_but_the_one_canonical_form() {
        let canonical = certificate_request().root.canonical();
        let not_canonical = |variant: String| {
            assert_ne!(variant, canonical);
            let refused = read(&variant).unwrap_err();
            assert!(
                matches!(
                    refused,
                    CertraError::NotSignable(
                        SignableProblem::NotCanonical | SignableProblem::NotXml
                    )
                ),
                "{refused:?} for {variant}"
            );
        };
        // A second DN after the first: a reader that takes the last one would see another name.
        not_canonical(canonical.replacen(
            "</cc:DN>",
            "</cc:DN><cc:DN>CN=SSIN=00000000097,C=BE</cc:DN>",
            1,
        ));
        // An unknown element, a comment, a character reference, CDATA, another prefix.
        not_canonical(canonical.replacen(
            "<cc:CSR xmlns",
            r#"<cc:Extra xmlns:cc="urn:be:fgov:ehealth:certra:core:v2"></cc:Extra><cc:CSR xmlns"#,
            1,
        ));
        not_canonical(canonical.replacen("<cc:CSR xmlns", "<!-- x --><cc:CSR xmlns", 1));
        not_canonical(canonical.replacen("jan@example.be", "jan&#64;example.be", 1));
        not_canonical(canonical.replacen("jan@example.be", "<![CDATA[jan@example.be]]>", 1));
        not_canonical(canonical.replace("cc:", "c2:").replace("xmlns:cc=", "xmlns:c2="));
        // Elements in another order, whitespace between them, an XML declaration.
        not_canonical(canonical.replacen(
            "<cc:EmailPrivate>jan@example.be</cc:EmailPrivate><cc:PhonePrivate>0470123456</cc:PhonePrivate>",
            "<cc:PhonePrivate>0470123456</cc:PhonePrivate><cc:EmailPrivate>jan@example.be</cc:EmailPrivate>",
            1,
        ));
        not_canonical(canonical.replacen("<cc:CSR xmlns", "\n<cc:CSR xmlns", 1));
        not_canonical(format!(r#"<?xml version="1.0"?>{canonical}"#));
        // A document type declaration (with an entity a lax reader would expand).
        let with_dtd = format!(
            "<!DOCTYPE cp:GenerateCertificateRequest [<!ENTITY who \"00000000097\">]>{canonical}"
        );
        assert_eq!(read(&with_dtd), Err(CertraError::NotSignable(SignableProblem::NotXml)));
    }

    #[test]
    fn refuses_ids_and_instants_in_forms_ehcert_does_not_make() {
        let with = |id: &str, instant: &str| {
            let meta = RequestMeta { id: id.into(), issue_instant: instant.into() };
            read(&request::get_certificate_info_for_citizen(&meta).root.canonical())
        };
        let good_id = meta().id;
        let good_instant = meta().issue_instant;
        assert!(with(&good_id, &good_instant).is_ok());
        for id in [
            "",
            "_0123456789ABCDEF0123456789ABCDEF",
            "_0123456789abcdef0123456789abcde",
            "_0123456789abcdef0123456789abcdef0",
            "0123456789abcdef0123456789abcdef",
            "_0123456789abcdef0123456789abcdeg",
        ] {
            assert_eq!(
                with(id, &good_instant),
                Err(CertraError::NotSignable(SignableProblem::RequestId)),
                "{id}"
            );
        }
        for instant in [
            "",
            "2026-11-29T10:00:00.000Z",
            "2026-11-29T10:00:00+01:00",
            "2026-11-29T10:00:00",
            "2026-11-29 10:00:00Z",
            "2026-13-29T10:00:00Z",
            "2026-02-30T10:00:00Z",
            "2026-11-29T24:00:00Z",
            "+2026-11-29T10:00:00Z",
            "tomorrow",
        ] {
            assert_eq!(
                with(&good_id, instant),
                Err(CertraError::NotSignable(SignableProblem::IssueInstant)),
                "{instant}"
            );
        }
        let read = with(&good_id, "2099-12-31T23:59:59Z").unwrap();
        assert_eq!(read.issued_at(), Some(4_102_444_799));
    }

    #[test]
    fn the_signed_info_must_be_ehcerts_for_this_payload_and_card() {
        let payload = certificate_request().root.canonical();
        let id = &meta().id;
        let rsa =
            signature::canonical_signed_info(id, SignatureAlgorithm::RsaSha256, payload.as_bytes());
        let checked = check(&rsa, &payload, CardKeyType::Rsa).unwrap();
        assert_eq!(checked.algorithm, SignatureAlgorithm::RsaSha256);
        assert_eq!(
            checked.digest,
            signature::card_digest(SignatureAlgorithm::RsaSha256, rsa.as_bytes())
        );
        // An RSA method for an EC card, a digest of another payload, another reference.
        let refused = Err(CertraError::NotSignable(SignableProblem::SignedInfo));
        assert_eq!(check(&rsa, &payload, CardKeyType::Ec), refused);
        let other = request::get_certificate_info_for_citizen(&meta()).root.canonical();
        let other_digest =
            signature::canonical_signed_info(id, SignatureAlgorithm::RsaSha256, other.as_bytes());
        assert_eq!(check(&other_digest, &payload, CardKeyType::Rsa), refused);
        assert_eq!(check(&rsa.replace(id.as_str(), "_other"), &payload, CardKeyType::Rsa), refused);
        let ec = signature::canonical_signed_info(
            id,
            SignatureAlgorithm::EcdsaSha384,
            payload.as_bytes(),
        );
        let checked = check(&ec, &payload, CardKeyType::Ec).unwrap();
        assert_eq!(checked.digest.len(), 48);
    }
}
