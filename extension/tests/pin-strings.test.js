// @ts-check
// The PIN window speaks the app's four languages, each with every text and every operation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { LANGS, OPERATIONS } from '../relay.js';
import { STRINGS, stringsFor } from '../pin-strings.js';

test('every language has every text the English window has, and every operation', () => {
  assert.deepEqual(new Set(Object.keys(STRINGS)), LANGS);
  const keys = Object.keys(STRINGS.en).sort();
  for (const [lang, strings] of Object.entries(STRINGS)) {
    assert.deepEqual(Object.keys(strings).sort(), keys, lang);
    assert.deepEqual(new Set(Object.keys(strings.ops)), OPERATIONS, lang);
    assert.deepEqual(new Set(Object.keys(strings.about)), OPERATIONS, lang);
    assert.deepEqual(Object.keys(strings.reasons).sort(), ['affiliationChanged', 'cessationOfOperation', 'keyCompromise', 'superseded'], lang);
    for (const n of [1, 2]) assert.match(strings.wrongPin(n), new RegExp(String(n)), `${lang} wrongPin(${n})`);
  }
  assert.notEqual(STRINGS.nl.sign, STRINGS.en.sign);
  assert.equal(stringsFor('xx'), STRINGS.en);
});

test('every data-text of the PIN, consent and options windows has a string', () => {
  for (const page of ['pin.html', 'consent.html', 'options.html']) {
    const html = readFileSync(new URL(`../${page}`, import.meta.url), 'utf8');
    const used = [...html.matchAll(/data-text="([^"]+)"/g)].map((match) => match[1]);
    assert.ok(used.length >= 3, page);
    for (const key of used) assert.equal(typeof /** @type {Record<string, unknown>} */ (STRINGS.en)[key], 'string', `${page}: ${key}`);
  }
});
