//! The bridge's one error type, and the one place it becomes a wire code.

use ehcert_shared::ErrorCode;

use crate::frame::FrameError;

#[derive(Debug, thiserror::Error)]
pub(crate) enum BridgeError {
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error("request frame is not a request: {0}")]
    BadRequest(#[source] serde_json::Error),
    #[error("the PC/SC service is not running")]
    PcscUnavailable,
    #[error("PC/SC call failed: {0}")]
    Pcsc(#[source] pcsc::Error),
    #[error("reply could not be encoded: {0}")]
    Encode(#[source] serde_json::Error),
}

impl From<&BridgeError> for ErrorCode {
    fn from(err: &BridgeError) -> Self {
        match err {
            BridgeError::Frame(_) | BridgeError::BadRequest(_) => Self::BadRequest,
            BridgeError::PcscUnavailable => Self::PcscUnavailable,
            BridgeError::Pcsc(pcsc::Error::NoReadersAvailable | pcsc::Error::UnknownReader) => {
                Self::NoReader
            }
            BridgeError::Pcsc(pcsc::Error::NoSmartcard) => Self::NoCard,
            BridgeError::Pcsc(pcsc::Error::RemovedCard | pcsc::Error::ResetCard) => {
                Self::CardRemoved
            }
            BridgeError::Pcsc(_) | BridgeError::Encode(_) => Self::Internal,
        }
    }
}

impl From<pcsc::Error> for BridgeError {
    fn from(err: pcsc::Error) -> Self {
        match err {
            pcsc::Error::NoService | pcsc::Error::ServiceStopped => Self::PcscUnavailable,
            other => Self::Pcsc(other),
        }
    }
}
