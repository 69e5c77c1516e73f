// @ts-check
// The extension's service worker: relays page requests to the card bridge and runs the PIN and
// consent windows. Its parts, each on its own (ES modules, no bundler):
//   worker-dispatch.js  who may connect, one operation per request, the pause after Cancels
//   worker-native.js    the card bridge process: hello, requests, timeouts
//   worker-windows.js   the extension's own windows and their one event loop
//   worker-signing.js   a signature: preview, PIN window, the wrong-PIN loop
//   worker-identity.js  the identity file behind the person's consent
//   worker-pages.js     the content script into the pages open when the extension started
//   worker-env.js       what they use of the browser (the unit tests give a fake one)
// The rules they apply (message checks, outcomes) are relay.js's plain functions.
import { browserEnv } from './worker-env.js';
import { createWorker } from './worker-dispatch.js';
import { reachOpenPages } from './worker-pages.js';

const env = browserEnv();
const worker = createWorker(env);
reachOpenPages(env).catch(() => {
  // The pages are reached when next loaded, as without this.
});
chrome.runtime.onConnect.addListener((port) => worker.onConnect(port));
// The kiosk extension at a person's Finish (worker-dispatch.js `onExternalMessage`). Firefox has
// no kiosk extension; its runtime has the same event.
chrome.runtime.onMessageExternal.addListener((message, sender, reply) => {
  worker.onExternalMessage(message, sender).then((answer) => {
    reply(answer ?? undefined);
  });
  return true;
});
