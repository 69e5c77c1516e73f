// Firefox as a person uses it, for the specs that run there (firefox.spec.ts,
// installed-bridge.spec.ts): firefox-esr driven over WebDriver BiDi (../bidi.ts; Playwright cannot
// drive it), the extension's Firefox build (extension/build.mjs) installed as a temporary add-on,
// the card bridge found the way Firefox finds it, and the new-certificate flow through the
// extension's PIN window, where the PIN is typed with trusted key events as a person types it.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Firefox } from '../bidi';
import { BIN_DIR, ROOT, expect, test } from '../fixtures';
import { keytool, openssl } from '../oracles';
import { ENGLISH } from './words';

export const PASSWORD = 'Huisarts-2026';
export const ENTER = '\uE007';

/** `body` (statements ending in a `return`) run in the app's page with helpers: elements by
 *  their label or their words, and a way to fill a field as typing does. */
export const inPage = (body: string) => `(() => { ${HELPERS} ${body} })()`;
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

export type Session = { firefox: Firefox; page: string; downloads: string; log: string };

/** Where Firefox finds the card bridge: registered for the test's own home folder with the build
 *  tree's bridge (`card-bridge install --browser firefox`), or only where a package put it
 *  system-wide (/usr/lib/mozilla/native-messaging-hosts). */
export type FirefoxBridge = 'user' | 'system';

export const firefoxTest = test.extend<{ firefoxBridge: FirefoxBridge; firefox: Session }>({
  firefoxBridge: ['user', { option: true }],
  firefox: async ({ firefoxBridge }, use, testInfo) => {
    const work = await mkdtemp(path.join(tmpdir(), 'ehcert-firefox-'));
    const [home, profile, downloads, extension] = ['home', 'profile', 'downloads', 'extension'].map((name) => path.join(work, name));
    for (const dir of [home, profile, downloads]) await mkdir(dir);
    const built = spawnSync(process.execPath, [path.join(ROOT, 'extension', 'build.mjs'), '--browser', 'firefox', '--out', extension], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    if (firefoxBridge === 'user') {
      const installed = spawnSync(path.join(BIN_DIR, 'card-bridge'), ['install', '--browser', 'firefox'], { env: { ...process.env, HOME: home }, encoding: 'utf8' });
      expect(installed.status, installed.stderr).toBe(0);
      expect(installed.stdout).toContain(path.join(home, '.mozilla', 'native-messaging-hosts'));
    }
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
export async function press(firefox: Firefox, page: string, words: string) {
  await firefox.waitFor(page, inPage(`return !!button(${JSON.stringify(words)});`), `the button "${words}"`);
  await firefox.evaluate(page, inPage(`button(${JSON.stringify(words)}).click(); return true;`));
}

/** Waits for the extension's PIN window, checks who it names, and types the PIN there. */
export async function enterPinInPinWindow(firefox: Firefox, holder: string, pin: string) {
  const window = await firefox.waitForContext(/^moz-extension:\/\/[^/]+\/pin\.html/, 'the PIN window');
  // The details come from the bridge and the browser, not the page; the field is armed (enabled
  // and focused) only once they are shown.
  expect(await firefox.waitFor<string>(window, `document.getElementById('holder')?.textContent || ''`, 'the holder in the PIN window')).toBe(holder);
  await firefox.waitFor(window, `(() => { const f = document.getElementById('pin'); return !!f && !f.disabled && document.activeElement === f; })()`, 'the armed PIN field');
  await firefox.type(window, `${pin}${ENTER}`);
}

/** The names in the download folder once there are `count` of them and Firefox has finished them
 *  all: while it writes, Firefox keeps the data in `NAME.part` beside an empty `NAME`, so neither
 *  the name alone nor the absence of one `.part` says a file is complete. */
async function finishedDownloads(downloads: string, count: number): Promise<string[]> {
  let names: string[] = [];
  await expect
    .poll(
      async () => {
        const all = await readdir(downloads);
        names = all.filter((name) => !name.endsWith('.part'));
        const writing = all.length !== names.length;
        const empty = await Promise.all(names.map(async (name) => (await stat(path.join(downloads, name))).size === 0));
        return writing || empty.some(Boolean) ? -1 : names.length;
      },
      { timeout: 30_000, message: `${count} finished downloads` },
    )
    .toBe(count);
  return names;
}

/** The new personal certificate in Firefox, from the eID to the final keystore (returned, read by
 *  keytool and OpenSSL), signed in the PIN window; `certra` checks nothing is sent for the key
 *  before the pending keystore is on the disk. */
export async function newCertificateInFirefox(
  { firefox, page, downloads }: Session,
  appUrl: string,
  holder: string,
  certra: { requests: () => Promise<any[]> },
): Promise<string> {
  const words = ENGLISH;
  await firefox.navigate(page, `${appUrl}/#new`);
  expect(await firefox.waitFor<string>(page, `document.querySelector('[data-testid="holder"]')?.textContent || ''`, 'the holder read from the card')).toBe(holder);
  await firefox.evaluate(page, inPage(`
    // The server offers its local test service alone: no environment to choose.
    if (document.getElementById('environment')) throw new Error('a provider is asked to choose an environment');
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
  // The pending keystore is downloaded before anything is sent for the key, as the request file
  // (Firefox has no save picker): a name of its own, so the final keystore keeps eHealth's.
  const [pending] = await finishedDownloads(downloads, 1);
  expect(pending).toMatch(/^SSIN=85073003328 \d{8}-\d{6} request\.acc-p12$/);
  expect((await certra.requests()).map((request: any) => request.operation)).toEqual(['GenerateContract']);

  await press(firefox, page, words.sign);
  await enterPinInPinWindow(firefox, holder, '1234');
  expect(
    await firefox.waitFor<string>(page, `document.querySelector('[data-testid="done"]')?.textContent || ''`, 'the done page', 60_000),
  ).toContain('Your eHealth certificate is ready');
  expect((await certra.requests()).map((request: any) => request.operation)).toContain('GenerateCertificate');

  // The final keystore, as medical software reads it, under eHealth's name (not "… (1)").
  const finalName = (await finishedDownloads(downloads, 2)).find((name) => name !== pending)!;
  expect(finalName).toBe(pending.replace(' request.acc-p12', '.acc-p12'));
  const final = path.join(downloads, finalName);
  expect(keytool(final, PASSWORD)).toContain('Your keystore contains 2 entries');
  openssl(final, PASSWORD, '-noout');
  return final;
}
