//! F1, new personal certificate, and F3, completing a request (app/PRODUCT.md §2, app/certra/PROTOCOL.md
//! §4): contract → keys and CSR → pending keystore saved → GenerateCertificate signed by the eID
//! → GetCertificate until delivered → chain installed → ETK registered → final keystore.
//!
//! Never lose a key (app/PRODUCT.md §4): the key exists only inside the pending keystore, which
//! the caller saves *before* [`request_certificate`] is sent; [`resume`] recovers everything the
//! later steps need from that file and its password alone, so a reload, a crash or another day
//! continues without a new key or a second request.

use ehcert_certra::{
    dialect::InProgressListing,
    endpoint::{Environment, Operation},
    request::{self, CertificateIdentifier, ContactData, Contract},
    response::{self, GeneratedCertificate},
    CertraError,
};
use ehcert_pki::{
    cert::{self, UnixTime},
    csr::CsrDraft,
    dn, etk,
    identifier::PublicKeyIdentifier,
    key::RsaKeyPair,
    p12::{Keystore, Password, Profile, AUTHENTICATION_ALIAS},
    rules::{self, LocalDateTime},
};
use ehcert_shared::bridge::KeyRole;
use rand_core::CryptoRngCore;

use crate::{call, ehealth_key, eid::EidHolder, FlowError, NotRenewable, Services, WrongStage};

/// GenerateContract for the certificate of `identifier` (the holder's own, an organisation's, or
/// the one being renewed), with the eID holder as the signer: the DN and the text to accept.
pub async fn generate_contract<S: Services>(
    services: &S,
    holder: &EidHolder,
    identifier: &CertificateIdentifier,
    contact: &ContactData,
) -> Result<Contract, S::Error> {
    crate::contact::check(contact).map_err(FlowError::from)?;
    let identifier = requested_identifier(holder, identifier).map_err(FlowError::from)?;
    let request =
        request::generate_contract(&services.meta(), contact, &holder.actor(), &identifier);
    let body = call(services, request).await?;
    Ok(response::contract(&body).map_err(FlowError::from)?)
}

/// The `CertificateIdentifier` a contract is asked for, built from the eID holder as eHealth's
/// client builds it (`ra/builders/ContractRequestBuilder.java`), whatever eHealth listed for the
/// certificate when it is renewed or completed:
/// - a personal certificate's `Actor` *is* the Signer: the SSIN, first name and name read from the
///   card (`withEid()`), never the actor GetCertificateInfo returned, which may lack `FirstName`
///   or carry a name eHealth stored earlier (so that eHealth cannot make another DN from it);
/// - an organisation's keeps its identifier, name and application id, and carries the
///   requester's first name (`buildCertificateIdentifier`: always the eID holder's, also when the
///   certificate was first requested by someone else).
///
/// A personal certificate of another person is refused: only its owner's eID may ask for it.
pub fn requested_identifier(
    holder: &EidHolder,
    identifier: &CertificateIdentifier,
) -> Result<CertificateIdentifier, NotRenewable> {
    match identifier.person() {
        Some(owner) if owner.value != holder.ssin => {
            Err(NotRenewable::OtherPerson { owner: owner.value.clone() })
        }
        Some(_) => Ok(holder.personal_certificate()),
        None => {
            let mut identifier = identifier.clone();
            identifier.actor.first_names = vec![holder.given_names.clone()];
            Ok(identifier)
        }
    }
}

/// The pending keystore, ready to be saved, and the CSR that goes with it.
pub struct PendingKeystore {
    /// PKCS#12 bytes: the new key under a placeholder certificate, in the Java profile.
    pub bytes: Vec<u8>,
    /// The conventional file name (`SSIN=… yyyyMMdd-HHmmss.p12`, `.acc-p12` outside production).
    pub file_name: String,
    /// The PKCS#10 request for the contract's DN.
    pub csr: Vec<u8>,
    /// The key's identifier at CertRA (SHA-1 of the public key).
    pub public_key_identifier: [u8; 20],
    /// The ETK key, made at the same time as the authentication key
    /// ([`crate::pending::make_pending`]) and kept in memory only: it is used once the
    /// certificate is issued, and kept in the browser before eHealth hears of it. `None` when the
    /// pending keystore comes from a file or a reload; one is made then.
    pub etk_key: Option<RsaKeyPair>,
}

