// F5–F7 renewal and the activation of the renewed ETK, F2 an organisation's certificate and F13 a
// foreign provider's request, as a person meets them: the app with the mock eHealth service as
// its "local" environment, the extension's PIN window, the card bridge, pcscd and the simulated
// eID. Keystores are read by JDK keytool.
import { readFile } from 'node:fs/promises';

import { expect, forEachCardRun, test } from './fixtures';
import { keytool } from './oracles';
import { expectAccessible } from './pages/accessibility';
import { PinWindow } from './pages/card-check';
import { ActivateEtkPage, ForeignerPage, OrganisationFlow, RenewalFlow, expectLocalService } from './pages/more-flows';
import { CompleteRequestPage, NewCertificateFlow } from './pages/new-certificate';
import { savedCopy, standInSavePicker } from './pages/save-picker';
import { ENGLISH, FRENCH } from './pages/words';

const PASSWORD = 'Huisarts-2026';
const NEW_PASSWORD = 'Huisarts-2029';
// eHealth's DN as the contract gives it (the identifier's '=' unescaped, as eHealth's own client
// implies); the page and the PIN window show it as given.
const DN = 'CN=SSIN=85073003328,OU=eHealth-platform Belgium,OU=JAN PIETER PEETERS,OU=SSIN=85073003328,O=Federal Government,C=BE';

