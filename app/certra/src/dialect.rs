//! The choices no public source settles, made configurable per environment (see
//! `app/certra/FIDELITY.md` for each one's source and the acceptance probe's check that settles
//! it).
//!
//! Where eHealth's own client, the technical connector 4.0.2, shows what the services expect,
//! ehcert does the same and there is nothing to choose. Two things it does not show:
//! - which `SignatureMethod` CertRA accepts from an EC eID card (applet 1.8, P-384 keys): the
//!   connector's RA module only ever signs with RSA (`ra/utils/RaUtils.java` passes no
//!   `signatureMethodURI`, so `signature/impl/XmlSignatureBuilder.java` falls back to
//!   rsa-sha256). eHealth's only EC precedent is the connector's WS-Security signing with the
//!   eID, whose `handler/wss4j/ECAlgorithmHelper.java` defaults to `ecdsa-sha256` with a SHA-256
//!   digest: that is the default here;
//! - whether CertRA compares the contract DN echoed in GenerateCertificate as text or as a
//!   parsed name. The connector escapes the identifier's `=` before echoing
//!   (`ra/domain/NewCertificateContract.java`: `TYPE=` becomes `TYPE\=`), so it cannot be a
//!   byte comparison of what GenerateContract returned unless eHealth returns it escaped
//!   already; the default follows the connector;
//! - whether GetCertificateInfoForCitizen lists a request eHealth received and has not issued
//!   yet (`IN_PROGRESS`). Its schema's status type has `IN_PROGRESS` and `REFUSED`, which no
//!   issued certificate can have, so some list carries requests; nobody outside eHealth has seen
//!   one in this list. Only a list known to carry them can show that a lost GenerateCertificate
//!   never arrived, so the default does not count on it (`InProgressListing`).

use crate::{request::Contract, signature::SignatureAlgorithm};

/// How the contract DN travels back in GenerateCertificate.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub enum DnEcho {
    /// As the connector: every `TYPE=` of the certificate's identifier type becomes `TYPE\=`
    /// (`ra/domain/NewCertificateContract.java`); an `=` already escaped stays as it is.
    #[default]
    Connector,
    /// Exactly the text GenerateContract returned.
    Verbatim,
}

impl DnEcho {
    /// The DN to put in GenerateCertificate's contract for the `dn` GenerateContract returned.
    pub fn apply(self, dn: &str) -> String {
        match self {
            Self::Verbatim => dn.to_owned(),
            Self::Connector => match identifier_type(dn) {
                Some(kind) => escape_type(dn, kind),
                None => dn.to_owned(),
            },
        }
    }

    /// The contract with its DN as [`Self::apply`] writes it; signer and text unchanged.
    pub fn contract(self, contract: &Contract) -> Contract {
        Contract { dn: self.apply(&contract.dn), ..contract.clone() }
    }

    /// The name used in configuration (`connector`, `verbatim`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Connector => "connector",
            Self::Verbatim => "verbatim",
        }
    }

    /// Parses [`Self::name`].
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Connector, Self::Verbatim].into_iter().find(|echo| echo.name() == name)
    }
}

/// The identifier type an eHealth DN starts with: `SSIN` in `CN=SSIN=85073003328,…` (or
/// `CN=SSIN\=…`).
fn identifier_type(dn: &str) -> Option<&str> {
    let rest = dn.strip_prefix("CN=")?;
    let end = rest.find('=')?;
    let kind = rest[..end].strip_suffix('\\').unwrap_or(&rest[..end]);
    let plain = !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
    plain.then_some(kind)
}

/// `TYPE=` → `TYPE\=` wherever it is not escaped already, as Java's `String.replace` does on the
/// connector's side (which never meets an escaped one: eHealth's DN has none, it implies).
fn escape_type(dn: &str, kind: &str) -> String {
    let needle = format!("{kind}=");
    let mut out = String::with_capacity(dn.len() + 4);
    let mut rest = dn;
    while let Some(index) = rest.find(&needle) {
        out.push_str(&rest[..index + kind.len()]);
        out.push_str("\\=");
        rest = &rest[index + needle.len()..];
    }
    out.push_str(rest);
    out
}

/// Whether the card holder's list (GetCertificateInfoForCitizen) is known to carry requests
/// eHealth received and has not issued yet.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub enum InProgressListing {
    /// Not known: a key missing from the list may still be a request in progress, so a lost
    /// GenerateCertificate is never sent again on the list's word alone (unless the list shows
    /// an `IN_PROGRESS` entry itself, which proves it carries them).
    #[default]
    Unknown,
    /// Known (the acceptance probe saw a request in progress listed): a key missing from the
    /// list was never received, and is sent again.
    Listed,
}

