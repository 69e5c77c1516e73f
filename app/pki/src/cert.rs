//! The two certificates ehcert makes itself:
//!
//! - the **placeholder** that holds the new authentication key's place in the pending keystore
//!   until CertRA delivers the real certificate (the connector's `CertificateUtils.generateCert`:
//!   subject `C=Dummy`, serial 0, valid from yesterday for one minute, app/certra/PROTOCOL.md §4.1 step 7);
//! - the self-issued **ETK encryption certificate** (app/certra/PROTOCOL.md §4.4 step 4, §7).
//!
//! Both are built as "bytes to sign" + "assemble", and signed with SHA256withRSA.

use std::time::Duration;

use der::{
    asn1::{BitString, GeneralizedTime, OctetString, UtcTime},
    Decode, Encode,
};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::{
    certificate::{Certificate, TbsCertificate, Version},
    ext::{
        pkix::{KeyUsage, KeyUsages},
        Extension,
    },
    name::Name,
    serial_number::SerialNumber,
    time::{Time, Validity},
};

use crate::{csr::sha256_with_rsa, dn, key::RsaKeyPair, PkiError, Result};

/// Seconds since the Unix epoch; the crate takes time from its callers.
#[derive(Clone, Copy, Debug, Eq, Ord, PartialEq, PartialOrd)]
pub struct UnixTime(pub u64);

impl UnixTime {
    /// The seconds as a signed number, for differences (days left, days late); saturates far
    /// beyond any certificate's lifetime.
    pub fn seconds(self) -> i64 {
        i64::try_from(self.0).unwrap_or(i64::MAX)
    }
}

/// A certificate waiting for its signature.
#[derive(Clone, Debug)]
pub struct CertificateDraft {
    tbs: TbsCertificate,
}

impl CertificateDraft {
    /// DER of the TBSCertificate: the bytes to sign.
    pub fn to_be_signed(&self) -> Result<Vec<u8>> {
        Ok(self.tbs.to_der()?)
    }

    /// The DER certificate carrying `signature`.
    pub fn assemble(self, signature: &[u8]) -> Result<Vec<u8>> {
        let certificate = Certificate {
            tbs_certificate: self.tbs,
            signature_algorithm: sha256_with_rsa(),
            signature: BitString::from_bytes(signature)?,
        };
        Ok(certificate.to_der()?)
    }

    /// Signs with a local key and assembles.
    pub fn sign_with(self, key: &RsaKeyPair) -> Result<Vec<u8>> {
        let signature = key.sign_sha256(&self.to_be_signed()?)?;
        self.assemble(&signature)
    }
}

/// The placeholder certificate for `key`, made at `now`.
pub fn placeholder(key: &RsaKeyPair, now: UnixTime) -> Result<Vec<u8>> {
    let yesterday = now.0.saturating_sub(24 * 60 * 60);
    let name = placeholder_name()?;
    let draft = CertificateDraft {
        tbs: TbsCertificate {
            version: Version::V3,
            serial_number: SerialNumber::new(&[0])?,
            signature: sha256_with_rsa(),
            issuer: name.clone(),
            validity: Validity {
                not_before: time(UnixTime(yesterday))?,
                not_after: time(UnixTime(yesterday + 60))?,
            },
            subject: name,
            subject_public_key_info: key.public_key_info()?,
            issuer_unique_id: None,
            subject_unique_id: None,
            extensions: Some(vec![key_usage_encipherment(false)?]),
        },
    };
    draft.sign_with(key)
}

/// Whether `certificate` is a placeholder (a pending keystore's), not a delivered certificate.
pub fn is_placeholder(certificate: &Certificate) -> bool {
    dn::to_string(&certificate.tbs_certificate.subject) == "C=Dummy"
        && certificate.tbs_certificate.issuer == certificate.tbs_certificate.subject
}

