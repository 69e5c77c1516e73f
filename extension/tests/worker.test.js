// @ts-check
// The worker's orchestration (worker-*.js) against a fake browser and a scripted card bridge,
// with fake timers: what the page gets, what the windows are told, what the bridge is asked.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';

import {
  ARMING_DELAY_MS,
  CONSENT_PREFIX,
  HANDSHAKE_TIMEOUT_MS,
  KIOSK_EXTENSION_ID,
  MAX_REQUEST_FRAME,
  SUPPORT_EVENTS_KEPT,
  SUPPORT_EVENTS_KEY,
  USER_TIMEOUT_MS,
  cancelPauseMs,
  jsonBytes,
  supportReportLines,
} from '../relay.js';
import { holderTag } from '../worker-identity.js';
import { reachOpenPages } from '../worker-pages.js';
import { HOLDER, PAGE_ORIGIN, clock, fakeBrowser, fakeTimers, settle, tick } from './fake-browser.js';

beforeEach(() => fakeTimers(mock.timers));
afterEach(() => mock.timers.reset());

const CARD_CHECK = { type: 'card-check', args: { reader: null, lang: 'en' } };
const READ_IDENTITY = { type: 'read-identity', args: { reader: null, lang: 'en' } };
const SIGNATURE = { algorithm: 'ecdsa-p384-sha384', value: 'c2lnbmF0dXJl', certificate: 'Y2VydA==' };

/**
 * A bridge with a card: previews card checks, signs with PIN 1234, and counts wrong PINs down
 * from `tries`.
 * @param {{pinpad?: boolean, tries?: number, holder?: typeof HOLDER}} [options]
 */
function cardBridge({ pinpad = false, tries = 3, holder = HOLDER } = {}) {
  let left = tries;
  return (/** @type {{type: string, args?: any}} */ command) => {
    switch (command.type) {
      case 'preview':
        return { type: 'preview', args: { holder: { ...holder, pinpad }, operation: { type: 'card-check', args: { origin: PAGE_ORIGIN } } } };
      case 'sign':
        if (command.args.pin.type === 'pinpad' || command.args.pin.args === '1234') return { type: 'signature', args: SIGNATURE };
        left -= 1;
        return { type: 'error', args: { code: 'wrong-pin', detail: 'wrong PIN', tries_left: left } };
      case 'card-holder':
        return { type: 'card-holder', args: holder };
      case 'read-card':
        return { type: 'card', args: { reader: holder.reader, identity: { national_number: holder.national_number, birth_date: '1985-07-30' } } };
      default:
        return { type: 'error', args: { code: 'bad-request', detail: command.type } };
    }
  };
}

/** What the bridge processes were asked, by command type, over the whole test. */
function commands(/** @type {ReturnType<typeof fakeBrowser>} */ browser) {
  return browser.natives.flatMap((native) => native.sent.map((frame) => frame.command.type));
}

/** Starts a card check and returns the PIN window's port once the worker told it what to show. */
async function pinWindowOf(/** @type {ReturnType<typeof fakeBrowser>} */ browser, /** @type {Promise<any>} */ _outcome) {
  await settle(() => browser.windows.length > 0);
  const window = browser.connectWindow('ehcert-pin');
  assert.equal(window.sent[0].type, 'show');
  return window;
}

test('status: the bridge says hello and the page gets both versions', async () => {
  const browser = fakeBrowser();
  const outcome = await browser.openPage().ask({ type: 'status' });
  assert.deepEqual(outcome, { type: 'status', args: { extension_version: '0.1.0', bridge: { bridge_version: '0.1.0', protocol: 2 } } });
  assert.ok(browser.natives[0].disconnected, 'each operation ends its bridge');
});

