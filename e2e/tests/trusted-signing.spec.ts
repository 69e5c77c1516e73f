// What a compromised page on an allow-listed origin can ask of the card, through the real
// extension, card bridge and pcscd: anything but one of ehcert's own eHealth requests about the
// card holder is refused before a PIN window opens, and nothing is signed.
import type { Page } from '@playwright/test';

import { expect, test } from './fixtures';

import { expectAccessible } from './pages/accessibility';
import { CardCheck } from './pages/card-check';

/** Sends `action` to the extension as a page script can, and returns the extension's outcome. */
function ask(page: Page, action: unknown): Promise<any> {
  return page.evaluate(
    (action) =>
      new Promise((resolve) => {
        const id = 0x7000_0000 + Math.floor(Math.random() * 0x1000);
        let sent = false;
        const onMessage = (event: MessageEvent) => {
          const message = event.source === window ? event.data?.['ehcert:to-page'] : undefined;
          if (message?.type === 'ack' && !sent) {
            sent = true;
            window.postMessage({ 'ehcert:to-extension': { type: 'request', args: { id, action } } }, window.location.origin);
          } else if (message?.type === 'reply' && message.args.id === id) {
            window.removeEventListener('message', onMessage);
            resolve(message.args.outcome);
          }
        };
        window.addEventListener('message', onMessage);
        window.postMessage({ 'ehcert:to-extension': { type: 'ping' } }, window.location.origin);
      }),
    action,
  );
}

