// @ts-check
// The store packages: one command, the same bytes each time, release builds only.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { FILES, KIOSK_FILES, RELEASE_FIREFOX_EXTENSION_ID } from '../build.mjs';
import { zip } from '../release.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RELEASE = path.join(HERE, '..', 'release.mjs');
const { version } = JSON.parse(readFileSync(path.join(HERE, '..', 'manifest.json'), 'utf8'));

/** The entries of a zip archive, read by Python's zipfile, an outside reader. */
function entries(/** @type {string} */ archive) {
  const script = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps({i.filename: [z.read(i).decode("utf-8", "replace"), i.date_time[0], oct(i.external_attr >> 16)] for i in z.infolist()}))`;
  return JSON.parse(execFileSync('python3', ['-c', script, archive], { encoding: 'utf8' }));
}

test('one command writes the three store packages and their checksums, the same bytes each time', () => {
  const [first, second] = [mkdtempSync(path.join(tmpdir(), 'ehcert-release-')), mkdtempSync(path.join(tmpdir(), 'ehcert-release-'))];
  try {
    for (const out of [first, second]) {
      execFileSync(process.execPath, [RELEASE, '--origin', 'https://app.ehcert.be', '--out', out]);
    }
    const names = [
      `ehcert-${version}-chromium.zip`,
      `ehcert-${version}-firefox.xpi`,
      `ehcert-kiosk-${version}-chromium.zip`,
      `ehcert-${version}-listing.json`,
    ];
    assert.deepEqual(readdirSync(first).sort(), [...names, 'SHA256SUMS'].sort());
    for (const name of [...names, 'SHA256SUMS']) {
      assert.ok(readFileSync(path.join(first, name)).equals(readFileSync(path.join(second, name))), `${name} is reproducible`);
    }
    const sums = readFileSync(path.join(first, 'SHA256SUMS'), 'utf8');
    for (const name of names) {
      const sum = execFileSync('sha256sum', [name], { cwd: first, encoding: 'utf8' });
      assert.ok(sums.includes(sum), `${name}'s checksum`);
    }

    const chromium = entries(path.join(first, names[0]));
    assert.deepEqual(Object.keys(chromium).sort(), [...FILES, 'manifest.json'].sort());
    const manifest = JSON.parse(chromium['manifest.json'][0]);
    assert.equal(manifest.key, undefined, 'no development key in a store package');
    assert.deepEqual(manifest.content_scripts[0].matches, ['https://app.ehcert.be/*']);
    assert.equal(chromium['background.js'][0], readFileSync(path.join(HERE, '..', 'background.js'), 'utf8'));
    assert.equal(chromium['pin.js'][1], 1980);
    assert.equal(chromium['pin.js'][2], '0o100644');

    const firefox = entries(path.join(first, names[1]));
    const firefoxManifest = JSON.parse(firefox['manifest.json'][0]);
    assert.equal(firefoxManifest.browser_specific_settings.gecko.id, RELEASE_FIREFOX_EXTENSION_ID);
    assert.deepEqual(firefoxManifest.background.scripts, ['background.js']);

    const kiosk = entries(path.join(first, names[2]));
    assert.deepEqual(Object.keys(kiosk).sort(), [...KIOSK_FILES, 'manifest.json'].sort());
    assert.deepEqual(JSON.parse(kiosk['manifest.json'][0]).content_scripts[0].matches, ['https://app.ehcert.be/*']);
  } finally {
    for (const out of [first, second]) rmSync(out, { recursive: true, force: true });
  }
});

test('a release needs the hosted origin', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'ehcert-release-'));
  try {
    assert.throws(() => execFileSync(process.execPath, [RELEASE, '--out', out], { stdio: 'pipe' }), /--origin and --out are required/);
    assert.throws(() => execFileSync(process.execPath, [RELEASE, '--origin', 'http://app.ehcert.be', '--out', out], { stdio: 'pipe' }), /https origin/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the archive does not depend on the order the files were read in', () => {
  const a = { name: 'a.js', data: Buffer.from('a') };
  const b = { name: 'b.js', data: Buffer.from('b') };
  assert.ok(zip([a, b]).equals(zip([b, a])));
});
