// Kiosk mode (F17): the app served with `ehcert-serve --kiosk-idle-seconds N` on a shared
// computer keeps nothing in the browser, and the session ends with Finish, when idle, or when
// the card leaves the reader.
import path from 'node:path';

import { BIN_DIR, DIST_DIR, expect, startServer, test, type AppServer } from './fixtures';
import { NewCertificateFlow } from './pages/new-certificate';
import { CARD_RUNS, ENGLISH } from './pages/words';

async function kioskApp(certraUrl: string, idleSeconds: number): Promise<AppServer> {
  return startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `local=${certraUrl}`,
    '--kiosk-idle-seconds', String(idleSeconds),
  ]);
}

const storedKeys = (page: import('@playwright/test').Page) =>
  page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);

for (const { applet, words } of CARD_RUNS) {
  test.describe(`applet ${applet}, ${words.language}`, () => {
    test.use({ cardOptions: { applet, pin: '1234' } });

    test('a kiosk keeps no copy of the pending keystore, nor the language, and pulling the card out ends the session', async ({
      page,
      certraServer,
      certra,
      card,
    }) => {
      void certra;
      const app = await kioskApp(certraServer.url, 600);
      try {
        const flow = new NewCertificateFlow(page, words);
        await flow.open(app.url);
        await expect(page.getByTestId('kiosk')).toContainText(words.kioskText);
        await expect(flow.holder()).toHaveText(card.holder);
        await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
        await flow.acceptContract();
        const pending = await flow.choosePassword('Huisarts-2026');
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
}

test('on a kiosk, Finish wipes the browser, and an idle session ends by itself', async ({ page, certraServer }) => {
  const app = await kioskApp(certraServer.url, 3);
  try {
    await page.goto(`${app.url}/#keystore`);
    await page.evaluate(() => localStorage.setItem('left-behind', 'by an earlier visitor'));
    await page.getByRole('button', { name: 'Finish and wipe' }).click();
    await expect(page.getByRole('heading', { name: 'eHealth certificate', exact: true })).toBeVisible();
    expect(await storedKeys(page)).toEqual([]);

    await page.goto(`${app.url}/#keystore`);
    await page.getByLabel('Keystore password').fill('typed by someone');
    // Nobody touches the kiosk for 3 s: it goes back to the start on its own.
    await expect(page.getByRole('heading', { name: 'eHealth certificate', exact: true })).toBeVisible({ timeout: 15_000 });
    expect(new URL(page.url()).hash).toBe('');
  } finally {
    app.process.kill('SIGTERM');
  }
});
