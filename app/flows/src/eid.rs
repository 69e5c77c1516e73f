//! The eID holder as the flows need them: who (for contracts and DNs) and which chain goes into
//! the XML signature's `KeyInfo` (app/certra/PROTOCOL.md §2.3), from what the card bridge read.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use ehcert_certra::{
    dialect::{Dialect, EcSignatureMethod},
    request::{Actor, CertificateIdentifier, Identifier, Request},
    signature::{SignatureAlgorithm, SignatureDraft},
};
use ehcert_shared::{
    bridge::{CardKeyAlgorithm, KeyRole},
    page::CardSummary,
};

pub use crate::services::EidSignature;
use crate::{signature_id, CardProblem, FlowError, Services};

/// The card holder and their certificates.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EidHolder {
    /// The reader the card sits in.
    pub reader: String,
    /// National number (SSIN).
    pub ssin: String,
    /// Given names as on the card.
    pub given_names: String,
    /// Surname as on the card.
    pub surname: String,
    /// The card's key pairs (applet 1.8: P-384, older: RSA-2048).
    pub key_algorithm: CardKeyAlgorithm,
    /// Authentication certificate, the Citizen/Foreigner CA, then the Belgium Root CA (DER).
    pub authentication_chain: Vec<Vec<u8>>,
    /// Signature certificate, the CA and the root; `None` on cards without one (minors).
    pub signature_chain: Option<Vec<Vec<u8>>>,
}

impl EidHolder {
    /// From the extension's `read-card` answer.
    pub fn from_card(card: &CardSummary) -> Result<Self, FlowError> {
        let decode = |base64: &str| {
            STANDARD.decode(base64).map_err(|_| FlowError::Card(CardProblem::CertificateUnreadable))
        };
        let ca = decode(&card.certificates.ca)?;
        let root = decode(&card.certificates.root)?;
        Ok(Self {
            reader: card.reader.clone(),
            ssin: card.national_number.clone(),
            given_names: card.given_names.clone(),
            surname: card.surname.clone(),
            key_algorithm: card.key_algorithm,
            // The whole chain the card holds, root included, as the connector's eID credential
            // gives it to the XML signature's KeyInfo (`BeIDCredential.getCertificateChain`,
            // added certificate by certificate in `signature/impl/XmlSignatureBuilder.java`).
            authentication_chain: vec![
                decode(&card.certificates.authentication)?,
                ca.clone(),
                root.clone(),
            ],
            signature_chain: match &card.certificates.signature {
                Some(signature) => Some(vec![decode(signature)?, ca, root]),
                None => None,
            },
        })
    }

    /// The holder as `core:ActorType` (the contract's Signer: name and SSIN exactly as on the
    /// eID, app/certra/PROTOCOL.md §3 #4).
    pub fn actor(&self) -> Actor {
        Actor {
            ids: vec![Identifier { kind: "SSIN".into(), value: self.ssin.clone() }],
            first_names: vec![self.given_names.clone()],
            name: self.surname.clone(),
        }
    }

    /// The holder's own certificate (`SSIN=…`, no application id).
    pub fn personal_certificate(&self) -> CertificateIdentifier {
        CertificateIdentifier { actor: self.actor(), application_id: None }
    }

    /// `given names surname`, for screens.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.given_names, self.surname)
    }

    /// The XMLDSig algorithm: RSA-SHA256 on 1.7 (the connector's default `SignatureMethod`); on
    /// 1.8 the environment's EC method (`ehcert_certra::dialect`: by default ECDSA over a SHA-256
    /// digest, the card's algorithm reference 01).
    fn algorithm(&self, dialect: Dialect) -> SignatureAlgorithm {
        if self.key_algorithm == CardKeyAlgorithm::Rsa2048 {
            return SignatureAlgorithm::RsaSha256;
        }
        match dialect.ec_signature {
            EcSignatureMethod::EcdsaSha256 => SignatureAlgorithm::EcdsaSha256,
            EcSignatureMethod::EcdsaSha384 => SignatureAlgorithm::EcdsaSha384,
        }
    }

    /// Signs `request` with this card's `key` and sends it; returns eHealth's answer.
    pub async fn call<S: Services>(
        &self,
        services: &S,
        request: Request,
        key: KeyRole,
    ) -> Result<Vec<u8>, S::Error> {
        let service_operation = request.operation;
        let envelope = self.sign(services, request, key).await?;
        services.certra(service_operation, envelope).await
    }

    /// `request` as a SOAP envelope signed by this card's `key`.
    pub async fn sign<S: Services>(
        &self,
        services: &S,
        request: Request,
        key: KeyRole,
    ) -> Result<String, S::Error> {
        let chain = match key {
            KeyRole::Authentication => self.authentication_chain.clone(),
            KeyRole::Signature => self
                .signature_chain
                .clone()
                .ok_or(FlowError::Card(CardProblem::NoSignatureCertificate))?,
        };
        let algorithm = self.algorithm(services.dialect());
        let draft = SignatureDraft::new(request, algorithm, chain, signature_id(services))
            .map_err(FlowError::from)?;
        let value = services
            .eid_sign(EidSignature {
                reader: self.reader.clone(),
                key,
                algorithm,
                signed_info: draft.signed_info_text(),
                payload: draft.payload(),
            })
            .await?;
        Ok(draft.assemble(&value).map_err(FlowError::from)?)
    }
}

#[cfg(test)]
mod tests {
    use ehcert_shared::bridge::{Address, CardInfo, Certificates, Identity};

    use super::*;

    #[test]
    fn the_chains_carry_the_cards_root_as_the_connectors_key_info_does() {
        let card = CardInfo {
            reader: "Virtual PCD 00 00".into(),
            applet: "1.8".into(),
            key_algorithm: CardKeyAlgorithm::EcdsaP384,
            identity: Identity {
                card_number: "592123456789".into(),
                national_number: "85073003328".into(),
                surname: "Peeters".into(),
                given_names: "Jan Pieter".into(),
                third_initial: String::new(),
                nationality: "Belg".into(),
                birth_date: "30 JUL 1985".into(),
                validity_end: "01.01.2030".into(),
            },
            address: Address { street: "s".into(), zip: "1000".into(), municipality: "m".into() },
            photo_hash: String::new(),
            photo_hash_valid: true,
            certificates: Certificates {
                authentication: STANDARD.encode([1]),
                signature: Some(STANDARD.encode([2])),
                ca: STANDARD.encode([3]),
                root: STANDARD.encode([4]),
            },
            identity_signature_valid: true,
            address_signature_valid: true,
        };
        let holder = EidHolder::from_card(&CardSummary::from(&card)).unwrap();
        assert_eq!(holder.authentication_chain, [[1], [3], [4]]);
        assert_eq!(holder.signature_chain, Some(vec![vec![2], vec![3], vec![4]]));
        assert_eq!(holder.key_algorithm, CardKeyAlgorithm::EcdsaP384);
    }
}
