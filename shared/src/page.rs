//! Page ⇄ extension: `window.postMessage` objects.
//!
//! The page and the content script share one window, so each sees the other's messages *and* its
//! own. Every message is therefore an object with exactly one key that says its direction:
//! `"ehcert:to-extension"` or `"ehcert:to-page"`. Anything else on the window is not ours.
//! The page pings until the content script acks (a one-shot "ready" was seen to get lost,
//! extension/NATIVE-MESSAGING.md §5), then sends requests and matches replies by id.

use serde::{Deserialize, Serialize};

use crate::bridge::{
    CardInfo, CardKeyAlgorithm, Certificates, Failure, Hello, KeyRole, ReadCard, Reader,
    MAX_REQUEST_FRAME,
};

/// Largest page request the content script forwards, in bytes of its JSON text as UTF-8: what a
/// `sign` needs to carry to the bridge ([`MAX_REQUEST_FRAME`], which explains the figure), less
/// [`FRAME_HEADROOM`] for what the worker wraps around it. The page, the content script, the
/// worker and the bridge all count UTF-8 bytes, so a request of accented text near the limit is
/// refused by the first of them, never by a bridge that has to stop mid-stream. The bound keeps a
/// hostile page from pushing megabytes through the relay.
pub const MAX_PAGE_MESSAGE: usize = MAX_REQUEST_FRAME as usize - FRAME_HEADROOM;

/// Room in a bridge frame for what the worker adds to a page request (the command's names, the
/// reader, the request id): under 300 bytes today.
pub const FRAME_HEADROOM: usize = 1024;

/// Key of messages from the page to the extension.
pub const TO_EXTENSION: &str = "ehcert:to-extension";
/// Key of messages from the extension to the page.
pub const TO_PAGE: &str = "ehcert:to-page";

/// A message from the page.
///
/// ```json
/// {"ehcert:to-extension": {"type": "ping"}}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToExtension {
    /// The message itself.
    #[serde(rename = "ehcert:to-extension")]
    pub message: PageMessage,
}

/// What the page can say.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum PageMessage {
    /// "Is the extension there?" Answered at once by [`ExtensionMessage::Ack`].
    Ping,
    /// Something for the extension or the bridge to do.
    Request(PageRequest),
}

/// A numbered request from the page.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageRequest {
    /// Chosen by the page; echoed in the reply.
    pub id: u32,
    /// What to do.
    pub action: Action,
}

impl PageRequest {
    /// The request's size as the content script, the worker and the bridge measure it: bytes of
    /// its JSON text as UTF-8 (compare with [`MAX_PAGE_MESSAGE`]).
    pub fn size(&self) -> usize {
        serde_json::to_string(self).map_or(usize::MAX, |text| text.len())
    }
}

/// The actions a page can ask for.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum Action {
    /// Start the bridge and report the versions of extension and bridge.
    Status,
    /// The readers and whether each holds a card.
    ListReaders,
    /// Read what the flows need of the eID ([`CardSummary`]); no PIN, no consent step.
    ReadCard(ReadCard),
    /// Read everything the eID says about its holder (identity and address files): only after
    /// the person agreed in the extension's own window, once or for this origin until they
    /// withdraw it in the extension's options.
    ReadIdentity(ReadIdentityRequest),
    /// PIN tries left, without using one.
    PinStatus(ReadCard),
    /// Sign an eHealth request with an eID key. The extension has the card bridge check it and
    /// opens its PIN window with what the bridge read; the page never sees the PIN.
    Sign(SignRequest),
    /// Prove card, PIN, extension and bridge work: the authentication key signs a challenge the
    /// extension makes (see `ehcert_shared::bridge::card_check_message`).
    CardCheck(CardCheckRequest),
    /// The extension's part of a support report, as lines of text: its version and protocols,
    /// the card bridge's, the readers, the card's applet and key type (never its
    /// holder), and the operations that failed in this browser session as the extension kept
    /// them ([`FailedOperation`], in the browser's memory-only session storage) with the
    /// bridge's own lines ([`crate::bridge::Command::RecentEvents`]). Lines, not a structure:
    /// the page only shows and copies them, and a report may say more in a later release.
    /// Older extensions answer `bad-request`: the report then says so.
    SupportReport,
}

