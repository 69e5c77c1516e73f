//! A pending request from its key to its final keystore, as the app's screens run it: the key
//! made and kept before anything is sent, GenerateCertificate sent once (or eHealth asked about it
//! after an outcome nobody saw), the certificate awaited, the ETK key kept before the request that
//! registers it, the final keystore handed over and the kept copy forgotten.
//!
//! The person's browser keeps one request (the encrypted PKCS#12 exactly as downloaded, never a
//! raw key) so that a reload, a crash or another day continues it; a kiosk keeps it in the page's
//! memory only, and what survives a reload there is the files the person was given: the pending
//! keystore before GenerateCertificate, and the copy holding the ETK key before
//! CompleteETKRegistration ([`Keeping::keeps_across_reloads`]). The screens hold only what a
//! reload may lose: which pending keystore is in use, and whether its GenerateCertificate may
//! have left ([`Attempt`]).
//!
//! `tests/soak.rs` drives these steps through thousands of random schedules of lost, cut and
//! refused answers, card faults and reloads, and checks after each that no key was lost and no
//! key was requested twice.

use std::{
    future::{poll_fn, Future},
    pin::pin,
    task::Poll,
    time::Duration,
};

use ehcert_certra::{
    endpoint::Environment,
    poll::PollSchedule,
    request::{CertificateIdentifier, ContactData, Contract},
    response::GeneratedCertificate,
};
use ehcert_pki::{
    cert::UnixTime,
    key::RsaKeyPair,
    p12::{Keystore, Password, Profile},
    rules::LocalDateTime,
};
use rand_core::CryptoRngCore;

use crate::{
    eid::EidHolder,
    new_certificate::{
        self, complete, confirm_etk, fetch_chain, pending_is_for, register_etk, resume_keystore,
        reuse_pending, CertificateRequest, MadeAt, PendingKeystore,
    },
    FlowError, Services,
};

/// A request kept in the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptRequest {
    /// Where it was requested.
    pub environment: Environment,
    /// The file name it was downloaded under.
    pub file_name: String,
    /// The encrypted PKCS#12.
    pub keystore: Vec<u8>,
    /// The certificate is in it and its ETK registration was under way: a request to complete,
    /// no longer a key to request a certificate for.
    pub registering: bool,
}

/// What the browser does for a pending request besides talking to eHealth and the card: files
/// for the person, the one kept request, keys, the clock.
#[allow(async_fn_in_trait)] // one implementation per target; the app's are not Send (wasm)
pub trait Keeping: Services {
    /// The environment requests go to.
    fn environment(&self) -> Environment;
    /// Offers a file to the person (a download).
    fn download(&self, bytes: &[u8], file_name: &str) -> Result<(), Self::Error>;
    /// Puts a new pending keystore where the person keeps it, before anything is sent: by
    /// default a download. A browser with a save picker lets the person choose the place once
    /// (the folder their medical software looks in), and [`Keeping::place_final`] then puts the
    /// final keystore there in its place: one file at the end, under eHealth's name.
    async fn place_pending(&self, bytes: &[u8], file_name: &str) -> Result<(), Self::Error> {
        self.download(bytes, file_name)
    }
    /// Puts the final keystore: over the pending one of the same name where
    /// [`Keeping::place_pending`] placed it in this page (true), else as a download (false).
    async fn place_final(&self, bytes: &[u8], file_name: &str) -> Result<bool, Self::Error> {
        self.download(bytes, file_name).map(|()| false)
    }
    /// The kept request, if any.
    fn kept(&self) -> Option<KeptRequest>;
    /// Replaces the kept request. Callers go through [`keep`], which refuses to replace a request
    /// that is nearly finished.
    fn store(&self, kept: &KeptRequest) -> Result<(), Self::Error>;
    /// Forgets the kept request.
    fn forget(&self);
    /// Whether the kept request outlives a reload of the page. A kiosk keeps it in the page's
    /// memory only (nothing of a person may stay in its browser): there the files the person was
    /// given are what a reload leaves, so each copy that holds a key eHealth is about to learn
    /// of is downloaded too, not only kept ([`finish_request`]).
    fn keeps_across_reloads(&self) -> bool;
    /// A new RSA-2048 key pair.
    async fn new_key(&self) -> Result<RsaKeyPair, Self::Error>;
    /// Waits between GetCertificate polls.
    async fn pause(&self, wait: Duration);
    /// The clock and the person's local time, for a new keystore.
    fn clock(&self) -> (UnixTime, LocalDateTime);
}

/// Keeps `kept`, unless the browser holds another request whose ETK registration was under way:
/// that copy holds the only ETK key eHealth may have registered, so a new request must not
/// replace it.
pub fn keep<K: Keeping>(keeping: &K, kept: &KeptRequest) -> Result<(), K::Error> {
    if let Some(file) = unfinished_request(keeping).filter(|file| *file != kept.file_name) {
        return Err(FlowError::UnfinishedRequest(file).into());
    }
    keeping.store(kept)
}

