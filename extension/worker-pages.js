// @ts-check
// The pages that were already open when this extension started. Browsers put a content script
// only into pages loaded after the extension is there: a person who installs (or enables) the
// extension with ehcert's page open, and every open page when the extension updates (the old
// copy's content script is cut off from the new worker), would otherwise have to reload it. So
// once per run of the extension the content script goes into the open pages of the allowed
// sites (chrome.scripting, limited to the sites of `host_permissions`, the same as the content
// script's `matches`); the home page, which keeps looking for the extension, then finds it. A
// run is marked in the session storage, which the browser empties whenever the extension is
// disabled, reloaded or updated, so a worker that merely woke up again does nothing.
// content.js runs once per page however often it is put in.

/** @typedef {import('./worker-env.js').Env} Env */

/** Session storage key: the content script went into the open pages in this run. */
export const REACHED_KEY = 'open-pages-reached';

/**
 * Puts the content script into the allowed sites' pages open now, once per run of the extension.
 * Resolves to how many pages it went into (0 when this run already did).
 * @param {Env} env
 */
export async function reachOpenPages(env) {
  if (await env.sessionGet(REACHED_KEY)) return 0;
  await env.sessionSet(REACHED_KEY, true);
  let reached = 0;
  for (const tabId of await env.openTabs(env.matches)) {
    try {
      await env.injectContentScript(tabId);
      reached += 1;
    } catch {
      // A page that closed or navigated away meanwhile, or one the browser keeps to itself.
    }
  }
  return reached;
}
