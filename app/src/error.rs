//! The app's one error type and the one place its texts for people are written.

use ehcert_shared::{bridge::Failure, page::Lang, ErrorCode};

/// Everything that can go wrong below the UI, as the UI needs to tell it apart.
#[derive(Clone, Debug)]
pub enum AppError {
    /// No ack from the content script: the extension is not installed or not enabled here.
    ExtensionMissing,
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
    /// The current certificate cannot be renewed now.
    NotRenewable(ehcert_flows::NotRenewable),
    /// The organisation's number, name or application id cannot be sent.
    Organisation(ehcert_flows::OrganisationProblem),
    /// The foreign provider's BIS number or names cannot be sent.
    Foreigner(ehcert_flows::foreigner::ForeignerProblem),
    /// Contact data eHealth's client would refuse.
    Contact(ehcert_flows::ContactProblem),
}

impl AppError {
    /// What to tell the person, with the next step to take, in English (support and the
    /// developers' benchmark screen).
    pub fn user_message(&self) -> String {
        self.message(Lang::En)
    }

    /// What to tell the person, with the next step to take, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let t = texts(lang);
        let with = |text: &str, detail: &str| text.replace("{}", detail);
        match self {
            Self::ExtensionMissing => t.extension_missing.to_owned(),
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
            Self::NotRenewable(refusal) => renewal_message(refusal, t),
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

fn renewal_message(refusal: &ehcert_flows::NotRenewable, t: &ErrorTexts) -> String {
    use ehcert_flows::NotRenewable;
    match refusal {
        NotRenewable::Expired { on } => t.renew_expired.replace("{}", on),
        NotRenewable::NotActive { status } => t.renew_not_active.replace("{}", status),
        NotRenewable::NotYet { opens } if opens.is_empty() => t.renew_not_yet_unknown.to_owned(),
        NotRenewable::NotYet { opens } => t.renew_not_yet.replace("{}", opens),
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

/// The error texts of one language; `{}` stands for the detail.
struct ErrorTexts {
    extension_missing: &'static str,
    card_unreadable: &'static str,
    card_not_read: &'static str,
    stage_already_issued: &'static str,
    stage_still_pending: &'static str,
    stage_etk_key_missing: &'static str,
    no_keystore_chosen: &'static str,
    no_storage: &'static str,
    storage_refused: &'static str,
    not_yet_issued: &'static str,
    unfinished_request: &'static str,
    already_completed: &'static str,
    card_signature_invalid: &'static str,
    timeout: &'static str,
    browser: &'static str,
    network: &'static str,
    wrong_password: &'static str,
    not_a_keystore: &'static str,
    corrupt_keystore: &'static str,
    wrong_keystore: &'static str,
    weak_password: &'static str,
    pki_other: &'static str,
    user_cancelled: &'static str,
    wrong_pin_last: &'static str,
    wrong_pin_n: &'static str,
    wrong_pin: &'static str,
    pin_blocked: &'static str,
    no_reader: &'static str,
    no_card: &'static str,
    card_removed: &'static str,
    no_signature_certificate: &'static str,
    unsupported_card: &'static str,
    card_failure: &'static str,
    pcsc_unavailable: &'static str,
    busy: &'static str,
    bridge_unavailable: &'static str,
    bridge_stopped: &'static str,
    interrupted: &'static str,
    version_mismatch: &'static str,
    bridge_timeout: &'static str,
    origin_not_allowed: &'static str,
    not_signable: &'static str,
    protocol: &'static str,
    not_yet_delivered: &'static str,
    refused: &'static str,
    refused_no_reason: &'static str,
    fault: &'static str,
    not_soap: &'static str,
    server_busy: &'static str,
    malformed: &'static str,
    certra_other: &'static str,
    renew_expired: &'static str,
    renew_not_active: &'static str,
    renew_not_yet: &'static str,
    renew_not_yet_unknown: &'static str,
    renew_other_person: &'static str,
    org_unknown_type: &'static str,
    org_wrong_form: &'static str,
    contact_missing: &'static str,
    contact_not_email: &'static str,
    contact_not_phone: &'static str,
    field_email_private: &'static str,
    field_email_general: &'static str,
    field_phone_private: &'static str,
    field_phone_general: &'static str,
    org_wrong_check_digits: &'static str,
    org_bad_application_id: &'static str,
    org_application_id_taken: &'static str,
    org_name_missing: &'static str,
    bis_not_digits: &'static str,
    bis_wrong_check_digits: &'static str,
    bis_not_bis: &'static str,
    bis_impossible_date: &'static str,
    foreigner_name_missing: &'static str,
}

fn texts(lang: Lang) -> &'static ErrorTexts {
    match lang {
        Lang::Nl => &NL,
        Lang::Fr => &FR,
        Lang::De => &DE,
        Lang::En => &EN,
    }
}

const EN: ErrorTexts = ErrorTexts {
    extension_missing: "the ehcert browser extension was not found. Install it, then reload this page.",
    card_unreadable: "the certificates read from your eID card are damaged. Read the card again; if it happens again, try another card reader.",
    card_not_read: "read your eID card first, then try again.",
    stage_already_issued: "this keystore already holds its certificate: there is no request to complete. Choose the pending keystore of the request you want to complete.",
    stage_still_pending: "this keystore still waits for its certificate. Complete the request first (“Complete a request”), then use the keystore it gives you.",
    stage_etk_key_missing: "eHealth has an ETK for this certificate, but this keystore holds no ETK key. Use the final keystore made when the request was completed.",
    no_keystore_chosen: "choose the keystore whose ETK you want to activate, and give its password.",
    no_storage: "this browser keeps no data for this site (a private window, or a setting), so it cannot keep a copy of your request. Use a normal window, or allow this site to store data, then try again; the file you downloaded holds your key.",
    storage_refused: "this browser would not store the copy of your request (its storage for this site is full or blocked). Free some space or allow this site to store data, then try again; the file you downloaded holds your key.",
    not_yet_issued: "eHealth has not issued your certificate yet (it may be checked by hand). Your pending keystore is safe: come back later and choose \"Complete a request\".",
    unfinished_request: "the request for {} in this browser is nearly finished. Complete it first with \"Complete a request\"; then you can start a new one.",
    already_completed: "this request was completed already: the keystore made then, under the same file name, holds its certificate and the ETK key eHealth registered. Use that file. If it is lost, revoke the certificate in \"My certificates\" and request a new one.",
    card_signature_invalid: "the card's signature does not match its own certificate. The card may be damaged: try again, and if it keeps happening, have the card replaced at your municipality.",
    timeout: "no answer in time ({}). Reload the page and try again.",
    browser: "the browser refused an operation ({}). Reload the page and try again.",
    network: "eHealth could not be reached ({}). Check your internet connection and try again.",
    wrong_password: "the keystore password is wrong. Type it again, paying attention to capitals.",
    not_a_keystore: "this file is not a keystore. Choose the .p12 or .acc-p12 file of your eHealth certificate.",
    corrupt_keystore: "this keystore is damaged or in a format we cannot read. Choose another copy of it.",
    wrong_keystore: "this keystore cannot be used here: {}. Choose your eHealth keystore.",
    weak_password: "the new password does not meet the rules shown. Choose another one.",
    pki_other: "a key or certificate problem occurred ({}). Try again.",
    user_cancelled: "the signature was cancelled in the PIN window. Nothing was signed; start again when you are ready.",
    wrong_pin_last: "the PIN was wrong; 1 try is left before the PIN is blocked. Try again carefully.",
    wrong_pin_n: "the PIN was wrong; {} tries are left. Try again.",
    wrong_pin: "the PIN was wrong. Try again.",
    pin_blocked: "your eID PIN is blocked after three wrong tries. Unblock it with your PUK code at your municipality, then try again.",
    no_reader: "no card reader was found. Connect your card reader and try again.",
    no_card: "there is no card in the reader. Insert your eID card and try again.",
    card_removed: "the card left the reader during the operation. Put it back and try again; nothing was signed.",
    no_signature_certificate: "your eID card has no active signature certificate (for example the card of a minor, or a certificate that was never activated). Ask your municipality to activate it.",
    unsupported_card: "this card is not a Belgian eID card ehcert can use. Insert your Belgian eID card.",
    card_failure: "the card reported an error. Take it out, put it back in and try again; if it keeps happening, try another reader.",
    pcsc_unavailable: "the smart-card service of this computer is not running. Start it (or restart the computer) and try again.",
    busy: "another card operation is still running. Finish it (look for an open PIN window) and try again.",
    bridge_unavailable: "the card bridge is not installed on this computer. Install it, then reload this page.",
    bridge_stopped: "the card bridge stopped unexpectedly; nothing was signed. Try again, and if it keeps happening, reinstall the card bridge.",
    interrupted: "the browser extension restarted during the operation; nothing was signed. Try again.",
    version_mismatch: "the extension and the card bridge do not match ({}). Update both to the latest version.",
    bridge_timeout: "the card or the PIN window did not answer in time. Try again.",
    origin_not_allowed: "this page may not use your eID card. Open ehcert from its official address.",
    not_signable: "your card was not asked to sign: the card bridge did not recognise what this page asked for as an eHealth request for you. Nothing was signed and no PIN was asked. Reload ehcert from its official address and try again; if it happens again, contact support.",
    protocol: "something went wrong between this page, the extension and the card bridge ({}). Reload the page and try again; if it keeps happening, update the extension and the card bridge.",
    not_yet_delivered: "eHealth has not issued your certificate yet. We keep checking; you can also close this page and complete the request later.",
    refused: "eHealth refused the request: {}.",
    refused_no_reason: "eHealth refused the request without giving a reason. Try again later.",
    fault: "eHealth's service reported an internal problem. Try again in a few minutes.",
    not_soap: "eHealth's service is not available right now (it answered with an error page). Try again later.",
    server_busy: "this site is passing many requests to eHealth right now, so yours was not sent. Wait {} seconds and try again.",
    malformed: "eHealth's answer could not be read. Try again later; if it keeps happening, contact support.",
    certra_other: "talking to eHealth failed ({}). Try again.",
    renew_expired: "your certificate expired on {}: an expired certificate cannot be renewed. Request a new one with \"New personal certificate\" (or for your organisation).",
    renew_not_active: "eHealth lists this certificate as {}: it cannot be renewed. Request a new certificate instead.",
    renew_not_yet: "renewal opens on {}, 90 days before the end of validity. Come back from that day; \"My certificates\" can put a reminder in your calendar.",
    renew_not_yet_unknown: "renewal is not open yet: eHealth allows it in the last 90 days of validity. Come back then.",
    renew_other_person: "this keystore belongs to national number {}: renew it with that person's eID card.",
    org_unknown_type: "eHealth does not know the organisation type {}. Choose a type from the list.",
    org_wrong_form: "this number does not have the form eHealth expects for this type of organisation. Check the number and the type.",
    contact_missing: "enter {}: eHealth needs it to reach you about the certificate.",
    contact_not_email: "{} is not an e-mail address eHealth accepts (name@example.be, without spaces or accents). Correct it and continue.",
    contact_not_phone: "{} is not a phone number eHealth accepts: digits and spaces only, optionally starting with + (for example +32 470 12 34 56). Correct it and continue.",
    field_email_private: "your e-mail address",
    field_email_general: "the organisation's e-mail address",
    field_phone_private: "your phone number",
    field_phone_general: "the organisation's phone number",
    org_wrong_check_digits: "this number's check digits are wrong: probably a typo. Check the number.",
    org_bad_application_id: "an application id is 1 to 30 characters: letters, digits, - and _. Correct it or leave it empty.",
    org_application_id_taken: "this organisation already has a certificate with this application id. Renew that certificate, or choose another application id.",
    org_name_missing: "the organisation's name is missing. Type it as registered.",
    bis_not_digits: "a BIS number has 11 digits (dots, dashes and spaces are ignored). Check the number.",
    bis_wrong_check_digits: "the BIS number's check digits are wrong: probably a typo. Check the number.",
    bis_not_bis: "this is a Belgian national number, not a BIS number. With a Belgian eID card, choose \"New personal certificate\".",
    bis_impossible_date: "this cannot be a BIS number (its month or day is impossible). Check the number.",
    foreigner_name_missing: "type your given names and surname as in your passport.",
};

const NL: ErrorTexts = ErrorTexts {
    extension_missing: "de ehcert-browserextensie werd niet gevonden. Installeer ze en laad deze pagina opnieuw.",
    card_unreadable: "de certificaten die van uw eID-kaart gelezen werden, zijn beschadigd. Lees de kaart opnieuw; gebeurt het nog eens, probeer dan een andere kaartlezer.",
    card_not_read: "lees eerst uw eID-kaart en probeer het dan opnieuw.",
    stage_already_issued: "deze keystore bevat zijn certificaat al: er is geen aanvraag te vervolledigen. Kies de voorlopige keystore van de aanvraag die u wilt vervolledigen.",
    stage_still_pending: "deze keystore wacht nog op zijn certificaat. Vervolledig eerst de aanvraag („Een aanvraag vervolledigen”) en gebruik daarna de keystore die u dan krijgt.",
    stage_etk_key_missing: "eHealth heeft een ETK voor dit certificaat, maar deze keystore bevat geen ETK-sleutel. Gebruik de definitieve keystore die gemaakt werd toen de aanvraag vervolledigd werd.",
    no_keystore_chosen: "kies de keystore waarvan u de ETK wilt activeren, en geef zijn wachtwoord.",
    no_storage: "deze browser bewaart geen gegevens voor deze site (een privévenster, of een instelling) en kan dus geen kopie van uw aanvraag bewaren. Gebruik een gewoon venster of laat deze site gegevens bewaren en probeer het opnieuw; het gedownloade bestand bevat uw sleutel.",
    storage_refused: "deze browser wilde de kopie van uw aanvraag niet bewaren (de opslag voor deze site is vol of geblokkeerd). Maak ruimte vrij of laat deze site gegevens bewaren en probeer het opnieuw; het gedownloade bestand bevat uw sleutel.",
    not_yet_issued: "eHealth heeft uw certificaat nog niet uitgereikt (misschien wordt het manueel gecontroleerd). Uw voorlopige keystore is veilig: kom later terug en kies \"Een aanvraag vervolledigen\".",
    unfinished_request: "de aanvraag voor {} in deze browser is bijna klaar. Vervolledig ze eerst met \"Een aanvraag vervolledigen\"; daarna kunt u een nieuwe starten.",
    already_completed: "deze aanvraag werd al vervolledigd: de keystore die toen werd gemaakt, met dezelfde bestandsnaam, bevat het certificaat en de ETK-sleutel die eHealth registreerde. Gebruik dat bestand. Bent u het kwijt, trek het certificaat dan in via \"Mijn certificaten\" en vraag een nieuw aan.",
    card_signature_invalid: "de handtekening van de kaart past niet bij haar eigen certificaat. De kaart is misschien beschadigd: probeer opnieuw en laat de kaart vervangen bij uw gemeente als het blijft gebeuren.",
    timeout: "geen antwoord op tijd ({}). Laad de pagina opnieuw en probeer opnieuw.",
    browser: "de browser weigerde een bewerking ({}). Laad de pagina opnieuw en probeer opnieuw.",
    network: "eHealth kon niet bereikt worden ({}). Controleer uw internetverbinding en probeer opnieuw.",
    wrong_password: "het wachtwoord van de keystore is verkeerd. Typ het opnieuw en let op hoofdletters.",
    not_a_keystore: "dit bestand is geen keystore. Kies het .p12- of .acc-p12-bestand van uw eHealth-certificaat.",
    corrupt_keystore: "deze keystore is beschadigd of in een formaat dat we niet kunnen lezen. Kies een andere kopie.",
    wrong_keystore: "deze keystore kan hier niet gebruikt worden: {}. Kies uw eHealth-keystore.",
    weak_password: "het nieuwe wachtwoord voldoet niet aan de getoonde regels. Kies een ander.",
    pki_other: "er trad een probleem op met een sleutel of certificaat ({}). Probeer opnieuw.",
    user_cancelled: "de handtekening werd geannuleerd in het pincodevenster. Er werd niets ondertekend; begin opnieuw wanneer u klaar bent.",
    wrong_pin_last: "de pincode was verkeerd; nog 1 poging voor de pincode geblokkeerd wordt. Probeer voorzichtig opnieuw.",
    wrong_pin_n: "de pincode was verkeerd; nog {} pogingen. Probeer opnieuw.",
    wrong_pin: "de pincode was verkeerd. Probeer opnieuw.",
    pin_blocked: "uw eID-pincode is geblokkeerd na drie verkeerde pogingen. Deblokkeer hem met uw PUK-code bij uw gemeente en probeer dan opnieuw.",
    no_reader: "er werd geen kaartlezer gevonden. Sluit uw kaartlezer aan en probeer opnieuw.",
    no_card: "er zit geen kaart in de lezer. Steek uw eID-kaart in de lezer en probeer opnieuw.",
    card_removed: "de kaart werd tijdens de bewerking uit de lezer gehaald. Steek ze terug en probeer opnieuw; er werd niets ondertekend.",
    no_signature_certificate: "uw eID-kaart heeft geen actief handtekeningcertificaat (bijvoorbeeld de kaart van een minderjarige, of een certificaat dat nooit geactiveerd werd). Vraag uw gemeente om het te activeren.",
    unsupported_card: "deze kaart is geen Belgische eID-kaart die ehcert kan gebruiken. Steek uw Belgische eID-kaart in de lezer.",
    card_failure: "de kaart meldde een fout. Haal ze uit de lezer, steek ze terug en probeer opnieuw; probeer een andere lezer als het blijft gebeuren.",
    pcsc_unavailable: "de smartcarddienst van deze computer draait niet. Start hem (of herstart de computer) en probeer opnieuw.",
    busy: "er loopt nog een andere kaartbewerking. Rond ze af (zoek een open pincodevenster) en probeer opnieuw.",
    bridge_unavailable: "de kaartbrug is niet geïnstalleerd op deze computer. Installeer hem en laad deze pagina opnieuw.",
    bridge_stopped: "de kaartbrug stopte onverwacht; er werd niets ondertekend. Probeer opnieuw en installeer de kaartbrug opnieuw als het blijft gebeuren.",
    interrupted: "de browserextensie herstartte tijdens de bewerking; er werd niets ondertekend. Probeer opnieuw.",
    version_mismatch: "de extensie en de kaartbrug passen niet bij elkaar ({}). Werk beide bij naar de nieuwste versie.",
    bridge_timeout: "de kaart of het pincodevenster antwoordde niet op tijd. Probeer opnieuw.",
    origin_not_allowed: "deze pagina mag uw eID-kaart niet gebruiken. Open ehcert via het officiële adres.",
    not_signable: "uw kaart heeft niets ondertekend: de kaartbrug herkende wat deze pagina vroeg niet als een eHealth-aanvraag voor u. Er werd niets ondertekend en geen pincode gevraagd. Open ehcert opnieuw via het officiële adres en probeer het nog eens; gebeurt het weer, neem dan contact op met de helpdesk.",
    protocol: "er liep iets mis tussen deze pagina, de extensie en de kaartbrug ({}). Laad de pagina opnieuw en probeer opnieuw; werk de extensie en de kaartbrug bij als het blijft gebeuren.",
    not_yet_delivered: "eHealth heeft uw certificaat nog niet uitgereikt. We blijven controleren; u kunt deze pagina ook sluiten en de aanvraag later vervolledigen.",
    refused: "eHealth weigerde de aanvraag: {}.",
    refused_no_reason: "eHealth weigerde de aanvraag zonder reden. Probeer later opnieuw.",
    fault: "de dienst van eHealth meldde een intern probleem. Probeer over enkele minuten opnieuw.",
    not_soap: "de dienst van eHealth is nu niet beschikbaar (hij antwoordde met een foutpagina). Probeer later opnieuw.",
    server_busy: "deze site stuurt nu veel aanvragen door naar eHealth, dus de uwe werd niet verzonden. Wacht {} seconden en probeer opnieuw.",
    malformed: "het antwoord van eHealth kon niet gelezen worden. Probeer later opnieuw; neem contact op met de support als het blijft gebeuren.",
    certra_other: "de communicatie met eHealth mislukte ({}). Probeer opnieuw.",
    renew_expired: "uw certificaat is verlopen op {}: een verlopen certificaat kan niet vernieuwd worden. Vraag een nieuw aan met \"Nieuw persoonlijk certificaat\" (of voor uw organisatie).",
    renew_not_active: "eHealth vermeldt dit certificaat als {}: het kan niet vernieuwd worden. Vraag in de plaats een nieuw certificaat aan.",
    renew_not_yet: "vernieuwen kan vanaf {}, 90 dagen voor het einde van de geldigheid. Kom vanaf die dag terug; \"Mijn certificaten\" kan een herinnering in uw agenda zetten.",
    renew_not_yet_unknown: "vernieuwen kan nog niet: eHealth laat het toe in de laatste 90 dagen van de geldigheid. Kom dan terug.",
    renew_other_person: "deze keystore hoort bij rijksregisternummer {}: vernieuw hem met de eID-kaart van die persoon.",
    org_unknown_type: "eHealth kent het organisatietype {} niet. Kies een type uit de lijst.",
    org_wrong_form: "dit nummer heeft niet de vorm die eHealth voor dit soort organisatie verwacht. Controleer het nummer en het type.",
    contact_missing: "vul {} in: eHealth heeft het nodig om u over het certificaat te bereiken.",
    contact_not_email: "{} is geen e-mailadres dat eHealth aanvaardt (naam@voorbeeld.be, zonder spaties of accenten). Verbeter het en ga verder.",
    contact_not_phone: "{} is geen telefoonnummer dat eHealth aanvaardt: alleen cijfers en spaties, eventueel met + vooraan (bijvoorbeeld +32 470 12 34 56). Verbeter het en ga verder.",
    field_email_private: "uw e-mailadres",
    field_email_general: "het e-mailadres van de organisatie",
    field_phone_private: "uw telefoonnummer",
    field_phone_general: "het telefoonnummer van de organisatie",
    org_wrong_check_digits: "de controlecijfers van dit nummer kloppen niet: waarschijnlijk een tikfout. Controleer het nummer.",
    org_bad_application_id: "een applicatie-id telt 1 tot 30 tekens: letters, cijfers, - en _. Verbeter hem of laat hem leeg.",
    org_application_id_taken: "deze organisatie heeft al een certificaat met deze applicatie-id. Vernieuw dat certificaat of kies een andere applicatie-id.",
    org_name_missing: "de naam van de organisatie ontbreekt. Typ hem zoals geregistreerd.",
    bis_not_digits: "een BIS-nummer telt 11 cijfers (punten, streepjes en spaties tellen niet mee). Controleer het nummer.",
    bis_wrong_check_digits: "de controlecijfers van het BIS-nummer kloppen niet: waarschijnlijk een tikfout. Controleer het nummer.",
    bis_not_bis: "dit is een Belgisch rijksregisternummer, geen BIS-nummer. Met een Belgische eID-kaart kiest u \"Nieuw persoonlijk certificaat\".",
    bis_impossible_date: "dit kan geen BIS-nummer zijn (maand of dag is onmogelijk). Controleer het nummer.",
    foreigner_name_missing: "typ uw voornamen en achternaam zoals in uw paspoort.",
};

const FR: ErrorTexts = ErrorTexts {
    extension_missing: "l'extension de navigateur ehcert est introuvable. Installez-la, puis rechargez cette page.",
    card_unreadable: "les certificats lus sur votre carte eID sont endommagés. Relisez la carte ; si cela se reproduit, essayez un autre lecteur de cartes.",
    card_not_read: "lisez d'abord votre carte eID, puis réessayez.",
    stage_already_issued: "ce keystore contient déjà son certificat : il n'y a pas de demande à compléter. Choisissez le keystore provisoire de la demande à compléter.",
    stage_still_pending: "ce keystore attend encore son certificat. Complétez d'abord la demande (« Compléter une demande »), puis utilisez le keystore obtenu.",
    stage_etk_key_missing: "eHealth a un ETK pour ce certificat, mais ce keystore ne contient pas de clé ETK. Utilisez le keystore définitif créé lorsque la demande a été complétée.",
    no_keystore_chosen: "choisissez le keystore dont vous voulez activer l'ETK, et donnez son mot de passe.",
    no_storage: "ce navigateur ne conserve aucune donnée pour ce site (fenêtre privée, ou un réglage) et ne peut donc pas garder de copie de votre demande. Utilisez une fenêtre normale ou autorisez ce site à stocker des données, puis réessayez ; le fichier téléchargé contient votre clé.",
    storage_refused: "ce navigateur n'a pas voulu conserver la copie de votre demande (son stockage pour ce site est plein ou bloqué). Libérez de l'espace ou autorisez ce site à stocker des données, puis réessayez ; le fichier téléchargé contient votre clé.",
    not_yet_issued: "eHealth n'a pas encore délivré votre certificat (il est peut-être vérifié manuellement). Votre keystore provisoire est en sécurité : revenez plus tard et choisissez « Compléter une demande ».",
    unfinished_request: "la demande pour {} dans ce navigateur est presque terminée. Complétez-la d'abord avec « Compléter une demande » ; vous pourrez ensuite en commencer une nouvelle.",
    already_completed: "cette demande a déjà été complétée : le keystore créé alors, sous le même nom de fichier, contient le certificat et la clé ETK enregistrée par eHealth. Utilisez ce fichier. S'il est perdu, révoquez le certificat dans « Mes certificats » et demandez-en un nouveau.",
    card_signature_invalid: "la signature de la carte ne correspond pas à son propre certificat. La carte est peut-être endommagée : réessayez et, si cela se reproduit, faites-la remplacer à votre commune.",
    timeout: "pas de réponse à temps ({}). Rechargez la page et réessayez.",
    browser: "le navigateur a refusé une opération ({}). Rechargez la page et réessayez.",
    network: "eHealth est injoignable ({}). Vérifiez votre connexion internet et réessayez.",
    wrong_password: "le mot de passe du keystore est erroné. Retapez-le en faisant attention aux majuscules.",
    not_a_keystore: "ce fichier n'est pas un keystore. Choisissez le fichier .p12 ou .acc-p12 de votre certificat eHealth.",
    corrupt_keystore: "ce keystore est endommagé ou dans un format illisible. Choisissez-en une autre copie.",
    wrong_keystore: "ce keystore ne peut pas être utilisé ici : {}. Choisissez votre keystore eHealth.",
    weak_password: "le nouveau mot de passe ne respecte pas les règles affichées. Choisissez-en un autre.",
    pki_other: "un problème de clé ou de certificat est survenu ({}). Réessayez.",
    user_cancelled: "la signature a été annulée dans la fenêtre du code PIN. Rien n'a été signé ; recommencez quand vous êtes prêt.",
    wrong_pin_last: "le code PIN était erroné ; il reste 1 essai avant le blocage. Réessayez prudemment.",
    wrong_pin_n: "le code PIN était erroné ; il reste {} essais. Réessayez.",
    wrong_pin: "le code PIN était erroné. Réessayez.",
    pin_blocked: "votre code PIN eID est bloqué après trois essais erronés. Débloquez-le avec votre code PUK à votre commune, puis réessayez.",
    no_reader: "aucun lecteur de carte n'a été trouvé. Branchez votre lecteur et réessayez.",
    no_card: "il n'y a pas de carte dans le lecteur. Insérez votre carte eID et réessayez.",
    card_removed: "la carte a quitté le lecteur pendant l'opération. Remettez-la et réessayez ; rien n'a été signé.",
    no_signature_certificate: "votre carte eID n'a pas de certificat de signature actif (par exemple la carte d'un mineur, ou un certificat jamais activé). Demandez à votre commune de l'activer.",
    unsupported_card: "cette carte n'est pas une carte eID belge utilisable par ehcert. Insérez votre carte eID belge.",
    card_failure: "la carte a signalé une erreur. Retirez-la, remettez-la et réessayez ; si cela se reproduit, essayez un autre lecteur.",
    pcsc_unavailable: "le service de cartes à puce de cet ordinateur ne fonctionne pas. Démarrez-le (ou redémarrez l'ordinateur) et réessayez.",
    busy: "une autre opération de carte est en cours. Terminez-la (cherchez une fenêtre PIN ouverte) et réessayez.",
    bridge_unavailable: "le pont de carte n'est pas installé sur cet ordinateur. Installez-le, puis rechargez cette page.",
    bridge_stopped: "le pont de carte s'est arrêté de manière inattendue ; rien n'a été signé. Réessayez et, si cela se reproduit, réinstallez le pont de carte.",
    interrupted: "l'extension du navigateur a redémarré pendant l'opération ; rien n'a été signé. Réessayez.",
    version_mismatch: "l'extension et le pont de carte ne correspondent pas ({}). Mettez les deux à jour.",
    bridge_timeout: "la carte ou la fenêtre PIN n'a pas répondu à temps. Réessayez.",
    origin_not_allowed: "cette page ne peut pas utiliser votre carte eID. Ouvrez ehcert depuis son adresse officielle.",
    not_signable: "votre carte n'a rien signé : le pont de carte n'a pas reconnu ce que cette page demandait comme une demande eHealth à votre nom. Rien n'a été signé et aucun code PIN n'a été demandé. Rouvrez ehcert depuis son adresse officielle et réessayez ; si cela se reproduit, contactez le support.",
    protocol: "un problème est survenu entre cette page, l'extension et le pont de carte ({}). Rechargez la page et réessayez ; si cela se reproduit, mettez à jour l'extension et le pont de carte.",
    not_yet_delivered: "eHealth n'a pas encore délivré votre certificat. Nous continuons à vérifier ; vous pouvez aussi fermer cette page et compléter la demande plus tard.",
    refused: "eHealth a refusé la demande : {}.",
    refused_no_reason: "eHealth a refusé la demande sans donner de raison. Réessayez plus tard.",
    fault: "le service d'eHealth a signalé un problème interne. Réessayez dans quelques minutes.",
    not_soap: "le service d'eHealth n'est pas disponible pour le moment (il a répondu par une page d'erreur). Réessayez plus tard.",
    server_busy: "ce site transmet en ce moment beaucoup de demandes à eHealth : la vôtre n'a pas été envoyée. Attendez {} secondes et réessayez.",
    malformed: "la réponse d'eHealth est illisible. Réessayez plus tard ; si cela se reproduit, contactez le support.",
    certra_other: "la communication avec eHealth a échoué ({}). Réessayez.",
    renew_expired: "votre certificat a expiré le {} : un certificat expiré ne peut pas être renouvelé. Demandez-en un nouveau avec « Nouveau certificat personnel » (ou pour votre organisation).",
    renew_not_active: "eHealth indique ce certificat comme {} : il ne peut pas être renouvelé. Demandez plutôt un nouveau certificat.",
    renew_not_yet: "le renouvellement est possible à partir du {}, 90 jours avant la fin de validité. Revenez à partir de ce jour ; « Mes certificats » peut mettre un rappel dans votre agenda.",
    renew_not_yet_unknown: "le renouvellement n'est pas encore possible : eHealth l'autorise pendant les 90 derniers jours de validité. Revenez à ce moment-là.",
    renew_other_person: "ce keystore appartient au numéro national {} : renouvelez-le avec la carte eID de cette personne.",
    org_unknown_type: "eHealth ne connaît pas le type d'organisation {}. Choisissez un type dans la liste.",
    org_wrong_form: "ce numéro n'a pas la forme attendue par eHealth pour ce type d'organisation. Vérifiez le numéro et le type.",
    contact_missing: "indiquez {} : eHealth en a besoin pour vous joindre au sujet du certificat.",
    contact_not_email: "{} n'est pas une adresse e-mail acceptée par eHealth (nom@exemple.be, sans espaces ni accents). Corrigez-la et continuez.",
    contact_not_phone: "{} n'est pas un numéro de téléphone accepté par eHealth : des chiffres et des espaces seulement, éventuellement précédés de + (par exemple +32 470 12 34 56). Corrigez-le et continuez.",
    field_email_private: "votre adresse e-mail",
    field_email_general: "l'adresse e-mail de l'organisation",
    field_phone_private: "votre numéro de téléphone",
    field_phone_general: "le numéro de téléphone de l'organisation",
    org_wrong_check_digits: "les chiffres de contrôle de ce numéro sont faux : sans doute une faute de frappe. Vérifiez le numéro.",
    org_bad_application_id: "un identifiant d'application compte 1 à 30 caractères : lettres, chiffres, - et _. Corrigez-le ou laissez-le vide.",
    org_application_id_taken: "cette organisation a déjà un certificat avec cet identifiant d'application. Renouvelez ce certificat ou choisissez un autre identifiant.",
    org_name_missing: "le nom de l'organisation manque. Tapez-le tel qu'enregistré.",
    bis_not_digits: "un numéro BIS compte 11 chiffres (points, tirets et espaces sont ignorés). Vérifiez le numéro.",
    bis_wrong_check_digits: "les chiffres de contrôle du numéro BIS sont faux : sans doute une faute de frappe. Vérifiez le numéro.",
    bis_not_bis: "ceci est un numéro national belge, pas un numéro BIS. Avec une carte eID belge, choisissez « Nouveau certificat personnel ».",
    bis_impossible_date: "ceci ne peut pas être un numéro BIS (mois ou jour impossible). Vérifiez le numéro.",
    foreigner_name_missing: "tapez vos prénoms et votre nom comme dans votre passeport.",
};

const DE: ErrorTexts = ErrorTexts {
    extension_missing: "die ehcert-Browsererweiterung wurde nicht gefunden. Installieren Sie sie und laden Sie diese Seite neu.",
    card_unreadable: "die von Ihrer eID-Karte gelesenen Zertifikate sind beschädigt. Lesen Sie die Karte erneut; geschieht es wieder, versuchen Sie ein anderes Kartenlesegerät.",
    card_not_read: "lesen Sie zuerst Ihre eID-Karte und versuchen Sie es dann erneut.",
    stage_already_issued: "dieser Keystore enthält sein Zertifikat bereits: Es gibt keinen Antrag abzuschließen. Wählen Sie den vorläufigen Keystore des Antrags, den Sie abschließen möchten.",
    stage_still_pending: "dieser Keystore wartet noch auf sein Zertifikat. Schließen Sie zuerst den Antrag ab („Einen Antrag abschließen“) und verwenden Sie dann den Keystore, den Sie dabei erhalten.",
    stage_etk_key_missing: "eHealth hat ein ETK für dieses Zertifikat, aber dieser Keystore enthält keinen ETK-Schlüssel. Verwenden Sie den endgültigen Keystore, der beim Abschluss des Antrags erstellt wurde.",
    no_keystore_chosen: "wählen Sie den Keystore, dessen ETK Sie aktivieren möchten, und geben Sie sein Passwort ein.",
    no_storage: "dieser Browser speichert keine Daten für diese Website (ein privates Fenster oder eine Einstellung) und kann daher keine Kopie Ihres Antrags aufbewahren. Verwenden Sie ein normales Fenster oder erlauben Sie dieser Website, Daten zu speichern, und versuchen Sie es erneut; die heruntergeladene Datei enthält Ihren Schlüssel.",
    storage_refused: "dieser Browser wollte die Kopie Ihres Antrags nicht speichern (sein Speicher für diese Website ist voll oder gesperrt). Schaffen Sie Platz oder erlauben Sie dieser Website, Daten zu speichern, und versuchen Sie es erneut; die heruntergeladene Datei enthält Ihren Schlüssel.",
    not_yet_issued: "eHealth hat Ihr Zertifikat noch nicht ausgestellt (es wird vielleicht von Hand geprüft). Ihr vorläufiger Keystore ist sicher: Kommen Sie später zurück und wählen Sie \"Einen Antrag abschließen\".",
    unfinished_request: "der Antrag für {} in diesem Browser ist fast abgeschlossen. Schließen Sie ihn zuerst mit \"Einen Antrag abschließen\" ab; danach können Sie einen neuen beginnen.",
    already_completed: "dieser Antrag wurde bereits abgeschlossen: der damals erstellte Keystore mit demselben Dateinamen enthält das Zertifikat und den von eHealth registrierten ETK-Schlüssel. Verwenden Sie diese Datei. Ist sie verloren, widerrufen Sie das Zertifikat unter \"Meine Zertifikate\" und beantragen Sie ein neues.",
    card_signature_invalid: "die Unterschrift der Karte passt nicht zu ihrem eigenen Zertifikat. Die Karte ist vielleicht beschädigt: Versuchen Sie es erneut und lassen Sie die Karte bei Ihrer Gemeinde ersetzen, wenn es wieder passiert.",
    timeout: "keine Antwort rechtzeitig ({}). Laden Sie die Seite neu und versuchen Sie es erneut.",
    browser: "der Browser hat einen Vorgang abgelehnt ({}). Laden Sie die Seite neu und versuchen Sie es erneut.",
    network: "eHealth ist nicht erreichbar ({}). Prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.",
    wrong_password: "das Keystore-Passwort ist falsch. Geben Sie es erneut ein und achten Sie auf Großbuchstaben.",
    not_a_keystore: "diese Datei ist kein Keystore. Wählen Sie die .p12- oder .acc-p12-Datei Ihres eHealth-Zertifikats.",
    corrupt_keystore: "dieser Keystore ist beschädigt oder in einem unlesbaren Format. Wählen Sie eine andere Kopie.",
    wrong_keystore: "dieser Keystore kann hier nicht verwendet werden: {}. Wählen Sie Ihren eHealth-Keystore.",
    weak_password: "das neue Passwort erfüllt die angezeigten Regeln nicht. Wählen Sie ein anderes.",
    pki_other: "ein Schlüssel- oder Zertifikatsproblem ist aufgetreten ({}). Versuchen Sie es erneut.",
    user_cancelled: "die Unterschrift wurde im PIN-Fenster abgebrochen. Nichts wurde unterschrieben; beginnen Sie erneut, wenn Sie bereit sind.",
    wrong_pin_last: "die PIN war falsch; noch 1 Versuch, bevor die PIN gesperrt wird. Versuchen Sie es vorsichtig erneut.",
    wrong_pin_n: "die PIN war falsch; noch {} Versuche. Versuchen Sie es erneut.",
    wrong_pin: "die PIN war falsch. Versuchen Sie es erneut.",
    pin_blocked: "Ihre eID-PIN ist nach drei falschen Versuchen gesperrt. Entsperren Sie sie mit Ihrem PUK-Code bei Ihrer Gemeinde und versuchen Sie es dann erneut.",
    no_reader: "es wurde kein Kartenleser gefunden. Schließen Sie Ihren Kartenleser an und versuchen Sie es erneut.",
    no_card: "es steckt keine Karte im Leser. Stecken Sie Ihre eID-Karte ein und versuchen Sie es erneut.",
    card_removed: "die Karte hat den Leser während des Vorgangs verlassen. Stecken Sie sie wieder ein und versuchen Sie es erneut; nichts wurde unterschrieben.",
    no_signature_certificate: "Ihre eID-Karte hat kein aktives Signaturzertifikat (zum Beispiel die Karte eines Minderjährigen oder ein nie aktiviertes Zertifikat). Bitten Sie Ihre Gemeinde, es zu aktivieren.",
    unsupported_card: "diese Karte ist keine belgische eID-Karte, die ehcert verwenden kann. Stecken Sie Ihre belgische eID-Karte ein.",
    card_failure: "die Karte hat einen Fehler gemeldet. Nehmen Sie sie heraus, stecken Sie sie wieder ein und versuchen Sie es erneut; versuchen Sie einen anderen Leser, wenn es wieder passiert.",
    pcsc_unavailable: "der Chipkartendienst dieses Computers läuft nicht. Starten Sie ihn (oder den Computer neu) und versuchen Sie es erneut.",
    busy: "ein anderer Kartenvorgang läuft noch. Schließen Sie ihn ab (suchen Sie ein offenes PIN-Fenster) und versuchen Sie es erneut.",
    bridge_unavailable: "die Kartenbrücke ist auf diesem Computer nicht installiert. Installieren Sie sie und laden Sie diese Seite neu.",
    bridge_stopped: "die Kartenbrücke wurde unerwartet beendet; nichts wurde unterschrieben. Versuchen Sie es erneut und installieren Sie die Kartenbrücke neu, wenn es wieder passiert.",
    interrupted: "die Browsererweiterung wurde während des Vorgangs neu gestartet; nichts wurde unterschrieben. Versuchen Sie es erneut.",
    version_mismatch: "Erweiterung und Kartenbrücke passen nicht zusammen ({}). Aktualisieren Sie beide auf die neueste Version.",
    bridge_timeout: "die Karte oder das PIN-Fenster hat nicht rechtzeitig geantwortet. Versuchen Sie es erneut.",
    origin_not_allowed: "diese Seite darf Ihre eID-Karte nicht verwenden. Öffnen Sie ehcert über die offizielle Adresse.",
    not_signable: "Ihre Karte hat nichts signiert: Die Kartenbrücke hat die Anfrage dieser Seite nicht als eHealth-Anfrage für Sie erkannt. Es wurde nichts signiert und keine PIN abgefragt. Öffnen Sie ehcert erneut über die offizielle Adresse und versuchen Sie es noch einmal; geschieht es wieder, wenden Sie sich an den Support.",
    protocol: "zwischen dieser Seite, der Erweiterung und der Kartenbrücke ist etwas schiefgelaufen ({}). Laden Sie die Seite neu und versuchen Sie es erneut; aktualisieren Sie Erweiterung und Kartenbrücke, wenn es wieder passiert.",
    not_yet_delivered: "eHealth hat Ihr Zertifikat noch nicht ausgestellt. Wir prüfen weiter; Sie können diese Seite auch schließen und den Antrag später abschließen.",
    refused: "eHealth hat den Antrag abgelehnt: {}.",
    refused_no_reason: "eHealth hat den Antrag ohne Grund abgelehnt. Versuchen Sie es später erneut.",
    fault: "der eHealth-Dienst hat ein internes Problem gemeldet. Versuchen Sie es in einigen Minuten erneut.",
    not_soap: "der eHealth-Dienst ist gerade nicht verfügbar (er antwortete mit einer Fehlerseite). Versuchen Sie es später erneut.",
    server_busy: "diese Seite leitet gerade viele Anfragen an eHealth weiter, Ihre wurde daher nicht gesendet. Warten Sie {} Sekunden und versuchen Sie es erneut.",
    malformed: "die Antwort von eHealth konnte nicht gelesen werden. Versuchen Sie es später erneut; wenden Sie sich an den Support, wenn es wieder passiert.",
    certra_other: "die Verbindung mit eHealth ist fehlgeschlagen ({}). Versuchen Sie es erneut.",
    renew_expired: "Ihr Zertifikat ist am {} abgelaufen: ein abgelaufenes Zertifikat kann nicht erneuert werden. Beantragen Sie ein neues mit „Neues persönliches Zertifikat“ (oder für Ihre Organisation).",
    renew_not_active: "eHealth führt dieses Zertifikat als {}: es kann nicht erneuert werden. Beantragen Sie stattdessen ein neues Zertifikat.",
    renew_not_yet: "die Erneuerung ist ab dem {} möglich, 90 Tage vor Ablauf der Gültigkeit. Kommen Sie ab diesem Tag wieder; „Meine Zertifikate“ kann eine Erinnerung in Ihren Kalender eintragen.",
    renew_not_yet_unknown: "die Erneuerung ist noch nicht möglich: eHealth erlaubt sie in den letzten 90 Tagen der Gültigkeit. Kommen Sie dann wieder.",
    renew_other_person: "dieser Keystore gehört zur Nationalregisternummer {}: erneuern Sie ihn mit der eID-Karte dieser Person.",
    org_unknown_type: "eHealth kennt den Organisationstyp {} nicht. Wählen Sie einen Typ aus der Liste.",
    org_wrong_form: "diese Nummer hat nicht die Form, die eHealth für diese Art von Organisation erwartet. Prüfen Sie Nummer und Typ.",
    contact_missing: "geben Sie {} an: eHealth braucht sie, um Sie zum Zertifikat zu erreichen.",
    contact_not_email: "{} ist keine E-Mail-Adresse, die eHealth annimmt (name@beispiel.be, ohne Leerzeichen oder Akzente). Korrigieren Sie sie und fahren Sie fort.",
    contact_not_phone: "{} ist keine Telefonnummer, die eHealth annimmt: nur Ziffern und Leerzeichen, eventuell mit + am Anfang (zum Beispiel +32 470 12 34 56). Korrigieren Sie sie und fahren Sie fort.",
    field_email_private: "Ihre E-Mail-Adresse",
    field_email_general: "die E-Mail-Adresse der Organisation",
    field_phone_private: "Ihre Telefonnummer",
    field_phone_general: "die Telefonnummer der Organisation",
    org_wrong_check_digits: "die Prüfziffern dieser Nummer stimmen nicht: wahrscheinlich ein Tippfehler. Prüfen Sie die Nummer.",
    org_bad_application_id: "eine Anwendungs-ID hat 1 bis 30 Zeichen: Buchstaben, Ziffern, - und _. Korrigieren Sie sie oder lassen Sie sie leer.",
    org_application_id_taken: "diese Organisation hat bereits ein Zertifikat mit dieser Anwendungs-ID. Erneuern Sie dieses Zertifikat oder wählen Sie eine andere Anwendungs-ID.",
    org_name_missing: "der Name der Organisation fehlt. Geben Sie ihn wie eingetragen ein.",
    bis_not_digits: "eine BIS-Nummer hat 11 Ziffern (Punkte, Striche und Leerzeichen zählen nicht). Prüfen Sie die Nummer.",
    bis_wrong_check_digits: "die Prüfziffern der BIS-Nummer stimmen nicht: wahrscheinlich ein Tippfehler. Prüfen Sie die Nummer.",
    bis_not_bis: "dies ist eine belgische Nationalregisternummer, keine BIS-Nummer. Mit einer belgischen eID-Karte wählen Sie „Neues persönliches Zertifikat“.",
    bis_impossible_date: "dies kann keine BIS-Nummer sein (Monat oder Tag unmöglich). Prüfen Sie die Nummer.",
    foreigner_name_missing: "geben Sie Ihre Vornamen und Ihren Nachnamen wie im Reisepass ein.",
};
