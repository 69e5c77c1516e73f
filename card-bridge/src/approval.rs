//! What the card may sign. The page never sends a digest: it sends what is to be signed
//! (`SignedContent`), and this module decides, from those bytes and the card in the reader alone,
//! whether the card may sign them, what the signature does (the PIN window shows that, never the
//! page's words), and the digest the card signs.
//!
//! Why here and not in the extension: the bridge is native code that the page cannot reach, it
//! reuses the client's own request builders to read a payload (`ehcert_certra::eid_request`, so
//! there is one way to read each request, the way it was written), and it reads the holder's
//! national number from the card in the same PC/SC transaction as the signature, so the card that
//! signs is the card whose holder was checked.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use ehcert_certra::{
    eid_request::{self, CardKeyType, EidContent},
    request::Actor,
    signature::SignatureAlgorithm,
};
use ehcert_pki::{dn, identifier::PublicKeyIdentifier};
use ehcert_shared::bridge::{
    card_check_message, CardHolder, CardKeyAlgorithm, CertificateRequestSummary,
    CertificateSubject, KeyRole, NoticeContact, RevocationSummary, SignedContent, SignedOperation,
    CARD_CHECK_CHALLENGE_LEN,
};
use sha2::{Digest, Sha256};

use crate::error::{BridgeError, Refusal};

/// What the card signs, once approved.
#[derive(Debug)]
pub(crate) struct Approved {
    /// How the card signs: the XML signature method, which fixes the card's algorithm
    /// reference and the digest (a card check is signed as RSA-SHA256 or ECDSA-SHA256).
    pub algorithm: SignatureAlgorithm,
    /// The digest the card signs.
    pub digest: Vec<u8>,
    /// What the signature does.
    pub operation: SignedOperation,
}

/// What the approval needs of the card in the reader: its key pairs, and its holder's national
/// number from the identity file.
#[derive(Clone, Debug)]
pub(crate) struct SigningCard {
    /// Which signatures the card can make.
    pub key_algorithm: CardKeyAlgorithm,
    /// The holder's SSIN: every person a request names must be this one.
    pub national_number: String,
}

impl From<&CardHolder> for SigningCard {
    fn from(holder: &CardHolder) -> Self {
        Self {
            key_algorithm: holder.key_algorithm,
            national_number: holder.national_number.clone(),
        }
    }
}

/// How far a request's `IssueInstant` may lie ahead of the bridge's clock: the page that made it
/// runs on the same computer, so only a clock adjusted in between.
pub(crate) const ISSUED_AHEAD_SECONDS: u64 = 5 * 60;
/// How long ago a request may have been made: the preview, then up to three PIN attempts of two
/// minutes each (extension/relay.js `USER_TIMEOUT_MS`), with room to spare. An older request is
/// one the page kept, not one the person just asked for.
pub(crate) const ISSUED_BEHIND_SECONDS: u64 = 15 * 60;

/// Decides whether `card` may sign `content` with `key`, at `now` (Unix seconds).
pub(crate) fn approve(
    key: KeyRole,
    content: &SignedContent,
    card: &SigningCard,
    now: u64,
) -> Result<Approved, BridgeError> {
    // The card check's signature, and the XML signature methods this card can make.
    let (check_algorithm, key_type) = match card.key_algorithm {
        CardKeyAlgorithm::Rsa2048 => (SignatureAlgorithm::RsaSha256, CardKeyType::Rsa),
        CardKeyAlgorithm::EcdsaP384 => (SignatureAlgorithm::EcdsaSha256, CardKeyType::Ec),
    };
    let approved = match content {
        SignedContent::CardCheck(check) => {
            let challenge = STANDARD
                .decode(&check.challenge)
                .ok()
                .filter(|bytes| bytes.len() == CARD_CHECK_CHALLENGE_LEN)
                .ok_or(BridgeError::NotSignable(Refusal::Challenge))?;
            Approved {
                algorithm: check_algorithm,
                digest: Sha256::digest(card_check_message(&check.origin, &challenge)).to_vec(),
                operation: SignedOperation::CardCheck { origin: check.origin.clone() },
            }
        }
        SignedContent::EhealthRequest(request) => {
            let checked = eid_request::check(&request.signed_info, &request.payload, key_type)
                .map_err(|err| match err {
                    ehcert_certra::CertraError::NotSignable(problem) => {
                        BridgeError::NotSignable(Refusal::Request(problem))
                    }
                    _ => BridgeError::NotSignable(Refusal::Request(
                        ehcert_certra::SignableProblem::Malformed,
                    )),
                })?;
            let issued = checked.request.issued_at().unwrap_or(0);
            if issued > now.saturating_add(ISSUED_AHEAD_SECONDS)
                || issued < now.saturating_sub(ISSUED_BEHIND_SECONDS)
            {
                return Err(BridgeError::NotSignable(Refusal::IssueInstant));
            }
            Approved {
                algorithm: checked.algorithm,
                digest: checked.digest,
                operation: operation(&checked.request.content, &card.national_number)?,
            }
        }
    };
    if !key.may_sign(&approved.operation) {
        return Err(BridgeError::NotSignable(Refusal::WrongKey));
    }
    Ok(approved)
}

