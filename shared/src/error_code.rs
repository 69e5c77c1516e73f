use serde::{Deserialize, Serialize};

/// Stable error codes that travel on the wire, grouped as the style guide asks (user, card,
/// environment, protocol). Texts for people are made from these by the app, in one place.
///
/// ```json
/// "wrong-pin"
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Deserialize, Eq, Hash, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorCode {
    // The user.
    /// The user closed the PIN window or pressed Cancel.
    UserCancelled,
    /// The PIN was wrong; tries left travel beside the code.
    WrongPin,
    /// No tries left: the PIN must be unblocked with the PUK at the town hall.
    PinBlocked,
    // The card and reader.
    /// PC/SC runs but sees no reader.
    NoReader,
    /// A reader is there but holds no card.
    NoCard,
    /// The card left the reader during the operation.
    CardRemoved,
    /// The card has no (active) signature certificate, e.g. a minor's card.
    NoSignatureCertificate,
    /// Not a Belgian eID, or an applet version we cannot use.
    UnsupportedCard,
    /// The card answered with an unexpected status word.
    CardFailure,
    /// The PC/SC service itself is not available (pcscd not running, no smart-card service).
    PcscUnavailable,
    // The environment.
    /// Another operation is still running; one at a time.
    Busy,
    /// The native card bridge is not installed or could not be started.
    BridgeUnavailable,
    /// The card bridge stopped (crashed or was killed) in the middle of an operation.
    BridgeStopped,
    /// The extension's service worker was stopped or restarted in the middle of an operation.
    Interrupted,
    /// Page, extension and bridge speak different protocol versions.
    VersionMismatch,
    /// A step took longer than its named timeout.
    Timeout,
    /// The page's origin is not on the extension's allow-list.
    OriginNotAllowed,
    // The protocol.
    /// The card bridge refused to have the card sign what the page asked: not a request ehcert
    /// makes, not for this key, or about another person than the card holder. No PIN was asked.
    NotSignable,
    /// A frame or message that is malformed, too large, or names an unknown command.
    BadRequest,
    /// A bug or an impossible state; details are in the bridge's opt-in log.
    Internal,
    /// A code this version does not know (sent by a newer component).
    #[serde(other)]
    Unknown,
}
