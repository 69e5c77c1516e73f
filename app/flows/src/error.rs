use ehcert_certra::CertraError;
use ehcert_pki::PkiError;

/// Why a flow step failed, below the wording the app gives it.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// eHealth refused, faulted, or answered something unreadable.
    #[error(transparent)]
    Certra(#[from] CertraError),
    /// A key, certificate or keystore problem.
    #[error(transparent)]
    Pki(#[from] PkiError),
    /// The eID cannot do what the flow needs.
    #[error("{0}")]
    Card(#[from] CardProblem),
    /// The keystore is not the one this step needs (not pending, or already complete).
    #[error("{0}")]
    WrongStage(#[from] WrongStage),
    /// The current certificate cannot be renewed now (F5).
    #[error("{0}")]
    NotRenewable(#[from] NotRenewable),
    /// An organisation identifier or application id the form must not send (F2).
    #[error("{0}")]
    Organisation(#[from] OrganisationProblem),
    /// Contact data eHealth's client would refuse to send.
    #[error("{0:?}")]
    Contact(#[from] ContactProblem),
    /// eHealth has not issued the certificate within the polling time (manual validation can
    /// take days): the pending keystore stays, to be completed later.
    #[error("not issued yet")]
    NotYetIssued,
    /// The browser keeps a request whose ETK registration was under way (the file name): a new
    /// key would replace that copy, and the ETK key in it.
    #[error("unfinished request {0}")]
    UnfinishedRequest(String),
    /// The request was completed before: eHealth holds the certificate and its ETK, whose key is
    /// in the final keystore made then, not in this pending one.
    #[error("completed already")]
    AlreadyCompleted,
    /// A GenerateCertificate whose answer was never read may or may not have reached eHealth,
    /// and eHealth's answers cannot tell (`new_certificate::Receipt::Unconfirmed`): nothing was
    /// sent again, so the key is never requested twice. The pending keystore stays: if eHealth
    /// holds the request it issues the certificate, to be completed later; if not, a new
    /// request with a new key is the way on.
    #[error("eHealth does not say whether it received the request")]
    RequestUnconfirmed,
}

/// What the eID card read lacks for a flow; the app says each in the person's language.
#[derive(Clone, Copy, Debug, Eq, PartialEq, thiserror::Error)]
pub enum CardProblem {
    /// A certificate the bridge read from the card is not base64 (a damaged read).
    #[error("a certificate read from the card is unreadable")]
    CertificateUnreadable,
    /// The card has no signature (non-repudiation) certificate: a minor's card, or one never
    /// activated.
    #[error("the card has no signature certificate")]
    NoSignatureCertificate,
}

/// Which keystore a step got when it needed another.
#[derive(Clone, Copy, Debug, Eq, PartialEq, thiserror::Error)]
pub enum WrongStage {
    /// A final keystore where a pending one was needed: there is no request to complete.
    #[error("the keystore already holds its certificate")]
    AlreadyIssued,
    /// A pending keystore where a final one was needed (renewal, ETK activation).
    #[error("the keystore still waits for its certificate")]
    StillPending,
    /// eHealth has an ETK for the certificate, but the keystore holds no ETK key: it is an
    /// earlier copy, not the final keystore made when the request was completed.
    #[error("eHealth has an ETK, the keystore has no ETK key")]
    EtkKeyMissing,
}

/// Which contact field.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum ContactField {
    /// The person's own e-mail address.
    EmailPrivate,
    /// The organisation's general e-mail address.
    EmailGeneral,
    /// The person's own phone number.
    PhonePrivate,
    /// The organisation's general phone number.
    PhoneGeneral,
}

/// What is wrong with contact data (`crate::contact`).
#[derive(Clone, Copy, Debug, Eq, PartialEq, thiserror::Error)]
pub enum ContactProblem {
    /// A required field is empty.
    #[error("{0:?} is missing")]
    Missing(ContactField),
    /// Not an e-mail address of the form eHealth's client accepts.
    #[error("{0:?} is not an e-mail address")]
    NotEmail(ContactField),
    /// Not a phone number of the form eHealth's client accepts.
    #[error("{0:?} is not a phone number")]
    NotPhone(ContactField),
}

/// Why a renewal is refused before anything is sent (app/certra/PROTOCOL.md §4.5: one active certificate
/// per DN outside the replacement window; an expired or revoked one cannot be renewed).
#[derive(Clone, Debug, Eq, PartialEq, thiserror::Error)]
pub enum NotRenewable {
    /// The certificate has expired: a new request is needed.
    #[error("the certificate expired on {}: request a new one", crate::calendar::CivilDate::utc(*on))]
    Expired {
        /// When (Unix time): the screens write the day in the person's time zone and language.
        on: i64,
    },
    /// Revoked, refused or still in request: a new request is needed.
    #[error("the certificate is {status} at eHealth: request a new one")]
    NotActive {
        /// CertRA's `AuthenticationCertificateStatus`.
        status: String,
    },
    /// The replacement window has not opened yet.
    #[error("renewal opens on {}", opens.map(|at| crate::calendar::CivilDate::utc(at).to_string()).unwrap_or_default())]
    NotYet {
        /// When (Unix time), or `None` when eHealth did not say.
        opens: Option<i64>,
    },
    /// A personal certificate is renewed with its owner's eID only.
    #[error("this keystore belongs to SSIN {owner}: renew it with that person's eID")]
    OtherPerson {
        /// The certificate's SSIN.
        owner: String,
    },
}

/// What is wrong with an organisation's identifier or an application id, checked against the
/// rules eHealth publishes (GetGenericOrganizationTypes) before anything is sent.
#[derive(Clone, Debug, Eq, PartialEq, thiserror::Error)]
pub enum OrganisationProblem {
    /// eHealth does not list this organisation type.
    #[error("unknown organisation type {0}")]
    UnknownType(String),
    /// The identifier does not match the type's `ValidationRegEx`.
    #[error("the number does not have the form eHealth expects for this type")]
    WrongForm,
    /// The identifier's check digits are wrong (a typo).
    #[error("the number's check digits are wrong: probably a typo")]
    WrongCheckDigits,
    /// The application id is not 1–30 of `0-9 A-Z - _`.
    #[error("an application id is 1 to 30 characters: letters, digits, - and _")]
    BadApplicationId,
    /// eHealth already issued a certificate with this application id to this organisation.
    #[error("this application id is already used by this organisation")]
    ApplicationIdTaken,
    /// The organisation's name is empty.
    #[error("the organisation's name is missing")]
    NameMissing,
}