test('a bridge that never says hello is given up after the handshake timeout', async () => {
  const browser = fakeBrowser({ hello: null });
  const outcome = browser.openPage().ask({ type: 'status' });
  await settle();
  tick(mock.timers, HANDSHAKE_TIMEOUT_MS - 1);
  await settle();
  assert.equal(browser.natives[0].disconnected, false);
  tick(mock.timers, 1);
  assert.equal((await outcome).args.code, 'timeout');
  assert.ok(browser.natives[0].disconnected);
});

test('a bad hello: another protocol says which part to update, garbage is refused', async () => {
  const older = await fakeBrowser({ hello: { type: 'hello', args: { bridge_version: '0.0.9', protocol: 1 } } }).openPage().ask({ type: 'status' });
  assert.equal(older.args.code, 'version-mismatch');
  assert.match(older.args.detail, /update the card bridge/);
  const garbage = await fakeBrowser({ hello: { type: 'reply', args: {} } }).openPage().ask({ type: 'list-readers' });
  assert.equal(garbage.args.code, 'bad-request');
});

test('the bridge stopping while the PIN window waits ends the operation and closes the window', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const outcome = browser.openPage().ask(CARD_CHECK);
  const window = await pinWindowOf(browser, outcome);
  browser.lastError = 'Native host has exited.';
  browser.natives[0].drop();
  const result = await outcome;
  assert.equal(result.args.code, 'bridge-stopped');
  assert.deepEqual(browser.removed, [browser.windows[0].id]);
  assert.ok(window.disconnected);
});

test('wrong PINs: the window is told the tries left each time, and the last try ends as blocked', async () => {
  const browser = fakeBrowser({ bridge: cardBridge({ tries: 3 }) });
  const outcome = browser.openPage().ask(CARD_CHECK);
  const window = await pinWindowOf(browser, outcome);
  tick(mock.timers, ARMING_DELAY_MS);
  for (const expected of [2, 1]) {
    window.deliver({ type: 'pin', pin: '9999' });
    await settle(() => window.sent.some((message) => message.type === 'wrong-pin' && message.tries_left === expected));
  }
  window.deliver({ type: 'pin', pin: '9999' });
  const result = await outcome;
  assert.equal(result.args.code, 'pin-blocked');
  assert.deepEqual(
    window.sent.map((message) => message.type),
    ['show', 'signing', 'wrong-pin', 'signing', 'wrong-pin', 'signing'],
  );
});

test('the right PIN signs the extension\'s own challenge, once the window was armed', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const outcome = browser.openPage().ask(CARD_CHECK);
  const window = await pinWindowOf(browser, outcome);
  // A PIN that arrives before the window could have been read is not taken.
  window.deliver({ type: 'pin', pin: '1234' });
  await settle();
  assert.deepEqual(commands(browser), ['preview']);
  tick(mock.timers, ARMING_DELAY_MS);
  window.deliver({ type: 'pin', pin: '1234' });
  const result = await outcome;
  assert.equal(result.type, 'card-check');
  assert.deepEqual(result.args.signature, SIGNATURE);
  assert.equal(result.args.challenge, Buffer.alloc(32, 7).toString('base64'));
  assert.deepEqual(commands(browser), ['preview', 'sign']);
});

test('a PIN-pad reader: the signature starts when the window shows, with no PIN from the window', async () => {
  const browser = fakeBrowser({ bridge: cardBridge({ pinpad: true }) });
  const outcome = browser.openPage().ask(CARD_CHECK);
  const window = await pinWindowOf(browser, outcome);
  assert.equal(window.sent[0].details.pinpad, true);
  const result = await outcome;
  assert.equal(result.type, 'card-check');
  const sign = browser.natives[0].sent.find((frame) => frame.command.type === 'sign');
  assert.deepEqual(sign.command.args.pin, { type: 'pinpad' });
  // Digits from the window are never taken for a PIN-pad reader.
  assert.equal(browser.natives[0].sent.filter((frame) => frame.command.type === 'sign').length, 1);
});

