//! F15, the keystore health check, and F4, changing a keystore's password (app/PRODUCT.md §2):
//! open any `.p12` and say in plain words whether medical software will accept it, and why.

use ehcert_pki::{
    cert,
    p12::{Keystore, Password, Profile},
    rules, PkiError,
};
use rand_core::CryptoRngCore;

use crate::FlowError;

/// One observation about a keystore. [`Finding::blocks`] tells those that make medical software
/// refuse it from those that only deserve attention.
#[derive(Clone, Debug, Eq, PartialEq)]
pub enum Finding {
    /// No `authentication` entry: not an eHealth keystore.
    NoAuthenticationEntry,
    /// The request was never completed: the key still sits under its placeholder.
    Pending,
    /// The certificate is not valid yet.
    NotYetValid,
    /// The certificate expired this many days ago.
    Expired(i64),
    /// Expires within the 90-day replacement window: renew now.
    RenewNow(i64),
    /// The authentication certificate is for another key than the entry's.
    AuthenticationKeyMismatch,
    /// The chain holds only the leaf (the issuing CA is missing).
    ChainIncomplete,
    /// No ETK decryption key: eHealthBox messages cannot be read.
    NoEtk,
    /// An ETK entry whose encryption certificate is for another key.
    EtkKeyMismatch(String),
    /// An ETK entry not named after its certificate's decimal serial.
    EtkAliasNotSerial(String),
    /// Written with PBES2/AES: Java 8 before 8u301 cannot read it.
    ModernProfile,
    /// The file name does not follow `TYPE=id yyyyMMdd-HHmmss.p12`.
    UnconventionalFileName,
}

impl Finding {
    /// Whether medical software will refuse the keystore because of this.
    pub fn blocks(&self) -> bool {
        !matches!(
            self,
            Self::RenewNow(_)
                | Self::ChainIncomplete
                | Self::ModernProfile
                | Self::UnconventionalFileName
        )
    }
}

/// What the check found.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct Report {
    /// Subject DN of the authentication certificate, when there is one.
    pub subject: Option<String>,
    /// Its end of validity (Unix seconds).
    pub not_after: Option<i64>,
    /// Whole days left (negative once expired).
    pub days_left: Option<i64>,
    /// Every alias, in file order.
    pub aliases: Vec<String>,
    /// The findings, blocking ones first.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The verdict: will medical software accept this keystore?
    pub fn accepted(&self) -> bool {
        !self.findings.iter().any(Finding::blocks)
    }
}

/// Opens `bytes` with `password` and checks it at time `now` (Unix seconds).
pub fn check(
    bytes: &[u8],
    password: &Password,
    file_name: &str,
    now: i64,
) -> Result<Report, FlowError> {
    let keystore = Keystore::read(bytes, password)?;
    let mut findings = Vec::new();
    let aliases = keystore.entries.iter().map(|entry| entry.alias.clone()).collect();
    let mut report =
        Report { subject: None, not_after: None, days_left: None, aliases, findings: Vec::new() };

    match keystore.authentication() {
        Err(_) => findings.push(Finding::NoAuthenticationEntry),
        Ok(entry) => {
            let leaf = entry.leaf()?;
            if cert::is_placeholder(&leaf) {
                findings.push(Finding::Pending);
            } else {
                let (not_before, not_after) = cert::validity(&leaf);
                let (not_before, not_after) = (not_before.seconds(), not_after.seconds());
                let days_left = (not_after - now).div_euclid(86_400);
                report.subject = Some(ehcert_pki::dn::to_string(&leaf.tbs_certificate.subject));
                report.not_after = Some(not_after);
                report.days_left = Some(days_left);
                if now < not_before {
                    findings.push(Finding::NotYetValid);
                } else if now > not_after {
                    findings.push(Finding::Expired(-days_left));
                } else if days_left <= 90 {
                    findings.push(Finding::RenewNow(days_left));
                }
                if entry.key_pair()?.public_key_info()?
                    != leaf.tbs_certificate.subject_public_key_info
                {
                    findings.push(Finding::AuthenticationKeyMismatch);
                }
                if entry.chain.len() < 2 {
                    findings.push(Finding::ChainIncomplete);
                }
            }
        }
    }
    let etk_entries: Vec<_> =
        keystore.entries.iter().filter(|entry| entry.alias != "authentication").collect();
    if etk_entries.is_empty() && !findings.contains(&Finding::Pending) {
        findings.push(Finding::NoEtk);
    }
    for entry in etk_entries {
        let certificate = entry.leaf()?;
        let serial = ehcert_pki::etk::decimal(certificate.tbs_certificate.serial_number.as_bytes());
        if serial != entry.alias {
            findings.push(Finding::EtkAliasNotSerial(entry.alias.clone()));
        }
        if entry.key_pair()?.public_key_info()?
            != certificate.tbs_certificate.subject_public_key_info
        {
            findings.push(Finding::EtkKeyMismatch(entry.alias.clone()));
        }
    }
    if keystore.profile == Some(Profile::Modern) {
        findings.push(Finding::ModernProfile);
    }
    if !rules::is_conventional_file_name(file_name) {
        findings.push(Finding::UnconventionalFileName);
    }
    findings.sort_by_key(|finding| !finding.blocks());
    report.findings = findings;
    Ok(report)
}

/// F4: the same keystore under a new password (every entry and the file; the algorithms stay).
/// The new password must pass the policy (app/PRODUCT.md F9).
pub fn change_password(
    bytes: &[u8],
    old: &Password,
    new: &Password,
    confirmation: &str,
    rng: &mut impl CryptoRngCore,
) -> Result<Vec<u8>, FlowError> {
    if !rules::PasswordCheck::of(new.expose(), confirmation).passes() {
        return Err(FlowError::Pki(PkiError::WeakPassword));
    }
    Ok(Keystore::change_password(bytes, old, new, rng)?)
}
