//! Extension ⇄ card bridge: Chrome/Firefox native messaging.
//!
//! Each frame is a 4-byte length in native byte order (little-endian on every platform we ship
//! for) followed by that many bytes of UTF-8 JSON (extension/NATIVE-MESSAGING.md §4, §13). The bridge
//! speaks first with [`Hello`], then answers one [`Request`] at a time with a [`Reply`] until it
//! reads end-of-file.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// Smallest request frame the bridge accepts: shorter bodies cannot be a request, and refusing
/// them before parsing keeps garbage length prefixes cheap (web-eid-app rejects < 5 bytes too).
pub const MIN_REQUEST_FRAME: u32 = 5;
/// Largest request frame the bridge accepts, checked before any allocation. The largest real
/// request is a `sign` of GenerateCertificate: its payload carries the CSR (about 1.3 KB of
/// base64) and the contract text eHealth returned in every language. With the mock service's
/// contract the page's message is 5.1 KB (printed by `ehcert-flows`' `new_certificate` test,
/// which also checks it against the limit); eHealth's own contract text is not public, so the
/// limit leaves room for about six times that (a few pages of HTML per language) and is still
/// far below the 1 MiB a browser allows.
pub const MAX_REQUEST_FRAME: u32 = 32 * 1024;
/// Largest frame the bridge may send: Chromium drops the port on anything over 1 MiB
/// (extension/NATIVE-MESSAGING.md §7).
pub const MAX_REPLY_FRAME: u32 = 1024 * 1024;
/// Name of the native-messaging host, as registered in the host manifests.
pub const HOST_NAME: &str = "be.ehcert.card_bridge";
/// The development build's Chromium-family extension id, fixed by the `key` in
/// extension/manifest.json (extension/extension-id.txt). Release builds carry no key: the Chrome
/// Web Store and Edge Add-ons give them their own ids, which the card bridge's release build is
/// told when it is compiled (packaging/README.md).
pub const CHROMIUM_EXTENSION_ID: &str = "ihbedndnijflbnlknbfafabcflgcfela";
/// The development build's Firefox add-on id (`browser_specific_settings.gecko.id`).
pub const FIREFOX_EXTENSION_ID: &str = "development@ehcert.be";
/// The release build's Firefox add-on id: another id than the development build's, so a
/// bridge installed from a release package never answers a development build.
pub const RELEASE_FIREFOX_EXTENSION_ID: &str = "extension@ehcert.be";

/// A frame the bridge sends.
///
/// ```json
/// {"type": "hello", "args": {"bridge_version": "0.1.0", "protocol": 1}}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum FromBridge {
    /// First frame of every session, sent before the bridge reads anything.
    Hello(Hello),
    /// The answer to one [`Request`].
    Reply(Reply),
}

/// The bridge's introduction: who it is and which protocols it speaks ([`crate::compat`]).
///
/// ```json
/// {"bridge_version": "0.1.1", "protocol": 2, "protocols": [2]}
/// ```
///
/// Read leniently, unlike the other frames: an introduction is where a later release says more
/// (as `protocols` was added).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct Hello {
    /// The bridge's package version, shown in the app and in support diagnostics.
    pub bridge_version: String,
    /// The protocol the bridge speaks unless told otherwise: the oldest it serves
    /// ([`crate::compat::PROTOCOLS`]), so that an extension of that release works with it as it
    /// is (the first protocol-2 extensions read only this field).
    pub protocol: u32,
    /// Every protocol it serves, oldest first. Absent from the first protocol-2 bridges, which
    /// speak `protocol` alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(test, ts(optional, as = "Option<Vec<u32>>"))]
    pub protocols: Vec<u32>,
}

impl Hello {
    /// This bridge build's hello.
    #[must_use]
    pub fn of_this_build(bridge_version: &str) -> Self {
        let protocols = crate::compat::PROTOCOLS.to_vec();
        Self {
            bridge_version: bridge_version.to_owned(),
            protocol: protocols.first().copied().unwrap_or(crate::PROTOCOL_VERSION),
            protocols,
        }
    }

    /// The protocols the bridge serves: `protocols`, or `protocol` alone from a bridge that
    /// lists none (as [`crate::page::Ack::served`] for the extension).
    #[must_use]
    pub fn served(&self) -> Vec<u32> {
        if self.protocols.is_empty() {
            vec![self.protocol]
        } else {
            self.protocols.clone()
        }
    }
}

/// A frame the extension sends to the bridge.
///
/// ```json
/// {"id": 7, "command": {"type": "list-readers"}}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Chosen by the extension; echoed in the [`Reply`].
    pub id: u32,
    /// What to do.
    pub command: Command,
}

