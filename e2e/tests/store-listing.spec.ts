// The stores' screenshots (extension/store/): 1280×800, the size the Chrome Web Store and Edge
// Add-ons take, in each of the four languages, browser and page alike: the home page with the
// extension and the card bridge found, and the PIN window of a card test over the page that
// asked for it. The gallery reporter gathers them into playwright-report/store/.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT, expect, test } from './fixtures';
import { openIn } from './pages/words';

const STORE = { width: 1280, height: 800 };
const LANGUAGES = [
  ['nl', 'Nederlands'],
  ['fr', 'Français'],
  ['de', 'Deutsch'],
  ['en', 'English'],
] as const;

/** The width and height in a PNG's IHDR chunk (PNG, W3C 2003, §11.2.2). */
function pngSize(png: Buffer) {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

for (const [code, language] of LANGUAGES) {
  test.describe(() => {
    test.use({ browserLanguage: code });
    test(`the store screenshots in ${language}, 1280×800`, async ({ page, context, appServer, card }, testInfo) => {
      // The app's own words for its buttons (app/lang/<code>.json), as a person reads them.
      const words = JSON.parse(readFileSync(path.join(ROOT, 'app', 'lang', `${code}.json`), 'utf8')).strings;
      await page.setViewportSize(STORE);
      await openIn(page, appServer.url, { language, code });
      await expect(page.locator('[data-component][data-state="ok"]')).toHaveCount(2);
      const shots: Buffer[] = [await page.screenshot()];

      await page.goto(`${appServer.url}/#diagnostics`);
      await page.getByRole('button', { name: words.read_my_card }).click();
      await expect(page.getByTestId('card-holder')).toHaveText(card.holder);
      const opened = context.waitForEvent('page');
      await page.getByRole('button', { name: words.test_pin }).click();
      const pinWindow = await opened;
      await expect(pinWindow.getByTestId('holder')).toHaveText(card.holder);
      await expect(pinWindow.locator('html')).toHaveAttribute('lang', code);
      await expect(pinWindow.locator('#pin')).toBeEnabled();
      const behind = await page.screenshot();
      // The size the extension opens it at (extension/worker-windows.js, worker-signing.js).
      await pinWindow.setViewportSize({ width: 480, height: 660 });
      const window = await pinWindow.screenshot();
      // The PIN window where a person sees it: a window of its own over the page.
      const board = await context.newPage();
      await board.setViewportSize(STORE);
      await board.setContent(
        `<body style="margin:0;width:1280px;height:800px;overflow:hidden;position:relative">
          <img src="data:image/png;base64,${behind.toString('base64')}" style="position:absolute;inset:0;filter:brightness(.6)">
          <img src="data:image/png;base64,${window.toString('base64')}" style="position:absolute;right:96px;top:50%;transform:translateY(-50%);max-height:760px;border:1px solid #8a94a3;box-shadow:0 12px 40px rgba(0,0,0,.5)">
        </body>`,
      );
      await board.locator('img').nth(1).evaluate((img: HTMLImageElement) => img.decode());
      shots.push(await board.screenshot());
      await board.close();

      for (const [index, shot] of shots.entries()) {
        expect(pngSize(shot)).toEqual(STORE);
        await testInfo.attach(`store: ${code}-${index + 1}`, { body: shot, contentType: 'image/png' });
      }
    });
  });
}
