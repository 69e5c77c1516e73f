// @ts-check
// The PIN window. It shows what the service worker says: the origin from the browser, the holder
// from the card, and what the signature does as the card bridge read it from the signed bytes,
// in the extension's own words; nothing the page wrote. It takes the PIN and sends it over its
// runtime port to the worker, nowhere else. Text goes in with textContent only, cleaned of
// control and bidirectional-formatting characters.
import { ARMING_DELAY_MS, PIN_PORT_NAME, cleanText, formatNationalNumber, groupHex, isValidPin, mixesScripts } from './relay.js';
import { stringsFor } from './pin-strings.js';
import { element, translateMarked } from './dom.js';

/** @param {string} id */
const $ = (id) => element(id, HTMLElement);
/** @param {string} id */
const input = (id) => element(id, HTMLInputElement);
/** @param {string} id */
const button = (id) => element(id, HTMLButtonElement);
const port = chrome.runtime.connect({ name: PIN_PORT_NAME });
let text = stringsFor(navigator.language.slice(0, 2));
let finished = false;
/** The PIN field takes keys only `ARMING_DELAY_MS` after the window showed what is signed. */
let armed = false;
/**
 * What the worker asks this window to show (background.js): the origin from the browser, the
 * holder from the card, the key, and the operation as the bridge read it from the signed bytes.
 * @typedef {{origin: string, holder: string, key: string, lang: string, pinpad: boolean,
 *   operation: {type: string, args: any}}} Details
 * A certificate's holder as the bridge read it from a DN (`ehcert_shared::bridge::CertificateSubject`).
 * @typedef {{name: string, id: string, id_type: string, application_id?: string | null, dn: string}} Certificate
 */
/** @type {Details | null} */
let shownDetails = null;

function translate() {
  document.title = text.title;
  $('heading').textContent = text.heading;
  translateMarked(text);
}

/** A certificate's holder in words: name, then the national number or organisation number. */
/** @param {Certificate} certificate */
function describeCertificate(certificate) {
  const name = cleanText(certificate.name);
  const id = cleanText(certificate.id, 40);
  if (certificate.id_type === 'SSIN') return `${name}, ${text.nationalNumber} ${formatNationalNumber(id)}`;
  const application = certificate.application_id ? `, ${text.application} ${cleanText(certificate.application_id, 40)}` : '';
  return `${name} (${cleanText(certificate.id_type, 40)} ${id})${application}`;
}

/** @param {Details} details */
function show(details) {
  shownDetails = details;
  text = stringsFor(details.lang);
  document.documentElement.lang = details.lang;
  translate();
  const { type, args } = details.operation;
  $('origin').textContent = details.origin;
  $('holder').textContent = cleanText(details.holder);
  $('key').textContent = details.key === 'signature' ? text.keySignature : text.keyAuthentication;
  $('operation').textContent = /** @type {Record<string, string>} */ (text.ops)[type];
  $('about').textContent = /** @type {Record<string, string>} */ (text.about)[type];
  const certificate = type === 'certificate-request' || type === 'revocation' ? args.certificate : null;
  $('subject-row').hidden = !certificate;
  $('key-id-row').hidden = !certificate;
  $('reason-row').hidden = type !== 'revocation';
  $('technical').hidden = !certificate;
  if (certificate) {
    $('subject').textContent = describeCertificate(certificate);
    $('key-id-term').textContent = type === 'revocation' ? text.certificateKey : text.newKey;
    $('key-id').textContent = groupHex(cleanText(args.key_id, 40));
    $('dn').textContent = cleanText(certificate.dn, 400);
  }
  // A person cannot see a Cyrillic "а" among Latin letters: the window says a name mixes them.
  const names = [details.holder, certificate?.name, certificate?.application_id];
  $('mixed-scripts').hidden = !names.some(mixesScripts);
  // Where eHealth will write about the certificate, as signed: a page must not have its notices
  // sent to an address the person never saw.
  const contact = type === 'certificate-request' ? args.contact : null;
  $('contact-row').hidden = !contact;
  if (contact) {
    const reachable = [contact.email, contact.phone, contact.email_general, contact.phone_general];
    $('contact').textContent = reachable
      .filter((value) => typeof value === 'string' && value.length > 0)
      .map((value) => cleanText(value, 100))
      .join(', ');
  }
  if (type === 'revocation') $('reason').textContent = /** @type {Record<string, string>} */ (text.reasons)[args.reason] ?? cleanText(args.reason, 40);
  $('details').hidden = false;
  if (details.pinpad) {
    $('pinpad').hidden = false;
    $('pinpad-cancel').focus();
  } else {
    $('pin-form').hidden = false;
    input('pin').disabled = true;
    armAfterQuiet();
  }
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let arming;
/**
 * Arms the PIN field once no key has been pressed for `ARMING_DELAY_MS`: a burst of keys that
 * began before the window showed (the person typing into the page, which opened the window
 * under their fingers) keeps it unarmed and unfocused until it stops.
 */
function armAfterQuiet() {
  clearTimeout(arming);
  arming = setTimeout(() => {
    // Whatever reached the field before it was armed is dropped.
    input('pin').value = '';
    input('pin').disabled = false;
    armed = true;
    $('pin').focus();
  }, ARMING_DELAY_MS);
}
document.addEventListener(
  'keydown',
  () => {
    if (!armed && shownDetails && !shownDetails.pinpad) armAfterQuiet();
  },
  { capture: true },
);

/** @param {boolean} busy */
function setBusy(busy) {
  input('pin').disabled = busy;
  for (const id of ['sign', 'pinpad-retry']) button(id).disabled = busy;
  $('status').textContent = busy ? text.signing : '';
}

// A form is submitted through a click on its Sign button (the mouse, or Enter in the field,
// which the browser turns into a click): that click must be the person's, not a script's
// `click()` (whose submit event the browser would still mark as trusted).
let activatedByPerson = false;
$('sign').addEventListener('click', (event) => {
  activatedByPerson = event.isTrusted;
});
$('pin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const byPerson = event.isTrusted && activatedByPerson;
  activatedByPerson = false;
  // Only the person's own keys and clicks count: no script-made events, nothing before arming.
  if (!byPerson || !armed || !shownDetails) return;
  const field = input('pin');
  if (!isValidPin(field.value)) {
    $('pin-message').textContent = text.pinInvalid;
    field.setAttribute('aria-invalid', 'true');
    field.focus();
    return;
  }
  field.removeAttribute('aria-invalid');
  port.postMessage({ type: 'pin', pin: field.value });
  // The PIN is not kept in this page either.
  field.value = '';
  $('pin-message').textContent = '';
  setBusy(true);
});

/** @param {Event} event */
const cancel = (event) => {
  if (!event.isTrusted) return;
  finished = true;
  port.postMessage({ type: 'cancel' });
};
$('cancel').addEventListener('click', cancel);
$('pinpad-cancel').addEventListener('click', cancel);
$('pinpad-retry').addEventListener('click', (event) => {
  if (!event.isTrusted) return;
  $('pinpad-retry').hidden = true;
  $('pin-message').textContent = '';
  port.postMessage({ type: 'pinpad' });
  setBusy(true);
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') cancel(event);
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