impl InProgressListing {
    /// The name used in configuration (`in-progress-unknown`, `in-progress-listed`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Unknown => "in-progress-unknown",
            Self::Listed => "in-progress-listed",
        }
    }

    /// Parses [`Self::name`].
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Unknown, Self::Listed].into_iter().find(|listing| listing.name() == name)
    }
}

/// Which `SignatureMethod` an EC eID card's XML signatures use.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub enum EcSignatureMethod {
    /// `ecdsa-sha256`, SHA-256 digest: eHealth's only EC precedent (`ECAlgorithmHelper`).
    #[default]
    EcdsaSha256,
    /// `ecdsa-sha384`, the hash that matches the card's P-384 key (the card's algorithm
    /// reference 02).
    EcdsaSha384,
}

impl EcSignatureMethod {
    /// The XML signature algorithm.
    pub fn algorithm(self) -> SignatureAlgorithm {
        match self {
            Self::EcdsaSha256 => SignatureAlgorithm::EcdsaSha256,
            Self::EcdsaSha384 => SignatureAlgorithm::EcdsaSha384,
        }
    }

    /// The name used in configuration (`ecdsa-sha256`, `ecdsa-sha384`).
    pub fn name(self) -> &'static str {
        match self {
            Self::EcdsaSha256 => "ecdsa-sha256",
            Self::EcdsaSha384 => "ecdsa-sha384",
        }
    }

    /// Parses [`Self::name`].
    pub fn parse(name: &str) -> Option<Self> {
        [Self::EcdsaSha256, Self::EcdsaSha384].into_iter().find(|method| method.name() == name)
    }
}

/// The open choices for one environment. The defaults are the sourced (or the safe) ones above;
/// an operator changes them (the app server's `--dialect ENVIRONMENT=EC_METHOD,DN_ECHO[,LISTING]`)
/// once the acceptance probe has shown what eHealth does.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub struct Dialect {
    /// EC eID cards' XML signature method.
    pub ec_signature: EcSignatureMethod,
    /// The contract DN's echo.
    pub dn_echo: DnEcho,
    /// Whether the citizen's list carries requests in progress.
    pub in_progress: InProgressListing,
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = "CN=SSIN=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN=85073003328,O=Federal Government,C=BE";

    #[test]
    fn the_connector_escapes_every_identifier_type_and_nothing_else() {
        assert_eq!(
            DnEcho::Connector.apply(RAW),
            r"CN=SSIN\=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN\=85073003328,O=Federal Government,C=BE"
        );
        let organisation = r"CN=NIHII-HOSPITAL=71000436\, LABO,OU=eHealth-platform Belgium,OU=AZ VOORBEELD,OU=NIHII-HOSPITAL=71000436,OU=LABO,O=Federal Government,C=BE";
        assert_eq!(
            DnEcho::Connector.apply(organisation),
            r"CN=NIHII-HOSPITAL\=71000436\, LABO,OU=eHealth-platform Belgium,OU=AZ VOORBEELD,OU=NIHII-HOSPITAL\=71000436,OU=LABO,O=Federal Government,C=BE"
        );
        assert_eq!(DnEcho::Verbatim.apply(RAW), RAW);
    }

    #[test]
    fn an_escaped_dn_is_echoed_unchanged() {
        let escaped = DnEcho::Connector.apply(RAW);
        assert_eq!(DnEcho::Connector.apply(&escaped), escaped);
        assert_eq!(DnEcho::Connector.apply("C=BE"), "C=BE");
    }

    #[test]
    fn names_round_trip() {
        for method in [EcSignatureMethod::EcdsaSha256, EcSignatureMethod::EcdsaSha384] {
            assert_eq!(EcSignatureMethod::parse(method.name()), Some(method));
        }
        for echo in [DnEcho::Connector, DnEcho::Verbatim] {
            assert_eq!(DnEcho::parse(echo.name()), Some(echo));
        }
        for listing in [InProgressListing::Unknown, InProgressListing::Listed] {
            assert_eq!(InProgressListing::parse(listing.name()), Some(listing));
        }
        assert_eq!(Dialect::default().in_progress, InProgressListing::Unknown);
        assert_eq!(Dialect::default().ec_signature.algorithm(), SignatureAlgorithm::EcdsaSha256);
    }
}
