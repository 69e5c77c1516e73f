//! Extension ⇄ card bridge: Chrome/Firefox native messaging.
//!
//! Each frame is a 4-byte length in native byte order (little-endian on every platform we ship
//! for) followed by that many bytes of UTF-8 JSON (spec/browser-bridge.md §4, §13). The bridge
//! speaks first with [`Hello`], then answers one [`Request`] at a time with a [`Reply`] until it
//! reads end-of-file.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// Smallest request frame the bridge accepts: shorter bodies cannot be a request, and refusing
/// them before parsing keeps garbage length prefixes cheap (web-eid-app rejects < 5 bytes too).
pub const MIN_REQUEST_FRAME: u32 = 5;
/// Largest request frame the bridge accepts. A sign request (digest, PIN, names) fits in well under
/// 1 KiB; the bound is checked before any allocation.
pub const MAX_REQUEST_FRAME: u32 = 8 * 1024;
/// Largest frame the bridge may send: Chromium drops the port on anything over 1 MiB
/// (spec/browser-bridge.md §7).
pub const MAX_REPLY_FRAME: u32 = 1024 * 1024;
/// Name of the native-messaging host, as registered in the host manifests.
pub const HOST_NAME: &str = "be.ehcert.card_bridge";

/// A frame the bridge sends.
///
/// ```json
/// {"type": "hello", "args": {"bridge_version": "0.1.0", "protocol": 1}}
/// ```
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum FromBridge {
    /// First frame of every session, sent before the bridge reads anything.
    Hello(Hello),
    /// The answer to one [`Request`].
    Reply(Reply),
}

/// The bridge's introduction: who it is and which protocol it speaks.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Hello {
    /// The bridge's package version, shown in the app and in support diagnostics.
    pub bridge_version: String,
    /// [`crate::PROTOCOL_VERSION`] of the bridge build.
    pub protocol: u32,
}

/// A frame the extension sends to the bridge.
///
/// ```json
/// {"id": 7, "command": {"type": "list-readers"}}
/// ```
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Chosen by the extension; echoed in the [`Reply`].
    pub id: u32,
    /// What to do.
    pub command: Command,
}

/// The commands the bridge knows.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum Command {
    /// List the PC/SC readers and whether each holds a card.
    ListReaders,
}

/// The answer to a [`Request`].
///
/// ```json
/// {"id": 7, "outcome": {"type": "readers", "args": [{"name": "Virtual PCD 00 00", "card_present": true, "pinpad": false}]}}
/// ```
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// The request's id, or `None` when the request was too broken to read one from.
    pub id: Option<u32>,
    /// Result of the command.
    pub outcome: Outcome,
}

/// Result of a command.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum Outcome {
    /// Answer to [`Command::ListReaders`].
    Readers(Vec<Reader>),
    /// The command failed.
    Error(Failure),
}

/// One PC/SC reader.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reader {
    /// The PC/SC reader name.
    pub name: String,
    /// A card sits in the reader.
    pub card_present: bool,
    /// The reader has its own PIN pad (CCID `FEATURE_VERIFY_PIN_DIRECT`).
    pub pinpad: bool,
}

/// A failed command: a stable code, an English detail for logs and support, and safe extras.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, in English, for logs and support; never shown as the user's message.
    pub detail: String,
}
