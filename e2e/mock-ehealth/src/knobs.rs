//! The mock's knobs and injected faults: what the tests and the demo switch, read by the
//! handlers; a leaf, so the handlers need not reach back into the service that calls them.

use serde::{Deserialize, Serialize};

/// Behaviour switches, set by flags at start and by `PUT /admin/knobs`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Knobs {
    /// How many `CERT_NOT_YET_DELIVERED` answers GetCertificate gives before issuing.
    pub not_yet_delivered: u32,
    /// New requests wait for `POST /admin/certificates/{id}/validate` (AutomaticallyValidated
    /// false).
    pub manual_validation: bool,
    /// New requests are refused (status REFUSED).
    pub refuse: bool,
    /// Days added to the clock: reaches replacement windows and expiry.
    pub clock_offset_days: i64,
    /// The one `SignatureMethod` accepted from an EC eID card. Nobody outside eHealth knows
    /// which CertRA accepts (the client's `ehcert_certra::dialect`): this is the mock's
    /// assumption, set to either so that the client's setting is tested against both.
    pub ec_signature_method: EcSignatureMethod,
    /// How GetCertificate answers a key it received no request for. eHealth's answer is not
    /// known: its client knows only `CERT_NOT_YET_DELIVERED`, which may well be it.
    pub unknown_key: UnknownKeyAnswer,
    /// How the contract DN echoed in GenerateCertificate is compared with the one given.
    pub dn_echo: DnComparison,
    /// CompleteETKRegistration answers with its status only, without `ETK` and `ToBeActivated`
    /// (both optional in `CompleteETKRegistrationResponseType`; whether eHealth sends them is
    /// not known).
    pub etk_status_only: bool,
    /// The `Actor` GetCertificateInfo… lists for a certificate. What eHealth stores and returns
    /// is not known; a client that sends it back (a renewal) must not depend on it.
    pub stored_actor: StoredActor,
    /// What a personal certificate's DN is made from in GenerateContract. eHealth's client sends
    /// the same person as Signer and Actor (`ra/builders/ContractRequestBuilder.java`, `withEid()`),
    /// so which one eHealth reads is not known.
    pub person_dn: PersonDnSource,
    /// Whether GetCertificateInfoForCitizen lists requests still `IN_PROGRESS`. The schema
    /// documents the citizen's certificates; whether a request not yet issued is among them is not
    /// known (app/certra/FIDELITY.md #11).
    pub hide_in_progress: bool,
    /// GetCertificateInfoForCitizen adds, before the signer's certificates, one entry written as
    /// ehcert does not expect: a `PublicKeyIdentifier` of 16 bytes, no `PhonePrivate`, status
    /// `IN_PROGRESS` (as an entry from another era of the service might be). Mock-only.
    pub unreadable_entry: bool,
}

/// How a listed certificate's `Actor` is written.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum StoredActor {
    /// Identifier and name, no `FirstName` (optional in `core:ActorType`).
    #[default]
    WithoutFirstName,
    /// As it was requested, first names included.
    AsRequested,
    /// With a name that differs from the card's, as after a change of name since the request.
    OtherName,
}

/// The actor a personal certificate's DN names.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum PersonDnSource {
    /// The contract's Signer (the eID holder who signs).
    #[default]
    Signer,
    /// The CertificateIdentifier's Actor.
    Actor,
}

/// An EC eID card's XML `SignatureMethod` (RFC 6931 §2.3.6).
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum EcSignatureMethod {
    /// `http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256`, eHealth's EC precedent (the
    /// connector's `handler/wss4j/ECAlgorithmHelper.java`).
    #[default]
    EcdsaSha256,
    /// `http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384`.
    EcdsaSha384,
}

impl EcSignatureMethod {
    /// The URI.
    pub fn uri(self) -> &'static str {
        match self {
            Self::EcdsaSha256 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
            Self::EcdsaSha384 => "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
        }
    }
}

/// GetCertificate's answer for a key no request was received for.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum UnknownKeyAnswer {
    /// `CERT_NOT_YET_DELIVERED`, the one GetCertificate code eHealth's client knows
    /// (`ra/utils/RaUtils.java`): what the real service may answer for any key it has not
    /// delivered a certificate for.
    #[default]
    CertNotYetDelivered,
    /// `UNKNOWN_PUBLIC_KEY_IDENTIFIER`: a code that exists only in this mock.
    UnknownPublicKeyIdentifier,
}

/// How an echoed contract DN is compared.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum DnComparison {
    /// As a parsed name: the same attributes and values, however escaped (`SSIN=` or
    /// `SSIN\=`); what the connector's echo, escaped unlike what it was given, implies.
    #[default]
    Parsed,
    /// Character for character with the DN GenerateContract returned.
    Text,
}

/// A fault to inject into the next `times` answers (of one operation, or of all).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub kind: FaultKind,
    /// Operation name without `Request`, e.g. `GetCertificate`; `None` for every operation.
    #[serde(default)]
    pub operation: Option<String>,
    /// How many answers it strikes.
    #[serde(default = "one")]
    pub times: u32,
    /// For `slow`: the delay.
    #[serde(default)]
    pub delay_ms: u64,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// HTTP 500 with a SOAP fault, before the request is carried out (a gateway error).
    #[serde(rename = "http-500")]
    Http500,
    /// The answer comes after `delay_ms` (the request is carried out).
    Slow,
    /// The answer is cut in the middle of its XML (the request is carried out).
    Malformed,
    /// The connection is dropped after the request was carried out: the answer is lost.
    Drop,
}