/// For which platform and when a keystore is made: its file name and its placeholder's dates.
#[derive(Clone, Copy, Debug)]
pub struct MadeAt {
    /// Production, acceptance, or the local test service.
    pub environment: Environment,
    /// The clock, for the placeholder certificate.
    pub now: UnixTime,
    /// The person's local time, for the file name (as the Java tool names files).
    pub local: LocalDateTime,
}

/// Builds the CSR for `dn` (the contract's) and the pending keystore holding `key`, named after
/// the certificate's `identifier`.
pub fn pending_keystore(
    dn: &str,
    identifier: &CertificateIdentifier,
    key: &RsaKeyPair,
    password: &Password,
    made: MadeAt,
    rng: &mut impl CryptoRngCore,
) -> Result<PendingKeystore, FlowError> {
    let MadeAt { environment, now, local } = made;
    let public_key = key.public_key_info()?;
    let subject = identifier.actor.ids.first().ok_or_else(|| {
        FlowError::Certra(CertraError::Malformed("the certificate has no identifier".into()))
    })?;
    let csr = CsrDraft::new(dn::parse(dn)?, public_key.clone()).sign_with(key)?;
    let bytes = Keystore::pending(key, now)?.write(password, Profile::Java, rng)?;
    let file_name = rules::keystore_file_name(
        &subject.kind,
        &subject.value,
        identifier.application_id.as_deref(),
        local,
        file_environment(environment),
    );
    Ok(PendingKeystore {
        bytes,
        file_name,
        csr,
        public_key_identifier: PublicKeyIdentifier::of(&public_key).0,
        etk_key: None,
    })
}

/// The key of a pending keystore made earlier (the tab was reloaded or closed before the
/// request was answered, so the page lost its state), made ready to be requested for `dn`: the
/// same key, the same file, a fresh CSR. Whether eHealth already received a request for it is
/// for [`request_certificate_again`] to find out.
pub fn reuse_pending(
    bytes: &[u8],
    file_name: &str,
    password: &Password,
    dn: &str,
) -> Result<PendingKeystore, FlowError> {
    let resumed = resume(bytes, password)?;
    let key = resumed.keystore.authentication()?.key_pair()?;
    let csr = CsrDraft::new(dn::parse(dn)?, key.public_key_info()?).sign_with(&key)?;
    Ok(PendingKeystore {
        bytes: bytes.to_vec(),
        file_name: file_name.to_owned(),
        csr,
        public_key_identifier: resumed.public_key_identifier,
        etk_key: None,
    })
}

/// Whether a kept pending keystore, known by its file name, was made for `identifier` (the
/// `TYPE=VALUE[,APPLICATION]` part of the name, as [`pending_keystore`] writes it): only then is
/// its key offered again.
pub fn pending_is_for(file_name: &str, identifier: &CertificateIdentifier) -> bool {
    let Some(subject) = identifier.actor.ids.first() else { return false };
    let expected = rules::keystore_file_identity(
        &subject.kind,
        &subject.value,
        identifier.application_id.as_deref(),
    );
    file_name.rsplit_once(' ').is_some_and(|(identity, _)| identity == expected)
}

/// What GenerateCertificate carries: the contact data, the contract to echo, the CSR for its
/// DN, and the eHealth base services the certificate may use (`BaseServiceUsage`: `tsa`,
/// `consultrn`, `codage`, `other`; only those of the organisation type are accepted): chosen for
/// an organisation, carried over on a renewal, none otherwise.
#[derive(Clone, Copy, Debug)]
pub struct CertificateRequest<'a> {
    /// Contact data, as in the contract's request.
    pub contact: &'a ContactData,
    /// The contract GenerateContract returned.
    pub contract: &'a Contract,
    /// The PKCS#10 request (DER).
    pub csr: &'a [u8],
    /// `BaseServiceUsage` values.
    pub base_services: &'a [String],
}