/// The file name of a request kept mid-ETK-registration: to be completed before another starts.
pub fn unfinished_request<K: Keeping>(keeping: &K) -> Option<String> {
    keeping.kept().filter(|kept| kept.registering).map(|kept| kept.file_name)
}

/// A new key and its pending keystore for `dn`, downloaded and kept before anything is sent:
/// from here on the key is safe whatever happens to the page.
pub async fn make_pending<K: Keeping>(
    keeping: &K,
    dn: &str,
    certificate: &CertificateIdentifier,
    password: &Password,
    rng: &mut impl CryptoRngCore,
) -> Result<PendingKeystore, K::Error> {
    // Checked before a key is made: a nearly finished request must be completed first.
    if let Some(file) = unfinished_request(keeping) {
        return Err(FlowError::UnfinishedRequest(file).into());
    }
    // Both keys at once: key generation runs off the page's thread (WebCrypto, or a worker per
    // key), so the person waits for one, not two (app/PRODUCT.md §6).
    let (key, etk_key) = at_once(keeping.new_key(), keeping.new_key()).await;
    let (key, etk_key) = (key?, etk_key?);
    let (now, local) = keeping.clock();
    let made = MadeAt { environment: keeping.environment(), now, local };
    let mut pending =
        new_certificate::pending_keystore(dn, certificate, &key, password, made, rng)?;
    pending.etk_key = Some(etk_key);
    keeping.place_pending(&pending.bytes, &pending.file_name).await?;
    keep(
        keeping,
        &KeptRequest {
            environment: keeping.environment(),
            file_name: pending.file_name.clone(),
            keystore: pending.bytes.clone(),
            registering: false,
        },
    )?;
    Ok(pending)
}

/// The kept key made for `certificate` in this environment before a reload or a closed tab,
/// offered instead of a new one so that the request is continued, never made twice.
pub fn kept_key_for<K: Keeping>(
    keeping: &K,
    certificate: &CertificateIdentifier,
) -> Option<KeptRequest> {
    keeping.kept().filter(|kept| {
        !kept.registering
            && kept.environment == keeping.environment()
            && pending_is_for(&kept.file_name, certificate)
    })
}

/// Whether GenerateCertificate may have left for the pending keystore in use.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
pub enum Attempt {
    /// Never signed: nothing was sent.
    #[default]
    NotSent,
    /// Signed, so perhaps received: eHealth is asked before anything is sent again. A kept key
    /// taken up after a reload starts here, since nobody remembers.
    MaybeSent,
}

/// Sends GenerateCertificate for the pending keystore, or, when an earlier attempt may have
/// reached eHealth, asks eHealth first and continues the request it holds
/// ([`new_certificate::request_certificate_again`]). `signed` hears the signed envelope before it
/// is sent (the person's evidence). `attempt` is updated as soon as the card has signed.
pub async fn send_request<S: Services>(
    services: &S,
    holder: &EidHolder,
    request: &CertificateRequest<'_>,
    public_key_identifier: &[u8; 20],
    attempt: &mut Attempt,
    signed: impl FnOnce(&str),
) -> Result<Option<GeneratedCertificate>, S::Error> {
    if *attempt == Attempt::MaybeSent {
        return new_certificate::request_certificate_again(
            services,
            holder,
            request,
            public_key_identifier,
        )
        .await;
    }
    let envelope = new_certificate::signed_certificate_request(services, holder, request).await?;
    // Signed: from here on eHealth may receive it, whatever becomes of the answer.
    *attempt = Attempt::MaybeSent;
    signed(&envelope);
    new_certificate::send_certificate_request(services, envelope).await.map(Some)
}

/// The request of the new-certificate flow from its password step on, as the page holds it: its
/// pending keystore (the key already downloaded and kept), the keystore's password, and whether
/// its GenerateCertificate may have left. Pressing Sign, or "Try again" after any failure, is
/// [`PendingRequest::send_and_finish`]: the request goes to eHealth once, the certificate is
/// awaited and the final keystore made, whatever failed before.
pub struct PendingRequest {
    pending: PendingKeystore,
    password: Password,
    attempt: Attempt,
}

/// What the person asked for, gathered by the steps before the key: sent with the key's CSR.
#[derive(Clone, Copy)]
pub struct Asked<'a> {
    /// The contact data.
    pub contact: &'a ContactData,
    /// The accepted contract.
    pub contract: &'a Contract,
    /// The base services the certificate may use (organisations, renewals).
    pub base_services: &'a [String],
}

