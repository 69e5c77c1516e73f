// The PIN window. It shows what the service worker says (origin from the browser, holder from the
// card, the rest from the page's request in the extension's own words), takes the PIN and sends
// it over its runtime port to the worker, nowhere else. Text goes in with textContent only.
import { PIN_PORT_NAME, isValidPin } from './relay.js';
import { stringsFor } from './pin-strings.js';

const $ = (id) => document.getElementById(id);
const port = chrome.runtime.connect({ name: PIN_PORT_NAME });
let text = stringsFor(navigator.language.slice(0, 2));
let finished = false;

function translate() {
  document.title = text.title;
  $('heading').textContent = text.heading;
  for (const element of document.querySelectorAll('[data-text]')) {
    element.textContent = text[element.dataset.text];
  }
}

function show(details) {
  text = stringsFor(details.lang);
  document.documentElement.lang = details.lang;
  translate();
  $('origin').textContent = details.origin;
  $('holder').textContent = details.holder;
  $('key').textContent = details.key === 'signature' ? text.keySignature : text.keyAuthentication;
  $('operation').textContent = text.ops[details.operation];
  $('subject').textContent = details.subject ?? '';
  $('subject').hidden = $('subject-term').hidden = !details.subject;
  $('fingerprint').textContent = details.fingerprint;
  $('details').hidden = false;
  if (details.pinpad) {
    $('pinpad').hidden = false;
    $('pinpad-cancel').focus();
  } else {
    $('pin-form').hidden = false;
    $('pin').focus();
  }
}

function setBusy(busy) {
  for (const id of ['pin', 'sign', 'pinpad-retry']) $(id).disabled = busy;
  $('status').textContent = busy ? text.signing : '';
}

$('pin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('pin');
  if (!isValidPin(input.value)) {
    $('pin-message').textContent = text.pinInvalid;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  input.removeAttribute('aria-invalid');
  port.postMessage({ type: 'pin', pin: input.value });
  // The PIN is not kept in this page either.
  input.value = '';
  $('pin-message').textContent = '';
  setBusy(true);
});

const cancel = () => {
  finished = true;
  port.postMessage({ type: 'cancel' });
};
$('cancel').addEventListener('click', cancel);
$('pinpad-cancel').addEventListener('click', cancel);
$('pinpad-retry').addEventListener('click', () => {
  $('pinpad-retry').hidden = true;
  $('pin-message').textContent = '';
  port.postMessage({ type: 'pinpad' });
  setBusy(true);
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') cancel();
});

port.onMessage.addListener((message) => {
  switch (message?.type) {
    case 'show':
      show(message.details);
      break;
    case 'signing':
      setBusy(true);
      break;
    case 'wrong-pin':
      setBusy(false);
      $('pin-message').textContent = text.wrongPin(message.tries_left);
      if ($('pinpad').hidden) {
        $('pin').focus();
      } else {
        $('pinpad-retry').hidden = false;
        $('pinpad-retry').focus();
      }
      break;
  }
});

// The worker ends the port when it is done (and closes this window), or when it was stopped.
port.onDisconnect.addListener(() => {
  if (finished) return;
  finished = true;
  setBusy(true);
  $('status').textContent = '';
  $('pin-message').textContent = text.interrupted;
  setTimeout(() => window.close(), 5_000);
});

translate();
