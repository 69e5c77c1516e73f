// The fault matrix of a new personal certificate: eHealth failing on each of its calls, the PIN
// blocked, the card pulled out mid-signature, the reader unplugged, a wrong or damaged keystore.
// Each ends in a clear message that says what to do next, and the key is never lost: the pending
// keystore stays in the browser (and in the downloaded file) until the final one is saved.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { BIN_DIR, DIST_DIR, expect, startServer, test } from './fixtures';
import { publicKeyOf } from './oracles';

import { CardCheck } from './pages/card-check';
import { CompleteRequestPage, NewCertificateFlow, keystoreName } from './pages/new-certificate';

const PASSWORD = 'Huisarts-2026';

/** From the card to the pending keystore's download (returned), in English. */
function upToSigning(flow: NewCertificateFlow, appUrl: string) {
  return flow.upToSigning(appUrl, 'Jan Pieter Peeters', PASSWORD);
}

function operations(requests: any[], name: string) {
  return requests.filter((request) => request.operation === name);
}

/** What the page says for each kind of fault (app/src/error.rs), and whether eHealth carried the
 *  request out before the answer went wrong (the mock's faults, e2e/mock-ehealth). */
const FAULTS = {
  'http-500': { message: "eHealth’s service reported an internal problem. Try again in a few minutes.", carriedOut: false },
  malformed: { message: "eHealth’s answer could not be read. Try again later; if it keeps happening, contact support.", carriedOut: true },
  drop: { message: "eHealth’s service is not available right now (it answered with an error page). Try again later.", carriedOut: true },
} as const;

// Every call of the new certificate flow, each fault: the message, then the way on that a
// person takes (press the same button again, or "Complete a request"), with one request and
// the key from the pending keystore in the end.
for (const operation of ['GenerateContract', 'GenerateCertificate', 'GetCertificate', 'StartETKRegistration', 'CompleteETKRegistration']) {
  for (const kind of ['http-500', 'malformed', 'drop'] as const) {
    test(`${kind} on ${operation}: a clear message, and the certificate is still obtained with the same key`, async ({
      page,
      context,
      localApp,
      card,
      certra,
    }, testInfo) => {
      void card;
      const fault = FAULTS[kind];
      const flow = new NewCertificateFlow(page);
      const alert = page.getByTestId('error');
      const finalFile = testInfo.outputPath('final.acc-p12');
      await certra.fault({ kind, operation });
      if (operation === 'GenerateContract') {
        await flow.open(localApp.url);
        await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
        await expect(alert).toContainText(fault.message);
        await page.getByRole('button', { name: 'Continue' }).click();
        await flow.acceptContract();
        await flow.choosePassword(PASSWORD);
        const final = page.waitForEvent('download');
        await (await flow.signRequest(context)).enterPin('1234');
        await (await final).saveAs(finalFile);
      } else {
        const pendingFile = testInfo.outputPath('pending.acc-p12');
        await (await upToSigning(flow, localApp.url)).saveAs(pendingFile);
        await (await flow.signRequest(context)).enterPin('1234');
        await expect(alert).toContainText(fault.message);
        if (operation === 'GenerateCertificate') {
          // Signing again: when eHealth delivers the certificate, the request is continued
          // without a PIN; otherwise the holder's certificate list (authentication key) says
          // whether eHealth got it, and a request it never got is signed and sent again.
          const final = page.waitForEvent('download');
          if (fault.carriedOut) {
            await page.getByRole('button', { name: 'Sign and send the request' }).click();
          } else {
            await (await flow.signRequestAfterLookUp(context, '1234')).enterPin('1234');
          }
          await (await final).saveAs(finalFile);
          await expect(flow.done()).toContainText('Your eHealth certificate is ready');
        } else {
          const complete = new CompleteRequestPage(page);
          await complete.open(localApp.url);
          await (await complete.complete(PASSWORD)).saveAs(finalFile);
          await expect(page.getByTestId('outcome')).toHaveAttribute('data-state', 'ok');
        }
        expect(publicKeyOf(finalFile, PASSWORD)).toBe(publicKeyOf(pendingFile, PASSWORD));
      }
      const requests = await certra.requests();
      expect(requests.filter((r: any) => r.operation === 'GenerateCertificate' && r.outcome === 'success')).toHaveLength(1);
      expect((await certra.state()).certificates).toMatchObject([{ status: 'VALID_ACTIVE', etk_status: 'VALID_ACTIVE' }]);
    });
  }
}

