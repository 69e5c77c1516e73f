// @ts-check
// Builds the extension for a browser from this folder's sources (the folder itself is the
// Chromium development build, loaded unpacked with no build step):
//
//   node build.mjs --browser chromium|firefox --out DIR [--origin https://hosted.app.origin]...
//   node build.mjs --browser chromium --kiosk --out DIR [--origin https://hosted.app.origin]...
//
// --kiosk builds the kiosk extension (kiosk/, Chromium, Chrome and Edge only: the kiosk policy
// is theirs) instead, its content script restricted the same way.
// --origin (once per hosted origin) makes a release build:
// - the hosted app's origins replace the development origins (http://127.0.0.1,
//   http://localhost) in the content script's matches, which are also the service worker's
//   allow-list (relay.js `allowListFromMatches`);
// - the Chromium build has no `key`: the development key is public (it is in this folder), so a
//   release must not share its id; the Chrome Web Store and Edge Add-ons give the release its
//   own id from their own keys, which never enter the repository;
// - the Firefox build's add-on id is the release id (`extension@ehcert.be`), the development
//   build's another (`development@ehcert.be`): a bridge installed from a release package answers
//   release builds only.
// release.mjs packs release builds into store packages.
// Firefox differences (extension/NATIVE-MESSAGING.md §10): event-page `background.scripts` instead of a
// service worker, a fixed add-on id in `browser_specific_settings.gecko.id` instead of `key`
// (the card bridge's Firefox host manifest names it in `allowed_extensions`).
import { readdirSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ICON_SIZES } from './icons/render.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The development build's add-on id, `ehcert_shared::bridge::FIREFOX_EXTENSION_ID`. */
export const FIREFOX_EXTENSION_ID = 'development@ehcert.be';
/** The release build's add-on id, `ehcert_shared::bridge::RELEASE_FIREFOX_EXTENSION_ID`. */
export const RELEASE_FIREFOX_EXTENSION_ID = 'extension@ehcert.be';
/** The languages of the extensions' names and descriptions (`_locales/<lang>/messages.json`),
 *  the app's four; English is the manifests' `default_locale`. */
export const LOCALES = ['de', 'en', 'fr', 'nl'];
const LOCALE_FILES = LOCALES.map((lang) => `_locales/${lang}/messages.json`);

/** Every file the extension is made of, besides the manifest. */
export const FILES = [
  'background.js',
  'worker-dispatch.js',
  'worker-env.js',
  'worker-identity.js',
  'worker-native.js',
  'worker-pages.js',
  'worker-signing.js',
  'worker-windows.js',
  'content.js',
  'dom.js',
  'relay.js',
  'pin.html',
  'pin.js',
  'pin-strings.js',
  'pin.css',
  'consent.html',
  'consent.js',
  'options.html',
  'options.js',
  ...LOCALE_FILES,
  ...ICON_SIZES.map((size) => `icons/icon-${size}.png`),
];

/** Every file the kiosk extension is made of, besides the manifest (in kiosk/). */
export const KIOSK_FILES = ['background.js', 'content.js', ...LOCALE_FILES];

/**
 * Every file of a built extension in `dir`, by its path from `dir` with `/` (as the manifest and
 * a zip name them), sorted.
 * @param {string} dir
 */
export function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'))
    .sort();
}

/**
 * The kiosk extension's manifest, from its development manifest (kiosk/manifest.json).
 * @param {Record<string, any>} base the parsed kiosk/manifest.json
 * @param {{browser: 'chromium' | 'firefox', origins?: string[]}} options
 */
export function kioskManifestFor(base, { browser, origins }) {
  if (browser !== 'chromium') throw new Error('the kiosk extension is for Chromium, Chrome and Edge only');
  return manifestFor(base, { browser, origins });
}

/**
 * The manifest for `browser`, from the Chromium development manifest.
 * @param {Record<string, any>} base the parsed manifest.json
 * @param {{browser: 'chromium' | 'firefox', origins?: string[]}} options `origins`: the hosted
 *   app's origins, for a release build; none for the development build
 */
