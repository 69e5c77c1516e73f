// @ts-check
// The self-hosted kiosk extension (release.mjs --kiosk-key, crx3.mjs), read back by outside
// readers: OpenSSL checks the CRX3 signature, Python's zipfile reads the archive inside it. That
// Chromium installs it is the end-to-end suite's (kiosk-policy.spec.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RELEASE = path.join(HERE, '..', 'release.mjs');
const { version } = JSON.parse(readFileSync(path.join(HERE, '..', 'manifest.json'), 'utf8'));
const ORIGIN = 'https://app.ehcert.be';
const BASE = `${ORIGIN}/extension-updates/`;

let work = '';
let out = '';
let keyFile = '';

before(() => {
  work = mkdtempSync(path.join(tmpdir(), 'ehcert-crx-'));
  out = path.join(work, 'out');
  keyFile = path.join(work, 'kiosk.pem');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  execFileSync(process.execPath, [RELEASE, '--origin', ORIGIN, '--out', out, '--kiosk-key', keyFile, '--kiosk-update-base', BASE]);
});

after(() => rmSync(work, { recursive: true, force: true }));

/** Reads a protobuf message's length-delimited fields (the only wire type a CRX header uses):
 *  field number → every value, in order. */
function fields(/** @type {Buffer} */ bytes) {
  /** @type {Map<number, Buffer[]>} */
  const found = new Map();
  let at = 0;
  const varint = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  };
  while (at < bytes.length) {
    const tag = varint();
    assert.equal(tag & 7, 2, 'length-delimited fields only');
    const length = varint();
    const number = Math.floor(tag / 8);
    found.set(number, [...(found.get(number) ?? []), bytes.subarray(at, at + length)]);
    at += length;
  }
  return found;
}

/** The CRX's parts: its header's key, signature and signed data, and the archive. */
function parts(/** @type {Buffer} */ crx) {
  assert.equal(crx.subarray(0, 4).toString('latin1'), 'Cr24');
  assert.equal(crx.readUInt32LE(4), 3, 'CRX version 3');
  const headerLength = crx.readUInt32LE(8);
  const header = fields(crx.subarray(12, 12 + headerLength));
  const proofs = header.get(2) ?? [];
  assert.equal(proofs.length, 1, 'one RSA proof');
  const proof = fields(proofs[0]);
  const [signedHeaderData] = header.get(10000) ?? [];
  return { publicKey: proof.get(1)?.[0], signature: proof.get(2)?.[0], signedHeaderData, archive: crx.subarray(12 + headerLength) };
}

/** Whether OpenSSL finds `signature` good for `data` under the DER `publicKey`. */
function opensslVerifies(/** @type {Buffer} */ publicKey, /** @type {Buffer} */ signature, /** @type {Buffer} */ data) {
  const dir = mkdtempSync(path.join(work, 'verify-'));
  writeFileSync(path.join(dir, 'key.der'), publicKey);
  writeFileSync(path.join(dir, 'signature'), signature);
  writeFileSync(path.join(dir, 'data'), data);
  try {
    execFileSync('openssl', ['dgst', '-sha256', '-keyform', 'DER', '-verify', 'key.der', '-signature', 'signature', 'data'], { cwd: dir, stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** What the signature covers (Chromium's crx_verifier.cc). */
function signedBytes(/** @type {Buffer} */ signedHeaderData, /** @type {Buffer} */ archive) {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(signedHeaderData.length);
  return Buffer.concat([Buffer.from('CRX3 SignedData\0', 'latin1'), length, signedHeaderData, archive]);
}

test('the kiosk CRX is signed by the organisation\'s key, OpenSSL agrees, and a changed byte breaks it', () => {
  const crx = readFileSync(path.join(out, 'extension-updates', `ehcert-kiosk-${version}.crx`));
  const { publicKey, signature, signedHeaderData, archive } = parts(crx);
  assert.ok(publicKey && signature && signedHeaderData);
  const derOfKey = execFileSync('openssl', ['pkey', '-in', keyFile, '-pubout', '-outform', 'DER']);
  assert.ok(publicKey.equals(derOfKey), 'the header carries the key\'s public half');
  assert.equal(opensslVerifies(publicKey, signature, signedBytes(signedHeaderData, archive)), true);
  const changed = Buffer.from(archive);
  changed[changed.length - 30] ^= 1;
  assert.equal(opensslVerifies(publicKey, signature, signedBytes(signedHeaderData, changed)), false);
  // SignedData's crx_id: the first 16 bytes of SHA-256 over the key.
  assert.deepEqual(fields(signedHeaderData).get(1), [createHash('sha256').update(publicKey).digest().subarray(0, 16)]);
});

test('the update manifest names the CRX by the id its key gives, and the ehcert extension knows that id', () => {
  const crx = readFileSync(path.join(out, 'extension-updates', `ehcert-kiosk-${version}.crx`));
  const { publicKey } = parts(crx);
  assert.ok(publicKey);
  const id = [...createHash('sha256').update(publicKey).digest().subarray(0, 16).toString('hex')]
    .map((digit) => String.fromCharCode(97 + parseInt(digit, 16)))
    .join('');
  const manifest = readFileSync(path.join(out, 'extension-updates', 'updates.xml'), 'utf8');
  assert.match(manifest, new RegExp(`<app appid='${id}'>`));
  assert.match(manifest, new RegExp(`<updatecheck codebase='${BASE}ehcert-kiosk-${version}\\.crx' version='${version.replace(/\./g, '\\.')}' />`));
  // The extension's Finish handler answers only that kiosk extension (relay.js KIOSK_EXTENSION_ID).
  const script = `import sys, zipfile
print(zipfile.ZipFile(sys.argv[1]).read("relay.js").decode())`;
  const relay = execFileSync('python3', ['-c', script, path.join(out, `ehcert-${version}-chromium.zip`)], { encoding: 'utf8' });
  assert.match(relay, new RegExp(`^export const KIOSK_EXTENSION_ID = '${id}';$`, 'm'));
  const sums = readFileSync(path.join(out, 'SHA256SUMS'), 'utf8');
  for (const name of readdirSync(path.join(out, 'extension-updates'))) assert.ok(sums.includes(`  extension-updates/${name}\n`), name);
});

test('inside the CRX: the kiosk build for the hosted origin, updating from the organisation\'s server, with no key of its own', () => {
  const crx = readFileSync(path.join(out, 'extension-updates', `ehcert-kiosk-${version}.crx`));
  const archive = path.join(work, 'inside.zip');
  writeFileSync(archive, parts(crx).archive);
  const script = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(z.read("manifest.json").decode())`;
  const manifest = JSON.parse(execFileSync('python3', ['-c', script, archive], { encoding: 'utf8' }));
  assert.equal(manifest.update_url, `${BASE}updates.xml`);
  assert.equal(manifest.key, undefined);
  assert.deepEqual(manifest.content_scripts[0].matches, [`${ORIGIN}/*`]);
});
