//! The enveloped XML signature on requests (app/certra/PROTOCOL.md §2.3): `ds:Signature` as the request
//! root's last child, exclusive C14N, one `Reference` to the root's `Id` with the
//! enveloped-signature and exc-c14n transforms, SHA-256 digest, and `KeyInfo/X509Data` with the
//! signer's chain.
//!
//! Built as "bytes to sign" + "assemble", like the CSR: [`SignatureDraft::signed_info`] is what
//! a local key signs (it hashes itself), [`SignatureDraft::digest`] is what the eID card signs (the
//! card never hashes, card-bridge/CARD.md §1.3), and [`SignatureDraft::assemble`] takes the
//! signature value from either.

use base64::{engine::general_purpose::STANDARD, Engine as _};
use sha2::{Digest, Sha256, Sha384};

use crate::{
    ns::DS,
    request::{envelope, Request},
    xml::Element,
    CertraError, Result,
};

const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const SHA256_DIGEST: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

/// How the signature value is made.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256: eHealth keys and applet 1.7 eID cards.
    RsaSha256,
    /// ECDSA with SHA-256 on P-384 (applet 1.8 eID cards, algorithm reference 01), value r‖s.
    EcdsaSha256,
    /// ECDSA with SHA-384 on P-384 (applet 1.8, reference 02), value r‖s.
    EcdsaSha384,
}

impl SignatureAlgorithm {
    /// The `SignatureMethod` URI (RFC 6931 §2.3.2, §2.3.6).
    pub fn uri(self) -> &'static str {
        match self {
            Self::RsaSha256 => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            Self::EcdsaSha256 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            Self::EcdsaSha384 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
        }
    }

    /// Whether `length` bytes can be a signature value of this algorithm: RSA-2048…4096, or
    /// P-384's r‖s (2 × 48 bytes, as XMLDSig wants it, not DER).
    fn accepts_length(self, length: usize) -> bool {
        match self {
            Self::RsaSha256 => matches!(length, 256 | 384 | 512),
            Self::EcdsaSha256 | Self::EcdsaSha384 => length == 96,
        }
    }
}

/// The `SignedInfo` ehcert emits for a request whose `Id` is `id` and whose canonical form is
/// `payload`: exclusive C14N, `algorithm`, and one `Reference` to `#id` with the
/// enveloped-signature and exc-c14n transforms and a SHA-256 digest of `payload`. The enveloped
/// transform removes the Signature, which is not there yet when it is made: the digest is over the
/// root exactly as it stands. The card bridge rebuilds this element from the payload it is shown
/// and signs only when the page's copy is the same, byte for byte (`crate::eid_request::check`).
fn signed_info(id: &str, algorithm: SignatureAlgorithm, payload: &[u8]) -> Element {
    let digest = STANDARD.encode(Sha256::digest(payload));
    Element::new(DS, "SignedInfo")
        .child(Element::new(DS, "CanonicalizationMethod").attr("Algorithm", EXC_C14N))
        .child(Element::new(DS, "SignatureMethod").attr("Algorithm", algorithm.uri()))
        .child(
            Element::new(DS, "Reference")
                .attr("URI", format!("#{id}"))
                .child(
                    Element::new(DS, "Transforms")
                        .child(Element::new(DS, "Transform").attr("Algorithm", ENVELOPED))
                        .child(Element::new(DS, "Transform").attr("Algorithm", EXC_C14N)),
                )
                .child(Element::new(DS, "DigestMethod").attr("Algorithm", SHA256_DIGEST))
                .child(Element::leaf(DS, "DigestValue", digest)),
        )
}

/// The canonical `SignedInfo` for `payload` (see [`SignatureDraft::signed_info`]).
pub(crate) fn canonical_signed_info(
    id: &str,
    algorithm: SignatureAlgorithm,
    payload: &[u8],
) -> String {
    signed_info(id, algorithm, payload).canonical()
}

/// The hash of canonical `SignedInfo` octets with `algorithm`'s hash: what an eID card signs
/// (the card never hashes).
pub fn card_digest(algorithm: SignatureAlgorithm, signed_info: &[u8]) -> Vec<u8> {
    match algorithm {
        SignatureAlgorithm::RsaSha256 | SignatureAlgorithm::EcdsaSha256 => {
            Sha256::digest(signed_info).to_vec()
        }
        SignatureAlgorithm::EcdsaSha384 => Sha384::digest(signed_info).to_vec(),
    }
}

/// A request whose signature value is still to be made.
#[derive(Clone, Debug)]
pub struct SignatureDraft {
    request: Request,
    algorithm: SignatureAlgorithm,
    signed_info: Element,
    certificates: Vec<Vec<u8>>,
    signature_id: String,
}

impl SignatureDraft {
    /// Prepares the signature of `request` by the holder of `certificates` (DER, signer first).
    /// `signature_id` is the `ds:Signature/@Id` (`xmldsig-` + a random suffix).
    pub fn new(
        request: Request,
        algorithm: SignatureAlgorithm,
        certificates: Vec<Vec<u8>>,
        signature_id: String,
    ) -> Result<Self> {
        let id = request
            .id()
            .ok_or_else(|| CertraError::Signature("the request has no Id to reference".into()))?
            .to_owned();
        let signed_info = signed_info(&id, algorithm, request.root.canonical().as_bytes());
        Ok(Self { request, algorithm, signed_info, certificates, signature_id })
    }

    /// The canonical `SignedInfo`: the bytes a local key signs.
    pub fn signed_info(&self) -> Vec<u8> {
        self.signed_info_text().into_bytes()
    }

    /// [`Self::signed_info`] as text, as the page hands it to the card bridge.
    pub fn signed_info_text(&self) -> String {
        self.signed_info.canonical()
    }

    /// The hash of [`Self::signed_info`] with the algorithm's hash: what a card signs. Only the
    /// card bridge computes it for an eID signature (from [`Self::signed_info`] and
    /// [`Self::payload`], which it checks first); the page never sends a digest.
    pub fn digest(&self) -> Vec<u8> {
        card_digest(self.algorithm, &self.signed_info())
    }

    /// The signed element in exclusive canonical form, without its signature: what the
    /// `Reference` digests and what the card bridge reads to decide what the card would sign.
    pub fn payload(&self) -> String {
        self.request.root.canonical()
    }

    /// The algorithm.
    pub fn algorithm(&self) -> SignatureAlgorithm {
        self.algorithm
    }

    /// The signed request as a SOAP envelope.
    pub fn assemble(self, signature_value: &[u8]) -> Result<String> {
        if !self.algorithm.accepts_length(signature_value.len()) {
            return Err(CertraError::Signature(format!(
                "{} bytes is not a {:?} signature value",
                signature_value.len(),
                self.algorithm
            )));
        }
        let key_info = Element::new(DS, "KeyInfo").child(
            Element::new(DS, "X509Data").children(
                self.certificates
                    .iter()
                    .map(|der| Element::leaf(DS, "X509Certificate", STANDARD.encode(der))),
            ),
        );
        let signature = Element::new(DS, "Signature")
            .attr("Id", self.signature_id)
            .child(self.signed_info)
            .child(Element::leaf(DS, "SignatureValue", STANDARD.encode(signature_value)))
            .child(key_info);
        Ok(envelope(&self.request.root.child(signature)))
    }
}
