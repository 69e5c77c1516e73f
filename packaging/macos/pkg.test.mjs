// @ts-check
// The macOS installer, checked on Linux: what can be read without a Mac, read by tools that did
// not write it. Run by the test command after build-pkg.sh:
//
//   EHCERT_MACOS_OUT=DIR node --test packaging/macos/pkg.test.mjs
//
// Readers: LLVM's lipo and otool (Debian's llvm-22) for the Mach-O slices (and its
// install-name-tool to break one on purpose), rcodesign for the code
// signature, libarchive's bsdtar for the xar archive and the cpio payload, apple-bom's reader
// (ehcert-macos-pkg bom) for the Bill of Materials, OpenSSL and Node's crypto for the package's
// two signatures, shellcheck for the scripts, and /bin/sh for running the postinstall and the
// uninstall script against folders laid out as a home and as a volume. Each check is also run
// once on something broken on purpose, so a check that cannot fail shows up here.
//
// Not provable here (packaging/README.md, macOS): that a Mac runs the binary (dyld, the real
// PCSC framework), Gatekeeper's and the Installer's verdicts, notarization, and which domain the
// Installer selects first.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, createPublicKey, publicDecrypt, constants, X509Certificate } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

import { storeIds } from '../store-ids.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const OUT = process.env.EHCERT_MACOS_OUT ?? path.join(ROOT, 'target', 'packages', 'macos');
const version = readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "(.*)"$/m)?.[1];
const PACKAGE = path.join(OUT, `ehcert-card-bridge-${version}.pkg`);
const HOST = 'be.ehcert.card_bridge';
const IDENTIFIER = 'be.ehcert.card-bridge';
const SUPPORT = 'Library/Application Support';

/** The extension ids the package must let talk to the bridge: the release pipeline's, or the
 *  development ones of ehcert-shared. */
function expectedIds() {
  const shared = readFileSync(path.join(ROOT, 'shared', 'src', 'bridge.rs'), 'utf8');
  const constant = (/** @type {string} */ name) => shared.match(new RegExp(`pub const ${name}: &str = "([^"]+)"`))?.[1];
  const chromium = (process.env.EHCERT_CHROMIUM_EXTENSION_IDS ?? constant('CHROMIUM_EXTENSION_ID') ?? '')
    .split(',').map((id) => id.trim()).filter(Boolean);
  const firefox = process.env.EHCERT_FIREFOX_EXTENSION_ID ?? constant('FIREFOX_EXTENSION_ID');
  return { chromium, firefox };
}

const CHROME_STORE = { external_update_url: 'https://clients2.google.com/service/update2/crx' };
const EDGE_STORE = { external_update_url: 'https://edge.microsoft.com/extensionwebstorebase/v1/crx' };

/** @param {string} command @param {string[]} args @param {import('node:child_process').ExecFileSyncOptions} [options] */
function run(command, args, options = {}) {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }).toString();
}

let work = '';
let unpacked = '';
let payload = '';
let scripts = '';

before(() => {
  assert.ok(existsSync(PACKAGE), `${PACKAGE} is missing: run packaging/macos/build-pkg.sh first`);
  work = mkdtempSync(path.join(tmpdir(), 'ehcert-macos-'));
  unpacked = path.join(work, 'package');
  payload = path.join(work, 'payload');
  scripts = path.join(work, 'scripts');
  for (const folder of [unpacked, payload, scripts]) mkdirSync(folder);
  run('bsdtar', ['-xf', PACKAGE, '-C', unpacked]);
  run('bsdtar', ['-xf', path.join(unpacked, 'ehcert-card-bridge.pkg', 'Payload'), '-C', payload]);
  run('bsdtar', ['-xf', path.join(unpacked, 'ehcert-card-bridge.pkg', 'Scripts'), '-C', scripts]);
});
after(() => rmSync(work, { recursive: true, force: true }));

// --- the binary ------------------------------------------------------------------------------

/** The slices of a Mach-O file, by lipo: "arm64", "x86_64". */
function architectures(/** @type {string} */ file) {
  return run('llvm-lipo-22', ['-archs', file]).trim().split(/\s+/).sort();
}

