// @ts-check
// The store packages of a release, from this folder's sources, in one command:
//
//   node release.mjs --origin https://hosted.app.origin [--origin …] --out DIR [--extension-id ID] [--kiosk-id ID]
//                    [--kiosk-key KEY.pem --kiosk-update-base https://host/extension-updates/]
//
// writes into DIR
//   ehcert-<version>-chromium.zip        the Chrome Web Store's and Edge Add-ons' upload
//   ehcert-<version>-firefox.xpi         addons.mozilla.org's upload (add-on id extension@ehcert.be)
//   ehcert-kiosk-<version>-chromium.zip  the kiosk extension, for the organisation's kiosks
//   ehcert-<version>-listing.json        the stores' listing texts per language, with the
//                                        privacy page's address on the first hosted origin
//   SHA256SUMS
//   extension-updates/                   with --kiosk-key: the kiosk extension for the
//     ehcert-kiosk-<version>.crx         organisation's own update server (CRX3 signed with
//     updates.xml                        KEY.pem, crx3.mjs) and Chrome's update manifest, for
//                                        `ehcert-serve --extension-updates` (docs/kiosk.md)
// each a release build for the given hosted origins (build.mjs: no development key, the release
// add-on id). The archives are reproducible: the same sources give the same bytes (entries in
// name order, every time stamp 1980-01-01 00:00, the same permissions, deflate at level 9), so a
// store's copy can be checked against a build from the tagged commit.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

import { LOCALES, buildExtension, filesUnder } from './build.mjs';
import { crx3, extensionId, publicKeyOf, updateManifest } from './crx3.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/**
 * A zip archive (PKWARE APPNOTE 6.3.10, §4.3) of `files`, the same bytes for the same files.
 * @param {{name: string, data: Buffer}[]} files
 */
