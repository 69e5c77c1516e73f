// @ts-check
// Unit tests of the relay rules, fed by the same golden messages the Rust protocol tests use.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

import {
  CARD_CHECK_CHALLENGE_LEN,
  HOST_NAME,
  KEY_FOR_OPERATION,
  LANGS,
  MAX_PAGE_MESSAGE,
  MAX_REQUEST_FRAME,
  MAX_SHOWN_TEXT,
  PROTOCOL_VERSION,
  PROTOCOLS,
  afterSignAttempt,
  allowListFromMatches,
  cardSummary,
  checkHello,
  chooseProtocol,
  cleanText,
  mixesScripts,
  formatNationalNumber,
  groupHex,
  isAllowedOrigin,
  nativeDisconnectFailure,
  originOfSender,
  pageOutcomeFor,
  parseConsentMessage,
  parsePageRequest,
  parsePinWindowMessage,
  previewRefusal,
  replyFor,
  signedContentFor,
} from '../relay.js';

// The golden messages of the protocol this extension speaks first; every version it speaks has
// its folder (checked below).
const golden = new URL(`../../shared/tests/golden/v${PROTOCOLS[0]}/`, import.meta.url);
/**
 * `value`, which the test needs to be there (a missing one fails here, by name).
 * @template T
 * @param {T} value
 * @returns {NonNullable<T> & Record<string, any>}
 */
const present = (value) => {
  assert.ok(value !== null && value !== undefined, 'expected a value');
  return /** @type {any} */ (value);
};
const load = (/** @type {string} */ name) => JSON.parse(readFileSync(new URL(name, golden), 'utf8'));

const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));
const DEVELOPMENT = allowListFromMatches(manifest.content_scripts.flatMap((/** @type {{matches: string[]}} */ script) => script.matches));

test('the development allow-list is the loopback hosts of the manifest, exactly as the browser spells origins', () => {
  assert.deepEqual(DEVELOPMENT, [
    { protocol: 'http:', hostname: '127.0.0.1' },
    { protocol: 'http:', hostname: 'localhost' },
  ]);
  assert.ok(isAllowedOrigin('http://127.0.0.1:8080', DEVELOPMENT));
  assert.ok(isAllowedOrigin('http://localhost:3000', DEVELOPMENT));
  assert.ok(isAllowedOrigin('http://localhost', DEVELOPMENT));
  for (const origin of [
    'https://evil.example',
    'http://127.0.0.2:8080',
    'http://localhost.evil.example',
    'https://localhost:8080',
    'http://127.0.0.1:8080/path',
    'file://',
    'null',
    '',
    undefined,
    { toString: () => 'http://localhost' },
  ]) {
    assert.equal(isAllowedOrigin(origin, DEVELOPMENT), false, String(origin));
  }
  const release = allowListFromMatches(['https://app.ehcert.be/*', 'https://*.evil.example/*', '<all_urls>']);
  assert.deepEqual(release, [{ protocol: 'https:', hostname: 'app.ehcert.be' }], 'wildcards never widen the list');
  assert.ok(isAllowedOrigin('https://app.ehcert.be', release));
  assert.equal(isAllowedOrigin('http://127.0.0.1:8080', release), false);
});

test('the origin comes from the sender, preferring the browser-set origin field', () => {
  assert.equal(originOfSender({ origin: 'http://localhost:1', url: 'https://evil.example/' }), 'http://localhost:1');
  assert.equal(originOfSender({ url: 'http://127.0.0.1:9/app?x' }), 'http://127.0.0.1:9');
  assert.equal(originOfSender(undefined), null);
  assert.equal(originOfSender({ url: 'not a url' }), null);
});

test('golden page requests parse and reject files are refused', () => {
  const status = load('to-extension.status.json')['ehcert:to-extension'];
  assert.deepEqual(parsePageRequest(status.args), { id: 1, action: { type: 'status' } });
  const smuggled = load('reject/to-extension.page-supplied-origin.json')['ehcert:to-extension'];
  assert.equal(parsePageRequest(smuggled.args), null);
  assert.equal(parsePageRequest({ id: -1, action: { type: 'status' } }), null);
  assert.equal(parsePageRequest({ id: 1, action: { type: 'format-card' } }), null);
  assert.equal(parsePageRequest({ id: 1.5, action: { type: 'status' } }), null);
});

