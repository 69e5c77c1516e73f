// Signatures through the extension's PIN window, with the real card bridge and the simulated eID
// behind the real pcscd: page → content script → service worker → PIN window → bridge → card.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { BIN_DIR, DIST_DIR, expect, startServer, test } from './fixtures';

import { expectAccessible } from './pages/accessibility';
import { CardCheck, PinWindow } from './pages/card-check';

for (const applet of ['1.7', '1.8'] as const) {
  test.describe(`applet ${applet}`, () => {
    test.use({ cardOptions: { applet, pin: '1234' } });

    test('a signature through the PIN window shows who asks, whose card, which key and what, and verifies', async ({
      page,
      context,
      appServer,
      card,
      bridgeLog,
    }) => {
      const check = new CardCheck(page);
      await check.open(appServer.url);
      await check.readCard();
      await expect(check.holder).toHaveText(card.holder);
      const pinWindow = await check.testPin(context);
      await expect(pinWindow.detail('origin')).toHaveText(new URL(appServer.url).origin);
      await expect(pinWindow.detail('holder')).toHaveText(card.holder);
      await expect(pinWindow.detail('key')).toHaveText('authentication key');
      await expect(pinWindow.detail('operation')).toHaveText('a test of your card and PIN (nothing is sent to eHealth)');
      await expect(pinWindow.detail('about')).toContainText('a random test value made by the extension for this site');
      await expect(pinWindow.detail('subject')).toBeHidden();
      await expect(pinWindow.detail('mixed-scripts')).toBeHidden();
      await expect(pinWindow.pin).toBeFocused();
      const closed = pinWindow.closed();
      await pinWindow.enterPin('1234');
      await expect(check.result).toHaveAttribute('data-state', 'ok');
      await expect(check.result).toContainText('checked with its authentication certificate');
      await closed;
      // The page never held the PIN; the bridge got exactly one typed-PIN signature.
      expect(await page.content()).not.toContain('1234');
      const signs = (await bridgeLog()).filter((line) => /^\S+ #\d+ sign /.test(line));
      expect(signs).toHaveLength(1);
      expect(signs[0]).toContain('key=Authentication content=card-check');
      expect(signs[0]).toContain('pin=typed');
    });
  });
}

test('the PIN window\'s text is at least 16 px as the browser shows it', async ({ page, context, appServer, card }) => {
  const { pinWindow } = await CardCheck.waitingForPin(page, context, appServer.url, card.holder);
  // Chromium styles an extension page's body at 75 % unless the page says otherwise; the
  // window's own zoom counts too (devicePixelRatio on this 1× display).
  const shown = await pinWindow.page.evaluate(() =>
    ['#about', 'dt', 'dd', 'label'].map((selector) => {
      const element = document.querySelector(selector)!;
      return [selector, parseFloat(getComputedStyle(element).fontSize) * window.devicePixelRatio];
    }),
  );
  for (const [selector, pixels] of shown) expect(pixels, `${selector}`).toBeGreaterThanOrEqual(16);
});

test('a wrong PIN shows the tries left in the PIN window, and the right PIN then signs', async ({ page, context, appServer, card }) => {
  const { check, pinWindow } = await CardCheck.waitingForPin(page, context, appServer.url, card.holder);
  await pinWindow.enterPin('9999');
  await expect(pinWindow.message).toHaveText('Wrong PIN. 2 tries left.');
  await expect(pinWindow.pin).toBeFocused();
  await expect(pinWindow.pin).toHaveValue('');
  await expect(check.result).toHaveCount(0);
  await pinWindow.enterPin('1234');
  await expect(check.result).toHaveAttribute('data-state', 'ok');
});

test('a PIN of the wrong shape never leaves the window', async ({ page, context, appServer, card, bridgeLog }) => {
  const { check, pinWindow } = await CardCheck.waitingForPin(page, context, appServer.url, card.holder);
  await pinWindow.enterPin('12');
  await expect(pinWindow.message).toHaveText('A PIN has 4 to 12 digits.');
  await expect(pinWindow.pin).toHaveAttribute('aria-invalid', 'true');
  await pinWindow.cancel();
  await expect(check.result).toContainText('cancelled in the PIN window');
  expect((await bridgeLog()).filter((line) => /^\S+ #\d+ sign /.test(line))).toHaveLength(0);
});

test('cancel and closing the PIN window both end the signature as cancelled', async ({ page, context, appServer, card }) => {
  const check = new CardCheck(page);
  await check.open(appServer.url);
  await check.readCard();
  let pinWindow = await check.testPin(context);
  const closed = pinWindow.closed();
  await pinWindow.cancel();
  await expect(check.result).toHaveAttribute('data-state', 'bad');
  await expect(check.result).toContainText('the signature was cancelled in the PIN window. Nothing was signed');
  await closed;

  pinWindow = await check.testPin(context);
  await expect(pinWindow.detail('holder')).toHaveText(card.holder);
  await pinWindow.page.close();
  await expect(check.result).toContainText('cancelled in the PIN window');
});

test('a page on an origin outside the allow-list cannot reach the card', async ({ page, card }) => {
  void card;
  const other = await startServer(path.join(BIN_DIR, 'ehcert-serve'), ['--dist', DIST_DIR, '--listen', '127.0.0.2:0']);
  try {
    const check = new CardCheck(page);
    await check.open(other.url);
    await check.readCard();
    await expect(page.getByTestId('card-error')).toContainText('extension was not found');
  } finally {
    other.process.kill('SIGTERM');
  }
});

test('messages forged by a frame are ignored: no request from it, no reply taken from it', async ({
  page,
  context,
  appServer,
  card,
  bridgeLog,
}) => {
  void card;
  const check = new CardCheck(page);
  await check.open(appServer.url);
  // A same-origin frame (the strongest case: its origin passes, only the window differs).
  await page.evaluate(() => {
    const frame = document.createElement('iframe');
    frame.name = 'forger';
    document.body.append(frame);
  });
  const forger = page.frame({ name: 'forger' })!;
  await forger.evaluate(() => {
    const args = { reader: null, key: 'signature', signed_info: '<forged/>', payload: '<forged/>', lang: 'en' };
    window.parent.postMessage({ 'ehcert:to-extension': { type: 'ping' } }, '*');
    window.parent.postMessage({ 'ehcert:to-extension': { type: 'request', args: { id: 900, action: { type: 'sign', args } } } }, '*');
  });
  await check.readCard();
  const pinWindow = await check.testPin(context);
  await expect(pinWindow.detail('operation')).toHaveText('a test of your card and PIN (nothing is sent to eHealth)');
  // While the real request waits for the PIN, the frame answers it with a bogus signature.
  await forger.evaluate(() => {
    for (let id = 0; id < 50; id++) {
      const reply = { id, outcome: { type: 'signature', args: btoa('forged') } };
      window.parent.postMessage({ 'ehcert:to-page': { type: 'reply', args: reply } }, '*');
    }
  });
  await pinWindow.enterPin('1234');
  // The real signature verifies with the card's certificate: the forged one was not taken.
  await expect(check.result).toHaveAttribute('data-state', 'ok');
  const log = await bridgeLog();
  expect(log.filter((line) => /^\S+ #\d+ sign /.test(line))).toHaveLength(1);
  expect(log.filter((line) => /^\S+ #\d+ preview reader=/.test(line))).toHaveLength(1);
  expect(context.pages().filter((open) => open.url().includes('pin.html'))).toHaveLength(0);
});

test('the bridge crashing while the PIN window is open ends the signature clearly, and the next one works', async ({
  page,
  context,
  appServer,
  card,
}) => {
  const { check, pinWindow: first } = await CardCheck.waitingForPin(page, context, appServer.url, card.holder);
  let pinWindow = first;
  const closed = pinWindow.closed();
  // SIGKILL: "Native host has exited." with nothing said before.
  execFileSync('pkill', ['-KILL', '-f', `^${path.join(BIN_DIR, 'card-bridge')} chrome-extension://`]);
  await expect(check.result).toContainText('the card software stopped unexpectedly; nothing was signed');
  await closed;

  pinWindow = await check.testPin(context);
  await pinWindow.enterPin('1234');
  await expect(check.result).toHaveAttribute('data-state', 'ok');
});

test('the service worker being stopped mid-signature is reported, and the next signature works', async ({
  page,
  context,
  appServer,
  card,
}) => {
  const { check, pinWindow: first } = await CardCheck.waitingForPin(page, context, appServer.url, card.holder);
  let pinWindow = first;
  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await expect(check.result).toContainText('the browser extension restarted during the operation; nothing was signed');
  await expect(pinWindow.message).toContainText('The operation was interrupted');

  pinWindow = await check.testPin(context);
  await pinWindow.enterPin('1234');
  await expect(check.result).toHaveAttribute('data-state', 'ok');
});

test('a burst of keys that began before the PIN window showed keeps its field unarmed until the keys stop', async ({
  page,
  context,
  appServer,
  card,
}) => {
  const check = await CardCheck.withCardRead(page, appServer.url, card.holder);
  const opened = context.waitForEvent('page');
  await check.section.getByRole('button', { name: 'Test my PIN' }).click();
  const window = await opened;
  const pinWindow = new PinWindow(window);
  await expect(window.getByTestId('holder')).toHaveText(card.holder);
  // The person goes on typing for two seconds, a key every 100 ms: well past the 600 ms after
  // which a quiet window arms, the field stays disabled and takes none of it.
  const started = Date.now();
  while (Date.now() - started < 2_000) {
    await window.keyboard.press('5');
    await window.waitForTimeout(100);
  }
  expect(await pinWindow.pin.isDisabled()).toBe(true);
  // Once the keys stop, it arms, empty.
  await expect(pinWindow.pin).toBeEnabled();
  await expect(pinWindow.pin).toBeFocused();
  await expect(pinWindow.pin).toHaveValue('');
  await pinWindow.enterPin('1234');
  await expect(check.result).toHaveAttribute('data-state', 'ok');
});

test('the PIN window takes no keys typed before it showed what is signed, and no script-made events', async ({
  page,
  context,
  appServer,
  card,
  bridgeLog,
}) => {
  const check = await CardCheck.withCardRead(page, appServer.url, card.holder);
  // Keys typed at once, as a page that had the person typing would make them land.
  const opened = context.waitForEvent('page');
  await check.section.getByRole('button', { name: 'Test my PIN' }).click();
  const window = await opened;
  await window.keyboard.type('1234');
  await window.keyboard.press('Enter');
  const pinWindow = new PinWindow(window);
  await expect(pinWindow.pin).toBeEnabled();
  await expect(pinWindow.pin).toHaveValue('');
  // A submit made by a script (isTrusted false) is ignored, even with a PIN in the field.
  await window.evaluate(() => {
    (document.getElementById('pin') as HTMLInputElement).value = '1234';
    document.getElementById('pin-form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    document.getElementById('sign')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  });
  // The handlers run inside dispatchEvent: had one taken the PIN, the window would already say
  // it is signing and have disabled the field.
  await expect(window.getByRole('status')).toHaveText('');
  await expect(pinWindow.pin).toBeEnabled();
  expect((await bridgeLog()).filter((line) => /^\S+ #\d+ sign /.test(line))).toHaveLength(0);
  await expect(check.result).toHaveCount(0);
  // The person's own PIN then signs.
  await pinWindow.enterPin('1234');
  await expect(check.result).toHaveAttribute('data-state', 'ok');
});

// A card whose given names mix alphabets, as a look-alike name would (a Cyrillic "а" in a Latin
// name): the PIN window shows the name as the card has it and warns, in the browser's language;
// in the gallery in four languages.
test.describe('a card holder name that mixes alphabets', () => {
  test.use({ cardOptions: { applet: '1.7', pin: '1234', givenNames: 'J\u0430n Pieter' } });
  for (const lang of ['nl', 'fr', 'de', 'en'] as const) {
    test.describe(() => {
      test.use({ browserLanguage: lang });
      test(`the PIN window flags it, in the gallery and WCAG 2.1 AA (${lang})`, async ({ page, context, appServer, card }, testInfo) => {
        expect(card.holder).toBe('J\u0430n Pieter Peeters');
        const { pinWindow } = await CardCheck.waitingForPin(page, context, appServer.url, card.holder);
        await expect(pinWindow.page.locator('html')).toHaveAttribute('lang', lang);
        await expect(pinWindow.detail('mixed-scripts')).toBeVisible();
        await expect(pinWindow.detail('mixed-scripts')).not.toBeEmpty();
        await expectAccessible(pinWindow.page, testInfo, `pin-window-mixed-scripts-${lang}`);
      });
    });
  }
});