/** One slice of a universal binary as a file of its own. */
function thin(/** @type {string} */ file, /** @type {string} */ arch) {
  const slice = path.join(mkdtempSync(path.join(work, 'slice-')), arch);
  run('llvm-lipo-22', ['-thin', arch, '-output', slice, file]);
  return slice;
}

/** Checks a universal bridge: both CPUs, each for macOS 11 or later, importing only what every
 *  Mac has. Throws when one of these does not hold. */
function checkUniversal(/** @type {string} */ file) {
  assert.deepEqual(architectures(file), ['arm64', 'x86_64'], 'both Apple silicon and Intel slices');
  for (const [arch, cpu] of [['arm64', 'ARM64'], ['x86_64', 'X86_64']]) {
    const slice = thin(file, arch);
    assert.match(run('llvm-otool-22', ['-hv', slice]), new RegExp(`MH_MAGIC_64\\s+${cpu}\\s.*EXECUTE`), `${arch}: a 64-bit executable for ${cpu}`);
    const commands = run('llvm-otool-22', ['-l', slice]);
    const build = commands.match(/cmd LC_BUILD_VERSION\n(?:.*\n)*?\s*platform (\d+)\n(?:.*\n)*?\s*minos ([\d.]+)/);
    assert.ok(build, `${arch}: no LC_BUILD_VERSION`);
    assert.equal(build[1], '1', `${arch}: built for macOS (platform 1)`);
    assert.equal(build[2], '11.0', `${arch}: minimum macOS 11.0`);
    assert.doesNotMatch(commands, /LC_RPATH/, `${arch}: no run-path search folders`);
    const libraries = run('llvm-otool-22', ['-L', slice]).split('\n').slice(1).map((line) => line.trim().split(' (')[0]).filter(Boolean);
    assert.ok(libraries.includes('/usr/lib/libSystem.B.dylib'), `${arch}: links libSystem`);
    assert.ok(libraries.includes('/System/Library/Frameworks/PCSC.framework/Versions/A/PCSC'), `${arch}: links Apple's PCSC framework`);
    for (const library of libraries) {
      assert.match(library, /^(\/usr\/lib\/[^/]+\.dylib|\/System\/Library\/Frameworks\/[^/]+\.framework\/)/, `${arch}: imports ${library}, which is not part of macOS`);
    }
  }
}

/** Checks the code signature of each slice: intact, with the hardened runtime and our
 *  identifier. */
function checkCodeSignature(/** @type {string} */ file) {
  const info = run('rcodesign', ['print-signature-info', file]);
  const directories = [...info.matchAll(/flags: CodeSignatureFlags\(([^)]*)\)\n\s*identifier: (\S+)/g)];
  assert.equal(directories.length, 2, `a code directory per slice:\n${info}`);
  for (const [, flags, identifier] of directories) {
    assert.ok(flags.split('|').map((flag) => flag.trim()).includes('RUNTIME'), `hardened runtime flag in ${flags}`);
    assert.equal(identifier, IDENTIFIER);
  }
  const verdict = spawnSync('rcodesign', ['verify', file], { encoding: 'utf8' });
  assert.equal(verdict.status, 0, `rcodesign verify: ${verdict.stderr}`);
}

const BRIDGE = () => path.join(payload, SUPPORT, 'ehcert', 'card-bridge');

test('the bridge in the package is universal, for macOS 11 and later, and imports only macOS', () => {
  checkUniversal(BRIDGE());
});

test('the universal check fails on a binary with a slice missing', () => {
  assert.throws(() => checkUniversal(thin(BRIDGE(), 'arm64')), /both Apple silicon and Intel slices/);
});