test('the golden bridge hello is accepted and a different protocol names what to update', () => {
  const hello = load('from-bridge.hello.json');
  assert.equal(hello.args.protocol, PROTOCOL_VERSION);
  assert.deepEqual(checkHello(hello), { hello: hello.args });
  const older = checkHello({ type: 'hello', args: { bridge_version: '0.0.1', protocol: PROTOCOL_VERSION - 1 } });
  assert.equal(present(older.failure).args.code, 'version-mismatch');
  assert.match(present(older.failure).args.detail, /update the card bridge/);
  const newer = checkHello({ type: 'hello', args: { bridge_version: '9.0.0', protocol: PROTOCOL_VERSION + 1 } });
  assert.match(present(newer.failure).args.detail, /update the browser extension/);
  const missing = checkHello(load('reject/from-bridge.hello-without-protocol.json'));
  assert.equal(present(missing.failure).args.code, 'bad-request');
  assert.equal(present(checkHello(load('from-bridge.readers.json')).failure).args.code, 'bad-request');
});

// The releases-together rule (ARCHITECTURE.md, "Releases that live together"), the same cases as
// `ehcert_shared::compat`'s tests: the highest shared protocol, else the older side named.
test('protocol choice: the highest version both speak, or which side is too old', () => {
  assert.deepEqual(chooseProtocol([2], [2]), { version: 2 });
  assert.deepEqual(chooseProtocol([2], [2, 3]), { version: 2 });
  assert.deepEqual(chooseProtocol([2, 3], [2]), { version: 2 });
  assert.deepEqual(chooseProtocol([3, 2], [3, 2, 4]), { version: 3 });
  assert.deepEqual(chooseProtocol([2], [1]), { outdated: 'theirs' });
  assert.deepEqual(chooseProtocol([2], [3, 4]), { outdated: 'ours' });
  assert.deepEqual(chooseProtocol([], [2]), { outdated: 'ours' });
  assert.deepEqual(chooseProtocol([2], []), { outdated: 'theirs' });
});

test('this extension with the bridges of other releases, both ways', () => {
  // The first protocol-2 bridge lists no protocols; a later one lists what it serves.
  const first = load('from-bridge.hello.json');
  assert.equal(first.args.protocols, undefined);
  assert.deepEqual(checkHello(first), { hello: { bridge_version: first.args.bridge_version, protocol: 2 } });
  const later = load('from-bridge.hello-protocols.json');
  assert.deepEqual(later.args.protocols, [2, 3]);
  assert.deepEqual(checkHello(later), { hello: { bridge_version: later.args.bridge_version, protocol: 2 } });
  // A newer bridge that no longer serves 2: update the extension; a protocol-1 bridge: the bridge.
  const dropped = checkHello({ type: 'hello', args: { bridge_version: '2.0.0', protocol: 3, protocols: [3, 4] } });
  assert.match(present(dropped.failure).args.detail, /update the browser extension/);
  // An extension of a later release (2 and 3) still works with this release's bridge (2 alone).
  assert.deepEqual(checkHello(first, [2, 3]).hello?.protocol, 2);
  // An extension that dropped 2 names the bridge.
  assert.match(present(checkHello(first, [3]).failure).args.detail, /update the card bridge/);
  // A list that does not hold the protocol the bridge speaks is no hello.
  for (const protocols of [[], [3], ['2'], 2]) {
    const odd = checkHello({ type: 'hello', args: { bridge_version: '0.2.0', protocol: 2, protocols } });
    assert.equal(present(odd.failure).args.code, 'bad-request', JSON.stringify(protocols));
  }
});

test('native disconnect reasons map to stable codes', () => {
  const notInstalled = nativeDisconnectFailure('Specified native messaging host not found.');
  assert.deepEqual(notInstalled, load('to-page.bridge-unavailable.json')['ehcert:to-page'].args.outcome);
  assert.equal(nativeDisconnectFailure('Native host has exited.').args.code, 'bridge-unavailable');
  assert.equal(nativeDisconnectFailure('Access to the specified native messaging host is forbidden.').args.code, 'bridge-unavailable');
  assert.equal(nativeDisconnectFailure('Error when communicating with the native messaging host.').args.code, 'internal');
});

