// F1 and F3 as a care provider meets them: the app with the mock eHealth service as its "local"
// environment, the extension's PIN window, the real card bridge, pcscd and the simulated eID.
// The keystores the browser downloads are read by OpenSSL and JDK keytool.
import { BIN_DIR, DIST_DIR, expect, forEachCardRun, startServer, test } from './fixtures';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { CertificatesPage } from './pages/certificates';
import { KeystorePage } from './pages/keystore';
import { CompleteRequestPage, NewCertificateFlow, keystoreName } from './pages/new-certificate';
import { keytool, openssl, publicKeyIdentifierOf, validUntilOf, xmlsec1Verify } from './oracles';
import { DUTCH, type Words } from './pages/words';

const PASSWORD = 'Huisarts-2026';
// eHealth's DN as the contract gives it (the identifier's '=' unescaped, as eHealth's own client
// implies); the page and the PIN window show it as given.
const DN = 'CN=SSIN=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN=85073003328,O=Federal Government,C=BE';

/** Checks the final keystore as medical software will read it. */
function expectFinalKeystore(file: string) {
  const listing = keytool(file, PASSWORD);
  expect(listing).toContain('Your keystore contains 2 entries');
  expect(listing).toContain('Alias name: authentication');
  expect(listing).toMatch(/Alias name: \d+\n/);
  expect(listing).toContain('Owner: CN="SSIN=85073003328", OU=eHealth-platform Belgium, OU=JAN PIETER PEETERS');
  expect(listing).toContain('Certificate chain length: 3');
  openssl(file, PASSWORD, '-noout');
}

/** The certificate's holder as the PIN window names them, from the DN the card bridge read. */
const HOLDER_IN_WORDS = (words: Words) => `JAN PIETER PEETERS, ${words.pin.nationalNumber} 85.07.30-033.28`;

/** The flow from the card up to the pending keystore's download, checking the DN on the way. */
function startRequest(flow: NewCertificateFlow, appUrl: string, holder: string) {
  return flow.upToSigning(appUrl, holder, PASSWORD, { dn: DN });
}

test('the app arrives as the precompressed copies the browser accepts, and starts', async ({ page, localApp }) => {
  const arrived = new Map<string, { accepted: string; encoding?: string; vary?: string; body: Buffer }>();
  const done: Promise<void>[] = [];
  page.on('response', (response) => {
    const name = new URL(response.url()).pathname.slice(1);
    if (!/\.(wasm|js|css|json)$/.test(name)) return;
    done.push(
      (async () => {
        const headers = await response.allHeaders();
        const accepted = (await response.request().allHeaders())['accept-encoding'] ?? '';
        arrived.set(name, { accepted, encoding: headers['content-encoding'], vary: headers['vary'], body: await response.body() });
      })(),
    );
  });
  await page.goto(`${localApp.url}/`);
  // The page runs: the wasm was decoded and passed its integrity check.
  await expect(page.locator('[data-component="extension"]')).toHaveAttribute('data-state', 'ok');
  await Promise.all(done);
  for (const name of ['ehcert-app_bg.wasm', 'ehcert-app.js', 'app.css', 'lang/en.json']) {
    const file = arrived.get(name);
    expect(file, `${name} was fetched`).toBeDefined();
    // Chromium offers Brotli over HTTPS and to localhost, gzip everywhere.
    expect(file!.encoding, `${name}, accepting ${file!.accepted}`).toBe(file!.accepted.includes('br') ? 'br' : 'gzip');
    expect(file!.vary?.toLowerCase(), name).toContain('accept-encoding');
    // The browser decoded the copy into the very file the build wrote.
    expect(file!.body.equals(await readFile(path.join(DIST_DIR, name))), name).toBe(true);
  }
});

