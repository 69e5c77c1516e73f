// A shared computer as the kiosk set-up of docs/kiosk.md makes it: the kiosk policy installed for
// Chromium (extension/kiosk-policies/install-linux.sh, into /etc/chromium/policies/managed),
// the extension and the kiosk extension in the browser, the app served with `--kiosk`. After a
// person gets a certificate and presses Finish, nothing of them remains in the profile: no site
// storage, no download in the history or on the disk, no form data, and no file of the profile
// holding their national number, name, e-mail address or phone number.
//
// Runs as its own project (`kiosk-policy`), after the others: the policy applies to every
// Chromium on the machine while it is installed, and is removed at the end. Needs root.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium } from '@playwright/test';

import { type AppServer, BIN_DIR, DIST_DIR, EXTENSION_DIR, KIOSK_EXTENSION_DIR, ROOT, expect, startServer, test } from './fixtures';
import { NewCertificateFlow } from './pages/new-certificate';

const INSTALL = path.join(ROOT, 'extension', 'kiosk-policies', 'install-linux.sh');
const PASSWORD = 'Huisarts-2026';
// What upToSigning types (pages/new-certificate.ts).
const EMAIL = 'jan.peeters@example.be';

test.use({ kioskExtension: true });

// The check below reads every file of the profile after the browser has closed. That it can
// find a person's data at all is shown by the control at the end of this file: the same flow on
// a personal computer (no kiosk mark, no policy) leaves the e-mail address in "Web Data"
// (autofill) and the pending request in "Local Storage".

/** Files under `dir` whose bytes contain any of `needles` (as UTF-8 or UTF-16LE). */
async function filesHolding(dir: string, needles: string[]): Promise<string[]> {
  const found: string[] = [];
  const patterns = needles.flatMap((needle) => [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')]);
  async function walk(folder: string) {
    for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(file);
      else if (entry.isFile() && (await stat(file)).size < 64 * 1024 * 1024) {
        const bytes = await readFile(file).catch(() => Buffer.alloc(0));
        if (patterns.some((pattern) => bytes.includes(pattern))) found.push(path.relative(dir, file));
      }
    }
  }
  await walk(dir);
  return found;
}

// The policy is in place before the browser starts, as on a real kiosk (a browser that is
// already running was seen to take from a few seconds to never to notice a new policy file).
// It force-installs the release builds, whose ids the stores give; no store or update server is
// reachable here, so the test names two ids no installed extension has and loads the
// development builds unpacked. (With the development builds' own ids in the force-install list,
// Chromium refuses to load them unpacked: seen.)
const RELEASE_IDS = ['ehcert release extension', 'ehcert release kiosk extension'].map((name) =>
  [...createHash('sha256').update(name).digest('hex').slice(0, 32)].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join(''),
);

test.describe('a kiosk with the policy installed', () => {
  let app: AppServer | undefined;
  let downloads = '';
  test.beforeAll(async ({ certraServer }) => {
    test.skip(process.getuid?.() !== 0, 'installing a managed browser policy needs root');
    app = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
      '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `local=${certraServer.url}`, '--kiosk',
    ]);
    downloads = await mkdtemp(path.join(tmpdir(), 'ehcert-kiosk-downloads-'));
    const installed = spawnSync(INSTALL, [new URL(app.url).origin, ...RELEASE_IDS, 'http://127.0.0.1:9/updates.xml', downloads], { encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
  });
  test.afterAll(async () => {
    spawnSync(INSTALL, ['--remove']);
    if (downloads) await rm(downloads, { recursive: true, force: true });
    app?.process.kill('SIGTERM');
  });

  test('after Finish on a kiosk, nothing of the person remains in the browser profile', async ({ context, page, certra, card, profileDir, extensionId }) => {
    void certra;
    if (!app) throw new Error('no app server');
    const kioskId = readFileSync(path.join(KIOSK_EXTENSION_DIR, 'extension-id.txt'), 'utf8').trim();
    // The browser applied the policy: chrome://policy lists each one, the forced install too.
    // (Names of policies with no value are on the page as well, hidden: only a visible one counts.)
    const policyPage = await context.newPage();
    await policyPage.goto('chrome://policy');
    for (const name of ['ForceEphemeralProfiles', 'PasswordManagerEnabled', 'AutofillAddressEnabled', 'SavingBrowserHistoryDisabled', 'ClearBrowsingDataOnExitList', 'ExtensionInstallForcelist']) {
      await expect(policyPage.getByText(name, { exact: true }).filter({ visible: true }).first()).toBeVisible();
    }
    await expect(policyPage.getByText(RELEASE_IDS[1]).filter({ visible: true }).first()).toBeVisible();
    await policyPage.close();

    // A person gets their certificate: the pending and the final keystore are downloaded.
    const flow = new NewCertificateFlow(page);
    const pending = await flow.upToSigning(app.url, card.holder, PASSWORD);
    const final = page.waitForEvent('download');
    await (await flow.signRequest(context)).enterPin('1234');
    const files = [await pending.path(), await (await final).path()];
    await expect(flow.done()).toContainText('Your eHealth certificate is ready');
    for (const file of files) expect(existsSync(file)).toBe(true);
    await expect(page.locator('#email, #phone')).toHaveCount(0);

    // An "always" the person gave a site to show their identity, kept by the extension where
    // the browser's own clearing does not reach.
    const ehcert = context.serviceWorkers().find((worker) => worker.url().includes(extensionId))!;
    await ehcert.evaluate((origin) => chrome.storage.local.set({ [`identity-consent:${origin}`]: ['a holder'] }), new URL(app.url).origin);

    await page.getByRole('button', { name: 'Finish and wipe' }).click();
    await expect(page.getByRole('heading', { name: 'eHealth certificate', exact: true })).toBeVisible({ timeout: 15_000 });
    // The extension forgot it at the kiosk extension's request.
    expect(await ehcert.evaluate(() => chrome.storage.local.get(null))).toEqual({});

    // Site storage, as the page sees it.
    expect(await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)])).toEqual([]);
    expect(await page.evaluate(async () => (await indexedDB.databases()).length)).toBe(0);
    // The download history and the files, as the browser has them.
    const kiosk = context.serviceWorkers().find((worker) => worker.url().includes(kioskId))!;
    expect(await kiosk.evaluate(() => chrome.downloads.search({}))).toEqual([]);
    for (const file of files) expect(existsSync(file), `${file} is still on the disk`).toBe(false);
    // Nothing in any file of the profile holds the person's data, once the browser has written
    // everything down (closing it flushes its databases; the ephemeral profile may go with it).
    await context.close();
    const needles = ['85073003328', 'Peeters', EMAIL, '470 00 00 00', '470000000'];
    expect(await filesHolding(profileDir, needles)).toEqual([]);
  });
});

