// @ts-check
// The store rules that can be checked without the stores: what the Chrome Web Store, Edge Add-ons
// and addons.mozilla.org refuse or hold an upload for, on the packages release.mjs writes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { FILES, LOCALES, kioskManifestFor, manifestFor } from '../build.mjs';
import { ICON_SIZES } from '../icons/render.mjs';
import { listing } from '../release.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EXTENSIONS = [
  { name: 'the extension', dir: path.join(HERE, '..') },
  { name: 'the kiosk extension', dir: path.join(HERE, '..', 'kiosk') },
];
// Chrome Web Store: a description of at most 132 characters ("Supplying Images" and the
// manifest's `description`: "no more than 132 characters"); addons.mozilla.org: a name of at
// most 50 (Chrome's is 75). Counted in characters as the stores count them, not bytes.
const MAX_DESCRIPTION = 132;
const MAX_NAME = 50;

/** @param {string} dir @param {string} lang */
function messagesOf(dir, lang) {
  return JSON.parse(readFileSync(path.join(dir, '_locales', lang, 'messages.json'), 'utf8'));
}

for (const { name, dir } of EXTENSIONS) {
  test(`${name}: its name and description in the app's four languages, within the stores' limits`, () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    assert.ok(LOCALES.includes(manifest.default_locale), 'the default language is one of the four');
    const placeholders = [...JSON.stringify(manifest).matchAll(/__MSG_(\w+)__/g)].map((match) => match[1]);
    assert.deepEqual(placeholders.sort(), ['extDescription', 'extName'], 'the name and description come from _locales');
    const englishKeys = Object.keys(messagesOf(dir, 'en')).sort();
    for (const lang of LOCALES) {
      const messages = messagesOf(dir, lang);
      assert.deepEqual(Object.keys(messages).sort(), englishKeys, `${lang} has every message`);
      const text = (/** @type {string} */ key) => /** @type {string} */ (messages[key].message);
      assert.ok(text('extName').length > 0 && [...text('extName')].length <= MAX_NAME, `${lang} name: ${text('extName')}`);
      const description = [...text('extDescription')].length;
      assert.ok(description > 0 && description <= MAX_DESCRIPTION, `${lang} description is ${description} characters`);
      if (lang !== 'en') assert.notEqual(text('extDescription'), messagesOf(dir, 'en').extDescription.message, `${lang} is translated`);
    }
  });
}

test('no release package carries a development key, and Firefox is told what data leaves the extension', () => {
  const base = JSON.parse(readFileSync(path.join(HERE, '..', 'manifest.json'), 'utf8'));
  const kioskBase = JSON.parse(readFileSync(path.join(HERE, '..', 'kiosk', 'manifest.json'), 'utf8'));
  const origins = ['https://app.ehcert.be'];
  for (const manifest of [
    manifestFor(base, { browser: 'chromium', origins }),
    manifestFor(base, { browser: 'firefox', origins }),
    kioskManifestFor(kioskBase, { browser: 'chromium', origins }),
  ]) {
    assert.equal(manifest.key, undefined);
  }
  const consent = manifestFor(base, { browser: 'firefox', origins }).browser_specific_settings.gecko.data_collection_permissions;
  assert.ok(!consent.required.includes('none'), 'the extension hands the card holder\'s data to a remote page');
  assert.ok(consent.required.includes('personallyIdentifyingInfo'));
});

/**
 * A PNG's width, height, bit depth and colour type, from its IHDR chunk (PNG, W3C 2003, §11.2.2).
 * @param {Buffer} png
 */
function pngHeader(png) {
  assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG signature');
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), depth: png[24], colour: png[25] };
}

test('icons at 16, 32, 48 and 128 px, square, with transparency, named by the manifest and built', () => {
  const manifest = JSON.parse(readFileSync(path.join(HERE, '..', 'manifest.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.icons).map(Number).sort((a, b) => a - b), ICON_SIZES);
  for (const size of ICON_SIZES) {
    const file = manifest.icons[size];
    assert.ok(FILES.includes(file), `${file} is in the packages`);
    // Colour type 6: RGBA, so the corners around the rounded square stay transparent.
    assert.deepEqual(pngHeader(readFileSync(path.join(HERE, '..', file))), { width: size, height: size, depth: 8, colour: 6 }, file);
  }
});

// Chrome Web Store: a detailed description of at most 16 000 characters; addons.mozilla.org: a
// summary of at most 250 (the manifest's description, checked above at 132) and a privacy
// policy for an add-on that transmits personal data.
test('the listing in four languages links to the privacy page the app serves in that language', async () => {
  const { languages } = await listing('https://app.ehcert.be');
  assert.deepEqual(Object.keys(languages).sort(), [...LOCALES].sort());
  for (const [lang, entry] of Object.entries(languages)) {
    const length = [...entry.description].length;
    assert.ok(length >= 200 && length <= 16_000, `${lang} description is ${length} characters`);
    if (lang !== 'en') assert.notEqual(entry.description, languages.en.description, `${lang} is translated`);
    assert.equal(entry.privacy_url, `https://app.ehcert.be/privacy/${lang}.html`);
    const page = path.join(HERE, '..', '..', 'app', 'privacy', `${lang}.html`);
    assert.ok(existsSync(page), `the app has ${lang}'s privacy page`);
    assert.match(readFileSync(page, 'utf8'), new RegExp(`<html lang="${lang}">`));
  }
});
