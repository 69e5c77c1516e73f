#!/usr/bin/env node
// Minifies the app's JS glue after `trunk build --release`, and keeps its subresource integrity.
//
// Trunk's own minifier fails on wasm-bindgen's glue (`Failed to minify JS: RequiredTokenNotFound
// (Identifier) [token=Some(KeywordDefault)]`, it cannot read `export default`) and ships it
// unminified: 2 KB more gzip on the download budget (app/PRODUCT.md §6). terser reads the glue as
// the ES module it is. index.html names the glue with an `integrity` hash (SRI, W3C Subresource
// Integrity): the hash of the old file must be there exactly once, and becomes the new file's.
//
// Then wasm-bindgen's long generated names between each wasm module and its glue (the app's and
// the key-generation worker's) are shortened in both files (app/short-names.mjs), and the wasm's
// integrity hash follows too.
//
//   node app/minify-glue.mjs DIST
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { minify } from 'terser';

import { shortenFiles } from './short-names.mjs';

const dist = process.argv[2];
if (!dist) {
  console.error('usage: node app/minify-glue.mjs DIST');
  process.exit(2);
}
const GLUE = 'ehcert-app.js';
const WASM = 'ehcert-app_bg.wasm';
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

const indexPath = join(dist, 'index.html');
let index = readFileSync(indexPath, 'utf8');

/** The integrity hash `index.html` gives `file`: there exactly once, or nothing is changed. */
function hashOf(file) {
  const hash = sri(readFileSync(join(dist, file)));
  const places = index.split(hash).length - 1;
  if (places !== 1) {
    console.error(`${indexPath} names ${file}'s hash ${places} times, not once: nothing changed`);
    process.exit(1);
  }
  return hash;
}

const gluePath = join(dist, GLUE);
const glueHash = hashOf(GLUE);
const wasmHash = hashOf(WASM);
const glue = readFileSync(gluePath, 'utf8');
const { code } = await minify(glue, { module: true, compress: true, mangle: true });
writeFileSync(gluePath, code);
console.log(`${GLUE}: ${Buffer.byteLength(glue)} → ${Buffer.byteLength(code)} bytes minified`);

for (const [wasm, js] of [[WASM, GLUE], ['keygen_worker_bg.wasm', 'keygen_worker.js']]) {
  const { names, wasmSaved, glueSaved } = shortenFiles(join(dist, wasm), join(dist, js));
  console.log(`${wasm} and ${js}: ${names} names shortened, ${wasmSaved} + ${glueSaved} bytes less`);
}
index = index.replace(glueHash, sri(readFileSync(gluePath))).replace(wasmHash, sri(readFileSync(join(dist, WASM))));
writeFileSync(indexPath, index);
console.log('index.html: integrity updated');