test('the golden messages of each protocol this extension speaks are kept, and no others', () => {
  const root = new URL('../../shared/tests/golden/', import.meta.url);
  const folders = readdirSync(root).filter((name) => /^v\d+$/.test(name)).sort();
  assert.deepEqual(folders, PROTOCOLS.map((version) => `v${version}`).sort());
});

test('every golden message kind used by the relay exists', () => {
  const names = readdirSync(golden);
  for (const name of [
    'from-bridge.hello.json',
    'from-bridge.card-holder.json',
    'from-bridge.preview.json',
    'from-bridge.preview-revocation.json',
    'to-extension.card-check.json',
    'to-extension.status.json',
    'to-extension.sign.json',
    'to-page.bridge-unavailable.json',
    'to-page.signature.json',
  ]) {
    assert.ok(names.includes(name), name);
  }
});

const signRequest = () => structuredClone(load('to-extension.sign.json')['ehcert:to-extension'].args);

test('the golden sign request parses to exactly its checked fields', () => {
  const request = signRequest();
  assert.deepEqual(parsePageRequest(request), request);
  const read = load('to-extension.read-card.json')['ehcert:to-extension'].args;
  assert.deepEqual(parsePageRequest(read), { id: 3, action: { type: 'read-card', args: { reader: null } } });
});

test('a page cannot hand the extension a PIN, a digest, words for the window, or a challenge', () => {
  for (const name of [
    'reject/to-extension.sign-with-pin.json',
    'reject/to-extension.sign-digest.json',
    'reject/to-extension.sign-with-subject.json',
    'reject/to-extension.card-check-with-challenge.json',
  ]) {
    assert.equal(parsePageRequest(load(name)['ehcert:to-extension'].args), null, name);
  }
  /** @type {Record<string, (args: Record<string, any>) => unknown>} */
  const cases = {
    'a digest instead of the bytes': (args) => {
      delete args.payload;
      args.digest = Buffer.alloc(32).toString('base64');
    },
    'an operation named by the page': (args) => (args.operation = 'certificate-request'),
    'unknown key': (args) => (args.key = 'master'),
    'unknown language': (args) => (args.lang = 'xx'),
    'payload not text': (args) => (args.payload = { toString: () => '<x/>' }),
    'empty SignedInfo': (args) => (args.signed_info = ''),
    'empty reader name': (args) => (args.reader = ''),
    'missing language': (args) => delete args.lang,
  };
  for (const [name, spoil] of Object.entries(cases)) {
    const request = signRequest();
    spoil(request.action.args);
    assert.equal(parsePageRequest(request), null, name);
  }
  const check = load('to-extension.card-check.json')['ehcert:to-extension'].args;
  assert.deepEqual(parsePageRequest(check), check);
});

test('the bridge is asked to sign the page\'s bytes as sent, or a challenge made here for the browser\'s origin', () => {
  const sign = /** @type {any} */ (present(parsePageRequest(signRequest())).action);
  assert.deepEqual(signedContentFor(sign, 'http://127.0.0.1:8080', () => assert.fail('no randomness needed')), {
    type: 'ehealth-request',
    args: { signed_info: sign.args.signed_info, payload: sign.args.payload },
  });
  const check = /** @type {any} */ (
    present(parsePageRequest(load('to-extension.card-check.json')['ehcert:to-extension'].args)).action
  );
  const content = signedContentFor(check, 'http://127.0.0.1:8080', (bytes) => bytes.fill(0xab));
  assert.deepEqual(content, {
    type: 'card-check',
    args: { origin: 'http://127.0.0.1:8080', challenge: Buffer.alloc(32, 0xab).toString('base64') },
  });
  assert.equal(Buffer.from(content.args.challenge, 'base64').length, 32);
});

test('the preview must name an operation this key may sign, as the Rust table says', () => {
  const preview = load('from-bridge.preview.json').args.outcome.args;
  assert.equal(previewRefusal('signature', preview), null);
  assert.equal(present(previewRefusal('authentication', preview)).args.code, 'not-signable');
  const revocation = load('from-bridge.preview-revocation.json').args.outcome.args;
  assert.equal(previewRefusal('signature', revocation), null);
  assert.equal(present(previewRefusal('signature', { ...preview, operation: { type: 'anything' } })).args.code, 'internal');
  // The same table as `KeyRole::may_sign` (shared/tests/golden.rs checks the Rust side).
  assert.deepEqual(KEY_FOR_OPERATION, {
    'card-check': 'authentication',
    'actor-qualities': 'authentication',
    'certificate-list': 'authentication',
    'certificate-request': 'signature',
    revocation: 'signature',
  });
});

