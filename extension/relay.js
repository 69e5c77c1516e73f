// The relay's rules as plain functions, shared by the service worker and the unit tests.
// Message shapes are those of the Rust crate `ehcert-shared` (see its golden files).

/** Name of the native host, as in the host manifests (`ehcert_shared::bridge::HOST_NAME`). */
export const HOST_NAME = 'be.ehcert.card_bridge';
/** `ehcert_shared::PROTOCOL_VERSION` this extension speaks. */
export const PROTOCOL_VERSION = 1;
/** Name of the runtime port the content script opens. */
export const PAGE_PORT_NAME = 'ehcert-page';
/** The bridge must say hello within this time after it is started (web-eid uses 5 s). */
export const HANDSHAKE_TIMEOUT_MS = 5000;

// Development build: the app served from this machine. The hosted app's origin joins this list
// in release builds (issue 7); the content script's `matches` must list the same origins.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

/**
 * Whether `origin` (taken from the browser's sender information, never from page data) may use
 * the extension.
 * @param {unknown} origin
 */
export function isAllowedOrigin(origin) {
  if (typeof origin !== 'string') return false;
  let url;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // An origin is scheme://host[:port] exactly; anything else is not a browser-made origin.
  if (url.origin !== origin) return false;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
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

const ACTIONS = new Set(['status']);

/**
 * A page request (`ehcert_shared::page::PageRequest`), or null when it is not one: unknown
 * fields, unknown actions and out-of-range ids are refused, as the Rust side refuses them.
 * @param {unknown} value
 */
export function parsePageRequest(value) {
  if (!isPlainObject(value) || !hasExactly(value, ['id', 'action'])) return null;
  const { id, action } = value;
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) return null;
  if (!isPlainObject(action) || !ACTIONS.has(action.type)) return null;
  const keys = Object.keys(action);
  if (!keys.every((key) => key === 'type' || key === 'args')) return null;
  return { id, action: { type: action.type } };
}

/**
 * A failure outcome (`ehcert_shared::page::PageOutcome::Error`).
 * @param {string} code a stable `ErrorCode` string
 * @param {string} detail English detail for logs and support
 */
export function failure(code, detail) {
  return { type: 'error', args: { code, detail } };
}

/**
 * Turns the browser's reason for a lost native port into a failure. Chromium puts it in
 * `runtime.lastError.message`, Firefox in `port.error.message` (spec/browser-bridge.md §4, §10).
 * @param {string | undefined} message
 */
export function nativeDisconnectFailure(message) {
  const text = message || 'The card bridge stopped without a reason.';
  if (/not found|forbidden|Invalid native messaging host/i.test(text)) {
    return failure('bridge-unavailable', text);
  }
  if (/has exited/i.test(text)) {
    return failure('bridge-unavailable', `The card bridge stopped unexpectedly: ${text}`);
  }
  return failure('internal', text);
}

/**
 * Checks the bridge's first frame. Returns `{ hello }` or `{ failure }`.
 * @param {unknown} frame
 */
export function checkHello(frame) {
  const hello = isPlainObject(frame) && frame.type === 'hello' ? frame.args : undefined;
  if (!isPlainObject(hello) || typeof hello.bridge_version !== 'string' || !Number.isInteger(hello.protocol)) {
    return { failure: failure('bad-request', 'The card bridge did not introduce itself.') };
  }
  if (hello.protocol !== PROTOCOL_VERSION) {
    const update = hello.protocol < PROTOCOL_VERSION ? 'the card bridge' : 'the browser extension';
    return {
      failure: failure(
        'version-mismatch',
        `Bridge protocol ${hello.protocol}, extension protocol ${PROTOCOL_VERSION}: update ${update}.`,
      ),
    };
  }
  return { hello: { bridge_version: hello.bridge_version, protocol: hello.protocol } };
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasExactly(object, keys) {
  const own = Object.keys(object);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}
