// @ts-check
// For the packages' read-back tests (macos/pkg.test.mjs, windows/wine.test.mjs): the stores' ids
// the packages have Chrome and Edge install the extension by, as the build was given them
// (packaging/external-extensions.sh).
import assert from 'node:assert/strict';

/** `EHCERT_CHROME_STORE_ID` and `EHCERT_EDGE_STORE_ID`, each checked to be an extension id. */
export function storeIds() {
  const chrome = process.env.EHCERT_CHROME_STORE_ID ?? '';
  const edge = process.env.EHCERT_EDGE_STORE_ID ?? '';
  assert.match(chrome, /^[a-p]{32}$/, 'EHCERT_CHROME_STORE_ID, as the build was given it');
  assert.match(edge, /^[a-p]{32}$/, 'EHCERT_EDGE_STORE_ID, as the build was given it');
  return { chrome, edge };
}