export function zip(files) {
  /** @type {Buffer[]} */
  const parts = [];
  /** @type {Buffer[]} */
  const central = [];
  let offset = 0;
  // MS-DOS date and time of 1980-01-01 00:00, the earliest a zip can hold.
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1;
  for (const { name, data } of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const nameBytes = Buffer.from(name, 'utf8');
    const compressed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, nameBytes, compressed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(dosTime, 12);
    entry.writeUInt16LE(dosDate, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(compressed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(((0o100644 << 16) >>> 0), 38); // a regular file, rw-r--r--
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

/**
 * Every file under `dir` with its bytes, named as a zip names them (`filesUnder`).
 * @param {string} dir
 */
async function filesOf(dir) {
  return Promise.all(filesUnder(dir).map(async (name) => ({ name, data: await readFile(path.join(dir, name)) })));
}

/**
 * What each store's listing says, per language (store/<lang>.json, and the name and summary the
 * packages carry in _locales), with the privacy page on the hosted origin (the app serves it:
 * app/privacy/). The screenshots come from the end-to-end gallery (e2e/playwright-report/store/).
 * @param {string} origin the first hosted origin
 */
export async function listing(origin) {
  /** @type {Record<string, {name: string, summary: string, description: string, privacy_url: string}>} */
  const languages = {};
  for (const lang of LOCALES) {
    const messages = JSON.parse(await readFile(path.join(HERE, '_locales', lang, 'messages.json'), 'utf8'));
    const store = JSON.parse(await readFile(path.join(HERE, 'store', `${lang}.json`), 'utf8'));
    languages[lang] = {
      name: messages.extName.message,
      summary: messages.extDescription.message,
      description: store.description,
      privacy_url: new URL(store.privacy_page, origin).href,
    };
  }
  return { default_language: 'en', languages };
}

/**
 * The kiosk extension for an organisation's own update server: built (a release build for
 * `origins`; without them the development build, for tests on loopback), its manifest naming
 * `updateBase` + `updates.xml` as where updates come from and carrying no `key` (the CRX's key
 * gives the id), zipped, signed as a CRX3 with `key`, and written with its update manifest into
 * `out`. Returns the id the key gives and the files' names.
 * @param {{key: string, updateBase: string, out: string, origins?: string[], extensionId?: string}} options
 *   `key`: an RSA private key (PEM); `updateBase`: the folder's public address, ending in `/`;
 *   `extensionId`: the id the ehcert extension is published under (build.mjs `peerId`)
 */
export async function selfHostedKiosk({ key, updateBase, out, origins, extensionId: peerId }) {
  const base = new URL(updateBase);
  if (!updateBase.endsWith('/') || !['https:', 'http:'].includes(base.protocol)) {
    throw new Error(`--kiosk-update-base must be an http(s) folder address ending in /, not ${updateBase}`);
  }
  const work = await mkdtemp(path.join(tmpdir(), 'ehcert-kiosk-crx-'));
  try {
    const dir = path.join(work, 'kiosk');
    await buildExtension({ browser: 'chromium', kiosk: true, origins, out: dir, peerId });
    const manifestPath = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    delete manifest.key;
    manifest.update_url = new URL('updates.xml', base).href;
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    const { crx, id } = crx3(zip(await filesOf(dir)), key);
    const crxName = `ehcert-kiosk-${manifest.version}.crx`;
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, crxName), crx);
    const codebase = new URL(crxName, base).href;
    await writeFile(path.join(out, 'updates.xml'), updateManifest({ id, version: manifest.version, codebase }));
    return { id, files: [crxName, 'updates.xml'] };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Builds the release packages for `origins` into `out`; returns their file names.
 * @param {{origins: string[], out: string, ids?: {extension?: string, kiosk?: string}, kiosk?: {key: string, updateBase: string}}} options
 *   `ids`: the ids the extension and the kiosk extension are published under, so that the
 *   kiosk's Finish reaches the extension (build.mjs `peerId`); without them each names the
 *   other's development id. `kiosk`: also the self-hosted kiosk extension (`selfHostedKiosk`),
 *   whose id, given by the key, is then the kiosk's.
 */
export async function release({ origins, out, ids: given = {}, kiosk }) {
  const ids = { ...given };
  if (kiosk) {
    const { id } = extensionId(publicKeyOf(kiosk.key));
    if (ids.kiosk !== undefined && ids.kiosk !== id) throw new Error(`--kiosk-id ${ids.kiosk} is not the id of --kiosk-key (${id})`);
    ids.kiosk = id;
  }
  const { version } = JSON.parse(await readFile(path.join(HERE, 'manifest.json'), 'utf8'));
  const work = await mkdtemp(path.join(tmpdir(), 'ehcert-release-'));
  try {
    await mkdir(out, { recursive: true });
    /** @type {[string, {browser: 'chromium' | 'firefox', kiosk: boolean}][]} */
    const builds = [
      [`ehcert-${version}-chromium.zip`, { browser: 'chromium', kiosk: false }],
      [`ehcert-${version}-firefox.xpi`, { browser: 'firefox', kiosk: false }],
      [`ehcert-kiosk-${version}-chromium.zip`, { browser: 'chromium', kiosk: true }],
    ];
    const sums = [];
    for (const [name, build] of builds) {
      const dir = path.join(work, name);
      const peerId = build.kiosk ? ids.extension : build.browser === 'chromium' ? ids.kiosk : undefined;
      await buildExtension({ ...build, origins, out: dir, peerId });
      const archive = zip(await filesOf(dir));
      await writeFile(path.join(out, name), archive);
      sums.push(`${createHash('sha256').update(archive).digest('hex')}  ${name}\n`);
    }
    const listingName = `ehcert-${version}-listing.json`;
    const listingText = `${JSON.stringify(await listing(origins[0]), null, 2)}\n`;
    await writeFile(path.join(out, listingName), listingText);
    sums.push(`${createHash('sha256').update(listingText).digest('hex')}  ${listingName}\n`);
    const selfHosted = [];
    if (kiosk) {
      const updates = path.join(out, 'extension-updates');
      const made = await selfHostedKiosk({ ...kiosk, out: updates, origins, extensionId: ids.extension });
      for (const name of made.files) {
        const bytes = await readFile(path.join(updates, name));
        sums.push(`${createHash('sha256').update(bytes).digest('hex')}  extension-updates/${name}\n`);
        selfHosted.push(`extension-updates/${name}`);
      }
    }
    await writeFile(path.join(out, 'SHA256SUMS'), sums.join(''));
    return [...builds.map(([name]) => name), listingName, ...selfHosted];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** @param {string[]} argv */
async function main(argv) {
  /** @type {string[]} */
  const origins = [];
  let out;
  /** @type {{extension?: string, kiosk?: string}} */
  const ids = {};
  let keyFile;
  let updateBase;
  // Tests only: the development kiosk extension (loopback origins) as a CRX, nothing else.
  const kioskOnly = argv.includes('--kiosk-only');
  const args = argv.filter((arg) => arg !== '--kiosk-only');
  const usage =
    'usage: node release.mjs --origin https://hosted.app.origin [--origin …] --out DIR [--extension-id ID] [--kiosk-id ID] [--kiosk-key KEY.pem --kiosk-update-base URL/]\n' +
    '       node release.mjs --kiosk-only --kiosk-key KEY.pem --kiosk-update-base URL/ --out DIR [--extension-id ID]   (tests: the development build)';
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--origin' && value) origins.push(value);
    else if (flag === '--out' && value) out = value;
    else if (flag === '--extension-id' && value) ids.extension = value;
    else if (flag === '--kiosk-id' && value) ids.kiosk = value;
    else if (flag === '--kiosk-key' && value) keyFile = value;
    else if (flag === '--kiosk-update-base' && value) updateBase = value;
    else throw new Error(usage);
  }
  if ((keyFile === undefined) !== (updateBase === undefined)) throw new Error('--kiosk-key and --kiosk-update-base go together');
  const kiosk = keyFile && updateBase ? { key: await readFile(keyFile, 'utf8'), updateBase } : undefined;
  if (kioskOnly) {
    if (!out || !kiosk || origins.length > 0) throw new Error(usage);
    const { id, files } = await selfHostedKiosk({ ...kiosk, out, extensionId: ids.extension });
    for (const name of files) console.log(path.join(out, name));
    console.log(`kiosk extension id ${id}`);
    return;
  }
  if (!out || origins.length === 0) throw new Error('--origin and --out are required');
  for (const name of await release({ origins, out, ids, kiosk })) console.log(path.join(out, name));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error.message);
    process.exit(2);
  });
}
