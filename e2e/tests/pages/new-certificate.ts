// Page object: the new personal certificate flow (#new) and "Complete a request" (#complete).
import { expect, type BrowserContext, type Download, type Page } from '@playwright/test';

import { PIN_DUTCH, PIN_ENGLISH, PinWindow } from './card-check';

/** The words a person reads on the flow's screens, per language (app/src/i18n.rs). */
export type FlowWords = {
  language: string;
  title: string;
  environment: string;
  local: string;
  email: string;
  phone: string;
  next: string;
  accept: string;
  contract: string;
  password: string;
  passwordAgain: string;
  createKey: string;
  sign: string;
};

export const ENGLISH: FlowWords = {
  language: 'English',
  title: 'New personal eHealth certificate',
  environment: 'eHealth environment',
  local: 'Local test service',
  email: 'E-mail address',
  phone: 'Phone number',
  next: 'Continue',
  accept: 'I have read this contract and accept it',
  contract: 'eHealth contract',
  password: 'Password',
  passwordAgain: 'Password again',
  createKey: 'Create my key',
  sign: 'Sign and send the request',
};

export const DUTCH: FlowWords = {
  language: 'Nederlands',
  title: 'Nieuw persoonlijk eHealth-certificaat',
  environment: 'eHealth-omgeving',
  local: 'Lokale testdienst',
  email: 'E-mailadres',
  phone: 'Telefoonnummer',
  next: 'Verder',
  accept: 'Ik heb dit contract gelezen en aanvaard het',
  contract: 'eHealth-contract',
  password: 'Wachtwoord',
  passwordAgain: 'Wachtwoord opnieuw',
  createKey: 'Mijn sleutel maken',
  sign: 'De aanvraag ondertekenen en versturen',
};

export class NewCertificateFlow {
  constructor(
    readonly page: Page,
    readonly words: FlowWords = ENGLISH,
  ) {}

  /** Opens the flow and switches the page to the flow's language with the language picker. */
  async open(appUrl: string) {
    await this.page.goto(`${appUrl}/#new`);
    await this.page.locator('#language').selectOption({ label: this.words.language });
    await expect(this.page.getByRole('heading', { name: this.words.title })).toBeVisible();
  }

  holder() {
    return this.page.getByTestId('holder');
  }

  /** Contact data, in the local test environment (the mock eHealth service). */
  async contactData(email: string, phone: string) {
    await this.page.getByLabel(this.words.environment).selectOption({ label: this.words.local });
    await this.page.getByLabel(this.words.email).fill(email);
    await this.page.getByLabel(this.words.phone).fill(phone);
    await this.page.getByRole('button', { name: this.words.next }).click();
  }

  dn() {
    return this.page.getByTestId('dn');
  }

  async acceptContract() {
    await expect(this.page.frameLocator(`iframe[title="${this.words.contract}"]`).locator('body')).not.toBeEmpty();
    await this.page.getByLabel(this.words.accept).check();
    await this.page.getByRole('button', { name: this.words.next }).click();
  }

  /** Types the keystore password twice and creates the key; returns the pending keystore's download. */
  async choosePassword(password: string): Promise<Download> {
    await this.page.getByLabel(this.words.password, { exact: true }).fill(password);
    await this.page.getByLabel(this.words.passwordAgain).fill(password);
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: this.words.createKey }).click();
    return download;
  }

  /** Starts the signature; returns the PIN window. */
  async signRequest(context: BrowserContext): Promise<PinWindow> {
    const opened = context.waitForEvent('page');
    await this.page.getByRole('button', { name: this.words.sign }).click();
    return new PinWindow(await opened, this.words === DUTCH ? PIN_DUTCH : PIN_ENGLISH);
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
