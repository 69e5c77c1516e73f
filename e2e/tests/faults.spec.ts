// The fault matrix of a new personal certificate: eHealth failing on each of its calls, the PIN
// blocked, the card pulled out mid-signature, a wrong or damaged keystore. Each ends in a clear
// message that says what to do next, and the key is never lost: the pending keystore stays in
// the browser (and in the downloaded file) until the final one is saved.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';

import { expect, test } from './fixtures';

import { CardCheck } from './pages/card-check';
import { CompleteRequestPage, NewCertificateFlow } from './pages/new-certificate';

const PASSWORD = 'Huisarts-2026';

/** From the card to the pending keystore's download, in English. */
async function upToSigning(flow: NewCertificateFlow, appUrl: string) {
  await flow.open(appUrl);
  await expect(flow.holder()).toHaveText('Jan Pieter Peeters');
  await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
  await flow.acceptContract();
  return (await flow.choosePassword(PASSWORD)).suggestedFilename();
}

function operations(requests: any[], name: string) {
  return requests.filter((request) => request.operation === name);
}

test('eHealth failing on GenerateContract (HTTP 500) is explained, and Continue then works', async ({ page, localApp, card, certra }) => {
  void card;
  await certra.fault({ kind: 'http-500', operation: 'GenerateContract' });
  const flow = new NewCertificateFlow(page);
  await flow.open(localApp.url);
  await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
  await expect(page.getByRole('alert')).toHaveText("eHealth's service reported an internal problem. Try again in a few minutes.");
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(flow.dn()).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('no answer to GenerateContract within 30 s ends the wait with a clear message', async ({ page, localApp, card, certra }) => {
  void card;
  test.setTimeout(90_000);
  await certra.fault({ kind: 'slow', operation: 'GenerateContract', delay_ms: 35_000 });
  const flow = new NewCertificateFlow(page);
  await flow.open(localApp.url);
  await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
  await expect(page.getByRole('alert')).toContainText('no answer in time', { timeout: 40_000 });
  await expect(page.getByRole('alert')).toContainText('try again');
});

test('the answer to GenerateCertificate lost: signing again continues the request eHealth has, without a second one', async ({
  page,
  context,
  localApp,
  card,
  certra,
  bridgeLog,
}, testInfo) => {
  void card;
  const pendingName = await upToSigning(new NewCertificateFlow(page), localApp.url);
  await certra.fault({ kind: 'drop', operation: 'GenerateCertificate' });
  const flow = new NewCertificateFlow(page);
  await (await flow.signRequest(context)).enterPin('1234');
  await expect(page.getByRole('alert')).toBeVisible();

  const final = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Sign and send the request' }).click();
  await (await final).saveAs(testInfo.outputPath('final.acc-p12'));
  await expect(flow.done()).toContainText('Your eHealth certificate is ready');
  expect(operations(await certra.requests(), 'GenerateCertificate')).toHaveLength(1);
  expect((await bridgeLog()).filter((line) => /^\S+ #\d+ sign /.test(line)), 'one PIN entry').toHaveLength(1);
  // The final keystore took the pending one's name.
  expect((await final).suggestedFilename()).toBe(pendingName);
});

for (const [kind, operation, message] of [
  ['malformed', 'GetCertificate', "eHealth's answer could not be read."],
  ['http-500', 'StartETKRegistration', "eHealth's service reported an internal problem."],
  ['http-500', 'CompleteETKRegistration', "eHealth's service reported an internal problem."],
] as const) {
  test(`a ${kind} answer to ${operation} keeps the pending keystore, and "Complete a request" finishes it`, async ({
    page,
    context,
    localApp,
    card,
    certra,
  }, testInfo) => {
    void card;
    const flow = new NewCertificateFlow(page);
    const pendingName = await upToSigning(flow, localApp.url);
    await certra.fault({ kind, operation });
    await (await flow.signRequest(context)).enterPin('1234');
    await expect(page.getByRole('alert')).toContainText(message);

    const complete = new CompleteRequestPage(page);
    await complete.open(localApp.url);
    await expect(page.getByTestId('stored-pending')).toContainText(pendingName);
    await (await complete.complete(PASSWORD)).saveAs(testInfo.outputPath('final.acc-p12'));
    await expect(page.getByTestId('outcome')).toHaveAttribute('data-state', 'ok');
    const requests = await certra.requests();
    expect(operations(requests, 'GenerateCertificate')).toHaveLength(1);
    expect((await certra.state()).certificates).toMatchObject([{ status: 'VALID_ACTIVE', etk_status: 'VALID_ACTIVE' }]);
  });
}

test('CERT_NOT_YET_DELIVERED for a while: the flow keeps asking and finishes by itself', async ({ page, context, localApp, card, certra }) => {
  void card;
  await certra.knobs({ not_yet_delivered: 2 });
  const flow = new NewCertificateFlow(page);
  await upToSigning(flow, localApp.url);
  const final = page.waitForEvent('download');
  await (await flow.signRequest(context)).enterPin('1234');
  await expect(page.getByTestId('status')).toContainText('Waiting for eHealth');
  await final;
  await expect(flow.done()).toContainText('Your eHealth certificate is ready');
  expect(operations(await certra.requests(), 'GetCertificate')).toHaveLength(3);
});

test('a wrong password or a damaged file at "Complete a request" is explained, and the kept keystore stays', async ({
  page,
  localApp,
  card,
  certra,
}, testInfo) => {
  void card;
  void certra;
  const pendingName = await upToSigning(new NewCertificateFlow(page), localApp.url);
  const complete = new CompleteRequestPage(page);
  await complete.open(localApp.url);
  await complete.page.getByLabel('Keystore password').fill('Not-the-password-1');
  await page.getByRole('button', { name: 'Complete the request' }).click();
  await expect(page.getByTestId('outcome')).toHaveText('the keystore password is wrong. Type it again, paying attention to capitals.');

  const damaged = testInfo.outputPath('damaged.acc-p12');
  await writeFile(damaged, Buffer.from('this is not a keystore at all, just text'));
  await page.getByLabel('Pending keystore file (.p12 or .acc-p12)').setInputFiles(damaged);
  await page.getByLabel('Keystore password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Complete the request' }).click();
  await expect(page.getByTestId('outcome')).toContainText('this file is not a keystore');
  await page.reload();
  await expect(page.getByTestId('stored-pending')).toContainText(pendingName);
});

test('three wrong PINs: the PIN is blocked, and the page says how to unblock it', async ({ page, context, appServer, card }) => {
  const check = new CardCheck(page);
  await check.open(appServer.url);
  await check.readCard();
  await expect(check.holder).toHaveText(card.holder);
  const pinWindow = await check.testPin(context);
  await pinWindow.enterPin('9999');
  await expect(pinWindow.message).toHaveText('Wrong PIN. 2 tries left.');
  await pinWindow.enterPin('9999');
  await expect(pinWindow.message).toContainText('1 try left');
  await pinWindow.enterPin('9999');
  await expect(check.result).toHaveText(
    'your eID PIN is blocked after three wrong tries. Unblock it with your PUK code at your municipality, then try again.',
  );
});

test('the card pulled out while the PIN window is open: nothing is signed, and the page says to put it back', async ({
  page,
  context,
  appServer,
  card,
}) => {
  const check = new CardCheck(page);
  await check.open(appServer.url);
  await check.readCard();
  await expect(check.holder).toHaveText(card.holder);
  const pinWindow = await check.testPin(context);
  await card.remove();
  await pinWindow.enterPin('1234');
  await expect(check.result).toHaveAttribute('data-state', 'bad');
  await expect(check.result).toContainText(/card left the reader|no card in the reader/);
});

/** The public key of a keystore's private key, as OpenSSL prints it. */
function publicKeyOf(file: string) {
  const key = execFileSync('openssl', ['pkcs12', '-legacy', '-in', file, '-passin', `pass:${PASSWORD}`, '-nocerts', '-nodes'], {
    encoding: 'utf8',
  });
  return execFileSync('openssl', ['pkey', '-pubout'], { input: key, encoding: 'utf8' });
}

for (const step of ['contact', 'contract', 'password', 'sign'] as const) {
  test(`the tab reloaded at the ${step} step: the flow starts again with no key lost and one request`, async ({
    page,
    context,
    localApp,
    card,
    certra,
  }, testInfo) => {
    void card;
    const flow = new NewCertificateFlow(page);
    await flow.open(localApp.url);
    await expect(flow.holder()).toHaveText('Jan Pieter Peeters');
    let pendingFile: string | undefined;
    let pendingName = '';
    if (step !== 'contact') {
      await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
      if (step !== 'contract') {
        await flow.acceptContract();
        if (step === 'sign') {
          pendingFile = testInfo.outputPath('pending.acc-p12');
          const pending = await flow.choosePassword(PASSWORD);
          pendingName = pending.suggestedFilename();
          await pending.saveAs(pendingFile);
          await expect(page.getByRole('button', { name: 'Sign and send the request' })).toBeVisible();
        }
      }
    }

    await page.reload();
    await expect(flow.holder()).toHaveText('Jan Pieter Peeters');
    await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
    await flow.acceptContract();
    if (pendingFile) {
      // The key made before the reload is offered; a new one is not needed.
      const reuse = page.getByTestId('reuse-key');
      await expect(reuse).toContainText(pendingName);
      await reuse.getByLabel('Keystore password').fill(PASSWORD);
      await reuse.getByRole('button', { name: 'Continue with this key' }).click();
    } else {
      await expect(page.getByTestId('reuse-key')).toHaveCount(0);
      await flow.choosePassword(PASSWORD);
    }
    const final = page.waitForEvent('download');
    await (await flow.signRequest(context)).enterPin('1234');
    const finalFile = testInfo.outputPath('final.acc-p12');
    await (await final).saveAs(finalFile);
    await expect(flow.done()).toContainText('Your eHealth certificate is ready');
    expect(operations(await certra.requests(), 'GenerateCertificate')).toHaveLength(1);
    if (pendingFile) expect(publicKeyOf(finalFile)).toBe(publicKeyOf(pendingFile));
  });
}