/// A signature the page asks for: the eHealth request's canonical `SignedInfo` and signed
/// element. No digest, no words for the PIN window: the card bridge derives both from these
/// bytes, and refuses them unless they are a request ehcert makes, for this key and this holder.
///
/// ```json
/// {"reader": null, "key": "signature", "signed_info": "<ds:SignedInfo …>",
///  "payload": "<cp:GenerateCertificateRequest …>", "lang": "nl"}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SignRequest {
    /// Reader name, or `None` for the first one with a card.
    pub reader: Option<String>,
    /// Which key.
    pub key: KeyRole,
    /// The canonical `ds:SignedInfo`.
    pub signed_info: String,
    /// The canonical signed element.
    pub payload: String,
    /// The language the page speaks. The extension's windows do not take it: they speak the
    /// browser's language (extension/pin-strings.js `windowLanguage`), which the page cannot
    /// choose; it stays in the protocol so that extensions of either kind understand the page.
    pub lang: Lang,
}

/// The card check the page asks for.
///
/// ```json
/// {"reader": null, "lang": "en"}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CardCheckRequest {
    /// Reader name, or `None` for the first one with a card.
    pub reader: Option<String>,
    /// The language the page speaks. The extension's windows do not take it: they speak the
    /// browser's language (extension/pin-strings.js `windowLanguage`), which the page cannot
    /// choose; it stays in the protocol so that extensions of either kind understand the page.
    pub lang: Lang,
}

/// The identity read the page asks for (the extension asks the person first).
///
/// ```json
/// {"reader": null, "lang": "nl"}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReadIdentityRequest {
    /// Reader name, or `None` for the first one with a card.
    pub reader: Option<String>,
    /// The language the page speaks; the consent window speaks the browser's instead (as above).
    pub lang: Lang,
}

/// The card check's result: the extension's challenge and the authentication key's signature
/// over SHA-256 of `card_check_message(origin, challenge)`, both base64. The page checks it with
/// the card's authentication certificate.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CardCheckResult {
    /// The challenge.
    pub challenge: String,
    /// The signature.
    pub signature: String,
}

/// What `read-card` gives a page without asking the person: what the flows need to build the
/// requests and their XML signatures. The card (reader, applet, key type) chooses the signature
/// method; the holder's names and national number go into contracts and requests (they are in
/// the certificates as well); the certificates go into `KeyInfo` and check the card check's
/// signature. Birth date, nationality, address, card number, validity and photo are not needed
/// by any flow: they come only with [`Action::ReadIdentity`].
///
/// ```json
/// {"reader": "Virtual PCD 00 00", "applet": "1.7", "key_algorithm": "rsa-2048",
///  "national_number": "85073003328", "surname": "Peeters", "given_names": "Jan Pieter",
///  "certificates": {"authentication": "…", "signature": "…", "ca": "…", "root": "…"}}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CardSummary {
    /// The reader it sits in.
    pub reader: String,
    /// Applet version, e.g. `"1.7"`.
    pub applet: String,
    /// The card's key pairs.
    pub key_algorithm: CardKeyAlgorithm,
    /// National number (SSIN).
    pub national_number: String,
    /// Surname.
    pub surname: String,
    /// First two given names.
    pub given_names: String,
    /// DER certificates, base64.
    pub certificates: Certificates,
}

impl From<&CardInfo> for CardSummary {
    fn from(card: &CardInfo) -> Self {
        Self {
            reader: card.reader.clone(),
            applet: card.applet.clone(),
            key_algorithm: card.key_algorithm,
            national_number: card.identity.national_number.clone(),
            surname: card.identity.surname.clone(),
            given_names: card.identity.given_names.clone(),
            certificates: card.certificates.clone(),
        }
    }
}

/// The app's languages (app/PRODUCT.md F10).
#[cfg_attr(test, derive(ts_rs::TS))]
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

/// A message from the extension.
///
/// ```json
/// {"ehcert:to-page": {"type": "ack", "args": {"extension_version": "0.1.0", "protocol": 1}}}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToPage {
    /// The message itself.
    #[serde(rename = "ehcert:to-page")]
    pub message: ExtensionMessage,
}

/// What the extension can say.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum ExtensionMessage {
    /// Answer to [`PageMessage::Ping`].
    Ack(Ack),
    /// Answer to a [`PageRequest`].
    Reply(PageReply),
}

/// The extension is present, with its version and protocols ([`crate::compat`]).
///
/// Read leniently, unlike the other messages: an introduction is where a later release says
/// more (as `protocols` was added), and a page must not take a newer extension for a missing
/// one.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct Ack {
    /// The extension's version (its manifest `version`).
    pub extension_version: String,
    /// The protocol the extension speaks unless told otherwise: its oldest.
    pub protocol: u32,
    /// Every protocol it speaks, oldest first; absent: `protocol` alone. Extensions send it
    /// once no deployed page refuses an ack with it (pages before this field did).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(optional, as = "Option<Vec<u32>>"))]
    pub protocols: Vec<u32>,
}

