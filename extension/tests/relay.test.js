// Unit tests of the relay rules, fed by the same golden messages the Rust protocol tests use.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

import {
  PROTOCOL_VERSION,
  checkHello,
  isAllowedOrigin,
  nativeDisconnectFailure,
  originOfSender,
  parsePageRequest,
} from '../relay.js';

const golden = new URL('../../shared/tests/golden/', import.meta.url);
const load = (name) => JSON.parse(readFileSync(new URL(name, golden), 'utf8'));

test('only loopback development origins are allowed, exactly as the browser spells them', () => {
  assert.ok(isAllowedOrigin('http://127.0.0.1:8080'));
  assert.ok(isAllowedOrigin('http://localhost:3000'));
  assert.ok(isAllowedOrigin('http://localhost'));
  for (const origin of [
    'https://evil.example',
    'http://127.0.0.2:8080',
    'http://localhost.evil.example',
    'http://127.0.0.1:8080/path',
    'file://',
    'null',
    '',
    undefined,
    { toString: () => 'http://localhost' },
  ]) {
    assert.equal(isAllowedOrigin(origin), false, String(origin));
  }
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
  for (const name of ['from-bridge.hello.json', 'to-extension.status.json', 'to-page.bridge-unavailable.json']) {
    assert.ok(names.includes(name), name);
  }
});