test('the PIN window closed, or Cancel: cancelled, and nothing signed', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const page = browser.openPage();
  let outcome = page.ask(CARD_CHECK);
  await pinWindowOf(browser, outcome);
  browser.closeWindow();
  assert.equal((await outcome).args.code, 'user-cancelled');
  outcome = page.ask(CARD_CHECK);
  await settle(() => browser.windows.length === 2);
  const window = browser.connectWindow('ehcert-pin');
  window.deliver({ type: 'cancel' });
  const result = await outcome;
  assert.equal(result.args.code, 'user-cancelled');
  assert.match(result.args.detail, /Cancel was pressed/);
  assert.ok(!commands(browser).includes('sign'));
});

test('the page going away ends the signature and closes its window', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const page = browser.openPage();
  const outcome = page.ask(CARD_CHECK);
  await pinWindowOf(browser, outcome);
  page.port.drop();
  await settle(() => browser.removed.length === 1);
  assert.deepEqual(browser.removed, [browser.windows[0].id]);
  assert.ok(!commands(browser).includes('sign'));
});

test('no PIN within the person\'s time: timeout, and the window closes', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const outcome = browser.openPage().ask(CARD_CHECK);
  await pinWindowOf(browser, outcome);
  tick(mock.timers, USER_TIMEOUT_MS);
  const result = await outcome;
  assert.equal(result.args.code, 'timeout');
  assert.equal(browser.removed.length, 1);
});

test('a second signature while one runs is refused as busy, and its window never opens', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const page = browser.openPage();
  const first = page.ask(CARD_CHECK);
  const window = await pinWindowOf(browser, first);
  const second = await browser.openPage().ask({ type: 'sign', args: { reader: null, key: 'signature', signed_info: '<a/>', payload: '<b/>', lang: 'en' } });
  assert.equal(second.args.code, 'busy');
  assert.equal(browser.windows.length, 1);
  tick(mock.timers, ARMING_DELAY_MS);
  window.deliver({ type: 'pin', pin: '1234' });
  assert.equal((await first).type, 'card-check');
});

test('a second window port for the same operation, or one from another page, is refused', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const outcome = browser.openPage().ask(CARD_CHECK);
  await pinWindowOf(browser, outcome);
  const again = browser.connectWindow('ehcert-pin');
  assert.ok(again.disconnected);
  assert.deepEqual(again.sent, []);
});

test('after two Cancels in a row a tab waits before the PIN window opens again; a signature resets it', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const page = browser.openPage();
  for (let cancelled = 1; cancelled <= 2; cancelled += 1) {
    const outcome = page.ask(CARD_CHECK);
    await settle(() => browser.windows.length === cancelled);
    browser.connectWindow('ehcert-pin').deliver({ type: 'cancel' });
    assert.equal((await outcome).args.code, 'user-cancelled');
  }
  const bridges = browser.natives.length;
  const paused = await page.ask(CARD_CHECK);
  assert.equal(paused.args.code, 'user-cancelled');
  assert.match(paused.args.detail, /cancelled 2 times in a row; it opens again in 10 s/);
  assert.equal(browser.natives.length, bridges, 'no bridge is started, no window opened');
  assert.equal(browser.windows.length, 2);
  // Another tab is not held back by this one.
  const other = browser.openPage().ask({ type: 'status' });
  assert.equal((await other).type, 'status');
  tick(mock.timers, cancelPauseMs(2));
  const outcome = page.ask(CARD_CHECK);
  const window = await pinWindowOf(browser, outcome);
  tick(mock.timers, ARMING_DELAY_MS);
  window.deliver({ type: 'pin', pin: '1234' });
  assert.equal((await outcome).type, 'card-check');
  // Signed: the count starts again.
  const next = page.ask(CARD_CHECK);
  await settle(() => browser.windows.length === 4);
  browser.connectWindow('ehcert-pin').deliver({ type: 'cancel' });
  assert.equal((await next).args.code, 'user-cancelled');
  const notPaused = page.ask(CARD_CHECK);
  await settle(() => browser.windows.length === 5);
  browser.closeWindow();
  assert.doesNotMatch((await notPaused).args.detail, /in a row/);
});

