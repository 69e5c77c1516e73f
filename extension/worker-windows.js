// @ts-check
// The extension's own windows (the PIN window, the consent window) as the worker runs them: one
// popup per operation, carrying the operation's id; its events (its messages, its closing, the
// page going away, a timeout) taken one at a time by one loop.
import { ARMING_DELAY_MS, USER_TIMEOUT_MS, failure, originOfSender } from './relay.js';

/**
 * @typedef {import('./worker-env.js').Env} Env
 * @typedef {import('./worker-env.js').Port} Port
 * @typedef {import('./worker-env.js').FailureOutcome} FailureOutcome
 * @typedef {import('./worker-env.js').OperationEvent} OperationEvent
 */

/**
 * An extension window of a waiting operation connects (`page`: the PIN or the consent window):
 * accepted only from this extension's own `page`, with the id of an operation of `operations`,
 * from that operation's window, and only once; then told what to show. Its messages pass
 * `parse` or are dropped.
 * @param {Env} env
 * @param {Port} port
 * @param {string} page
 * @param {Map<string, OperationWindow>} operations
 * @param {(message: unknown) => OperationEvent | null} parse
 */
export function attachWindow(env, port, page, operations, parse) {
  const sender = port.sender;
  // scheme://host of the extension's pages (`URL.origin` is "null" for such schemes outside
  // the browser).
  const { protocol, host } = new URL(page);
  const fromPage =
    sender?.id === env.extensionId &&
    originOfSender(sender) === `${protocol}//${host}` &&
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
 * operation's id; closing it undoes everything.
 */
export class OperationWindow {
  #env;
  #page;
  #operations;
  #pageGone;
  #onPageGone = () => this.events.push({ type: 'page-gone' });
  #onWindowRemoved = (/** @type {number} */ windowId) => {
    if (windowId === this.windowId) this.events.push({ type: 'closed' });
  };
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer = undefined;
  /** @type {Port | null} */
  #port = null;
  /** When the window was told what to show (`env.now()`), or null before. */
  #shownAt = /** @type {number | null} */ (null);

  /**
   * @param {Env} env
   * @param {string} page
   * @param {Map<string, OperationWindow>} operations
   * @param {AbortSignal} pageGone
   * @param {Record<string, unknown>} details
   */
  constructor(env, page, operations, pageGone, details) {
    this.id = env.uuid();
    /** @type {number | null} */
    this.windowId = null;
    this.events = new EventQueue();
    this.details = details;
    this.#env = env;
    this.#page = page;
    this.#operations = operations;
    this.#pageGone = pageGone;
    operations.set(this.id, this);
    pageGone.addEventListener('abort', this.#onPageGone);
    env.onWindowRemoved(this.#onWindowRemoved);
  }

  /** @param {number} height */
  async open(height) {
    const created = await this.#env.createWindow({
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
    return this.#port === null && this.#shownAt === null && (this.windowId === null || windowId === this.windowId);
  }

  /**
   * @param {Port} port
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
    this.#shownAt = this.#env.now();
    this.events.push({ type: 'ready' });
  }

  /**
   * Whether the window has shown what it is about for at least the arming delay: an answer
   * sooner is a click or a key that was already on its way when the window appeared (the
   * windows arm themselves the same way; this holds even if one did not).
   */
  armed() {
    return this.#shownAt !== null && this.#env.now() - this.#shownAt >= ARMING_DELAY_MS;
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
    this.#env.offWindowRemoved(this.#onWindowRemoved);
    try {
      this.#port?.disconnect();
    } catch {
      // Already gone.
    }
    if (this.windowId !== null) this.#env.removeWindow(this.windowId).catch(() => {});
  }
}

/**
 * The one event loop of every window: takes `opWindow`'s events until `handle` returns an
 * outcome. The ends all windows share (closed, timed out, the page gone, the bridge stopped) end
 * it with their failure, worded by `words`.
 * @template T
 * @param {OperationWindow} opWindow
 * @param {{closed: string, timeout: string, pageGone: string}} words English details for logs
 * @param {(event: OperationEvent) => Promise<T | undefined> | T | undefined} handle
 * @returns {Promise<T | FailureOutcome>}
 */
export async function runWindow(opWindow, words, handle) {
  for (;;) {
    const event = await opWindow.events.next();
    switch (event.type) {
      case 'closed':
        return failure('user-cancelled', words.closed);
      case 'timeout':
        return failure('timeout', words.timeout);
      case 'page-gone':
        return failure('user-cancelled', words.pageGone);
      case 'bridge-stopped':
        return event.reason;
      default: {
        const outcome = await handle(event);
        if (outcome) return outcome;
      }
    }
  }
}

/** Events of one operation, taken one at a time by its loop. */
export class EventQueue {
  /** @type {OperationEvent[]} */
  #items = [];
  /** @type {((event: OperationEvent) => void) | null} */
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

  /** @returns {Promise<OperationEvent>} */
  next() {
    const first = this.#items.shift();
    if (first) return Promise.resolve(first);
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }
}