test('the import check fails on a bridge that would load a library from outside macOS', () => {
  // The x86_64 slice made to load libiconv from Homebrew's folder, as a build machine's library
  // would slip in; the universal binary made again from both slices.
  const x86 = thin(BRIDGE(), 'x86_64');
  run('llvm-install-name-tool-22', ['-change', '/usr/lib/libiconv.2.dylib', '/usr/local/opt/libiconv/lib/libiconv.2.dylib', x86]);
  const universal = path.join(work, 'foreign-library-bridge');
  run('llvm-lipo-22', ['-create', '-output', universal, thin(BRIDGE(), 'arm64'), x86]);
  assert.throws(() => checkUniversal(universal), /x86_64: imports \/usr\/local\/opt\/libiconv\/lib\/libiconv\.2\.dylib, which is not part of macOS/);
});

test('the bridge is signed with the hardened runtime, and the check sees a signature broken', () => {
  checkCodeSignature(BRIDGE());
  const broken = path.join(work, 'broken-bridge');
  copyFileSync(BRIDGE(), broken);
  const bytes = readFileSync(broken);
  // A byte of the arm64 slice's code changed after signing: its page hash no longer matches.
  // (cputype 16777228 is CPU_TYPE_ARM64.)
  const arm64 = run('llvm-otool-22', ['-f', broken]).match(/cputype 16777228\n(?:.*\n)*?\s*offset (\d+)/);
  assert.ok(arm64);
  const at = Number(arm64[1]) + 0x4000 + 17;
  bytes[at] ^= 0xff;
  writeFileSync(broken, bytes);
  assert.throws(() => checkCodeSignature(broken), /rcodesign verify/);
});

const SIGNING = path.join(ROOT, 'target', 'packages-signing', 'macos');
test('the hardened-runtime check fails on a bridge signed without it', { skip: !existsSync(path.join(SIGNING, 'developer-id-application.key')) && 'a release: no throw-away certificate here' }, () => {
  const plain = path.join(work, 'plain-bridge');
  copyFileSync(BRIDGE(), plain);
  // Signed again with the build's throw-away certificate and another flag in place of the
  // runtime's.
  run('rcodesign', ['sign', '--pem-file', path.join(SIGNING, 'developer-id-application.crt'), '--pem-file', path.join(SIGNING, 'developer-id-application.key'),
    '--timestamp-url', 'none', '--code-signature-flags', 'kill', '--binary-identifier', IDENTIFIER, plain]);
  assert.throws(() => checkCodeSignature(plain), /hardened runtime flag/);
});

// --- the package's contents -----------------------------------------------------------------

/** bsdtar's listing of an archive: path → "mode size" (mode as bsdtar prints it). */
function listing(/** @type {string} */ archive) {
  return Object.fromEntries(run('bsdtar', ['-tvf', archive]).trim().split('\n').map((line) => {
    const [mode, , , , size] = line.split(/\s+/);
    const name = line.slice(line.indexOf(' ./') + 1 || line.lastIndexOf(' ') + 1);
    return [name, `${mode} ${size}`];
  }));
}

test('the package holds one component and the Distribution, nothing else', () => {
  const names = run('bsdtar', ['-tf', PACKAGE]).trim().split('\n').sort();
  assert.deepEqual(names, [
    'Distribution',
    'ehcert-card-bridge.pkg',
    'ehcert-card-bridge.pkg/Bom',
    'ehcert-card-bridge.pkg/PackageInfo',
    'ehcert-card-bridge.pkg/Payload',
    'ehcert-card-bridge.pkg/Scripts',
  ]);
});