// Both card generations (every eID signature differs: RSA on applet 1.7, ECDSA P-384 on 1.8),
// each in another language.
forEachCardRun((words) => {
  test('a renewal opens the current certificate file, waits for its window, replaces it, and the new ETK is activated later', async ({
    page,
    context,
    localApp,
    card,
    certra,
  }, testInfo) => {
    // The certificate in use today, made with F1.
    const flow = new NewCertificateFlow(page, words);
    await flow.upToSigning(localApp.url, card.holder, PASSWORD);
    const issued = page.waitForEvent('download');
    await (await flow.signRequest(context)).enterPin('1234');
    const currentFile = testInfo.outputPath('current', (await issued).suggestedFilename());
    await (await issued).saveAs(currentFile);
    const oldKey = (await certra.state()).certificates[0].public_key_identifier as string;

    // Too early: eHealth's window opens 90 days before the end.
    const renewal = new RenewalFlow(page, words);
    await renewal.open(localApp.url);
    await expect(page.getByTestId('holder')).toHaveText(card.holder);
    await expectLocalService(page, words);
    await renewal.openCurrent(currentFile, PASSWORD);
    await expect(page.getByTestId('error')).toContainText(words.renewNotYet);

    // 1040 days later (the mock's clock), inside the window.
    await certra.knobs({ clock_offset_days: 1040 });
    await renewal.openCurrent(currentFile, PASSWORD);
    // Contact data come from eHealth, the DN stays the same.
    await expect(page.getByLabel(words.email)).toHaveValue('jan.peeters@example.be');
    await page.getByRole('button', { name: words.next }).click();
    await expect(page.getByTestId('dn')).toHaveText(DN);
    await flow.acceptContract();
    const pending = await flow.choosePassword(NEW_PASSWORD);
    expect(pending.suggestedFilename()).toMatch(/^SSIN=85073003328 \d{8}-\d{6} request\.acc-p12$/);
    const pinWindow = await flow.signRequest(context);
    await expect(pinWindow.detail('subject')).toHaveText(`JAN PIETER PEETERS, ${words.pin.nationalNumber} 85.07.30-033.28`);
    const renewed = page.waitForEvent('download');
    await pinWindow.enterPin('1234');
    const renewedFile = testInfo.outputPath('renewed', (await renewed).suggestedFilename());
    await (await renewed).saveAs(renewedFile);
    await expect(flow.done()).toContainText(words.done);
    await expect(page.getByTestId('replaces')).toHaveText(oldKey.toLowerCase());
    await expect(page.getByTestId('activate-offer')).toContainText(words.etkWaiting);
    const listing = keytool(renewedFile, NEW_PASSWORD);
    expect(listing).toContain('Your keystore contains 2 entries');
    expect(listing).toContain('Owner: CN="SSIN=85073003328", OU=eHealth-platform Belgium, OU=JAN PIETER PEETERS');
    let certificates = (await certra.state()).certificates;
    const renewedRecord = certificates.find((record: any) => record.public_key_identifier !== oldKey);
    expect(renewedRecord).toMatchObject({ status: 'VALID_ACTIVE', etk_status: 'WAIT_FOR_ACTIVATION', replaces: oldKey });

    // Later, from Home: the old keystore's ETK is active already, so nothing is sent for it; the
    // new one activates its ETK, and a second activation (an answer lost, the button pressed
    // again) finds it active rather than being refused.
    const activation = new ActivateEtkPage(page, words);
    await activation.open(localApp.url);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await activation.activate(currentFile, PASSWORD);
    await expect(activation.outcome()).toHaveAttribute('data-state', 'already');
    await expect(activation.outcome()).toHaveText(words.etkAlreadyActive);
    await activation.activate(renewedFile, NEW_PASSWORD);
    await expect(activation.outcome()).toHaveText(words.etkActivated);
    certificates = (await certra.state()).certificates;
    expect(certificates.find((record: any) => record.public_key_identifier !== oldKey)).toMatchObject({ etk_status: 'VALID_ACTIVE' });
    await activation.activate(renewedFile, NEW_PASSWORD);
    await expect(activation.outcome()).toHaveText(words.etkAlreadyActive);
    const operations = (await certra.requests()).map((request: any) => `${request.operation}:${request.outcome}`);
    expect(operations.filter((operation: string) => operation.startsWith('ActivateETK'))).toEqual(['ActivateETK:success']);
    // Each activation made its own connection to the extension and let it go: a message to the
    // window afterwards reaches no listener left behind (one would call a dropped closure, which
    // throws).
    await page.evaluate(() => window.postMessage({ type: 'ehcert:to-page', id: 0 }, location.origin));
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    expect(pageErrors).toEqual([]);
  });

  test('an organisation certificate: the mandates from eHealth, the type rules checked, an application id, time-stamping kept on renewal', async ({
    page,
    context,
    localApp,
    card,
    certra,
  }, testInfo) => {
    const flow = new OrganisationFlow(page, words);
    await flow.open(localApp.url);
    await expect(page.getByTestId('holder')).toHaveText(card.holder);
    await expectLocalService(page, words);
    const opened = context.waitForEvent('page');
    await flow.lookUp();
    const pinWindow = new PinWindow(await opened, words.pin);
    await expect(pinWindow.detail('key')).toHaveText(words.pin.keyAuthentication);
    await expect(pinWindow.detail('operation')).toHaveText(words.pin.ops.actorQualities);
    await pinWindow.enterPin('1234');
    // The organisation form (managed organisations, types, application id, base services).
    await expect(page.getByLabel(words.serviceTsa)).toBeVisible();
    await expectAccessible(page, testInfo, 'organisation-form');

    // A number of the wrong form (eHealth's ValidationRegEx, matched in full by the browser's
    // RegExp) or with a typo (its check digits) is caught before anything is sent.
    await flow.another('7100043', 'AZ Elders');
    await expect(page.getByTestId('error')).toHaveText(words.orgWrongForm);
    await flow.another('710.004.37', 'AZ Elders');
    await expect(page.getByTestId('error')).toHaveText(words.orgWrongCheckDigits);
    await flow.managed(`AZ Voorbeeld (${words.nihiiNumber} 71000436)`, 'labo');
    await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00', 'ict@az-voorbeeld.be');
    await expect(page.getByTestId('dn')).toHaveText(
      'CN=NIHII-HOSPITAL=71000436\\, LABO,OU=eHealth-platform Belgium,OU=AZ VOORBEELD,OU=NIHII-HOSPITAL=71000436,OU=LABO,O=Federal Government,C=BE',
    );
    await expect(page.getByTestId('subject')).toHaveText(`AZ VOORBEELD (${words.nihiiNumber} 71000436), ${words.application} LABO`);
    await flow.acceptContract();
    const request = new NewCertificateFlow(page, words);
    const pending = await request.choosePassword(PASSWORD);
    expect(pending.suggestedFilename()).toMatch(/^NIHII-HOSPITAL=71000436,LABO \d{8}-\d{6} request\.acc-p12$/);
    const signing = await request.signRequest(context);
    await expect(signing.detail('operation')).toHaveText(words.pin.ops.certificateRequest);
    const final = page.waitForEvent('download');
    await signing.enterPin('1234');
    const finalFile = testInfo.outputPath((await final).suggestedFilename());
    await (await final).saveAs(finalFile);
    await expect(request.done()).toContainText(words.done);
    const listing = keytool(finalFile, PASSWORD);
    expect(listing).toContain('Owner: CN="NIHII-HOSPITAL=71000436, LABO", OU=eHealth-platform Belgium, OU=AZ VOORBEELD');
    expect((await certra.state()).certificates[0]).toMatchObject({
      status: 'VALID_ACTIVE',
      actor_type: 'NIHII-HOSPITAL',
      actor_id: '71000436',
      base_services: ['tsa'],
    });

    // Renewed near the end of its validity: the same organisation, with the same base services.
    const oldKey = (await certra.state()).certificates[0].public_key_identifier as string;
    await certra.knobs({ clock_offset_days: 1040 });
    const renewal = new RenewalFlow(page, words);
    await renewal.open(localApp.url);
    await expect(page.getByTestId('holder')).toHaveText(card.holder);
    await expectLocalService(page, words);
    await renewal.openCurrent(finalFile, PASSWORD);
    await expect(page.getByLabel(words.emailGeneral)).toHaveValue('ict@az-voorbeeld.be');
    await page.getByRole('button', { name: words.next }).click();
    await request.acceptContract();
    await request.choosePassword(NEW_PASSWORD);
    const renewed = page.waitForEvent('download');
    await (await request.signRequest(context)).enterPin('1234');
    await renewed;
    await expect(page.getByTestId('replaces')).toHaveText(oldKey.toLowerCase());
    const renewedRecord = (await certra.state()).certificates.find((record: any) => record.replaces === oldKey);
    expect(renewedRecord).toMatchObject({ status: 'VALID_ACTIVE', actor_id: '71000436', base_services: ['tsa'] });
  });
});