for (const applet of ['1.7', '1.8'] as const) {
  test.describe(`applet ${applet}`, () => {
    test.use({ cardOptions: { applet, pin: '1234' } });

    test('a page cannot have the card sign a digest, a transcript hash or another request: no PIN window, no signature', async ({
      page,
      context,
      appServer,
      card,
      bridgeLog,
    }) => {
      void card;
      const check = new CardCheck(page);
      await check.open(appServer.url);
      const windows: string[] = [];
      context.on('page', (opened) => windows.push(opened.url()));
      const thirtyTwo = Buffer.alloc(32, 0x42).toString('base64');

      // The old protocol: a digest and the page's own words for the window.
      const digestOnly = await ask(page, {
        type: 'sign',
        args: { reader: null, key: 'signature', algorithm: 'rsa-pkcs1-sha256', digest: thirtyTwo, operation: 'certificate-request', subject: 'CN=SSIN=85073003328', lang: 'en' },
      });
      expect(digestOnly).toMatchObject({ type: 'error', args: { code: 'bad-request' } });

      // A TLS 1.2 client-auth CertificateVerify needs the authentication key over a hash the
      // attacker chose: offered as the "SignedInfo" of a payload that is not a request.
      const transcript = await ask(page, {
        type: 'sign',
        args: { reader: null, key: 'authentication', signed_info: thirtyTwo, payload: '\u0016\u0003\u0003 handshake', lang: 'en' },
      });
      expect(transcript).toMatchObject({ type: 'error', args: { code: 'not-signable' } });

      // A real-looking request the card does not sign: the ETK activation (eHealth key only).
      const activate = await ask(page, {
        type: 'sign',
        args: {
          reader: null,
          key: 'signature',
          signed_info: '<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"></ds:SignedInfo>',
          payload:
            '<ep:ActivateETKRequest xmlns:ep="urn:be:fgov:ehealth:etkra:protocol:v2" Id="_0123456789abcdef0123456789abcdef" IssueInstant="2026-11-29T10:00:00Z"></ep:ActivateETKRequest>',
          lang: 'en',
        },
      });
      expect(activate).toMatchObject({ type: 'error', args: { code: 'not-signable' } });

      // The page's own words are not shown: the extension turns the refusal into the app's text.
      expect(windows.filter((url) => url.includes('pin.html'))).toEqual([]);
      const log = await bridgeLog();
      expect(log.filter((line) => /^\S+ #\d+ sign /.test(line))).toEqual([]);
      expect(log.filter((line) => /^\S+ #\d+ error NotSignable/.test(line))).toHaveLength(2);
    });
  });
}

test('a request of accented text over the byte limit is refused by the extension, not by a bridge that stops', async ({
  page,
  appServer,
  card,
  bridgeLog,
}) => {
  void card;
  const check = new CardCheck(page);
  await check.open(appServer.url);
  // 17 000 accented letters: under the limit counted in UTF-16 units, over it in bytes of UTF-8,
  // which is how the bridge counts.
  const payload = 'é'.repeat(17_000);
  const outcome = await ask(page, { type: 'sign', args: { reader: null, key: 'signature', signed_info: '<s/>', payload, lang: 'en' } });
  expect(outcome.type).toBe('error');
  expect(outcome.args.code).toBe('bad-request');
  expect(outcome.args.detail).toMatch(/^A request of \d+ bytes is over the limit of 31744\.$/);
  expect((await bridgeLog()).filter((line) => /^\S+ #\d+ (preview|sign) /.test(line))).toHaveLength(0);
});

test('read-card gives what the flows need; the rest of the identity only with consent, given in the extension and withdrawn there', async ({
  page,
  context,
  appServer,
  card,
  extensionId,
}) => {
  const check = new CardCheck(page);
  await check.open(appServer.url);
  const summary = await ask(page, { type: 'read-card', args: { reader: null } });
  expect(summary.type).toBe('card');
  expect(Object.keys(summary.args).sort()).toEqual(
    ['applet', 'certificates', 'given_names', 'key_algorithm', 'national_number', 'reader', 'surname'].sort(),
  );
  expect(JSON.stringify(summary)).not.toContain('birth');

  await check.readCard();
  await expect(check.holder).toHaveText(card.holder);
  const origin = new URL(appServer.url).origin;
  // Refused: the page is told so, and gets nothing.
  let consent = await check.showIdentity(context);
  await expect(consent.page.getByTestId('origin')).toHaveText(origin);
  await expect(consent.page.getByTestId('holder')).toHaveText(card.holder);
  await consent.choose('Refuse');
  await expect(check.identityError).toHaveText('You did not agree: this page got nothing more from your card.');
  await expect(check.identity).toHaveCount(0);
  // Once: shown this time, asked again next time.
  consent = await check.showIdentity(context);
  await consent.choose('Allow this time');
  await expect(check.birthDate).not.toBeEmpty();
  consent = await check.showIdentity(context);
  await consent.choose('Always allow for this site');
  // The card is read again after the answer: wait until the page has it.
  await expect(check.showIdentityButton).toBeEnabled();
  await expect(check.birthDate).not.toBeEmpty();
  // Always: no window any more for this origin…
  const windows: string[] = [];
  context.on('page', (opened) => windows.push(opened.url()));
  const identity = await ask(page, { type: 'read-identity', args: { reader: null, lang: 'en' } });
  expect(identity.type).toBe('identity');
  expect(identity.args.address.zip).toMatch(/^\d{4}$/);
  expect(windows).toEqual([]);
  // …until it is withdrawn in the extension's options.
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  await expect(options.getByTestId('consents')).toContainText(origin);
  await options.getByRole('button', { name: `Withdraw: ${origin}` }).click();
  await expect(options.getByTestId('consents')).not.toContainText(origin);
  await options.close();
  consent = await check.showIdentity(context);
  await consent.choose('Refuse');
  await expect(check.identityError).toBeVisible();
});

// The consent window's "always" is a second step with its own question: in the gallery and WCAG
// 2.1 AA in each of the four languages. The window speaks the browser's language, not the one the
// page names (which here is always another).
for (const lang of ['nl', 'fr', 'de', 'en'] as const) {
  test.describe(() => {
    test.use({ browserLanguage: lang });
    test(`the consent window's confirmation of "always", in the gallery and WCAG 2.1 AA (${lang})`, async ({
      page,
      context,
      appServer,
      card,
    }, testInfo) => {
      const check = new CardCheck(page);
      await check.open(appServer.url);
      const opened = context.waitForEvent('page');
      const pageLang = lang === 'en' ? 'nl' : 'en';
      const answer = ask(page, { type: 'read-identity', args: { reader: null, lang: pageLang } });
      const consent = await opened;
      await expect(consent.getByTestId('holder')).toHaveText(card.holder);
      await expect(consent.locator('html')).toHaveAttribute('lang', lang);
      await consent.locator('#allow-always').click();
      await expect(consent.locator('#always')).toBeVisible();
      await expect(consent.locator('#allow-always-yes')).toBeEnabled();
      await expectAccessible(consent, testInfo, `consent-always-${lang}`);
      // Back to the three answers, then refused: nothing is kept, the page gets nothing.
      await consent.locator('#always-back').click();
      await expect(consent.locator('#refuse')).toBeEnabled();
      await consent.locator('#refuse').click();
      expect((await answer).args.code).toBe('user-cancelled');
    });
  });
}
