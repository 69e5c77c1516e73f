// The main flows with the keyboard only: every control is reached with Tab, chosen with the
// keys a keyboard user has (typing, Space, Enter), and the PIN is typed into the PIN window,
// which takes the focus by itself. The mouse is never used.
import { expect, test } from './fixtures';
import { keytool } from './oracles';

import { tabTo } from './pages/keyboard';

const PASSWORD = 'Huisarts-2026';

test('a new personal certificate from the home page to the certificate file, keyboard only', async ({
  page,
  context,
  localApp,
  card,
  certra,
}, testInfo) => {
  await page.goto(`${localApp.url}/`);
  await tabTo(page, page.getByRole('link', { name: 'New personal certificate' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('holder')).toHaveText(card.holder);

  await tabTo(page, page.getByLabel('E-mail address'));
  await page.keyboard.type('jan.peeters@example.be');
  await tabTo(page, page.getByLabel('Phone number'));
  await page.keyboard.type('+32 470 00 00 00');
  await page.keyboard.press('Enter');

  // The person is named in words; the DN waits under "Technical details".
  await expect(page.getByTestId('subject')).toHaveText('JAN PIETER PEETERS, national register number 85.07.30-033.28');
  await expect(page.getByTestId('dn')).toBeHidden();
  await tabTo(page, page.getByLabel('I have read this contract and accept it'));
  await page.keyboard.press('Space');
  await expect(page.getByLabel('I have read this contract and accept it')).toBeChecked();
  await tabTo(page, page.getByRole('button', { name: 'Continue' }));
  await page.keyboard.press('Enter');

  await tabTo(page, page.getByLabel('Password', { exact: true }));
  await page.keyboard.type(PASSWORD);
  await tabTo(page, page.getByLabel('Password again'));
  await page.keyboard.type(PASSWORD);
  const pending = page.waitForEvent('download');
  await tabTo(page, page.getByRole('button', { name: 'Create my key' }));
  await page.keyboard.press('Enter');
  await pending;

  await tabTo(page, page.getByRole('button', { name: 'Sign and send the request' }));
  const opened = context.waitForEvent('page');
  const final = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  const pinWindow = await opened;
  await expect(pinWindow.getByLabel('PIN code (4 to 12 digits)')).toBeFocused();
  await pinWindow.keyboard.type('1234');
  await pinWindow.keyboard.press('Enter');
  const finalFile = testInfo.outputPath('final.acc-p12');
  await (await final).saveAs(finalFile);
  await expect(page.getByTestId('done')).toContainText('Your eHealth certificate is ready');
  const listing = keytool(finalFile, PASSWORD);
  expect(listing).toContain('Your keystore contains 2 entries');
  expect((await certra.state()).certificates).toMatchObject([{ status: 'VALID_ACTIVE' }]);
});

test('the health check of a certificate file and a language switch, keyboard only', async ({ page, localApp }) => {
  await page.goto(`${localApp.url}/`);
  await tabTo(page, page.getByLabel('Language'));
  await page.keyboard.type('Neder');
  await expect(page.getByRole('link', { name: 'Een certificaatbestand controleren of het wachtwoord wijzigen' })).toBeVisible();
  await tabTo(page, page.getByRole('link', { name: 'Een certificaatbestand controleren of het wachtwoord wijzigen' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Een certificaatbestand controleren');
  // Without a file, the check says what to do, in Dutch.
  await tabTo(page, page.getByLabel('Wachtwoord van het certificaat'));
  await page.keyboard.type('whatever');
  await page.keyboard.press('Enter');
  // The alert: a title saying what it is about, then what to do.
  const alert = page.getByRole('alert');
  await expect(alert.locator('.alert-title')).toHaveText('Probleem met het certificaatbestand');
  await expect(page.getByTestId('error')).toHaveText('kies eerst het certificaatbestand, en geef zijn wachtwoord.');
  // It follows a change of language, like the rest of the page.
  await tabTo(page, page.getByLabel('Taal'));
  await page.keyboard.type('Fran');
  await expect(alert.locator('.alert-title')).toHaveText('Problème avec le fichier du certificat');
  await expect(page.getByTestId('error')).toHaveText('choisissez d’abord le fichier du certificat, et donnez son mot de passe.');
});