test('the windows speak the browser\'s language, never the one the page names', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  browser.languages = ['fr-BE', 'nl-BE', 'en'];
  const signing = browser.openPage().ask({ ...CARD_CHECK, args: { ...CARD_CHECK.args, lang: 'de' } });
  const pinWindow = await pinWindowOf(browser, signing);
  assert.equal(pinWindow.sent[0].details.lang, 'fr');
  browser.closeWindow();
  await signing;
  // A UI language the windows do not have: the next of the browser's languages; none: English.
  browser.languages = ['es-ES', 'nl', 'fr'];
  const identity = browser.openPage().ask({ ...READ_IDENTITY, args: { ...READ_IDENTITY.args, lang: 'de' } });
  const consentWindow = await consentWindowOf(browser, 2);
  assert.equal(consentWindow.sent[0].details.lang, 'nl');
  browser.closeWindow();
  await identity;
  browser.languages = ['es-ES', 'pt'];
  const third = browser.openPage().ask({ ...READ_IDENTITY, args: { ...READ_IDENTITY.args, lang: 'fr' } });
  assert.equal((await consentWindowOf(browser, 3)).sent[0].details.lang, 'en');
  browser.closeWindow();
  await third;
});

/** Starts an identity read and returns the consent window's port, shown. */
async function consentWindowOf(/** @type {ReturnType<typeof fakeBrowser>} */ browser, count = 1) {
  await settle(() => browser.windows.length === count);
  const window = browser.connectWindow('ehcert-consent');
  assert.equal(window.sent[0].type, 'show');
  return window;
}

test('consent refused: the page gets nothing of the card', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const outcome = browser.openPage().ask(READ_IDENTITY);
  const window = await consentWindowOf(browser);
  assert.equal(window.sent[0].details.holder, 'Jan Peeters');
  assert.equal(window.sent[0].details.origin, PAGE_ORIGIN);
  tick(mock.timers, ARMING_DELAY_MS);
  window.deliver({ type: 'refuse' });
  assert.equal((await outcome).args.code, 'user-cancelled');
  // Then only the bridge's own lines, for the support report.
  assert.deepEqual(commands(browser), ['card-holder', 'recent-events']);
});

test('consent this time: the identity once, asked again next time, nothing kept', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const page = browser.openPage();
  const outcome = page.ask(READ_IDENTITY);
  const window = await consentWindowOf(browser);
  // A click already on its way when the window appeared is not an answer.
  window.deliver({ type: 'allow-once' });
  await settle();
  assert.deepEqual(commands(browser), ['card-holder']);
  tick(mock.timers, ARMING_DELAY_MS);
  window.deliver({ type: 'allow-once' });
  const result = await outcome;
  assert.equal(result.type, 'identity');
  assert.equal(result.args.identity.birth_date, '1985-07-30');
  assert.equal(browser.storage.size, 0);
  const again = page.ask(READ_IDENTITY);
  await consentWindowOf(browser, 2);
  browser.closeWindow();
  assert.equal((await again).args.code, 'user-cancelled');
});

