#!/usr/bin/env node
// Writes a gzip (`.gz`, level 9) and a Brotli (`.br`, quality 11) copy beside each file of the
// app's download in DIST: the wasm, the JS, the CSS and the language catalogues. Servers send the
// copy a browser accepts (`Accept-Encoding`) instead of compressing on every request:
// ehcert-serve (tower-http's `ServeDir` precompressed variants) and the nginx recipe
// (`gzip_static`, `brotli_static`). Content-Encoding is a transfer detail: the browser checks
// subresource integrity on the decoded bytes, so index.html's hashes stay as they are.
//
// A copy is written only where it is smaller than the file; an older copy of a file that no
// longer compresses is removed, so no server can send stale bytes.
//
//   node app/precompress.mjs DIST
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = process.argv[2];
if (!dist) {
  console.error('usage: node app/precompress.mjs DIST');
  process.exit(2);
}

const COMPRESSIBLE = /\.(wasm|js|css|json)$/;

/** Every compressible file under `dir`, recursively. */
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return COMPRESSIBLE.test(name) ? [path] : [];
  });
}

const brotli = (bytes, text) =>
  brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: text ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });

let plain = 0;
let gzipped = 0;
let brotlied = 0;
for (const path of files(dist)) {
  const bytes = readFileSync(path);
  const copies = [
    ['.gz', gzipSync(bytes, { level: 9 })],
    ['.br', brotli(bytes, !path.endsWith('.wasm'))],
  ];
  for (const [suffix, copy] of copies) {
    if (copy.length < bytes.length) writeFileSync(path + suffix, copy);
    else rmSync(path + suffix, { force: true });
  }
  plain += bytes.length;
  gzipped += Math.min(bytes.length, copies[0][1].length);
  brotlied += Math.min(bytes.length, copies[1][1].length);
}
console.log(`precompressed ${dist}: ${plain} bytes, gzip ${gzipped}, brotli ${brotlied}`);