test.describe('new personal certificate', () => {
  forEachCardRun((words) => {
    test(`from the eID to the final keystore, the pending keystore saved before the request`, async ({
      page,
      context,
      localApp,
      card,
      certra,
    }, testInfo) => {
      const flow = new NewCertificateFlow(page, words);
      const pending = await startRequest(flow, localApp.url, card.holder);
      expect(pending.suggestedFilename()).toMatch(/^SSIN=85073003328 \d{8}-\d{6} request\.acc-p12$/);
      const pendingFile = testInfo.outputPath('pending.acc-p12');
      await pending.saveAs(pendingFile);
      expect(openssl(pendingFile, PASSWORD, '-nokeys')).toMatch(/subject=C ?= ?Dummy/);
      // Nothing was sent for the key yet: it is safe in the file before GenerateCertificate.
      expect((await certra.requests()).map((request: any) => request.operation)).toEqual(['GenerateContract']);
      // The page's sign step shows the new key's code, the one the PIN window will show.
      await expect(page.getByTestId('page-key-id')).toHaveText(publicKeyIdentifierOf(pendingFile, PASSWORD));

      const pinWindow = await flow.signRequest(context);
      await expect(pinWindow.detail('key')).toHaveText(words.pin.keySignature);
      await expect(pinWindow.detail('operation')).toHaveText(words.pin.ops.certificateRequest);
      // What the card bridge read in the signed payload: the person in words, the key of the
      // CSR (computed here by OpenSSL from the pending keystore), the DN as echoed to eHealth.
      await expect(pinWindow.detail('subject')).toHaveText(HOLDER_IN_WORDS(words));
      await expect(pinWindow.detail('key-id')).toHaveText(publicKeyIdentifierOf(pendingFile, PASSWORD));
      await expect(pinWindow.detail('dn')).toHaveText(DN.replaceAll('SSIN=', 'SSIN\\='));
      // Where eHealth will send its notices, as signed: the contact data typed on the page.
      await expect(pinWindow.detail('contact')).toHaveText(/^jan\.peeters@example\.be, \+?32 ?470 ?00 ?00 ?00$/);
      // Names in one script: no warning.
      await expect(pinWindow.detail('mixed-scripts')).toBeHidden();
      const final = page.waitForEvent('download');
      await pinWindow.enterPin('1234');
      const finalFile = testInfo.outputPath('final.acc-p12');
      await (await final).saveAs(finalFile);
      await expect(flow.done()).toContainText(words.done);
      expectFinalKeystore(finalFile);
      // The done message names the file apart from the password, says until when the
      // certificate is valid (the certificate's own end, as the person's language writes
      // dates), and what to do next; saving it comes right under it, as the one primary action.
      await expect(page.getByTestId('file-name')).toHaveText((await final).suggestedFilename());
      await expect(page.getByTestId('valid-until')).toContainText(`${validUntilOf(finalFile, PASSWORD)}.`);
      await expect(page.getByTestId('next-step')).toBeVisible();
      const save = page.getByTestId('keystore-place').getByRole('button').first();
      await expect(save).toHaveClass(/primary/);
      // Without scrolling, on a 1280×720 laptop and on a 1024×768 kiosk screen.
      for (const size of [{ width: 1024, height: 768 }, { width: 1280, height: 720 }]) {
        await page.setViewportSize(size);
        await page.evaluate(() => window.scrollTo(0, 0));
        const box = await save.boundingBox();
        expect(box!.y + box!.height, `the save button at ${size.width}×${size.height}`).toBeLessThan(size.height);
      }
      // The banner is still there at the end, and the done page says where the keystore goes,
      // tells the pending one of the same name apart, and offers the certificate's reminder.
      await expect(page.getByTestId('test-platform')).toContainText(words.testPlatform);
      await expect(page.getByTestId('keystore-place')).toContainText('ehealth');
      await expect(page.getByTestId('pending-not-final')).toBeVisible();
      // Printed, the done page keeps what was made and where it goes, without the page's
      // controls (the masthead, the steps, the buttons).
      await page.emulateMedia({ media: 'print' });
      await expect(flow.done()).toBeVisible();
      await expect(page.getByTestId('keystore-place')).toBeVisible();
      await expect(page.getByTestId('summary')).toBeVisible();
      await expect(page.locator('.masthead')).toBeHidden();
      await expect(page.locator('ol.steps')).toBeHidden();
      await expect(page.getByRole('button', { name: words.reminder })).toBeHidden();
      for (const line of await page.locator('.screen-only').all()) await expect(line).toBeHidden();
      await expect(page.getByTestId('dn').first()).toBeVisible();
      const printed = testInfo.outputPath('done-printed.png');
      await page.screenshot({ path: printed, fullPage: true });
      await testInfo.attach('screen: done page, printed', { path: printed, contentType: 'image/png' });
      await page.emulateMedia({ media: 'screen' });
      await expect(page.getByRole('button', { name: words.reminder })).toBeVisible();
      const reminder = page.waitForEvent('download');
      await page.getByRole('button', { name: words.reminder }).click();
      const ics = await readFile(await (await reminder).path(), 'utf8');
      expect(ics).toContain('BEGIN:VCALENDAR');
      expect(ics).toContain('85073003328');
      // The person's own evidence: the request as eHealth received it, checked by xmlsec1.
      const evidence = page.waitForEvent('download');
      await page.getByRole('button', { name: words.downloadSignedRequest }).click();
      const evidenceFile = testInfo.outputPath((await evidence).suggestedFilename());
      await (await evidence).saveAs(evidenceFile);
      expect(path.basename(evidenceFile)).toMatch(/^signed-GenerateCertificate_[0-9a-f]{32}\.xml$/);
      xmlsec1Verify(evidenceFile, 'urn:be:fgov:ehealth:certra:protocol:v2:GenerateCertificateRequest');

      const state = await certra.state();
      expect(state.certificates).toHaveLength(1);
      expect(state.certificates[0]).toMatchObject({ status: 'VALID_ACTIVE', etk_status: 'VALID_ACTIVE', requester_ssin: '85073003328' });
      const operations = (await certra.requests()).map((request: any) => `${request.operation}:${request.outcome}`);
      expect(operations.filter((operation: string) => operation.startsWith('GenerateCertificate'))).toEqual(['GenerateCertificate:success']);
      expect(operations).toContain('CompleteETKRegistration:success');
    });
  });

  forEachCardRun((words) => {
    test('a reload while eHealth checks the request by hand resumes from the browser copy, with no new key or request', async ({
      page,
      context,
      localApp,
      card,
      certra,
    }, testInfo) => {
      await certra.knobs({ manual_validation: true });
      const flow = new NewCertificateFlow(page, words);
      const pendingName = keystoreName((await startRequest(flow, localApp.url, card.holder)).suggestedFilename());
      const pinWindow = await flow.signRequest(context);
      await pinWindow.enterPin('1234');
      await expect(page.getByRole('status').filter({ hasText: words.waiting })).toBeVisible();
      await expect.poll(async () => (await certra.requests()).filter((r: any) => r.operation === 'GetCertificate').length).toBeGreaterThan(0);

      // The tab is reloaded (or closed and opened again another day).
      await page.reload();
      const held = (await certra.state()).certificates;
      expect(held).toMatchObject([{ status: 'IN_PROGRESS', awaiting_validation: true }]);
      await certra.validate(held[0].public_key_identifier);
      const complete = new CompleteRequestPage(page, words);
      await complete.open(localApp.url);
      await expect(page.getByTestId('stored-pending')).toContainText(pendingName);
      const finalFile = testInfo.outputPath('final.acc-p12');
      await (await complete.complete(PASSWORD)).saveAs(finalFile);
      await expect(page.getByTestId('outcome')).toHaveAttribute('data-state', 'ok');
      expectFinalKeystore(finalFile);
      const generate = (await certra.requests()).filter((request: any) => request.operation === 'GenerateCertificate');
      expect(generate).toHaveLength(1);
      expect((await certra.state()).certificates).toHaveLength(1);
    });
  });

  // F9: the rules are checked as the person types, each said in words (met / not yet), and the
  // key is made only once all are met.
  forEachCardRun((words) => {
    test('the certificate password rules are checked live, in words, and the key waits for all of them', async ({
      page,
      localApp,
      card,
      certra,
    }) => {
      const flow = new NewCertificateFlow(page, words);
      await flow.open(localApp.url);
      await expect(flow.holder()).toHaveText(card.holder);
      await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
      await flow.acceptContract();
      const { met, notMet, length, digit, characters, same } = words.rules;
      const expectRules = async (state: [boolean, boolean, boolean, boolean]) => {
        const lines = [length, digit, characters, same].map((rule, i) => `${state[i] ? met : notMet} ${rule}`);
        await expect(flow.passwordRules()).toHaveText(lines);
        await (state.every(Boolean) ? expect(flow.createKeyButton()).toBeEnabled() : expect(flow.createKeyButton()).toBeDisabled());
      };
      await flow.typePassword('kort', '');
      await expectRules([false, false, true, false]);
      await flow.typePassword('Huisarts2026', '');
      await expectRules([true, true, true, false]);
      await flow.typePassword('Huisärts 2026', 'Huisärts 2026');
      await expectRules([true, true, false, true]);
      await flow.typePassword(PASSWORD, 'Huisarts-2025');
      await expectRules([true, true, true, false]);
      await flow.typePassword(PASSWORD, PASSWORD);
      await expectRules([true, true, true, true]);
      // Nothing was made or sent while the rules were unmet.
      expect((await certra.requests()).map((request: any) => request.operation)).toEqual(['GenerateContract']);
      const pending = page.waitForEvent('download');
      await flow.createKeyButton().click();
      expect((await pending).suggestedFilename()).toMatch(/^SSIN=85073003328 \d{8}-\d{6} request\.acc-p12$/);
    });
  });

  // F11: production keystores are named `.p12`, acceptance ones `.acc-p12` (the others here run
  // against the local service, named as acceptance). A server whose production environment is the
  // mock stands in for eHealth's production platform.
  forEachCardRun((words) => {
    test('in production, the pending and the certificate file are .p12 files', async ({ page, context, certraServer, card, certra }, testInfo) => {
      const app = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
        '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `production=${certraServer.url}`,
      ]);
      try {
        const flow = new NewCertificateFlow(page, words);
        const pending = await flow.upToSigning(app.url, card.holder, PASSWORD, { dn: DN, environment: words.production });
        expect(pending.suggestedFilename()).toMatch(/^SSIN=85073003328 \d{8}-\d{6} request\.p12$/);
        const final = page.waitForEvent('download');
        await (await flow.signRequest(context)).enterPin('1234');
        // Two files of two names: the final keystore keeps eHealth's.
        expect((await final).suggestedFilename()).toBe(keystoreName(pending.suggestedFilename()));
        const finalFile = testInfo.outputPath((await final).suggestedFilename());
        await (await final).saveAs(finalFile);
        expectFinalKeystore(finalFile);
        expect((await certra.state()).certificates).toMatchObject([{ status: 'VALID_ACTIVE', etk_status: 'VALID_ACTIVE' }]);
      } finally {
        app.process.kill('SIGTERM');
      }
    });
  });

  // The EC signature method is the operator's choice per environment (app/certra/FIDELITY.md #1):
  // the server states it to the page, and a service that accepts only ECDSA-SHA384 gets it.
  test.describe('applet 1.8, an environment configured for ECDSA-SHA384', () => {
    test.use({ cardOptions: { applet: '1.8', pin: '1234' } });

    test('the page signs with the method the server states, and a page told nothing uses the default', async ({
      page,
      context,
      localApp,
      certraServer,
      card,
      certra,
    }) => {
      await certra.knobs({ ec_signature_method: 'ecdsa-sha384' });
      // Told nothing: eHealth's EC precedent (ecdsa-sha256), which this service refuses.
      const flow = new NewCertificateFlow(page);
      await flow.upToSigning(localApp.url, card.holder, PASSWORD, { dn: DN });
      await (await flow.signRequest(context)).enterPin('1234');
      await expect(page.getByTestId('error')).toBeVisible();
      expect((await certra.requests()).filter((r: any) => r.operation === 'GenerateCertificate' && r.outcome === 'success')).toHaveLength(0);

      const app = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
        '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `local=${certraServer.url}`,
        '--dialect', 'local=ecdsa-sha384,connector',
      ]);
      try {
        const again = await context.newPage();
        const configured = new NewCertificateFlow(again);
        await configured.open(app.url);
        await configured.contactData('jan.peeters@example.be', '+32 470 00 00 00');
        await configured.acceptContract();
        await configured.choosePassword(PASSWORD);
        const final = again.waitForEvent('download');
        await (await configured.signRequest(context)).enterPin('1234');
        await final;
        await expect(configured.done()).toContainText('Your eHealth certificate is ready');
        expect((await certra.requests()).filter((r: any) => r.operation === 'GenerateCertificate' && r.outcome === 'success')).toHaveLength(1);
      } finally {
        app.process.kill('SIGTERM');
      }
    });
  });

  // F1 in a third language, Dutch, with an error in the page's language too.
  test.describe('applet 1.8, Nederlands', () => {
    test.use({ cardOptions: { applet: '1.8', pin: '1234' }, browserLanguage: 'nl' });

    test('in Dutch, the flow and the PIN window speak Dutch and the certificate is the same', async ({
      page,
      context,
      localApp,
      card,
      certra,
    }, testInfo) => {
      expect((await certra.state()).certificates).toHaveLength(0);
      const flow = new NewCertificateFlow(page, DUTCH);
      await startRequest(flow, localApp.url, card.holder);
      await expect(page.locator('html')).toHaveAttribute('lang', 'nl');
      // Errors come in the page's language too: cancel the first PIN window.
      await (await flow.signRequest(context)).cancel();
      await expect(page.getByTestId('error')).toHaveText(
        'de handtekening werd geannuleerd in het pincodevenster. Er werd niets ondertekend; begin opnieuw wanneer u klaar bent.',
      );
      const pinWindow = await flow.signRequest(context);
      await expect(pinWindow.detail('operation')).toHaveText('uw aanvraag voor een eHealth-certificaat');
      await expect(pinWindow.detail('key')).toHaveText('handtekeningsleutel (juridisch bindende handtekening)');
      const final = page.waitForEvent('download');
      await pinWindow.enterPin('1234');
      const finalFile = testInfo.outputPath('final.acc-p12');
      await (await final).saveAs(finalFile);
      await expect(flow.done()).toContainText('Uw eHealth-certificaat is klaar');
      expectFinalKeystore(finalFile);
    });
  });

  // Revocation is signed by the eID signature key: RSA on applet 1.7, ECDSA P-384 on 1.8.
  forEachCardRun((words) => {
    test('my certificates lists the new one, gives its renewal reminder, and revokes it with its ETK', async ({
      page,
      context,
      localApp,
      card,
      certra,
    }, testInfo) => {
      const flow = new NewCertificateFlow(page, words);
      await startRequest(flow, localApp.url, card.holder);
      const issued = page.waitForEvent('download');
      await (await flow.signRequest(context)).enterPin('1234');
      await issued;

      const certificates = new CertificatesPage(page, words);
      await certificates.open(localApp.url);
      let pinWindow = await certificates.show(context);
      await expect(pinWindow.detail('key')).toHaveText(words.pin.keyAuthentication);
      await expect(pinWindow.detail('operation')).toHaveText(words.pin.ops.certificateList);
      await pinWindow.enterPin('1234');
      const row = certificates.row('OU=JAN PIETER PEETERS');
      await expect(row).toHaveAttribute('data-status', 'VALID_ACTIVE');
      await expect(row.getByRole('cell').nth(3)).toHaveText(/^1[0-9]{3}$/); // days left: about three years

      const reminderFile = testInfo.outputPath('renewal.ics');
      const reminder = await certificates.reminder(row);
      expect(reminder.suggestedFilename()).toBe('ehealth-certificate-renewal.ics');
      await reminder.saveAs(reminderFile);
      const ics = await readFile(reminderFile, 'utf8');
      expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
      expect(ics.match(/DTSTART;VALUE=DATE:\d{8}\r\n/g)).toHaveLength(2);
      expect(ics).toContain(`SUMMARY:${words.reminderSummary}`);

      pinWindow = await certificates.revoke(row, context);
      await expect(pinWindow.detail('key')).toHaveText(words.pin.keySignature);
      await expect(pinWindow.detail('operation')).toHaveText(words.pin.ops.revocation);
      await expect(pinWindow.detail('subject')).toHaveText(HOLDER_IN_WORDS(words));
      await expect(pinWindow.detail('dn')).toHaveText(DN);
      await pinWindow.enterPin('1234');
      await expect(page.getByTestId('notice')).toContainText(words.revoked);
      // Reading the list again takes another signature with the authentication key.
      await (await certificates.show(context)).enterPin('1234');
      await expect(certificates.row('OU=JAN PIETER PEETERS')).toHaveAttribute('data-status', 'REVOKED');
      expect((await certra.state()).certificates[0]).toMatchObject({ status: 'REVOKED', etk_status: 'REVOKED' });
    });
  });

  forEachCardRun((words) => {
    test('the health check accepts the new certificate file, refuses the pending one, and changes the password', async ({
      page,
      context,
      localApp,
      card,
      certra,
    }, testInfo) => {
      void certra;
      const flow = new NewCertificateFlow(page, words);
      const pending = await startRequest(flow, localApp.url, card.holder);
      const pendingFile = testInfo.outputPath('pending', pending.suggestedFilename());
      await pending.saveAs(pendingFile);
      const issued = page.waitForEvent('download');
      await (await flow.signRequest(context)).enterPin('1234');
      const final = await issued;
      const finalFile = testInfo.outputPath('final', final.suggestedFilename());
      await final.saveAs(finalFile);

      const keystore = new KeystorePage(page, words);
      await keystore.open(localApp.url);
      await keystore.check(pendingFile, PASSWORD);
      await expect(keystore.report).toHaveAttribute('data-accepted', 'false');
      await expect(page.getByTestId('blocking')).toContainText(words.neverCompleted);

      await keystore.open(localApp.url);
      await keystore.check(finalFile, 'not-the-password');
      await expect(page.getByTestId('error')).toContainText(words.wrongPassword);
      await keystore.check(finalFile, PASSWORD);
      await expect(keystore.report).toHaveAttribute('data-accepted', 'true');
      await expect(page.getByRole('heading', { name: words.verdictOk })).toBeVisible();
      await expect(page.getByTestId('aliases')).toHaveText(/^authentication, \d+$/);
      await expect(page.getByTestId('days-left')).toHaveText(/^109[0-6]$/);

      const changed = await keystore.changePassword('Nieuw-wachtwoord-7');
      expect(changed.suggestedFilename()).toBe(final.suggestedFilename());
      const changedFile = testInfo.outputPath('changed', changed.suggestedFilename());
      await changed.saveAs(changedFile);
      const listing = keytool(changedFile, 'Nieuw-wachtwoord-7');
      expect(listing).toContain('Your keystore contains 2 entries');
      expect(() => keytool(changedFile, PASSWORD)).toThrow();
    });
  });
});