test('consent always: never one click, kept for this holder only, and naming no one', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const page = browser.openPage();
  const outcome = page.ask(READ_IDENTITY);
  const window = await consentWindowOf(browser);
  tick(mock.timers, ARMING_DELAY_MS);
  // "Always" without its confirmation, or confirmed at once, is no answer.
  window.deliver({ type: 'allow-always' });
  window.deliver({ type: 'ask-always' });
  window.deliver({ type: 'allow-always' });
  await settle();
  assert.deepEqual(commands(browser), ['card-holder']);
  tick(mock.timers, ARMING_DELAY_MS);
  window.deliver({ type: 'allow-always' });
  assert.equal((await outcome).type, 'identity');
  const kept = browser.storage.get(CONSENT_PREFIX + PAGE_ORIGIN);
  assert.deepEqual(kept, [await holderTag(PAGE_ORIGIN, HOLDER.national_number)]);
  assert.doesNotMatch(JSON.stringify([...browser.storage]), new RegExp(HOLDER.national_number));
  // The same holder: no window.
  const windows = browser.windows.length;
  assert.equal((await page.ask(READ_IDENTITY)).type, 'identity');
  assert.equal(browser.windows.length, windows);
  // Another person's card in the same browser: asked.
  browser.script = cardBridge({ holder: { ...HOLDER, national_number: '90010100123', given_names: 'An', surname: 'Claes' } });
  const other = page.ask(READ_IDENTITY);
  const otherWindow = await consentWindowOf(browser, windows + 1);
  assert.equal(otherWindow.sent[0].details.holder, 'An Claes');
  browser.closeWindow();
  assert.equal((await other).args.code, 'user-cancelled');
});

test('a consent kept the old way, for a whole origin, no longer answers for a card holder', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  browser.storage.set(CONSENT_PREFIX + PAGE_ORIGIN, true);
  const outcome = browser.openPage().ask(READ_IDENTITY);
  await consentWindowOf(browser);
  browser.closeWindow();
  assert.equal((await outcome).args.code, 'user-cancelled');
});

test('a card swapped while the person was asked is not read for the first one\'s consent', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  const outcome = browser.openPage().ask(READ_IDENTITY);
  const window = await consentWindowOf(browser);
  browser.script = cardBridge({ holder: { ...HOLDER, national_number: '90010100123' } });
  tick(mock.timers, ARMING_DELAY_MS);
  window.deliver({ type: 'allow-once' });
  assert.equal((await outcome).args.code, 'card-removed');
});

test('a request whose bridge frame would be over the bridge\'s byte limit is refused, never sent', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  // 17 000 accented letters: 17 000 UTF-16 units, 34 000 bytes of UTF-8.
  const payload = 'é'.repeat(17_000);
  const action = { type: 'sign', args: { reader: null, key: 'signature', signed_info: '<s/>', payload, lang: 'fr' } };
  assert.ok(JSON.stringify(action).length < MAX_REQUEST_FRAME && jsonBytes(action) > MAX_REQUEST_FRAME);
  const outcome = await browser.openPage().ask(action);
  assert.equal(outcome.args.code, 'bad-request');
  assert.match(outcome.args.detail, /bytes is over the card bridge's limit/);
  assert.deepEqual(commands(browser), ['recent-events'], 'the bridge got no frame it would have to stop on');
});

test('the kiosk extension\'s Finish makes every lasting consent forgotten; no other extension can', async () => {
  const browser = fakeBrowser({ bridge: cardBridge() });
  browser.storage.set(CONSENT_PREFIX + PAGE_ORIGIN, ['a tag']);
  browser.storage.set(`${CONSENT_PREFIX}https://other.example`, ['another tag']);
  const forget = { ask: 'forget-identity-consents' };
  assert.equal(await browser.worker.onExternalMessage(forget, { id: 'someotherextensionidabcdefghijkl' }), null);
  assert.equal(await browser.worker.onExternalMessage({ ask: 'something else' }, { id: KIOSK_EXTENSION_ID }), null);
  assert.equal(await browser.worker.onExternalMessage(forget, {}), null);
  assert.equal(browser.storage.size, 2);
  browser.session.set(SUPPORT_EVENTS_KEY, [{ at: '2026-12-07T14:03:11Z', action: 'read-card', code: 'no-card', bridge_events: [] }]);
  assert.deepEqual(await browser.worker.onExternalMessage(forget, { id: KIOSK_EXTENSION_ID }), { forgotten: 2 });
  assert.equal(browser.storage.size, 0);
  // Nor does the next person's support report show this one's failures.
  assert.deepEqual(browser.session.get(SUPPORT_EVENTS_KEY), []);
  // The next person's card is asked about again.
  const outcome = browser.openPage().ask(READ_IDENTITY);
  await consentWindowOf(browser);
  browser.closeWindow();
  assert.equal((await outcome).args.code, 'user-cancelled');
});

