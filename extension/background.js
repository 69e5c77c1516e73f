// @ts-check
// The extension's service worker: relays page requests to the card bridge and runs the PIN window.
//
// Trust: the origin comes from the browser's sender information (`port.sender`), never from page
// data, and is checked against the allow-list (the content script's match patterns) before
// anything else happens. Each operation starts its own bridge process and ends it afterwards
// (web-eid's pattern), so a crashed bridge or a restarted worker never leaves state behind.
//
// The PIN: typed in the PIN window (an extension page no web page can open, read or script),
// sent over the window's runtime port to this worker, put into the one bridge request that uses
// it and not kept anywhere (app/PRODUCT.md §5).

import {
  CARD_TIMEOUT_MS,
  CONSENT_PORT_NAME,
  CONSENT_PREFIX,
  HANDSHAKE_TIMEOUT_MS,
  HOST_NAME,
  PAGE_PORT_NAME,
  PIN_PORT_NAME,
  USER_TIMEOUT_MS,
  afterSignAttempt,
  allowListFromMatches,
  bridgeCommandFor,
  checkHello,
  failure,
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
} from './relay.js';

/**
 * An outcome for the page, or one of the bridge's (`{type, args}`, `ehcert_shared::page::PageOutcome`).
 * @typedef {{type: string, args?: any}} Outcome
 * A page action as relay.js `parsePageRequest` checked it.
 * @typedef {{type: string, args?: any}} Action
 * Something that happened to an operation (its window, its bridge, the page), taken by its loop.
 * @typedef {{type: string, [field: string]: any}} OperationEvent
 */

const ALLOW_LIST = allowListFromMatches(
  (chrome.runtime.getManifest().content_scripts ?? []).flatMap((script) => script.matches ?? []),
);
const PIN_PAGE = chrome.runtime.getURL('pin.html');
const CONSENT_PAGE = chrome.runtime.getURL('consent.html');
const EXTENSION_ORIGIN = new URL(PIN_PAGE).origin;

/** Action kinds with an operation under way, each with the page's signal that ends it: one at
 *  a time per kind. */
const running = new Map();
/** PIN windows of the signatures under way, by operation id. */
const signatures = new Map();
/** Consent windows of the identity reads under way, by operation id. */
const consents = new Map();

chrome.runtime.onConnect.addListener((port) => {
  if (port.name === PIN_PORT_NAME) {
    attachWindow(port, PIN_PAGE, signatures, parsePinWindowMessage);
    return;
  }
  if (port.name === CONSENT_PORT_NAME) {
    attachWindow(port, CONSENT_PAGE, consents, parseConsentMessage);
    return;
  }
  const origin = originOfSender(port.sender);
  // Only the top frame's content script opens this port (the manifest runs it there only).
  const topFrame = port.sender?.frameId === undefined || port.sender.frameId === 0;
  if (port.name !== PAGE_PORT_NAME || !topFrame || !isAllowedOrigin(origin, ALLOW_LIST)) {
    port.disconnect();
    return;
  }
  const pageGone = new AbortController();
  port.onDisconnect.addListener(() => pageGone.abort());
  port.onMessage.addListener(async (message) => {
    const request = parsePageRequest(message);
    if (!request) {
      if (Number.isInteger(message?.id)) {
        reply(port, message.id, failure('bad-request', 'The extension cannot read this request.'));
      }
      return;
    }
    // A card check is a signature too, and a consent a window too: one window at a time.
    const kind = ['card-check', 'read-identity'].includes(request.action.type) ? 'sign' : request.action.type;
    if (running.has(kind)) {
      reply(port, request.id, failure('busy', `Another ${kind} is under way; one at a time.`));
      return;
    }
    // Leaving the page (a click to another screen reloads it) frees its kind at once, so the next
    // screen starts its own operation rather than meet this one as "busy". The card command under
    // way is left to finish (its windows close, its bridge ends with its answer): a bridge stopped
    // inside a PC/SC transaction makes pcscd reset the card, and the next screen's read would meet
    // the card powering up (SCARD_E_PROTO_MISMATCH for seconds). The next bridge's transaction
    // simply waits for this one's (SCardBeginTransaction blocks while another holds the card).
    const token = pageGone.signal;
    const release = () => {
      if (running.get(kind) === token) running.delete(kind);
    };
    running.set(kind, token);
    token.addEventListener('abort', release, { once: true });
    let outcome;
    try {
      outcome = await perform(request.action, origin, token);
    } catch (error) {
      outcome = failure('internal', errorText(error));
    } finally {
      release();
      // A page's port serves many requests: one listener per request would pile up.
      token.removeEventListener('abort', release);
    }
    reply(port, request.id, outcome);
  });
});

