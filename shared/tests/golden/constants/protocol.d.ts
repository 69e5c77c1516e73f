// Generated from the Rust crate ehcert-shared by its test `typescript`: do not edit.

export type FromBridge = { "type": "hello", "args": Hello } | { "type": "reply", "args": Reply };

export type Hello = { 
/**
 * The bridge's package version, shown in the app and in support diagnostics.
 */
bridge_version: string, 
/**
 * The protocol the bridge speaks unless told otherwise: the oldest it serves
 * ([`crate::compat::PROTOCOLS`]), so that an extension of that release works with it as it
 * is (the first protocol-2 extensions read only this field).
 */
protocol: number, 
/**
 * Every protocol it serves, oldest first. Absent from the first protocol-2 bridges, which
 * speak `protocol` alone.
 */
protocols?: Array<number>, };

export type Request = { 
/**
 * Chosen by the extension; echoed in the [`Reply`].
 */
id: number, 
/**
 * What to do.
 */
command: Command, };

export type Command = { "type": "list-readers" } | { "type": "read-card", "args": ReadCard } | { "type": "preview", "args": Preview } | { "type": "sign", "args": Sign } | { "type": "pin-status", "args": ReadCard } | { "type": "card-holder", "args": ReadCard } | { "type": "recent-events" };

export type ReadCard = { 
/**
 * Reader name.
 */
reader: string | null, };

export type Preview = { 
/**
 * Reader name, or `None` for the first one with a card.
 */
reader: string | null, 
/**
 * Which key.
 */
key: KeyRole, 
/**
 * What is to be signed.
 */
content: SignedContent, };

export type Sign = { 
/**
 * Reader name, or `None` for the first one with a card.
 */
reader: string | null, 
/**
 * Which key.
 */
key: KeyRole, 
/**
 * What is to be signed.
 */
content: SignedContent, 
/**
 * How the PIN is given.
 */
pin: PinEntry, };

export type SignedContent = { "type": "ehealth-request", "args": EhealthRequest } | { "type": "card-check", "args": CardCheck };

export type EhealthRequest = { 
/**
 * The canonical `ds:SignedInfo`.
 */
signed_info: string, 
/**
 * The canonical signed element (the SOAP body's child, without its signature).
 */
payload: string, };

export type CardCheck = { 
/**
 * The page's origin, as the browser gave it to the extension.
 */
origin: string, 
/**
 * 32 random bytes made by the extension, base64.
 */
challenge: string, };

export type KeyRole = "authentication" | "signature";

export type SignedOperation = { "type": "card-check", "args": { 
/**
 * The page's origin.
 */
origin: string, } } | { "type": "actor-qualities" } | { "type": "certificate-list" } | { "type": "certificate-request", "args": CertificateRequestSummary } | { "type": "revocation", "args": RevocationSummary };

export type CertificateRequestSummary = { 
/**
 * Whose certificate (from the contract's DN, which the CSR's subject matches).
 */
certificate: CertificateSubject, 
/**
 * The new key's PublicKeyIdentifier (SHA-1 of the CSR's public key), upper-case hex.
 */
key_id: string, 
/**
 * Where eHealth will send its notices about the certificate (renewal, revocation): signed
 * with the request, so the window shows them; a page must not have them sent elsewhere
 * under a window that shows only the name and the key.
 */
contact: NoticeContact, };

export type NoticeContact = { 
/**
 * The holder's own e-mail address.
 */
email: string, 
/**
 * The holder's own phone number.
 */
phone: string, 
/**
 * An organisation's general e-mail address, if the request gives one.
 */
email_general: string | null, 
/**
 * An organisation's general phone number, if the request gives one.
 */
phone_general: string | null, };

export type RevocationSummary = { 
/**
 * Whose certificate (from the revocation contract's DN).
 */
certificate: CertificateSubject, 
/**
 * The certificate's PublicKeyIdentifier, upper-case hex (the serial and the validity are
 * not in what is signed, so the window cannot vouch for them).
 */
key_id: string, 
/**
 * `keyCompromise`, `affiliationChanged`, `superseded` or `cessationOfOperation`.
 */
reason: string, };

export type CertificateSubject = { 
/**
 * `SSIN` for a person, else the organisation's identifier type (`NIHII-HOSPITAL`, `CBE`…).
 */
id_type: string, 
/**
 * The identifier.
 */
id: string, 
/**
 * The name the DN carries.
 */
name: string, 
/**
 * Organisations: the application id, if any.
 */
application_id: string | null, 
/**
 * The DN itself, for "technical details".
 */
dn: string, };