test('the payload is the bridge and its uninstall script, executable, owned by root, and the Bom says the same', () => {
  const component = path.join(unpacked, 'ehcert-card-bridge.pkg');
  const files = listing(path.join(component, 'Payload'));
  const bridgeSize = readFileSync(BRIDGE()).length;
  const uninstallSize = readFileSync(path.join(payload, SUPPORT, 'ehcert', 'uninstall.sh')).length;
  assert.deepEqual(files, {
    '.': 'drwxr-xr-x 0',
    './Library': 'drwxr-xr-x 0',
    './Library/Application Support': 'drwxr-xr-x 0',
    './Library/Application Support/ehcert': 'drwxr-xr-x 0',
    './Library/Application Support/ehcert/card-bridge': `-rwxr-xr-x ${bridgeSize}`,
    './Library/Application Support/ehcert/uninstall.sh': `-rwxr-xr-x ${uninstallSize}`,
  });
  assert.ok(run('bsdtar', ['-tvf', path.join(component, 'Payload')]).split('\n').filter(Boolean).every((line) => / 0 +0 /.test(line)), 'root:wheel (0:0)');
  const bom = run('cargo', ['run', '--locked', '-q', '-p', 'ehcert-macos-pkg', '--', 'bom', path.join(component, 'Bom')], { cwd: ROOT });
  const fromBom = Object.fromEntries(bom.trim().split('\n').map((line) => {
    const [name, mode, owner, size] = line.split('\t');
    return [name, `${mode} ${owner} ${size}`];
  }));
  assert.deepEqual(fromBom, {
    '.': '40755 0/0 0',
    './Library': '40755 0/0 0',
    './Library/Application Support': '40755 0/0 0',
    './Library/Application Support/ehcert': '40755 0/0 0',
    './Library/Application Support/ehcert/card-bridge': `100755 0/0 ${bridgeSize}`,
    './Library/Application Support/ehcert/uninstall.sh': `100755 0/0 ${uninstallSize}`,
  });
  const { chrome, edge } = storeIds();
  const size = (/** @type {string} */ name) => readFileSync(path.join(scripts, name)).length;
  assert.deepEqual(listing(path.join(component, 'Scripts')), {
    '.': 'drwxr-xr-x 0',
    [`./chrome-extension-${chrome}.json`]: `-rw-r--r-- ${size(`chrome-extension-${chrome}.json`)}`,
    [`./edge-extension-${edge}.json`]: `-rw-r--r-- ${size(`edge-extension-${edge}.json`)}`,
    './chromium-host.json': `-rw-r--r-- ${readFileSync(path.join(scripts, 'chromium-host.json')).length}`,
    './firefox-host.json': `-rw-r--r-- ${readFileSync(path.join(scripts, 'firefox-host.json')).length}`,
    './postinstall': `-rwxr-xr-x ${readFileSync(path.join(scripts, 'postinstall')).length}`,
  });
});

test('the Distribution offers both domains, and the component installs at the domain root without touching existing folders', () => {
  const distribution = readFileSync(path.join(unpacked, 'Distribution'), 'utf8');
  const domains = distribution.match(/<domains ([^>]*)\/>/)?.[1] ?? '';
  assert.match(domains, /enable_currentUserHome="true"/, 'for me only');
  assert.match(domains, /enable_localSystem="true"/, 'for all users');
  assert.match(distribution, /hostArchitectures="x86_64,arm64"/, 'no Rosetta asked for on Apple silicon');
  assert.match(distribution, new RegExp(`<pkg-ref id="${IDENTIFIER}" version="${version}"`));
  const info = readFileSync(path.join(unpacked, 'ehcert-card-bridge.pkg', 'PackageInfo'), 'utf8');
  assert.match(info, new RegExp(`identifier="${IDENTIFIER}"`));
  assert.match(info, new RegExp(`version="${version}"`));
  assert.match(info, /install-location="\/"/);
  // An existing ~/Library keeps its 0700.
  assert.match(info, /overwrite-permissions="false"/);
  assert.match(info, /<postinstall file="\.\/postinstall"/);
});

// --- the package's signature ----------------------------------------------------------------

/** The xar archive's table of contents and heap. */
function xar(/** @type {Buffer} */ bytes) {
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'xar!');
  const headerSize = bytes.readUInt16BE(4);
  const tocLength = Number(bytes.readBigUInt64BE(8));
  const compressedToc = bytes.subarray(headerSize, headerSize + tocLength);
  const toc = inflateSync(compressedToc).toString('utf8');
  return { compressedToc, toc, heap: bytes.subarray(headerSize + tocLength) };
}

/** A `<name style=…><offset>…</offset><size>…</size>` element of the table of contents. */
function heapPart(/** @type {string} */ toc, /** @type {string} */ element) {
  const found = toc.match(new RegExp(`<${element} style="([^"]+)">\\s*<offset>(\\d+)</offset>\\s*<size>(\\d+)</size>`));
  assert.ok(found, `no ${element} in the table of contents`);
  return { style: found[1], offset: Number(found[2]), size: Number(found[3]) };
}