test('combining marks are capped at two on a letter, and names that mix scripts are told apart', () => {
  // Vietnamese needs two marks on one letter; a flood of marks piles up over the lines around.
  assert.equal(cleanText('Nguye\u0302\u0303n'), 'Nguye\u0302\u0303n');
  assert.equal(cleanText(`PEETERS${'\u0301'.repeat(200)} JAN`), 'PEETERS\u0301\u0301 JAN');
  assert.equal(cleanText(`A${'\u0308\u0330'.repeat(50)}B`), 'A\u0308\u0330B');
  // One script, with digits, punctuation and marks: not mixed.
  for (const text of ['PEETERS JAN PIETER', 'Jean-François Dupont', 'ΠΑΠΑΔΟΠΟΥΛΟΣ 123', 'ИВАНОВ ИВАН', 'AZ SINT-JAN (2)', 'Nguye\u0302\u0303n']) {
    assert.equal(mixesScripts(text), false, text);
  }
  // Latin with a Cyrillic "а" or a Greek "Ο" that look the same.
  for (const text of ['PEETERS J\u0430N', 'AZ SINT-JAN \u039f', 'ИВАНОВ Ivan']) {
    assert.equal(mixesScripts(text), true, text);
  }
  assert.equal(mixesScripts(42), false);
});

test('text from a payload is shown without control or bidi characters, and capped', () => {
  // U+202E (right-to-left override) would show "PEETERS" reversed text after it.
  assert.equal(cleanText('PEETERS\u202E NAJ\u0000\n  X'), 'PEETERS NAJ X');
  assert.equal(cleanText('A\u2066B\u200FC'), 'A B C');
  assert.equal(cleanText('x'.repeat(MAX_SHOWN_TEXT + 5)).length, MAX_SHOWN_TEXT);
  assert.equal(cleanText(42), '');
  assert.equal(formatNationalNumber('85073003328'), '85.07.30-033.28');
  assert.equal(formatNationalNumber('7100'), '7100');
  assert.equal(groupHex('4F1C0A0B0C'), '4F1C 0A0B 0C');
});

test('the bridge stopping after its hello is not reported as "not installed"', () => {
  assert.equal(nativeDisconnectFailure('Native host has exited.', true).args.code, 'bridge-stopped');
  assert.equal(nativeDisconnectFailure('Native host has exited.', false).args.code, 'bridge-unavailable');
  assert.equal(nativeDisconnectFailure(undefined, true).args.code, 'bridge-stopped', 'Firefox gives no reason');
});

test('after a sign attempt: a wrong PIN with tries left asks again, anything else ends the operation', () => {
  const wrong = load('from-bridge.wrong-pin.json').args.outcome;
  assert.equal(wrong.args.code, 'wrong-pin');
  assert.deepEqual(afterSignAttempt(wrong), { next: 'retry', triesLeft: wrong.args.tries_left });
  /** @type {import('../worker-env.js').BridgeOutcome} */
  const last = { type: 'error', args: { code: 'wrong-pin', detail: '', tries_left: 0 } };
  assert.equal(present(afterSignAttempt(last)).outcome.args.code, 'pin-blocked');
  const signature = load('to-page.signature.json')['ehcert:to-page'].args.outcome;
  assert.deepEqual(afterSignAttempt(signature), { next: 'done', outcome: signature });
  /** @type {import('../worker-env.js').BridgeOutcome} */
  const removed = { type: 'error', args: { code: 'card-removed', detail: '' } };
  assert.deepEqual(afterSignAttempt(removed), { next: 'done', outcome: removed });
  assert.equal(present(afterSignAttempt({ type: 'readers', args: [] })).outcome.args.code, 'internal');
});

