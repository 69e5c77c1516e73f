// Page objects: the new personal certificate flow (#new) and "Complete a request" (#complete),
// in any of the app's languages.
import { expect, type BrowserContext, type Download, type Page } from '@playwright/test';

import { PinWindow } from './card-check';
import { ENGLISH, openIn, type Words } from './words';

export class NewCertificateFlow {
  constructor(
    readonly page: Page,
    readonly words: Words = ENGLISH,
  ) {}

  /** Opens the flow and switches the page to the flow's language with the language picker. */
  async open(appUrl: string) {
    await openIn(this.page, `${appUrl}/#new`, this.words);
    await expect(this.page.getByRole('heading', { name: this.words.newTitle })).toBeVisible();
  }

  holder() {
    return this.page.getByTestId('holder');
  }

  /** Whose certificate, in words (the DN itself is under "Technical details"). */
  subject() {
    return this.page.getByTestId('subject');
  }

  /** Contact data, in the environment the server offers (the local test service of the
   *  demonstration unless `environment` says production): the person is never asked which. */
  async contactData(email: string, phone: string, environment = this.words.local) {
    await expect(this.page.getByLabel(this.words.environment)).toHaveCount(0);
    // Outside production, every screen of the flow says the certificate will not work.
    const banner = this.page.getByTestId('test-platform');
    if (environment === this.words.production) await expect(banner).toBeHidden();
    else await expect(banner).toContainText(this.words.testPlatform);
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

  /** The test person's way from the card to the request file's download (returned): the flow
   *  opened, `holder` read from the card, contact data given in `environment` (the local test
   *  service unless said), the contract's DN checked when `dn` is given, the contract accepted,
   *  `password` chosen. */
  async upToSigning(
    appUrl: string,
    holder: string,
    password: string,
    { dn, environment }: { dn?: string; environment?: string } = {},
  ): Promise<Download> {
    await this.open(appUrl);
    await expect(this.holder()).toHaveText(holder);
    await this.contactData('jan.peeters@example.be', '+32 470 00 00 00', environment);
    if (dn) {
      await expect(this.dn()).toHaveText(dn);
      // Only under "Technical details": the page names the certificate's holder in words.
      await expect(this.dn()).toBeHidden();
      await expect(this.page.getByTestId('subject')).toBeVisible();
    }
    await this.acceptContract();
    return this.choosePassword(password);
  }

  /** Types `password` and its confirmation, without creating the key. */
  async typePassword(password: string, confirmation: string) {
    await this.page.getByLabel(this.words.password, { exact: true }).fill(password);
    await this.page.getByLabel(this.words.passwordAgain).fill(confirmation);
  }

  /** The live password rules, one line each (F9). */
  passwordRules() {
    return this.page.getByRole('list').filter({ hasText: this.words.rules.length }).getByRole('listitem');
  }

  createKeyButton() {
    return this.page.getByRole('button', { name: this.words.createKey });
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
    return new PinWindow(await opened, this.words.pin);
  }

  /** "Sign and send" again when eHealth may hold the request already (its answer was lost, or
   *  the page reloaded after the key was made): eHealth is asked first, with the authentication
   *  key (a PIN window for the list of the holder's certificates); when the request is not
   *  there it is signed in a second PIN window, which is returned. */
  async signRequestAfterLookUp(context: BrowserContext, pin: string): Promise<PinWindow> {
    const lookUp = await this.signRequest(context);
    await expect(lookUp.detail('key')).toHaveText(this.words.pin.keyAuthentication);
    const signing = context.waitForEvent('page');
    await lookUp.enterPin(pin);
    return new PinWindow(await signing, this.words.pin);
  }

  done() {
    return this.page.getByTestId('done');
  }
}

export class CompleteRequestPage {
  constructor(
    readonly page: Page,
    readonly words: Words = ENGLISH,
  ) {}

  async open(appUrl: string) {
    await openIn(this.page, `${appUrl}/#complete`, this.words);
    await expect(this.page.getByRole('heading', { name: this.words.completeTitle })).toBeVisible();
  }

  /** Completes the request kept in this browser; returns the final keystore's download. */
  async complete(password: string): Promise<Download> {
    await this.page.getByLabel(this.words.keystorePassword).fill(password);
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: this.words.completeButton }).click();
    return download;
  }
}

/** The keystore a downloaded request file is for: its name without the " request" mark
 *  (`ehcert_pki::rules::request_file_name`), as the browser's copy and the final file name it. */
export function keystoreName(requestName: string) {
  return requestName.replace(/ request(\.(?:acc-)?p12)$/, '$1');
}
