//! CertRA's `PublicKeyIdentifier`: RFC 5280 §4.2.1.2 method 1, the SHA-1 of the *value* of the
//! `subjectPublicKey` BIT STRING (not of the whole SubjectPublicKeyInfo). The CA copies it into
//! the certificate's Subject Key Identifier (app/certra/PROTOCOL.md §2.2, observed on a real keystore).

use sha1::{Digest, Sha1};
use spki::SubjectPublicKeyInfoOwned;

/// A 20-byte public key identifier.
#[derive(Clone, Copy, Debug, Eq, Hash, PartialEq)]
pub struct PublicKeyIdentifier(pub [u8; 20]);

impl PublicKeyIdentifier {
    /// The identifier of `key`.
    pub fn of(key: &SubjectPublicKeyInfoOwned) -> Self {
        Self(Sha1::digest(key.subject_public_key.raw_bytes()).into())
    }

    /// Lower-case hex, as the `hexBinary` in CertRA messages (which accept either case).
    pub fn to_hex(&self) -> String {
        base16ct::lower::encode_string(&self.0)
    }
}

impl std::fmt::Display for PublicKeyIdentifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}
