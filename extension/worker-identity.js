// @ts-check
// The whole identity file, only with the person's consent, given in the extension's own window:
// once, or "always" for this site and this card holder until withdrawn in the options.
//
// What is kept (`chrome.storage.local`, key `CONSENT_PREFIX` + origin): the list of the holders
// who said "always" to that origin, each as a SHA-256 over the origin and their national number
// (`holderTag`), never the number itself. Binding the consent to the holder means that on a
// shared computer the next person's card is asked about, not read for the previous person's "yes".
import { ARMING_DELAY_MS, CARD_TIMEOUT_MS, CONSENT_PREFIX, USER_TIMEOUT_MS, failure } from './relay.js';
import { windowLanguage } from './pin-strings.js';
import { OperationWindow, runWindow } from './worker-windows.js';

/**
 * @typedef {import('./worker-env.js').Env} Env
 * @typedef {import('./worker-env.js').Outcome} Outcome
 * @typedef {import('./worker-native.js').Bridge} Bridge
 */

/** The consent window's height. */
const CONSENT_WINDOW_HEIGHT = 560;

/**
 * @param {Env} env
 * @param {Map<string, OperationWindow>} consents the consent windows under way, by operation id
 * @param {Bridge} bridge
 * @param {{reader: string | null}} args
 * @param {string} origin from the browser's sender information
 * @param {AbortSignal} pageGone
 * @returns {Promise<Outcome>}
 */
export async function readIdentity(env, consents, bridge, args, origin, pageGone) {
  const answer = await bridge.request({ type: 'card-holder', args: { reader: args.reader } }, CARD_TIMEOUT_MS);
  if (answer.type === 'error') return answer;
  if (answer.type !== 'card-holder') return failure('internal', `The card bridge answered card-holder with ${answer.type}.`);
  const tag = await holderTag(origin, answer.args.national_number);
  const consentKey = CONSENT_PREFIX + origin;
  const stored = await env.storageGet(consentKey);
  const always = Array.isArray(stored) ? stored.filter((entry) => typeof entry === 'string') : [];
  if (!always.includes(tag)) {
    const holder = `${answer.args.given_names} ${answer.args.surname}`.trim();
    const decision = await askConsent(env, consents, { origin, holder, lang: windowLanguage(await env.browserLanguages()) }, pageGone);
    if (decision.type === 'error') return decision;
    if (decision.type === 'allow-always') await env.storageSet(consentKey, [...always, tag]);
  }
  // The card read is of the reader the holder was read from: the same card.
  const card = await bridge.request({ type: 'read-card', args: { reader: answer.args.reader } }, CARD_TIMEOUT_MS);
  if (card.type === 'error') return card;
  if (card.type !== 'card') return failure('internal', `The card bridge answered read-card with ${card.type}.`);
  if (card.args?.identity?.national_number !== answer.args.national_number) {
    return failure('card-removed', 'Another card was put in the reader while the person was asked.');
  }
  return { type: 'identity', args: card.args };
}

/**
 * Opens the consent window and waits for the person's answer, or a failure. An answer is taken
 * only once the window is armed; "always" only as a second, separate click on a confirmation
 * the window showed after the first (`ask-always`), itself armed: never one click.
 * @param {Env} env
 * @param {Map<string, OperationWindow>} consents
 * @param {{origin: string, holder: string, lang: string}} details
 * @param {AbortSignal} pageGone
 * @returns {Promise<{type: 'allow-once' | 'allow-always'} | import('./worker-env.js').FailureOutcome>}
 */
async function askConsent(env, consents, details, pageGone) {
  const consentWindow = new OperationWindow(env, env.consentPage, consents, pageGone, details);
  try {
    await consentWindow.open(CONSENT_WINDOW_HEIGHT);
    consentWindow.startTimer();
    /** When the window showed the "always" confirmation, or null. */
    let askedAlwaysAt = /** @type {number | null} */ (null);
    const words = {
      closed: 'The consent window was closed.',
      timeout: `No answer was given within ${USER_TIMEOUT_MS / 1000} s.`,
      pageGone: 'The page that asked went away.',
    };
    return await runWindow(consentWindow, words, (event) => {
      if (event.type === 'ready' || !consentWindow.armed()) return undefined;
      switch (event.type) {
        case 'allow-once':
          return { type: 'allow-once' };
        case 'ask-always':
          askedAlwaysAt = env.now();
          return undefined;
        case 'allow-always':
          return askedAlwaysAt !== null && env.now() - askedAlwaysAt >= ARMING_DELAY_MS ? { type: 'allow-always' } : undefined;
        case 'refuse':
          return failure('user-cancelled', 'The person refused to show their identity to this page.');
        default:
          return undefined;
      }
    });
  } finally {
    consentWindow.close();
  }
}

/**
 * What is kept of a holder who said "always" to `origin`: hex SHA-256 over the origin and the
 * national number, so the storage names no one.
 * @param {string} origin
 * @param {string} nationalNumber
 */
export async function holderTag(origin, nationalNumber) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${origin}\n${nationalNumber}`));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