impl Ack {
    /// The protocols the extension speaks: `protocols`, or `protocol` alone.
    #[must_use]
    pub fn served(&self) -> Vec<u32> {
        if self.protocols.is_empty() {
            vec![self.protocol]
        } else {
            self.protocols.clone()
        }
    }
}

/// Answer to a [`PageRequest`].
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PageReply {
    /// The request's id.
    pub id: u32,
    /// Result.
    pub outcome: PageOutcome,
}

/// Result of a page action.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum PageOutcome {
    /// Answer to [`Action::Status`].
    Status(Status),
    /// Answer to [`Action::ListReaders`].
    Readers(Vec<Reader>),
    /// Answer to [`Action::ReadCard`].
    Card(Box<CardSummary>),
    /// Answer to [`Action::ReadIdentity`].
    Identity(Box<CardInfo>),
    /// Answer to [`Action::PinStatus`]: tries left (0: blocked).
    PinTries(u8),
    /// Answer to [`Action::Sign`]: the signature, base64.
    Signature(String),
    /// Answer to [`Action::CardCheck`].
    CardCheck(CardCheckResult),
    /// Answer to [`Action::SupportReport`].
    SupportReport(Vec<String>),
    /// The action failed.
    Error(Failure),
}

/// An operation that failed, as the extension keeps it for a support report
/// ([`Action::SupportReport`]): when, what the page asked, how it ended and what the bridge did,
/// never what the page sent or the card answered.
///
/// ```json
/// {"at": "2026-12-07T14:03:11Z", "action": "card-check", "code": "wrong-pin",
///  "bridge_version": "0.2.0", "bridge_events": ["+0 ms hello: bridge 0.2.0 protocol 2 of [2]", "…"]}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FailedOperation {
    /// When it ended: UTC, RFC 3339 (the extension's clock).
    pub at: String,
    /// The page action's type, e.g. `"card-check"`.
    pub action: String,
    /// How it ended.
    pub code: crate::ErrorCode,
    /// The bridge's version, when the bridge started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub bridge_version: Option<String>,
    /// The bridge's lines of that operation, oldest first: empty when the bridge did not start or
    /// is too old to keep them.
    pub bridge_events: Vec<String>,
}

/// Versions of the components between the page and the card.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Status {
    /// The extension's version.
    pub extension_version: String,
    /// The bridge's own hello, as it sent it.
    pub bridge: Hello,
}

/// Reads a message from the extension exactly as `ToPage`'s derived `Deserialize` does (the same
/// JSON accepted and refused: the golden tests check both on every file), with less code in the
/// page: serde's adjacently tagged enums compile every payload's deserializer twice (for `args`
/// before and after `type`), and `PageOutcome` is most of the page's protocol code. Here the tag
/// is read first and the payload, kept as raw JSON, once with its own type.
pub fn read_to_page(text: &str) -> Result<ToPage, serde_json::Error> {
    use serde::de::Error as _;
    use serde_json::{from_str, value::RawValue};

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Incoming<'a> {
        #[serde(rename = "ehcert:to-page", borrow)]
        message: Tagged<'a>,
    }
    // No `deny_unknown_fields` here: the derived adjacently tagged enums ignore other keys too.
    #[derive(Deserialize)]
    struct Tagged<'a> {
        #[serde(rename = "type")]
        kind: &'a str,
        #[serde(borrow)]
        args: &'a RawValue,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Reply<'a> {
        id: u32,
        #[serde(borrow)]
        outcome: Tagged<'a>,
    }

    let unknown = |kind: &str| serde_json::Error::custom(format!("unknown variant `{kind}`"));
    let Incoming { message } = from_str(text)?;
    let args = message.args.get();
    let message = match message.kind {
        "ack" => ExtensionMessage::Ack(from_str(args)?),
        "reply" => {
            let Reply { id, outcome } = from_str(args)?;
            let args = outcome.args.get();
            let outcome = match outcome.kind {
                "status" => PageOutcome::Status(from_str(args)?),
                "readers" => PageOutcome::Readers(from_str(args)?),
                "card" => PageOutcome::Card(from_str(args)?),
                "identity" => PageOutcome::Identity(from_str(args)?),
                "pin-tries" => PageOutcome::PinTries(from_str(args)?),
                "signature" => PageOutcome::Signature(from_str(args)?),
                "card-check" => PageOutcome::CardCheck(from_str(args)?),
                "support-report" => PageOutcome::SupportReport(from_str(args)?),
                "error" => PageOutcome::Error(from_str(args)?),
                other => return Err(unknown(other)),
            };
            ExtensionMessage::Reply(PageReply { id, outcome })
        }
        other => return Err(unknown(other)),
    };
    Ok(ToPage { message })
}