/** Checks the package's signatures as the Installer reads them: the table of contents' checksum,
 *  the RSA signature over it by the certificate in the table of contents (PKCS #1 v1.5, checked
 *  by Node's crypto) and the CMS one (checked by OpenSSL). Returns the signer's subject. */
function checkPackageSignature(/** @type {string} */ file) {
  const { compressedToc, toc, heap } = xar(readFileSync(file));
  const checksum = heapPart(toc, 'checksum');
  const algorithm = { sha1: 'sha1', sha256: 'sha256' }[checksum.style];
  assert.ok(algorithm, `checksum style ${checksum.style}`);
  const digest = heap.subarray(checksum.offset, checksum.offset + checksum.size);
  assert.deepEqual(digest, createHash(algorithm).update(compressedToc).digest(), 'the table of contents matches its checksum');

  const rsa = heapPart(toc, 'signature');
  assert.equal(rsa.style, 'RSA');
  const certificates = [...toc.matchAll(/<X509Certificate>([^<]+)<\/X509Certificate>/g)].map((m) => m[1].replace(/\s+/g, ''));
  assert.ok(certificates.length > 0, 'the signer certificate is in the table of contents');
  const signer = new X509Certificate(Buffer.from(certificates[0], 'base64'));
  const recovered = publicDecrypt({ key: createPublicKey(signer.publicKey.export({ type: 'spki', format: 'pem' })), padding: constants.RSA_PKCS1_PADDING }, heap.subarray(rsa.offset, rsa.offset + rsa.size));
  // Two forms are in use: the checksum signed as the digest it is (DigestInfo with the checksum's
  // algorithm, as Apple's xar tool documents with --digestinfo-to-sign), and the checksum signed
  // as a message with SHA-256 (what rcodesign writes, and what apple-xar's reader verifies).
  const digestInfo = { sha1: '3021300906052b0e03021a05000414', sha256: '3031300d060960864801650304020105000420' };
  assert.ok([
    digestInfo[algorithm] + digest.toString('hex'),
    digestInfo.sha256 + createHash('sha256').update(digest).digest('hex'),
  ].includes(recovered.toString('hex')), 'the RSA signature is over the checksum');

  const cms = heapPart(toc, 'x-signature');
  assert.equal(cms.style, 'CMS');
  const folder = mkdtempSync(path.join(work, 'cms-'));
  writeFileSync(path.join(folder, 'signature.der'), heap.subarray(cms.offset, cms.offset + cms.size));
  writeFileSync(path.join(folder, 'checksum'), digest);
  // -noverify: the chain is Apple's (or, in tests, none); the signature itself is checked.
  const verdict = spawnSync('openssl', ['cms', '-verify', '-binary', '-noverify', '-inform', 'DER', '-in', path.join(folder, 'signature.der'), '-content', path.join(folder, 'checksum'), '-out', '/dev/null'], { encoding: 'utf8' });
  assert.equal(verdict.status, 0, `openssl cms -verify: ${verdict.stderr}`);
  assert.match(verdict.stderr, /Verification successful/);
  return signer.subject;
}

test('the package is signed by a Developer ID Installer certificate, and the check sees a change', () => {
  assert.match(checkPackageSignature(PACKAGE), /CN=Developer ID Installer: /);
  // One byte of the compressed table of contents changed: its checksum no longer matches.
  const broken = path.join(work, 'broken.pkg');
  const bytes = readFileSync(PACKAGE);
  const headerSize = bytes.readUInt16BE(4);
  bytes[headerSize + 40] ^= 0x01;
  writeFileSync(broken, bytes);
  assert.throws(() => checkPackageSignature(broken));
});

// --- the scripts, run as the Installer runs them ----------------------------------------------

/** Runs the package's postinstall as the Installer would (package, destination, volume), and
 *  reads back the host manifests it wrote (folder → manifest) and the extension's preferences
 *  files (path → content). */
