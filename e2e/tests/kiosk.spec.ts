// Kiosk mode (F17): the app served with `ehcert-serve --kiosk-idle-seconds N` on a shared
// computer keeps nothing in the browser, and the session ends with Finish, when idle, or when
// the card leaves the reader.
import path from 'node:path';

import { BIN_DIR, DIST_DIR, expect, forEachCardRun, startServer, test, type AppServer } from './fixtures';
import { keyMatchesCertificate, keytool } from './oracles';
import { expectAccessible } from './pages/accessibility';
import { NewCertificateFlow } from './pages/new-certificate';
import { savedCopy, standInSavePicker } from './pages/save-picker';
import { ENGLISH } from './pages/words';

async function kioskApp(certraUrl: string, idleSeconds: number): Promise<AppServer> {
  return startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `local=${certraUrl}`,
    '--kiosk-idle-seconds', String(idleSeconds),
  ]);
}

const PASSWORD = 'Huisarts-2026';

const storedKeys = (page: import('@playwright/test').Page) =>
  page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);

forEachCardRun((words) => {
  test('a kiosk keeps no copy of the request file, nor the language, and pulling the card out ends the session', async ({
    page,
    certraServer,
    certra,
    card,
  }) => {
    void certra;
    const app = await kioskApp(certraServer.url, 600);
    try {
      const flow = new NewCertificateFlow(page, words);
      const pending = await flow.upToSigning(app.url, card.holder, PASSWORD);
      await expect(page.getByTestId('kiosk')).toContainText(words.kioskText);
      expect(pending.suggestedFilename()).toMatch(/\.acc-p12$/);
      await expect(page.getByTestId('pending-saved')).toBeVisible();
      expect(await storedKeys(page)).toEqual([]);

      await card.remove();
      // Back to the start, in the browser's language (English here), for the next person.
      await expect(page.getByRole('heading', { name: ENGLISH.appTitle, exact: true })).toBeVisible({ timeout: 15_000 });
      expect(new URL(page.url()).hash).toBe('');
      expect(await storedKeys(page)).toEqual([]);
    } finally {
      app.process.kill('SIGTERM');
    }
  });
});

test('on a kiosk, saving on the person\'s USB stick comes first, and pulling the card out before it is saved does not wipe the file', async ({
  page,
  context,
  certraServer,
  certra,
  card,
}, testInfo) => {
  void certra;
  // The person picks their USB stick in the save picker.
  await standInSavePicker(page);
  const app = await kioskApp(certraServer.url, 600);
  try {
    const flow = new NewCertificateFlow(page);
    await flow.upToSigning(app.url, card.holder, PASSWORD);
    await (await flow.signRequest(context)).enterPin('1234');
    await expect(flow.done()).toContainText('Your eHealth certificate is ready');
    // The one primary action is the USB stick, not the kiosk's own folders.
    const place = page.getByTestId('keystore-place');
    await expect(place.getByRole('button')).toHaveText(['Save it on your USB stick…']);
    await expect(place).not.toContainText('ehealth › keystore');
    await expectAccessible(page, testInfo, 'kiosk-done');

    // The card leaves the reader before the file is saved: the person is told, nothing is wiped.
    await card.remove();
    await expect(page.getByTestId('kiosk-unsaved')).toContainText('Your certificate file is not saved yet');
    await expect(flow.done()).toBeVisible();
    await expectAccessible(page, testInfo, 'kiosk-card-out-unsaved');

    // Saved: the session then ends by itself, the card being out.
    await place.getByRole('button', { name: 'Save it on your USB stick…' }).click();
    await expect(page.getByTestId('saved-copy')).toBeVisible();
    expect((await savedCopy(page)).bytes.length).toBeGreaterThan(1000);
    await expect(page.getByRole('heading', { name: ENGLISH.appTitle, exact: true })).toBeVisible({ timeout: 15_000 });
    expect(await storedKeys(page)).toEqual([]);
    await expectAccessible(page, testInfo, 'kiosk-home');
  } finally {
    app.process.kill('SIGTERM');
  }
});

test('on a kiosk, a lost answer to the ETK registration is tried again on the same screen, with the ETK key from the page\'s memory', async ({
  page,
  context,
  certraServer,
  certra,
  card,
}, testInfo) => {
  const app = await kioskApp(certraServer.url, 600);
  try {
    // eHealth registers the ETK, but its answer never arrives: the ETK key exists only in the page.
    await certra.fault({ kind: 'drop', operation: 'CompleteETKRegistration' });
    const flow = new NewCertificateFlow(page);
    await flow.upToSigning(app.url, card.holder, PASSWORD);
    await (await flow.signRequest(context)).enterPin('1234');
    await expect(page.getByTestId('error')).toContainText("eHealth’s service is not available right now");
    expect(await storedKeys(page)).toEqual([]);

    // Trying again on the same screen: the certificate is issued already, so nothing is signed
    // again; the ETK key kept in the page's memory is the one eHealth registered.
    const final = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Try again' }).click();
    const finalFile = testInfo.outputPath('final.acc-p12');
    await (await final).saveAs(finalFile);
    await expect(flow.done()).toContainText('Your eHealth certificate is ready');
    expect(await storedKeys(page)).toEqual([]);
    // One ETK registration only (the one whose answer was lost), and the file holds its key.
    const [etkAlias] = (keytool(finalFile, PASSWORD).match(/^Alias name: (\d+)$/m) ?? []).slice(1);
    expect(etkAlias).toBeTruthy();
    expect(keyMatchesCertificate(finalFile, PASSWORD, etkAlias)).toBe(true);
    const operations = (await certra.requests()).map((request: any) => request.operation);
    expect(operations.filter((operation: string) => operation === 'CompleteETKRegistration')).toHaveLength(1);
    expect((await certra.state()).certificates).toMatchObject([{ status: 'VALID_ACTIVE', etk_status: 'VALID_ACTIVE' }]);
  } finally {
    app.process.kill('SIGTERM');
  }
});

test('on a kiosk, Finish wipes the browser, and an idle session ends by itself', async ({ page, certraServer }) => {
  const app = await kioskApp(certraServer.url, 3);
  try {
    await page.goto(`${app.url}/#keystore`);
    await page.evaluate(() => localStorage.setItem('left-behind', 'by an earlier visitor'));
    await page.getByRole('button', { name: 'Finish and wipe' }).click();
    await expect(page.getByRole('heading', { name: 'eHealth certificate', exact: true })).toBeVisible();
    expect(await storedKeys(page)).toEqual([]);

    await page.goto(`${app.url}/#keystore`);
    await page.getByLabel('Certificate password').fill('typed by someone');
    // Nobody touches the kiosk for 3 s: it goes back to the start on its own.
    await expect(page.getByRole('heading', { name: 'eHealth certificate', exact: true })).toBeVisible({ timeout: 15_000 });
    expect(new URL(page.url()).hash).toBe('');
  } finally {
    app.process.kill('SIGTERM');
  }
});
