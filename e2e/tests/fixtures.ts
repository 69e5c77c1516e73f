// Fixtures shared by every spec.
//
//   appServer (worker)  ─┐
//                        ├─> page
//   context (test) ──────┘     context = Chromium + unpacked extension + native host manifest
//
// `appServer` serves the built app (dist/) with its CSP; it is started once per worker. Each test
// gets a fresh browser profile, so nothing leaks from one test to the next.
import { test as base, expect, type BrowserContext, chromium } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CARD_RUNS, type Words } from './pages/words';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const EXTENSION_DIR = path.join(ROOT, 'extension');
export const KIOSK_EXTENSION_DIR = path.join(ROOT, 'extension', 'kiosk');
export const BIN_DIR = process.env.EHCERT_BIN_DIR ?? path.join(ROOT, 'target', 'debug');
export const DIST_DIR = process.env.EHCERT_DIST ?? path.join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const NGINX = process.env.NGINX ?? '/usr/sbin/nginx';

export type AppServer = { url: string; process: ChildProcess };

/** The simulated eID put in pcscd's virtual reader for a test (eid-sim's flags). */
export type CardOptions = { applet: '1.7' | '1.8'; pin: string; givenNames?: string };

type Options = {
  /** Register the card bridge as native host in the profile (false: "bridge not installed"). */
  bridgeInstalled: boolean;
  /** The card bridge the profile registers: today's, or the previous release's
   *  (`previousRelease`). */
  bridgeProgram: string;
  /** The extension the browser loads unpacked: today's, or the previous release's. */
  extensionDir: string;
  cardOptions: CardOptions;
  /** Load the kiosk extension (extension/kiosk) beside the extension, as a kiosk's policy forces. */
  kioskExtension: boolean;
  /** The browser's UI language: what the extension's windows speak (Chromium on Linux takes it
   *  from `LANGUAGE`, and has it only with Debian's chromium-l10n). */
  browserLanguage: 'nl' | 'fr' | 'de' | 'en';
};

/** What serves `localApp`: ehcert-serve, or nginx with the recipe ehcert-serve exports
 *  (app/serve/nginx/ehcert.conf), as an operator who already runs nginx would. */
type WorkerOptions = { appVia: 'ehcert-serve' | 'nginx' };

/** A simulated eID inserted for one test; removed (the simulator stopped) after it. `insert`
 *  puts the same card back after `remove`. */
export type InsertedCard = { holder: string; remove: () => Promise<void>; insert: () => Promise<void> };

/** The worker's pcscd, and its reader (`plugReaderIn` does nothing when it is in). */
export type PcscDaemon = { unplugReader: () => Promise<void>; plugReaderIn: () => Promise<void> };

/** The versions of the parts a test runs: this page's, and those of the extension and the card
 *  bridge it loads (each read from the part itself). */
export type Versions = { page: string; extension: string; bridge: string };

type TestFixtures = {
  context: BrowserContext;
  versions: Versions;
  extensionId: string;
  card: InsertedCard;
  certra: Certra;
  /** Lines the card bridge wrote to its opt-in log (`CARD_BRIDGE_LOG`) during this test. */
  bridgeLog: () => Promise<string[]>;
  bridgeLogFile: string;
  /** The browser profile's folder (a fresh one per test). */
  profileDir: string;
};
/** The mock eHealth services, reset before each test that uses them. */
export type Certra = {
  url: string;
  /** `GET /admin/state`: every certificate the mock knows, with its ETK. */
  state: () => Promise<any>;
  /** `GET /admin/requests`: every request received, with its outcome. */
  requests: () => Promise<any[]>;
  /** `POST /admin/certificates/{id}/validate`: an operator validates a held request. */
  validate: (publicKeyIdentifier: string) => Promise<void>;
  /** `PUT /admin/knobs`. */
  knobs: (knobs: {
    not_yet_delivered?: number;
    manual_validation?: boolean;
    refuse?: boolean;
    clock_offset_days?: number;
    ec_signature_method?: 'ecdsa-sha256' | 'ecdsa-sha384';
  }) => Promise<void>;
  /** `POST /admin/faults`: the next `times` (1) answers to `operation` fail as `kind` says. */
  fault: (fault: { kind: 'http-500' | 'slow' | 'malformed' | 'drop'; operation: string; times?: number; delay_ms?: number }) => Promise<void>;
};

type WorkerFixtures = {
  appServer: AppServer;
  pcscd: PcscDaemon;
  certraServer: AppServer;
  /** The app served with the mock as its "local" eHealth environment, as in the demo. */
  localApp: AppServer;
};

