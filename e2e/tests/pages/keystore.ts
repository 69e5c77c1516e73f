// Page object: "Check a keystore" and "Change the password" (#keystore).
import { expect, type Download, type Locator, type Page } from '@playwright/test';

export class KeystorePage {
  readonly report: Locator;

  constructor(readonly page: Page) {
    this.report = page.getByTestId('report');
  }

  async open(appUrl: string) {
    await this.page.goto(`${appUrl}/#keystore`);
    await expect(this.page.getByRole('heading', { name: 'Check a keystore' })).toBeVisible();
  }

  async check(file: string, password: string) {
    await this.page.getByLabel('Keystore file (.p12 or .acc-p12)').setInputFiles(file);
    await this.page.getByLabel('Keystore password').fill(password);
    await this.page.getByRole('button', { name: 'Check', exact: true }).click();
  }

  async changePassword(password: string): Promise<Download> {
    await this.page.getByLabel('New password', { exact: true }).fill(password);
    await this.page.getByLabel('New password again').fill(password);
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Change the password and download' }).click();
    return download;
  }
}
