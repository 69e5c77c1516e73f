// Page object: "Check a certificate file" and "Change the password" (#keystore), in any of the app's
// languages.
import { expect, type Download, type Locator, type Page } from '@playwright/test';

import { ENGLISH, openIn, type Words } from './words';

export class KeystorePage {
  readonly report: Locator;

  constructor(
    readonly page: Page,
    readonly words: Words = ENGLISH,
  ) {
    this.report = page.getByTestId('report');
  }

  async open(appUrl: string) {
    await openIn(this.page, `${appUrl}/#keystore`, this.words);
    await expect(this.page.getByRole('heading', { name: this.words.keystoreTitle })).toBeVisible();
  }

  async check(file: string, password: string) {
    await this.page.getByLabel(this.words.keystoreFile).setInputFiles(file);
    await this.page.getByLabel(this.words.keystorePassword).fill(password);
    await this.page.getByRole('button', { name: this.words.check, exact: true }).click();
  }

  async changePassword(password: string): Promise<Download> {
    await this.page.getByLabel(this.words.newPassword, { exact: true }).fill(password);
    await this.page.getByLabel(this.words.newPasswordAgain).fill(password);
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: this.words.changePassword }).click();
    return download;
  }
}
