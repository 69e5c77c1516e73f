// Leaving a screen ends its card work (app/PRODUCT.md §4, "No screen opens on an error it did
// not cause"): a person who clicks from one card screen to the next, before the first finished
// reading the card, sees the second screen read the card and go on, never "another card
// operation is still running" from a read they left behind.
import { expect, test } from './fixtures';

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
