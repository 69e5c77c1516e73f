// @ts-check
// What the service worker's parts use of the browser, as one object: background.js passes the
// real browser's, the unit tests (tests/worker.test.js) a fake one. Timers are the global
// `setTimeout`, which the tests replace with node:test's fake timers; the clock is `now`, which
// the tests move with them.

/**
 * A runtime port as the worker uses it (`chrome.runtime.Port`): the page's, a window's or the
 * bridge's.
 * @typedef {{
 *   name: string,
 *   sender?: chrome.runtime.MessageSender,
 *   error?: {message?: string},
 *   postMessage: (message: unknown) => void,
 *   disconnect: () => void,
 *   onMessage: {addListener: (listener: (message: unknown) => void) => void},
 *   onDisconnect: {addListener: (listener: (port: {error?: {message?: string}} & object) => void) => void},
 * }} Port
 *
 * The protocol's messages, as the Rust crate `ehcert-shared` defines them (generated from it:
 * shared/tests/golden/constants/protocol.d.ts).
 * @typedef {import('../shared/tests/golden/constants/protocol.js').Outcome} BridgeOutcome the
 *   bridge's answer to a command
 * @typedef {import('../shared/tests/golden/constants/protocol.js').PageOutcome} Outcome what the
 *   page is answered
 * @typedef {import('../shared/tests/golden/constants/protocol.js').Action} Action a page action,
 *   as relay.js `parsePageRequest` checked it
 * @typedef {import('../shared/tests/golden/constants/protocol.js').Command} Command a command for
 *   the bridge
 * @typedef {import('../shared/tests/golden/constants/protocol.js').ErrorCode} ErrorCode
 * @typedef {import('../shared/tests/golden/constants/protocol.js').KeyRole} KeyRole
 * @typedef {import('../shared/tests/golden/constants/protocol.js').PinEntry} PinEntry
 * A failure (`PageOutcome::Error`, `Outcome::Error`).
 * @typedef {{type: 'error', args: import('../shared/tests/golden/constants/protocol.js').Failure}} FailureOutcome
 * Something that happened to an operation (its window, its bridge, the page), taken by its loop:
 * the window's messages as relay.js parsed them, and what the worker itself saw.
 * @typedef {{type: 'ready' | 'closed' | 'timeout' | 'page-gone' | 'cancel' | 'pinpad'}
 *   | {type: 'bridge-stopped', reason: FailureOutcome}
 *   | {type: 'pin', pin: string}
 *   | {type: 'allow-once' | 'ask-always' | 'allow-always' | 'refuse'}} OperationEvent
 *
 * @typedef {object} Env
 * @property {(host: string) => Port} connectNative starts the card bridge
 * @property {() => string | undefined} lastError Chromium's reason for the last failed call
 * @property {(options: {url: string, type: 'popup', width: number, height: number, focused: boolean}) => Promise<{id?: number} | undefined>} createWindow
 * @property {(windowId: number) => Promise<void>} removeWindow
 * @property {(listener: (windowId: number) => void) => void} onWindowRemoved
 * @property {(listener: (windowId: number) => void) => void} offWindowRemoved
 * @property {(key: string) => Promise<unknown>} storageGet
 * @property {(key: string, value: unknown) => Promise<void>} storageSet
 * @property {(key: string) => Promise<unknown>} sessionGet the browser's session storage (in
 *   memory only, forgotten when the browser closes)
 * @property {(key: string, value: unknown) => Promise<void>} sessionSet
 * @property {(matches: string[]) => Promise<number[]>} openTabs the ids of the open tabs whose
 *   address matches one of the patterns
 * @property {(tabId: number) => Promise<void>} injectContentScript runs content.js in the tab's page
 * @property {(prefix: string) => Promise<number>} storageForget removes every key that starts
 *   with `prefix`; resolves to how many there were
 * @property {(bytes: Uint8Array) => Uint8Array} random fills bytes with random values
 * @property {() => string} uuid
 * @property {() => number} now the clock, in milliseconds (`Date.now`)
 * @property {() => Promise<string[]>} browserLanguages the browser's UI language, then the
 *   languages the person prefers for web pages (`chrome.i18n`): what the windows speak
 * @property {string} extensionId
 * @property {string} extensionVersion
 * @property {string[]} matches the content script's match patterns: the allow-list
 * @property {string} pinPage the PIN window's URL
 * @property {string} consentPage the consent window's URL
 */

/**
 * The real browser's.
 * @returns {Env}
 */
export function browserEnv() {
  return {
    connectNative: (host) => chrome.runtime.connectNative(host),
    lastError: () => chrome.runtime.lastError?.message,
    createWindow: (options) => chrome.windows.create(options),
    removeWindow: (windowId) => chrome.windows.remove(windowId),
    onWindowRemoved: (listener) => chrome.windows.onRemoved.addListener(listener),
    offWindowRemoved: (listener) => chrome.windows.onRemoved.removeListener(listener),
    storageGet: async (key) => (await chrome.storage.local.get(key))[key],
    storageSet: (key, value) => chrome.storage.local.set({ [key]: value }),
    sessionGet: async (key) => (await chrome.storage.session.get(key))[key],
    sessionSet: (key, value) => chrome.storage.session.set({ [key]: value }),
    openTabs: async (matches) =>
      (await chrome.tabs.query({ url: matches })).flatMap((tab) => (tab.id === undefined ? [] : [tab.id])),
    injectContentScript: async (tabId) => {
      await chrome.scripting.executeScript({ target: { tabId }, files: ['content.js'] });
    },
    storageForget: async (prefix) => {
      const keys = Object.keys(await chrome.storage.local.get(null)).filter((key) => key.startsWith(prefix));
      await chrome.storage.local.remove(keys);
      return keys.length;
    },
    random: (bytes) => crypto.getRandomValues(bytes),
    uuid: () => crypto.randomUUID(),
    now: () => Date.now(),
    browserLanguages: async () => [chrome.i18n.getUILanguage(), ...(await chrome.i18n.getAcceptLanguages())],
    extensionId: chrome.runtime.id,
    extensionVersion: chrome.runtime.getManifest().version,
    matches: (chrome.runtime.getManifest().content_scripts ?? []).flatMap((script) => script.matches ?? []),
    pinPage: chrome.runtime.getURL('pin.html'),
    consentPage: chrome.runtime.getURL('consent.html'),
  };
}

/**
 * The text of something thrown.
 * @param {unknown} error
 */
export function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}
