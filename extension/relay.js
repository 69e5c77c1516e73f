// @ts-check
// The relay's rules as plain functions, shared by the service worker, the PIN window and the unit
// tests. Message shapes are those of the Rust crate `ehcert-shared` (see its golden files).

/** Name of the native host, as in the host manifests (`ehcert_shared::bridge::HOST_NAME`). */
export const HOST_NAME = 'be.ehcert.card_bridge';
/** `ehcert_shared::PROTOCOL_VERSION`: the newest protocol this extension speaks. */
export const PROTOCOL_VERSION = 2;
/** `ehcert_shared::compat::PROTOCOLS`: every protocol this extension speaks, oldest first. */
export const PROTOCOLS = [2];
/** Name of the runtime port the content script opens. */
export const PAGE_PORT_NAME = 'ehcert-page';
/** Name of the runtime port the PIN window opens. */
export const PIN_PORT_NAME = 'ehcert-pin';
/** Name of the runtime port the consent window opens. */
export const CONSENT_PORT_NAME = 'ehcert-consent';
/** `chrome.storage.local` key prefix of an origin's lasting consent to `read-identity`. */
export const CONSENT_PREFIX = 'identity-consent:';
/**
 * The kiosk extension (extension/kiosk/), the one other extension this one answers: at a
 * person's Finish it asks for every lasting consent to be forgotten. Its development id
 * (kiosk/extension-id.txt); a release build writes the id it is published under
 * (build.mjs `--peer-id`).
 */
export const KIOSK_EXTENSION_ID = 'limkegnohbjlelpfhinmklgemkhkkfon';
/** `ehcert_shared::page::MAX_PAGE_MESSAGE`: largest page request forwarded, in bytes of its JSON
 *  text as UTF-8 (content.js repeats it). */
export const MAX_PAGE_MESSAGE = 31 * 1024;
/** `ehcert_shared::bridge::MAX_REQUEST_FRAME`: largest frame the bridge reads, in bytes. */
export const MAX_REQUEST_FRAME = 32 * 1024;

/**
 * The size of `value`'s JSON text in bytes of UTF-8: how the page, the content script, the
 * worker and the bridge all measure a message.
 * @param {unknown} value
 */
export function jsonBytes(value) {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}
/** `ehcert_shared::bridge::CARD_CHECK_CHALLENGE_LEN`. */
export const CARD_CHECK_CHALLENGE_LEN = 32;
/** Longest text taken from a signed payload that the PIN window shows (names, DNs). */
export const MAX_SHOWN_TEXT = 200;

// Named timeouts (extension/NATIVE-MESSAGING.md §7: the browser has none of its own).
/** The bridge must say hello within this time after it is started (web-eid uses 5 s). */
export const HANDSHAKE_TIMEOUT_MS = 5_000;
/** A card command without a person in the loop (list, read, PIN status, card holder). */
export const CARD_TIMEOUT_MS = 30_000;
/** The person has this long to type the PIN (in the window or on the reader), per attempt. */
export const USER_TIMEOUT_MS = 120_000;
/**
 * The PIN and consent windows take keys and clicks only this long after they showed what they
 * are about: a page that has the person typing or clicking when the window opens and takes the
 * focus cannot have those land in it unseen. The worker holds to it too (worker-windows.js).
 */
export const ARMING_DELAY_MS = 600;
/** The bridge's lines of a failed operation are asked for within this time, or left out. */
export const EVENTS_TIMEOUT_MS = 2_000;
/** Where the failed operations are kept for the support report: the browser's session storage,
 *  held in memory only and forgotten when the browser closes. */
export const SUPPORT_EVENTS_KEY = 'support-events';
/** How many failed operations are kept, the latest. */
export const SUPPORT_EVENTS_KEPT = 10;
/** After this many PIN windows cancelled in a row from one tab, the next waits (`cancelPauseMs`). */
export const CANCEL_PAUSE_AFTER = 2;

/**
 * How long a tab waits after its `cancelled`-th PIN window in a row was cancelled before it may
 * open another: 10 s after the second, doubling, at most a minute.
 * @param {number} cancelled
 */
