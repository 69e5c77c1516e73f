// @ts-check
// The worker's dispatcher: takes the page's port and the windows' ports, checks who they are,
// and runs each page request as one operation with its own bridge process (web-eid's pattern), so
// a crashed bridge or a restarted worker never leaves state behind.
//
// Trust: the origin comes from the browser's sender information (`port.sender`), never from page
// data, and is checked against the allow-list (the content script's match patterns) before
// anything else happens.
import {
  CANCEL_PAUSE_AFTER,
  CARD_TIMEOUT_MS,
  CONSENT_PORT_NAME,
  CONSENT_PREFIX,
  EVENTS_TIMEOUT_MS,
  KIOSK_EXTENSION_ID,
  PAGE_PORT_NAME,
  PIN_PORT_NAME,
  PROTOCOLS,
  SUPPORT_EVENTS_KEY,
  allowListFromMatches,
  bridgeCommandFor,
  cancelPauseMs,
  failedOperation,
  failure,
  isAllowedOrigin,
  originOfSender,
  pageOutcomeFor,
  parseConsentMessage,
  parsePageRequest,
  parsePinWindowMessage,
  supportReportLines,
  withFailedOperation,
} from './relay.js';
import { errorText } from './worker-env.js';
import { openBridge } from './worker-native.js';
import { readIdentity } from './worker-identity.js';
import { sign } from './worker-signing.js';
import { attachWindow } from './worker-windows.js';

/**
 * @typedef {import('./worker-env.js').Env} Env
 * @typedef {import('./worker-env.js').Port} Port
 * @typedef {import('./worker-env.js').Outcome} Outcome
 * @typedef {import('./worker-env.js').Action} Action
 * @typedef {import('./worker-windows.js').OperationWindow} OperationWindow
 */

/**
 * The worker for `env`: its `onConnect` takes every runtime port.
 * @param {Env} env
 */
