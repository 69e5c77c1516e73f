// Browser half of `./tasks bench`: serves the built app, opens its #bench screen in headless
// Debian Chromium and prints the PKI core's timings measured inside the page, plus the page's own
// load timings, the app's download size, and (given the native benchmark's JSON) one table of
// every measurement against the budgets of app/PRODUCT.md §6, as markdown and JSON.
// Usage (`./tasks bench` runs it): node bench.mjs --serve <ehcert-serve binary>
//   --dist <production dist dir> --bench-dist <dist dir with #bench> --native <native JSON>
//   --bridge <bridge JSON> --flow <flow JSON> [--load <ehcert-serve load bench's printed text>]
//   --out <output dir> [--benchmarks-md <docs/BENCHMARKS.md to write>]
// (the download size is the production bundle's; the #bench screen is built only into the second)
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { appDownload } from '../.ci/app-size.mjs';

const { values: flags } = parseArgs({
  options: Object.fromEntries(
    ['serve', 'dist', 'bench-dist', 'native', 'bridge', 'flow', 'load', 'out', 'benchmarks-md'].map((name) => [name, { type: 'string' }]),
  ),
});
for (const name of ['serve', 'dist', 'bench-dist', 'native', 'bridge', 'flow', 'out']) {
  if (!flags[name]) throw new Error(`bench.mjs: --${name} is needed (see the usage at the top)`);
}
const { serve: serveBinary, dist, 'bench-dist': benchDist, native: nativeFile, out: outDir, bridge: bridgeFile, flow: flowFile } = flags;
const server = spawn(serveBinary, ['--dist', benchDist, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (\S+)/.exec(out);
    if (match) resolve(match[1]);
  });
  server.once('exit', (code) => reject(new Error(`ehcert-serve exited with ${code}`)));
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage();
  const load = [];
  for (let run = 0; run < 7; run++) {
    await page.goto(`${url}/?run=${run}`);
    await page.locator('main h1').waitFor();
    // The app has mounted and renders: from the start of navigation, an upper bound of
    // "first paint to interactive".
    load.push(await page.evaluate(() => performance.now()));
  }
  const sorted = [...load].sort((a, b) => a - b);

  await page.goto(`${url}/#bench`);
  const result = page.getByTestId('bench-result').or(page.getByTestId('bench-error'));
  await result.waitFor({ timeout: 180_000 });
  if (await page.getByTestId('bench-error').count()) throw new Error(await page.getByTestId('bench-error').innerText());
  const measurements = JSON.parse(await result.innerText());
  measurements.push({
    name: 'app_interactive_after_navigation',
    runs: load.length,
    median_ms: sorted[Math.floor(sorted.length / 2)],
    p90_ms: sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * 9) / 10))],
  });
  report(browser.version(), measurements);
} finally {
  await browser.close();
  server.kill('SIGTERM');
}