/// The commands the bridge knows.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum Command {
    /// List the PC/SC readers and whether each holds a card.
    ListReaders,
    /// Read the eID: identity, address, photo hash, certificates, RRN signature checks.
    ReadCard(ReadCard),
    /// Check what the page asks the card to sign and say what it is, for the PIN window: the
    /// card holder and the operation as read from the signed bytes. Nothing is signed.
    Preview(Preview),
    /// Check again, in the card's own transaction, and sign.
    Sign(Sign),
    /// How many PIN tries are left, without using one (card-bridge/CARD.md §1.2, §4.1).
    PinStatus(ReadCard),
    /// Who holds the card and how the PIN can be given: what the PIN window shows before a
    /// signature. Reads the identity file only, so it takes a fraction of `read-card`'s time.
    CardHolder(ReadCard),
    /// What this bridge process did so far, for a support report: the lines it keeps in memory,
    /// oldest first, each the time since it started, what was asked and how it ended, never a
    /// PIN, a digest, a name or a national number. Older bridges do not know it and answer
    /// `bad-request`, which the extension takes as "no lines" ([`crate::compat`]: a command
    /// added within a protocol version is one a part can do without).
    RecentEvents,
}

/// Which reader to use: a name from `list-readers`, or `None` for the first one with a card.
///
/// ```json
/// {"reader": null}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReadCard {
    /// Reader name.
    pub reader: Option<String>,
}

/// What the card would sign, before the PIN window is shown.
///
/// ```json
/// {"reader": null, "key": "authentication", "content": {"type": "card-check",
///  "args": {"origin": "https://ehcert.be", "challenge": "<base64 of 32 bytes>"}}}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Preview {
    /// Reader name, or `None` for the first one with a card.
    pub reader: Option<String>,
    /// Which key.
    pub key: KeyRole,
    /// What is to be signed.
    pub content: SignedContent,
}

/// A signature request. There is no digest: the bridge computes it from `content` after checking
/// it (see `SignedContent`), so nothing but those checked bytes can be signed.
///
/// ```json
/// {"reader": null, "key": "signature", "content": {"type": "ehealth-request",
///  "args": {"signed_info": "<ds:SignedInfo …>", "payload": "<cp:GenerateCertificateRequest …>"}},
///  "pin": {"type": "digits", "args": "1234"}}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sign {
    /// Reader name, or `None` for the first one with a card.
    pub reader: Option<String>,
    /// Which key.
    pub key: KeyRole,
    /// What is to be signed.
    pub content: SignedContent,
    /// How the PIN is given.
    pub pin: PinEntry,
}

/// What an eID key may be asked to sign: nothing but these two kinds of bytes.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum SignedContent {
    /// An eHealth request: its exclusive-canonical `SignedInfo` and the signed element, both as
    /// text. The bridge signs the hash of `signed_info` only if it is exactly the one ehcert
    /// emits for `payload`, and `payload` is exactly a request ehcert builds, of an operation
    /// this key may sign, about this card's holder.
    EhealthRequest(EhealthRequest),
    /// The card check: the extension's random challenge for the page's origin. The bridge signs
    /// SHA-256 of [`card_check_message`], never the page's bytes.
    CardCheck(CardCheck),
}

/// See [`SignedContent::EhealthRequest`].
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EhealthRequest {
    /// The canonical `ds:SignedInfo`.
    pub signed_info: String,
    /// The canonical signed element (the SOAP body's child, without its signature).
    pub payload: String,
}

/// See [`SignedContent::CardCheck`].
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CardCheck {
    /// The page's origin, as the browser gave it to the extension.
    pub origin: String,
    /// 32 random bytes made by the extension, base64.
    pub challenge: String,
}

/// Length of a card-check challenge in bytes.
pub const CARD_CHECK_CHALLENGE_LEN: usize = 32;

/// The bytes whose SHA-256 the authentication key signs for a card check: a fixed label, the
/// origin and the challenge, each ended by a zero byte where it could run into the next. The
/// label keeps the signature from meaning anything in another protocol (a TLS handshake hashes
/// a transcript that starts with a handshake type byte, never with this text), and the origin
/// binds it to the page that asked.
pub fn card_check_message(origin: &str, challenge: &[u8]) -> Vec<u8> {
    let mut message = b"ehcert card check v1\0".to_vec();
    message.extend_from_slice(origin.as_bytes());
    message.push(0);
    message.extend_from_slice(challenge);
    message
}

/// The eID's two private keys.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyRole {
    /// Key 82: "PIN once" per card session.
    Authentication,
    /// Key 83 (non-repudiation): the PIN right before each signature.
    Signature,
}

