// The page reaches the card bridge through the extension: page → content script → service
// worker → native messaging → card-bridge, and the bridge's hello comes back the same way.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { BIN_DIR, DIST_DIR, EXTENSION_DIR, ROOT, expect, installNativeHost, startServer, test } from './fixtures';

test('the extension loads with the fixed id from its manifest key', async ({ extensionId }) => {
  const expected = (await readFile(path.join(EXTENSION_DIR, 'extension-id.txt'), 'utf8')).trim();
  expect(extensionId).toBe(expected);
});

test('the page shows the versions of the extension and of the card software', async ({ page, appServer, versions }) => {
  await page.goto(appServer.url);
  const extension = page.locator('[data-component="extension"]');
  const bridge = page.locator('[data-component="bridge"]');
  await expect(extension).toHaveText(`Connected, version ${versions.extension}`);
  await expect(bridge).toHaveText(`Connected, version ${versions.bridge}`);
  await expect(bridge).toHaveAttribute('data-state', 'ok');
});

test('the home page notices the extension arriving while it is open, without a reload', async ({ context, page, appServer, extensionId, versions }) => {
  // The person turns the extension on in the browser's own extensions page, with ehcert's home
  // page already open: the browser does not put the content script into it by itself.
  const settings = await context.newPage();
  await settings.goto('chrome://extensions');
  const toggle = settings.locator(`extensions-item#${extensionId} #enableToggle`);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await page.goto(appServer.url);
  const extension = page.locator('[data-component="extension"]');
  await expect(extension).toHaveAttribute('data-state', 'bad');
  await expect(page.getByTestId('looking-again')).toHaveText('This page looks for it again every few seconds: no need to reload.');
  await page.evaluate(() => ((window as unknown as { stillThisPage: boolean }).stillThisPage = true));
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await expect(extension).toHaveText(`Connected, version ${versions.extension}`, { timeout: 15_000 });
  await expect(page.locator('[data-component="bridge"]')).toHaveAttribute('data-state', 'ok');
  expect(await page.evaluate(() => (window as unknown as { stillThisPage?: boolean }).stillThisPage), 'the same page, not reloaded').toBe(true);
});

test('the browser check lists this page, the extension and the card software with their versions and protocols', async ({ page, appServer, versions }) => {
  const protocols = JSON.parse(await readFile(path.join(ROOT, 'shared/tests/golden/constants/protocol.json'), 'utf8')).protocols as number[];
  await page.goto(`${appServer.url}/#diagnostics`);
  const shown = page.locator('section[aria-labelledby="versions-title"]');
  await expect(shown.getByRole('heading')).toHaveText('Versions');
  await expect(shown.locator('[data-component="page"]')).toHaveText(versions.page);
  await expect(shown.locator('[data-component="extension"]')).toHaveText(`Connected, version ${versions.extension}`);
  await expect(shown.locator('[data-component="bridge"]')).toHaveText(`Connected, version ${versions.bridge}`);
  // The page's protocols, those the extension's answer names and those of the bridge's hello.
  const spoken = shown.locator('[data-protocols]');
  await expect(spoken).toHaveCount(3);
  for (const part of await spoken.all()) await expect(part).toHaveAttribute('data-protocols', protocols.join(', '));
  await expect(spoken.last()).toHaveText(` · protocol ${protocols.join(', ')}`);
});

// The operator states the oldest parts the site works with (ehcert-serve minimum_bridge,
// minimum_extension): an older bridge is shown as to be updated, with this system's package.
test('a card bridge older than the site\'s minimum is shown as to be updated, with its package', async ({ page, versions }) => {
  const server = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0',
    '--minimum-bridge', '9.0.0', '--minimum-extension', '0.1.0',
    '--install', 'bridge-linux=/downloads/ehcert-card-bridge_9.0.0_amd64.deb',
  ]);
  try {
    await page.goto(server.url);
    await expect(page.locator('[data-component="extension"]')).toHaveAttribute('data-state', 'ok');
    const bridge = page.locator('[data-component="bridge"]');
    await expect(bridge).toHaveAttribute('data-state', 'outdated');
    await expect(bridge).toHaveText(`Update needed: version ${versions.bridge} is here, this site needs version 9.0.0 or newer.`);
    await expect(page.locator('a[data-install="bridge"]')).toHaveAttribute('href', '/downloads/ehcert-card-bridge_9.0.0_amd64.deb');
  } finally {
    server.process.kill('SIGTERM');
  }
});

