//! The simulated eID card as the flows' tests use it (included with `#[path]`): its holder as
//! the card bridge reads them, and its keys signing only what the card bridge lets through
//! (`ehcert_certra::eid_request::check`). The real card path, PC/SC and the PIN window, is covered
//! end to end by the Playwright suite.

use ehcert_certra::{
    eid_request::{self, CardKeyType, Checked},
    CertraError,
};
use ehcert_eid_sim::{
    card::{Applet, CardKey},
    profile::{personalise, Holder},
};
use ehcert_flows::eid::{EidHolder, EidSignature};
use ehcert_shared::bridge::{CardKeyAlgorithm, KeyRole};

/// A personalised card of one generation.
pub(crate) struct Card {
    /// What the card bridge reads: the holder and the certificate chains.
    pub(crate) holder: EidHolder,
    /// The authentication key.
    pub(crate) authentication_key: CardKey,
    /// The signature (non-repudiation) key.
    pub(crate) signature_key: CardKey,
}

impl Card {
    /// The simulator's default holder on a card of `applet`'s generation (seeded keys).
    pub(crate) fn personalised(applet: Applet) -> Self {
        let person = Holder { applet, ..Holder::default() };
        let content = personalise(&person, 40).unwrap().content;
        let file = |id: u16| {
            let bytes = &content.files[&vec![0x3F00, 0xDF00, id]];
            let length = 4 + usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
            bytes[..length].to_vec()
        };
        let holder = EidHolder {
            reader: "Virtual PCD 00 00".into(),
            ssin: person.national_number.clone(),
            given_names: person.given_names.clone(),
            surname: person.surname.clone(),
            key_algorithm: match applet {
                Applet::V18 => CardKeyAlgorithm::EcdsaP384,
                Applet::V17 => CardKeyAlgorithm::Rsa2048,
            },
            authentication_chain: vec![file(0x5038), file(0x503A), file(0x503B)],
            signature_chain: Some(vec![file(0x5039), file(0x503A), file(0x503B)]),
        };
        Self {
            holder,
            authentication_key: content.authentication_key,
            signature_key: content.signature_key.unwrap(),
        }
    }

    /// The card bridge's check of a signature request, then the card's signature over the
    /// digest it computed.
    pub(crate) fn sign(&self, request: &EidSignature) -> Result<(Checked, Vec<u8>), CertraError> {
        let key = match request.key {
            KeyRole::Authentication => &self.authentication_key,
            KeyRole::Signature => &self.signature_key,
        };
        let key_type = match key {
            CardKey::Rsa(_) => CardKeyType::Rsa,
            CardKey::Ec(_) => CardKeyType::Ec,
        };
        let checked = eid_request::check(&request.signed_info, &request.payload, key_type)?;
        let signature = match key {
            CardKey::Rsa(key) => {
                key.sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &checked.digest).unwrap()
            }
            CardKey::Ec(key) => {
                use p384::ecdsa::{signature::hazmat::PrehashSigner, Signature};
                let signature: Signature = key.sign_prehash(&checked.digest).unwrap();
                signature.to_bytes().to_vec()
            }
        };
        Ok((checked, signature))
    }
}