impl PendingRequest {
    /// A new key (with its ETK key) for the contract's DN, downloaded and kept before anything is
    /// sent ([`make_pending`]); nothing has left yet.
    pub async fn make<K: Keeping>(
        keeping: &K,
        contract: &Contract,
        certificate: &CertificateIdentifier,
        password: Password,
        rng: &mut impl CryptoRngCore,
    ) -> Result<Self, K::Error> {
        let pending = make_pending(keeping, &contract.dn, certificate, &password, rng).await?;
        Ok(Self { pending, password, attempt: Attempt::NotSent })
    }

    /// The key kept before a reload ([`kept_key_for`]), opened with its password, for the
    /// contract's DN. Whether its request left before the reload nobody remembers, so eHealth is
    /// asked before anything is sent.
    pub fn reuse(
        kept: &KeptRequest,
        contract: &Contract,
        password: Password,
    ) -> Result<Self, FlowError> {
        let pending = reuse_pending(&kept.keystore, &kept.file_name, &password, &contract.dn)?;
        Ok(Self { pending, password, attempt: Attempt::MaybeSent })
    }

    /// The pending keystore's file name, as downloaded.
    pub fn file_name(&self) -> &str {
        &self.pending.file_name
    }

    /// The new key's code as the PIN window shows it: CertRA's public key identifier in
    /// upper-case hex, in groups of four (`extension/relay.js` `groupHex`), so the person can
    /// compare the page's sign step with the window.
    pub fn key_code(&self) -> String {
        let groups: Vec<String> = self
            .pending
            .public_key_identifier
            .chunks(2)
            .map(|pair| pair.iter().map(|byte| format!("{byte:02X}")).collect())
            .collect();
        groups.join(" ")
    }

    /// Whether GenerateCertificate may have left for this key.
    pub fn attempt(&self) -> Attempt {
        self.attempt
    }

    /// Sends GenerateCertificate signed by `holder` (or, when an earlier press may have sent it,
    /// asks eHealth about it: [`send_request`]), then waits for the certificate and makes the
    /// final keystore ([`finish_request`]). `signed` hears the signed envelope before it leaves;
    /// `sent` hears eHealth's answer to it (`None` when an earlier request was continued), before
    /// the wait begins. The ETK key made with the key serves the first press that gets this far;
    /// after that the browser's copy holds the one in use, or a new one is made.
    #[allow(clippy::too_many_arguments)] // each is one thing the page hears or supplies
    pub async fn send_and_finish<K: Keeping>(
        &mut self,
        keeping: &K,
        holder: &EidHolder,
        asked: Asked<'_>,
        signed: impl FnOnce(&str),
        sent: impl FnOnce(Option<&GeneratedCertificate>),
        progress: impl Fn(Stage),
        rng: &mut impl CryptoRngCore,
    ) -> Result<Finished, K::Error> {
        let request = CertificateRequest {
            contact: asked.contact,
            contract: asked.contract,
            csr: &self.pending.csr,
            base_services: asked.base_services,
        };
        let id = self.pending.public_key_identifier;
        let generated =
            send_request(keeping, holder, &request, &id, &mut self.attempt, signed).await?;
        sent(generated.as_ref());
        let etk_key = self.pending.etk_key.take();
        finish_request(
            keeping,
            &self.pending.bytes,
            &self.password,
            &self.pending.file_name,
            etk_key,
            progress,
            rng,
        )
        .await
    }
}

/// Where [`finish_request`] stands, for the progress line.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum Stage {
    /// Polling GetCertificate.
    Waiting,
    /// Registering the ETK.
    RegisteringEtk,
}

/// A request carried through to its final keystore.
pub struct Finished {
    /// The final keystore (kept in memory for the ETK activation).
    pub keystore: Keystore,
    /// Its file, as downloaded, for a copy saved elsewhere.
    pub file: (String, Vec<u8>),
    /// The new ETK waits for ActivateETK (a renewal while the old ETK is valid).
    pub to_be_activated: bool,
    /// The final keystore replaced the pending one where the person placed it
    /// ([`Keeping::place_final`]); otherwise it was downloaded beside it.
    pub replaced_pending: bool,
}