function report(browserVersion, browserMeasurements) {
  const native = JSON.parse(readFileSync(nativeFile, 'utf8'));
  const bridge = JSON.parse(readFileSync(bridgeFile, 'utf8'));
  const flow = JSON.parse(readFileSync(flowFile, 'utf8'));
  // The largest of the per-language downloads (.ci/app-size.mjs: wasm + js + css + a catalogue).
  const download = appDownload(dist).languages;
  const gzipBytes = Math.max(...download.map(({ bytes }) => bytes));
  // What a browser that accepts Brotli fetches (the build's .br copies, app/precompress.mjs).
  const brotliBytes = Math.max(...download.map(({ brotli }) => brotli));
  const find = (list, name) => list.find((entry) => entry.name === name);
  const actions = find(flow, 'new_certificate_flow_user_actions');
  // Budgets that are ratios to a peer measured in the same run (app/PRODUCT.md §6): on a shared
  // machine a figure compares only with another of its own run.
  const ratios = [
    ['Both key pairs at once ÷ one WebCrypto key pair alone (they run in parallel)', find(browserMeasurements, 'webcrypto_both_key_pairs'), find(browserMeasurements, 'webcrypto_one_key_pair'), 1.2],
    ['Java-profile keystore written and re-read, wasm ÷ native', find(browserMeasurements, 'keystore_java_write_read'), find(native, 'keystore_java_write_read'), 1.5],
  ];
  const ratioLines = [
    `| Budget as a ratio | Median | Its peer's median | Ratio | Budget | Within |`,
    `|---|---|---|---|---|---|`,
    ...ratios.map(([label, m, peer, limit]) => {
      const ratio = m.median_ms / peer.median_ms;
      return `| ${label} | ${m.median_ms.toFixed(1)} ms | ${peer.median_ms.toFixed(1)} ms | ${ratio.toFixed(2)} | ≤ ${limit} | ${ratio <= limit ? 'yes' : '**no**'} |`;
    }),
  ];
  const rows = [
    ['One key pair generated in the browser (WebCrypto)', find(browserMeasurements, 'webcrypto_one_key_pair'), 'the ratio above', null],
    ['Both key pairs generated in the browser, at once as the flow makes them (WebCrypto)', find(browserMeasurements, 'webcrypto_both_key_pairs'), 'the ratio above', null],
    ['One key pair with the `rsa` crate in the worker (fallback)', find(browserMeasurements, 'rsa_crate_keygen_2048_worker'), 'fallback only', null],
    ['Java-profile keystore written and re-read (wasm)', find(browserMeasurements, 'keystore_java_write_read'), 'the ratio above', null],
    ['Modern-profile keystore written and re-read (wasm)', find(browserMeasurements, 'keystore_modern_write_read'), '—', null],
    ['CSR built and signed (wasm)', find(browserMeasurements, 'csr_build_and_sign'), '—', null],
    ['ETK challenge answered (wasm)', find(browserMeasurements, 'etk_challenge_answer'), '—', null],
    ['App interactive after navigation (localhost)', find(browserMeasurements, 'app_interactive_after_navigation'), '≤ 1 s', 1000],
    ['RSA-2048 key pair, native', find(native, 'rsa_keygen_2048_native'), '—', null],
    ['Java-profile keystore written and re-read, native', find(native, 'keystore_java_write_read'), '—', null],
    ['Card-bridge overhead per card-check signature (over the same APDUs sent raw through pcscd)', find(bridge, 'bridge_overhead_sign_card_check'), '≤ 5 ms median', 5],
    ['Card-bridge overhead per GenerateCertificate signature, its checks included', find(bridge, 'bridge_overhead_sign_certificate_request'), '≤ 5 ms median', 5],
    ['Card-bridge checks of a GenerateCertificate alone (strict read, SignedInfo), in process', find(bridge, 'checks_certificate_request_in_process'), '—', null],
    ['Card-bridge overhead per reader listing', find(bridge, 'bridge_overhead_list_readers'), '≤ 5 ms median', 5],
    ['Signature with the simulated eID through the bridge (whole command, GenerateCertificate)', find(bridge, 'bridge_sign_certificate_request'), '—', null],
    ['New certificate flow, opening to final keystore (mock CertRA issuing at once, simulated card)', find(flow, 'new_certificate_flow_wall'), '≤ 10 s', 10_000],
    ['The wait after "Create my key", the password step open as long as typing the password twice takes (the request file written included)', find(flow, 'new_certificate_create_key_wait'), '≤ 50 ms median', 50],
  ];
  const lines = [
    `| What | Median | p90 | Runs | Budget | Within |`,
    `|---|---|---|---|---|---|`,
    ...rows.map(([label, m, budget, limit]) =>
      `| ${label} | ${m.median_ms.toFixed(1)} ms | ${m.p90_ms?.toFixed(1) ?? '—'} ms | ${m.runs} | ${budget} | ${limit === null ? '—' : m.median_ms <= limit ? 'yes' : '**no**'} |`),
    `| App download (wasm + js + css + one language), gzip | ${(gzipBytes / 1024).toFixed(0)} KB | | | ≤ 450 KB | ${gzipBytes <= 450 * 1024 ? 'yes' : '**no**'} |`,
    `| App download (wasm + js + css + one language), Brotli | ${(brotliBytes / 1024).toFixed(0)} KB | | | — | — |`,
    `| New certificate flow, user actions: choices (clicks, selections, the PIN's Sign) | ${actions.choices} | | ${actions.runs} | ≤ 8 | ${actions.choices <= 8 ? 'yes' : '**no**'} |`,
    `| New certificate flow, fields typed (e-mail, phone, password twice, PIN) | ${actions.fields} | | ${actions.runs} | — | — |`,
    `| New certificate flow, PIN entries (the Java tool asks twice) | ${actions.pin_entries} | | ${actions.runs} | 1 | ${actions.pin_entries <= 1 ? 'yes' : '**no**'} |`,
  ];
  const table = [...ratioLines, '', ...proxyLines(), '', ...lines].join('\n');
  mkdirSync(outDir, { recursive: true });
  if (flags['benchmarks-md']) writeBenchmarks(flags['benchmarks-md'], browserVersion, table);
  writeFileSync(path.join(outDir, 'report.md'), `Chromium ${browserVersion}, ${new Date().toISOString()}\n\n${table}\n`);
  const ratioFigures = ratios.map(([label, m, peer, limit]) => ({ what: label, median_ms: m.median_ms, peer_median_ms: peer.median_ms, ratio: m.median_ms / peer.median_ms, budget: limit }));
  writeFileSync(path.join(outDir, 'report.json'), JSON.stringify({ browser: browserVersion, ratios: ratioFigures, gzip_bytes: gzipBytes, brotli_bytes: brotliBytes, browser_measurements: browserMeasurements, native_measurements: native, bridge_measurements: bridge, flow_measurements: flow }, null, 2));
  console.log(`Chromium ${browserVersion}\n\n${table}\n\n(written to ${outDir}/report.md and report.json)`);
}

