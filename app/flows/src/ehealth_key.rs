//! Requests signed with the eHealth authentication key of a keystore (RSA-SHA256, the keystore's
//! chain in `KeyInfo`, app/certra/PROTOCOL.md §2.3), for the new-certificate and renewal flows
//! alike.

use ehcert_certra::{
    endpoint::Operation,
    request::{self, Request},
    response::{self, CertificateInfo},
    signature::{SignatureAlgorithm, SignatureDraft},
};
use ehcert_pki::{key::RsaKeyPair, p12::Keystore};

use crate::{signature_id, FlowError, Services};

/// `request` signed with the eHealth authentication key (RSA-SHA256, the keystore's chain in
/// `KeyInfo`).
pub(crate) fn ehealth_signed<S: Services>(
    services: &S,
    request: Request,
    key: &RsaKeyPair,
    chain: &[Vec<u8>],
) -> Result<String, FlowError> {
    let draft = SignatureDraft::new(
        request,
        SignatureAlgorithm::RsaSha256,
        chain.to_vec(),
        signature_id(services),
    )?;
    let value = key.sign_sha256(&draft.signed_info())?;
    Ok(draft.assemble(&value)?)
}

/// GetCertificateInfoForAuthenticationCertificate for any keystore holding its certificate
/// (`renewal::certificate_info`, and the ETK confirmation of `new_certificate::confirm_etk`).
pub(crate) async fn keystore_certificate_info<S: Services>(
    services: &S,
    keystore: &Keystore,
) -> Result<CertificateInfo, S::Error> {
    let entry = keystore.authentication().map_err(FlowError::from)?;
    let key = entry.key_pair().map_err(FlowError::from)?;
    let request = request::get_certificate_info_for_authentication_certificate(&services.meta());
    let envelope = ehealth_signed(services, request, &key, &entry.chain)?;
    let body = services
        .certra(Operation::GetCertificateInfoForAuthenticationCertificate, envelope)
        .await?;
    Ok(response::authentication_certificate_info(&body).map_err(FlowError::from)?)
}
