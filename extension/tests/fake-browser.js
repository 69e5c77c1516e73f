// @ts-check
// A fake browser for the worker's unit tests (worker.test.js): runtime ports that record what the
// worker posts, a card bridge scripted by the test, windows, storage. Timers are node:test's.
import { createWorker } from '../worker-dispatch.js';

export const EXTENSION_ID = 'abcdefghijklmnopabcdefghijklmnop';
export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;
export const PAGE_ORIGIN = 'http://127.0.0.1:8080';

/** A browser event: listeners added, fired by the test. */
class FakeEvent {
  /** @type {((value: any) => void)[]} */
  listeners = [];
  /** @param {(value: any) => void} listener */
  addListener(listener) {
    this.listeners.push(listener);
  }
  /** @param {any} value */
  fire(value) {
    for (const listener of [...this.listeners]) listener(value);
  }
}

/** One end of a runtime port: what the worker posts is recorded; the test delivers the rest. */
export class FakePort {
  /** @type {any[]} */
  sent = [];
  disconnected = false;
  onMessage = new FakeEvent();
  onDisconnect = new FakeEvent();
  /** @type {((message: any) => void) | null} */
  onPost = null;

  /**
   * @param {string} name
   * @param {chrome.runtime.MessageSender} [sender]
   */
  constructor(name, sender) {
    this.name = name;
    this.sender = sender;
  }

  /** @param {any} message */
  postMessage(message) {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    this.sent.push(message);
    this.onPost?.(message);
  }

  disconnect() {
    this.disconnected = true;
  }

  /** The other end sends `message`. @param {any} message */
  deliver(message) {
    if (!this.disconnected) this.onMessage.fire(message);
  }

  /** The other end goes away (a window closed, a page left, a bridge stopped). */
  drop() {
    if (this.disconnected) return;
    this.disconnected = true;
    this.onDisconnect.fire(this);
  }
}

/**
 * The card bridge's answer to a command: an outcome, or undefined to answer nothing (it hangs).
 * @typedef {(command: {type: string, args?: any}) => {type: string, args?: any} | undefined} BridgeScript
 */

export const HELLO = { type: 'hello', args: { bridge_version: '0.1.0', protocol: 2 } };

/** A card holder as the bridge's preview and card-holder name them. */
export const HOLDER = {
  reader: 'Virtual PCD 00 00',
  pinpad: false,
  applet: '1.8',
  key_algorithm: 'ec-p384',
  surname: 'Peeters',
  given_names: 'Jan',
  card_number: '592123456789',
  national_number: '85073003328',
};

/**
 * The fake browser's clock: moved only by `tick`, together with node:test's fake timers.
 */
export const clock = { now: 1_000_000 };

/**
 * Moves the fake timers and the fake clock on by `ms`.
 * @param {import('node:test').MockTimers} timers
 * @param {number} ms
 */
export function tick(timers, ms) {
  clock.now += ms;
  timers.tick(ms);
}

/**
 * Fakes `setTimeout` (only: the clock is the fake browser's). Node 20.4 and 18.19 take the
 * list of timer functions, later releases an object.
 * @param {import('node:test').MockTimers} timers
 */
export function fakeTimers(timers) {
  try {
    timers.enable({ apis: ['setTimeout'] });
  } catch {
    timers.enable(/** @type {any} */ (['setTimeout']));
  }
}

/**
 * Whether `url` matches a match pattern of the content script's kind (`scheme://host/*`, any
 * port on that host, as Chrome's match patterns).
 * @param {string} pattern @param {string} url
 */
function matchesPattern(pattern, url) {
  const [scheme, rest] = pattern.split('://');
  const host = rest.slice(0, rest.indexOf('/'));
  const parsed = new URL(url);
  return parsed.protocol === `${scheme}:` && parsed.hostname === host;
}

/**
 * A browser with the worker running in it.
 * @param {{bridge?: BridgeScript, hello?: unknown}} [options] `hello`: the bridge's first frame
 *   (null: none)
 */
