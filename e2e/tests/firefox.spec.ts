// Firefox, proven: Debian's firefox-esr driven over WebDriver BiDi (./bidi.ts; Playwright cannot
// drive it), the extension's Firefox build (extension/build.mjs) installed as a temporary add-on,
// the real card bridge registered for Firefox (`card-bridge install --browser firefox`, in a home
// folder of the test's own) and started by Firefox over native messaging, pcscd with the
// simulated eID. The card check and the new-certificate flow's signature go through the
// extension's PIN window, where the PIN is typed with trusted key events as a person types it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Firefox } from './bidi';
import { BIN_DIR, ROOT, expect, test } from './fixtures';
import { keytool, openssl } from './oracles';
import { ENGLISH } from './pages/words';

const PASSWORD = 'Huisarts-2026';
const ENTER = '\uE007';

/** `body` (statements ending in a `return`) run in the app's page with helpers: elements by
 *  their label or their words, and a way to fill a field as typing does. */
const inPage = (body: string) => `(() => { ${HELPERS} ${body} })()`;
const HELPERS = `
  const byLabel = (text) => {
    const label = [...document.querySelectorAll('label')].find((l) => l.textContent.trim() === text);
    return label && (label.control ?? document.getElementById(label.htmlFor));
  };
  const button = (text) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === text && !b.disabled);
  const fill = (element, value) => {
    element.value = value;
    element.dispatchEvent(new Event('input', { bubbles: true }));
    element.dispatchEvent(new Event('change', { bubbles: true }));
  };
`;

type Session = { firefox: Firefox; page: string; downloads: string; log: string };

