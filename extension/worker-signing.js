// @ts-check
// A signature: the bridge checks what is to be signed and says what it does (the preview), the
// PIN window shows that, then the bridge checks it again and the card signs. The window's words
// come from the bridge's reading of the signed bytes, never from the page. The PIN is typed in
// the PIN window, put into the one bridge request that uses it and not kept anywhere
// (app/PRODUCT.md §5).
import {
  CARD_TIMEOUT_MS,
  USER_TIMEOUT_MS,
  afterSignAttempt,
  failure,
  previewRefusal,
  signedContentFor,
} from './relay.js';
import { windowLanguage } from './pin-strings.js';
import { OperationWindow, runWindow } from './worker-windows.js';

/**
 * @typedef {import('./worker-env.js').Env} Env
 * @typedef {import('./worker-env.js').Outcome} Outcome
 * @typedef {import('./worker-env.js').Action} Action
 * @typedef {import('./worker-native.js').Bridge} Bridge
 */

/** The PIN window's height: room for what is signed, the PIN field and its buttons. */
const PIN_WINDOW_HEIGHT = 660;

/**
 * @param {Env} env
 * @param {Map<string, OperationWindow>} signatures the PIN windows under way, by operation id
 * @param {Bridge} bridge
 * @param {Extract<Action, {type: 'sign' | 'card-check'}>} action a parsed `sign` or `card-check`
 * @param {string} origin from the browser's sender information
 * @param {AbortSignal} pageGone
 * @returns {Promise<{outcome: Outcome, cancelled: boolean}>} `cancelled`: the person pressed
 *   Cancel or closed the window
 */
export async function sign(env, signatures, bridge, action, origin, pageGone) {
  const args = action.args;
  /** @type {import('./worker-env.js').KeyRole} */
  const key = action.type === 'card-check' ? 'authentication' : action.args.key;
  const content = signedContentFor(action, origin, env.random);
  const answer = await bridge.request({ type: 'preview', args: { reader: args.reader, key, content } }, CARD_TIMEOUT_MS);
  const done = (/** @type {Outcome} */ outcome, cancelled = false) => ({ outcome, cancelled });
  if (answer.type === 'error') return done(answer);
  if (answer.type !== 'preview') return done(failure('internal', `The card bridge answered preview with ${answer.type}.`));
  const refused = previewRefusal(key, answer.args);
  if (refused) return done(refused);
  const { holder, operation: signed } = answer.args;

  const pinWindow = new OperationWindow(env, env.pinPage, signatures, pageGone, {
    origin,
    holder: `${holder.given_names} ${holder.surname}`.trim(),
    key,
    operation: signed,
    lang: windowLanguage(await env.browserLanguages()),
    pinpad: holder.pinpad,
  });
  bridge.onStop((reason) => pinWindow.events.push({ type: 'bridge-stopped', reason }));
  let cancelled = false;
  try {
    await pinWindow.open(PIN_WINDOW_HEIGHT);
    pinWindow.startTimer();
    const words = {
      closed: 'The PIN window was closed.',
      timeout: `No PIN was given within ${USER_TIMEOUT_MS / 1000} s.`,
      pageGone: 'The page that asked for the signature went away.',
    };
    const outcome = await runWindow(pinWindow, words, async (event) => {
      switch (event.type) {
        case 'ready':
          // A PIN-pad reader takes the PIN itself: start at once, the window says where to type.
          if (holder.pinpad) pinWindow.events.push({ type: 'pinpad' });
          return undefined;
        case 'cancel':
          return failure('user-cancelled', 'Cancel was pressed in the PIN window.');
        case 'pin':
        case 'pinpad': {
          // A PIN typed before the window was armed was on its way before the person saw it.
          if ((event.type === 'pinpad') !== holder.pinpad) return undefined;
          if (event.type === 'pin' && !pinWindow.armed()) return undefined;
          pinWindow.stopTimer();
          pinWindow.post({ type: 'signing' });
          /** @type {import('./worker-env.js').PinEntry} */
          const pin = event.type === 'pin' ? { type: 'digits', args: event.pin } : { type: 'pinpad' };
          // The same bytes as the preview: the bridge checks them again against the card that
          // signs, in the card's own transaction.
          const signedOutcome = await bridge.request(
            { type: 'sign', args: { reader: holder.reader, key, content, pin } },
            holder.pinpad ? USER_TIMEOUT_MS : CARD_TIMEOUT_MS,
          );
          const next = afterSignAttempt(signedOutcome);
          if (next.next === 'done') {
            if (content.type === 'card-check' && next.outcome.type === 'signature') {
              /** @type {Outcome} */
              const checked = { type: 'card-check', args: { challenge: content.args.challenge, signature: next.outcome.args } };
              return checked;
            }
            return next.outcome;
          }
          pinWindow.post({ type: 'wrong-pin', tries_left: next.triesLeft });
          pinWindow.startTimer();
          return undefined;
        }
        default:
          return undefined;
      }
    });
    cancelled = outcome.type === 'error' && outcome.args.code === 'user-cancelled' && !pageGone.aborted;
    return done(outcome, cancelled);
  } finally {
    pinWindow.close();
  }
}
