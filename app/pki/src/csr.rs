//! The PKCS#10 request sent in GenerateCertificate / SubmitCSRForForeigner: subject = the
//! contract's DN, RSA-2048, SHA256withRSA, no attributes (app/certra/PROTOCOL.md §4.1 step 6).
//!
//! Built in two steps like RustCrypto's builders: [`CsrDraft::to_be_signed`] gives the exact
//! bytes a signer signs, [`CsrDraft::assemble`] wraps a signature made by anyone.

use der::{asn1::BitString, Decode, Encode};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::{
    attr::Attributes,
    name::Name,
    request::{CertReq, CertReqInfo, Version},
};

use crate::{key::RsaKeyPair, Result};

/// `sha256WithRSAEncryption` with its NULL parameters (RFC 4055 §5).
pub fn sha256_with_rsa() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: der::oid::db::rfc5912::SHA_256_WITH_RSA_ENCRYPTION,
        parameters: Some(der::asn1::Null.into()),
    }
}

/// A certification request waiting for its signature.
#[derive(Clone, Debug)]
pub struct CsrDraft {
    info: CertReqInfo,
}

impl CsrDraft {
    /// A request for `subject` and `public_key`.
    pub fn new(subject: Name, public_key: SubjectPublicKeyInfoOwned) -> Self {
        Self {
            info: CertReqInfo {
                version: Version::V1,
                subject,
                public_key,
                attributes: Attributes::new(),
            },
        }
    }

    /// DER of the CertificationRequestInfo: the bytes to sign with SHA256withRSA.
    pub fn to_be_signed(&self) -> Result<Vec<u8>> {
        Ok(self.info.to_der()?)
    }

    /// The DER CertificationRequest carrying `signature` (SHA256withRSA over
    /// [`Self::to_be_signed`]).
    pub fn assemble(self, signature: &[u8]) -> Result<Vec<u8>> {
        let request = CertReq {
            info: self.info,
            algorithm: sha256_with_rsa(),
            signature: BitString::from_bytes(signature)?,
        };
        Ok(request.to_der()?)
    }

    /// Signs with a local key and assembles.
    pub fn sign_with(self, key: &RsaKeyPair) -> Result<Vec<u8>> {
        let signature = key.sign_sha256(&self.to_be_signed()?)?;
        self.assemble(&signature)
    }
}

/// Reads a DER PKCS#10 request (for checks and for the mock CertRA).
pub fn decode(der: &[u8]) -> Result<CertReq> {
    Ok(CertReq::from_der(der)?)
}
