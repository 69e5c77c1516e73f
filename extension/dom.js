// @ts-check
// The few DOM helpers the extension's own windows share (PIN, consent, options). Their HTML is
// ours, so an element that is missing or of another kind is a bug, reported at once.

/**
 * The element `id` of this page, of kind `kind`.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T }} kind
 * @returns {T}
 */
export function element(id, kind) {
  const found = document.getElementById(id);
  if (!(found instanceof kind)) throw new Error(`this page has no ${kind.name} #${id}`);
  return found;
}

/**
 * Puts the words of `text` into every element marked `data-text="<key>"`.
 * @param {Record<string, unknown>} text
 */
export function translateMarked(text) {
  for (const marked of document.querySelectorAll('[data-text]')) {
    if (marked instanceof HTMLElement && marked.dataset.text) {
      marked.textContent = String(text[marked.dataset.text] ?? '');
    }
  }
}
