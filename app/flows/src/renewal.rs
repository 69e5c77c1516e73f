//! F5 renewal, F6 its completion and F7 the activation of the renewed ETK (app/PRODUCT.md §2,
//! app/certra/PROTOCOL.md §4.5).
//!
//! V2 has no renew operation: a renewal is an ordinary GenerateCertificate for the same DN,
//! signed with the eID, inside the current certificate's replacement window; the answer names
//! the certificate it replaces. The current keystore is opened only to learn what to renew
//! (GetCertificateInfoForAuthenticationCertificate, signed with the current eHealth key), so
//! the new key, the contract, the pending keystore and the completion are those of
//! [`crate::new_certificate`]. The new ETK comes back `ToBeActivated` while the old one is still
//! valid: [`activate_etk`] switches senders to it once the new keystore is in use (§4.4 step 6).

use ehcert_certra::{
    endpoint::Operation,
    request,
    response::{self, CertificateInfo},
};
use ehcert_pki::{
    cert::UnixTime,
    p12::{Keystore, Password},
};

use crate::{
    ehealth_key, eid::EidHolder, my_certificates::unix_seconds, FlowError, NotRenewable, Services,
    WrongStage,
};

/// The keystore in use today, opened to renew its certificate.
pub struct CurrentKeystore {
    /// Its entries (the authentication key and chain sign the info request).
    pub keystore: Keystore,
    /// End of the current certificate's validity.
    pub not_after: UnixTime,
}

/// Opens the current keystore; a pending one (no certificate yet) has nothing to renew.
pub fn open(bytes: &[u8], password: &Password) -> Result<CurrentKeystore, FlowError> {
    let keystore = Keystore::read(bytes, password)?;
    if keystore.is_pending()? {
        return Err(WrongStage::StillPending.into());
    }
    let leaf = keystore.authentication()?.leaf()?;
    let (_, not_after) = ehcert_pki::cert::validity(&leaf);
    Ok(CurrentKeystore { keystore, not_after })
}

/// GetCertificateInfoForAuthenticationCertificate, signed with the keystore's own key: the DN's
/// identifier, the contact data, the status and the replacement window as eHealth knows them.
pub async fn certificate_info<S: Services>(
    services: &S,
    current: &CurrentKeystore,
) -> Result<CertificateInfo, S::Error> {
    ehealth_key::keystore_certificate_info(services, &current.keystore).await
}

/// Whether the certificate can be renewed today with `holder`'s eID: active at eHealth, not
/// expired by the keystore's own dates, inside the replacement window, and for a personal
/// certificate the holder's own.
pub fn check_renewable(
    info: &CertificateInfo,
    current: &CurrentKeystore,
    holder: &EidHolder,
    now: UnixTime,
) -> Result<(), NotRenewable> {
    let not_after = current.not_after.seconds();
    if info.status == "EXPIRED" || now.seconds() > not_after {
        return Err(NotRenewable::Expired { on: not_after });
    }
    if info.status != "VALID_ACTIVE" {
        return Err(NotRenewable::NotActive { status: info.status.clone() });
    }
    if let Some(owner) = info.identifier.person() {
        if owner.value != holder.ssin {
            return Err(NotRenewable::OtherPerson { owner: owner.value.clone() });
        }
    }
    if !info.replaceable {
        let opens = info.replacement_period_start.as_deref().and_then(unix_seconds);
        return Err(NotRenewable::NotYet { opens });
    }
    Ok(())
}

/// What an ETK activation came to.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Activation {
    /// The waiting ETK is active now.
    Activated,
    /// The keystore's ETK was active already, so nothing was sent: an earlier activation whose
    /// answer was lost went through, or this keystore's ETK never waited (the one renewed).
    AlreadyActive,
}

/// ActivateETK, signed with the *new* keystore's authentication key: from now on senders
/// encrypt for the new ETK (`ActivateETKRequest` in
/// `app/certra/xsd/ehealth-etkra-schema-protocol-2_0.xsd`; a renewed ETK waits for it while the
/// old one is valid). eHealth's ETK status is asked first
/// (GetCertificateInfoForAuthenticationCertificate): an ETK already active needs nothing, and a
/// second ActivateETK, after one whose answer was lost, would be refused.
pub async fn activate_etk<S: Services>(
    services: &S,
    keystore: &Keystore,
) -> Result<Activation, S::Error> {
    let entry = keystore.authentication().map_err(FlowError::from)?;
    if keystore.is_pending().map_err(FlowError::from)? {
        return Err(FlowError::from(WrongStage::StillPending).into());
    }
    let info = ehealth_key::keystore_certificate_info(services, keystore).await?;
    if info.etk_status == "VALID_ACTIVE" {
        return Ok(Activation::AlreadyActive);
    }
    let key = entry.key_pair().map_err(FlowError::from)?;
    let request = request::activate_etk(&services.meta());
    let envelope = ehealth_key::ehealth_signed(services, request, &key, &entry.chain)?;
    let body = services.certra(Operation::ActivateEtk, envelope).await?;
    response::etk_activated(&body).map_err(FlowError::from)?;
    Ok(Activation::Activated)
}