/** The proxy beside nginx, from the load bench's JSON (app/serve/benches/load.rs): its added
 *  latency and its throughput as ratios to those of nginx running the recipe ehcert-serve exports
 *  (like for like: the same checks, limits and headers), with nginx's bare proxy_pass beside. */
function proxyLines() {
  const file = flags.load?.replace(/\.txt$/, '.json');
  if (!file || !existsSync(file)) return [];
  const { latency } = JSON.parse(readFileSync(file, 'utf8'));
  // Without nginx on the machine the load bench measured ehcert-serve alone.
  if (!latency?.length || !('nginx_recipe_added_p50_ms' in latency[0])) return [];
  const ratio = (a, b) => (b > 0 ? a / b : Infinity);
  const shown = (r) => (Number.isFinite(r) ? r.toFixed(2) : '∞ (nginx added nothing measurable)');
  const lines = [
    '| The proxy beside nginx | Callers | ehcert-serve | nginx, the recipe | nginx, bare proxy_pass | ÷ the recipe | ÷ proxy_pass | Budget | Within |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of latency) {
    for (const [what, key, unit, budget, within] of [
      ['added latency, p50', 'added_p50_ms', 'ms', '≤ 1.0', (r) => r <= 1],
      ['added latency, p99', 'added_p99_ms', 'ms', '≤ 1.0', (r) => r <= 1],
      ['calls per second', 'calls_per_second', '', '≥ 1.0', (r) => r >= 1],
    ]) {
      const [serve, recipe, bare] = ['ehcert-serve', 'nginx_recipe', 'nginx_proxy_pass'].map((route) => row[`${route}_${key}`]);
      const [toRecipe, toBare] = [ratio(serve, recipe), ratio(serve, bare)];
      lines.push(`| ${what} | ${row.callers} | ${serve} ${unit} | ${recipe} ${unit} | ${bare} ${unit} | ${shown(toRecipe)} | ${shown(toBare)} | ${budget} | ${within(toRecipe) ? 'yes' : '**no**'} |`);
    }
  }
  return lines;
}

/** docs/BENCHMARKS.md, written from this run only: nothing in it is copied by hand. */
function writeBenchmarks(file, browserVersion, table) {
  const load = flags.load && existsSync(flags.load) ? readFileSync(flags.load, 'utf8').trim() : null;
  const text = [
    '# Benchmarks',
    '',
    `Written by \`./tasks bench\` on ${new Date().toISOString().slice(0, 10)}, from one run on a machine with ` +
      `${availableParallelism()} cores, headless Chromium ${browserVersion}. Do not edit: run \`./tasks bench\` again. ` +
      'The budgets are those of app/PRODUCT.md §6; medians over the runs shown. Times depend on the machine: ' +
      'compare figures of one run with each other (a wasm figure with its native twin), not with another day\'s.',
    '',
    '"User actions" counts what a person does from opening the flow to the final keystore: choices (a click, a ' +
      "selection, the contract's checkbox, Sign in the PIN window), with the fields typed listed apart.",
    '',
    table,
    '',
    ...(load
      ? ['## ehcert-serve under load', '', 'As `cargo bench -p ehcert-serve --bench load` printed it in the same run:', '', '```', load, '```', '']
      : []),
  ].join('\n');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