/// GenerateCertificate, signed with the eID's signature key (the PIN window shows what the card bridge reads in it).
pub async fn request_certificate<S: Services>(
    services: &S,
    holder: &EidHolder,
    request: &CertificateRequest<'_>,
) -> Result<GeneratedCertificate, S::Error> {
    let envelope = signed_certificate_request(services, holder, request).await?;
    send_certificate_request(services, envelope).await
}

/// The first half of [`request_certificate`]: GenerateCertificate signed by the card, not sent.
/// A failure here (the PIN window closed, the card pulled out) sent nothing, so the next attempt
/// needs no [`request_certificate_again`].
pub async fn signed_certificate_request<S: Services>(
    services: &S,
    holder: &EidHolder,
    request: &CertificateRequest<'_>,
) -> Result<String, S::Error> {
    let CertificateRequest { contact, contract, csr, base_services } = *request;
    crate::contact::check(contact).map_err(FlowError::from)?;
    // The DN as the connector echoes it, or verbatim, as the environment says
    // (`ehcert_certra::dialect::DnEcho`); the card bridge reads the echo back for the PIN window.
    let echoed = services.dialect().dn_echo.contract(contract);
    let soap =
        request::generate_certificate(&services.meta(), contact, csr, &echoed, base_services);
    holder.sign(services, soap, KeyRole::Signature).await
}

/// The second half of [`request_certificate`]: sends the signed GenerateCertificate.
pub async fn send_certificate_request<S: Services>(
    services: &S,
    envelope: String,
) -> Result<GeneratedCertificate, S::Error> {
    let body = services.certra(Operation::GenerateCertificate, envelope).await?;
    Ok(response::generated_certificate(&body).map_err(FlowError::from)?)
}

/// GenerateCertificate again after an attempt whose outcome is unknown (the answer was lost,
/// cut or late): eHealth may have carried out the first one, and a second request for the same
/// key would be refused. When the answer says eHealth knows the key, nothing is sent again and
/// `None` says to continue with the request already there. Otherwise the request is sent (and
/// signed) again.
///
/// Whether eHealth knows the key is decided only from answers eHealth is known to give: a
/// certificate from GetCertificate, or the key listed by GetCertificateInfoForCitizen (signed with
/// the eID authentication key: one more PIN, on this rare path only). GetCertificate's errors
/// decide nothing: `CERT_NOT_YET_DELIVERED` is the one code eHealth's client knows
/// (`ra/utils/RaUtils.java`), and nobody outside eHealth knows whether it is also the answer for
/// a key it never received; taking it as "received" would leave a lost request waiting forever.
pub async fn request_certificate_again<S: Services>(
    services: &S,
    holder: &EidHolder,
    request: &CertificateRequest<'_>,
    public_key_identifier: &[u8; 20],
) -> Result<Option<GeneratedCertificate>, S::Error> {
    match request_received(services, holder, public_key_identifier).await? {
        Receipt::Received => Ok(None),
        Receipt::NotReceived => request_certificate(services, holder, request).await.map(Some),
        Receipt::Unconfirmed => Err(FlowError::RequestUnconfirmed.into()),
    }
}

/// What eHealth's answers say of a GenerateCertificate whose answer was never read.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Receipt {
    /// eHealth delivers the certificate, or lists the key.
    Received,
    /// The key is neither delivered nor listed, in a list known to carry requests in progress.
    NotReceived,
    /// The key is neither delivered nor listed, and the list is not known to carry requests in
    /// progress: eHealth may hold it, waiting for validation, or may never have received it.
    Unconfirmed,
}