function installed(/** @type {string} */ scriptFolder, /** @type {string} */ destination, /** @type {string} */ volume) {
  mkdirSync(path.join(destination, SUPPORT, 'ehcert'), { recursive: true });
  run('/bin/sh', [path.join(scriptFolder, 'postinstall'), PACKAGE, destination, volume]);
  const list = readFileSync(path.join(destination, SUPPORT, 'ehcert', 'installed-manifests'), 'utf8').trim().split('\n');
  const read = (/** @type {string} */ file) => JSON.parse(readFileSync(file, 'utf8'));
  const isExtension = (/** @type {string} */ file) => path.basename(path.dirname(file)) === 'External Extensions';
  return {
    manifests: Object.fromEntries(list.filter((file) => !isExtension(file)).map((file) => [path.dirname(file), read(file)])),
    extensions: Object.fromEntries(list.filter(isExtension).map((file) => [file, read(file)])),
  };
}

/** The host manifests the postinstall wrote: folder → manifest. */
function postinstall(/** @type {string} */ scriptFolder, /** @type {string} */ destination, /** @type {string} */ volume) {
  return installed(scriptFolder, destination, volume).manifests;
}

/** Checks the manifests for one domain: where they are, the bridge they name, the extensions
 *  they let in. */
function checkManifests(/** @type {Record<string, any>} */ manifests, /** @type {string[]} */ chromiumFolders, /** @type {string} */ firefoxFolder, /** @type {string} */ bridge) {
  const { chromium, firefox } = expectedIds();
  assert.deepEqual(Object.keys(manifests).sort(), [...chromiumFolders, firefoxFolder].sort());
  for (const folder of chromiumFolders) {
    assert.deepEqual(manifests[folder], {
      name: HOST,
      description: manifests[folder].description,
      path: bridge,
      type: 'stdio',
      allowed_origins: chromium.map((id) => `chrome-extension://${id}/`),
    }, folder);
  }
  assert.deepEqual(manifests[firefoxFolder], {
    name: HOST,
    description: manifests[firefoxFolder].description,
    path: bridge,
    type: 'stdio',
    allowed_extensions: [firefox],
  });
}

test('installed for one user, the browsers of that user find the bridge in the home, whatever its name', () => {
  // A home whose name needs escaping in JSON and in sed.
  const home = path.join(work, 'Users', 'dr "Maes" & Co | \\ x');
  const { manifests, extensions } = installed(scripts, home, '/');
  const support = path.join(home, SUPPORT);
  // Chrome and Edge of that user install the extension from their stores.
  const { chrome, edge } = storeIds();
  assert.deepEqual(extensions, {
    [path.join(support, 'Google/Chrome/External Extensions', `${chrome}.json`)]: CHROME_STORE,
    [path.join(support, 'Microsoft Edge/External Extensions', `${edge}.json`)]: EDGE_STORE,
  });
  checkManifests(manifests, [
    path.join(support, 'Google/Chrome/NativeMessagingHosts'),
    path.join(support, 'Chromium/NativeMessagingHosts'),
    path.join(support, 'Microsoft Edge/NativeMessagingHosts'),
    path.join(support, 'BraveSoftware/Brave-Browser/NativeMessagingHosts'),
    path.join(support, 'Vivaldi/NativeMessagingHosts'),
  ], path.join(support, 'Mozilla/NativeMessagingHosts'), path.join(support, 'ehcert', 'card-bridge'));
});

test('installed for all users, the manifests are where each browser reads them for every user', () => {
  const volume = path.join(work, 'volume');
  const { manifests, extensions } = installed(scripts, volume, `${volume}/`);
  const { chrome, edge } = storeIds();
  assert.deepEqual(extensions, {
    [path.join(volume, SUPPORT, 'Google/Chrome/External Extensions', `${chrome}.json`)]: CHROME_STORE,
    [path.join(volume, SUPPORT, 'Microsoft/Edge/External Extensions', `${edge}.json`)]: EDGE_STORE,
  });
  checkManifests(manifests, [
    path.join(volume, 'Library/Google/Chrome/NativeMessagingHosts'),
    path.join(volume, SUPPORT, 'Chromium/NativeMessagingHosts'),
    path.join(volume, 'Library/Microsoft/Edge/NativeMessagingHosts'),
  ], path.join(volume, SUPPORT, 'Mozilla/NativeMessagingHosts'), '/Library/Application Support/ehcert/card-bridge');
});

