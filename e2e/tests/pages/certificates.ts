// Page object: "My certificates" (#certificates), in any of the app's languages.
import { expect, type BrowserContext, type Download, type Locator, type Page } from '@playwright/test';

import { PinWindow } from './card-check';
import { expectLocalService } from './more-flows';
import { ENGLISH, openIn, type Words } from './words';

export class CertificatesPage {
  readonly table: Locator;

  constructor(
    readonly page: Page,
    readonly words: Words = ENGLISH,
  ) {
    this.table = page.getByTestId('certificates');
  }

  async open(appUrl: string) {
    await openIn(this.page, `${appUrl}/#certificates`, this.words);
    await expect(this.page.getByRole('heading', { name: this.words.certificatesTitle })).toBeVisible();
    await expectLocalService(this.page, this.words);
  }

  /** Asks for the list; returns the PIN window it opens (authentication key). */
  async show(context: BrowserContext): Promise<PinWindow> {
    const opened = context.waitForEvent('page');
    await this.page.getByRole('button', { name: this.words.showCertificates }).click();
    return new PinWindow(await opened, this.words.pin);
  }

  row(dnPart: string): Locator {
    return this.table.getByRole('row').filter({ hasText: dnPart });
  }

  async reminder(row: Locator): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await row.getByRole('button', { name: this.words.reminder }).click();
    return download;
  }

  /** Starts the revocation of `row` for the activity's end up to the signature; returns the PIN window. */
  async revoke(row: Locator, context: BrowserContext): Promise<PinWindow> {
    await row.getByRole('button', { name: this.words.revoke }).click();
    await this.page.getByLabel(this.words.reason).selectOption({ label: this.words.reasonCessation });
    await this.page.getByRole('button', { name: this.words.revocationContract }).click();
    await expect(this.page.frameLocator(`iframe[title="${this.words.revocationContract}"]`).locator('body')).not.toBeEmpty();
    await this.page.getByLabel(this.words.acceptRevocation).check();
    const opened = context.waitForEvent('page');
    await this.page.getByRole('button', { name: this.words.revokeWithEid }).click();
    return new PinWindow(await opened, this.words.pin);
  }
}
