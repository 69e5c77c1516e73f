// WCAG 2.1 AA (axe-core: no serious or critical violation) on every screen of the app and on
// every step of the new certificate flow, including the extension's PIN window, in English, Dutch
// and French (the PIN window also in German). Each screen's screenshot is attached to the test's
// report.
import path from 'node:path';

import { BIN_DIR, DIST_DIR, expect, startServer, test } from './fixtures';

import { expectAccessible } from './pages/accessibility';
import { CardCheck } from './pages/card-check';
import { CertificatesPage } from './pages/certificates';
import { KeystorePage } from './pages/keystore';
import { ActivateEtkPage, ForeignerPage, OrganisationFlow, RenewalFlow } from './pages/more-flows';
import { CompleteRequestPage, NewCertificateFlow } from './pages/new-certificate';
import { DUTCH, ENGLISH, FRENCH, openIn } from './pages/words';

test('every screen of the app passes the WCAG 2.1 AA checks', async ({ page, localApp, card, certra }, testInfo) => {
  expect(card.holder).toBeTruthy();
  await certra.knobs({});
  await page.goto(`${localApp.url}/`);
  await expect(page.getByRole('heading', { name: 'eHealth certificate', level: 1 })).toBeVisible();
  await expect(page.getByText('Connected, version').first()).toBeVisible();
  await expectAccessible(page, testInfo, 'home');

  await new OrganisationFlow(page).open(localApp.url);
  await expectAccessible(page, testInfo, 'new-organisation');
  await new CompleteRequestPage(page).open(localApp.url);
  await expectAccessible(page, testInfo, 'complete');
  await new RenewalFlow(page).open(localApp.url);
  await expectAccessible(page, testInfo, 'renew');
  await new ActivateEtkPage(page).open(localApp.url);
  await expectAccessible(page, testInfo, 'activate-etk');
  await new CertificatesPage(page).open(localApp.url);
  await expectAccessible(page, testInfo, 'certificates');
  await new KeystorePage(page).open(localApp.url);
  await expectAccessible(page, testInfo, 'keystore');
  await new ForeignerPage(page).open(localApp.url);
  await expectAccessible(page, testInfo, 'foreigner');

  await page.goto(`${localApp.url}/#diagnostics`);
  await expect(page.getByTestId('keygen')).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });
  await expect(page.locator('[data-environment="local"] [data-state="ok"]')).toBeVisible();
  await expectAccessible(page, testInfo, 'diagnostics');
});

for (const words of [ENGLISH, DUTCH, FRENCH]) {
  test.describe(() => {
    test.use({ browserLanguage: words.code });
    test(`every step of a new certificate passes the WCAG 2.1 AA checks (${words.language})`, async ({
      page,
      context,
      localApp,
      card,
      certra,
    }, testInfo) => {
      await certra.knobs({});
      const flow = new NewCertificateFlow(page, words);
      await flow.open(localApp.url);
      await expect(flow.holder()).toHaveText(card.holder);
      await expectAccessible(page, testInfo, '1-card-and-contact');
      await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
      await expect(flow.subject()).toBeVisible();
      await expectAccessible(page, testInfo, '2-contract');
      await flow.acceptContract();
      // The live password rules, with some met and some not.
      await page.getByLabel(words.password, { exact: true }).fill('short');
      await expectAccessible(page, testInfo, '3-password-rules');
      await flow.choosePassword('Huisarts-2026');
      await expect(page.getByRole('button', { name: words.sign })).toBeVisible();
      await expectAccessible(page, testInfo, '4-sign');
      const pinWindow = await flow.signRequest(context);
      await expect(pinWindow.pin).toBeVisible();
      await expectAccessible(pinWindow.page, testInfo, '5-pin-window');
      await pinWindow.enterPin('1234');
      await expect(flow.done()).toBeVisible({ timeout: 30_000 });
      await expectAccessible(page, testInfo, '6-done');
    });
  });
}

// What people meet first or when stuck: the home page without the extension or without the card
// software (with the operator's download links and contact), and the PIN window after a wrong PIN.
test('the home page without the extension, in the gallery and WCAG 2.1 AA', async ({ page }, testInfo) => {
  // 127.0.0.2 is not an origin the extension serves: the page finds no extension.
  const other = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.2:0',
    '--install', 'extension-chrome=https://chromewebstore.google.com/detail/ehcert/ihbedndnijflbnlknbfafabcflgcfela',
    '--operator', 'AZ Voorbeeld, ICT department', '--support', 'helpdesk@az-voorbeeld.be, 09 123 45 67',
  ]);
  try {
    await page.goto(other.url);
    await expect(page.locator('[data-component="extension"]')).toHaveAttribute('data-state', 'bad');
    await expectAccessible(page, testInfo, 'home-extension-missing');
  } finally {
    other.process.kill('SIGTERM');
  }
});

test.describe('without the card software', () => {
  test.use({ bridgeInstalled: false });
  test('the home page without the card software, in the gallery and WCAG 2.1 AA', async ({ page }, testInfo) => {
    const server = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
      '--dist', DIST_DIR, '--listen', '127.0.0.1:0',
      '--install', 'bridge-linux=/downloads/ehcert-card-bridge_0.1.0_amd64.deb',
      '--operator', 'AZ Voorbeeld, ICT department', '--support', 'helpdesk@az-voorbeeld.be, 09 123 45 67',
    ]);
    try {
      await page.goto(server.url);
      await expect(page.locator('[data-component="bridge"]')).toHaveAttribute('data-state', 'bad');
      await expectAccessible(page, testInfo, 'home-card-software-missing');
    } finally {
      server.process.kill('SIGTERM');
    }
  });
});

