//! The app's one error type and the one place its texts for people are written.

use ehcert_shared::{bridge::Failure, ErrorCode};

/// Everything that can go wrong below the UI, as the UI needs to tell it apart.
#[derive(Clone, Debug)]
pub enum AppError {
    /// No ack from the content script: the extension is not installed or not enabled here.
    ExtensionMissing,
    /// The extension or the bridge reported a failure.
    Bridge(Failure),
    /// No answer within the named timeout.
    Timeout(&'static str),
    /// The browser refused something the page needs (no window, postMessage failed).
    Browser(String),
    /// A key, certificate or keystore problem.
    Pki(std::sync::Arc<ehcert_pki::PkiError>),
    /// eHealth's services answered, but not with what was asked.
    Certra(ehcert_certra::CertraError),
    /// eHealth could not be reached (offline, DNS, blocked).
    Network(String),
    /// The card signed, but the signature does not verify with the card's own certificate.
    CardSignatureInvalid,
    /// The eID cannot do what the flow needs (e.g. no signature certificate).
    Card(String),
    /// The keystore is not at the stage this task needs.
    WrongStage(String),
    /// eHealth has not issued the certificate within the page's polling time.
    NotYetIssued,
}

impl AppError {
    /// What to tell the person, with the next step to take.
    pub fn user_message(&self) -> String {
        match self {
            Self::ExtensionMissing => {
                "the ehcert browser extension was not found. Install it, then reload this page."
                    .to_owned()
            }
            Self::Bridge(failure) => bridge_message(failure),
            Self::Card(detail) => format!("{detail}. Use a Belgian eID card with a signature certificate."),
            Self::WrongStage(detail) => format!("{detail}. Choose the pending keystore of the request you want to complete."),
            Self::NotYetIssued => {
                "eHealth has not issued your certificate yet (it may be checked by hand). Your pending keystore is safe: come back later and choose \"Complete a request\"."
                    .to_owned()
            }
            Self::CardSignatureInvalid => {
                "the card's signature does not match its own certificate. The card may be damaged: try again, and if it keeps happening, have the card replaced at your municipality."
                    .to_owned()
            }
            Self::Timeout(step) => format!("no answer while {step}. Reload the page and try again."),
            Self::Browser(detail) => {
                format!("the browser refused an operation ({detail}). Reload the page and try again.")
            }
            Self::Certra(err) => certra_message(err),
            Self::Network(detail) => format!(
                "eHealth could not be reached ({detail}). Check your internet connection and try again."
            ),
            Self::Pki(err) => match err.as_ref() {
                ehcert_pki::PkiError::WrongPassword => {
                    "the keystore password is wrong. Type it again, paying attention to capitals.".to_owned()
                }
                ehcert_pki::PkiError::NotAKeystore(_) => {
                    "this file is not a keystore. Choose the .p12 or .acc-p12 file of your eHealth certificate."
                        .to_owned()
                }
                ehcert_pki::PkiError::CorruptKeystore(_) => {
                    "this keystore is damaged or in a format we cannot read. Choose another copy of it."
                        .to_owned()
                }
                ehcert_pki::PkiError::WrongKeystore(detail) => {
                    format!("this keystore cannot be used here: {detail}. Choose your eHealth keystore.")
                }
                other => format!("a key or certificate problem occurred ({other}). Try again."),
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
            FlowError::Card(detail) => Self::Card(detail),
            FlowError::WrongStage(detail) => Self::WrongStage(detail),
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
fn bridge_message(failure: &Failure) -> String {
    let text = match failure.code {
        ErrorCode::UserCancelled => {
            "the signature was cancelled in the PIN window. Nothing was signed; start again when you are ready."
        }
        ErrorCode::WrongPin => {
            return match failure.tries_left {
                Some(1) => "the PIN was wrong; 1 try is left before the PIN is blocked. Try again carefully.".to_owned(),
                Some(n) => format!("the PIN was wrong; {n} tries are left. Try again."),
                None => "the PIN was wrong. Try again.".to_owned(),
            };
        }
        ErrorCode::PinBlocked => {
            "your eID PIN is blocked after three wrong tries. Unblock it with your PUK code at your municipality, then try again."
        }
        ErrorCode::NoReader => "no card reader was found. Connect your card reader and try again.",
        ErrorCode::NoCard => "there is no card in the reader. Insert your eID card and try again.",
        ErrorCode::CardRemoved => {
            "the card left the reader during the operation. Put it back and try again; nothing was signed."
        }
        ErrorCode::NoSignatureCertificate => {
            "your eID card has no active signature certificate (for example the card of a minor, or a certificate that was never activated). Ask your municipality to activate it."
        }
        ErrorCode::UnsupportedCard => {
            "this card is not a Belgian eID card ehcert can use. Insert your Belgian eID card."
        }
        ErrorCode::CardFailure => {
            "the card reported an error. Take it out, put it back in and try again; if it keeps happening, try another reader."
        }
        ErrorCode::PcscUnavailable => {
            "the smart-card service of this computer is not running. Start it (or restart the computer) and try again."
        }
        ErrorCode::Busy => {
            "another card operation is still running. Finish it (look for an open PIN window) and try again."
        }
        ErrorCode::BridgeUnavailable => {
            "the card bridge is not installed on this computer. Install it, then reload this page."
        }
        ErrorCode::BridgeStopped => {
            "the card bridge stopped unexpectedly; nothing was signed. Try again, and if it keeps happening, reinstall the card bridge."
        }
        ErrorCode::Interrupted => {
            "the browser extension restarted during the operation; nothing was signed. Try again."
        }
        ErrorCode::VersionMismatch => {
            return format!(
                "the extension and the card bridge do not match ({}). Update both to the latest version.",
                failure.detail
            );
        }
        ErrorCode::Timeout => "the card or the PIN window did not answer in time. Try again.",
        ErrorCode::OriginNotAllowed => {
            "this page may not use your eID card. Open ehcert from its official address."
        }
        _ => {
            return format!(
                "something went wrong between this page, the extension and the card bridge ({}). Reload the page and try again; if it keeps happening, update the extension and the card bridge.",
                failure.detail
            );
        }
    };
    text.to_owned()
}

fn certra_message(err: &ehcert_certra::CertraError) -> String {
    use ehcert_certra::CertraError;
    match err {
        _ if err.is_not_yet_delivered() => {
            "eHealth has not issued your certificate yet. We keep checking; you can also close this page and complete the request later.".to_owned()
        }
        CertraError::Refused { errors, .. } => match errors.first() {
            Some(error) => format!("eHealth refused the request: {} ({}).", error.message, error.code),
            None => "eHealth refused the request without giving a reason. Try again later.".to_owned(),
        },
        CertraError::Fault { .. } => {
            "eHealth's service reported an internal problem. Try again in a few minutes.".to_owned()
        }
        CertraError::NotSoap(_) => {
            "eHealth's service is not available right now (it answered with an error page). Try again later."
                .to_owned()
        }
        CertraError::Malformed(_) | CertraError::TooLarge(_) => {
            "eHealth's answer could not be read. Try again later; if it keeps happening, contact support.".to_owned()
        }
        other => format!("talking to eHealth failed ({other}). Try again."),
    }
}
