// @ts-check
// CRX3, the package Chrome, Chromium and Edge install an extension from when it does not come
// from their store (an organisation's own update server, named by the ExtensionInstallForcelist
// policy), and the update manifest that points at it.
//
// The format, from Chromium's components/crx_file (crx3.proto, crx_verifier.cc):
//
//   "Cr24" | version 3 (uint32 LE) | header length (uint32 LE) | CrxFileHeader | zip archive
//
//   message CrxFileHeader {
//     repeated AsymmetricKeyProof sha256_with_rsa = 2;
//     optional bytes signed_header_data = 10000;   // a SignedData
//   }
//   message AsymmetricKeyProof { optional bytes public_key = 1; optional bytes signature = 2; }
//   message SignedData { optional bytes crx_id = 1; }
//
// crx_id is the first 16 bytes of SHA-256 over the public key (DER SubjectPublicKeyInfo); the
// extension's id is those bytes in hexadecimal written with the letters a to p. The signature is
// RSASSA-PKCS1-v1_5 with SHA-256 over "CRX3 SignedData\x00", the length of signed_header_data
// (uint32 LE), signed_header_data, then the zip archive. The update manifest is Omaha's
// `gupdate` answer as Chrome's "Self-host extensions" documentation gives it.
import { createHash, createPrivateKey, createPublicKey, sign } from 'node:crypto';

const MAGIC = Buffer.from('Cr24');
const SIGNATURE_CONTEXT = Buffer.from('CRX3 SignedData\0', 'binary');

/** A protobuf varint. @param {number} value */
function varint(value) {
  const bytes = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A length-delimited protobuf field (wire type 2). @param {number} field @param {Buffer} bytes */
function field(field, bytes) {
  return Buffer.concat([varint(field * 8 + 2), varint(bytes.length), bytes]);
}

/** A uint32, little-endian. @param {number} value */
function uint32(value) {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
}

/**
 * The extension id of a public key (DER SubjectPublicKeyInfo) and the 16 bytes it is made of.
 * @param {Buffer} publicKey
 */
export function extensionId(publicKey) {
  const crxId = createHash('sha256').update(publicKey).digest().subarray(0, 16);
  const id = [...crxId.toString('hex')].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
  return { id, crxId };
}

/**
 * The public key of `privateKeyPem`, as a CRX and a manifest's `key` carry it.
 * @param {string} privateKeyPem an RSA private key (PKCS#8 or PKCS#1, PEM)
 */
export function publicKeyOf(privateKeyPem) {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
}

/**
 * `archive` (the extension's zip) packaged and signed as a CRX3 with `privateKeyPem`.
 * @param {Buffer} archive
 * @param {string} privateKeyPem
 * @returns {{crx: Buffer, id: string}}
 */
export function crx3(archive, privateKeyPem) {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error('a CRX is signed here with an RSA key');
  const publicKey = publicKeyOf(privateKeyPem);
  const { id, crxId } = extensionId(publicKey);
  const signedHeaderData = field(1, crxId);
  const signature = sign('sha256', Buffer.concat([SIGNATURE_CONTEXT, uint32(signedHeaderData.length), signedHeaderData, archive]), key);
  const header = Buffer.concat([field(2, Buffer.concat([field(1, publicKey), field(2, signature)])), field(10000, signedHeaderData)]);
  return { crx: Buffer.concat([MAGIC, uint32(3), uint32(header.length), header, archive]), id };
}

/**
 * Chrome's update manifest for one extension at `codebase`.
 * @param {{id: string, version: string, codebase: string}} app
 */
export function updateManifest({ id, version, codebase }) {
  const attribute = (/** @type {string} */ text) =>
    text.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    "<?xml version='1.0' encoding='UTF-8'?>\n" +
    "<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>\n" +
    `  <app appid='${attribute(id)}'>\n` +
    `    <updatecheck codebase='${attribute(codebase)}' version='${attribute(version)}' />\n` +
    '  </app>\n' +
    '</gupdate>\n'
  );
}