/**
 * @param {chrome.runtime.Port} port
 * @param {number} id
 * @param {Outcome} outcome
 */
function reply(port, id, outcome) {
  try {
    port.postMessage({ id, outcome });
  } catch {
    // The tab went away while we worked; nobody is waiting.
  }
}

/**
 * @param {Action} action
 * @param {string} origin
 * @param {AbortSignal} pageGone
 * @returns {Promise<Outcome>}
 */
async function perform(action, origin, pageGone) {
  const opened = await openBridge();
  if (opened.failure) return opened.failure;
  const { bridge } = opened;
  if (pageGone.aborted) {
    bridge.close();
    return failure('user-cancelled', 'The page that asked went away.');
  }
  try {
    switch (action.type) {
      case 'status':
        return {
          type: 'status',
          args: { extension_version: chrome.runtime.getManifest().version, bridge: bridge.hello },
        };
      case 'sign':
      case 'card-check':
        return await sign(bridge, action, origin, pageGone);
      case 'read-identity':
        return await readIdentity(bridge, action.args, origin, pageGone);
      default:
        return pageOutcomeFor(action.type, await bridge.request(bridgeCommandFor(action), CARD_TIMEOUT_MS));
    }
  } finally {
    bridge.close();
  }
}

/** Starts the bridge and waits for its hello. Resolves to `{bridge}` or `{failure}`. */
function openBridge() {
  return new Promise((resolve) => {
    /** @type {Bridge | null} */
    let bridge = null;
    /** @type {chrome.runtime.Port} */
    let native;
    try {
      native = chrome.runtime.connectNative(HOST_NAME);
    } catch (error) {
      resolve({ failure: nativeDisconnectFailure(errorText(error)) });
      return;
    }
    const timer = setTimeout(() => {
      native.disconnect();
      resolve({ failure: failure('timeout', `The card bridge did not say hello within ${HANDSHAKE_TIMEOUT_MS} ms.`) });
    }, HANDSHAKE_TIMEOUT_MS);
    native.onDisconnect.addListener((port) => {
      clearTimeout(timer);
      // Chromium: runtime.lastError; Firefox: port.error (extension/NATIVE-MESSAGING.md §11).
      const reason = chrome.runtime.lastError?.message ?? /** @type {{error?: Error}} */ (port)?.error?.message;
      if (bridge) bridge.stopped(nativeDisconnectFailure(reason, true));
      else resolve({ failure: nativeDisconnectFailure(reason) });
    });
    native.onMessage.addListener((frame) => {
      if (bridge) {
        bridge.frame(frame);
        return;
      }
      clearTimeout(timer);
      const checked = checkHello(frame);
      if (checked.failure) {
        native.disconnect();
        resolve(checked);
        return;
      }
      bridge = new Bridge(native, checked.hello);
      resolve({ bridge });
    });
  });
}

/** One running bridge process: requests one at a time, each with its own timeout. */
class Bridge {
  /** @type {chrome.runtime.Port} */
  #native;
  #nextId = 1;
  /** @type {{id: number, settle: (outcome: any) => void} | null} */
  #waiting = null;
  /** @type {Outcome | null} */
  #stoppedWith = null;
  /** @type {((reason: Outcome) => void)[]} */
  #onStop = [];

