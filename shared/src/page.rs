//! Page ⇄ extension: `window.postMessage` objects.
//!
//! The page and the content script share one window, so each sees the other's messages *and* its
//! own. Every message is therefore an object with exactly one key that says its direction:
//! `"ehcert:to-extension"` or `"ehcert:to-page"`. Anything else on the window is not ours.
//! The page pings until the content script acks (a one-shot "ready" was seen to get lost,
//! spec/browser-bridge.md §5), then sends requests and matches replies by id.

use serde::{Deserialize, Serialize};

use crate::bridge::{Failure, Hello};

/// Key of messages from the page to the extension.
pub const TO_EXTENSION: &str = "ehcert:to-extension";
/// Key of messages from the extension to the page.
pub const TO_PAGE: &str = "ehcert:to-page";

/// A message from the page.
///
/// ```json
/// {"ehcert:to-extension": {"type": "ping"}}
/// ```
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToExtension {
    /// The message itself.
    #[serde(rename = "ehcert:to-extension")]
    pub message: PageMessage,
}

/// What the page can say.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum PageMessage {
    /// "Is the extension there?" Answered at once by [`ExtensionMessage::Ack`].
    Ping,
    /// Something for the extension or the bridge to do.
    Request(PageRequest),
}

/// A numbered request from the page.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageRequest {
    /// Chosen by the page; echoed in the reply.
    pub id: u32,
    /// What to do.
    pub action: Action,
}

/// The actions a page can ask for.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum Action {
    /// Start the bridge and report the versions of extension and bridge.
    Status,
}

/// A message from the extension.
///
/// ```json
/// {"ehcert:to-page": {"type": "ack", "args": {"extension_version": "0.1.0", "protocol": 1}}}
/// ```
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToPage {
    /// The message itself.
    #[serde(rename = "ehcert:to-page")]
    pub message: ExtensionMessage,
}

/// What the extension can say.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum ExtensionMessage {
    /// Answer to [`PageMessage::Ping`].
    Ack(Ack),
    /// Answer to a [`PageRequest`].
    Reply(PageReply),
}

/// The extension is present, with its version.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Ack {
    /// The extension's version (its manifest `version`).
    pub extension_version: String,
    /// The protocol version the extension speaks.
    pub protocol: u32,
}

/// Answer to a [`PageRequest`].
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageReply {
    /// The request's id.
    pub id: u32,
    /// Result.
    pub outcome: PageOutcome,
}

/// Result of a page action.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum PageOutcome {
    /// Answer to [`Action::Status`].
    Status(Status),
    /// The action failed.
    Error(Failure),
}

/// Versions of the components between the page and the card.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Status {
    /// The extension's version.
    pub extension_version: String,
    /// The bridge's own hello, as it sent it.
    pub bridge: Hello,
}