export type SignaturePreview = { 
/**
 * The card in the reader.
 */
holder: CardHolder, 
/**
 * What the card would sign.
 */
operation: SignedOperation, };

export type CardKeyAlgorithm = "rsa-2048" | "ecdsa-p384";

export type PinEntry = { "type": "digits", "args": string } | { "type": "pinpad" };

export type Reply = { 
/**
 * The request's id, or `None` when the request was too broken to read one from.
 */
id: number | null, 
/**
 * Result of the command.
 */
outcome: Outcome, };

export type Outcome = { "type": "readers", "args": Array<Reader> } | { "type": "card", "args": CardInfo } | { "type": "signature", "args": string } | { "type": "pin-tries", "args": number } | { "type": "card-holder", "args": CardHolder } | { "type": "preview", "args": SignaturePreview } | { "type": "events", "args": Array<string> } | { "type": "error", "args": Failure };

export type Reader = { 
/**
 * The PC/SC reader name.
 */
name: string, 
/**
 * A card sits in the reader.
 */
card_present: boolean, 
/**
 * The reader has its own PIN pad (CCID `FEATURE_VERIFY_PIN_DIRECT`).
 */
pinpad: boolean, };

export type Failure = { 
/**
 * What went wrong, for programs.
 */
code: ErrorCode, 
/**
 * What went wrong, in English, for logs and support; never shown as the user's message.
 */
detail: string, 
/**
 * PIN tries left, with [`ErrorCode::WrongPin`].
 */
tries_left?: number | null, };

export type CardInfo = { 
/**
 * The reader it sits in.
 */
reader: string, 
/**
 * Applet version, e.g. `"1.7"`.
 */
applet: string, 
/**
 * The card's key pairs.
 */
key_algorithm: CardKeyAlgorithm, 
/**
 * Identity file fields.
 */
identity: Identity, 
/**
 * Address file fields.
 */
address: Address, 
/**
 * Lower-case hex of the photo's hash as the identity file states it, and whether the photo
 * on the card matches it.
 */
photo_hash: string, 
/**
 * The photo matches `photo_hash`.
 */
photo_hash_valid: boolean, 
/**
 * DER certificates, base64.
 */
certificates: Certificates, 
/**
 * The RRN signature over the identity file verifies with the RRN certificate.
 */
identity_signature_valid: boolean, 
/**
 * The RRN signature over the address (and identity signature) verifies.
 */
address_signature_valid: boolean, };

export type Identity = { 
/**
 * The card's number.
 */
card_number: string, 
/**
 * National number (SSIN).
 */
national_number: string, 
/**
 * Surname.
 */
surname: string, 
/**
 * First two given names.
 */
given_names: string, 
/**
 * Initial of the third given name.
 */
third_initial: string, 
/**
 * Nationality.
 */
nationality: string, 
/**
 * Birth date as printed on the card.
 */
birth_date: string, 
/**
 * `DD.MM.YYYY`.
 */
validity_end: string, };

export type Address = { 
/**
 * Street and number.
 */
street: string, 
/**
 * Postal code.
 */
zip: string, 
/**
 * Municipality.
 */
municipality: string, };

export type Certificates = { 
/**
 * Authentication (key 82).
 */
authentication: string, 
/**
 * Non-repudiation (key 83).
 */
signature: string | null, 
/**
 * Citizen or Foreigner CA.
 */
ca: string, 
/**
 * Belgium Root CA.
 */
root: string, };

export type CardHolder = { 
/**
 * The reader the card sits in (a later `sign` names it, so the same card signs).
 */
reader: string, 
/**
 * The reader has a PIN pad the bridge can use: the PIN is typed there, not in the window.
 */
pinpad: boolean, 
/**
 * Applet version, e.g. `"1.7"`.
 */
applet: string, 
/**
 * The card's key pairs: which signature algorithms the card can do.
 */
key_algorithm: CardKeyAlgorithm, 
/**
 * Surname, from the identity file.
 */
surname: string, 
/**
 * First two given names, from the identity file.
 */
given_names: string, 
/**
 * The card's number.
 */
card_number: string, 
/**
 * National number (SSIN): the bridge signs only requests about this person.
 */
national_number: string, };

export type ToExtension = { 
/**
 * The message itself.
 */
"ehcert:to-extension": PageMessage, };

export type PageMessage = { "type": "ping" } | { "type": "request", "args": PageRequest };

export type PageRequest = { 
/**
 * Chosen by the page; echoed in the reply.
 */
id: number, 
/**
 * What to do.
 */
action: Action, };