/// The operation in the PIN window's terms, after checking that every person it names is the
/// card holder (`ssin`).
fn operation(content: &EidContent, ssin: &str) -> Result<SignedOperation, BridgeError> {
    let other_person = BridgeError::NotSignable(Refusal::OtherPerson);
    Ok(match content {
        EidContent::ActorQualities { ssin: asked } => {
            if asked != ssin {
                return Err(other_person);
            }
            SignedOperation::ActorQualities
        }
        EidContent::CertificateList => SignedOperation::CertificateList,
        EidContent::CertificateRequest { csr, contract, contact, .. } => {
            signer_is(&contract.signer, ssin)?;
            let attributes = attributes_of(&contract.dn)?;
            let certificate = subject(&contract.dn, ssin)?;
            let csr =
                ehcert_pki::csr::decode(csr).map_err(|_| BridgeError::NotSignable(Refusal::Csr))?;
            // The CSR must be for the contract's name: eHealth issues the contract's DN, and a
            // CSR for another name would be a request the window did not describe.
            if dn::attributes(&csr.info.subject) != attributes {
                return Err(BridgeError::NotSignable(Refusal::Csr));
            }
            SignedOperation::CertificateRequest(CertificateRequestSummary {
                certificate,
                key_id: PublicKeyIdentifier::of(&csr.info.public_key).to_hex().to_uppercase(),
                contact: NoticeContact {
                    email: contact.email_private.clone(),
                    phone: contact.phone_private.clone(),
                    email_general: contact.email_general.clone(),
                    phone_general: contact.phone_general.clone(),
                },
            })
        }
        EidContent::Revocation { key_identifier, contract } => {
            signer_is(&contract.signer, ssin)?;
            SignedOperation::Revocation(RevocationSummary {
                certificate: subject(&contract.dn, ssin)?,
                key_id: PublicKeyIdentifier(*key_identifier).to_hex().to_uppercase(),
                reason: contract.reason.as_str().to_owned(),
            })
        }
    })
}

/// The contract's signer must be the card holder, named by their national number only.
fn signer_is(signer: &Actor, ssin: &str) -> Result<(), BridgeError> {
    match signer.ids.as_slice() {
        [id] if id.kind == "SSIN" && id.value == ssin => Ok(()),
        _ => Err(BridgeError::NotSignable(Refusal::OtherPerson)),
    }
}

/// The attributes of a contract's DN, most specific first.
fn attributes_of(text: &str) -> Result<Vec<(String, Option<String>)>, BridgeError> {
    let name = dn::parse(text).map_err(|_| BridgeError::NotSignable(Refusal::Dn))?;
    Ok(dn::attributes(&name))
}

/// Whose certificate an eHealth DN (`text`) names
/// ([`dn::EhealthSubject`]); a personal certificate (`SSIN`) must be the card holder's.
///
/// The DN must be exactly eHealth's layout of what it names (app/certra/PROTOCOL.md §6.1,
/// rebuilt by [`dn::ehealth`] from the values read): a DN that also carried a second person's
/// number, a second CN or another order would otherwise pass as the holder's own, since the
/// window shows the values read, not every attribute.
fn subject(text: &str, ssin: &str) -> Result<CertificateSubject, BridgeError> {
    let refused = || BridgeError::NotSignable(Refusal::Dn);
    let name = dn::parse(text).map_err(|_| refused())?;
    let subject = dn::EhealthSubject::of(&name).ok_or_else(refused)?;
    let rebuilt = dn::ehealth(
        &subject.id_type,
        &subject.id,
        &subject.name,
        subject.application_id.as_deref(),
    );
    let rebuilt = dn::parse(&rebuilt).map_err(|_| refused())?;
    if dn::attributes(&rebuilt) != dn::attributes(&name) {
        return Err(refused());
    }
    if subject.is_person() && subject.id != ssin {
        return Err(BridgeError::NotSignable(Refusal::OtherPerson));
    }
    Ok(CertificateSubject {
        id_type: subject.id_type,
        id: subject.id,
        name: subject.name,
        application_id: subject.application_id,
        dn: text.to_owned(),
    })
}

#[cfg(test)]
#[path = "approval_tests.rs"]
pub(crate) mod tests;