test.describe('without the card software installed', () => {
  test.use({ bridgeInstalled: false });

  test('the page says the bridge is missing and what to do', async ({ page, appServer }) => {
    await page.goto(appServer.url);
    await expect(page.locator('[data-component="extension"]')).toHaveAttribute('data-state', 'ok');
    const bridge = page.locator('[data-component="bridge"]');
    await expect(bridge).toHaveAttribute('data-state', 'bad');
    await expect(bridge).toContainText('card software is not installed on this computer');
    // The server was told no download address: no link, the words say what to do.
    await expect(page.locator('a.install')).toHaveCount(0);
  });

  test('the page notices the card software once it is installed, without a reload', async ({ page, appServer, profileDir, versions }) => {
    await page.goto(appServer.url);
    const bridge = page.locator('[data-component="bridge"]');
    await expect(bridge).toHaveAttribute('data-state', 'bad');
    await expect(page.getByTestId('looking-again')).toHaveText('This page looks for it again every few seconds: no need to reload.');
    // A mark the page would lose if it were loaded again.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await installNativeHost(profileDir);
    await expect(bridge).toHaveAttribute('data-state', 'ok', { timeout: 10_000 });
    await expect(bridge).toHaveText(`Connected, version ${versions.bridge}`);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await expect(page.getByTestId('looking-again')).toHaveCount(0);
  });

  test("with the operator’s download addresses, the page links to this system’s package", async ({ page }) => {
    const server = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
      '--dist', DIST_DIR, '--listen', '127.0.0.1:0',
      '--install', 'bridge-windows=/downloads/ehcert-card-bridge-0.1.0-x64-user.msi',
      '--install', 'bridge-linux=/downloads/ehcert-card-bridge_0.1.0_amd64.deb',
      '--install', 'bridge-linux-rpm=/downloads/ehcert-card-bridge-0.1.0-1.x86_64.rpm',
      '--install', 'extension-chrome=https://chromewebstore.google.com/detail/ehcert/ihbedndnijflbnlknbfafabcflgcfela',
    ]);
    try {
      await page.goto(server.url);
      await expect(page.locator('[data-component="bridge"]')).toHaveAttribute('data-state', 'bad');
      // Chromium on Linux: not the Windows package; Chromium does not say which Linux, so both the
      // Debian and the RPM package, each named by its family. The extension is there.
      const links = page.locator('a[data-install="bridge"]');
      await expect(links).toHaveText([
        'Download the card software for Debian or Ubuntu (.deb)',
        'Download the card software for Fedora or Red Hat (.rpm)',
      ]);
      await expect(links.first()).toHaveAttribute('href', '/downloads/ehcert-card-bridge_0.1.0_amd64.deb');
      await expect(links.last()).toHaveAttribute('href', '/downloads/ehcert-card-bridge-0.1.0-1.x86_64.rpm');
      await expect(page.locator('a[data-install="extension"]')).toHaveCount(0);
    } finally {
      server.process.kill('SIGTERM');
    }
  });
});

test('a page on an origin outside the allow-list gets no answer from the extension', async ({ page }) => {
  // 127.0.0.2 is loopback too, but not an allowed origin: the content script never runs there.
  const other = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.2:0',
    '--install', 'extension-chrome=https://chromewebstore.google.com/detail/ehcert/ihbedndnijflbnlknbfafabcflgcfela',
    '--install', 'extension-firefox=https://addons.mozilla.org/firefox/addon/ehcert/',
  ]);
  try {
    await page.goto(other.url);
    const extension = page.locator('[data-component="extension"]');
    await expect(extension).toHaveAttribute('data-state', 'bad');
    await expect(extension).toContainText('extension was not found');
    // This browser's store (Chromium: the Chrome Web Store), not Firefox's.
    const link = page.locator('a[data-install="extension"]');
    await expect(link).toHaveText('Add the extension to this browser');
    await expect(link).toHaveAttribute('href', 'https://chromewebstore.google.com/detail/ehcert/ihbedndnijflbnlknbfafabcflgcfela');
  } finally {
    other.process.kill('SIGTERM');
  }
});