// Whether eHealth lists requests still in progress is not known (app/certra/FIDELITY.md #11).
// A server that does not say so (no `--dialect …,in-progress-listed`) never has a lost request
// sent twice: the holder's list is asked, and when the key is not in it the person is told what
// to do next; the pending keystore stays where it was.
test('a lost request eHealth neither delivers nor lists is not sent again where that cannot tell', async ({
  page,
  context,
  certraServer,
  card,
  certra,
}) => {
  void card;
  // Received and waiting for eHealth's validation, and not in the holder's list.
  await certra.knobs({ hide_in_progress: true, manual_validation: true });
  const app = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `local=${certraServer.url}`,
  ]);
  try {
    const flow = new NewCertificateFlow(page);
    await upToSigning(flow, app.url);
    await certra.fault({ kind: 'drop', operation: 'GenerateCertificate' });
    await (await flow.signRequest(context)).enterPin('1234');
    await expect(page.getByTestId('error')).toContainText(FAULTS.drop.message);
    const lookUp = await flow.signRequest(context);
    await expect(lookUp.detail('key')).toHaveText(flow.words.pin.keyAuthentication);
    await lookUp.enterPin('1234');
    await expect(page.getByTestId('error')).toContainText(
      'eHealth does not say whether your request reached it, so it was not sent again',
    );
    await expect(page.getByTestId('error')).toContainText('Complete a request');
    const generate = operations(await certra.requests(), 'GenerateCertificate');
    expect(generate).toHaveLength(1);
    expect((await certra.state()).certificates).toMatchObject([{ status: 'IN_PROGRESS' }]);
  } finally {
    app.process.kill('SIGTERM');
  }
});

test('contact data eHealth\'s client would refuse are named before anything is sent, and corrected', async ({ page, localApp, card, certra }) => {
  void card;
  const flow = new NewCertificateFlow(page);
  await flow.open(localApp.url);
  await flow.contactData('jan.peeters@example.be', '0470/12.34.56');
  await expect(page.getByTestId('error')).toContainText('your phone number is not a phone number eHealth accepts');
  // The browser's own e-mail check lets this through (a domain without a dot); the connector's
  // pattern does not.
  await flow.contactData('jan.peeters@example', '+32 470 12 34 56');
  await expect(page.getByTestId('error')).toContainText('your e-mail address is not an e-mail address eHealth accepts');
  expect(operations(await certra.requests(), 'GenerateContract')).toHaveLength(0);
  await flow.contactData('jan.peeters@example.be', '+32 470 12 34 56');
  await expect(flow.dn()).toContainText('CN=SSIN=85073003328');
});

test('no answer to GenerateContract within 30 s ends the wait with a clear message', async ({ page, localApp, card, certra }) => {
  void card;
  test.setTimeout(90_000);
  await certra.fault({ kind: 'slow', operation: 'GenerateContract', delay_ms: 35_000 });
  const flow = new NewCertificateFlow(page);
  await flow.open(localApp.url);
  await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
  await expect(page.getByTestId('error')).toContainText('no answer in time', { timeout: 40_000 });
  await expect(page.getByTestId('error')).toContainText('try again');
});

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

test('a wrong password or a damaged file at "Complete a request" is explained, and the kept certificate file stays', async ({
  page,
  localApp,
  card,
  certra,
}, testInfo) => {
  void card;
  void certra;
  const pendingName = keystoreName((await upToSigning(new NewCertificateFlow(page), localApp.url)).suggestedFilename());
  const complete = new CompleteRequestPage(page);
  await complete.open(localApp.url);
  await complete.page.getByLabel('Certificate password').fill('Not-the-password-1');
  await page.getByRole('button', { name: 'Complete the request' }).click();
  await expect(page.getByTestId('outcome')).toHaveText('the certificate password is wrong. Type it again, paying attention to capitals.');

  const damaged = testInfo.outputPath('damaged.acc-p12');
  await writeFile(damaged, Buffer.from('this is not a certificate file at all, just text'));
  await page.getByLabel('Request file (.p12 or .acc-p12)').setInputFiles(damaged);
  await page.getByLabel('Certificate password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Complete the request' }).click();
  await expect(page.getByTestId('outcome')).toContainText('this file is not a certificate file');
  await page.reload();
  await expect(page.getByTestId('stored-pending')).toContainText(pendingName);
});

test('three wrong PINs: the PIN is blocked, and the page says how to unblock it', async ({ page, context, appServer, card }) => {
  const { check, pinWindow } = await CardCheck.waitingForPin(page, context, appServer.url, card.holder);
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
  const { check, pinWindow } = await CardCheck.waitingForPin(page, context, appServer.url, card.holder);
  await card.remove();
  await pinWindow.enterPin('1234');
  await expect(check.result).toHaveAttribute('data-state', 'bad');
  await expect(check.result).toContainText(/card left the reader|no card in the reader/);
});