// No card here: the same flow in two languages.
for (const words of [ENGLISH, FRENCH]) {
  test(`a foreign provider without eID: BIS number checked, request sent, completed after confirmation (${words.language})`, async ({
    page,
    localApp,
    certra,
  }, testInfo) => {
    const foreigner = new ForeignerPage(page, words);
    await foreigner.open(localApp.url);
    const person = { given: 'Ana María', surname: 'Nuñez', bis: '85073003328', email: 'ana@example.es', phone: '+34 600 000 000', password: PASSWORD };
    await foreigner.fill(person);
    await foreigner.submit();
    await expect(page.getByTestId('error')).toContainText(words.bisNotBis);
    expect(await certra.requests()).toEqual([]);

    await foreigner.fill({ ...person, bis: '85.27.30-033.71' });
    const pending = await foreigner.send();
    expect(pending.suggestedFilename()).toMatch(/^SSIN=85273003371 \d{8}-\d{6} request\.acc-p12$/);
    await expect(page.getByTestId('validation-url')).toBeVisible();
    const [held] = (await certra.state()).certificates;
    expect(held).toMatchObject({ status: 'IN_PROGRESS', awaiting_validation: true });
    await expect(page.getByTestId('validation-url')).toHaveAttribute('href', new RegExp(`${held.public_key_identifier}$`, 'i'));
    await expect(page.getByTestId('expiration')).toHaveText(/^\d{2}\/\d{2}\/\d{4}$/);

    // The person confirms at eHealth (the mock's operator stands in), then completes here.
    await certra.validate(held.public_key_identifier);
    // The picker from here on: the request file above was a download (the person's choice, or a
    // browser without the picker); "Complete a request" is a new page, which placed nothing.
    await standInSavePicker(page);
    const complete = new CompleteRequestPage(page, words);
    await complete.open(localApp.url);
    const finalFile = testInfo.outputPath('final.acc-p12');
    const final = await complete.complete(PASSWORD);
    await final.saveAs(finalFile);
    await expect(page.getByTestId('outcome')).toHaveAttribute('data-state', 'ok');
    // Surname first for a foreign provider, as eHealth's client names them (app/certra/FIDELITY.md #4).
    expect(keytool(finalFile, PASSWORD)).toContain('Owner: CN="SSIN=85273003371", OU=eHealth-platform Belgium, OU=NUNEZ ANA MARIA');

    // Besides the download, a copy where the person chooses (F12), byte for byte the same file.
    await page.getByRole('button', { name: words.saveCopy }).click();
    await expect(page.getByTestId('saved-copy')).toHaveText(words.savedCopy);
    const saved = await savedCopy(page);
    expect(saved.name).toBe(final.suggestedFilename());
    expect(Buffer.from(saved.bytes).equals(await readFile(finalFile))).toBe(true);
  });
}
