// @ts-check
// The card bridge as the worker talks to it: one process per operation, started with the
// browser's native messaging, its hello checked, then requests one at a time, each with its own
// timeout (extension/NATIVE-MESSAGING.md §7: the browser has none of its own).
import {
  HANDSHAKE_TIMEOUT_MS,
  HOST_NAME,
  MAX_REQUEST_FRAME,
  checkHello,
  failure,
  jsonBytes,
  nativeDisconnectFailure,
  replyFor,
} from './relay.js';
import { errorText } from './worker-env.js';

/**
 * @typedef {import('./worker-env.js').Env} Env
 * @typedef {import('./worker-env.js').Port} Port
 * @typedef {import('./worker-env.js').BridgeOutcome} BridgeOutcome
 * @typedef {import('./worker-env.js').FailureOutcome} FailureOutcome
 * @typedef {import('./worker-env.js').Command} Command
 */

/**
 * Starts the bridge and waits for its hello.
 * @param {Env} env
 * @returns {Promise<{bridge: Bridge, failure?: undefined} | {failure: FailureOutcome, bridge?: undefined}>}
 */
export function openBridge(env) {
  return new Promise((resolve) => {
    /** @type {Bridge | null} */
    let bridge = null;
    /** @type {Port} */
    let native;
    try {
      native = env.connectNative(HOST_NAME);
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
      const reason = env.lastError() ?? port?.error?.message;
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
        resolve({ failure: checked.failure });
        return;
      }
      bridge = new Bridge(native, /** @type {{bridge_version: string, protocol: number}} */ (checked.hello));
      resolve({ bridge });
    });
  });
}

/** One running bridge process: requests one at a time, each with its own timeout. */
export class Bridge {
  /** @type {Port} */
  #native;
  #nextId = 1;
  /** @type {{id: number, settle: (outcome: BridgeOutcome) => void} | null} */
  #waiting = null;
  /** @type {FailureOutcome | null} */
  #stoppedWith = null;
  /** @type {((reason: FailureOutcome) => void)[]} */
  #onStop = [];

  /**
   * @param {Port} native
   * @param {{bridge_version: string, protocol: number}} hello
   */
  constructor(native, hello) {
    this.#native = native;
    this.hello = hello;
  }

  /**
   * Sends `command` and resolves to the bridge's outcome, or to a failure.
   * @param {Command} command
   * @param {number} timeoutMs
   * @returns {Promise<BridgeOutcome>}
   */
  request(command, timeoutMs) {
    if (this.#stoppedWith) return Promise.resolve(this.#stoppedWith);
    const id = this.#nextId++;
    // A frame over the bridge's limit would make it stop mid-stream: refused here instead.
    const size = jsonBytes({ id, command });
    if (size > MAX_REQUEST_FRAME) {
      return Promise.resolve(failure('bad-request', `A ${command.type} of ${size} bytes is over the card bridge's limit of ${MAX_REQUEST_FRAME}.`));
    }
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

  /** Running, and no request waiting for its answer: a new request may be sent. */
  get idle() {
    return !this.#waiting && !this.#stoppedWith;
  }

  /** @param {unknown} frame */
  frame(frame) {
    const reply = this.#waiting && replyFor(frame, this.#waiting.id);
    if (reply) this.#waiting?.settle(reply.outcome);
  }

  /** @param {FailureOutcome} reason */
  stopped(reason) {
    this.#stoppedWith = reason;
    this.#waiting?.settle(reason);
    for (const listener of this.#onStop) listener(reason);
  }

  /** @param {(reason: FailureOutcome) => void} listener */
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
