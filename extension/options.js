// @ts-check
// The extension's options: the sites a card holder allowed to read their whole identity file, each
// with a button that withdraws it for every holder (`chrome.storage.local`, see relay.js
// `CONSENT_PREFIX` and worker-identity.js).
import { CONSENT_PREFIX } from './relay.js';
import { stringsFor } from './pin-strings.js';
import { element, translateMarked } from './dom.js';

const text = stringsFor(navigator.language.slice(0, 2));
const list = element('origins', HTMLUListElement);

translateMarked(text);
document.title = text.optionsHeading;

async function render() {
  const stored = await chrome.storage.local.get(null);
  const origins = Object.keys(stored)
    .filter((key) => key.startsWith(CONSENT_PREFIX) && Array.isArray(stored[key]) && stored[key].length > 0)
    .map((key) => key.slice(CONSENT_PREFIX.length))
    .sort();
  list.replaceChildren();
  for (const origin of origins) {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = `${origin} `;
    const withdraw = document.createElement('button');
    withdraw.type = 'button';
    withdraw.textContent = text.optionsWithdraw;
    withdraw.setAttribute('aria-label', `${text.optionsWithdraw}: ${origin}`);
    withdraw.addEventListener('click', async (event) => {
      if (!event.isTrusted) return;
      await chrome.storage.local.remove(CONSENT_PREFIX + origin);
      await render();
    });
    item.append(name, withdraw);
    list.append(item);
  }
  element('none', HTMLElement).hidden = origins.length > 0;
}

render();
