#!/usr/bin/env node
// Minifies the app's JS glue after `trunk build --release`, and keeps its subresource integrity.
//
// Trunk's own minifier fails on wasm-bindgen's glue (`Failed to minify JS: RequiredTokenNotFound
// (Identifier) [token=Some(KeywordDefault)]`, it cannot read `export default`) and ships it
// unminified: 2 KB more gzip on the download budget (app/PRODUCT.md §6). terser reads the glue as
// the ES module it is. index.html names the glue with an `integrity` hash (SRI, W3C Subresource
// Integrity): the hash of the old file must be there exactly once, and becomes the new file's.
//
//   node app/minify-glue.mjs DIST
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { minify } from 'terser';

const dist = process.argv[2];
if (!dist) {
  console.error('usage: node app/minify-glue.mjs DIST');
  process.exit(2);
}
const GLUE = 'ehcert-app.js';
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

const gluePath = join(dist, GLUE);
const indexPath = join(dist, 'index.html');
const glue = readFileSync(gluePath);
const index = readFileSync(indexPath, 'utf8');
const old = sri(glue);
const places = index.split(old).length - 1;
if (places !== 1) {
  console.error(`${indexPath} names ${GLUE}'s hash ${places} times, not once: nothing changed`);
  process.exit(1);
}
const { code } = await minify(glue.toString('utf8'), { module: true, compress: true, mangle: true });
writeFileSync(gluePath, code);
writeFileSync(indexPath, index.replace(old, sri(Buffer.from(code))));
console.log(`${GLUE}: ${glue.length} → ${Buffer.byteLength(code)} bytes, integrity updated`);