export type Action = { "type": "status" } | { "type": "list-readers" } | { "type": "read-card", "args": ReadCard } | { "type": "read-identity", "args": ReadIdentityRequest } | { "type": "pin-status", "args": ReadCard } | { "type": "sign", "args": SignRequest } | { "type": "card-check", "args": CardCheckRequest } | { "type": "support-report" };

export type SignRequest = { 
/**
 * Reader name, or `None` for the first one with a card.
 */
reader: string | null, 
/**
 * Which key.
 */
key: KeyRole, 
/**
 * The canonical `ds:SignedInfo`.
 */
signed_info: string, 
/**
 * The canonical signed element.
 */
payload: string, 
/**
 * The language the page speaks. The extension's windows do not take it: they speak the
 * browser's language (extension/pin-strings.js `windowLanguage`), which the page cannot
 * choose; it stays in the protocol so that extensions of either kind understand the page.
 */
lang: Lang, };

export type CardCheckRequest = { 
/**
 * Reader name, or `None` for the first one with a card.
 */
reader: string | null, 
/**
 * The language the page speaks. The extension's windows do not take it: they speak the
 * browser's language (extension/pin-strings.js `windowLanguage`), which the page cannot
 * choose; it stays in the protocol so that extensions of either kind understand the page.
 */
lang: Lang, };

export type ReadIdentityRequest = { 
/**
 * Reader name, or `None` for the first one with a card.
 */
reader: string | null, 
/**
 * The language the page speaks; the consent window speaks the browser's instead (as above).
 */
lang: Lang, };

export type CardCheckResult = { 
/**
 * The challenge.
 */
challenge: string, 
/**
 * The signature.
 */
signature: string, };

export type CardSummary = { 
/**
 * The reader it sits in.
 */
reader: string, 
/**
 * Applet version, e.g. `"1.7"`.
 */
applet: string, 
/**
 * The card's key pairs.
 */
key_algorithm: CardKeyAlgorithm, 
/**
 * National number (SSIN).
 */
national_number: string, 
/**
 * Surname.
 */
surname: string, 
/**
 * First two given names.
 */
given_names: string, 
/**
 * DER certificates, base64.
 */
certificates: Certificates, };

export type Lang = "nl" | "fr" | "de" | "en";

export type ToPage = { 
/**
 * The message itself.
 */
"ehcert:to-page": ExtensionMessage, };

export type ExtensionMessage = { "type": "ack", "args": Ack } | { "type": "reply", "args": PageReply };

export type Ack = { 
/**
 * The extension's version (its manifest `version`).
 */
extension_version: string, 
/**
 * The protocol the extension speaks unless told otherwise: its oldest.
 */
protocol: number, 
/**
 * Every protocol it speaks, oldest first; absent: `protocol` alone. Extensions send it
 * once no deployed page refuses an ack with it (pages before this field did).
 */
protocols?: Array<number>, };

export type PageReply = { 
/**
 * The request's id.
 */
id: number, 
/**
 * Result.
 */
outcome: PageOutcome, };

export type PageOutcome = { "type": "status", "args": Status } | { "type": "readers", "args": Array<Reader> } | { "type": "card", "args": CardSummary } | { "type": "identity", "args": CardInfo } | { "type": "pin-tries", "args": number } | { "type": "signature", "args": string } | { "type": "card-check", "args": CardCheckResult } | { "type": "support-report", "args": Array<string> } | { "type": "error", "args": Failure };

export type Status = { 
/**
 * The extension's version.
 */
extension_version: string, 
/**
 * The bridge's own hello, as it sent it.
 */
bridge: Hello, };

export type FailedOperation = { 
/**
 * When it ended: UTC, RFC 3339 (the extension's clock).
 */
at: string, 
/**
 * The page action's type, e.g. `"card-check"`.
 */
action: string, 
/**
 * How it ended.
 */
code: ErrorCode, 
/**
 * The bridge's version, when the bridge started.
 */
bridge_version?: string, 
/**
 * The bridge's lines of that operation, oldest first: empty when the bridge did not start or
 * is too old to keep them.
 */
bridge_events: Array<string>, };

export type ErrorCode = "user-cancelled" | "wrong-pin" | "pin-blocked" | "no-reader" | "no-card" | "card-removed" | "no-signature-certificate" | "unsupported-card" | "card-failure" | "pcsc-unavailable" | "busy" | "bridge-unavailable" | "bridge-stopped" | "interrupted" | "version-mismatch" | "timeout" | "origin-not-allowed" | "not-signable" | "bad-request" | "internal" | "unknown";