// The kiosk extension as an organisation hosts it itself (docs/kiosk.md): packed as a CRX3 signed
// with the organisation's key and listed in Chrome's update manifest (extension/release.mjs,
// extension/crx3.mjs), both served by ehcert-serve (`--extension-updates`), and named with that
// update address in the policy's forced installs. Debian's Chromium fetches the manifest, then
// the CRX, checks its signature and id, and installs it: no unpacked copy, no store. The CRX is
// the development build (it serves http://127.0.0.1, as the test server does) with a key made
// for this run.
test.describe('the kiosk extension from the organisation\'s own update server', () => {
  let app: AppServer | undefined;
  let work = '';
  let kioskId = '';
  test.beforeAll(async ({ certraServer }) => {
    test.skip(process.getuid?.() !== 0, 'installing a managed browser policy needs root');
    work = await mkdtemp(path.join(tmpdir(), 'ehcert-self-hosted-kiosk-'));
    const updates = path.join(work, 'extension-updates');
    await mkdir(updates);
    app = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
      '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `local=${certraServer.url}`, '--kiosk',
      '--extension-updates', updates,
    ]);
    const key = path.join(work, 'kiosk-key.pem');
    const made = spawnSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const base = `${app.url}/extension-updates/`;
    const packed = spawnSync('node', [path.join(EXTENSION_DIR, 'release.mjs'), '--kiosk-only', '--kiosk-key', key, '--kiosk-update-base', base, '--out', updates], { encoding: 'utf8' });
    expect(packed.status, packed.stderr).toBe(0);
    kioskId = /kiosk extension id ([a-p]{32})/.exec(packed.stdout)![1];
    const installed = spawnSync(INSTALL, [new URL(app.url).origin, RELEASE_IDS[0], kioskId, `${base}updates.xml`, path.join(work, 'downloads')], { encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
  });
  test.afterAll(async () => {
    spawnSync(INSTALL, ['--remove']);
    app?.process.kill('SIGTERM');
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('Chromium installs the kiosk CRX from ehcert-serve through the policy, and it wipes at Finish', async ({ profileDir }) => {
    if (!app) throw new Error('no app server');
    // Only the ehcert extension is loaded from a folder; the kiosk extension comes from the
    // update address.
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      // Playwright turns background networking off by default; forced installs need it.
      ignoreDefaultArgs: ['--disable-extensions', '--disable-background-networking'],
      args: ['--no-sandbox', '--disable-component-update', '--disable-sync', '--no-first-run', `--load-extension=${EXTENSION_DIR}`],
    });
    try {
      // Chromium's own record of its extensions: the kiosk extension, downloaded as the policy
      // says (not loaded from a folder, not from a store).
      const internals = await context.newPage();
      await expect
        .poll(
          async () => {
            await internals.goto('chrome://extensions-internals');
            const extensions = JSON.parse(await internals.locator('body').innerText()) as { id: string; location: string }[];
            return extensions.find((extension) => extension.id === kioskId)?.location ?? 'not installed';
          },
          { timeout: 60_000, message: 'the kiosk extension is installed from the update address' },
        )
        .toBe('EXTERNAL_POLICY_DOWNLOAD');
      await internals.close();
      // Its content script runs on the kiosk's page and its worker answers the page's Finish.
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(app.url);
      const answer = await page.evaluate(
        () =>
          new Promise((resolve) => {
            window.addEventListener('message', (event) => {
              const said = event.source === window ? event.data?.['ehcert:kiosk'] : undefined;
              if (said === 'wiped' || said === 'not-wiped') resolve(said);
            });
            window.postMessage({ 'ehcert:kiosk': 'finish' }, window.location.origin);
          }),
      );
      expect(answer).toBe('wiped');
    } finally {
      await context.close();
    }
  });
});

test('control: the same check finds the person\'s data where there is no kiosk set-up', async ({ context, page, certraServer, certra, card, profileDir }) => {
  void certra;
  const app = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `local=${certraServer.url}`,
  ]);
  try {
    const flow = new NewCertificateFlow(page);
    await flow.upToSigning(app.url, card.holder, PASSWORD);
    await context.close();
    const found = await filesHolding(profileDir, ['85073003328', 'Peeters', EMAIL, '470 00 00 00', '470000000']);
    expect(found).toEqual(expect.arrayContaining(['Default/Web Data']));
    expect(found.some((file) => file.startsWith('Default/Local Storage/'))).toBe(true);
  } finally {
    app.process.kill('SIGTERM');
  }
});
