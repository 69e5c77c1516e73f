// @ts-check
// The consent window: before a page gets more of the eID than the flows need (birth date,
// nationality, address, card number), the person says so here, in the extension's own window
// that no page can open, read or script. It shows the origin from the browser and the holder
// from the card; the answer goes over its runtime port to the worker, nowhere else.
import { ARMING_DELAY_MS, CONSENT_PORT_NAME, cleanText } from './relay.js';
import { stringsFor } from './pin-strings.js';
import { element, translateMarked } from './dom.js';

/** @param {string} id */
const $ = (id) => element(id, HTMLElement);
/** @param {string} id */
const button = (id) => element(id, HTMLButtonElement);
const port = chrome.runtime.connect({ name: CONSENT_PORT_NAME });
let text = stringsFor(navigator.language.slice(0, 2));

function translate() {
  document.title = text.consentHeading;
  translateMarked(text);
}

/** @param {{origin: string, holder: string, lang: string}} details */
function show(details) {
  text = stringsFor(details.lang);
  document.documentElement.lang = details.lang;
  translate();
  $('origin').textContent = details.origin;
  $('holder').textContent = cleanText(details.holder);
  $('details').hidden = false;
  showChoices(['allow-once', 'allow-always', 'refuse'], 'choices', 'refuse');
}

/**
 * Shows one step of the window (`section`: the three answers, or the confirmation of "always")
 * with its buttons disabled for `ARMING_DELAY_MS`: a click already on its way when the step
 * appeared is not an answer (the worker holds to the same delay).
 * @param {string[]} buttons
 * @param {string} section
 * @param {string} focus
 */
function showChoices(buttons, section, focus) {
  for (const id of ['choices', 'always']) $(id).hidden = id !== section;
  for (const id of buttons) button(id).disabled = true;
  setTimeout(() => {
    for (const id of buttons) button(id).disabled = false;
    $(focus).focus();
  }, ARMING_DELAY_MS);
}

/** Only the person's own clicks count, never a script-made event. */
/** @param {'allow-once' | 'ask-always' | 'allow-always' | 'refuse'} type */
function answer(type) {
  return (/** @type {Event} */ event) => {
    if (!event.isTrusted) return;
    port.postMessage({ type });
  };
}
$('allow-once').addEventListener('click', answer('allow-once'));
// "Always" is never one click: the first shows what it means and asks again, on buttons that
// arm anew, the second says yes.
$('allow-always').addEventListener('click', (event) => {
  if (!event.isTrusted) return;
  answer('ask-always')(event);
  showChoices(['allow-always-yes', 'always-back'], 'always', 'always-back');
});
$('allow-always-yes').addEventListener('click', answer('allow-always'));
$('always-back').addEventListener('click', (event) => {
  if (!event.isTrusted) return;
  showChoices(['allow-once', 'allow-always', 'refuse'], 'choices', 'refuse');
});
$('refuse').addEventListener('click', answer('refuse'));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') answer('refuse')(event);
});

port.onMessage.addListener((message) => {
  if (message?.type === 'show') show(message.details);
});
port.onDisconnect.addListener(() => window.close());

translate();
