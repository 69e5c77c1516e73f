// @ts-check
// Content script: the only part of the extension a page can reach. It runs on the allow-listed
// origins only (manifest `matches`), reads only messages from this very window and origin in our
// namespace, and posts replies to the page's own origin, never to "*".
//
// The worker also puts it into pages that were open before the extension started
// (worker-pages.js), so it may be run twice in one page: it then leaves the page to the copy
// already there, unless that copy belongs to an extension run that has ended (an update or a
// reload cuts a content script off: its `chrome.runtime.id` is gone).
(() => {
  const RUNNING = Symbol.for('ehcert:content-script');
  const page = /** @type {Record<symbol, {alive: () => boolean} | undefined>} */ (/** @type {unknown} */ (globalThis));
  if (page[RUNNING]?.alive()) return;
  page[RUNNING] = {
    alive: () => {
      try {
        return Boolean(chrome.runtime?.id);
      } catch {
        return false;
      }
    },
  };
  const TO_EXTENSION = 'ehcert:to-extension';
  const TO_PAGE = 'ehcert:to-page';
  const PROTOCOL_VERSION = 2;
  const PORT_NAME = 'ehcert-page';
  // `ehcert_shared::page::MAX_PAGE_MESSAGE` (relay.js), in bytes of UTF-8: a content script
  // cannot import modules.
  const MAX_PAGE_MESSAGE = 31 * 1024;

  /** @type {chrome.runtime.Port | null} */
  let port = null;
  const pending = new Set();

  /** @param {unknown} message */
  function toPage(message) {
    window.postMessage({ [TO_PAGE]: message }, window.location.origin);
  }

  /** Opens the port to the service worker; it is also kept in `port` until it closes. */
  function connect() {
    const opened = chrome.runtime.connect({ name: PORT_NAME });
    port = opened;
    opened.onMessage.addListener((reply) => {
      if (!reply || typeof reply.id !== 'number') return;
      pending.delete(reply.id);
      toPage({ type: 'reply', args: reply });
    });
    opened.onDisconnect.addListener(() => {
      port = null;
      // The service worker was stopped or restarted mid-operation: fail what it was doing now
      // rather than let the page wait for its timeout.
      for (const id of pending) {
        toPage({
          type: 'reply',
          args: {
            id,
            outcome: {
              type: 'error',
              args: { code: 'interrupted', detail: 'The extension restarted during the operation.' },
            },
          },
        });
      }
      pending.clear();
    });
    return opened;
  }

  window.addEventListener('message', (event) => {
    if (event.source !== window || event.origin !== window.location.origin) return;
    const data = event.data;
    if (typeof data !== 'object' || data === null || !Object.hasOwn(data, TO_EXTENSION)) return;
    const message = data[TO_EXTENSION];
    if (typeof message !== 'object' || message === null) return;
    if (message.type === 'ping') {
      toPage({
        type: 'ack',
        args: { extension_version: chrome.runtime.getManifest().version, protocol: PROTOCOL_VERSION },
      });
    } else if (message.type === 'request' && message.args && Number.isInteger(message.args.id)) {
      // Bytes of UTF-8, as the page, the worker and the bridge count them (not UTF-16 units).
      let size;
      try {
        size = new TextEncoder().encode(JSON.stringify(message.args)).length;
      } catch {
        size = Infinity;
      }
      if (size > MAX_PAGE_MESSAGE) {
        const detail = `A request of ${size} bytes is over the limit of ${MAX_PAGE_MESSAGE}.`;
        toPage({ type: 'reply', args: { id: message.args.id, outcome: { type: 'error', args: { code: 'bad-request', detail } } } });
        return;
      }
      const connected = port ?? connect();
      pending.add(message.args.id);
      connected.postMessage(message.args);
    }
  });
})();
