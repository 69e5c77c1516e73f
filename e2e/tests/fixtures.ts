// Fixtures shared by every spec.
//
//   appServer (worker)  ─┐
//                        ├─> page
//   context (test) ──────┘     context = Chromium + unpacked extension + native host manifest
//
// `appServer` serves the built app (dist/) with its CSP; it is started once per worker. Each test
// gets a fresh browser profile, so nothing leaks from one test to the next.
import { test as base, expect, type BrowserContext, chromium } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const EXTENSION_DIR = path.join(ROOT, 'extension');
export const BIN_DIR = process.env.EHCERT_BIN_DIR ?? path.join(ROOT, 'target', 'debug');
export const DIST_DIR = process.env.EHCERT_DIST ?? path.join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export type AppServer = { url: string; process: ChildProcess };

type Options = {
  /** Register the card bridge as native host in the profile (false: "bridge not installed"). */
  bridgeInstalled: boolean;
};

type TestFixtures = { context: BrowserContext; extensionId: string };
type WorkerFixtures = { appServer: AppServer };

export const test = base.extend<Options & TestFixtures, WorkerFixtures>({
  bridgeInstalled: [true, { option: true }],

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

  context: async ({ bridgeInstalled }, use, testInfo) => {
    const profile = await mkdtemp(path.join(tmpdir(), 'ehcert-profile-'));
    if (bridgeInstalled) await installNativeHost(profile);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      ignoreDefaultArgs: ['--disable-extensions'],
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--disable-extensions-except=${EXTENSION_DIR}`,
        `--load-extension=${EXTENSION_DIR}`,
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

/** Registers the card bridge for this browser profile with the bridge's own installer
 *  (`<profile>/NativeMessagingHosts/`, spec/browser-bridge.md §4). */
async function installNativeHost(profile: string) {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(path.join(BIN_DIR, 'card-bridge'), ['install', '--browser', 'chromium', '--user-data-dir', profile]);
    let text = '';
    child.stdout!.on('data', (chunk) => (text += chunk));
    child.stderr!.on('data', (chunk) => (text += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`card-bridge install: ${text}`))));
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
    let stdout = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve({ url: match[1], process: child });
    });
  });
}
