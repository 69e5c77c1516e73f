// The extension's service worker: relays page requests to the card bridge and runs the PIN window.
//
// Trust: the origin comes from the browser's sender information (`port.sender`), never from page
// data, and is checked against the allow-list (the content script's match patterns) before
// anything else happens. Each operation starts its own bridge process and ends it afterwards
// (web-eid's pattern), so a crashed bridge or a restarted worker never leaves state behind.
//
// The PIN: typed in the PIN window (an extension page no web page can open, read or script),
// sent over the window's runtime port to this worker, put into the one bridge request that uses
// it and not kept anywhere (spec/product.md §5).

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

const ALLOW_LIST = allowListFromMatches(
  (chrome.runtime.getManifest().content_scripts ?? []).flatMap((script) => script.matches ?? []),
);
const PIN_PAGE = chrome.runtime.getURL('pin.html');
const CONSENT_PAGE = chrome.runtime.getURL('consent.html');
const EXTENSION_ORIGIN = new URL(PIN_PAGE).origin;

/** Action kinds with an operation under way: one at a time per kind. */
const running = new Set();
/** Signatures waiting for their PIN window, by operation id. */
const signatures = new Map();
/** Identity reads waiting for the person's consent, by operation id. */
const consents = new Map();

chrome.runtime.onConnect.addListener((port) => {
  if (port.name === PIN_PORT_NAME) {
    attachPinWindow(port);
    return;
  }
  if (port.name === CONSENT_PORT_NAME) {
    attachConsentWindow(port);
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
    running.add(kind);
    let outcome;
    try {
      outcome = await perform(request.action, origin, pageGone.signal);
    } catch (error) {
      outcome = failure('internal', String(error?.message ?? error));
    } finally {
      running.delete(kind);
    }
    reply(port, request.id, outcome);
  });
});

function reply(port, id, outcome) {
  try {
    port.postMessage({ id, outcome });
  } catch {
    // The tab went away while we worked; nobody is waiting.
  }
}

async function perform(action, origin, pageGone) {
  const opened = await openBridge();
  if (opened.failure) return opened.failure;
  const { bridge } = opened;
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
    let bridge = null;
    let native;
    try {
      native = chrome.runtime.connectNative(HOST_NAME);
    } catch (error) {
      resolve({ failure: nativeDisconnectFailure(String(error?.message ?? error)) });
      return;
    }
    const timer = setTimeout(() => {
      native.disconnect();
      resolve({ failure: failure('timeout', `The card bridge did not say hello within ${HANDSHAKE_TIMEOUT_MS} ms.`) });
    }, HANDSHAKE_TIMEOUT_MS);
    native.onDisconnect.addListener((port) => {
      clearTimeout(timer);
      // Chromium: runtime.lastError; Firefox: port.error (spec/browser-bridge.md §11).
      const reason = chrome.runtime.lastError?.message ?? port?.error?.message;
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
  #native;
  #nextId = 1;
  #waiting = null;
  #stoppedWith = null;
  #onStop = [];

  constructor(native, hello) {
    this.#native = native;
    this.hello = hello;
  }

  /** Sends `command` and resolves to the bridge's outcome, or to a failure. */
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
        this.#waiting.settle(failure('internal', String(error?.message ?? error)));
      }
    });
  }

  frame(frame) {
    const reply = this.#waiting && replyFor(frame, this.#waiting.id);
    if (reply) this.#waiting.settle(reply.outcome);
  }

  stopped(reason) {
    this.#stoppedWith = reason;
    this.#waiting?.settle(reason);
    for (const listener of this.#onStop) listener(reason);
  }

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

  const operation = {
    id: crypto.randomUUID(),
    windowId: null,
    port: null,
    events: new EventQueue(),
    details: {
      origin,
      holder: `${holder.given_names} ${holder.surname}`.trim(),
      key,
      operation: signed,
      lang: args.lang,
      pinpad: holder.pinpad,
    },
  };
  const { events } = operation;
  const onPageGone = () => events.push({ type: 'page-gone' });
  const onWindowRemoved = (windowId) => {
    if (windowId === operation.windowId) events.push({ type: 'closed' });
  };
  let timer = null;
  const startTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => events.push({ type: 'timeout' }), USER_TIMEOUT_MS);
  };
  signatures.set(operation.id, operation);
  pageGone.addEventListener('abort', onPageGone);
  bridge.onStop((reason) => events.push({ type: 'bridge-stopped', reason }));
  chrome.windows.onRemoved.addListener(onWindowRemoved);
  try {
    const created = await chrome.windows.create({
      url: `${PIN_PAGE}#${operation.id}`,
      type: 'popup',
      width: 480,
      height: 660,
      focused: true,
    });
    operation.windowId = created.id;
    startTimer();
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
          clearTimeout(timer);
          operation.port?.postMessage({ type: 'signing' });
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
          operation.port?.postMessage({ type: 'wrong-pin', tries_left: next.triesLeft });
          startTimer();
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
    clearTimeout(timer);
    signatures.delete(operation.id);
    pageGone.removeEventListener('abort', onPageGone);
    chrome.windows.onRemoved.removeListener(onWindowRemoved);
    try {
      operation.port?.disconnect();
    } catch {
      // Already gone.
    }
    if (operation.windowId !== null) chrome.windows.remove(operation.windowId).catch(() => {});
  }
}

