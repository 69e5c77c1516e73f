// Firefox, proven: Debian's firefox-esr driven over WebDriver BiDi, the extension's Firefox build
// installed as a temporary add-on, the real card bridge registered for Firefox (`card-bridge
// install --browser firefox`, in a home folder of the test's own) and started by Firefox over
// native messaging, pcscd with the simulated eID (pages/firefox.ts). The card check and the
// new-certificate flow's signature go through the extension's PIN window.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

import { expect } from './fixtures';
import { enterPinInPinWindow, firefoxTest as test, newCertificateInFirefox, press } from './pages/firefox';

test.describe('Firefox (firefox-esr over WebDriver BiDi)', () => {
  test('the card check: the bridge over native messaging reads the card and tests the PIN in the PIN window', async ({ firefox: { firefox, page, log }, localApp, card }) => {
    await firefox.navigate(page, `${localApp.url}/#diagnostics`);
    await press(firefox, page, 'Read my card');
    expect(await firefox.waitFor<string>(page, `document.querySelector('[data-testid="card-holder"]')?.textContent || ''`, 'the card holder')).toBe(card.holder);
    await press(firefox, page, 'Test my PIN');
    await enterPinInPinWindow(firefox, card.holder, '1234');
    expect(await firefox.waitFor<string>(page, `document.querySelector('[data-testid="signature-check"]')?.dataset.state || ''`, 'the PIN test result')).toBe('ok');
    // Firefox started the bridge itself: its log (the browser's environment) has the session.
    const lines = (existsSync(log) ? await readFile(log, 'utf8') : '').split('\n');
    expect(lines.some((line) => line.includes('hello: bridge'))).toBe(true);
  });

  test('a new personal certificate: from the eID to the certificate file, signed in the PIN window', async ({ firefox, localApp, card, certra }) => {
    await newCertificateInFirefox(firefox, localApp.url, card.holder, certra);
  });
});