/// The self-issued encryption certificate registered with EtkRA: issuer = subject = the
/// authentication certificate's subject, serial = the challenge serial (unsigned), validity
/// copied from the authentication certificate, one critical KeyUsage (keyEncipherment,
/// dataEncipherment), public key = the ETK encryption key. Sign it with the authentication key.
pub fn etk_encryption_certificate(
    authentication: &Certificate,
    encryption_key: SubjectPublicKeyInfoOwned,
    serial: &[u8],
) -> Result<CertificateDraft> {
    let auth = &authentication.tbs_certificate;
    Ok(CertificateDraft {
        tbs: TbsCertificate {
            version: Version::V3,
            serial_number: SerialNumber::new(serial)?,
            signature: sha256_with_rsa(),
            issuer: auth.subject.clone(),
            validity: auth.validity,
            subject: auth.subject.clone(),
            subject_public_key_info: encryption_key,
            issuer_unique_id: None,
            subject_unique_id: None,
            extensions: Some(vec![key_usage_encipherment(true)?]),
        },
    })
}

/// Reads a DER certificate.
pub fn decode(der: &[u8]) -> Result<Certificate> {
    Certificate::from_der(der).map_err(|err| PkiError::Certificate(err.to_string()))
}

/// The DER SubjectPublicKeyInfo of a DER certificate: what WebCrypto's `importKey("spki")` takes
/// to check a signature made by the certificate's key (an eID's, for the card check).
pub fn subject_public_key_info(der: &[u8]) -> Result<Vec<u8>> {
    Ok(decode(der)?.tbs_certificate.subject_public_key_info.to_der()?)
}

/// When `certificate` becomes valid and when it stops being valid (its `notBefore` and
/// `notAfter`, RFC 5280 §4.1.2.5).
pub fn validity(certificate: &Certificate) -> (UnixTime, UnixTime) {
    let validity = &certificate.tbs_certificate.validity;
    let at = |time: &Time| UnixTime(time.to_unix_duration().as_secs());
    (at(&validity.not_before), at(&validity.not_after))
}

/// A certificate time: UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5).
pub fn time(at: UnixTime) -> Result<Time> {
    let since_epoch = Duration::from_secs(at.0);
    Ok(if at.0 < 2_524_608_000 {
        Time::UtcTime(UtcTime::from_unix_duration(since_epoch)?)
    } else {
        Time::GeneralTime(GeneralizedTime::from_unix_duration(since_epoch)?)
    })
}

fn key_usage_encipherment(critical: bool) -> Result<Extension> {
    let usage = KeyUsage(KeyUsages::KeyEncipherment | KeyUsages::DataEncipherment);
    Ok(Extension {
        extn_id: der::oid::db::rfc5280::ID_CE_KEY_USAGE,
        critical,
        extn_value: OctetString::new(usage.to_der()?)?,
    })
}

/// `C=Dummy`, as the connector writes it: a PrintableString longer than a country code, which is
/// what makes a placeholder recognisable and impossible to confuse with an issued certificate.
fn placeholder_name() -> Result<Name> {
    use der::{
        asn1::{Any, SetOfVec},
        Tag,
    };
    use x509_cert::{attr::AttributeTypeAndValue, name::RelativeDistinguishedName};
    let atv = AttributeTypeAndValue {
        oid: der::oid::db::rfc4519::C,
        value: Any::new(Tag::PrintableString, b"Dummy".as_slice())?,
    };
    Ok(x509_cert::name::RdnSequence(vec![RelativeDistinguishedName(SetOfVec::try_from(vec![
        atv,
    ])?)]))
}

#[cfg(test)]
mod tests {
    use super::{decode, placeholder, time, validity, UnixTime};
    use crate::key::RsaKeyPair;

    #[test]
    fn validity_reads_the_times_a_certificate_was_written_with() {
        let key = RsaKeyPair::generate(&mut rand_core::OsRng).unwrap();
        // 2026-11-30 09:00:00 UTC: the placeholder is valid from a day before, for a minute.
        let made = UnixTime(1_796_029_200);
        let certificate = decode(&placeholder(&key, made).unwrap()).unwrap();
        let (not_before, not_after) = validity(&certificate);
        assert_eq!(not_before, UnixTime(made.0 - 86_400));
        assert_eq!(not_after, UnixTime(made.0 - 86_400 + 60));
        // GeneralizedTime from 2050 on reads back the same.
        let later = UnixTime(2_524_608_000 + 3_600);
        assert_eq!(time(later).unwrap().to_unix_duration().as_secs(), later.0);
        assert_eq!(UnixTime(u64::MAX).seconds(), i64::MAX);
        assert!(not_before.seconds() < not_after.seconds());
    }
}
