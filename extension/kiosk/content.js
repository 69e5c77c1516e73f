// @ts-check
// The kiosk extension's content script: runs on the allow-listed origins only (manifest
// `matches`), and passes the page's "finish" on to the service worker, then its answer back.
// It accepts only messages from this very window and origin, in its own namespace.
(() => {
  const KEY = 'ehcert:kiosk';

  /** @param {'wiped' | 'not-wiped'} answer */
  function toPage(answer) {
    window.postMessage({ [KEY]: answer }, window.location.origin);
  }

  window.addEventListener('message', (event) => {
    if (event.source !== window || event.origin !== window.location.origin) return;
    const data = event.data;
    if (!data || typeof data !== 'object' || data[KEY] !== 'finish') return;
    chrome.runtime.sendMessage({ ask: 'finish' }).then(
      (/** @type {{ wiped?: boolean } | undefined} */ outcome) => toPage(outcome?.wiped ? 'wiped' : 'not-wiped'),
      () => toPage('not-wiped'),
    );
  });
})();