export function cancelPauseMs(cancelled) {
  if (cancelled < CANCEL_PAUSE_AFTER) return 0;
  return Math.min(60_000, 10_000 * 2 ** (cancelled - CANCEL_PAUSE_AFTER));
}

/**
 * The origins the extension serves, from the content script's match patterns in the manifest:
 * one list, so the content script and the service worker cannot disagree. A pattern's host is
 * exact (no wildcards are used) and, as in the browser, it matches every port.
 * @param {string[]} matches e.g. `["http://127.0.0.1/*", "https://ehcert.be/*"]`
 * @returns {{protocol: string, hostname: string}[]}
 */
export function allowListFromMatches(matches) {
  const list = [];
  for (const pattern of matches ?? []) {
    const parsed = /^(https?):\/\/([^/*:]+)\/\*$/.exec(pattern);
    if (parsed) list.push({ protocol: `${parsed[1]}:`, hostname: parsed[2] });
  }
  return list;
}

/**
 * Whether `origin` (taken from the browser's sender information, never from page data) may use
 * the extension.
 * @param {unknown} origin
 * @param {{protocol: string, hostname: string}[]} allowList
 * @returns {origin is string}
 */
export function isAllowedOrigin(origin, allowList) {
  if (typeof origin !== 'string') return false;
  let url;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // An origin is scheme://host[:port] exactly; anything else is not a browser-made origin.
  if (url.origin !== origin) return false;
  return allowList.some((entry) => entry.protocol === url.protocol && entry.hostname === url.hostname);
}

/**
 * The origin of the page behind a runtime port, from the browser's `MessageSender`.
 * @param {{origin?: string, url?: string} | undefined} sender
 */
export function originOfSender(sender) {
  if (!sender) return null;
  if (typeof sender.origin === 'string') return sender.origin;
  if (typeof sender.url === 'string') {
    try {
      return new URL(sender.url).origin;
    } catch {
      return null;
    }
  }
  return null;
}

const KEYS = new Set(['authentication', 'signature']);
/**
 * `ehcert_shared::bridge::SignedOperation` → the key that may sign it (`KeyRole::may_sign`): the
 * signature key only what creates or ends a certificate, the authentication key only the reads
 * and the card check. The bridge enforces the same table; the worker checks the bridge's preview
 * against it too, so neither alone decides.
 */
/** @type {Record<string, 'authentication' | 'signature'>} */
export const KEY_FOR_OPERATION = {
  'card-check': 'authentication',
  'actor-qualities': 'authentication',
  'certificate-list': 'authentication',
  'certificate-request': 'signature',
  revocation: 'signature',
};
/** The operations the PIN window can describe. */
export const OPERATIONS = new Set(Object.keys(KEY_FOR_OPERATION));
/** `ehcert_shared::page::Lang`. */
export const LANGS = new Set(['nl', 'fr', 'de', 'en']);

/**
 * @param {unknown} value
 * @returns {value is import('../shared/tests/golden/constants/protocol.js').Lang}
 */
function isLang(value) {
  return typeof value === 'string' && LANGS.has(value);
}

/**
 * @param {unknown} value
 * @returns {value is import('../shared/tests/golden/constants/protocol.js').KeyRole}
 */
function isKeyRole(value) {
  return typeof value === 'string' && KEYS.has(value);
}

/**
 * @param {unknown} value
 * @returns {value is keyof typeof KEY_FOR_OPERATION}
 */
function isOperation(value) {
  return typeof value === 'string' && OPERATIONS.has(value);
}

/**
 * A page request (`ehcert_shared::page::PageRequest`), or null when it is not one: unknown
 * fields, unknown actions, a digest of the wrong length and out-of-range ids are refused, as the
 * Rust side refuses them. The result is a fresh object holding only the checked fields.
 * @param {unknown} value
 * @returns {import('../shared/tests/golden/constants/protocol.js').PageRequest | null}
 */
export function parsePageRequest(value) {
  if (!isPlainObject(value) || !hasExactly(value, ['id', 'action'])) return null;
  const { id, action } = value;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffffff) return null;
  if (!isPlainObject(action) || typeof action.type !== 'string') return null;
  const parsed = parseAction(action);
  return parsed ? { id, action: parsed } : null;
}

/**
 * @param {Record<string, unknown>} action the page's action, its `type` a string
 * @returns {import('../shared/tests/golden/constants/protocol.js').Action | null}
 */
function parseAction(action) {
  switch (action.type) {
    case 'status':
    case 'list-readers':
    case 'support-report':
      return hasExactly(action, ['type']) ? { type: action.type } : null;
    case 'read-card':
    case 'pin-status': {
      if (!hasExactly(action, ['type', 'args']) || !isPlainObject(action.args)) return null;
      const reader = parseReader(action.args, ['reader']);
      return reader === undefined ? null : { type: action.type, args: { reader } };
    }
    case 'sign':
      if (!hasExactly(action, ['type', 'args'])) return null;
      return parseSign(action.args);
    case 'read-identity':
    case 'card-check': {
      if (!hasExactly(action, ['type', 'args']) || !isPlainObject(action.args)) return null;
      const reader = parseReader(action.args, ['reader', 'lang']);
      const { lang } = action.args;
      if (reader === undefined || !isLang(lang)) return null;
      return { type: action.type, args: { reader, lang } };
    }
    default:
      return null;
  }
}

/**
 * @param {unknown} args
 * @param {string[]} fields
 */
function parseReader(args, fields) {
  if (!isPlainObject(args) || !hasExactly(args, fields)) return undefined;
  const { reader } = args;
  if (reader === null) return null;
  return typeof reader === 'string' && reader.length > 0 && reader.length <= 256 ? reader : undefined;
}

/**
 * @param {unknown} args
 * @returns {import('../shared/tests/golden/constants/protocol.js').Action | null}
 */
function parseSign(args) {
  // No digest and no words for the window: the bridge derives both from these bytes.
  const fields = ['reader', 'key', 'signed_info', 'payload', 'lang'];
  if (!isPlainObject(args)) return null;
  const reader = parseReader(args, fields);
  if (reader === undefined) return null;
  const { key, signed_info: signedInfo, payload, lang } = args;
  if (!isKeyRole(key) || !isLang(lang)) return null;
  if (typeof signedInfo !== 'string' || typeof payload !== 'string') return null;
  if (signedInfo.length === 0 || payload.length === 0) return null;
  return { type: 'sign', args: { reader, key, signed_info: signedInfo, payload, lang } };
}

/**
 * What the bridge is asked to sign for a page action (`ehcert_shared::bridge::SignedContent`):
 * the page's eHealth request as it sent it, or, for the card check, a challenge made here for the
 * origin the browser named.
 * @param {Extract<import('../shared/tests/golden/constants/protocol.js').Action, {type: 'sign' | 'card-check'}>} action a parsed `sign` or `card-check`
 * @param {string} origin from the browser's sender information
 * @param {(bytes: Uint8Array) => Uint8Array} random fills bytes with random values
 * @returns {import('../shared/tests/golden/constants/protocol.js').SignedContent}
 */
export function signedContentFor(action, origin, random) {
  if (action.type === 'card-check') {
    const challenge = random(new Uint8Array(CARD_CHECK_CHALLENGE_LEN));
    return { type: 'card-check', args: { origin, challenge: encodeBase64(challenge) } };
  }
  return { type: 'ehealth-request', args: { signed_info: action.args.signed_info, payload: action.args.payload } };
}

/**
 * Checks the bridge's preview: a known operation, for the key the page named. Returns null when
 * it is fine, else a failure.
 * @param {string} key
 * @param {unknown} preview `ehcert_shared::bridge::SignaturePreview`
 */
export function previewRefusal(key, preview) {
  const type = isPlainObject(preview) && isPlainObject(preview.operation) ? preview.operation.type : undefined;
  if (!isPlainObject(preview) || !isPlainObject(preview.holder) || !isOperation(type)) {
    return failure('internal', 'The card bridge described the signature in a way this extension does not know.');
  }
  if (KEY_FOR_OPERATION[type] !== key) {
    return failure('not-signable', `The ${key} key does not sign ${type}.`);
  }
  return null;
}

/**
 * Text from a signed payload, made safe to show: no control or bidirectional-formatting
 * characters (which could reorder what the person reads), whitespace runs as one space, and at
 * most `max` characters.
 * @param {unknown} text
 * @param {number} max
 */
export function cleanText(text, max = MAX_SHOWN_TEXT) {
  if (typeof text !== 'string') return '';
  const cleaned = text
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, ' ')
    // At most two combining marks on a letter (Vietnamese needs two): more pile up over the
    // lines around and can hide them ("Zalgo" text).
    .replace(/(\p{M}{2})\p{M}+/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

/** The scripts a name is told apart by: each a writing system with letters that look like
 *  Latin ones (Unicode UAX #24 script property; UTS #39 §5.1 "mixed-script" is the idea). */
const SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Greek}/u, /\p{Script=Cyrillic}/u, /\p{Script=Armenian}/u, /\p{Script=Cherokee}/u];
/** Letters of any script, for text in none of `SCRIPTS` (counted as one more script). */
const LETTER = /\p{L}/u;

/**
 * Whether `text` mixes letters of different scripts (Latin with a Cyrillic "а" that looks like
 * "a", say): the PIN window then says so beside it, since a person cannot see the difference.
 * @param {unknown} text
 */
export function mixesScripts(text) {
  if (typeof text !== 'string') return false;
  let seen = 0;
  for (const letter of text) {
    if (!LETTER.test(letter)) continue;
    const index = SCRIPTS.findIndex((script) => script.test(letter));
    seen |= 1 << (index === -1 ? SCRIPTS.length : index);
  }
  // More than one bit set: more than one script.
  return (seen & (seen - 1)) !== 0;
}

/**
 * A national number as the eID prints it: `85.07.30-033.28`; anything else unchanged.
 * @param {string} number
 */
export function formatNationalNumber(number) {
  const match = /^(\d{2})(\d{2})(\d{2})(\d{3})(\d{2})$/.exec(number);
  return match ? `${match[1]}.${match[2]}.${match[3]}-${match[4]}.${match[5]}` : number;
}

/**
 * A key identifier in groups of four hex digits, as a person compares it.
 * @param {string} hex
 */
export function groupHex(hex) {
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}

/** @param {Uint8Array} bytes */
function encodeBase64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

/** A PIN as the card takes it: 4 to 12 digits (card-bridge/CARD.md §4.1). */
/**
 * @param {unknown} pin
 * @returns {pin is string}
 */
export function isValidPin(pin) {
  return typeof pin === 'string' && /^[0-9]{4,12}$/.test(pin);
}

/**
 * The bridge command for a page action other than `status` and `sign`.
 * @param {Extract<import('../shared/tests/golden/constants/protocol.js').Action, {type: 'list-readers' | 'read-card' | 'pin-status'}>} action
 * @returns {import('../shared/tests/golden/constants/protocol.js').Command}
 */
export function bridgeCommandFor(action) {
  return action.type === 'list-readers' ? { type: 'list-readers' } : { type: action.type, args: { reader: action.args.reader } };
}

/**
 * What `read-card` gives a page of the bridge's `CardInfo` (`ehcert_shared::page::CardSummary`):
 * what the flows need, nothing else of the identity and address files.
 * @param {import('../shared/tests/golden/constants/protocol.js').CardInfo} card
 * @returns {import('../shared/tests/golden/constants/protocol.js').CardSummary}
 */
export function cardSummary(card) {
  return {
    reader: card.reader,
    applet: card.applet,
    key_algorithm: card.key_algorithm,
    national_number: card.identity.national_number,
    surname: card.identity.surname,
    given_names: card.identity.given_names,
    certificates: card.certificates,
  };
}

/**
 * Checks a message from the consent window: `allow-once`, `ask-always` (the window shows the
 * confirmation of "always"), `allow-always` (confirmed there) or `refuse`.
 * @param {unknown} message
 * @returns {{type: 'allow-once' | 'ask-always' | 'allow-always' | 'refuse'} | null}
 */
export function parseConsentMessage(message) {
  if (!isPlainObject(message) || !hasExactly(message, ['type'])) return null;
  const { type } = message;
  return type === 'allow-once' || type === 'ask-always' || type === 'allow-always' || type === 'refuse' ? { type } : null;
}

/**
 * The page outcome for a bridge outcome of a read-only action: the bridge's outcome types and
 * page outcome types share names for `readers`, `card`, `pin-tries` and `error`.
 * @param {string} actionType
 * @param {import('../shared/tests/golden/constants/protocol.js').Outcome} outcome
 * @returns {import('../shared/tests/golden/constants/protocol.js').PageOutcome}
 */
export function pageOutcomeFor(actionType, outcome) {
  const expected = /** @type {Record<string, string>} */ ({ 'list-readers': 'readers', 'read-card': 'card', 'pin-status': 'pin-tries' })[actionType];
  if (outcome.type === 'error') return outcome;
  if (outcome.type === 'card' && expected === 'card') return { type: 'card', args: cardSummary(outcome.args) };
  if ((outcome.type === 'readers' || outcome.type === 'pin-tries') && outcome.type === expected) return outcome;
  return failure('internal', `The card bridge answered ${actionType} with ${outcome.type}.`);
}

/**
 * What the extension keeps of an operation that failed (`ehcert_shared::page::FailedOperation`):
 * the action's type, the error's code, the bridge's version and lines, never the failure's
 * detail (the page may read it, and its words are the extension's or the bridge's to change).
 * @param {number} now the clock, in milliseconds
 * @param {string} action the page action's type
 * @param {import('../shared/tests/golden/constants/protocol.js').Failure} failed
 * @param {{bridge_version: string} | null} hello the bridge's, when it started
 * @param {import('../shared/tests/golden/constants/protocol.js').Outcome | null} events its answer to `recent-events`
 * @returns {import('../shared/tests/golden/constants/protocol.js').FailedOperation}
 */
export function failedOperation(now, action, failed, hello, events) {
  const lines = events?.type === 'events' ? events.args.filter((line) => typeof line === 'string') : [];
  return {
    // RFC 3339 to the second, UTC.
    at: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    action,
    code: failed.code,
    ...(hello ? { bridge_version: hello.bridge_version } : {}),
    bridge_events: lines,
  };
}

/**
 * `kept` with `latest` added, the oldest dropped beyond `SUPPORT_EVENTS_KEPT`. What storage
 * held is trusted no further than an array.
 * @param {unknown} kept
 * @param {import('../shared/tests/golden/constants/protocol.js').FailedOperation} latest
 */
export function withFailedOperation(kept, latest) {
  return [...(Array.isArray(kept) ? kept : []), latest].slice(-SUPPORT_EVENTS_KEPT);
}

/**
 * The extension's part of a support report (`ehcert_shared::page::Action::SupportReport`), one
 * fact per line, in English (a helpdesk reads it, and it is searched for): its own version and
 * protocols, the card bridge's hello, the readers, the card's applet
 * and key type from `card-holder` (never the holder: no name, card number or national number is
 * written), and the failed operations kept in this session.
 * @param {{
 *   extension: {version: string, protocols: number[]},
 *   hello: {bridge_version: string, protocol: number, protocols?: number[]} | null,
 *   bridgeFailure?: string,
 *   readers: import('../shared/tests/golden/constants/protocol.js').Outcome | null,
 *   holder: import('../shared/tests/golden/constants/protocol.js').Outcome | null,
 *   kept: unknown,
 * }} parts `hello` null with `bridgeFailure` (its code) when the bridge did not start; `readers`
 *   and `holder` the bridge's answers, null when not asked
 * @returns {string[]}
 */
export function supportReportLines({ extension, hello, bridgeFailure, readers, holder, kept }) {
  const versions = (/** @type {string} */ version, /** @type {number[]} */ protocols) => `${version} (protocols ${protocols.join(', ')})`;
  const lines = [`Extension: ${versions(extension.version, extension.protocols)}`];
  lines.push(hello ? `Card bridge: ${versions(hello.bridge_version, hello.protocols?.length ? hello.protocols : [hello.protocol])}` : `Card bridge: not available: ${bridgeFailure ?? 'unknown'}`);
  if (readers?.type === 'readers') {
    if (readers.args.length === 0) lines.push('Readers: none');
    else {
      lines.push('Readers:');
      for (const reader of readers.args) {
        lines.push(`  - ${reader.name}: ${reader.card_present ? 'card present' : 'no card'}, ${reader.pinpad ? 'PIN pad' : 'no PIN pad'}`);
      }
    }
  } else if (readers?.type === 'error') lines.push(`Readers: not available: ${readers.args.code}`);
  if (holder?.type === 'card-holder') lines.push(`Card: applet ${holder.args.applet}, keys ${holder.args.key_algorithm}, in ${holder.args.reader}`);
  else if (holder?.type === 'error') lines.push(`Card: not read: ${holder.args.code}`);
  else if (readers?.type === 'readers') lines.push('Card: not read (no reader holds a card)');
  const operations = Array.isArray(kept) ? kept : [];
  if (operations.length === 0) lines.push('Failed operations kept by the extension: none');
  else {
    lines.push('Failed operations kept by the extension (latest last):');
    for (const operation of operations) {
      const bridge = typeof operation?.bridge_version === 'string' ? ` (card bridge ${operation.bridge_version})` : '';
      lines.push(`  - ${operation?.at} ${operation?.action}: ${operation?.code}${bridge}`);
      for (const event of Array.isArray(operation?.bridge_events) ? operation.bridge_events : []) lines.push(`      ${event}`);
    }
  }
  return lines;
}

/**
 * A failure outcome (`ehcert_shared::page::PageOutcome::Error`).
 * @param {import('../shared/tests/golden/constants/protocol.js').ErrorCode} code a stable `ErrorCode` string
 * @param {string} detail English detail for logs and support
 * @returns {{type: 'error', args: import('../shared/tests/golden/constants/protocol.js').Failure}}
 */
export function failure(code, detail) {
  return { type: 'error', args: { code, detail } };
}

/**
 * Turns the browser's reason for a lost native port into a failure. Chromium puts it in
 * `runtime.lastError.message`, Firefox in `port.error.message` (extension/NATIVE-MESSAGING.md §4, §10).
 * Before the hello, "has exited" means the bridge could not start (a crash and a path that is not
 * executable look the same); after it, the bridge stopped in the middle of the operation.
 * @param {string | undefined} message
 * @param {boolean} afterHello
 */
export function nativeDisconnectFailure(message, afterHello = false) {
  const text = message || 'The card bridge stopped without a reason.';
  if (/not found|forbidden|Invalid native messaging host/i.test(text)) {
    return failure('bridge-unavailable', text);
  }
  if (afterHello) {
    return failure('bridge-stopped', `The card bridge stopped during the operation: ${text}`);
  }
  if (/has exited/i.test(text)) {
    return failure('bridge-unavailable', `The card bridge stopped unexpectedly: ${text}`);
  }
  return failure('internal', text);
}

/**
 * The highest version in both lists, or which side is too old (`ehcert_shared::compat::
 * choose_protocol`, the same rule and cases): `{ version }` or `{ outdated: 'ours' | 'theirs' }`.
 * @param {readonly number[]} ours
 * @param {readonly number[]} theirs
 * @returns {{version: number} | {outdated: 'ours' | 'theirs'}}
 */
export function chooseProtocol(ours, theirs) {
  const shared = ours.filter((version) => theirs.includes(version));
  if (shared.length > 0) return { version: Math.max(...shared) };
  if (ours.length === 0) return { outdated: 'ours' };
  if (theirs.length > 0 && Math.max(...ours) < Math.min(...theirs)) return { outdated: 'ours' };
  return { outdated: 'theirs' };
}

/**
 * Checks the bridge's first frame. Returns `{ hello }` with the protocol both speak, or
 * `{ failure }`. A bridge says the protocol it speaks unless told otherwise (`protocol`, its
 * oldest) and, from the releases after the first protocol-2 one, every protocol it serves
 * (`protocols`); an older or a newer bridge is used as long as it shares a protocol with this
 * extension (ARCHITECTURE.md, "Releases that live together").
 * @param {unknown} frame
 * @param {readonly number[]} [ours] the protocols this extension speaks (tests name others)
 */
export function checkHello(frame, ours = PROTOCOLS) {
  const hello = isPlainObject(frame) && frame.type === 'hello' ? frame.args : undefined;
  if (!isPlainObject(hello) || typeof hello.bridge_version !== 'string' || !Number.isInteger(hello.protocol)) {
    return { failure: failure('bad-request', 'The card bridge did not introduce itself.') };
  }
  const listed = hello.protocols;
  if (listed !== undefined && !(Array.isArray(listed) && listed.length > 0 && listed.every(Number.isInteger) && listed.includes(hello.protocol))) {
    return { failure: failure('bad-request', 'The card bridge listed its protocols wrongly.') };
  }
  const theirs = /** @type {number[]} */ (listed ?? [hello.protocol]);
  const chosen = chooseProtocol(ours, theirs);
  const range = (/** @type {readonly number[]} */ versions) => versions.join(', ');
  // The bridge speaks its `protocol` until told otherwise; telling it comes with the first
  // protocol after 2 (`use-protocol`), so until then the shared version must be that one.
  if ('version' in chosen && chosen.version === hello.protocol) {
    return { hello: { bridge_version: hello.bridge_version, protocol: chosen.version } };
  }
  const update = 'outdated' in chosen && chosen.outdated === 'theirs' ? 'the card bridge' : 'the browser extension';
  return {
    failure: failure(
      'version-mismatch',
      `Bridge protocols ${range(theirs)}, extension protocols ${range(ours)}: update ${update}.`,
    ),
  };
}

/**
 * A bridge reply frame for request `id`: `{ outcome }`, or null for anything else.
 * @param {unknown} frame
 * @param {number} id
 */
export function replyFor(frame, id) {
  if (!isPlainObject(frame) || frame.type !== 'reply' || !isPlainObject(frame.args)) return null;
  const { args } = frame;
  if (args.id !== id || !isPlainObject(args.outcome) || typeof args.outcome.type !== 'string') return null;
  // Its shape is the bridge's (`ehcert_shared::bridge::Outcome`); its arguments are read where
  // each is used.
  return { outcome: /** @type {import('../shared/tests/golden/constants/protocol.js').Outcome} */ (args.outcome) };
}

/**
 * What the service worker does with the bridge's answer to a `sign` typed in the PIN window:
 * `done` (reply to the page and close the window) or `retry` (a wrong PIN with tries left: the
 * window says how many and asks again).
 * @param {import('../shared/tests/golden/constants/protocol.js').Outcome} outcome
 * @returns {{next: 'retry', triesLeft: number} | {next: 'done', outcome: {type: 'signature', args: string} | {type: 'error', args: import('../shared/tests/golden/constants/protocol.js').Failure}}}
 */
export function afterSignAttempt(outcome) {
  const triesLeft = outcome.type === 'error' ? outcome.args.tries_left ?? 0 : 0;
  if (outcome.type === 'error' && outcome.args.code === 'wrong-pin' && triesLeft > 0) {
    return { next: 'retry', triesLeft };
  }
  if (outcome.type === 'error' && outcome.args.code === 'wrong-pin') {
    return { next: 'done', outcome: failure('pin-blocked', 'The last PIN try was used.') };
  }
  if (outcome.type === 'signature' || outcome.type === 'error') return { next: 'done', outcome };
  return { next: 'done', outcome: failure('internal', `The card bridge answered sign with ${outcome.type}.`) };
}

/**
 * Checks a message from the PIN window. `{type: 'pin', pin}`, `{type: 'pinpad'}` (start or retry
 * on the reader) or `{type: 'cancel'}`; anything else is null.
 * @param {unknown} message
 * @returns {{type: 'cancel' | 'pinpad'} | {type: 'pin', pin: string} | null}
 */
export function parsePinWindowMessage(message) {
  if (!isPlainObject(message)) return null;
  if (message.type === 'cancel' && hasExactly(message, ['type'])) return { type: 'cancel' };
  if (message.type === 'pinpad' && hasExactly(message, ['type'])) return { type: 'pinpad' };
  const { pin } = message;
  if (message.type === 'pin' && hasExactly(message, ['type', 'pin']) && isValidPin(pin)) {
    return { type: 'pin', pin };
  }
  return null;
}

/**
 * An object that is not an array nor null: its fields are still unchecked.
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether `object` has these own keys and no others.
 * @param {object} object
 * @param {string[]} keys
 */
function hasExactly(object, keys) {
  const own = Object.keys(object);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}