/// Whether eHealth received a GenerateCertificate for `public_key_identifier`: it delivers the
/// certificate, or lists a request for the key among the card holder's certificates.
///
/// A key that is not listed was never received only if the list carries requests still in
/// progress: the environment's dialect says so (`InProgressListing::Listed`, once the
/// acceptance probe saw it), or the list shows one itself. Otherwise the answer is
/// [`Receipt::Unconfirmed`], and the key is not sent again: under eHealth's unknown rule for a
/// key requested twice, it must never be.
///
/// An entry of the list that cannot be read counts as this key when its own identifier cannot
/// be read either: the key is then never sent a second time on a guess, and the request is
/// awaited as received (GetCertificate delivers it, or the person is told it is not issued yet
/// and completes it later from the pending keystore).
pub async fn request_received<S: Services>(
    services: &S,
    holder: &EidHolder,
    public_key_identifier: &[u8; 20],
) -> Result<Receipt, S::Error> {
    if let Ok(Some(_)) = fetch_chain(services, public_key_identifier).await {
        return Ok(Receipt::Received);
    }
    let listed = crate::my_certificates::list(services, holder).await?;
    if listed.may_list_key(public_key_identifier) {
        return Ok(Receipt::Received);
    }
    let carries_requests =
        services.dialect().in_progress == InProgressListing::Listed || listed.shows_in_progress();
    Ok(if carries_requests { Receipt::NotReceived } else { Receipt::Unconfirmed })
}

/// A pending request read back from its keystore.
pub struct Resumed {
    /// The keystore, with the key under its placeholder.
    pub keystore: Keystore,
    /// What to ask GetCertificate for.
    pub public_key_identifier: [u8; 20],
}

/// Opens a pending keystore (the downloaded file or the browser's copy) to continue its request.
pub fn resume(bytes: &[u8], password: &Password) -> Result<Resumed, FlowError> {
    resume_keystore(Keystore::read(bytes, password)?)
}

/// [`resume`] for a keystore already read.
pub fn resume_keystore(keystore: Keystore) -> Result<Resumed, FlowError> {
    if !keystore.is_pending()? {
        return Err(WrongStage::AlreadyIssued.into());
    }
    let key = keystore.authentication()?.key_pair()?;
    let public_key_identifier = PublicKeyIdentifier::of(&key.public_key_info()?).0;
    Ok(Resumed { keystore, public_key_identifier })
}

/// GetCertificate: the chain once issued, `None` while eHealth says `CERT_NOT_YET_DELIVERED`.
pub async fn fetch_chain<S: Services>(
    services: &S,
    public_key_identifier: &[u8; 20],
) -> Result<Option<Vec<Vec<u8>>>, S::Error> {
    let request = request::get_certificate(&services.meta(), public_key_identifier);
    let body = call(services, request).await?;
    match response::certificate_chain(&body) {
        Ok(chain) => Ok(Some(chain)),
        Err(err) if err.is_not_yet_delivered() => Ok(None),
        Err(err) => Err(FlowError::from(err).into()),
    }
}

/// Installs the delivered chain, registers a new ETK for it (StartETKRegistration, the
/// challenge answered with `etk_key`, CompleteETKRegistration with the self-issued encryption
/// certificate; app/certra/PROTOCOL.md §4.4) and adds the ETK key under its decimal serial. `keep` is
/// given the keystore with the ETK key in it *before* CompleteETKRegistration is sent: the ETK
/// key is saved before the request that registers it, as the authentication key was.
pub async fn complete<S: Services>(
    services: &S,
    keystore: &mut Keystore,
    chain: Vec<Vec<u8>>,
    etk_key: &RsaKeyPair,
    keep: impl FnOnce(&Keystore) -> Result<(), S::Error>,
) -> Result<EtkRegistered, S::Error> {
    keystore.install_chain(chain).map_err(FlowError::from)?;
    register_etk(services, keystore, etk_key, keep).await
}