export const test = base.extend<Options & TestFixtures, WorkerOptions & WorkerFixtures>({
  appVia: ['ehcert-serve', { option: true, scope: 'worker' }],
  bridgeInstalled: [true, { option: true }],
  bridgeProgram: [path.join(BIN_DIR, 'card-bridge'), { option: true }],
  extensionDir: [EXTENSION_DIR, { option: true }],
  kioskExtension: [false, { option: true }],
  browserLanguage: ['en', { option: true }],
  cardOptions: [{ applet: '1.7', pin: '1234' }, { option: true }],

  certraServer: [
    async ({}, use) => {
      const server = await startServer(path.join(BIN_DIR, 'mock-certra'), ['--listen', '127.0.0.1:0']);
      await use(server);
      server.process.kill('SIGTERM');
    },
    { scope: 'worker' },
  ],

  localApp: [
    async ({ certraServer, appVia }, use) => {
      const settings = [
        '--dist', DIST_DIR, '--upstream', `local=${certraServer.url}`,
        // The mock lists requests in progress among the holder's certificates (its default, as
        // the acceptance probe run against it shows), so a lost request is sent again there.
        '--dialect', 'local=ecdsa-sha256,connector,in-progress-listed',
        // One worker runs hundreds of flows a minute from one address, far beyond one person.
        '--rate-per-minute', '100000', '--rate-burst', '10000',
      ];
      const server =
        appVia === 'nginx'
          ? await startNginx(settings)
          : await startServer(path.join(BIN_DIR, 'ehcert-serve'), [...settings, '--listen', '127.0.0.1:0']);
      await use(server);
      server.process.kill('SIGTERM');
    },
    { scope: 'worker' },
  ],

  certra: async ({ certraServer }, use) => {
    const url = certraServer.url;
    const admin = async (method: string, route: string, body?: object) => {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: body ? { 'Content-Type': 'application/json' } : undefined,
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(response.ok, `${method} ${route}: ${response.status}`).toBe(true);
      return response;
    };
    await admin('POST', '/admin/reset');
    await use({
      url,
      state: async () => (await admin('GET', '/admin/state')).json(),
      requests: async () => (await admin('GET', '/admin/requests')).json(),
      validate: async (id) => {
        await admin('POST', `/admin/certificates/${id}/validate`);
      },
      knobs: async (knobs) => {
        const all = { not_yet_delivered: 0, manual_validation: false, refuse: false, clock_offset_days: 0, ...knobs };
        await admin('PUT', '/admin/knobs', all);
      },
      fault: async (fault) => {
        await admin('POST', '/admin/faults', fault);
      },
    });
  },

  // The real pcscd with Debian's vpcd reader, started once per worker by the tests that use a card
  // (card-bridge/CARD.md §6.3). Only one pcscd can run on a host.
  pcscd: [
    async ({}, use) => {
      const socket = '/run/pcscd/pcscd.comm';
      if (existsSync(socket) && (await accepts(socket))) {
        throw new Error(`another pcscd already listens on ${socket}; stop it first (./tasks test does)`);
      }
      // An empty reader configuration: pcscd then runs with no reader at all.
      const noReaders = await mkdtemp(path.join(tmpdir(), 'ehcert-no-readers-'));
      let daemon: ChildProcess;
      const start = async (args: string[]) => {
        daemon = spawn('pcscd', ['--foreground', ...args], { stdio: 'ignore' });
        await expect.poll(() => accepts(socket), { timeout: 10_000, message: 'pcscd accepts clients' }).toBe(true);
      };
      const stop = async () => {
        if (daemon.exitCode !== null || daemon.signalCode !== null) return;
        const exited = new Promise((resolve) => daemon.once('exit', resolve));
        daemon.kill('SIGTERM');
        await exited;
      };
      let plugged = true;
      await start([]);
      await use({
        // vpcd's virtual reader exists as long as pcscd runs (its driver never reports it gone), so
        // pulling it out is pcscd started again without it: what programs see once a USB reader
        // is unplugged, no reader in the list.
        unplugReader: async () => {
          await stop();
          plugged = false;
          await start(['--config', noReaders]);
        },
        plugReaderIn: async () => {
          if (plugged) return;
          await stop();
          plugged = true;
          await start([]);
        },
      });
      await stop();
      await rm(noReaders, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],

  card: async ({ pcscd, cardOptions }, use) => {
    // A test that failed with the reader unplugged leaves it so: each card goes in a reader.
    await pcscd.plugReaderIn();
    let simulator: ChildProcess;
    const insert = async () => {
      const names = cardOptions.givenNames === undefined ? [] : ['--given-names', cardOptions.givenNames];
      simulator = spawn(path.join(BIN_DIR, 'eid-sim'), ['--applet', cardOptions.applet, '--pin', cardOptions.pin, ...names], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      simulator.stdout!.on('data', (chunk) => (output += chunk));
      simulator.stderr!.on('data', (chunk) => (output += chunk));
      await expect.poll(() => output, { timeout: 30_000, message: 'eid-sim inserts its card' }).toContain('card inserted');
      // pcscd powers the card up on its own schedule: wait until the bridge sees it.
      await expect
        .poll(async () => (await askBridge({ id: 1, command: { type: 'list-readers' } }))?.args?.[0]?.card_present, {
          timeout: 10_000,
          message: 'the card bridge sees the card in the virtual reader',
        })
        .toBe(true);
    };
    const remove = async () => {
      // Gone already (a test pulled the card out, or pcscd stopped): exitCode or signalCode is set.
      if (simulator.exitCode !== null || simulator.signalCode !== null) return;
      const exited = new Promise((resolve) => simulator.once('exit', resolve));
      simulator.kill('SIGTERM');
      await exited;
    };
    await insert();
    await use({ holder: `${cardOptions.givenNames ?? 'Jan Pieter'} Peeters`, remove, insert });
    await remove();
  },

  bridgeLogFile: async ({}, use, testInfo) => {
    await use(testInfo.outputPath('card-bridge.log'));
  },

  bridgeLog: async ({ bridgeLogFile }, use) => {
    await use(async () =>
      existsSync(bridgeLogFile) ? (await readFile(bridgeLogFile, 'utf8')).split('\n').filter(Boolean) : [],
    );
  },

  appServer: [
    async ({}, use) => {
      const server = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
        '--dist',
        DIST_DIR,
        '--listen',
        '127.0.0.1:0',
      ]);
      await use(server);
      server.process.kill('SIGTERM');
    },
    { scope: 'worker' },
  ],

  profileDir: async ({}, use) => {
    await use(await mkdtemp(path.join(tmpdir(), 'ehcert-profile-')));
  },

  versions: async ({ bridgeProgram, extensionDir }, use) => {
    const cargo = await readFile(path.join(ROOT, 'Cargo.toml'), 'utf8');
    const bridge = spawnSync(bridgeProgram, ['--version'], { encoding: 'utf8' }).stdout.trim();
    await use({
      page: /\[workspace\.package\][^[]*?version = "([^"]+)"/.exec(cargo)![1],
      extension: JSON.parse(await readFile(path.join(extensionDir, 'manifest.json'), 'utf8')).version,
      bridge: /^card-bridge (\S+)$/.exec(bridge)![1],
    });
  },

  context: async ({ bridgeInstalled, bridgeProgram, bridgeLogFile, browserLanguage, extensionDir, kioskExtension, profileDir: profile }, use, testInfo) => {
    for (const part of [bridgeProgram, extensionDir]) {
      if (!existsSync(part)) throw new Error(`no ${part}: ./tasks e2e builds the previous release's parts (CHANGELOG.md)`);
    }
    const extensions = kioskExtension ? `${extensionDir},${KIOSK_EXTENSION_DIR}` : extensionDir;
    if (bridgeInstalled) await installNativeHost(profile, bridgeProgram);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      // The browser passes its environment to the native host: the bridge's opt-in log shows
      // which commands reached it (never a PIN or a digest).
      env: { ...process.env, CARD_BRIDGE_LOG: bridgeLogFile, LANGUAGE: browserLanguage },
      headless: true,
      acceptDownloads: true,
      ignoreDefaultArgs: ['--disable-extensions'],
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--disable-extensions-except=${extensions}`,
        `--load-extension=${extensions}`,
      ],
    });
    await use(context);
    await context.close();
    if (testInfo.status === testInfo.expectedStatus) await rm(profile, { recursive: true, force: true });
  },

  extensionId: async ({ context }, use) => {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    await use(new URL(worker.url()).host);
  },

  page: async ({ context }, use) => {
    const page = context.pages()[0] ?? (await context.newPage());
    await use(page);
  },
});

export { expect };

/** Declares the tests `body` declares once per card run (pages/words.ts `CARD_RUNS`): each run in
 *  its own block, "applet 1.7, English" and "applet 1.8, Français", with that card inserted and
 *  the browser in that language. */
export function forEachCardRun(body: (words: Words) => void) {
  for (const { applet, words } of CARD_RUNS) {
    test.describe(`applet ${applet}, ${words.language}`, () => {
      // A person whose page speaks a language reads it in the browser too.
      test.use({ cardOptions: { applet, pin: '1234' }, browserLanguage: words.code });
      body(words);
    });
  }
}

/** Registers the card bridge (`bridgeProgram`, today's by default) for this browser profile with
 *  its own installer (`<profile>/NativeMessagingHosts/`, extension/NATIVE-MESSAGING.md §4). */
export async function installNativeHost(profile: string, bridgeProgram = path.join(BIN_DIR, 'card-bridge')) {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(bridgeProgram, ['install', '--browser', 'chromium', '--user-data-dir', profile]);
    let text = '';
    child.stdout!.on('data', (chunk) => (text += chunk));
    child.stderr!.on('data', (chunk) => (text += chunk));
    child.once('error', reject);
    // 'close', not 'exit': 'exit' may come before the output is read (it did in CI, with an
    // empty text), 'close' only once the process's output streams have ended.
    child.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`card-bridge install: ${text}`))));
  });
  expect(output).toContain('chromium: registered');
}

/** Starts a server binary and waits for its `listening on URL` line. */
export function startServer(binary: string, args: string[]): Promise<AppServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${binary} exited with ${code}: ${stderr}`)));
    // Drained to the end (the server writes an access-log line per request), read only up to
    // its first line.
    let stdout = '';
    let listening = false;
    child.stdout!.on('data', (chunk) => {
      if (listening) return;
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) {
        listening = true;
        resolve({ url: match[1], process: child });
      }
    });
  });
}

