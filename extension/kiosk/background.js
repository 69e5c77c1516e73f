// @ts-check
// The kiosk extension's service worker: at a person's Finish, removes what their session left
// in the browser that the page itself cannot reach (app/PRODUCT.md F17, docs/kiosk.md):
//   - the files the session downloaded (the pending and final keystores, named after the
//     person's national number), deleted from the disk, and the download history;
//   - browsing history, form data and saved passwords (the kiosk policy also turns these off);
//   - every site's storage, cookies and caches.
// Installed only on shared computers, by policy (extension/kiosk-policies/); a person's own
// browser never has it. Files the person saved with the save picker (their USB stick) are not
// downloads and are not touched.

/** @typedef {{ wiped: boolean, files: number, consents: boolean, problem?: string }} Outcome */

/**
 * The ehcert extension, whose lasting consents to show a person's identity are forgotten at
 * Finish: its development id (../extension-id.txt); a release build writes the id it is
 * published under (build.mjs `--peer-id`).
 */
const EHCERT_EXTENSION_ID = 'ihbedndnijflbnlknbfafabcflgcfela';

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  // Only this extension's own content script (on the allow-listed origins) reaches here.
  if (!message || message.ask !== 'finish' || sender.id !== chrome.runtime.id || !sender.tab) return false;
  finish().then(reply, (/** @type {unknown} */ err) =>
    reply(/** @type {Outcome} */ ({ wiped: false, files: 0, consents: false, problem: String(err) })),
  );
  return true;
});

/** @returns {Promise<Outcome>} */
async function finish() {
  // First, while the ehcert extension surely runs: the identity consents it keeps.
  const consents = await forgetIdentityConsents();
  let files = 0;
  for (const item of await chrome.downloads.search({})) {
    if (item.state === 'in_progress') {
      await chrome.downloads.cancel(item.id);
    } else if (item.state === 'complete' && item.exists) {
      await chrome.downloads.removeFile(item.id);
      files += 1;
    }
  }
  await chrome.downloads.erase({});
  await chrome.browsingData.remove(
    { since: 0 },
    {
      downloads: true,
      history: true,
      formData: true,
      passwords: true,
      cookies: true,
      localStorage: true,
      indexedDB: true,
      cache: true,
      cacheStorage: true,
      serviceWorkers: true,
      fileSystems: true,
    },
  );
  return { wiped: true, files, consents };
}

/**
 * Asks the ehcert extension to forget every lasting consent (extension/worker-dispatch.js
 * `onExternalMessage`): `chrome.browsingData` does not reach another extension's storage.
 * False when it did not answer (not installed, or an older version).
 */
async function forgetIdentityConsents() {
  try {
    const answer = await chrome.runtime.sendMessage(EHCERT_EXTENSION_ID, { ask: 'forget-identity-consents' });
    return typeof answer?.forgotten === 'number';
  } catch {
    return false;
  }
}