/// The ETK registration of [`complete`], for a keystore that already holds its certificate.
pub async fn register_etk<S: Services>(
    services: &S,
    keystore: &mut Keystore,
    etk_key: &RsaKeyPair,
    keep: impl FnOnce(&Keystore) -> Result<(), S::Error>,
) -> Result<EtkRegistered, S::Error> {
    let entry = keystore.authentication().map_err(FlowError::from)?;
    let authentication_key = entry.key_pair().map_err(FlowError::from)?;
    let chain = entry.chain.clone();
    let spki = der::Encode::to_der(&etk_key.public_key_info().map_err(FlowError::from)?)
        .map_err(|err| FlowError::Pki(err.into()))?;

    let start = request::start_etk_registration(&services.meta(), &spki);
    let envelope = ehealth_key::ehealth_signed(services, start, &authentication_key, &chain)?;
    let body = services.certra(Operation::StartEtkRegistration, envelope).await?;
    let challenge = match response::etk_challenge(&body) {
        Ok(challenge) => challenge,
        // Refused: perhaps because this certificate's ETK is registered already, the request
        // completed before (its final keystore holds the ETK key). eHealth's ETK status says.
        Err(refusal @ CertraError::Refused { .. }) => {
            let info = ehealth_key::keystore_certificate_info(services, keystore).await?;
            return Err(match info.etk_status.as_str() {
                "VALID_ACTIVE" | "WAIT_FOR_ACTIVATION" => FlowError::AlreadyCompleted,
                _ => FlowError::from(refusal),
            }
            .into());
        }
        Err(err) => return Err(FlowError::from(err).into()),
    };
    let serial = etk::answer_challenge(etk_key, &challenge).map_err(FlowError::from)?;

    let authentication = cert::decode(&chain[0]).map_err(FlowError::from)?;
    let encryption_certificate = cert::etk_encryption_certificate(
        &authentication,
        etk_key.public_key_info().map_err(FlowError::from)?,
        &serial.0,
    )
    .and_then(|draft| draft.sign_with(&authentication_key))
    .map_err(FlowError::from)?;
    keystore.add_etk_key(etk_key, encryption_certificate.clone()).map_err(FlowError::from)?;
    keep(keystore)?;
    let complete = request::complete_etk_registration(&services.meta(), &encryption_certificate);
    let envelope = ehealth_key::ehealth_signed(services, complete, &authentication_key, &chain)?;
    let body = services.certra(Operation::CompleteEtkRegistration, envelope).await?;
    let registration = response::etk_registration(&body).map_err(FlowError::from)?;
    let to_be_activated = match registration.to_be_activated {
        Some(to_be_activated) => to_be_activated,
        // Success without saying: eHealth's ETK status for this certificate tells.
        None => {
            let info = ehealth_key::keystore_certificate_info(services, keystore).await?;
            info.etk_status == "WAIT_FOR_ACTIVATION"
        }
    };
    Ok(EtkRegistered { to_be_activated, etk: registration.etk })
}

/// A registered ETK.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct EtkRegistered {
    /// It waits for ActivateETK (a renewal while the old ETK is valid).
    pub to_be_activated: bool,
    /// The ETK, when eHealth's answer carried it.
    pub etk: Option<Vec<u8>>,
}

/// A keystore kept during its ETK registration (certificate installed, ETK key added, the
/// answer to CompleteETKRegistration never read): eHealth's GetCertificateInfoForAuthentication
/// Certificate, signed with the keystore's key, says whether the ETK is registered. `Some` (with
/// whether it waits for activation) when it is: the keystore is final as it is. `None` when it
/// is not: the ETK key is dropped from the keystore, and [`register_etk`] is to be run again.
pub async fn confirm_etk<S: Services>(
    services: &S,
    keystore: &mut Keystore,
) -> Result<Option<bool>, S::Error> {
    let info = ehealth_key::keystore_certificate_info(services, keystore).await?;
    let has_etk_key = keystore.entries.len() > 1;
    match info.etk_status.as_str() {
        "VALID_ACTIVE" | "WAIT_FOR_ACTIVATION" if has_etk_key => {
            Ok(Some(info.etk_status == "WAIT_FOR_ACTIVATION"))
        }
        "VALID_ACTIVE" | "WAIT_FOR_ACTIVATION" => {
            Err(FlowError::from(WrongStage::EtkKeyMissing).into())
        }
        _ => {
            keystore.entries.retain(|entry| entry.alias == AUTHENTICATION_ALIAS);
            Ok(None)
        }
    }
}

/// Keystores for eHealth's acceptance platform, and for the local test service, end in
/// `.acc-p12` (app/PRODUCT.md F11).
pub(crate) fn file_environment(environment: Environment) -> rules::Environment {
    match environment {
        Environment::Production => rules::Environment::Production,
        _ => rules::Environment::Acceptance,
    }
}
