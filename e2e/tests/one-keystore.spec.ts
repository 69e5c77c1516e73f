// One keystore at the end, where the medical software looks (issue: two files of one name). In a
// browser with the save picker (Chrome, Edge), the request file is saved once where the person
// chooses, under eHealth's file name, and the final keystore is written over it: no download, one
// file. The picker is a stand-in (pages/save-picker.ts): the test cannot drive the real dialog.
// Where the person closes the picker, the request file is downloaded as without one: the key is
// on the disk before anything is sent, either way.
import { writeFile } from 'node:fs/promises';

import { expect, test } from './fixtures';
import { keytool } from './oracles';
import { NewCertificateFlow } from './pages/new-certificate';
import { savedWrites, standInSavePicker } from './pages/save-picker';

const PASSWORD = 'Huisarts-2026';
const NAME = /^SSIN=85073003328 \d{8}-\d{6}\.acc-p12$/;

async function upToKey(flow: NewCertificateFlow, appUrl: string, holder: string) {
  await flow.open(appUrl);
  await expect(flow.holder()).toHaveText(holder);
  await flow.contactData('jan.peeters@example.be', '+32 470 00 00 00');
  await flow.acceptContract();
  await flow.typePassword(PASSWORD, PASSWORD);
}

test('with the save picker: the request file where the person chose, and the certificate file over it', async ({ page, context, localApp, card, certra }, testInfo) => {
  await standInSavePicker(page);
  const downloads: string[] = [];
  page.on('download', (download) => downloads.push(download.suggestedFilename()));
  const flow = new NewCertificateFlow(page);
  await upToKey(flow, localApp.url, card.holder);
  await expect(page.getByTestId('pending-place-hint')).toContainText('ehealth › keystore');
  await flow.createKeyButton().click();

  // The request file: saved through the picker under eHealth's name, before anything is sent.
  await expect.poll(async () => (await savedWrites(page)).length).toBe(1);
  const [pending] = await savedWrites(page);
  expect(pending.name).toMatch(NAME);
  const pendingFile = testInfo.outputPath('pending.acc-p12');
  await writeFile(pendingFile, Buffer.from(pending.bytes));
  expect(keytool(pendingFile, PASSWORD)).toContain('Your keystore contains 1 entry');

  await (await flow.signRequest(context)).enterPin('1234');
  await expect(flow.done()).toContainText('Your eHealth certificate is ready');
  // The certificate file: written over the request file, at the same place, under the same name.
  const writes = await savedWrites(page);
  expect(writes.map(({ place, name }) => ({ place, name }))).toEqual([
    { place: 0, name: pending.name },
    { place: 0, name: pending.name },
  ]);
  const finalFile = testInfo.outputPath('final.acc-p12');
  await writeFile(finalFile, Buffer.from(writes[1].bytes));
  expect(keytool(finalFile, PASSWORD)).toContain('Your keystore contains 2 entries');
  expect(downloads, 'no second file in the downloads folder').toEqual([]);
  expect((await certra.requests()).filter((request: any) => request.operation === 'GenerateCertificate')).toHaveLength(1);
  await expect(page.getByTestId('replaced-pending')).toContainText('it replaced the request file where you saved it');
  await expect(page.getByTestId('pending-not-final')).toHaveCount(0);
});

test('the person closes the picker: the request file is downloaded under a name of its own, and the certificate file under eHealth’s', async ({ page, context, localApp, card, certra }) => {
  await standInSavePicker(page, { closes: true });
  const flow = new NewCertificateFlow(page);
  await upToKey(flow, localApp.url, card.holder);
  const pending = page.waitForEvent('download');
  await flow.createKeyButton().click();
  const requestName = (await pending).suggestedFilename();
  expect(requestName).toMatch(/^SSIN=85073003328 \d{8}-\d{6} request\.acc-p12$/);
  const final = page.waitForEvent('download');
  await (await flow.signRequest(context)).enterPin('1234');
  await expect(flow.done()).toContainText('Your eHealth certificate is ready');
  // Not "… (1)": the two files cannot collide, and the certificate file has eHealth's name.
  expect((await final).suggestedFilename()).toBe(requestName.replace(' request.acc-p12', '.acc-p12'));
  expect((await final).suggestedFilename()).toMatch(NAME);
  expect((await certra.requests()).filter((request: any) => request.operation === 'GenerateCertificate')).toHaveLength(1);
  await expect(page.getByTestId('pending-not-final')).toBeVisible();
  await expect(page.getByTestId('replaced-pending')).toHaveCount(0);
});