impl KeyRole {
    /// The one table of which key signs what: the signature key (legally binding) only the
    /// requests that create or end a certificate, the authentication key only the read requests
    /// of the flows and the card check. The bridge and the extension both refuse the rest.
    pub fn may_sign(self, operation: &SignedOperation) -> bool {
        let needed = match operation {
            SignedOperation::CertificateRequest(_) | SignedOperation::Revocation(_) => {
                Self::Signature
            }
            SignedOperation::CardCheck { .. }
            | SignedOperation::ActorQualities
            | SignedOperation::CertificateList => Self::Authentication,
        };
        self == needed
    }
}

/// What a signature does, as the card bridge read it from the bytes it signs: what the PIN
/// window shows, in the extension's words.
///
/// ```json
/// {"type": "certificate-request", "args": {"certificate": {…}, "key_id": "4F1C…"}}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum SignedOperation {
    /// A test signature over the extension's challenge for `origin`; nothing is sent anywhere.
    CardCheck {
        /// The page's origin.
        origin: String,
    },
    /// GetActorQualities: for which organisations may the holder request certificates.
    ActorQualities,
    /// GetCertificateInfoForCitizen: the holder's eHealth certificates.
    CertificateList,
    /// GenerateCertificate: a new eHealth certificate.
    CertificateRequest(CertificateRequestSummary),
    /// Revoke: the end of an eHealth certificate.
    Revocation(RevocationSummary),
}

/// A GenerateCertificate as the PIN window shows it.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateRequestSummary {
    /// Whose certificate (from the contract's DN, which the CSR's subject matches).
    pub certificate: CertificateSubject,
    /// The new key's PublicKeyIdentifier (SHA-1 of the CSR's public key), upper-case hex.
    pub key_id: String,
    /// Where eHealth will send its notices about the certificate (renewal, revocation): signed
    /// with the request, so the window shows them; a page must not have them sent elsewhere
    /// under a window that shows only the name and the key.
    pub contact: NoticeContact,
}

/// The contact data of a certificate request (CertRA `ContactData`), as the PIN window shows
/// them.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeContact {
    /// The holder's own e-mail address.
    pub email: String,
    /// The holder's own phone number.
    pub phone: String,
    /// An organisation's general e-mail address, if the request gives one.
    pub email_general: Option<String>,
    /// An organisation's general phone number, if the request gives one.
    pub phone_general: Option<String>,
}

/// A Revoke as the PIN window shows it.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RevocationSummary {
    /// Whose certificate (from the revocation contract's DN).
    pub certificate: CertificateSubject,
    /// The certificate's PublicKeyIdentifier, upper-case hex (the serial and the validity are
    /// not in what is signed, so the window cannot vouch for them).
    pub key_id: String,
    /// `keyCompromise`, `affiliationChanged`, `superseded` or `cessationOfOperation`.
    pub reason: String,
}

/// A certificate's holder in words, read from an eHealth DN
/// (`CN=TYPE=ID[, APP],OU=eHealth-platform Belgium,OU=NAME,OU=TYPE=ID[,OU=APP],O=…,C=BE`).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateSubject {
    /// `SSIN` for a person, else the organisation's identifier type (`NIHII-HOSPITAL`, `CBE`…).
    pub id_type: String,
    /// The identifier.
    pub id: String,
    /// The name the DN carries.
    pub name: String,
    /// Organisations: the application id, if any.
    pub application_id: Option<String>,
    /// The DN itself, for "technical details".
    pub dn: String,
}

/// What the PIN window shows before a signature: who holds the card, and what the signature
/// does.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SignaturePreview {
    /// The card in the reader.
    pub holder: CardHolder,
    /// What the card would sign.
    pub operation: SignedOperation,
}

/// The eID's key pairs, by card generation: they fix the signatures the card can make.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub enum CardKeyAlgorithm {
    /// Applet 1.7: RSA-2048, PKCS#1 v1.5 signatures.
    #[serde(rename = "rsa-2048")]
    Rsa2048,
    /// Applet 1.8: ECDSA on P-384, raw r‖s signatures.
    #[serde(rename = "ecdsa-p384")]
    EcdsaP384,
}

impl CardKeyAlgorithm {
    /// The name on the wire (`rsa-2048`, `ecdsa-p384`), also shown in diagnostics.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rsa2048 => "rsa-2048",
            Self::EcdsaP384 => "ecdsa-p384",
        }
    }
}

/// Where the PIN comes from. It is typed in the extension's PIN window, or on the reader.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum PinEntry {
    /// 4 to 12 digits from the PIN window.
    Digits(String),
    /// The reader's PIN pad.
    Pinpad,
}

/// The digits are wiped from memory when the entry goes (the `zeroize` crate: volatile writes the
/// compiler cannot drop).
impl Drop for PinEntry {
    fn drop(&mut self) {
        if let Self::Digits(pin) = self {
            zeroize::Zeroize::zeroize(pin);
        }
    }
}

