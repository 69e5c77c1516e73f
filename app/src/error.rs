//! The app's one error type and the one place its texts for people are written.

use crate::i18n::ErrorTexts;
use ehcert_shared::{bridge::Failure, page::Lang, ErrorCode};

/// Everything that can go wrong below the UI, as the UI needs to tell it apart.
#[derive(Clone, Debug)]
pub enum AppError {
    /// No ack from the content script: the extension is not installed or not enabled here.
    ExtensionMissing,
    /// The extension speaks no protocol this page speaks (`ehcert_shared::compat`): the older
    /// of the two is named, the extension (`Theirs`) or this page (`Ours`).
    ExtensionProtocol(ehcert_shared::compat::Outdated),
    /// The extension or the bridge reported a failure.
    Bridge(Failure),
    /// No answer within the named timeout.
    Timeout(&'static str),
    /// The browser refused something the page needs (no window, postMessage failed); the
    /// detail is the name of the browser interface, for support.
    Browser(String),
    /// The browser would not keep the pending request (no storage for this site, or full).
    NotKept(crate::services::keeping::NotKept),
    /// A key, certificate or keystore problem.
    Pki(std::sync::Arc<ehcert_pki::PkiError>),
    /// eHealth's services answered, but not with what was asked.
    Certra(ehcert_certra::CertraError),
    /// eHealth could not be reached (offline, DNS, blocked).
    Network(String),
    /// This site's server refused to pass the call on now (too many calls from this network,
    /// or too many at once: 429 or 503 with `Retry-After`); nothing reached eHealth. The
    /// seconds to wait.
    ServerBusy(u32),
    /// The card signed, but the signature does not verify with the card's own certificate.
    CardSignatureInvalid,
    /// The eID cannot do what the flow needs (e.g. no signature certificate).
    Card(ehcert_flows::CardProblem),
    /// A step needs the card's holder and the card was not read yet.
    CardNotRead,
    /// The keystore is not at the stage this task needs.
    WrongStage(ehcert_flows::WrongStage),
    /// The task needs a keystore and none was chosen.
    NoKeystoreChosen,
    /// eHealth has not issued the certificate within the page's polling time.
    NotYetIssued,
    /// This browser holds a request that is nearly finished (its ETK registration was under
    /// way); a new key would replace that copy, and its ETK key with it.
    UnfinishedRequest(String),
    /// The request was completed before; its ETK key is in the final keystore made then.
    AlreadyCompleted,
    /// eHealth's answers do not say whether a request whose answer was lost reached it; nothing
    /// was sent again.
    RequestUnconfirmed,
    /// The current certificate cannot be renewed now.
    NotRenewable(ehcert_flows::NotRenewable),
    /// The organisation's number, name or application id cannot be sent.
    Organisation(ehcert_flows::OrganisationProblem),
    /// The foreign provider's BIS number or names cannot be sent.
    Foreigner(ehcert_flows::foreigner::ForeignerProblem),
    /// Contact data eHealth's client would refuse.
    Contact(ehcert_flows::ContactProblem),
}

/// How many shown errors the support report lists, the latest.
const SHOWN_KEPT: usize = 10;

thread_local! {
    /// The errors this tab showed, as [`AppError::note_shown`] wrote them, oldest first.
    static SHOWN: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The errors this tab showed, oldest first, as lines for the support report.
pub fn shown_errors() -> Vec<String> {
    SHOWN.with_borrow(Clone::clone)
}

/// A part of the help pages (`app/help/`), for a problem a person can solve themselves.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum HelpTopic {
    /// No card reader found, or the smart-card service is not running.
    NoReader,
    /// The reader holds no card this software can read.
    NoCard,
    /// A wrong or blocked PIN.
    Pin,
    /// The browser extension or the card software is missing or too old.
    Missing,
    /// A snap or flatpak browser, which cannot start the card software.
    Snap,
}

impl HelpTopic {
    /// The topic's part of the help pages (`app/help/<lang>.html#no-reader`).
    pub fn name(self) -> &'static str {
        match self {
            Self::NoReader => "no-reader",
            Self::NoCard => "no-card",
            Self::Pin => "pin",
            Self::Missing => "missing",
            Self::Snap => "snap",
        }
    }
}

