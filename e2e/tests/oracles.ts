// The outside oracles that read the keystores the browser downloaded: JDK keytool and OpenSSL.
// Each throws when the tool refuses the file or its password.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** `keytool -list -v` of a PKCS#12 file, as medical software's Java reads it. */
export function keytool(file: string, password: string) {
  return execFileSync('keytool', ['-list', '-v', '-storetype', 'PKCS12', '-keystore', file, '-storepass', password], {
    encoding: 'utf8',
  });
}

/** `openssl pkcs12 -legacy` on the file with `args` (e.g. `-noout`, `-nokeys`). */
export function openssl(file: string, password: string, ...args: string[]) {
  return execFileSync('openssl', ['pkcs12', '-legacy', '-in', file, '-passin', `pass:${password}`, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The public key of a keystore's private key, as OpenSSL prints it. */
export function publicKeyOf(file: string, password: string) {
  const key = openssl(file, password, '-nocerts', '-nodes');
  return execFileSync('openssl', ['pkey', '-pubout'], { input: key, encoding: 'utf8' });
}

/** Whether the private key and the certificate stored under `alias` belong together. */
export function keyMatchesCertificate(file: string, password: string, alias: string) {
  const dump = openssl(file, password, '-nodes');
  const block = (kind: RegExp) =>
    dump
      .split(/(?=Bag Attributes)/)
      .find((bag) => bag.includes(`friendlyName: ${alias}\n`) && kind.test(bag))
      ?.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----\n/)?.[0];
  const key = block(/PRIVATE KEY/);
  const certificate = block(/CERTIFICATE/);
  if (!key || !certificate) return false;
  const fromKey = execFileSync('openssl', ['pkey', '-pubout'], { input: key, encoding: 'utf8' });
  const fromCertificate = execFileSync('openssl', ['x509', '-noout', '-pubkey'], { input: certificate, encoding: 'utf8' });
  return fromKey === fromCertificate;
}

/**
 * CertRA's PublicKeyIdentifier of a keystore's private key, as OpenSSL computes it: SHA-1 of the
 * PKCS#1 RSAPublicKey, which is the value of the SubjectPublicKeyInfo's BIT STRING (RFC 5280
 * §4.2.1.2, method 1). Upper-case hex in groups of four, as the PIN window shows it.
 */
export function publicKeyIdentifierOf(file: string, password: string) {
  const key = openssl(file, password, '-nocerts', '-nodes');
  const rsaPublicKey = execFileSync('openssl', ['rsa', '-RSAPublicKey_out', '-outform', 'DER'], {
    input: key,
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const digest = execFileSync('openssl', ['dgst', '-sha1', '-r'], { input: rsaPublicKey, encoding: 'utf8' });
  return digest.split(' ')[0].toUpperCase().match(/.{4}/g)!.join(' ');
}

/**
 * `xmlsec1 --verify` of a signed SOAP request (the signature's Reference points at the element
 * `element`'s Id attribute), with the public key of the first certificate in its KeyInfo: the
 * signature is over what the request says. Returns xmlsec1's report; throws when it fails.
 */
export function xmlsec1Verify(file: string, element: string) {
  const xml = readFileSync(file, 'utf8');
  const certificate = /<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/.exec(xml)![1];
  const dir = mkdtempSync(path.join(tmpdir(), 'ehcert-xmlsec-'));
  try {
    const pem = path.join(dir, 'signer.pem');
    writeFileSync(pem, `-----BEGIN CERTIFICATE-----\n${certificate.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`);
    return execFileSync('xmlsec1', ['--verify', '--id-attr:Id', element, '--pubkey-cert-pem', pem, file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The day the certificate under `alias` ends, as OpenSSL reads its notAfter, written dd/mm/yyyy
 * in this machine's time zone (the browser's too).
 */
export function validUntilOf(file: string, password: string, alias = 'authentication') {
  const certificate = openssl(file, password, '-nokeys')
    .split(/(?=Bag Attributes)/)
    .find((bag) => bag.includes(`friendlyName: ${alias}\n`))
    ?.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/)?.[0];
  if (!certificate) throw new Error(`no certificate under ${alias}`);
  const end = execFileSync('openssl', ['x509', '-noout', '-enddate'], { input: certificate, encoding: 'utf8' });
  const at = new Date(end.replace(/^notAfter=/, '').trim());
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getDate())}/${two(at.getMonth() + 1)}/${at.getFullYear()}`;
}
