//! The crate's one error type. The app maps each variant to a sentence in the user's language.

/// What can go wrong talking to CertRA, EtkRA or the ETK Depot.
#[derive(Clone, Debug, Eq, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CertraError {
    /// The service answered with a non-success status and eHealth error codes.
    #[error("eHealth refused the request ({status}): {}", describe(.errors))]
    Refused {
        /// The status code URI.
        status: String,
        /// The `EteeStatusDetail` errors, in order.
        errors: Vec<EteeError>,
    },
    /// A SOAP fault.
    #[error("the service reported a fault ({code}): {message}")]
    Fault {
        /// `faultcode`.
        code: String,
        /// `faultstring`.
        message: String,
    },
    /// Not SOAP at all: an HTML error page, a proxy's page, an empty body.
    #[error("the service answered with something that is not a SOAP message: {0}")]
    NotSoap(String),
    /// SOAP, but not the answer to the request we sent (wrong element, wrong namespace, a
    /// required field missing, bad base64).
    #[error("the service's answer is malformed: {0}")]
    Malformed(String),
    /// The body is larger than any legitimate answer.
    #[error("the service's answer is too large ({0} bytes)")]
    TooLarge(usize),
    /// The signature cannot be assembled (wrong length for the announced algorithm).
    #[error("the signature cannot be used: {0}")]
    Signature(String),
    /// A request offered to the eID card is not one ehcert would have made
    /// (`crate::eid_request`).
    #[error("not a request the eID card may sign: {0}")]
    NotSignable(SignableProblem),
}

/// Why a request offered to the eID card is refused (`crate::eid_request::check`).
#[derive(Clone, Copy, Debug, Eq, PartialEq, thiserror::Error)]
pub enum SignableProblem {
    /// Not well-formed XML, or XML with a document type declaration.
    #[error("not well-formed XML without a DTD")]
    NotXml,
    /// The root element is not one of the operations an eID card signs.
    #[error("the root element is not an operation an eID card signs")]
    NotAnEidOperation,
    /// A field is missing or not of its type (base64, hex, a revocation reason).
    #[error("a field is missing or malformed")]
    Malformed,
    /// Not byte for byte what ehcert's builder makes of the same values: another element, order,
    /// prefix or attribute, a duplicate, a comment, or not exclusive canonical form.
    #[error("not exactly the canonical request ehcert builds from its values")]
    NotCanonical,
    /// The `SignedInfo` is not the one ehcert emits for this payload and this card.
    #[error("the SignedInfo is not ehcert's for this payload and card")]
    SignedInfo,
    /// The request's `Id` is not `_` and 32 lower-case hex digits, the form ehcert makes.
    #[error("the request's Id is not of the form ehcert makes")]
    RequestId,
    /// The request's `IssueInstant` is not a UTC `xs:dateTime` to the second, the form ehcert
    /// makes, or not a date at all.
    #[error("the request's IssueInstant is not of the form ehcert makes")]
    IssueInstant,
}

impl CertraError {
    /// Whether the error is eHealth's "certificate not issued yet" (keep polling).
    pub fn is_not_yet_delivered(&self) -> bool {
        self.has_code("CERT_NOT_YET_DELIVERED")
    }

    /// Whether the service refused with `code`.
    pub fn has_code(&self, code: &str) -> bool {
        matches!(self, Self::Refused { errors, .. } if errors.iter().any(|error| error.code == code))
    }
}

/// One error of an `EteeStatusDetail` (app/certra/PROTOCOL.md §2.2).
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EteeError {
    /// Stable code, e.g. `CERT_NOT_YET_DELIVERED`.
    pub code: String,
    /// English message.
    pub message: String,
    /// Named parameters.
    pub parameters: Vec<(String, String)>,
}

fn describe(errors: &[EteeError]) -> String {
    if errors.is_empty() {
        return "no detail".into();
    }
    errors
        .iter()
        .map(|error| format!("{} ({})", error.code, error.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Result with [`CertraError`].
pub type Result<T> = std::result::Result<T, CertraError>;
