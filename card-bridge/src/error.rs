//! The bridge's one error type, and the one place it becomes a wire code.

use ehcert_shared::ErrorCode;

use crate::frame::FrameError;

#[derive(Debug, thiserror::Error)]
pub(crate) enum BridgeError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// Where the frame stopped being a request, not serde's message: that quotes the values it
    /// met, and a request carries names, a national number and a PIN (`crate::log`).
    #[error(
        "request frame is not a request ({:?} problem at line {}, column {})",
        .0.classify(),
        .0.line(),
        .0.column()
    )]
    BadRequest(#[source] serde_json::Error),
    #[error("the request cannot be carried out: {0}")]
    InvalidRequest(String),
    #[error("the PC/SC service is not running")]
    PcscUnavailable,
    #[error("PC/SC call failed: {0}")]
    Pcsc(#[source] pcsc::Error),
    #[error(
        "the reader went away during the operation (unplugged, or the smart-card service stopped)"
    )]
    ReaderLost,
    #[error("no reader holds a card")]
    NoCard,
    #[error("the card answered {command} with {status:04X}")]
    CardStatus { command: &'static str, status: u16 },
    #[error("the card stopped answering (it was probably removed)")]
    CommunicationLost,
    #[error("not a Belgian eID this bridge can use: {0}")]
    UnsupportedCard(String),
    #[error("the card refused the PIN ({tries_left} tries left)")]
    WrongPin { tries_left: u8 },
    #[error("the PIN is blocked")]
    PinBlocked,
    #[error("nobody typed the PIN on the reader in time")]
    PinpadTimeout,
    #[error("the PIN entry was cancelled on the reader")]
    PinpadCancelled,
    #[error("the PIN typed on the reader was too short or too long (no try was used)")]
    PinpadLength,
    #[error("the card has no signature key or certificate")]
    NoSignatureCertificate,
    #[error("reply could not be encoded: {0}")]
    Encode(#[source] serde_json::Error),
    #[error("the card may not sign this: {0}")]
    NotSignable(Refusal),
}

/// Why the bridge refuses to have the card sign something (`crate::approval`).
#[derive(Debug, thiserror::Error)]
pub(crate) enum Refusal {
    #[error(transparent)]
    Request(ehcert_certra::SignableProblem),
    #[error("this key does not sign this operation")]
    WrongKey,
    #[error("the request names another person than the card holder")]
    OtherPerson,
    #[error("the contract's DN is not an eHealth certificate's name")]
    Dn,
    #[error("the certificate request is unreadable or not for the contract's name")]
    Csr,
    #[error("the card check's challenge is not 32 bytes of base64")]
    Challenge,
    #[error("the request's IssueInstant is not within minutes of this computer's clock")]
    IssueInstant,
}

impl BridgeError {
    /// PIN tries left, for the wire.
    pub(crate) fn tries_left(&self) -> Option<u8> {
        match self {
            Self::WrongPin { tries_left } => Some(*tries_left),
            Self::PinBlocked => Some(0),
            _ => None,
        }
    }
}

impl From<&BridgeError> for ErrorCode {
    fn from(err: &BridgeError) -> Self {
        match err {
            BridgeError::Frame(_) | BridgeError::BadRequest(_) | BridgeError::InvalidRequest(_) => {
                Self::BadRequest
            }
            BridgeError::PcscUnavailable => Self::PcscUnavailable,
            BridgeError::ReaderLost
            | BridgeError::Pcsc(pcsc::Error::NoReadersAvailable | pcsc::Error::UnknownReader) => {
                Self::NoReader
            }
            BridgeError::NoCard | BridgeError::Pcsc(pcsc::Error::NoSmartcard) => Self::NoCard,
            BridgeError::CommunicationLost
            | BridgeError::Pcsc(pcsc::Error::RemovedCard | pcsc::Error::ResetCard) => {
                Self::CardRemoved
            }
            BridgeError::Pcsc(pcsc::Error::SharingViolation) => Self::Busy,
            BridgeError::WrongPin { .. } | BridgeError::PinpadLength => Self::WrongPin,
            BridgeError::PinpadTimeout => Self::Timeout,
            BridgeError::PinpadCancelled => Self::UserCancelled,
            BridgeError::PinBlocked => Self::PinBlocked,
            BridgeError::NoSignatureCertificate => Self::NoSignatureCertificate,
            BridgeError::UnsupportedCard(_) => Self::UnsupportedCard,
            BridgeError::CardStatus { .. } => Self::CardFailure,
            BridgeError::NotSignable(_) => Self::NotSignable,
            BridgeError::Pcsc(_) | BridgeError::Encode(_) => Self::Internal,
        }
    }
}

impl From<pcsc::Error> for BridgeError {
    fn from(err: pcsc::Error) -> Self {
        match err {
            pcsc::Error::NoService | pcsc::Error::ServiceStopped => Self::PcscUnavailable,
            // What a transmit in flight gets when the reader is unplugged or pcscd goes away.
            pcsc::Error::ReaderUnavailable | pcsc::Error::CommError => Self::ReaderLost,
            other => Self::Pcsc(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(err: pcsc::Error) -> ErrorCode {
        ErrorCode::from(&BridgeError::from(err))
    }

    /// What pcsc-lite answers when the reader or its daemon goes away, as the page is told: the
    /// reader unplugged mid-command (`SCARD_E_READER_UNAVAILABLE`) or gone from the list, the
    /// daemon stopped, the card pulled out.
    #[test]
    fn lost_readers_services_and_cards_have_their_own_codes() {
        assert_eq!(code(pcsc::Error::ReaderUnavailable), ErrorCode::NoReader);
        assert_eq!(code(pcsc::Error::CommError), ErrorCode::NoReader);
        assert_eq!(code(pcsc::Error::NoReadersAvailable), ErrorCode::NoReader);
        assert_eq!(code(pcsc::Error::UnknownReader), ErrorCode::NoReader);
        assert_eq!(code(pcsc::Error::NoService), ErrorCode::PcscUnavailable);
        assert_eq!(code(pcsc::Error::ServiceStopped), ErrorCode::PcscUnavailable);
        assert_eq!(code(pcsc::Error::RemovedCard), ErrorCode::CardRemoved);
        assert_eq!(code(pcsc::Error::NoSmartcard), ErrorCode::NoCard);
        assert_eq!(code(pcsc::Error::SharingViolation), ErrorCode::Busy);
    }
}