/**
 * The whole identity file, only with the person's consent: given in the extension's own window
 * for this origin, once or until withdrawn in the options (`chrome.storage.local`, which holds
 * nothing but the origins).
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
async function askConsent(details, pageGone) {
  const operation = { id: crypto.randomUUID(), windowId: null, port: null, events: new EventQueue(), details };
  const { events } = operation;
  const onPageGone = () => events.push({ type: 'page-gone' });
  const onWindowRemoved = (windowId) => {
    if (windowId === operation.windowId) events.push({ type: 'closed' });
  };
  const timer = setTimeout(() => events.push({ type: 'timeout' }), USER_TIMEOUT_MS);
  consents.set(operation.id, operation);
  pageGone.addEventListener('abort', onPageGone);
  chrome.windows.onRemoved.addListener(onWindowRemoved);
  try {
    const created = await chrome.windows.create({
      url: `${CONSENT_PAGE}#${operation.id}`,
      type: 'popup',
      width: 480,
      height: 560,
      focused: true,
    });
    operation.windowId = created.id;
    for (;;) {
      const event = await events.next();
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
    clearTimeout(timer);
    consents.delete(operation.id);
    pageGone.removeEventListener('abort', onPageGone);
    chrome.windows.onRemoved.removeListener(onWindowRemoved);
    try {
      operation.port?.disconnect();
    } catch {
      // Already gone.
    }
    if (operation.windowId !== null) chrome.windows.remove(operation.windowId).catch(() => {});
  }
}

/** The consent window of a waiting identity read connects: checked as the PIN window is. */
function attachConsentWindow(port) {
  const operation = windowOperation(port, CONSENT_PAGE, consents);
  if (!operation) {
    port.disconnect();
    return;
  }
  operation.port = port;
  port.onMessage.addListener((message) => {
    const parsed = parseConsentMessage(message);
    if (parsed) operation.events.push(parsed);
  });
  port.onDisconnect.addListener(() => {
    operation.port = null;
    operation.events.push({ type: 'closed' });
  });
  port.postMessage({ type: 'show', details: operation.details });
}

/**
 * The operation an extension window's port belongs to: the port must come from this extension's
 * `page`, carry the operation's id, be the operation's own window, and be its first port.
 */
function windowOperation(port, page, operations) {
  const sender = port.sender;
  const fromPage =
    sender?.id === chrome.runtime.id &&
    originOfSender(sender) === EXTENSION_ORIGIN &&
    typeof sender.url === 'string' &&
    sender.url.startsWith(`${page}#`);
  const operation = fromPage ? operations.get(new URL(sender.url).hash.slice(1)) : undefined;
  const sameWindow = operation && (operation.windowId === null || sender.tab?.windowId === operation.windowId);
  return operation && sameWindow && !operation.port ? operation : null;
}

/** The PIN window of a waiting signature connects: checked, then told what to show. */
function attachPinWindow(port) {
  const operation = windowOperation(port, PIN_PAGE, signatures);
  if (!operation) {
    port.disconnect();
    return;
  }
  operation.port = port;
  port.onMessage.addListener((message) => {
    const parsed = parsePinWindowMessage(message);
    if (parsed) operation.events.push(parsed);
  });
  port.onDisconnect.addListener(() => {
    operation.port = null;
    operation.events.push({ type: 'closed' });
  });
  port.postMessage({ type: 'show', details: operation.details });
  operation.events.push({ type: 'ready' });
}

/** Events of one signature, taken one at a time by its loop. */
class EventQueue {
  #items = [];
  #waiter = null;

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