impl std::fmt::Debug for PinEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Digits(_) => f.write_str("Digits(redacted)"),
            Self::Pinpad => f.write_str("Pinpad"),
        }
    }
}

/// The answer to a [`Request`].
///
/// ```json
/// {"id": 7, "outcome": {"type": "readers", "args": [{"name": "Virtual PCD 00 00", "card_present": true, "pinpad": false}]}}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    /// The request's id, or `None` when the request was too broken to read one from.
    pub id: Option<u32>,
    /// Result of the command.
    pub outcome: Outcome,
}

/// Result of a command.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "type", content = "args", rename_all = "kebab-case")]
pub enum Outcome {
    /// Answer to [`Command::ListReaders`].
    Readers(Vec<Reader>),
    /// Answer to [`Command::ReadCard`].
    Card(Box<CardInfo>),
    /// Answer to [`Command::Sign`]: the signature, base64 (256 bytes for RSA-2048, r‖s for
    /// ECDSA).
    Signature(String),
    /// Answer to [`Command::PinStatus`]: PIN tries left (0: blocked).
    PinTries(u8),
    /// Answer to [`Command::CardHolder`].
    CardHolder(CardHolder),
    /// Answer to [`Command::Preview`].
    Preview(Box<SignaturePreview>),
    /// Answer to [`Command::RecentEvents`].
    Events(Vec<String>),
    /// The command failed.
    Error(Failure),
}

/// One PC/SC reader.
#[cfg_attr(test, derive(ts_rs::TS))]
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
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, in English, for logs and support; never shown as the user's message.
    pub detail: String,
    /// PIN tries left, with [`ErrorCode::WrongPin`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u8>,
}

/// What the bridge read from an eID.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CardInfo {
    /// The reader it sits in.
    pub reader: String,
    /// Applet version, e.g. `"1.7"`.
    pub applet: String,
    /// The card's key pairs.
    pub key_algorithm: CardKeyAlgorithm,
    /// Identity file fields.
    pub identity: Identity,
    /// Address file fields.
    pub address: Address,
    /// Lower-case hex of the photo's hash as the identity file states it, and whether the photo
    /// on the card matches it.
    pub photo_hash: String,
    /// The photo matches `photo_hash`.
    pub photo_hash_valid: bool,
    /// DER certificates, base64.
    pub certificates: Certificates,
    /// The RRN signature over the identity file verifies with the RRN certificate.
    pub identity_signature_valid: bool,
    /// The RRN signature over the address (and identity signature) verifies.
    pub address_signature_valid: bool,
}

/// Identity fields (card-bridge/CARD.md §3.1).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// The card's number.
    pub card_number: String,
    /// National number (SSIN).
    pub national_number: String,
    /// Surname.
    pub surname: String,
    /// First two given names.
    pub given_names: String,
    /// Initial of the third given name.
    pub third_initial: String,
    /// Nationality.
    pub nationality: String,
    /// Birth date as printed on the card.
    pub birth_date: String,
    /// `DD.MM.YYYY`.
    pub validity_end: String,
}

/// Address fields (card-bridge/CARD.md §3.2).
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street and number.
    pub street: String,
    /// Postal code.
    pub zip: String,
    /// Municipality.
    pub municipality: String,
}

/// The card's certificates, DER in base64; the signature certificate is absent on some cards.
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Certificates {
    /// Authentication (key 82).
    pub authentication: String,
    /// Non-repudiation (key 83).
    pub signature: Option<String>,
    /// Citizen or Foreigner CA.
    pub ca: String,
    /// Belgium Root CA.
    pub root: String,
}

/// The card in a reader and its holder, as the PIN window shows them (app/PRODUCT.md §5).
///
/// ```json
/// {"reader": "Virtual PCD 00 00", "pinpad": false, "applet": "1.7", "key_algorithm": "rsa-2048",
///  "surname": "Peeters", "given_names": "Jan Pieter", "card_number": "592123456789",
///  "national_number": "85073003328"}
/// ```
#[cfg_attr(test, derive(ts_rs::TS))]
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CardHolder {
    /// The reader the card sits in (a later `sign` names it, so the same card signs).
    pub reader: String,
    /// The reader has a PIN pad the bridge can use: the PIN is typed there, not in the window.
    pub pinpad: bool,
    /// Applet version, e.g. `"1.7"`.
    pub applet: String,
    /// The card's key pairs: which signature algorithms the card can do.
    pub key_algorithm: CardKeyAlgorithm,
    /// Surname, from the identity file.
    pub surname: String,
    /// First two given names, from the identity file.
    pub given_names: String,
    /// The card's number.
    pub card_number: String,
    /// National number (SSIN): the bridge signs only requests about this person.
    pub national_number: String,
}
