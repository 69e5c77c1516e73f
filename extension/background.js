// The extension's service worker: relays page requests to the card bridge.
//
// Trust: the origin comes from the browser's sender information (`port.sender`), never from page
// data, and is checked against the allow-list before anything else happens. Each operation starts
// its own bridge process and ends it afterwards (web-eid's pattern), so a crashed bridge or a
// restarted worker never leaves state behind.

import {
  HANDSHAKE_TIMEOUT_MS,
  HOST_NAME,
  PAGE_PORT_NAME,
  checkHello,
  failure,
  isAllowedOrigin,
  nativeDisconnectFailure,
  originOfSender,
  parsePageRequest,
} from './relay.js';

chrome.runtime.onConnect.addListener((port) => {
  const origin = originOfSender(port.sender);
  if (port.name !== PAGE_PORT_NAME || !isAllowedOrigin(origin)) {
    port.disconnect();
    return;
  }
  port.onMessage.addListener(async (message) => {
    const request = parsePageRequest(message);
    if (!request) return; // Not ours, or malformed: the page's timeout reports it.
    const outcome = await perform(request.action);
    try {
      port.postMessage({ id: request.id, outcome });
    } catch {
      // The tab went away while we worked; nobody is waiting.
    }
  });
});

async function perform(action) {
  switch (action.type) {
    case 'status': {
      const bridge = await openBridge();
      if (bridge.failure) return bridge.failure;
      bridge.close();
      return {
        type: 'status',
        args: { extension_version: chrome.runtime.getManifest().version, bridge: bridge.hello },
      };
    }
    default:
      return failure('bad-request', `Unknown action ${action.type}.`);
  }
}

/** Starts the bridge and waits for its hello. Resolves to `{hello, close}` or `{failure}`. */
function openBridge() {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    let native;
    try {
      native = chrome.runtime.connectNative(HOST_NAME);
    } catch (error) {
      settle({ failure: nativeDisconnectFailure(String(error?.message ?? error)) });
      return;
    }
    const timer = setTimeout(() => {
      native.disconnect();
      settle({ failure: failure('bridge-unavailable', `The card bridge did not answer within ${HANDSHAKE_TIMEOUT_MS} ms.`) });
    }, HANDSHAKE_TIMEOUT_MS);
    native.onDisconnect.addListener((port) => {
      const reason = chrome.runtime.lastError?.message ?? port?.error?.message;
      settle({ failure: nativeDisconnectFailure(reason) });
    });
    native.onMessage.addListener((frame) => {
      const checked = checkHello(frame);
      if (checked.failure) {
        native.disconnect();
        settle(checked);
      } else {
        settle({ hello: checked.hello, close: () => native.disconnect() });
      }
    });
  });
}