/** nginx serving the recipe `ehcert-serve --export-nginx` writes for these settings, on a free
 *  loopback port, with the top-level blocks of app/serve/nginx/ehcert.conf (without its TLS:
 *  a load balancer's job here). */
export async function startNginx(settings: string[]): Promise<AppServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ehcert-nginx-'));
  const out = path.join(dir, 'out');
  const exported = spawnSync(path.join(BIN_DIR, 'ehcert-serve'), [...settings, '--export-nginx', out], { encoding: 'utf8' });
  if (exported.status !== 0) throw new Error(`ehcert-serve --export-nginx: ${exported.stderr}`);
  // nginx's workers run as an unprivileged user when started as root.
  await chmod(dir, 0o755);
  spawnSync('chmod', ['-R', 'a+rX', dir]);
  await mkdir(path.join(dir, 'tmp'), { mode: 0o777 });
  await chmod(path.join(dir, 'tmp'), 0o777);
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `    ${kind}_temp_path ${path.join(dir, 'tmp', kind)};`)
    .join('\n');
  await writeFile(
    path.join(dir, 'nginx.conf'),
    `load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;
worker_processes 1;
error_log stderr warn;
pid ${path.join(dir, 'nginx.pid')};
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
${temp}
    include ${path.join(out, 'ehcert-http.conf')};
    server {
        listen 127.0.0.1:${port};
        access_log ${path.join(dir, 'access.log')} ehcert_json;
        include ${path.join(out, 'ehcert-server.conf')};
    }
}
`,
  );
  const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  child.once('exit', () => void rm(dir, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${port}`;
  await expect
    .poll(async () => (await fetch(`${url}/healthz`).catch(() => null))?.status, { timeout: 10_000, message: `nginx starts: ${stderr}` })
    .toBe(200);
  return { url, process: child };
}

/** A loopback port nothing listens on (nginx cannot be asked for port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether a Unix socket accepts a connection. */
function accepts(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const client = connect(socket);
    client.once('connect', () => {
      client.destroy();
      resolve(true);
    });
    client.once('error', () => resolve(false));
  });
}

/** Sends one request to a fresh card-bridge process, as the browser would, and returns the
 *  outcome of its reply (null when it gave none). */
export function askBridge(request: object): Promise<{ type: string; args: any } | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(BIN_DIR, 'card-bridge'), ['chrome-extension://test/'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (chunk) => chunks.push(chunk));
    child.once('error', reject);
    child.once('exit', () => {
      let rest = Buffer.concat(chunks);
      let outcome = null;
      while (rest.length >= 4) {
        const length = rest.readUInt32LE(0);
        const frame = JSON.parse(rest.subarray(4, 4 + length).toString('utf8'));
        if (frame.type === 'reply') outcome = frame.args.outcome;
        rest = rest.subarray(4 + length);
      }
      resolve(outcome);
    });
    const body = Buffer.from(JSON.stringify(request));
    const header = Buffer.alloc(4);
    header.writeUInt32LE(body.length);
    child.stdin!.end(Buffer.concat([header, body]));
  });
}