export function fakeBrowser({ bridge = () => undefined, hello = HELLO } = {}) {
  /** @type {FakePort[]} */
  const natives = [];
  /** @type {{id: number, url: string}[]} */
  const windows = [];
  /** @type {number[]} */
  const removed = [];
  /** @type {Map<string, unknown>} */
  const storage = new Map();
  /** @type {Map<string, unknown>} */
  const session = new Map();
  /** @type {Set<(windowId: number) => void>} */
  const windowRemoved = new Set();
  let nextWindow = 100;
  let nextTab = 1;
  let nextUuid = 1;
  const browser = {
    natives,
    windows,
    removed,
    storage,
    session,
    /** Open tabs, with how often the content script was put into each. */
    /** @type {{id: number, url: string, injected: number}[]} */
    tabs: [],
    script: bridge,
    /** @type {string | undefined} */
    lastError: undefined,
    /** The browser's UI language, then the person's languages for web pages. */
    languages: ['en-US', 'en'],
  };
  /** @type {import('../worker-env.js').Env} */
  const env = {
    connectNative: () => {
      const native = new FakePort('native');
      natives.push(native);
      native.onPost = ({ id, command }) => {
        const outcome = browser.script(command);
        if (outcome !== undefined) queueMicrotask(() => native.deliver({ type: 'reply', args: { id, outcome } }));
      };
      if (hello !== null) queueMicrotask(() => native.deliver(hello));
      return native;
    },
    lastError: () => browser.lastError,
    createWindow: async (options) => {
      const id = nextWindow++;
      windows.push({ id, url: options.url });
      return { id };
    },
    removeWindow: async (windowId) => {
      removed.push(windowId);
      for (const listener of [...windowRemoved]) listener(windowId);
    },
    onWindowRemoved: (listener) => windowRemoved.add(listener),
    offWindowRemoved: (listener) => windowRemoved.delete(listener),
    storageGet: async (key) => storage.get(key),
    storageSet: async (key, value) => {
      storage.set(key, value);
    },
    openTabs: async (matches) => browser.tabs.filter((tab) => matches.some((pattern) => matchesPattern(pattern, tab.url))).map((tab) => tab.id),
    injectContentScript: async (tabId) => {
      const tab = browser.tabs.find((candidate) => candidate.id === tabId);
      if (!tab) throw new Error(`no tab ${tabId}`);
      tab.injected += 1;
    },
    sessionGet: async (key) => session.get(key),
    sessionSet: async (key, value) => {
      session.set(key, value);
    },
    storageForget: async (prefix) => {
      const keys = [...storage.keys()].filter((key) => key.startsWith(prefix));
      for (const key of keys) storage.delete(key);
      return keys.length;
    },
    random: (bytes) => bytes.fill(7),
    uuid: () => `operation-${nextUuid++}`,
    now: () => clock.now,
    browserLanguages: async () => browser.languages,
    extensionId: EXTENSION_ID,
    extensionVersion: '0.1.0',
    matches: ['http://127.0.0.1/*', 'http://localhost/*'],
    pinPage: `${EXTENSION_ORIGIN}/pin.html`,
    consentPage: `${EXTENSION_ORIGIN}/consent.html`,
  };
  const worker = createWorker(env);

  /** A tab of `origin` with the content script's port to the worker. */
  function openPage(origin = PAGE_ORIGIN) {
    const port = new FakePort('ehcert-page', { origin, frameId: 0, tab: /** @type {chrome.tabs.Tab} */ ({ id: nextTab++ }) });
    worker.onConnect(port);
    let nextId = 1;
    return {
      port,
      /**
       * Sends a page request; resolves to the worker's outcome.
       * @param {{type: string, args?: any}} action
       * @returns {Promise<{type: string, args?: any}>}
       */
      ask(action) {
        const id = nextId++;
        return new Promise((resolve) => {
          const previous = port.onPost;
          port.onPost = (message) => {
            if (message.id === id) resolve(message.outcome);
            else previous?.(message);
          };
          port.deliver({ id, action });
        });
      },
    };
  }

  /**
   * The extension window the worker opened last connects, as the PIN or consent page does.
   * @param {'ehcert-pin' | 'ehcert-consent'} name
   */
  function connectWindow(name) {
    const opened = windows.at(-1);
    if (!opened) throw new Error('no window was opened');
    const port = new FakePort(name, {
      id: EXTENSION_ID,
      origin: EXTENSION_ORIGIN,
      url: opened.url,
      tab: /** @type {chrome.tabs.Tab} */ ({ windowId: opened.id }),
    });
    worker.onConnect(port);
    return port;
  }

  /** The person closes the window the worker opened last. */
  function closeWindow() {
    const opened = windows.at(-1);
    if (!opened) throw new Error('no window was opened');
    for (const listener of [...windowRemoved]) listener(opened.id);
  }

  return Object.assign(browser, { env, worker, openPage, connectWindow, closeWindow });
}

/**
 * Lets every promise and queued callback that can run, run (timers are fake: only `tick` moves
 * them). `until`: keeps going until it holds.
 * @param {() => boolean} [until]
 */
export async function settle(until = () => true) {
  // Real time (`performance` is not faked): WebCrypto's digest finishes off the main thread.
  const started = performance.now();
  for (let round = 0; performance.now() - started < 5_000; round += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    if (round >= 3 && until()) return;
  }
  throw new Error('what the test waited for did not happen');
}