const session = test.extend<{ firefox: Session }>({
  firefox: async ({}, use, testInfo) => {
    const work = await mkdtemp(path.join(tmpdir(), 'ehcert-firefox-'));
    const [home, profile, downloads, extension] = ['home', 'profile', 'downloads', 'extension'].map((name) => path.join(work, name));
    for (const dir of [home, profile, downloads]) await mkdir(dir);
    const built = spawnSync(process.execPath, [path.join(ROOT, 'extension', 'build.mjs'), '--browser', 'firefox', '--out', extension], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    const installed = spawnSync(path.join(BIN_DIR, 'card-bridge'), ['install', '--browser', 'firefox'], { env: { ...process.env, HOME: home }, encoding: 'utf8' });
    expect(installed.status, installed.stderr).toBe(0);
    expect(installed.stdout).toContain(path.join(home, '.mozilla', 'native-messaging-hosts'));
    const log = testInfo.outputPath('card-bridge.log');
    const firefox = await Firefox.launch(profile, { ...process.env, HOME: home, CARD_BRIDGE_LOG: log, MOZ_CRASHREPORTER_DISABLE: '1' }, {
      // Downloads go to a folder of the test's own, without asking.
      'browser.download.folderList': 2,
      'browser.download.dir': downloads,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.alwaysOpenPanel': false,
      'intl.accept_languages': 'en',
    });
    try {
      expect(await firefox.installExtension(extension)).toBe('development@ehcert.be');
      const page = (await firefox.contexts())[0].context;
      await use({ firefox, page, downloads, log });
    } finally {
      await firefox.close();
      await rm(work, { recursive: true, force: true });
    }
  },
});

/** Presses the page's button with these words once it is there and enabled (the page enables
 *  some only after the fields before them are right). */
async function press(firefox: Firefox, page: string, words: string) {
  await firefox.waitFor(page, inPage(`return !!button(${JSON.stringify(words)});`), `the button "${words}"`);
  await firefox.evaluate(page, inPage(`button(${JSON.stringify(words)}).click(); return true;`));
}

/** Waits for the extension's PIN window, checks who it names, and types the PIN there. */
async function enterPinInPinWindow(firefox: Firefox, holder: string, pin: string) {
  const window = await firefox.waitForContext(/^moz-extension:\/\/[^/]+\/pin\.html/, 'the PIN window');
  // The details come from the bridge and the browser, not the page; the field is armed (enabled
  // and focused) only once they are shown.
  expect(await firefox.waitFor<string>(window, `document.getElementById('holder')?.textContent || ''`, 'the holder in the PIN window')).toBe(holder);
  await firefox.waitFor(window, `(() => { const f = document.getElementById('pin'); return !!f && !f.disabled && document.activeElement === f; })()`, 'the armed PIN field');
  await firefox.type(window, `${pin}${ENTER}`);
}

session.describe('Firefox (firefox-esr over WebDriver BiDi)', () => {
  session('the card check: the bridge over native messaging reads the card and tests the PIN in the PIN window', async ({ firefox: { firefox, page, log }, localApp, card }) => {
    await firefox.navigate(page, `${localApp.url}/#diagnostics`);
    await press(firefox, page, 'Read my card');
    expect(await firefox.waitFor<string>(page, `document.querySelector('[data-testid="card-holder"]')?.textContent || ''`, 'the card holder')).toBe(card.holder);
    await press(firefox, page, 'Test my PIN');
    await enterPinInPinWindow(firefox, card.holder, '1234');
    expect(await firefox.waitFor<string>(page, `document.querySelector('[data-testid="signature-check"]')?.dataset.state || ''`, 'the PIN test result')).toBe('ok');
    // Firefox started the bridge itself: its log (the browser's environment) has the session.
    const lines = (existsSync(log) ? await readFile(log, 'utf8') : '').split('\n');
    expect(lines.some((line) => line.includes('hello: bridge'))).toBe(true);
  });

  session('a new personal certificate: from the eID to the final keystore, signed in the PIN window', async ({ firefox: { firefox, page, downloads }, localApp, card, certra }) => {
    const words = ENGLISH;
    await firefox.navigate(page, `${localApp.url}/#new`);
    expect(await firefox.waitFor<string>(page, `document.querySelector('[data-testid="holder"]')?.textContent || ''`, 'the holder read from the card')).toBe(card.holder);
    await firefox.evaluate(page, inPage(`
      const environment = byLabel(${JSON.stringify(words.environment)});
      environment.value = [...environment.options].find((o) => o.textContent.trim() === ${JSON.stringify(words.local)}).value;
      environment.dispatchEvent(new Event('change', { bubbles: true }));
      fill(byLabel(${JSON.stringify(words.email)}), 'jan.peeters@example.be');
      fill(byLabel(${JSON.stringify(words.phone)}), '+32 470 00 00 00');
      return true;`));
    await press(firefox, page, words.next);
    await firefox.waitFor(page, inPage(`return !!byLabel(${JSON.stringify(words.accept)});`), 'the contract');
    await firefox.evaluate(page, inPage(`byLabel(${JSON.stringify(words.accept)}).click(); return true;`));
    await press(firefox, page, words.next);
    await firefox.waitFor(page, inPage(`return !!byLabel(${JSON.stringify(words.passwordAgain)});`), 'the password step');
    await firefox.evaluate(page, inPage(`
      fill(byLabel(${JSON.stringify(words.password)}), ${JSON.stringify(PASSWORD)});
      fill(byLabel(${JSON.stringify(words.passwordAgain)}), ${JSON.stringify(PASSWORD)});
      return true;`));
    await press(firefox, page, words.createKey);
    // The pending keystore is downloaded before anything is sent for the key.
    await expect.poll(async () => (await readdir(downloads)).filter((name) => name.endsWith('.acc-p12')), { timeout: 30_000 }).toHaveLength(1);
    const [pending] = await readdir(downloads);
    expect(pending).toMatch(/^SSIN=85073003328 \d{8}-\d{6}\.acc-p12$/);
    expect((await certra.requests()).map((request: any) => request.operation)).toEqual(['GenerateContract']);

    await press(firefox, page, words.sign);
    await enterPinInPinWindow(firefox, card.holder, '1234');
    expect(
      await firefox.waitFor<string>(page, `document.querySelector('[data-testid="done"]')?.textContent || ''`, 'the done page', 60_000),
    ).toContain('Your eHealth certificate is ready');
    expect((await certra.requests()).map((request: any) => request.operation)).toContain('GenerateCertificate');

    // The final keystore, as medical software reads it (the same name: Firefox adds "(1)").
    await expect.poll(async () => (await readdir(downloads)).filter((name) => name !== pending && !name.endsWith('.part')), { timeout: 30_000 }).toHaveLength(1);
    const final = path.join(downloads, (await readdir(downloads)).find((name) => name !== pending)!);
    expect(keytool(final, PASSWORD)).toContain('Your keystore contains 2 entries');
    openssl(final, PASSWORD, '-noout');
  });
});
