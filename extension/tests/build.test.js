// @ts-check
// The Firefox and release builds come from the same sources as the development extension.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { FILES, FIREFOX_EXTENSION_ID, KIOSK_FILES, RELEASE_FIREFOX_EXTENSION_ID, buildExtension, filesUnder, kioskManifestFor, manifestFor } from '../build.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const base = JSON.parse(readFileSync(path.join(HERE, '..', 'manifest.json'), 'utf8'));
const kioskBase = JSON.parse(readFileSync(path.join(HERE, '..', 'kiosk', 'manifest.json'), 'utf8'));
// Written from the Rust constants by shared/tests/constants.rs.
const constants = JSON.parse(
  readFileSync(path.join(HERE, '..', '..', 'shared', 'tests', 'golden', 'constants', 'protocol.json'), 'utf8'),
);

test('the Firefox manifest uses background scripts and the add-on id the card bridge allows', () => {
  const firefox = manifestFor(base, { browser: 'firefox' });
  assert.deepEqual(firefox.background, { scripts: ['background.js'], type: 'module' });
  assert.equal(firefox.browser_specific_settings.gecko.id, FIREFOX_EXTENSION_ID);
  // The card holder's data goes to the page, a remote site's: declared, never "none".
  assert.deepEqual(firefox.browser_specific_settings.gecko.data_collection_permissions, { required: ['personallyIdentifyingInfo'] });
  assert.equal(FIREFOX_EXTENSION_ID, constants.firefox_extension_id);
  assert.equal(firefox.key, undefined);
  assert.deepEqual(firefox.content_scripts, base.content_scripts);
  assert.deepEqual(firefox.permissions, ['nativeMessaging', 'storage', 'scripting'], 'storage holds only the origins given consent');
  assert.deepEqual(firefox.host_permissions, firefox.content_scripts[0].matches, 'the sites it serves, nothing more');
  assert.equal(base.background.service_worker, 'background.js', 'the source manifest is not changed');
});

test('development and release builds have different ids; no release carries the development key', () => {
  assert.ok(base.key, 'the development build has its fixed id from its key');
  const release = manifestFor(base, { browser: 'chromium', origins: ['https://app.ehcert.be'] });
  assert.equal(release.key, undefined, 'the stores give the release its id');
  assert.deepEqual(release.host_permissions, ['https://app.ehcert.be/*'], 'the hosted site only, as its content script');
  const firefox = manifestFor(base, { browser: 'firefox', origins: ['https://app.ehcert.be'] });
  assert.equal(firefox.browser_specific_settings.gecko.id, RELEASE_FIREFOX_EXTENSION_ID);
  assert.notEqual(RELEASE_FIREFOX_EXTENSION_ID, FIREFOX_EXTENSION_ID);
  assert.equal(RELEASE_FIREFOX_EXTENSION_ID, constants.release_firefox_extension_id);
  assert.equal(firefox.key, undefined);
  const kiosk = kioskManifestFor(kioskBase, { browser: 'chromium', origins: ['https://app.ehcert.be'] });
  assert.equal(kiosk.key, undefined);
});

test('the Chromium extension id is the one the card bridge allows', () => {
  const id = readFileSync(path.join(HERE, '..', 'extension-id.txt'), 'utf8').trim();
  assert.equal(id, constants.chromium_extension_id);
});

test('a release build serves the hosted origin only', () => {
  const release = manifestFor(base, { browser: 'chromium', origins: ['https://app.ehcert.be'] });
  assert.deepEqual(release.content_scripts[0].matches, ['https://app.ehcert.be/*']);
  const two = manifestFor(base, { browser: 'chromium', origins: ['https://app.ehcert.be', 'https://ehcert.hospital.be'] });
  assert.deepEqual(two.content_scripts[0].matches, ['https://app.ehcert.be/*', 'https://ehcert.hospital.be/*']);
  assert.throws(() => manifestFor(base, { browser: 'chromium', origins: ['http://app.ehcert.be'] }), /https origin/);
  assert.throws(() => manifestFor(base, { browser: 'chromium', origins: ['https://app.ehcert.be/path'] }), /https origin/);
  assert.throws(() => manifestFor(base, { browser: 'chromium', origins: [] }), /hosted origin/);
  // @ts-expect-error: a browser the build does not know, on purpose.
  assert.throws(() => manifestFor(base, { browser: 'safari' }), /unknown browser/);
});

