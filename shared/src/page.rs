//! Page ⇄ extension: `window.postMessage` objects.
//!
//! The page and the content script share one window, so each sees the other's messages *and* its
//! own. Every message is therefore an object with exactly one key that says its direction:
//! `"ehcert:to-extension"` or `"ehcert:to-page"`. Anything else on the window is not ours.
//! The page pings until the content script acks (a one-shot "ready" was seen to get lost,
//! spec/browser-bridge.md §5), then sends requests and matches replies by id.

use serde::{Deserialize, Serialize};

use crate::bridge::{CardInfo, Failure, Hello, KeyRole, ReadCard, Reader, SignatureAlgorithm};

/// Largest page message the content script forwards, as JSON text. A sign request is well under
/// 2 KiB; the bound keeps a hostile page from pushing megabytes through the relay.
pub const MAX_PAGE_MESSAGE: usize = 16 * 1024;
/// Longest subject DN a sign request may carry for the PIN window (eHealth DNs are < 300 chars).
pub const MAX_SUBJECT_LEN: usize = 512;

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
    /// The readers and whether each holds a card.
    ListReaders,
    /// Read the eID (identity, address, certificates); no PIN.
    ReadCard(ReadCard),
    /// PIN tries left, without using one.
    PinStatus(ReadCard),
    /// Sign a digest with an eID key. The extension opens its PIN window; the page never sees
    /// the PIN.
    Sign(SignRequest),
}

/// A signature the page asks for. Everything here is the page's word: the PIN window shows the
/// operation in the extension's own words (chosen from a closed list, so a page cannot write
/// the window's text), the subject as plain text, and a fingerprint of the digest that the page
/// shows too, so the person can compare them.
///
/// ```json
/// {"reader": null, "key": "signature", "algorithm": "rsa-pkcs1-sha256",
///  "digest": "<base64>", "operation": "certificate-request",
///  "subject": "CN=SSIN\\=85073003328,…", "lang": "nl"}
/// ```
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SignRequest {
    /// Reader name, or `None` for the first one with a card.
    pub reader: Option<String>,
    /// Which key.
    pub key: KeyRole,
    /// The signature algorithm; fixes the digest length.
    pub algorithm: SignatureAlgorithm,
    /// The digest, base64.
    pub digest: String,
    /// What the signature is for.
    pub operation: Operation,
    /// The DN of the certificate concerned, when there is one (at most [`MAX_SUBJECT_LEN`]).
    pub subject: Option<String>,
    /// The language the page speaks, for the PIN window.
    pub lang: Lang,
}

/// What an eID signature is for; the PIN window names it in its own words.
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    /// A test signature over a random challenge, checked by the page (no server involved).
    CardCheck,
    /// GetActorQualities: which certificates the person may request (authentication key).
    ActorQualities,
    /// GetCertificateInfoForCitizen: the person's eHealth certificates (authentication key).
    CertificateList,
    /// GenerateCertificate: the request for a new eHealth certificate (signature key).
    CertificateRequest,
    /// Revoke: revocation of an eHealth certificate (signature key).
    Revocation,
}

/// The app's languages (spec/product.md F10).
#[derive(Clone, Copy, Debug, Default, Deserialize, Eq, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lang {
    /// Dutch.
    Nl,
    /// French.
    Fr,
    /// German.
    De,
    /// English.
    #[default]
    En,
}

/// The digest's fingerprint shown by both the page and the PIN window: its first 8 bytes in
/// upper-case hex, in groups of four digits (`"DEAD BEEF 0123 4567"`). The extension computes
/// it the same way (extension/relay.js; both are tested against the same golden message).
pub fn digest_fingerprint(digest: &[u8]) -> String {
    digest
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .chunks(2)
        .map(|pair| pair.concat())
        .collect::<Vec<_>>()
        .join(" ")
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
    /// Answer to [`Action::ListReaders`].
    Readers(Vec<Reader>),
    /// Answer to [`Action::ReadCard`].
    Card(Box<CardInfo>),
    /// Answer to [`Action::PinStatus`]: tries left (0: blocked).
    PinTries(u8),
    /// Answer to [`Action::Sign`]: the signature, base64.
    Signature(String),
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
