// Leaving a screen ends its card work (app/PRODUCT.md §4, "No screen opens on an error it did
// not cause"): a person who clicks from one card screen to the next, before the first finished
// reading the card, sees the second screen read the card and go on, never "another card
// operation is still running" from a read they left behind.
import path from 'node:path';

import { BIN_DIR, DIST_DIR, expect, startServer, test } from './fixtures';

/** The screens that read the card as soon as they open, and the card check, which reads it on a
 *  click. */
const OPENS_READING = ['#new', '#new-organisation', '#renew'];

test('quick navigation between every pair of card screens never opens a screen on an error', async ({
  page,
  localApp,
  card,
  certra,
}) => {
  test.setTimeout(180_000);
  await certra.knobs({});
  const pairs = OPENS_READING.flatMap((from) =>
    [...OPENS_READING, '#diagnostics'].filter((to) => to !== from).map((to) => [from, to]),
  );
  for (const [from, to] of pairs) {
    await test.step(`${from} → ${to}`, async () => {
      await page.goto(`${localApp.url}/${from}`);
      // The card read of the first screen is under way: the page asked the extension.
      await expect(page.getByRole('heading', { level: 2, name: 'Read your eID' })).toBeVisible();
      // The address changes as a click on a link changes it.
      await page.evaluate((hash) => (location.hash = hash), to);
      if (to === '#diagnostics') {
        await page.getByRole('button', { name: 'Read my card' }).click();
        await expect(page.getByTestId('card-holder')).toHaveText(card.holder);
      } else {
        await expect(page.getByTestId('holder')).toHaveText(card.holder);
      }
      await expect(page.getByRole('alert')).toHaveCount(0);
    });
  }
});

test('the home page guides: the two common tasks first, who runs the site and whom to call, and a way back from every screen', async ({
  page,
  certraServer,
  localApp,
}) => {
  const app = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `production=${certraServer.url}`,
    '--operator', 'AZ "Voorbeeld" & <co>, ICT', '--support', 'helpdesk@az-voorbeeld.be, 09 123 45 67',
  ]);
  try {
    // A hospital kiosk's screen: the two common tasks are there without scrolling.
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${app.url}/`);
    const first = page.getByRole('navigation', { name: 'What do you want to do?' }).getByRole('link');
    await expect(first).toHaveText(['New personal certificate', 'Renew my certificate']);
    for (const link of await first.all()) {
      const box = await link.boundingBox();
      expect(box!.y + box!.height).toBeLessThan(768);
    }
    await expect(page.getByRole('navigation', { name: 'Other tasks' }).getByRole('link')).toHaveCount(7);
    // The operator's words, as they wrote them (escaped on the way, not interpreted).
    await expect(page.getByTestId('operator')).toContainText('This site is run by AZ "Voorbeeld" & <co>, ICT');
    await expect(page.getByTestId('operator')).toContainText('Help when something does not work: helpdesk@az-voorbeeld.be, 09 123 45 67');
    await expect(page.getByTestId('back-to-start')).toHaveCount(0);
    for (const screen of ['#new', '#new-organisation', '#renew', '#complete', '#activate-etk', '#certificates', '#keystore', '#foreigner', '#diagnostics']) {
      await page.goto(`${app.url}/${screen}`);
      await page.getByTestId('back-to-start').click();
      await expect(page.getByRole('heading', { level: 1, name: 'eHealth certificate' })).toBeVisible();
      expect(new URL(page.url()).hash).toBe('');
    }
    // A server that states neither shows neither.
    await page.goto(`${localApp.url}/`);
    await expect(page.getByRole('heading', { level: 1, name: 'eHealth certificate' })).toBeVisible();
    await expect(page.getByTestId('operator')).toHaveCount(0);
  } finally {
    app.process.kill('SIGTERM');
  }
});
