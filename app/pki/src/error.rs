//! The crate's one error type. Texts for people are made by the app from these variants; the
//! `Display` texts here are for logs and tests.

/// Everything that can go wrong in the PKI core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// The keystore's integrity check failed: almost always a wrong password.
    #[error("the keystore password is wrong (integrity check failed)")]
    WrongPassword,
    /// The file is not a PKCS#12 keystore at all.
    #[error("not a PKCS#12 keystore: {0}")]
    NotAKeystore(String),
    /// A PKCS#12 file that is damaged or uses something we cannot read.
    #[error("the keystore is damaged or uses an unsupported format: {0}")]
    CorruptKeystore(String),
    /// A keystore that is valid but not the kind the operation needs.
    #[error("wrong kind of keystore: {0}")]
    WrongKeystore(String),
    /// A DN string from the contract that cannot be turned into an X.509 name.
    #[error("the distinguished name {dn:?} cannot be used: {reason}")]
    InvalidDn {
        /// The DN as given.
        dn: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Key material that cannot be used (wrong algorithm, wrong size, damaged encoding).
    #[error("unusable key: {0}")]
    Key(String),
    /// A certificate that cannot be used for the operation.
    #[error("unusable certificate: {0}")]
    Certificate(String),
    /// The ETK challenge does not decrypt, or its hash does not match.
    #[error("the ETK challenge is invalid: {0}")]
    EtkChallenge(String),
    /// A password that must not be used.
    #[error("the password does not meet the keystore password policy")]
    WeakPassword,
    /// DER encoding or decoding failed in a place where the input was ours.
    #[error("ASN.1 encoding failed: {0}")]
    Asn1(#[from] der::Error),
    /// An RSA operation failed.
    #[error("RSA operation failed: {0}")]
    Rsa(#[from] rsa::Error),
}

/// Result with [`PkiError`].
pub type Result<T> = std::result::Result<T, PkiError>;