/** The fake clock's time `later` ms from now as the report writes it: RFC 3339 to the second. */
function stamp(later = 0) {
  return new Date(clock.now + later).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A bridge whose card is not there, and which hands over `lines` when asked for them. */
function noCardBridge(/** @type {string[] | null} */ lines) {
  return (/** @type {{type: string}} */ command) => {
    if (command.type === 'recent-events') {
      return lines ? { type: 'events', args: lines } : { type: 'error', args: { code: 'bad-request', detail: 'unknown variant' } };
    }
    return { type: 'error', args: { code: 'no-card', detail: 'no reader holds a card' } };
  };
}

test('a failed operation is kept for the support report, with the bridge\'s lines, in session storage only', async () => {
  const lines = ['+0 ms hello: bridge 0.1.0 protocol 2 of [2]', '+3 ms #1 read-card reader=None', '+9 ms #1 error NoCard: no reader holds a card in 6 ms'];
  const browser = fakeBrowser({ bridge: noCardBridge(lines) });
  const page = browser.openPage();
  const at = stamp();
  assert.equal((await page.ask({ type: 'read-card', args: { reader: null } })).args.code, 'no-card');
  assert.deepEqual(commands(browser), ['read-card', 'recent-events']);
  assert.deepEqual(browser.session.get(SUPPORT_EVENTS_KEY), [
    { at, action: 'read-card', code: 'no-card', bridge_version: '0.1.0', bridge_events: lines },
  ]);
  assert.equal(browser.storage.size, 0, 'nothing of it on disk');
  // A success is not kept.
  browser.script = () => ({ type: 'readers', args: [] });
  assert.equal((await page.ask({ type: 'list-readers' })).type, 'readers');
  assert.equal(/** @type {unknown[]} */ (browser.session.get(SUPPORT_EVENTS_KEY)).length, 1);
});

test('the support report: versions, readers, the card\'s applet and key type, what failed, and never the holder', async () => {
  const browser = fakeBrowser({ bridge: noCardBridge(['+9 ms #1 error NoCard: no reader holds a card in 6 ms']) });
  const page = browser.openPage();
  const at = stamp();
  await page.ask({ type: 'pin-status', args: { reader: null } });
  browser.script = (/** @type {{type: string}} */ command) =>
    command.type === 'list-readers'
      ? { type: 'readers', args: [{ name: 'Virtual PCD 00 00', card_present: true, pinpad: false }, { name: 'Pinpad 01', card_present: false, pinpad: true }] }
      : command.type === 'card-holder'
        ? { type: 'card-holder', args: HOLDER }
        : { type: 'error', args: { code: 'bad-request', detail: command.type } };
  const report = await page.ask({ type: 'support-report' });
  assert.equal(report.type, 'support-report');
  assert.deepEqual(report.args, [
    'Extension: 0.1.0 (protocols 2)',
    'Card bridge: 0.1.0 (protocols 2)',
    'Readers:',
    '  - Virtual PCD 00 00: card present, no PIN pad',
    '  - Pinpad 01: no card, PIN pad',
    `Card: applet ${HOLDER.applet}, keys ${HOLDER.key_algorithm}, in Virtual PCD 00 00`,
    'Failed operations kept by the extension (latest last):',
    `  - ${at} pin-status: no-card (card bridge 0.1.0)`,
    '      +9 ms #1 error NoCard: no reader holds a card in 6 ms',
  ]);
  const text = report.args.join('\n');
  for (const personal of [HOLDER.surname, HOLDER.given_names, HOLDER.card_number, HOLDER.national_number]) {
    assert.ok(!text.includes(personal), `${personal} in the report`);
  }
  // The report is not itself kept as an operation.
  assert.equal(/** @type {unknown[]} */ (browser.session.get(SUPPORT_EVENTS_KEY)).length, 1);
});

test('the support report says what it could not learn and why', () => {
  const extension = { version: '0.1.0', protocols: [2] };
  assert.deepEqual(supportReportLines({ extension, hello: null, bridgeFailure: 'bridge-unavailable', readers: null, holder: null, kept: undefined }), [
    'Extension: 0.1.0 (protocols 2)',
    'Card bridge: not available: bridge-unavailable',
    'Failed operations kept by the extension: none',
  ]);
  const hello = { bridge_version: '0.1.0', protocol: 2 };
  /** @type {import('../worker-env.js').BridgeOutcome} */
  const empty = { type: 'readers', args: [] };
  assert.deepEqual(supportReportLines({ extension, hello, readers: empty, holder: null, kept: [] }).slice(1, 4), [
    'Card bridge: 0.1.0 (protocols 2)',
    'Readers: none',
    'Card: not read (no reader holds a card)',
  ]);
  /** @type {import('../worker-env.js').BridgeOutcome} */
  const failed = { type: 'error', args: { code: 'pcsc-unavailable', detail: 'no service' } };
  assert.deepEqual(supportReportLines({ extension, hello, readers: failed, holder: null, kept: [] }).slice(2, 3), ['Readers: not available: pcsc-unavailable']);
});

test('an older bridge that keeps no lines: the failure is kept without them', async () => {
  const browser = fakeBrowser({ bridge: noCardBridge(null) });
  const page = browser.openPage();
  const at = stamp();
  await page.ask({ type: 'pin-status', args: { reader: null } });
  assert.deepEqual(browser.session.get(SUPPORT_EVENTS_KEY), [
    { at, action: 'pin-status', code: 'no-card', bridge_version: '0.1.0', bridge_events: [] },
  ]);
});

test('the support report keeps the latest failures only', async () => {
  const browser = fakeBrowser({ bridge: noCardBridge(['+0 ms hello']) });
  const page = browser.openPage();
  const [fourth, last] = [stamp(3000), stamp((SUPPORT_EVENTS_KEPT + 2) * 1000)];
  for (let n = 0; n < SUPPORT_EVENTS_KEPT + 3; n++) {
    await page.ask({ type: 'read-card', args: { reader: null } });
    tick(mock.timers, 1000);
  }
  const kept = /** @type {{at: string}[]} */ (browser.session.get(SUPPORT_EVENTS_KEY));
  assert.equal(kept.length, SUPPORT_EVENTS_KEPT);
  assert.equal(kept[0].at, fourth, 'the three oldest are gone');
  assert.equal(kept.at(-1)?.at, last);
});

test('the content script goes into the allowed pages already open, once per run of the extension', async () => {
  const browser = fakeBrowser();
  browser.tabs.push(
    { id: 1, url: 'http://127.0.0.1:8080/#new', injected: 0 },
    { id: 2, url: 'https://elsewhere.example/', injected: 0 },
    { id: 3, url: 'http://localhost:3000/', injected: 0 },
    { id: 4, url: 'http://127.0.0.1:8080/gone', injected: 0 },
  );
  const env = browser.env;
  const inject = env.injectContentScript;
  // A page that closed meanwhile does not stop the others.
  env.injectContentScript = async (tabId) => {
    if (tabId === 4) throw new Error('No tab with id: 4');
    await inject(tabId);
  };
  assert.equal(await reachOpenPages(env), 2);
  assert.deepEqual(browser.tabs.map((tab) => tab.injected), [1, 0, 1, 0]);
  // The worker woke up again in the same run: nothing more.
  assert.equal(await reachOpenPages(env), 0);
  assert.deepEqual(browser.tabs.map((tab) => tab.injected), [1, 0, 1, 0]);
  // The extension disabled and enabled, or updated: the browser emptied the session storage.
  browser.session.clear();
  assert.equal(await reachOpenPages(env), 2);
  assert.deepEqual(browser.tabs.map((tab) => tab.injected), [2, 0, 2, 0]);
});
