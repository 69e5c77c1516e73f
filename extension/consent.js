// @ts-check
// The consent window: before a page gets more of the eID than the flows need (birth date,
// nationality, address, card number), the person says so here, in the extension's own window
// that no page can open, read or script. It shows the origin from the browser and the holder
// from the card; the answer goes over its runtime port to the worker, nowhere else.
import { CONSENT_PORT_NAME, cleanText } from './relay.js';
import { stringsFor } from './pin-strings.js';
import { element, translateMarked } from './dom.js';

/** @param {string} id */
const $ = (id) => element(id, HTMLElement);
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
  $('choices').hidden = false;
  $('refuse').focus();
}

/** Only the person's own clicks count, never a script-made event. */
/** @param {'allow-once' | 'allow-always' | 'refuse'} type */
function answer(type) {
  return (/** @type {Event} */ event) => {
    if (!event.isTrusted) return;
    port.postMessage({ type });
  };
}
$('allow-once').addEventListener('click', answer('allow-once'));
$('allow-always').addEventListener('click', answer('allow-always'));
$('refuse').addEventListener('click', answer('refuse'));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') answer('refuse')(event);
});

port.onMessage.addListener((message) => {
  if (message?.type === 'show') show(message.details);
});
port.onDisconnect.addListener(() => window.close());

translate();
