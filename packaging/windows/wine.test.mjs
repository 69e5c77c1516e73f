// @ts-check
// The Windows build, checked here under Debian's Wine (wine64 8.0): what Wine can prove and
// nothing more. Run by the test command after build.sh:
//
//   EHCERT_WINDOWS_OUT=DIR node --test packaging/windows/wine.test.mjs
//
// Proven here: the shipped card-bridge.exe starts and speaks native messaging as Chrome and Edge
// start it on Windows (origin, then --parent-window=N) and as Firefox does (manifest path and
// add-on id); its diagnose names the missing smart-card service; `install` writes the browsers'
// registry keys through reg.exe and `uninstall` removes them; both MSIs install under msiexec
// (files, HKCU or HKLM keys for Chrome, Edge and Firefox pointing at manifests that name the
// installed bridge, and Chrome's and Edge's keys that install the extension from their stores)
// and uninstall without a trace. Not provable here: Wine 8.0's winscard is a
// stub (no PC/SC, so no card and no signature), and Wine is not Windows (SmartScreen, Defender,
// real browsers). The .exe is the shipped one, built for Windows 10 and later; it runs under Wine
// 8.0 because it imports nothing Wine lacks (Rust's standard library would ask Windows 10's
// bcryptprimitives.dll for ProcessPrng, which Wine 8.0 lacks, only for random numbers, which
// the bridge never needs).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { storeIds } from '../store-ids.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const OUT = process.env.EHCERT_WINDOWS_OUT ?? path.join(ROOT, 'target', 'packages', 'windows');
const PREFIX = path.join(ROOT, 'target', 'wine');
const WINE = '/usr/lib/wine/wine64';
const WINESERVER = '/usr/lib/wine/wineserver';
const HOST = 'be.ehcert.card_bridge';
const version = readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"$/m)?.[1];
// No Mono or Gecko for Wine: the prefix is made without them (nothing here needs them).
const ENV = { ...process.env, WINEPREFIX: PREFIX, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', DISPLAY: '' };
const DRIVE_C = path.join(PREFIX, 'drive_c');

/** Runs a Windows program under Wine; its exit status and output. */
function wine(/** @type {string[]} */ args, input = '') {
  const result = spawnSync(WINE, args, { env: ENV, input, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** The default value of a registry key, or null when the key is not there. */
function registryDefault(/** @type {string} */ key) {
  const { status, stdout } = wine(['reg', 'query', key, '/ve']);
  if (status !== 0) return null;
  const line = stdout.split(/\r?\n/).find((l) => l.includes('REG_SZ'));
  return line ? line.slice(line.indexOf('REG_SZ') + 'REG_SZ'.length).trim() : '';
}

/** A named string value of a registry key, or null when it is not there. */
function registryValue(/** @type {string} */ key, /** @type {string} */ name) {
  const { status, stdout } = wine(['reg', 'query', key, '/v', name]);
  if (status !== 0) return null;
  const line = stdout.split(/\r?\n/).find((l) => l.includes(name) && l.includes('REG_SZ'));
  return line ? line.slice(line.indexOf('REG_SZ') + 'REG_SZ'.length).trim() : null;
}

/** A Windows path in the prefix as a path on this machine. */
function unixPath(/** @type {string} */ windowsPath) {
  assert.match(windowsPath, /^C:\\/i);
  const parts = windowsPath.slice(3).split('\\');
  // Wine keeps the case it was given; find each part case-insensitively.
  let dir = DRIVE_C;
  for (const part of parts) {
    const found = existsSync(dir) ? readdirSync(dir).find((name) => name.toLowerCase() === part.toLowerCase()) : undefined;
    dir = path.join(dir, found ?? part);
  }
  return dir;
}

/** One native-messaging session with the bridge started by Wine with `args`: the frames it sent
 *  back for `requests`. */
function session(/** @type {string} */ exe, /** @type {string[]} */ args, /** @type {object[]} */ requests) {
  return new Promise((resolve, reject) => {
    const child = spawn(WINE, [exe, ...args], { env: ENV });
    /** @type {Buffer[]} */
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.on('error', reject);
    child.on('exit', () => {
      const data = Buffer.concat(chunks);
      const frames = [];
      for (let at = 0; at + 4 <= data.length; ) {
        const length = data.readUInt32LE(at);
        frames.push(JSON.parse(data.subarray(at + 4, at + 4 + length).toString('utf8')));
        at += 4 + length;
      }
      resolve(frames);
    });
    for (const request of requests) {
      const body = Buffer.from(JSON.stringify(request));
      const header = Buffer.alloc(4);
      header.writeUInt32LE(body.length);
      child.stdin.write(Buffer.concat([header, body]));
    }
    child.stdin.end();
  });
}

before(() => {
  assert.ok(existsSync(path.join(OUT, 'card-bridge.exe')), `no ${OUT}/card-bridge.exe: run packaging/windows/build.sh first`);
  if (!existsSync(path.join(PREFIX, 'system.reg'))) {
    mkdirSync(PREFIX, { recursive: true });
    execFileSync(WINE, ['wineboot', '--init'], { env: ENV, stdio: 'ignore', timeout: 300_000 });
  }
});

// Wine's server keeps the prefix's registry in memory and writes it when it stops: stop it, so
// that no Wine process outlives the tests and the next run finds a complete prefix.
after(() => {
  spawnSync(WINESERVER, ['--kill'], { env: ENV });
  spawnSync(WINESERVER, ['--wait'], { env: ENV });
});

test('the .exe is a 64-bit Windows console program that needs no MinGW DLL', () => {
  const dump = execFileSync('x86_64-w64-mingw32-objdump', ['-p', path.join(OUT, 'card-bridge.exe')], { encoding: 'utf8' });
  assert.match(dump, /file format pei-x86-64/);
  assert.match(dump, /Subsystem\s+00000003\s+\(Windows CUI\)/);
  const dlls = [...dump.matchAll(/DLL Name: (\S+)/g)].map((m) => m[1].toLowerCase());
  assert.ok(dlls.includes('winscard.dll'), `links WinSCard: ${dlls}`);
  for (const dll of dlls) assert.doesNotMatch(dll, /libgcc|libwinpthread|libstdc\+\+/, `${dll} would have to ship beside it`);
  assert.ok(!dlls.includes('bcryptprimitives.dll'), 'Wine 8.0 could not start it (see the top of this file)');
});

test('under Wine it starts, and speaks native messaging as Chrome, Edge and Firefox start it', async () => {
  const exe = path.join(OUT, 'card-bridge.exe');
  const printed = wine([exe, '--version']);
  assert.equal(printed.status, 0, printed.stderr);
  assert.equal(printed.stdout.trim(), `card-bridge ${version}`);

  // Chrome and Edge on Windows: the origin, then the calling window.
  const chrome = await session(exe, ['chrome-extension://ihbedndnijflbnlknbfafabcflgcfela/', '--parent-window=65814'], [
    { id: 1, command: { type: 'list-readers' } },
  ]);
  assert.equal(chrome[0].type, 'hello');
  assert.equal(chrome[0].args.bridge_version, version);
  assert.equal(chrome[1].type, 'reply');
  assert.equal(chrome[1].args.id, 1);
  // Wine's winscard is a stub: the bridge answers with a PC/SC failure, in its own terms.
  assert.equal(chrome[1].args.outcome.type, 'error', JSON.stringify(chrome[1]));
  // Firefox: the manifest's path and the add-on id.
  const firefox = await session(exe, ['C:\\ehcert\\firefox-host.json', 'development@ehcert.be'], [{ id: 7, command: { type: 'list-readers' } }]);
  assert.deepEqual(firefox.map((frame) => frame.type), ['hello', 'reply']);
  assert.equal(firefox[1].args.id, 7);
  // Anything else is a usage error, not a session.
  assert.equal(wine([exe, 'https://evil.example/']).status, 2);
});

test('diagnose says there is no smart-card service to talk to, rather than failing', () => {
  const result = wine([path.join(OUT, 'card-bridge.exe'), 'diagnose']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^card-bridge /);
  assert.match(result.stdout, /smart-card service: .*SCardSvr/);
  // Where each browser would find the bridge, for the helpdesk.
  for (const browser of ['chrome', 'chromium', 'edge', 'firefox']) assert.match(result.stdout, new RegExp(`^${browser}: .*registered`, 'm'));
});

test('install writes the browsers\' registry keys with reg.exe, uninstall removes them', () => {
  const exe = path.join(OUT, 'card-bridge.exe');
  const key = `HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\${HOST}`;
  const installed = wine([exe, 'install', '--browser', 'chrome', '--browser', 'firefox']);
  assert.equal(installed.status, 0, installed.stdout + installed.stderr);
  const manifestPath = registryDefault(key);
  assert.ok(manifestPath, 'the Chrome key points at the manifest');
  const manifest = JSON.parse(readFileSync(unixPath(manifestPath), 'utf8'));
  assert.equal(manifest.name, HOST);
  assert.match(manifest.path, /card-bridge\.exe$/);
  assert.ok(registryDefault(`HKCU\\Software\\Mozilla\\NativeMessagingHosts\\${HOST}`));
  const removed = wine([exe, 'uninstall', '--browser', 'chrome', '--browser', 'firefox']);
  assert.equal(removed.status, 0, removed.stdout + removed.stderr);
  assert.equal(registryDefault(key), null);
  assert.equal(registryDefault(`HKCU\\Software\\Mozilla\\NativeMessagingHosts\\${HOST}`), null);
});

test('the .exe and both MSIs carry an Authenticode signature from the signing certificate, time-stamped', (t) => {
  // The test command signs with a throw-away key generated in a SoftHSM token, as a release's is
  // in hardware (EHCERT_WINDOWS_SIGNING_CA is its certificate, which no file holds the key of),
  // and time-stamps with a local RFC 3161 responder (EHCERT_WINDOWS_TSA_CA, its CA); a release
  // with the organisation's key and a public time-stamping service (packaging/README.md).
  const ca = process.env.EHCERT_WINDOWS_SIGNING_CA;
  if (!ca) return t.skip('no signing certificate given (EHCERT_WINDOWS_SIGNING_CA)');
  const tsaCa = process.env.EHCERT_WINDOWS_TSA_CA;
  for (const file of ['card-bridge.exe', `ehcert-card-bridge-${version}-x64-user.msi`, `ehcert-card-bridge-${version}-x64.msi`]) {
    const args = ['verify', '-CAfile', ca, ...(tsaCa ? ['-TSA-CAfile', tsaCa] : []), '-in', path.join(OUT, file)];
    const result = spawnSync('osslsigncode', args, { encoding: 'utf8' });
    assert.equal(result.status, 0, `${file}: ${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /Signature verification: ok/);
    assert.match(result.stdout, /ehcert card bridge/);
    if (tsaCa) {
      assert.match(result.stdout, /Timestamp Server Signature verification: ok/, `${file}: a verified RFC 3161 time stamp`);
    }
  }
});

for (const [scope, file, root] of /** @type {const} */ ([
  ['per user, without administrator rights', `ehcert-card-bridge-${version}-x64-user.msi`, 'HKCU'],
  ['per machine', `ehcert-card-bridge-${version}-x64.msi`, 'HKLM'],
])) {
  test(`the MSI installs ${scope}: the bridge, its manifests and the three browsers' keys; uninstalling leaves nothing`, async () => {
    const msi = path.join(OUT, file);
    const tables = execFileSync('msiinfo', ['export', msi, 'Registry'], { encoding: 'utf8' });
    for (const vendor of ['Google\\Chrome', 'Microsoft\\Edge', 'Mozilla']) {
      assert.ok(tables.includes(`Software\\${vendor}\\NativeMessagingHosts\\${HOST}`), `${vendor} in the Registry table`);
    }
    // The extension's keys sit in a 32-bit component (no msidbComponentAttributes64bit, 256):
    // Chrome and Edge read HKLM's 32-bit view.
    const components = execFileSync('msiinfo', ['export', msi, 'Component'], { encoding: 'utf8' });
    const attributes = (/** @type {string} */ component) =>
      Number(components.split(/\r?\n/).find((line) => line.startsWith(`${component}\t`))?.split('\t')[3]);
    assert.equal(attributes('ChromiumHost') & 256, 256, 'the host manifest keys are in the 64-bit view');
    assert.equal(attributes('StoreExtension') & 256, 0, 'the extension keys are in the 32-bit view');
    const installed = wine(['msiexec', '/i', msi, '/qn']);
    assert.equal(installed.status, 0, installed.stderr);
    // Chrome and Edge are told to install the extension from their stores.
    const { chrome, edge } = storeIds();
    const view = root === 'HKLM' ? 'Software\\Wow6432Node' : 'Software';
    const chromeKey = `${root}\\${view}\\Google\\Chrome\\Extensions\\${chrome}`;
    const edgeKey = `${root}\\${view}\\Microsoft\\Edge\\Extensions\\${edge}`;
    assert.equal(registryValue(chromeKey, 'update_url'), 'https://clients2.google.com/service/update2/crx', chromeKey);
    assert.equal(registryValue(edgeKey, 'update_url'), 'https://edge.microsoft.com/extensionwebstorebase/v1/crx', edgeKey);
    /** @type {Record<string, string>} */
    const manifests = {};
    for (const vendor of ['Google\\Chrome', 'Microsoft\\Edge', 'Mozilla']) {
      const value = registryDefault(`${root}\\Software\\${vendor}\\NativeMessagingHosts\\${HOST}`);
      assert.ok(value, `${root} key for ${vendor}`);
      manifests[vendor] = value;
    }
    if (root === 'HKCU') assert.match(manifests.Mozilla, /AppData\\Local\\Programs\\ehcert\\firefox-host\.json$/i);
    else assert.match(manifests.Mozilla, /Program Files\\ehcert\\firefox-host\.json$/i);
    assert.equal(manifests['Google\\Chrome'], manifests['Microsoft\\Edge']);
    const chromium = JSON.parse(readFileSync(unixPath(manifests['Google\\Chrome']), 'utf8'));
    assert.equal(chromium.path, 'card-bridge.exe', 'relative to the manifest');
    assert.deepEqual(chromium.allowed_origins, ['chrome-extension://ihbedndnijflbnlknbfafabcflgcfela/']);
    const firefox = JSON.parse(readFileSync(unixPath(manifests.Mozilla), 'utf8'));
    assert.deepEqual(firefox.allowed_extensions, ['development@ehcert.be']);
    // The bridge the manifests name is there and runs.
    const bridge = path.join(path.dirname(unixPath(manifests.Mozilla)), 'card-bridge.exe');
    const frames = await session(bridge, ['chrome-extension://ihbedndnijflbnlknbfafabcflgcfela/'], []);
    assert.equal(frames[0]?.type, 'hello');

    const removed = wine(['msiexec', '/x', msi, '/qn']);
    assert.equal(removed.status, 0, removed.stderr);
    for (const vendor of ['Google\\Chrome', 'Microsoft\\Edge', 'Mozilla']) {
      assert.equal(registryDefault(`${root}\\Software\\${vendor}\\NativeMessagingHosts\\${HOST}`), null, `${vendor} key removed`);
    }
    assert.equal(registryValue(chromeKey, 'update_url'), null, 'the Chrome extension key removed');
    assert.equal(registryValue(edgeKey, 'update_url'), null, 'the Edge extension key removed');
    assert.equal(existsSync(bridge), false, 'the bridge is removed');
    assert.equal(existsSync(path.dirname(bridge)), false, 'and its folder');
  });
}

// Upgrades from the previous release (CHANGELOG.md), built from its commit by the test command
// (EHCERT_WINDOWS_PREVIOUS: its build.sh's output). Each MSI of a scope shares its UpgradeCode
// across releases (card-bridge.wxs), so Windows Installer finds the older product
// (FindRelatedProducts) and removes it (RemoveExistingProducts, after the new files are in):
// one product installed, the new files only; and a downgrade stops at the launch condition
// MajorUpgrade writes. What Wine cannot show: its quiet install logs no launch condition's text,
// so the message Windows shows the person is checked in the MSI's LaunchCondition table instead.
const PREVIOUS = process.env.EHCERT_WINDOWS_PREVIOUS;
/** Windows Installer's ERROR_INSTALL_FAILURE, as a Linux parent reads msiexec's exit status
 *  under Wine: its low byte (1603 = 0x643). */
const INSTALL_FAILURE = 1603 & 0xff;
const UNINSTALL = 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall';

/** A table of an MSI as msiinfo exports it: rows of tab-separated columns, headers dropped. */
function msiTable(/** @type {string} */ msi, /** @type {string} */ table) {
  return execFileSync('msiinfo', ['export', msi, table], { encoding: 'utf8' }).split(/\r?\n/).slice(3).filter(Boolean).map((row) => row.split('\t'));
}

function property(/** @type {string} */ msi, /** @type {string} */ name) {
  return msiTable(msi, 'Property').find(([key]) => key === name)?.[1];
}

/** The products Windows Installer lists as installed (the Uninstall keys of the Control Panel). */
function installedProducts() {
  const { stdout } = wine(['reg', 'query', UNINSTALL]);
  return stdout.split(/\r?\n/).map((line) => /\\(\{[0-9A-F-]+\})$/i.exec(line.trim())?.[1]).filter(Boolean);
}

for (const [scope, suffix] of /** @type {const} */ ([
  ['per user', '-x64-user.msi'],
  ['per machine', '-x64.msi'],
])) {
  test(`the MSI ${scope} installs over the previous release's: one product, the new bridge and manifests; the previous one then refused`, async () => {
    assert.ok(PREVIOUS, 'EHCERT_WINDOWS_PREVIOUS: the previous release\'s Windows build (the test command makes it)');
    const previousMsi = readdirSync(PREVIOUS).map((name) => path.join(PREVIOUS, name)).find((file) => file.endsWith(suffix) && !file.includes(`-${version}-`));
    assert.ok(previousMsi, `the previous release's ${suffix} in ${PREVIOUS}`);
    const msi = path.join(OUT, `ehcert-card-bridge-${version}${suffix}`);
    const previousVersion = property(previousMsi, 'ProductVersion');
    assert.notEqual(previousVersion, version);
    assert.equal(property(previousMsi, 'UpgradeCode'), property(msi, 'UpgradeCode'), 'one UpgradeCode per scope across releases');
    const [previousProduct, product] = [property(previousMsi, 'ProductCode'), property(msi, 'ProductCode')];
    assert.ok(previousProduct && product && previousProduct !== product, 'a product code per release');
    const others = installedProducts();
    assert.ok(!others.includes(product) && !others.includes(previousProduct), 'neither release is installed before the test');

    const first = wine(['msiexec', '/i', previousMsi, '/qn']);
    assert.equal(first.status, 0, first.stderr);
    const manifestKey = `${scope === 'per user' ? 'HKCU' : 'HKLM'}\\Software\\Mozilla\\NativeMessagingHosts\\${HOST}`;
    const folder = path.dirname(unixPath(/** @type {string} */ (registryDefault(manifestKey))));
    const bridge = path.join(folder, 'card-bridge.exe');
    assert.equal(wine([bridge, '--version']).stdout.trim(), `card-bridge ${previousVersion}`);

    const upgrade = wine(['msiexec', '/i', msi, '/qn']);
    assert.equal(upgrade.status, 0, upgrade.stderr);
    const products = installedProducts().filter((code) => !others.includes(code));
    assert.deepEqual(products, [product], 'one product installed: this release');
    assert.equal(registryValue(`${UNINSTALL}\\${product}`, 'DisplayVersion'), version);
    assert.equal(wine([bridge, '--version']).stdout.trim(), `card-bridge ${version}`);
    const frames = await session(bridge, ['chrome-extension://ihbedndnijflbnlknbfafabcflgcfela/'], []);
    assert.equal(frames[0]?.args?.bridge_version, version);
    // The files are this release's only (the folder holds what the MSI's File table names).
    const files = msiTable(msi, 'File').map((row) => row[2].split('|').pop());
    assert.deepEqual(readdirSync(folder).sort(), files.sort());
    for (const vendor of ['Google\\Chrome', 'Microsoft\\Edge', 'Mozilla']) {
      const manifest = registryDefault(`${scope === 'per user' ? 'HKCU' : 'HKLM'}\\Software\\${vendor}\\NativeMessagingHosts\\${HOST}`);
      assert.ok(manifest && path.dirname(unixPath(manifest)) === folder, `${vendor}'s manifest is in the installed folder`);
    }

    // Going back: refused before anything changes, with the message MajorUpgrade put in the MSI.
    const condition = msiTable(msi, 'LaunchCondition').find(([expression]) => expression === 'NOT WIX_DOWNGRADE_DETECTED');
    assert.equal(condition?.[1], 'A newer ehcert card bridge is already installed.');
    const back = wine(['msiexec', '/i', previousMsi, '/qn']);
    assert.equal(back.status, INSTALL_FAILURE, `msiexec installed ${previousVersion} over ${version}: ${back.stdout}${back.stderr}`);
    assert.deepEqual(installedProducts().filter((code) => !others.includes(code)), [product]);
    assert.equal(wine([bridge, '--version']).stdout.trim(), `card-bridge ${version}`);

    const removed = wine(['msiexec', '/x', msi, '/qn']);
    assert.equal(removed.status, 0, removed.stderr);
    assert.deepEqual(installedProducts().filter((code) => !others.includes(code)), []);
    assert.equal(existsSync(folder), false, 'nothing left in the install folder');
  });
}
