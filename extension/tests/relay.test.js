// Unit tests of the relay rules, fed by the same golden messages the Rust protocol tests use.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

import {
  MAX_PAGE_MESSAGE,
  MAX_SUBJECT_LEN,
  PROTOCOL_VERSION,
  afterSignAttempt,
  allowListFromMatches,
  cardRefusesAlgorithm,
  checkHello,
  decodeBase64,
  digestFingerprint,
  isAllowedOrigin,
  nativeDisconnectFailure,
  originOfSender,
  pageOutcomeFor,
  parsePageRequest,
  parsePinWindowMessage,
  replyFor,
} from '../relay.js';

const golden = new URL('../../shared/tests/golden/', import.meta.url);
const load = (name) => JSON.parse(readFileSync(new URL(name, golden), 'utf8'));

const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));
const DEVELOPMENT = allowListFromMatches(manifest.content_scripts.flatMap((script) => script.matches));

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
  assert.equal(older.failure.args.code, 'version-mismatch');
  assert.match(older.failure.args.detail, /update the card bridge/);
  const newer = checkHello({ type: 'hello', args: { bridge_version: '9.0.0', protocol: PROTOCOL_VERSION + 1 } });
  assert.match(newer.failure.args.detail, /update the browser extension/);
  const missing = checkHello(load('reject/from-bridge.hello-without-protocol.json'));
  assert.equal(missing.failure.args.code, 'bad-request');
  assert.equal(checkHello(load('from-bridge.readers.json')).failure.args.code, 'bad-request');
});

test('native disconnect reasons map to stable codes', () => {
  const notInstalled = nativeDisconnectFailure('Specified native messaging host not found.');
  assert.deepEqual(notInstalled, load('to-page.bridge-unavailable.json')['ehcert:to-page'].args.outcome);
  assert.equal(nativeDisconnectFailure('Native host has exited.').args.code, 'bridge-unavailable');
  assert.equal(nativeDisconnectFailure('Access to the specified native messaging host is forbidden.').args.code, 'bridge-unavailable');
  assert.equal(nativeDisconnectFailure('Error when communicating with the native messaging host.').args.code, 'internal');
});

test('every golden message kind used by the relay exists', () => {
  const names = readdirSync(golden);
  for (const name of [
    'from-bridge.hello.json',
    'from-bridge.card-holder.json',
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

test('a page cannot hand the extension a PIN, an operation text, or a digest of the wrong length', () => {
  for (const name of ['reject/to-extension.sign-with-pin.json', 'reject/to-extension.sign-unknown-operation.json']) {
    assert.equal(parsePageRequest(load(name)['ehcert:to-extension'].args), null, name);
  }
  const cases = {
    'digest of 31 bytes': (args) => (args.digest = Buffer.alloc(31).toString('base64')),
    'SHA-384 length for an RSA SHA-256 signature': (args) => (args.digest = Buffer.alloc(48).toString('base64')),
    'digest not base64': (args) => (args.digest = '!'.repeat(44)),
    'unknown key': (args) => (args.key = 'master'),
    'unknown algorithm': (args) => (args.algorithm = 'rsa-pkcs1-md5'),
    'unknown language': (args) => (args.lang = 'xx'),
    'subject too long': (args) => (args.subject = 'C'.repeat(MAX_SUBJECT_LEN + 1)),
    'subject not text': (args) => (args.subject = { toString: () => 'CN=x' }),
    'empty reader name': (args) => (args.reader = ''),
    'missing language': (args) => delete args.lang,
  };
  for (const [name, spoil] of Object.entries(cases)) {
    const request = signRequest();
    spoil(request.action.args);
    assert.equal(parsePageRequest(request), null, name);
  }
  const ecdsa = signRequest();
  Object.assign(ecdsa.action.args, { algorithm: 'ecdsa-sha384', digest: Buffer.alloc(48, 7).toString('base64'), subject: null });
  assert.notEqual(parsePageRequest(ecdsa), null, 'a SHA-384 digest for ECDSA-SHA384 is fine');
});

test('the fingerprint is the one the Rust side computes for the golden digest', () => {
  const digest = decodeBase64(signRequest().action.args.digest);
  assert.equal(digest.length, 32);
  assert.equal(digestFingerprint(digest), '0001 0203 0405 0607');
  assert.equal(digestFingerprint(Uint8Array.of(0xab, 0xcd, 0xef)), 'ABCD EF');
  assert.equal(decodeBase64('AAE'), null);
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
  const last = { type: 'error', args: { code: 'wrong-pin', detail: '', tries_left: 0 } };
  assert.equal(afterSignAttempt(last).outcome.args.code, 'pin-blocked');
  const signature = load('to-page.signature.json')['ehcert:to-page'].args.outcome;
  assert.deepEqual(afterSignAttempt(signature), { next: 'done', outcome: signature });
  const removed = { type: 'error', args: { code: 'card-removed', detail: '' } };
  assert.deepEqual(afterSignAttempt(removed), { next: 'done', outcome: removed });
  assert.equal(afterSignAttempt({ type: 'readers', args: [] }).outcome.args.code, 'internal');
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

test('the card holder decides which algorithms can be asked before the PIN window opens', () => {
  const holder = load('from-bridge.card-holder.json').args.outcome.args;
  assert.equal(cardRefusesAlgorithm('rsa-pkcs1-sha256', holder), null);
  assert.equal(cardRefusesAlgorithm('ecdsa-sha384', holder).args.code, 'unsupported-card');
  assert.equal(cardRefusesAlgorithm('rsa-pkcs1-sha256', { ...holder, key_algorithm: 'ecdsa-p384' }).args.code, 'unsupported-card');
});

test('bridge replies are matched by id and mapped to the page outcome of the action', () => {
  const frame = load('from-bridge.pin-tries.json');
  const { id } = frame.args;
  assert.deepEqual(replyFor(frame, id), { outcome: frame.args.outcome });
  assert.equal(replyFor(frame, id + 1), null, 'a reply to another request is not ours');
  assert.equal(replyFor(load('from-bridge.hello.json'), id), null);
  assert.deepEqual(pageOutcomeFor('pin-status', frame.args.outcome), frame.args.outcome);
  assert.equal(pageOutcomeFor('read-card', frame.args.outcome).args.code, 'internal');
  const readers = load('from-bridge.readers.json').args.outcome;
  assert.deepEqual(pageOutcomeFor('list-readers', readers), readers);
});

test('the size limit is the same in relay.js, content.js and the Rust protocol crate', () => {
  const content = readFileSync(new URL('../content.js', import.meta.url), 'utf8');
  const page = readFileSync(new URL('../../shared/src/page.rs', import.meta.url), 'utf8');
  const product = (text) => text.split('*').reduce((value, factor) => value * Number(factor), 1);
  assert.equal(product(/const MAX_PAGE_MESSAGE = ([0-9 *]+);/.exec(content)[1]), MAX_PAGE_MESSAGE);
  assert.equal(product(/pub const MAX_PAGE_MESSAGE: usize = ([0-9 *]+);/.exec(page)[1]), MAX_PAGE_MESSAGE);
  assert.equal(Number(/pub const MAX_SUBJECT_LEN: usize = ([0-9]+);/.exec(page)[1]), MAX_SUBJECT_LEN);
});
