// What a compromised page on an allow-listed origin can ask of the card, through the real
// extension, card bridge and pcscd: anything but one of ehcert's own eHealth requests about the
// card holder is refused before a PIN window opens, and nothing is signed.
import type { Page } from '@playwright/test';

import { expect, test } from './fixtures';

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