  /**
   * @param {chrome.runtime.Port} native
   * @param {{bridge_version: string, protocol: number}} hello
   */
  constructor(native, hello) {
    this.#native = native;
    this.hello = hello;
  }

  /**
   * Sends `command` and resolves to the bridge's outcome, or to a failure.
   * @param {{type: string, args?: any}} command
   * @param {number} timeoutMs
   * @returns {Promise<Outcome>}
   */
  request(command, timeoutMs) {
    if (this.#stoppedWith) return Promise.resolve(this.#stoppedWith);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting = null;
        // A command that hangs holds the card: end the bridge rather than send it more.
        this.close();
        resolve(failure('timeout', `The card bridge did not answer ${command.type} within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      this.#waiting = {
        id,
        settle: (outcome) => {
          clearTimeout(timer);
          this.#waiting = null;
          resolve(outcome);
        },
      };
      try {
        this.#native.postMessage({ id, command });
      } catch (error) {
        this.#waiting?.settle(failure('internal', errorText(error)));
      }
    });
  }

  /** @param {unknown} frame */
  frame(frame) {
    const reply = this.#waiting && replyFor(frame, this.#waiting.id);
    if (reply) this.#waiting?.settle(reply.outcome);
  }

  /** @param {Outcome} reason */
  stopped(reason) {
    this.#stoppedWith = reason;
    this.#waiting?.settle(reason);
    for (const listener of this.#onStop) listener(reason);
  }

  /** @param {(reason: Outcome) => void} listener */
  onStop(listener) {
    this.#onStop.push(listener);
  }

  close() {
    try {
      this.#native.disconnect();
    } catch {
      // Already gone.
    }
  }
}

/**
 * A signature: the bridge checks what is to be signed and says what it does (the preview), the
 * PIN window shows that, then the bridge checks it again and the card signs. The window's words
 * come from the bridge's reading of the signed bytes, never from the page.
 */
/**
 * @param {Bridge} bridge
 * @param {Action} action
 * @param {string} origin
 * @param {AbortSignal} pageGone
 * @returns {Promise<Outcome>}
 */
async function sign(bridge, action, origin, pageGone) {
  const args = action.args;
  const key = action.type === 'card-check' ? 'authentication' : args.key;
  const content = signedContentFor(action, origin, (bytes) => crypto.getRandomValues(bytes));
  const answer = await bridge.request({ type: 'preview', args: { reader: args.reader, key, content } }, CARD_TIMEOUT_MS);
  if (answer.type === 'error') return answer;
  if (answer.type !== 'preview') return failure('internal', `The card bridge answered preview with ${answer.type}.`);
  const refused = previewRefusal(key, answer.args);
  if (refused) return refused;
  const { holder, operation: signed } = answer.args;

  const pinWindow = new OperationWindow(PIN_PAGE, signatures, pageGone, {
    origin,
    holder: `${holder.given_names} ${holder.surname}`.trim(),
    key,
    operation: signed,
    lang: args.lang,
    pinpad: holder.pinpad,
  });
  const { events } = pinWindow;
  bridge.onStop((reason) => events.push({ type: 'bridge-stopped', reason }));
  try {
    await pinWindow.open(660);
    pinWindow.startTimer();
    let shown = false;
    for (;;) {
      const event = await events.next();
      switch (event.type) {
        case 'ready':
          shown = true;
          // A PIN-pad reader takes the PIN itself: start at once, the window says where to type.
          if (holder.pinpad) events.push({ type: 'pinpad' });
          break;
        case 'pin':
        case 'pinpad': {
          if (!shown || (event.type === 'pinpad') !== holder.pinpad) break;
          pinWindow.stopTimer();
          pinWindow.post({ type: 'signing' });
          const pin = event.type === 'pin' ? { type: 'digits', args: event.pin } : { type: 'pinpad' };
          // The same bytes as the preview: the bridge checks them again against the card that
          // signs, in the card's own transaction.
          const outcome = await bridge.request(
            { type: 'sign', args: { reader: holder.reader, key, content, pin } },
            holder.pinpad ? USER_TIMEOUT_MS : CARD_TIMEOUT_MS,
          );
          const next = afterSignAttempt(outcome);
          if (next.next === 'done') {
            if (action.type === 'card-check' && next.outcome.type === 'signature') {
              return { type: 'card-check', args: { challenge: content.args.challenge, signature: next.outcome.args } };
            }
            return next.outcome;
          }
          pinWindow.post({ type: 'wrong-pin', tries_left: next.triesLeft });
          pinWindow.startTimer();
          break;
        }
        case 'cancel':
          return failure('user-cancelled', 'Cancel was pressed in the PIN window.');
        case 'closed':
          return failure('user-cancelled', 'The PIN window was closed.');
        case 'timeout':
          return failure('timeout', `No PIN was given within ${USER_TIMEOUT_MS / 1000} s.`);
        case 'page-gone':
          return failure('user-cancelled', 'The page that asked for the signature went away.');
        case 'bridge-stopped':
          return event.reason;
      }
    }
  } finally {
    pinWindow.close();
  }
}

/**
 * The whole identity file, only with the person's consent: given in the extension's own window
 * for this origin, once or until withdrawn in the options (`chrome.storage.local`, which holds
 * nothing but the origins).
 */
/**
 * @param {Bridge} bridge
 * @param {{reader: string | null, lang: string}} args
 * @param {string} origin
 * @param {AbortSignal} pageGone
 * @returns {Promise<Outcome>}
 */
async function readIdentity(bridge, args, origin, pageGone) {
  const consentKey = CONSENT_PREFIX + origin;
  const stored = await chrome.storage.local.get(consentKey);
  if (stored[consentKey] !== true) {
    const answer = await bridge.request({ type: 'card-holder', args: { reader: args.reader } }, CARD_TIMEOUT_MS);
    if (answer.type === 'error') return answer;
    if (answer.type !== 'card-holder') return failure('internal', `The card bridge answered card-holder with ${answer.type}.`);
    const holder = `${answer.args.given_names} ${answer.args.surname}`.trim();
    const decision = await askConsent({ origin, holder, lang: args.lang }, pageGone);
    if (decision.type === 'error') return decision;
    if (decision.type === 'allow-always') await chrome.storage.local.set({ [consentKey]: true });
  }
  const card = await bridge.request({ type: 'read-card', args: { reader: args.reader } }, CARD_TIMEOUT_MS);
  if (card.type === 'error') return card;
  if (card.type !== 'card') return failure('internal', `The card bridge answered read-card with ${card.type}.`);
  return { type: 'identity', args: card.args };
}

/** Opens the consent window and waits for the person's answer, or a failure. */
/**
 * @param {Record<string, unknown>} details
 * @param {AbortSignal} pageGone
 */
async function askConsent(details, pageGone) {
  const consentWindow = new OperationWindow(CONSENT_PAGE, consents, pageGone, details);
  try {
    await consentWindow.open(560);
    consentWindow.startTimer();
    for (;;) {
      const event = await consentWindow.events.next();
      switch (event.type) {
        case 'allow-once':
        case 'allow-always':
          return event;
        case 'refuse':
          return failure('user-cancelled', 'The person refused to show their identity to this page.');
        case 'closed':
          return failure('user-cancelled', 'The consent window was closed.');
        case 'timeout':
          return failure('timeout', `No answer was given within ${USER_TIMEOUT_MS / 1000} s.`);
        case 'page-gone':
          return failure('user-cancelled', 'The page that asked went away.');
      }
    }
  } finally {
    consentWindow.close();
  }
}

/**
 * An extension window of a waiting operation connects (`page`: the PIN or the consent window):
 * accepted only from this extension's own `page`, with the id of an operation of `operations`,
 * from that operation's window, and only once; then told what to show. Its messages pass
 * `parse` or are dropped.
 */
/**
 * @param {chrome.runtime.Port} port
 * @param {string} page
 * @param {Map<string, OperationWindow>} operations
 * @param {(message: unknown) => OperationEvent | null} parse
 */
function attachWindow(port, page, operations, parse) {
  const sender = port.sender;
  const fromPage =
    sender?.id === chrome.runtime.id &&
    originOfSender(sender) === EXTENSION_ORIGIN &&
    typeof sender.url === 'string' &&
    sender.url.startsWith(`${page}#`);
  const operation = fromPage && sender?.url ? operations.get(new URL(sender.url).hash.slice(1)) : undefined;
  if (!operation || !operation.accepts(sender?.tab?.windowId)) {
    port.disconnect();
    return;
  }
  operation.attach(port, parse);
}

/**
 * One of the extension's own windows for one operation, opened as a popup that carries the
 * operation's id: its events (its messages, its closing, the page going away, a timeout) are
 * taken one at a time by the operation, and closing undoes everything.
 */
class OperationWindow {
  #page;
  #operations;
  #pageGone;
  #onPageGone = () => this.events.push({ type: 'page-gone' });
  #onWindowRemoved = (/** @type {number} */ windowId) => {
    if (windowId === this.windowId) this.events.push({ type: 'closed' });
  };
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer = undefined;
  /** @type {chrome.runtime.Port | null} */
  #port = null;

  /**
   * @param {string} page
   * @param {Map<string, OperationWindow>} operations
   * @param {AbortSignal} pageGone
   * @param {Record<string, unknown>} details
   */
  constructor(page, operations, pageGone, details) {
    this.id = crypto.randomUUID();
    /** @type {number | null} */
    this.windowId = null;
    this.events = new EventQueue();
    this.details = details;
    this.#page = page;
    this.#operations = operations;
    this.#pageGone = pageGone;
    operations.set(this.id, this);
    pageGone.addEventListener('abort', this.#onPageGone);
    chrome.windows.onRemoved.addListener(this.#onWindowRemoved);
  }

  /** @param {number} height */
  async open(height) {
    const created = await chrome.windows.create({
      url: `${this.#page}#${this.id}`,
      type: 'popup',
      width: 480,
      height,
      focused: true,
    });
    this.windowId = created?.id ?? null;
  }

  /** Whether a port from browser window `windowId` may be this window's (its first one). */
  /** @param {number | undefined} windowId */
  accepts(windowId) {
    return this.#port === null && (this.windowId === null || windowId === this.windowId);
  }

  /**
   * @param {chrome.runtime.Port} port
   * @param {(message: unknown) => OperationEvent | null} parse
   */
  attach(port, parse) {
    this.#port = port;
    port.onMessage.addListener((message) => {
      const parsed = parse(message);
      if (parsed) this.events.push(parsed);
    });
    port.onDisconnect.addListener(() => {
      this.#port = null;
      this.events.push({ type: 'closed' });
    });
    port.postMessage({ type: 'show', details: this.details });
    this.events.push({ type: 'ready' });
  }

  /** @param {unknown} message */
  post(message) {
    this.#port?.postMessage(message);
  }

  /** The person has this long to act, from now. */
  startTimer() {
    this.stopTimer();
    this.#timer = setTimeout(() => this.events.push({ type: 'timeout' }), USER_TIMEOUT_MS);
  }

  stopTimer() {
    clearTimeout(this.#timer);
  }

  close() {
    this.stopTimer();
    this.#operations.delete(this.id);
    this.#pageGone.removeEventListener('abort', this.#onPageGone);
    chrome.windows.onRemoved.removeListener(this.#onWindowRemoved);
    try {
      this.#port?.disconnect();
    } catch {
      // Already gone.
    }
    if (this.windowId !== null) chrome.windows.remove(this.windowId).catch(() => {});
  }
}

/** Events of one operation, taken one at a time by its loop. */
class EventQueue {
  /** @type {OperationEvent[]} */
  #items = [];
  /** @type {((event: any) => void) | null} */
  #waiter = null;

  /** @param {OperationEvent} event */
  push(event) {
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter(event);
    } else {
      this.#items.push(event);
    }
  }

  next() {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift());
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }
}

/**
 * The text of something thrown.
 * @param {unknown} error
 */
function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}