export function manifestFor(base, { browser, origins }) {
  const manifest = structuredClone(base);
  const release = origins !== undefined;
  if (release) {
    if (origins.length === 0) throw new Error('a release build needs the hosted origin (--origin)');
    for (const origin of origins) {
      const url = new URL(origin);
      if (url.protocol !== 'https:' || url.origin !== origin) {
        throw new Error(`--origin must be an https origin without a path, not ${origin}`);
      }
    }
    for (const script of manifest.content_scripts) script.matches = origins.map((origin) => `${origin}/*`);
    // The same sites, for putting the content script into their pages already open
    // (worker-pages.js); the kiosk extension asks for none.
    if (manifest.host_permissions) manifest.host_permissions = origins.map((origin) => `${origin}/*`);
    delete manifest.key;
  }
  if (browser === 'firefox') {
    delete manifest.key;
    delete manifest.minimum_chrome_version;
    manifest.background = { scripts: [manifest.background.service_worker], type: 'module' };
    manifest.browser_specific_settings = {
      gecko: {
        id: release ? RELEASE_FIREFOX_EXTENSION_ID : FIREFOX_EXTENSION_ID,
        // The first release (142; desktop 140) that reads `data_collection_permissions` on both
        // desktop and Android (web-ext lint); Debian's firefox-esr is 153.
        strict_min_version: '142.0',
        // Firefox's built-in data consent (Extension Workshop, "Firefox built-in consent for data
        // collection and transmission"): the data an extension collects or transmits outside
        // itself. This one hands the page what the card says of its holder (name, national
        // number, certificates; the address and birth date after consent), and the page, which is
        // a remote site's, sends some of it to eHealth: personally identifying information,
        // without which it cannot work. The PIN goes to the card bridge on this computer only.
        data_collection_permissions: { required: ['personallyIdentifyingInfo'] },
      },
    };
  } else if (browser !== 'chromium') {
    throw new Error(`unknown browser ${browser}; use chromium or firefox`);
  }
  return manifest;
}

/** @param {string[]} argv */
async function main(argv) {
  /** @type {Record<string, string>} */
  const options = {};
  /** @type {string[]} */
  const origins = [];
  const args = argv.filter((arg) => arg !== '--kiosk');
  const kiosk = args.length !== argv.length;
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (!['--browser', '--out', '--origin', '--peer-id'].includes(flag) || value === undefined) {
      throw new Error('usage: node build.mjs --browser chromium|firefox [--kiosk] --out DIR [--origin https://…]... [--peer-id ID]');
    }
    if (flag === '--origin') origins.push(value);
    else options[flag.slice(2)] = value;
  }
  if (!options.browser || !options.out) throw new Error('--browser and --out are required');
  // An unknown browser is refused by manifestFor.
  const browser = /** @type {'chromium' | 'firefox'} */ (options.browser);
  await buildExtension({ browser, kiosk, origins: origins.length ? origins : undefined, out: options.out, peerId: options['--peer-id'] });
  console.log(`${options.browser} ${kiosk ? 'kiosk ' : ''}extension written to ${options.out}`);
}

/**
 * Where each build names the other extension by its id (the kiosk's Finish asks the extension
 * to forget its identity consents): the file and the line, with the development id in it.
 */
const PEER_ID = {
  extension: { file: 'relay.js', pattern: /^export const KIOSK_EXTENSION_ID = '[a-p]{32}';$/m, line: (/** @type {string} */ id) => `export const KIOSK_EXTENSION_ID = '${id}';` },
  kiosk: { file: 'background.js', pattern: /^const EHCERT_EXTENSION_ID = '[a-p]{32}';$/m, line: (/** @type {string} */ id) => `const EHCERT_EXTENSION_ID = '${id}';` },
};

/**
 * Writes a build of the extension (or of the kiosk extension) into `out`.
 * @param {{browser: 'chromium' | 'firefox', kiosk: boolean, origins?: string[], out: string, peerId?: string}} build
 *   `peerId`: the id the other extension is published under (for the extension, the kiosk
 *   extension's; for the kiosk extension, the extension's), in place of its development id
 */
export async function buildExtension({ browser, kiosk, origins, out, peerId }) {
  const source = kiosk ? path.join(HERE, 'kiosk') : HERE;
  const base = JSON.parse(await readFile(path.join(source, 'manifest.json'), 'utf8'));
  const manifest = (kiosk ? kioskManifestFor : manifestFor)(base, { browser, origins });
  await mkdir(out, { recursive: true });
  for (const file of kiosk ? KIOSK_FILES : FILES) {
    await mkdir(path.dirname(path.join(out, file)), { recursive: true });
    await copyFile(path.join(source, file), path.join(out, file));
  }
  if (peerId !== undefined) {
    // A Chromium id: 32 letters a to p.
    if (!/^[a-p]{32}$/.test(peerId)) throw new Error(`--peer-id must be an extension id (32 letters a to p), not ${peerId}`);
    const peer = PEER_ID[kiosk ? 'kiosk' : 'extension'];
    const file = path.join(out, peer.file);
    const text = await readFile(file, 'utf8');
    if (!peer.pattern.test(text)) throw new Error(`${peer.file} no longer names the other extension where the build expects it`);
    await writeFile(file, text.replace(peer.pattern, peer.line(peerId)));
  }
  await writeFile(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error.message);
    process.exit(2);
  });
}