test('the manifest check fails on a manifest naming another path', () => {
  const home = path.join(work, 'Users', 'wrong');
  const manifests = postinstall(scripts, home, '/');
  const support = path.join(home, SUPPORT);
  assert.throws(() => checkManifests(manifests, [
    path.join(support, 'Google/Chrome/NativeMessagingHosts'),
    path.join(support, 'Chromium/NativeMessagingHosts'),
    path.join(support, 'Microsoft Edge/NativeMessagingHosts'),
    path.join(support, 'BraveSoftware/Brave-Browser/NativeMessagingHosts'),
    path.join(support, 'Vivaldi/NativeMessagingHosts'),
  ], path.join(support, 'Mozilla/NativeMessagingHosts'), '/Library/Application Support/ehcert/card-bridge'), /path/);
});

test('the uninstall script removes the manifests, the bridge and nothing else', () => {
  const home = path.join(work, 'Users', 'leaving');
  const folder = path.join(home, SUPPORT, 'ehcert');
  mkdirSync(folder, { recursive: true });
  for (const name of ['card-bridge', 'uninstall.sh']) {
    copyFileSync(path.join(payload, SUPPORT, 'ehcert', name), path.join(folder, name));
    chmodSync(path.join(folder, name), 0o755);
  }
  const { manifests, extensions } = installed(scripts, home, '/');
  assert.equal(Object.keys(extensions).length, 2);
  // Another program's manifest beside ours stays, and another extension's preferences.
  const chrome = path.join(home, SUPPORT, 'Google/Chrome/NativeMessagingHosts');
  writeFileSync(path.join(chrome, 'org.example.other.json'), '{}');
  const chromeExtensions = path.join(home, SUPPORT, 'Google/Chrome/External Extensions');
  writeFileSync(path.join(chromeExtensions, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json'), '{}');
  const said = run('/bin/sh', [path.join(folder, 'uninstall.sh')], { env: { ...process.env, PATH: '/usr/bin:/bin' } });
  assert.match(said, /removed/);
  assert.equal(existsSync(folder), false, 'the bridge folder is gone');
  for (const manifestFolder of Object.keys(manifests)) {
    assert.equal(existsSync(path.join(manifestFolder, `${HOST}.json`)), false, manifestFolder);
  }
  assert.deepEqual(readdirSync(chrome), ['org.example.other.json']);
  for (const file of Object.keys(extensions)) assert.equal(existsSync(file), false, file);
  assert.deepEqual(readdirSync(chromeExtensions), ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json']);
});

test('the uninstall script refuses to run from a folder that is not ehcert’s', () => {
  const elsewhere = path.join(work, 'elsewhere');
  mkdirSync(elsewhere, { recursive: true });
  copyFileSync(path.join(payload, SUPPORT, 'ehcert', 'uninstall.sh'), path.join(elsewhere, 'uninstall.sh'));
  writeFileSync(path.join(elsewhere, 'keep'), 'x');
  const result = spawnSync('/bin/sh', [path.join(elsewhere, 'uninstall.sh')], { encoding: 'utf8' });
  assert.notEqual(result.status, 0);
  assert.ok(existsSync(path.join(elsewhere, 'keep')));
});

test('the scripts pass shellcheck', () => {
  const built = [path.join(HERE, 'build-pkg.sh'), path.join(HERE, '..', 'external-extensions.sh')];
  for (const script of [path.join(scripts, 'postinstall'), path.join(payload, SUPPORT, 'ehcert', 'uninstall.sh'), ...built]) {
    // Following `source` (-x), with the paths the scripts give relative to the repository.
    const result = spawnSync('shellcheck', ['-x', script], { encoding: 'utf8', cwd: ROOT });
    assert.equal(result.status, 0, `${script}:\n${result.stdout}`);
  }
});