const NO_READER = 'no card reader was found. Connect your card reader and try again.';

test('the reader unplugged before the card is read and again while the PIN window is open: the page says to connect it, and the same request goes on', async ({
  page,
  context,
  localApp,
  card,
  pcscd,
  certra,
}, testInfo) => {
  await card.remove();
  await pcscd.unplugReader();
  const flow = new NewCertificateFlow(page);
  await flow.open(localApp.url);
  await expect(page.getByTestId('error')).toHaveText(NO_READER);
  await pcscd.plugReaderIn();
  await card.insert();
  await page.getByRole('button', { name: 'Read my card again' }).click();
  await expect(flow.holder()).toHaveText(card.holder);
  await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
  await flow.acceptContract();
  const pendingFile = testInfo.outputPath('pending.acc-p12');
  await (await flow.choosePassword(PASSWORD)).saveAs(pendingFile);

  // Pulled out while the PIN window waits (each card operation is its own bridge process, so the
  // signature starts after the PIN and finds no reader): nothing is signed or sent.
  const pinWindow = await flow.signRequest(context);
  await expect(pinWindow.detail('holder')).toHaveText(card.holder);
  await card.remove();
  await pcscd.unplugReader();
  await pinWindow.enterPin('1234');
  await expect(page.getByTestId('error')).toHaveText(NO_READER);
  expect(operations(await certra.requests(), 'GenerateCertificate')).toHaveLength(0);

  await pcscd.plugReaderIn();
  await card.insert();
  const final = page.waitForEvent('download');
  await (await flow.signRequest(context)).enterPin('1234');
  const finalFile = testInfo.outputPath('final.acc-p12');
  await (await final).saveAs(finalFile);
  await expect(flow.done()).toBeVisible();
  expect(publicKeyOf(finalFile, PASSWORD)).toBe(publicKeyOf(pendingFile, PASSWORD));
  expect(operations(await certra.requests(), 'GenerateCertificate')).toHaveLength(1);
});

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
          pendingName = keystoreName(pending.suggestedFilename());
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
      await reuse.getByLabel('Certificate password').fill(PASSWORD);
      await reuse.getByRole('button', { name: 'Continue with this key' }).click();
    } else {
      await expect(page.getByTestId('reuse-key')).toHaveCount(0);
      await flow.choosePassword(PASSWORD);
    }
    const final = page.waitForEvent('download');
    if (pendingFile) {
      // The key may have been sent before the reload: eHealth's list is looked at first.
      await (await flow.signRequestAfterLookUp(context, '1234')).enterPin('1234');
    } else {
      await (await flow.signRequest(context)).enterPin('1234');
    }
    const finalFile = testInfo.outputPath('final.acc-p12');
    await (await final).saveAs(finalFile);
    await expect(flow.done()).toContainText('Your eHealth certificate is ready');
    expect(operations(await certra.requests(), 'GenerateCertificate')).toHaveLength(1);
    if (pendingFile) expect(publicKeyOf(finalFile, PASSWORD)).toBe(publicKeyOf(pendingFile, PASSWORD));
  });
}

test('a request left mid-ETK-registration is not replaced by a new key: the page says to complete it first', async ({
  page,
  context,
  localApp,
  card,
  certra,
}, testInfo) => {
  void card;
  const flow = new NewCertificateFlow(page);
  const pendingName = keystoreName((await upToSigning(flow, localApp.url)).suggestedFilename());
  await certra.fault({ kind: 'drop', operation: 'CompleteETKRegistration' });
  await (await flow.signRequest(context)).enterPin('1234');
  await expect(page.getByTestId('error')).toBeVisible();

  // Another request started in the same browser (here: after a reload) stops before a key is made.
  await page.reload();
  await expect(flow.holder()).toHaveText('Jan Pieter Peeters');
  await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
  await flow.acceptContract();
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create my key' }).click();
  await expect(page.getByTestId('error')).toHaveText(
    `the request for ${pendingName} in this browser is nearly finished. Complete it first with “Complete a request”; then you can start a new one.`,
  );

  const complete = new CompleteRequestPage(page);
  await complete.open(localApp.url);
  await (await complete.complete(PASSWORD)).saveAs(testInfo.outputPath('final.acc-p12'));
  await expect(page.getByTestId('outcome')).toHaveAttribute('data-state', 'ok');
  expect((await certra.state()).certificates).toMatchObject([{ status: 'VALID_ACTIVE', etk_status: 'VALID_ACTIVE' }]);
});
