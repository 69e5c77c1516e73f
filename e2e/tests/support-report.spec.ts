// The help, reached from an error that fits, and the support report on the diagnostics screen: after a PIN check that failed, the report a
// person copies for their helpdesk says which versions run, what the computer sees and what
// failed (the extension's record with the card bridge's own lines), and none of the person's
// data: not the national register number, the names, the PIN tried, or a certificate.

import { askBridge, expect, test } from './fixtures';
import { CardCheck } from './pages/card-check';

// PINs that no timing or version in the report could spell by chance.
const PIN = '802641';
const WRONG_PIN = '917365';

test.use({ cardOptions: { applet: '1.8', pin: PIN } });

test('the support report says what runs and what failed, names no one, and copies as shown', async ({ page, context, appServer, card, versions }) => {
  const { check, pinWindow } = await CardCheck.waitingForPin(page, context, appServer.url, card.holder);
  await pinWindow.enterPin(WRONG_PIN);
  await expect(pinWindow.message).toHaveText('Wrong PIN. 2 tries left.');
  await pinWindow.cancel();
  await expect(check.result).toContainText('cancelled in the PIN window');

  await page.getByRole('button', { name: 'Make the report' }).click();
  const report = page.getByTestId('support-report');
  await expect(report).toContainText('eHealth certificate service:', { timeout: 30_000 });
  const text = (await report.textContent()) ?? '';
  const origin = new URL(appServer.url).origin;
  for (const line of [
    `Page: ${versions.page} (protocols 2) at ${origin}, language en, kiosk: no`,
    `Extension: ${versions.extension} (protocols 2)`,
    `Card bridge: ${versions.bridge} (protocols 2)`,
    ': card present, no PIN pad',
    'Card: applet 1.8, keys ecdsa-p384, in ',
    // Whether eHealth answers, per environment this site offers (the test site: production, where
    // the mock stands in).
    'eHealth certificate service:\n  - production: ',
    `Browser: ${await page.evaluate(() => navigator.userAgent)}`,
    // The extension's record of the card check, with the bridge's lines of it.
    ` card-check: user-cancelled (card bridge ${versions.bridge})`,
    `hello: bridge ${versions.bridge} protocol 2 of [2]`,
    'key=Authentication content=card-check pin=typed',
    'error WrongPin: the card refused the PIN (2 tries left)',
  ]) {
    expect(text, text).toContain(line);
  }
  // The page's own record: the alert it showed, once, by its title (never its message).
  expect(text, text).toMatch(/\nErrors this page showed \(oldest first\):\n {2}- \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ Nothing was signed\n$/);

  // What the page and the card know of the person: none of it is in the report.
  const read = await askBridge({ id: 1, command: { type: 'read-card', args: { reader: null } } });
  expect(read?.type).toBe('card');
  const { identity, certificates } = read!.args;
  const personal = [
    identity.national_number,
    identity.surname,
    ...identity.given_names.split(' '),
    identity.card_number,
    identity.birth_date,
    PIN,
    WRONG_PIN,
    ...[certificates.authentication, certificates.signature, certificates.ca].map((der: string) => der.slice(0, 60)),
  ];
  expect(personal.every((value) => typeof value === 'string' && value.length >= 3)).toBe(true);
  for (const value of personal) {
    expect(text.toLowerCase(), `${value} in the report`).not.toContain(value.toLowerCase());
  }

  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await page.getByRole('button', { name: 'Copy the report' }).click();
  await expect(page.getByTestId('support-copied')).toHaveText('Copied. Paste it into your message to the helpdesk.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
});

test('an error a person can solve links to its part of the help, which opens beside the screen', async ({ page, context, appServer, card }) => {
  await card.remove();
  const check = new CardCheck(page);
  await check.open(appServer.url);
  await check.readCard();
  const error = page.getByTestId('card-error');
  await expect(error).toHaveAttribute('data-state', 'bad');
  const opened = context.waitForEvent('page');
  await page.getByRole('alert').getByRole('link', { name: 'What to do' }).click();
  const help = await opened;
  await expect(help).toHaveURL(/\/help\/en\.html#no-card$/);
  await expect(help.getByRole('heading', { level: 1 })).toHaveText('When something does not work');
  const part = help.getByRole('region', { name: 'The card is not seen' });
  await expect(part).toBeInViewport();
  await expect(part.getByRole('listitem').first()).toContainText('chip first');
  // The screen the person was on kept its state.
  await expect(error).toBeVisible();
  // From the help, the report for the helpdesk.
  await help.getByRole('link', { name: 'Make a report for your helpdesk on the browser check page' }).click();
  await expect(help.getByRole('heading', { name: 'A report for your helpdesk' })).toBeVisible();
});