test('the PIN window may send 4 to 12 digits, pinpad or cancel, and nothing else', () => {
  assert.deepEqual(parsePinWindowMessage({ type: 'pin', pin: '1234' }), { type: 'pin', pin: '1234' });
  assert.deepEqual(parsePinWindowMessage({ type: 'pin', pin: '123456789012' }), { type: 'pin', pin: '123456789012' });
  for (const message of [
    { type: 'pin', pin: '123' },
    { type: 'pin', pin: '1234567890123' },
    { type: 'pin', pin: '12a4' },
    { type: 'pin', pin: 1234 },
    { type: 'pin', pin: '1234', reader: 'x' },
    { type: 'sign' },
    null,
  ]) {
    assert.equal(parsePinWindowMessage(message), null, JSON.stringify(message));
  }
  assert.deepEqual(parsePinWindowMessage({ type: 'cancel' }), { type: 'cancel' });
  assert.deepEqual(parsePinWindowMessage({ type: 'pinpad' }), { type: 'pinpad' });
});

test('bridge replies are matched by id and mapped to the page outcome of the action', () => {
  const frame = load('from-bridge.pin-tries.json');
  const { id } = frame.args;
  assert.deepEqual(replyFor(frame, id), { outcome: frame.args.outcome });
  assert.equal(replyFor(frame, id + 1), null, 'a reply to another request is not ours');
  assert.equal(replyFor(load('from-bridge.hello.json'), id), null);
  assert.deepEqual(pageOutcomeFor('pin-status', frame.args.outcome), frame.args.outcome);
  assert.equal(/** @type {any} */ (pageOutcomeFor('read-card', frame.args.outcome)).args.code, 'internal');
  const readers = load('from-bridge.readers.json').args.outcome;
  assert.deepEqual(pageOutcomeFor('list-readers', readers), readers);
});

test('the constants are those of the Rust protocol crate (its golden constants file) and content.js', () => {
  // Written and checked by `shared/tests/constants.rs` from the Rust constants themselves.
  const constants = JSON.parse(readFileSync(new URL('../../shared/tests/golden/constants/protocol.json', import.meta.url), 'utf8'));
  assert.equal(PROTOCOL_VERSION, constants.protocol_version);
  assert.deepEqual(PROTOCOLS, constants.protocols);
  assert.equal(HOST_NAME, constants.host_name);
  assert.equal(MAX_PAGE_MESSAGE, constants.max_page_message);
  assert.equal(MAX_REQUEST_FRAME, constants.max_request_frame);
  assert.equal(CARD_CHECK_CHALLENGE_LEN, constants.card_check_challenge_len);
  assert.deepEqual([...LANGS], constants.languages);
  assert.deepEqual(KEY_FOR_OPERATION, constants.key_for_operation);
  // A content script cannot import modules: it repeats the page-message limit.
  const content = readFileSync(new URL('../content.js', import.meta.url), 'utf8');
  const product = (/** @type {string} */ text) =>
    text.split('*').reduce((value, factor) => value * Number(factor), 1);
  assert.equal(product(present(/const MAX_PAGE_MESSAGE = ([0-9 *]+);/.exec(content))[1]), constants.max_page_message);
});

test('read-card gives a page the card summary only; the identity file needs the person\'s consent', () => {
  const golden = load('to-page.card.json')['ehcert:to-page'].args.outcome;
  const card = {
    reader: golden.args.reader,
    applet: golden.args.applet,
    key_algorithm: golden.args.key_algorithm,
    identity: {
      card_number: '592123456789',
      national_number: golden.args.national_number,
      surname: golden.args.surname,
      given_names: golden.args.given_names,
      third_initial: '',
      nationality: 'Belg',
      birth_date: '30 JUL 1985',
      validity_end: '01.01.2030',
    },
    address: { street: 'Wetstraat 16', zip: '1000', municipality: 'Brussel' },
    photo_hash: 'ab',
    photo_hash_valid: true,
    certificates: golden.args.certificates,
    identity_signature_valid: true,
    address_signature_valid: true,
  };
  assert.deepEqual(pageOutcomeFor('read-card', { type: 'card', args: card }), golden);
  assert.deepEqual(cardSummary(card), golden.args);
  const identity = load('to-extension.read-identity.json')['ehcert:to-extension'].args;
  assert.deepEqual(parsePageRequest(identity), identity);
  assert.equal(parsePageRequest({ id: 1, action: { type: 'read-identity', args: { reader: null, lang: 'nl', consent: true } } }), null);
  for (const type of ['allow-once', 'allow-always', 'refuse']) assert.deepEqual(parseConsentMessage({ type }), { type });
  assert.equal(parseConsentMessage({ type: 'allow-always', origin: 'https://evil.example' }), null);
  assert.equal(parseConsentMessage({ type: 'yes' }), null);
});
