// @ts-check
// What the service worker's parts use of the browser, as one object: background.js passes the
// real browser's, the unit tests (tests/worker.test.js) a fake one. Timers are the global
// `setTimeout`, which the tests replace with node:test's fake timers.

/**
 * A runtime port as the worker uses it (`chrome.runtime.Port`): the page's, a window's or the
 * bridge's.
 * @typedef {{
 *   name: string,
 *   sender?: chrome.runtime.MessageSender,
 *   error?: {message?: string},
 *   postMessage: (message: any) => void,
 *   disconnect: () => void,
 *   onMessage: {addListener: (listener: (message: any) => void) => void},
 *   onDisconnect: {addListener: (listener: (port: any) => void) => void},
 * }} Port
 *
 * An outcome for the page, or one of the bridge's (`ehcert_shared::page::PageOutcome`,
 * `ehcert_shared::bridge::Outcome`): `{type, args}`.
 * @typedef {{type: string, args?: any}} Outcome
 * A page action as relay.js `parsePageRequest` checked it.
 * @typedef {{type: string, args?: any}} Action
 * Something that happened to an operation (its window, its bridge, the page), taken by its loop.
 * @typedef {{type: string, [field: string]: any}} OperationEvent
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
 * @property {(bytes: Uint8Array) => Uint8Array} random fills bytes with random values
 * @property {() => string} uuid
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
    random: (bytes) => crypto.getRandomValues(bytes),
    uuid: () => crypto.randomUUID(),
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