test('the build writes every file the manifest and the pages refer to, and no page is web-accessible', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'ehcert-extension-'));
  try {
    execFileSync(process.execPath, [path.join(HERE, '..', 'build.mjs'), '--browser', 'firefox', '--out', out]);
    const written = filesUnder(out);
    assert.deepEqual(written, [...FILES, 'manifest.json'].sort());
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.web_accessible_resources, undefined, 'a page must not be able to frame the PIN window');
    const referenced = [
      ...manifest.background.scripts,
      ...manifest.content_scripts.flatMap((/** @type {{js: string[]}} */ script) => script.js),
      manifest.options_ui.page,
      ...['pin.html', 'consent.html', 'options.html'].flatMap((page) =>
        [...readFileSync(path.join(out, page), 'utf8').matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]),
      ),
      // Every module import of every script (the worker's parts import each other).
      ...written
        .filter((file) => file.endsWith('.js'))
        .flatMap((script) => [...readFileSync(path.join(out, script), 'utf8').matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1])),
    ];
    for (const file of referenced) assert.ok(written.includes(file), `${file} is referenced but not built`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the kiosk extension runs on the same origins as the extension, and its release build on the hosted one only', () => {
  assert.deepEqual(
    kioskBase.content_scripts.map((/** @type {{matches: string[]}} */ script) => script.matches),
    base.content_scripts.map((/** @type {{matches: string[]}} */ script) => script.matches),
    'never on an origin the extension itself does not serve',
  );
  assert.deepEqual(kioskBase.permissions, ['browsingData', 'downloads'], 'what Finish needs, nothing more');
  assert.deepEqual(base.permissions, ['nativeMessaging', 'storage', 'scripting'], 'a person\'s own browser never gets the kiosk permissions');
  const release = kioskManifestFor(kioskBase, { browser: 'chromium', origins: ['https://app.ehcert.be'] });
  assert.deepEqual(release.content_scripts[0].matches, ['https://app.ehcert.be/*']);
  assert.throws(() => kioskManifestFor(kioskBase, { browser: 'firefox' }), /Chromium, Chrome and Edge only/);
  // Chromium's id: the first 128 bits of SHA-256 over the manifest's public key, hex digits as a–p.
  const id = readFileSync(path.join(HERE, '..', 'kiosk', 'extension-id.txt'), 'utf8').trim();
  const digest = createHash('sha256').update(Buffer.from(kioskBase.key, 'base64')).digest('hex').slice(0, 32);
  assert.equal(id, [...digest].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join(''));
  const out = mkdtempSync(path.join(tmpdir(), 'ehcert-kiosk-'));
  try {
    execFileSync(process.execPath, [path.join(HERE, '..', 'build.mjs'), '--browser', 'chromium', '--kiosk', '--out', out, '--origin', 'https://app.ehcert.be']);
    assert.deepEqual(filesUnder(out), [...KIOSK_FILES, 'manifest.json'].sort());
    const written = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    assert.deepEqual(written.content_scripts[0].matches, ['https://app.ehcert.be/*']);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the extension and the kiosk extension name each other by their development ids', () => {
  const id = readFileSync(path.join(HERE, '..', 'extension-id.txt'), 'utf8').trim();
  const kioskId = readFileSync(path.join(HERE, '..', 'kiosk', 'extension-id.txt'), 'utf8').trim();
  const relay = readFileSync(path.join(HERE, '..', 'relay.js'), 'utf8');
  const kiosk = readFileSync(path.join(HERE, '..', 'kiosk', 'background.js'), 'utf8');
  assert.equal(/export const KIOSK_EXTENSION_ID = '([a-p]{32})';/.exec(relay)?.[1], kioskId);
  assert.equal(/const EHCERT_EXTENSION_ID = '([a-p]{32})';/.exec(kiosk)?.[1], id);
});

test('a release build names the other extension by the id it is published under', async () => {
  const out = mkdtempSync(path.join(tmpdir(), 'ehcert-peer-'));
  try {
    const kioskId = 'abcdefghijklmnopabcdefghijklmnop';
    const extensionId = 'ponmlkjihgfedcbaponmlkjihgfedcba';
    await buildExtension({ browser: 'chromium', kiosk: false, origins: ['https://app.ehcert.be'], out: path.join(out, 'main'), peerId: kioskId });
    await buildExtension({ browser: 'chromium', kiosk: true, origins: ['https://app.ehcert.be'], out: path.join(out, 'kiosk'), peerId: extensionId });
    assert.match(readFileSync(path.join(out, 'main', 'relay.js'), 'utf8'), new RegExp(`^export const KIOSK_EXTENSION_ID = '${kioskId}';$`, 'm'));
    assert.match(readFileSync(path.join(out, 'kiosk', 'background.js'), 'utf8'), new RegExp(`^const EHCERT_EXTENSION_ID = '${extensionId}';$`, 'm'));
    await assert.rejects(
      buildExtension({ browser: 'chromium', kiosk: true, out: path.join(out, 'bad'), peerId: 'not-an-id' }),
      /32 letters a to p/,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('both extensions carry the release number of the page and the card bridge (CHANGELOG.md)', () => {
  const cargo = readFileSync(path.join(HERE, '..', '..', 'Cargo.toml'), 'utf8');
  const version = /\[workspace\.package\][^[]*?version = "([^"]+)"/.exec(cargo)?.[1];
  assert.ok(version, 'Cargo.toml names the workspace version');
  assert.equal(base.version, version);
  assert.equal(kioskBase.version, version);
});
