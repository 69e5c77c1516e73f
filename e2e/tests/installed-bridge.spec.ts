// The card bridge as a care provider on Linux gets it: the Debian package the test command built
// (packaging/linux/build-deb.sh), published into the signed apt repository
// (packaging/linux/apt-repo.sh, target/packages/apt/repo) and installed from it by apt-get, as a
// machine given the repository's line and keyring would; registered system-wide, and no
// registration of the build tree's bridge anywhere. The new-certificate flow
// runs against the installed bridge; removing the package takes every registration with it.
//
// Runs as its own project (`installed-bridge`), after every other: while the package is
// installed, every browser on the machine finds the bridge, which the "bridge not installed"
// tests must not. Needs root.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { aptWith } from '../../packaging/linux/apt-scratch.mjs';
import { ROOT, expect, test } from './fixtures';
import { keytool } from './oracles';
import { PASSWORD, firefoxTest, newCertificateInFirefox } from './pages/firefox';
import { NewCertificateFlow } from './pages/new-certificate';

const REPO = process.env.EHCERT_APT_REPO ?? path.join(ROOT, 'target', 'packages', 'apt', 'repo');
const BRIDGE = '/usr/bin/ehcert-card-bridge';
const MANIFESTS = [
  '/etc/chromium/native-messaging-hosts/be.ehcert.card_bridge.json',
  '/etc/opt/chrome/native-messaging-hosts/be.ehcert.card_bridge.json',
  '/etc/opt/edge/native-messaging-hosts/be.ehcert.card_bridge.json',
  '/usr/lib/mozilla/native-messaging-hosts/be.ehcert.card_bridge.json',
];

// Where Chrome, Chromium and Edge find the extension to install from their stores
// (packaging/external-extensions.sh), and the store each must name.
const STORE_EXTENSIONS: [string, string][] = [
  ['/usr/share/google-chrome/extensions', 'https://clients2.google.com/service/update2/crx'],
  ['/usr/share/chromium/extensions', 'https://clients2.google.com/service/update2/crx'],
  ['/usr/share/microsoft-edge/extensions', 'https://edge.microsoft.com/extensionwebstorebase/v1/crx'],
];

/** The extension preferences files the package installed, as dpkg lists them. */
function storeExtensionFiles() {
  const listed = readFileSync('/var/lib/dpkg/info/ehcert-card-bridge.list', 'utf8').split('\n');
  return STORE_EXTENSIONS.map(([folder, url]) => ({
    files: listed.filter((file) => path.dirname(file) === folder && /^[a-p]{32}\.json$/.test(path.basename(file))),
    url,
  }));
}

function dpkg(...args: string[]) {
  const result = spawnSync('dpkg', args, { encoding: 'utf8' });
  expect(result.status, `dpkg ${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout;
}

test.describe.configure({ mode: 'serial' });
// The browser profile gets no registration of its own: only the system's can answer.
test.use({ bridgeInstalled: false });

/** apt-get with the repository as its only source, in a configuration of its own: the machine's
 *  sources are neither read nor changed. */
function aptGet(...args: string[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ehcert-apt-'));
  try {
    const apt = aptWith(dir, 'installed-bridge', REPO, path.join(REPO, 'ehcert-archive-keyring.gpg'));
    for (const command of [['update'], args]) {
      const result = apt('apt-get', ...command);
      expect(result.status, `apt-get ${command.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test.beforeAll(() => {
  test.skip(process.getuid?.() !== 0, 'installing a Debian package needs root');
  expect(existsSync(path.join(REPO, 'dists', 'stable', 'InRelease')), `no apt repository in ${REPO}: the test command builds it`).toBe(true);
  aptGet('install', '--yes', 'ehcert-card-bridge');
});

test.afterAll(() => {
  // Whatever happened, the machine is left without the package.
  spawnSync('dpkg', ['--purge', 'ehcert-card-bridge']);
});

test('installed from the repository, the package registers the bridge with Chromium, Chrome, Edge and Firefox for every user, and the extension with Chrome, Chromium and Edge', () => {
  expect(dpkg('--status', 'ehcert-card-bridge')).toContain('Status: install ok installed');
  expect(readFileSync('/var/lib/dpkg/info/ehcert-card-bridge.list', 'utf8')).toContain(BRIDGE);
  for (const file of MANIFESTS) {
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    expect(manifest.name).toBe('be.ehcert.card_bridge');
    expect(manifest.path, file).toBe(BRIDGE);
  }
  const version = spawnSync(BRIDGE, ['--version'], { encoding: 'utf8' });
  expect(version.stdout).toMatch(/^card-bridge \d+\.\d+\.\d+/);
  // Chrome, Chromium and Edge are told to install the extension from their stores.
  for (const { files, url } of storeExtensionFiles()) {
    expect(files).toHaveLength(1);
    expect(JSON.parse(readFileSync(files[0], 'utf8'))).toEqual({ external_update_url: url });
  }
});

test('a new personal certificate through the installed bridge', async ({ page, context, localApp, card, profileDir, bridgeLog }) => {
  expect(existsSync(path.join(profileDir, 'NativeMessagingHosts', 'be.ehcert.card_bridge.json')), 'no registration in the profile').toBe(false);
  const flow = new NewCertificateFlow(page);
  await flow.upToSigning(localApp.url, card.holder, PASSWORD);
  const final = page.waitForEvent('download');
  await (await flow.signRequest(context)).enterPin('1234');
  await expect(flow.done()).toContainText('Your eHealth certificate is ready');
  const file = await (await final).path();
  expect(keytool(file, PASSWORD)).toContain('Your keystore contains 2 entries');
  // The browser started the bridge it found in /etc/chromium: its log has the signature.
  expect((await bridgeLog()).some((line) => line.includes('sign'))).toBe(true);
});

firefoxTest.describe('in Firefox', () => {
  // No registration for the user: Firefox finds the bridge in /usr/lib/mozilla, where the package
  // put it.
  firefoxTest.use({ firefoxBridge: 'system' });

  firefoxTest('a new personal certificate through the installed bridge', async ({ firefox, localApp, card, certra }) => {
    await newCertificateInFirefox(firefox, localApp.url, card.holder, certra);
  });
});

test('removing the package removes every registration, and the page says the bridge is missing', async ({ page, appServer }) => {
  const extensions = storeExtensionFiles().flatMap(({ files }) => files);
  expect(extensions).toHaveLength(3);
  dpkg('--remove', 'ehcert-card-bridge');
  for (const file of [BRIDGE, ...MANIFESTS, ...extensions]) {
    expect(existsSync(file) || (() => { try { return lstatSync(file).isSymbolicLink(); } catch { return false; } })(), `${file} is gone`).toBe(false);
  }
  await page.goto(appServer.url);
  const bridge = page.locator('[data-component="bridge"]');
  await expect(bridge).toHaveAttribute('data-state', 'bad');
  await expect(bridge).toContainText('card software is not installed on this computer');
});