export function createWorker(env) {
  const allowList = allowListFromMatches(env.matches);
  /** Action kinds with an operation under way, each with the page's signal that ends it: one
   *  at a time per kind. */
  const running = new Map();
  /** PIN windows of the signatures under way, by operation id. */
  /** @type {Map<string, OperationWindow>} */
  const signatures = new Map();
  /** Consent windows of the identity reads under way, by operation id. */
  /** @type {Map<string, OperationWindow>} */
  const consents = new Map();
  /** PIN windows cancelled in a row, by tab: `{count, at}` (`env.now()` of the last). */
  /** @type {Map<string, {count: number, at: number}>} */
  const cancels = new Map();

  /**
   * @param {Action} action
   * @param {string} origin
   * @param {AbortSignal} pageGone
   * @returns {Promise<{outcome: Outcome, cancelled?: boolean}>}
   */
  async function perform(action, origin, pageGone) {
    if (action.type === 'support-report') return { outcome: await supportReport() };
    const opened = await openBridge(env);
    if (!opened.bridge) {
      await keepFailure(action, opened.failure, null);
      return { outcome: opened.failure };
    }
    const { bridge } = opened;
    if (pageGone.aborted) {
      bridge.close();
      return { outcome: failure('user-cancelled', 'The page that asked went away.') };
    }
    try {
      const performed = await performWith(bridge, action, origin, pageGone);
      await keepFailure(action, performed.outcome, bridge);
      return performed;
    } finally {
      bridge.close();
    }
  }

  /**
   * @param {import('./worker-native.js').Bridge} bridge
   * @param {Exclude<Action, {type: 'support-report'}>} action
   * @param {string} origin
   * @param {AbortSignal} pageGone
   * @returns {Promise<{outcome: Outcome, cancelled?: boolean}>}
   */
  async function performWith(bridge, action, origin, pageGone) {
    switch (action.type) {
      case 'status':
        return { outcome: { type: 'status', args: { extension_version: env.extensionVersion, bridge: bridge.hello } } };
      case 'sign':
      case 'card-check':
        return await sign(env, signatures, bridge, action, origin, pageGone);
      case 'read-identity':
        return { outcome: await readIdentity(env, consents, bridge, action.args, origin, pageGone) };
      default:
        return { outcome: pageOutcomeFor(action.type, await bridge.request(bridgeCommandFor(action), CARD_TIMEOUT_MS)) };
    }
  }

  /**
   * The extension's part of the support report (`supportReportLines`): a bridge started for it
   * says hello and lists the readers, and the first card found says what it is. Nothing of it is
   * kept, and its own failures are not kept as failed operations.
   * @returns {Promise<Outcome>}
   */
  async function supportReport() {
    const kept = await env.sessionGet(SUPPORT_EVENTS_KEY);
    const extension = { version: env.extensionVersion, protocols: PROTOCOLS };
    const opened = await openBridge(env);
    if (!opened.bridge) {
      return { type: 'support-report', args: supportReportLines({ extension, hello: null, bridgeFailure: opened.failure.args.code, readers: null, holder: null, kept }) };
    }
    const { bridge } = opened;
    try {
      const readers = await bridge.request({ type: 'list-readers' }, CARD_TIMEOUT_MS);
      const withCard = readers.type === 'readers' ? readers.args.find((reader) => reader.card_present) : undefined;
      const holder = withCard ? await bridge.request({ type: 'card-holder', args: { reader: withCard.name } }, CARD_TIMEOUT_MS) : null;
      return { type: 'support-report', args: supportReportLines({ extension, hello: bridge.hello, readers, holder, kept }) };
    } finally {
      bridge.close();
    }
  }

  /**
   * Keeps an operation that failed for the support report, with the bridge's own lines when
   * it is still there to give them (an older bridge answers `bad-request`: no lines). Storage
   * refusing is no reason to fail the operation a second time.
   * @param {Action} action
   * @param {Outcome} outcome
   * @param {import('./worker-native.js').Bridge | null} bridge
   */
  async function keepFailure(action, outcome, bridge) {
    if (outcome.type !== 'error') return;
    try {
      const events = bridge?.idle ? await bridge.request({ type: 'recent-events' }, EVENTS_TIMEOUT_MS) : null;
      const latest = failedOperation(env.now(), action.type, outcome.args, bridge?.hello ?? null, events);
      await env.sessionSet(SUPPORT_EVENTS_KEY, withFailedOperation(await env.sessionGet(SUPPORT_EVENTS_KEY), latest));
    } catch {
      // Kept nothing.
    }
  }

  /**
   * A refusal when `tab` cancelled its PIN windows too often in a row and the pause since the
   * last is not over: a page cannot reopen the window again and again until a tired person
   * types their PIN into it.
   * @param {string} tab
   */
  function pausedAfterCancels(tab) {
    const seen = cancels.get(tab);
    if (!seen || seen.count < CANCEL_PAUSE_AFTER) return null;
    const left = seen.at + cancelPauseMs(seen.count) - env.now();
    if (left <= 0) return null;
    return failure('user-cancelled', `The PIN window was cancelled ${seen.count} times in a row; it opens again in ${Math.ceil(left / 1000)} s.`);
  }

  /** @param {Port} port */
  function onPage(port) {
    const origin = originOfSender(port.sender);
    // Only the top frame's content script opens this port (the manifest runs it there only).
    const topFrame = port.sender?.frameId === undefined || port.sender.frameId === 0;
    if (port.name !== PAGE_PORT_NAME || !topFrame || !isAllowedOrigin(origin, allowList)) {
      port.disconnect();
      return;
    }
    const tab = String(port.sender?.tab?.id ?? origin);
    const pageGone = new AbortController();
    port.onDisconnect.addListener(() => pageGone.abort());
    port.onMessage.addListener(async (message) => {
      const request = parsePageRequest(message);
      if (!request) {
        // Answered when it has an id to answer to.
        const id = typeof message === 'object' && message !== null && 'id' in message ? message.id : undefined;
        if (typeof id === 'number' && Number.isInteger(id)) {
          reply(port, id, failure('bad-request', 'The extension cannot read this request.'));
        }
        return;
      }
      // A card check is a signature too, and a consent a window too: one window at a time.
      const signs = ['sign', 'card-check'].includes(request.action.type);
      const kind = signs || request.action.type === 'read-identity' ? 'sign' : request.action.type;
      if (running.has(kind)) {
        reply(port, request.id, failure('busy', `Another ${kind} is under way; one at a time.`));
        return;
      }
      const paused = signs ? pausedAfterCancels(tab) : null;
      if (paused) {
        reply(port, request.id, paused);
        return;
      }
      // Leaving the page (a click to another screen reloads it) frees its kind at once, so the
      // next screen starts its own operation rather than meet this one as "busy". The card
      // command under way is left to finish (its windows close, its bridge ends with its
      // answer): a bridge stopped inside a PC/SC transaction makes pcscd reset the card, and the
      // next screen's read would meet the card powering up (SCARD_E_PROTO_MISMATCH for seconds).
      // The next bridge's transaction simply waits for this one's (SCardBeginTransaction blocks
      // while another holds the card).
      const token = pageGone.signal;
      const release = () => {
        if (running.get(kind) === token) running.delete(kind);
      };
      running.set(kind, token);
      token.addEventListener('abort', release, { once: true });
      /** @type {Outcome} */
      let outcome;
      try {
        const performed = await perform(request.action, origin, token);
        outcome = performed.outcome;
        if (signs && performed.cancelled) {
          cancels.set(tab, { count: (cancels.get(tab)?.count ?? 0) + 1, at: env.now() });
        } else if (signs && outcome.type !== 'error') {
          cancels.delete(tab);
        }
      } catch (error) {
        outcome = failure('internal', errorText(error));
      } finally {
        release();
        // A page's port serves many requests: one listener per request would pile up.
        token.removeEventListener('abort', release);
      }
      reply(port, request.id, outcome);
    });
  }

  return {
    /**
     * A message from another extension: only the kiosk extension's request, at a person's
     * Finish, that every lasting consent be forgotten (the next person at a shared computer
     * starts from none). Resolves to the answer, or null for anything else.
     * @param {unknown} message
     * @param {{id?: string}} sender from the browser
     * @returns {Promise<{forgotten: number} | null>}
     */
    async onExternalMessage(message, sender) {
      const asked = typeof message === 'object' && message !== null && 'ask' in message ? message.ask : undefined;
      if (sender.id !== KIOSK_EXTENSION_ID || asked !== 'forget-identity-consents') return null;
      // The next person at a shared computer gets no report of this one's failures either.
      await env.sessionSet(SUPPORT_EVENTS_KEY, []);
      return { forgotten: await env.storageForget(CONSENT_PREFIX) };
    },

    /** @param {Port} port */
    onConnect(port) {
      if (port.name === PIN_PORT_NAME) {
        attachWindow(env, port, env.pinPage, signatures, parsePinWindowMessage);
      } else if (port.name === CONSENT_PORT_NAME) {
        attachWindow(env, port, env.consentPage, consents, parseConsentMessage);
      } else {
        onPage(port);
      }
    },
  };
}

/**
 * @param {Port} port
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