/// Waits for the certificate of the pending keystore `bytes`, installs it with a new ETK (`etk_key`
/// when the pending keystore was made in this page, else one made now), and offers the final
/// keystore for download under `file_name`; then the kept copy is forgotten.
/// A copy of this request kept mid-ETK-registration is continued instead (it holds the ETK key
/// eHealth may have registered). `progress` hears each stage.
pub async fn finish_request<K: Keeping>(
    keeping: &K,
    bytes: &[u8],
    password: &Password,
    file_name: &str,
    etk_key: Option<RsaKeyPair>,
    progress: impl Fn(Stage),
    rng: &mut impl CryptoRngCore,
) -> Result<Finished, K::Error> {
    let kept = keeping.kept().filter(|kept| kept.registering && kept.file_name == file_name);
    let bytes = kept.as_ref().map_or(bytes, |kept| kept.keystore.as_slice());
    let mut keystore = Keystore::read(bytes, password).map_err(FlowError::from)?;
    // The ETK key is kept before the request that registers it, as the authentication key was
    // before GenerateCertificate. The rng is shared with the final write below, hence a cell.
    let rng = std::cell::RefCell::new(rng);
    // Where the page's copy goes with a reload (a kiosk), the copy is downloaded as well, under
    // the same name as the pending file: once CompleteETKRegistration has left, the ETK key
    // eHealth registers is nowhere else, and "Complete a request" with this newer file finishes
    // the request (`confirm_etk`) after any reload.
    let keep_copy = |keystore: &Keystore| -> Result<(), K::Error> {
        let bytes = keystore
            .write(password, Profile::Java, &mut **rng.borrow_mut())
            .map_err(FlowError::from)?;
        if !keeping.keeps_across_reloads() {
            keeping.download(&bytes, file_name)?;
        }
        keep(
            keeping,
            &KeptRequest {
                environment: keeping.environment(),
                file_name: file_name.to_owned(),
                keystore: bytes,
                registering: true,
            },
        )
    };
    let to_be_activated = if keystore.is_pending().map_err(FlowError::from)? {
        let resumed = resume_keystore(keystore)?;
        progress(Stage::Waiting);
        let mut schedule = PollSchedule::standard();
        let chain = loop {
            if let Some(chain) = fetch_chain(keeping, &resumed.public_key_identifier).await? {
                break chain;
            }
            match schedule.next() {
                Some(wait) => keeping.pause(wait).await,
                // Manual validation can take days: the pending keystore stays, the person comes back.
                None => return Err(FlowError::NotYetIssued.into()),
            }
        };
        progress(Stage::RegisteringEtk);
        let etk_key = match etk_key {
            Some(made) => made,
            None => keeping.new_key().await?,
        };
        keystore = resumed.keystore;
        complete(keeping, &mut keystore, chain, &etk_key, keep_copy).await?.to_be_activated
    } else {
        // A copy from an ETK registration whose answer was never read.
        progress(Stage::RegisteringEtk);
        match confirm_etk(keeping, &mut keystore).await? {
            Some(to_be_activated) => to_be_activated,
            None => {
                let etk_key = match etk_key {
                    Some(made) => made,
                    None => keeping.new_key().await?,
                };
                register_etk(keeping, &mut keystore, &etk_key, keep_copy).await?.to_be_activated
            }
        }
    };
    let final_bytes = keystore
        .write(password, Profile::Java, &mut **rng.borrow_mut())
        .map_err(FlowError::from)?;
    let replaced_pending = keeping.place_final(&final_bytes, file_name).await?;
    keeping.forget();
    Ok(Finished {
        keystore,
        file: (file_name.to_owned(), final_bytes),
        to_be_activated,
        replaced_pending,
    })
}

/// Runs `first` and `second` at once and waits for both: with the page's key generation, which
/// runs off its thread, two keys take the time of one.
pub async fn at_once<A: Future, B: Future>(first: A, second: B) -> (A::Output, B::Output) {
    let (mut first, mut second) = (pin!(first), pin!(second));
    let (mut a, mut b) = (None, None);
    poll_fn(|cx| {
        if a.is_none() {
            if let Poll::Ready(done) = first.as_mut().poll(cx) {
                a = Some(done);
            }
        }
        if b.is_none() {
            if let Poll::Ready(done) = second.as_mut().poll(cx) {
                b = Some(done);
            }
        }
        match (a.take(), b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (taken_a, taken_b) => {
                (a, b) = (taken_a, taken_b);
                Poll::Pending
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::{
        cell::Cell,
        future::{poll_fn, Future},
        pin::pin,
        task::{Context, Poll, Waker},
    };

    use super::at_once;

    /// Sets `mine`, then waits until `other` is set.
    async fn meet(mine: &Cell<bool>, other: &Cell<bool>) -> &'static str {
        mine.set(true);
        poll_fn(|cx| {
            if other.get() {
                Poll::Ready("met")
            } else {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        })
        .await
    }

    #[test]
    fn both_run_at_once_not_one_after_the_other() {
        // Each waits for the other to have started: one after the other, they never finish.
        let (a, b) = (Cell::new(false), Cell::new(false));
        let mut both = pin!(at_once(meet(&a, &b), meet(&b, &a)));
        let mut cx = Context::from_waker(Waker::noop());
        let mut polls = 0;
        let outcome = loop {
            polls += 1;
            assert!(polls < 10, "never finished");
            if let Poll::Ready(outcome) = both.as_mut().poll(&mut cx) {
                break outcome;
            }
        };
        assert_eq!(outcome, ("met", "met"));
    }
}
