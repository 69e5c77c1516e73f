// @ts-check
// A time-stamping authority of RFC 3161 (its HTTP transport, §3.4) for the test command, so that
// the Windows files are signed with a time stamp the way a release signs them
// (EHCERT_WINDOWS_TIMESTAMP_URL) without reaching a public TSA:
//
//   node packaging/windows/tsa.mjs DIR
//
// makes, once, a throw-away CA and a TSA certificate it issued (extended key usage timeStamping,
// critical, as RFC 3161 §2.3 requires) in DIR, then answers POSTed time-stamp requests with
// `openssl ts -reply` on 127.0.0.1 and prints `listening on http://127.0.0.1:PORT` when it does.
// DIR/tsa-ca.pem is what a verifier trusts (osslsigncode verify -TSA-CAfile).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? '');
if (!process.argv[2]) {
  process.stderr.write('usage: node tsa.mjs DIR\n');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
const file = (/** @type {string} */ name) => path.join(dir, name);
const openssl = (/** @type {string[]} */ args) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

if (!existsSync(file('tsa.pem'))) {
  openssl(['req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-days', '30', '-subj', '/CN=ehcert test time-stamping CA (not for release)',
    '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', file('tsa-ca.key'), '-out', file('tsa-ca.pem')]);
  openssl(['req', '-new', '-newkey', 'rsa:3072', '-nodes', '-subj', '/CN=ehcert test time-stamping authority (not for release)',
    '-keyout', file('tsa.key'), '-out', file('tsa.csr')]);
  writeFileSync(file('tsa.ext'), 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n');
  openssl(['x509', '-req', '-in', file('tsa.csr'), '-CA', file('tsa-ca.pem'), '-CAkey', file('tsa-ca.key'), '-CAcreateserial',
    '-days', '30', '-extfile', file('tsa.ext'), '-out', file('tsa.pem')]);
  writeFileSync(file('serial'), '01\n');
  // openssl ts's configuration (its manual, "CONFIGURATION FILE OPTIONS"); the policy is a
  // private arc, as test policies are.
  writeFileSync(file('tsa.cnf'), `[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = ${file('serial')}
signer_cert = ${file('tsa.pem')}
certs = ${file('tsa-ca.pem')}
signer_key = ${file('tsa.key')}
signer_digest = sha256
default_policy = 1.3.6.1.4.1.55555.1.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`);
}

const server = createServer((request, response) => {
  /** @type {Buffer[]} */
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method !== 'POST' || request.headers['content-type'] !== 'application/timestamp-query') {
      response.writeHead(400).end();
      return;
    }
    const work = mkdtempSync(path.join(tmpdir(), 'ehcert-tsa-'));
    try {
      writeFileSync(path.join(work, 'query.tsq'), Buffer.concat(chunks));
      openssl(['ts', '-reply', '-config', file('tsa.cnf'), '-queryfile', path.join(work, 'query.tsq'), '-out', path.join(work, 'reply.tsr')]);
      response.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(readFileSync(path.join(work, 'reply.tsr')));
    } catch (error) {
      process.stderr.write(`tsa: ${error}\n`);
      response.writeHead(500).end();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
