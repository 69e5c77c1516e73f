// Page object: the new personal certificate flow (#new) and "Complete a request" (#complete).
import { expect, type BrowserContext, type Download, type Page } from '@playwright/test';

import { PinWindow } from './card-check';

export class NewCertificateFlow {
  constructor(readonly page: Page) {}

  async open(appUrl: string) {
    await this.page.goto(`${appUrl}/#new`);
    await expect(this.page.getByRole('heading', { name: 'New personal eHealth certificate' })).toBeVisible();
  }

  holder() {
    return this.page.getByTestId('holder');
  }

  async contactData(environment: string, email: string, phone: string) {
    await this.page.getByLabel('eHealth environment').selectOption({ label: environment });
    await this.page.getByLabel('E-mail address').fill(email);
    await this.page.getByLabel('Phone number').fill(phone);
    await this.page.getByRole('button', { name: 'Continue' }).click();
  }

  dn() {
    return this.page.getByTestId('dn');
  }

  async acceptContract() {
    await expect(this.page.frameLocator('iframe[title="eHealth contract"]').locator('body')).not.toBeEmpty();
    await this.page.getByLabel('I have read this contract and accept it').check();
    await this.page.getByRole('button', { name: 'Continue' }).click();
  }

  /** Types the keystore password twice and creates the key; returns the pending keystore's download. */
  async choosePassword(password: string): Promise<Download> {
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByLabel('Password again').fill(password);
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Create my key' }).click();
    return download;
  }

  /** Starts the signature; returns the PIN window. */
  async signRequest(context: BrowserContext): Promise<PinWindow> {
    const opened = context.waitForEvent('page');
    await this.page.getByRole('button', { name: 'Sign and send the request' }).click();
    return new PinWindow(await opened);
  }

  done() {
    return this.page.getByTestId('done');
  }
}

export class CompleteRequestPage {
  constructor(readonly page: Page) {}

  async open(appUrl: string) {
    await this.page.goto(`${appUrl}/#complete`);
    await expect(this.page.getByRole('heading', { name: 'Complete a certificate request' })).toBeVisible();
  }

  /** Completes the request kept in this browser; returns the final keystore's download. */
  async complete(password: string): Promise<Download> {
    await this.page.getByLabel('Keystore password').fill(password);
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Complete the request' }).click();
    return download;
  }
}