test('the PIN window after a wrong PIN, in the gallery and WCAG 2.1 AA', async ({ page, context, appServer, card }, testInfo) => {
  const { pinWindow } = await CardCheck.waitingForPin(page, context, appServer.url, card.holder);
  await pinWindow.enterPin('9999');
  await expect(pinWindow.message).toHaveText('Wrong PIN. 2 tries left.');
  await expectAccessible(pinWindow.page, testInfo, 'pin-window-wrong-pin');
  await pinWindow.enterPin('1234');
});

// The PIN window speaks the browser's language whatever the page's: a German browser on the
// English page shows the certificate request, with where eHealth sends its notices, in German
// (the fourth language of the gallery's PIN windows beside English, Dutch and French above).
test.describe('in a German browser', () => {
  test.use({ browserLanguage: 'de' });
  test('the PIN window of a certificate request speaks German on an English page, in the gallery and WCAG 2.1 AA', async ({
    page,
    context,
    localApp,
    card,
    certra,
  }, testInfo) => {
    await certra.knobs({});
    const flow = new NewCertificateFlow(page);
    await flow.upToSigning(localApp.url, card.holder, 'Huisarts-2026');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    const pinWindow = await flow.signRequest(context);
    await expect(pinWindow.page.locator('html')).toHaveAttribute('lang', 'de');
    await expect(pinWindow.page.getByLabel('PIN (4 bis 12 Ziffern)')).toBeVisible();
    await expect(pinWindow.detail('contact')).toContainText('jan.peeters@example.be');
    await expectAccessible(pinWindow.page, testInfo, 'pin-window-certificate-request-de');
    await pinWindow.page.getByRole('button', { name: 'Abbrechen' }).click();
  });
});

// The privacy page the extension's store listings link to (app/privacy/), reached from the home
// page in the person's language, served under the same strict CSP as the app.
for (const [code, language, heading] of [
  ['nl', 'Nederlands', 'ehcert en uw gegevens'],
  ['fr', 'Français', 'ehcert et vos données'],
  ['de', 'Deutsch', 'ehcert und Ihre Daten'],
  ['en', 'English', 'ehcert and your data'],
] as const) {
  test(`the privacy page in ${language}, from the home page, in the gallery and WCAG 2.1 AA`, async ({ page, appServer }, testInfo) => {
    await openIn(page, appServer.url, { language, code });
    await page.getByTestId('privacy').click();
    await expect(page).toHaveURL(new RegExp(`/privacy/${code}\\.html$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await expect(page.locator('html')).toHaveAttribute('lang', code);
    const served = await page.request.get(page.url());
    expect(served.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await served.text()).not.toContain('<script');
    await expectAccessible(page, testInfo, `privacy-${code}`);
  });
}

// The help for "it does not work" (app/help/), reached from the home page in the person's language,
// with a part per problem the errors link to; plain HTML under the same strict CSP.
for (const [code, language, heading, part] of [
  ['nl', 'Nederlands', 'Als iets niet werkt', 'Er wordt geen kaartlezer gevonden'],
  ['fr', 'Français', 'Si quelque chose ne fonctionne pas', 'Aucun lecteur de carte n’est trouvé'],
  ['de', 'Deutsch', 'Wenn etwas nicht funktioniert', 'Kein Kartenlesegerät gefunden'],
  ['en', 'English', 'When something does not work', 'No card reader is found'],
] as const) {
  test(`the help in ${language}, from the home page, in the gallery and WCAG 2.1 AA`, async ({ page, appServer }, testInfo) => {
    await openIn(page, appServer.url, { language, code });
    await page.getByTestId('help').click();
    await expect(page).toHaveURL(new RegExp(`/help/${code}\\.html$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await expect(page.locator('html')).toHaveAttribute('lang', code);
    const parts = page.getByRole('heading', { level: 2 });
    await expect(parts).toHaveCount(6);
    await expect(parts.first()).toHaveText(part);
    for (const id of ['no-reader', 'no-card', 'pin', 'missing', 'snap', 'keystore']) await expect(page.locator(`section#${id} li`).first()).toBeVisible();
    const served = await page.request.get(page.url());
    expect(served.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await served.text()).not.toContain('<script');
    await expectAccessible(page, testInfo, `help-${code}`);
  });
}

/** Every screen and its English title (app/lang/en.json). */
const SCREENS: [string, string][] = [
  ['', 'eHealth certificate'],
  ['#new-organisation', 'New certificate for an organisation'],
  ['#complete', 'Complete a certificate request'],
  ['#renew', 'Renew a certificate'],
  ['#activate-etk', 'Activate the new ETK'],
  ['#certificates', 'My eHealth certificates'],
  ['#keystore', 'Check a certificate file'],
  ['#foreigner', 'Certificate for a care provider abroad'],
  ['#diagnostics', 'Browser check'],
];

for (const [language, code] of [
  ['Nederlands', 'nl'],
  ['Français', 'fr'],
  ['Deutsch', 'de'],
] as const) {
  test(`every screen in ${language}: translated, and passing the WCAG 2.1 AA checks`, async ({ page, localApp, card }, testInfo) => {
    void card;
    await page.goto(`${localApp.url}/`);
    // The choice is remembered: every screen after this one opens in it.
    await page.getByLabel('Language').selectOption({ label: language });
    for (const [route, englishTitle] of SCREENS) {
      await page.goto(`${localApp.url}/${route}`);
      await expect(page.locator('html')).toHaveAttribute('lang', code);
      const title = page.getByRole('heading', { level: 1 });
      await expect(title).toBeVisible();
      await expect(title, `the title of "${route || 'home'}" is translated`).not.toHaveText(englishTitle);
      await expectAccessible(page, testInfo, `${code}-${route.slice(1) || 'home'}`);
    }
  });
}