impl AppError {
    /// The part of the help pages that says what to do, when the person can do something.
    pub fn help_topic(&self) -> Option<HelpTopic> {
        match self {
            Self::ExtensionMissing | Self::ExtensionProtocol(_) => Some(HelpTopic::Missing),
            Self::Bridge(failure) => match failure.code {
                ErrorCode::NoReader | ErrorCode::PcscUnavailable => Some(HelpTopic::NoReader),
                ErrorCode::NoCard
                | ErrorCode::CardRemoved
                | ErrorCode::UnsupportedCard
                | ErrorCode::CardFailure => Some(HelpTopic::NoCard),
                ErrorCode::WrongPin | ErrorCode::PinBlocked => Some(HelpTopic::Pin),
                ErrorCode::BridgeUnavailable | ErrorCode::VersionMismatch => {
                    Some(HelpTopic::Missing)
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// What to tell the person, with the next step to take, in English (support and the
    /// developers' benchmark screen).
    pub fn user_message(&self) -> String {
        self.message(Lang::En)
    }

    /// This error as one line of the support report (`ehcert_flows::support`): its title in
    /// English and, for an eHealth refusal or fault, eHealth's codes. Never the message, which can
    /// hold a file name, a DN or what the person typed; codes name no one.
    fn report_line(&self) -> String {
        let mut line = self.title(Lang::En).to_owned();
        match self {
            Self::Certra(ehcert_certra::CertraError::Refused { errors, .. }) => {
                for error in errors {
                    line.push(' ');
                    line.push_str(&error.code);
                }
            }
            Self::Certra(ehcert_certra::CertraError::Fault { code, .. }) => {
                line.push(' ');
                line.push_str(code);
            }
            _ => {}
        }
        line
    }

    /// Notes that the page showed this error now, for the support report: in this tab's memory
    /// only (a reload forgets it), the latest [`SHOWN_KEPT`].
    pub fn note_shown(&self) {
        let line = format!("{} {}", crate::services::clock::utc_now_text(), self.report_line());
        SHOWN.with_borrow_mut(|shown| {
            if shown.len() == SHOWN_KEPT {
                shown.remove(0);
            }
            shown.push(line);
        });
    }

    /// The alert's title in `lang`: what the problem is about, so the person sees at a glance
    /// whether it is their card, the software on their computer, eHealth, their keystore, what
    /// they typed, or their browser. The message below it says what happened and what to do.
    pub fn title(&self, lang: Lang) -> &'static str {
        let t = crate::i18n::error_texts(lang);
        match self {
            Self::Bridge(failure) => match failure.code {
                ErrorCode::UserCancelled => t.title_cancelled,
                ErrorCode::WrongPin
                | ErrorCode::PinBlocked
                | ErrorCode::NoReader
                | ErrorCode::NoCard
                | ErrorCode::CardRemoved
                | ErrorCode::NoSignatureCertificate
                | ErrorCode::UnsupportedCard
                | ErrorCode::CardFailure => t.title_card,
                _ => t.title_software,
            },
            Self::Card(_) | Self::CardNotRead | Self::CardSignatureInvalid => t.title_card,
            Self::ExtensionMissing | Self::ExtensionProtocol(_) | Self::Timeout(_) => {
                t.title_software
            }
            Self::Certra(_)
            | Self::Network(_)
            | Self::ServerBusy(_)
            | Self::NotYetIssued
            | Self::RequestUnconfirmed => t.title_ehealth,
            Self::Pki(err) if matches!(err.as_ref(), ehcert_pki::PkiError::WeakPassword) => {
                t.title_entered
            }
            Self::Pki(_)
            | Self::WrongStage(_)
            | Self::NoKeystoreChosen
            | Self::UnfinishedRequest(_)
            | Self::AlreadyCompleted
            | Self::NotRenewable(_) => t.title_keystore,
            Self::Organisation(_) | Self::Foreigner(_) | Self::Contact(_) => t.title_entered,
            Self::Browser(_) | Self::NotKept(_) => t.title_browser,
        }
    }

    /// What to tell the person, with the next step to take, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = crate::i18n::error_texts(lang);
        let with = |text: &str, detail: &str| text.replace("{}", detail);
        match self {
            Self::ExtensionMissing => t.extension_missing.to_owned(),
            Self::ExtensionProtocol(ehcert_shared::compat::Outdated::Theirs) => {
                t.extension_too_old.to_owned()
            }
            Self::ExtensionProtocol(ehcert_shared::compat::Outdated::Ours) => {
                t.page_too_old.to_owned()
            }
            Self::Bridge(failure) => bridge_message(failure, t),
            Self::Card(problem) => card_message(*problem, t).to_owned(),
            Self::CardNotRead => t.card_not_read.to_owned(),
            Self::WrongStage(stage) => stage_message(*stage, t).to_owned(),
            Self::NoKeystoreChosen => t.no_keystore_chosen.to_owned(),
            Self::NotKept(crate::services::keeping::NotKept::NoStorage) => t.no_storage.to_owned(),
            Self::NotKept(crate::services::keeping::NotKept::Refused) => {
                t.storage_refused.to_owned()
            }
            Self::NotYetIssued => t.not_yet_issued.to_owned(),
            Self::UnfinishedRequest(file) => with(t.unfinished_request, file),
            Self::AlreadyCompleted => t.already_completed.to_owned(),
            Self::RequestUnconfirmed => t.request_unconfirmed.to_owned(),
            Self::NotRenewable(refusal) => renewal_message(refusal, t, lang),
            Self::Organisation(problem) => organisation_message(problem, t),
            Self::Foreigner(problem) => foreigner_message(*problem, t),
            Self::Contact(problem) => contact_message(*problem, t),
            Self::CardSignatureInvalid => t.card_signature_invalid.to_owned(),
            Self::Timeout(step) => with(t.timeout, step),
            Self::Browser(detail) => with(t.browser, detail),
            Self::Certra(err) => certra_message(err, t),
            Self::Network(detail) => with(t.network, detail),
            Self::ServerBusy(seconds) => with(t.server_busy, &seconds.to_string()),
            Self::Pki(err) => match err.as_ref() {
                ehcert_pki::PkiError::WrongPassword => t.wrong_password.to_owned(),
                ehcert_pki::PkiError::NotAKeystore(_) => t.not_a_keystore.to_owned(),
                ehcert_pki::PkiError::CorruptKeystore(_) => t.corrupt_keystore.to_owned(),
                ehcert_pki::PkiError::WrongKeystore(detail) => with(t.wrong_keystore, detail),
                ehcert_pki::PkiError::WeakPassword => t.weak_password.to_owned(),
                other => with(t.pki_other, &other.to_string()),
            },
        }
    }
}

impl From<ehcert_pki::PkiError> for AppError {
    fn from(err: ehcert_pki::PkiError) -> Self {
        Self::Pki(std::sync::Arc::new(err))
    }
}

impl From<ehcert_flows::FlowError> for AppError {
    fn from(err: ehcert_flows::FlowError) -> Self {
        use ehcert_flows::FlowError;
        match err {
            FlowError::Certra(err) => Self::Certra(err),
            FlowError::Pki(err) => err.into(),
            FlowError::Card(problem) => Self::Card(problem),
            FlowError::WrongStage(stage) => Self::WrongStage(stage),
            FlowError::NotRenewable(refusal) => Self::NotRenewable(refusal),
            FlowError::Organisation(problem) => Self::Organisation(problem),
            FlowError::Contact(problem) => Self::Contact(problem),
            FlowError::NotYetIssued => Self::NotYetIssued,
            FlowError::UnfinishedRequest(file) => Self::UnfinishedRequest(file),
            FlowError::AlreadyCompleted => Self::AlreadyCompleted,
            FlowError::RequestUnconfirmed => Self::RequestUnconfirmed,
        }
    }
}

impl From<ehcert_certra::CertraError> for AppError {
    fn from(err: ehcert_certra::CertraError) -> Self {
        Self::Certra(err)
    }
}

/// What the extension and the card bridge report, in words, with the next step. The protocol's
/// codes are `non_exhaustive` (a newer component may send one we do not know): those, and the
/// protocol faults, share the last arm, which names the detail for support.
fn bridge_message(failure: &Failure, t: &ErrorTexts) -> String {
    let text = match failure.code {
        ErrorCode::UserCancelled => t.user_cancelled,
        ErrorCode::WrongPin => match failure.tries_left {
            Some(1) => t.wrong_pin_last,
            Some(n) => return t.wrong_pin_n.replace("{}", &n.to_string()),
            None => t.wrong_pin,
        },
        ErrorCode::PinBlocked => t.pin_blocked,
        ErrorCode::NoReader => t.no_reader,
        ErrorCode::NoCard => t.no_card,
        ErrorCode::CardRemoved => t.card_removed,
        ErrorCode::NoSignatureCertificate => t.no_signature_certificate,
        ErrorCode::UnsupportedCard => t.unsupported_card,
        ErrorCode::CardFailure => t.card_failure,
        ErrorCode::PcscUnavailable => t.pcsc_unavailable,
        ErrorCode::Busy => t.busy,
        ErrorCode::BridgeUnavailable => t.bridge_unavailable,
        ErrorCode::BridgeStopped => t.bridge_stopped,
        ErrorCode::Interrupted => t.interrupted,
        ErrorCode::VersionMismatch => return t.version_mismatch.replace("{}", &failure.detail),
        ErrorCode::Timeout => t.bridge_timeout,
        ErrorCode::OriginNotAllowed => t.origin_not_allowed,
        ErrorCode::NotSignable => t.not_signable,
        _ => return t.protocol.replace("{}", &failure.detail),
    };
    text.to_owned()
}

fn contact_message(problem: ehcert_flows::ContactProblem, t: &ErrorTexts) -> String {
    use ehcert_flows::{ContactField, ContactProblem};
    let (template, field) = match problem {
        ContactProblem::Missing(field) => (t.contact_missing, field),
        ContactProblem::NotEmail(field) => (t.contact_not_email, field),
        ContactProblem::NotPhone(field) => (t.contact_not_phone, field),
    };
    let name = match field {
        ContactField::EmailPrivate => t.field_email_private,
        ContactField::EmailGeneral => t.field_email_general,
        ContactField::PhonePrivate => t.field_phone_private,
        ContactField::PhoneGeneral => t.field_phone_general,
    };
    template.replace("{}", name)
}

fn renewal_message(refusal: &ehcert_flows::NotRenewable, t: &ErrorTexts, lang: Lang) -> String {
    use ehcert_flows::NotRenewable;
    let date = |at: i64| crate::i18n::written_date(at, lang);
    match refusal {
        NotRenewable::Expired { on } => t.renew_expired.replace("{}", &date(*on)),
        NotRenewable::NotActive { status } => t.renew_not_active.replace("{}", status),
        NotRenewable::NotYet { opens: None } => t.renew_not_yet_unknown.to_owned(),
        NotRenewable::NotYet { opens: Some(opens) } => t.renew_not_yet.replace("{}", &date(*opens)),
        NotRenewable::OtherPerson { owner } => t.renew_other_person.replace("{}", owner),
    }
}

fn organisation_message(problem: &ehcert_flows::OrganisationProblem, t: &ErrorTexts) -> String {
    use ehcert_flows::OrganisationProblem;
    match problem {
        OrganisationProblem::UnknownType(kind) => t.org_unknown_type.replace("{}", kind),
        OrganisationProblem::WrongForm => t.org_wrong_form.to_owned(),
        OrganisationProblem::WrongCheckDigits => t.org_wrong_check_digits.to_owned(),
        OrganisationProblem::BadApplicationId => t.org_bad_application_id.to_owned(),
        OrganisationProblem::ApplicationIdTaken => t.org_application_id_taken.to_owned(),
        OrganisationProblem::NameMissing => t.org_name_missing.to_owned(),
    }
}

fn foreigner_message(problem: ehcert_flows::foreigner::ForeignerProblem, t: &ErrorTexts) -> String {
    use ehcert_flows::foreigner::ForeignerProblem;
    use ehcert_pki::rules::IdentifierProblem;
    let text = match problem {
        ForeignerProblem::NameMissing => t.foreigner_name_missing,
        ForeignerProblem::Bis(IdentifierProblem::NotBis) => t.bis_not_bis,
        ForeignerProblem::Bis(IdentifierProblem::WrongCheckDigits) => t.bis_wrong_check_digits,
        ForeignerProblem::Bis(IdentifierProblem::ImpossibleDate) => t.bis_impossible_date,
        ForeignerProblem::Bis(
            IdentifierProblem::NotDigits | IdentifierProblem::WrongLength { .. },
        ) => t.bis_not_digits,
    };
    text.to_owned()
}

fn card_message(problem: ehcert_flows::CardProblem, t: &ErrorTexts) -> &'static str {
    use ehcert_flows::CardProblem;
    match problem {
        CardProblem::CertificateUnreadable => t.card_unreadable,
        CardProblem::NoSignatureCertificate => t.no_signature_certificate,
    }
}

fn stage_message(stage: ehcert_flows::WrongStage, t: &ErrorTexts) -> &'static str {
    use ehcert_flows::WrongStage;
    match stage {
        WrongStage::AlreadyIssued => t.stage_already_issued,
        WrongStage::StillPending => t.stage_still_pending,
        WrongStage::EtkKeyMissing => t.stage_etk_key_missing,
    }
}

fn certra_message(err: &ehcert_certra::CertraError, t: &ErrorTexts) -> String {
    use ehcert_certra::CertraError;
    match err {
        _ if err.is_not_yet_delivered() => t.not_yet_delivered.to_owned(),
        // eHealth's own message is English (and stable for support); its code goes with it.
        CertraError::Refused { errors, .. } => match errors.first() {
            Some(error) => t.refused.replace("{}", &format!("{} ({})", error.message, error.code)),
            None => t.refused_no_reason.to_owned(),
        },
        CertraError::Fault { .. } => t.fault.to_owned(),
        CertraError::NotSoap(_) => t.not_soap.to_owned(),
        CertraError::Malformed(_) | CertraError::TooLarge(_) => t.malformed.to_owned(),
        other => t.certra_other.replace("{}", &other.to_string()),
    }
}
