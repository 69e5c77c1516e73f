// Page object: "My certificates" (#certificates).
import { expect, type BrowserContext, type Download, type Locator, type Page } from '@playwright/test';

import { PinWindow } from './card-check';

export class CertificatesPage {
  readonly table: Locator;

  constructor(readonly page: Page) {
    this.table = page.getByTestId('certificates');
  }

  async open(appUrl: string) {
    await this.page.goto(`${appUrl}/#certificates`);
    await expect(this.page.getByRole('heading', { name: 'My eHealth certificates' })).toBeVisible();
    await this.page.getByLabel('eHealth environment').selectOption({ label: 'Local test service' });
  }

  /** Asks for the list; returns the PIN window it opens (authentication key). */
  async show(context: BrowserContext): Promise<PinWindow> {
    const opened = context.waitForEvent('page');
    await this.page.getByRole('button', { name: 'Show my certificates' }).click();
    return new PinWindow(await opened);
  }

  row(dnPart: string): Locator {
    return this.table.getByRole('row').filter({ hasText: dnPart });
  }

  async reminder(row: Locator): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await row.getByRole('button', { name: 'Reminder (.ics)' }).click();
    return download;
  }

  /** Starts the revocation of `row` for `reason` up to the signature; returns the PIN window. */
  async revoke(row: Locator, reason: string, context: BrowserContext): Promise<PinWindow> {
    await row.getByRole('button', { name: 'Revoke' }).click();
    await this.page.getByLabel('Reason').selectOption({ label: reason });
    await this.page.getByRole('button', { name: 'Show the revocation contract' }).click();
    await expect(this.page.frameLocator('iframe[title="Show the revocation contract"]').locator('body')).not.toBeEmpty();
    await this.page.getByLabel('I have read this revocation contract and accept it').check();
    const opened = context.waitForEvent('page');
    await this.page.getByRole('button', { name: 'Revoke with my eID' }).click();
    return new PinWindow(await opened);
  }
}
