#!/usr/bin/env node
// The app's download, gzip -9, against its budget (450 KB, app/PRODUCT.md §6): what a person's
// browser fetches to show the first screen — the wasm, its JS glue, the CSS — plus the one
// language catalogue it opens in (lang/<code>.json), for each language. The key-generation
// worker is left out: it is fetched only where WebCrypto cannot make keys. Prints one line per
// language and exits 1 when one is over.
//
//   node .ci/app-size.mjs [dist]
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 450 * 1024;

const gzipped = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
// What servers send a browser that takes Brotli: the build's `.br` copy (app/precompress.mjs),
// or the file itself where the build wrote none because it would not be smaller.
const brotlied = (file) => statSync(existsSync(`${file}.br`) ? `${file}.br` : file).size;

/** The download of `dist` per language, gzip (the budget's measure) and Brotli:
 *  `{ base, brotliBase, languages: [{ code, bytes, brotli }] }`. */
export function appDownload(dist) {
  const files = readdirSync(dist)
    .filter((file) => /\.(wasm|js|css)$/.test(file) && !file.startsWith('keygen_worker'))
    .map((file) => join(dist, file));
  const base = files.reduce((sum, file) => sum + gzipped(file), 0);
  const brotliBase = files.reduce((sum, file) => sum + brotlied(file), 0);
  const languages = readdirSync(join(dist, 'lang'))
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({
      code: file.replace(/\.json$/, ''),
      bytes: base + gzipped(join(dist, 'lang', file)),
      brotli: brotliBase + brotlied(join(dist, 'lang', file)),
    }));
  if (languages.length === 0) throw new Error(`${dist}/lang has no catalogue: build the app first`);
  return { base, brotliBase, languages };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2] ?? 'dist';
  const { base, brotliBase, languages } = appDownload(dist);
  console.log(
    `app download, gzip -9 (budget ${BUDGET_BYTES} bytes): wasm + js + css ${base} bytes (Brotli ${brotliBase})`,
  );
  let over = false;
  for (const { code, bytes, brotli } of languages) {
    const fits = bytes <= BUDGET_BYTES;
    over ||= !fits;
    console.log(
      `  ${code}: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KB) ${fits ? 'within' : 'OVER'} the budget; Brotli ${brotli} bytes`,
    );
  }
  process.exit(over ? 1 : 0);
}
