// Page objects: renewal (#renew), activation of a renewed ETK (#activate-etk), an organisation's
// certificate (#new-organisation) and a foreign provider's request (#foreigner), in any of the
// app's languages.
import { expect, type Download, type Page } from '@playwright/test';

import { ENGLISH, openIn, type Words } from './words';

/** The demonstration's server offers its mock eHealth service alone: the page uses it without
 *  asking (a provider never chooses an environment) and says on the screen that it is a test
 *  platform. */
export async function expectLocalService(page: Page, words: Words = ENGLISH) {
  await expect(page.getByTestId('test-platform')).toContainText(words.testPlatform);
  await expect(page.getByLabel(words.environment)).toHaveCount(0);
  await expect(page.getByTestId('developer-options')).toHaveCount(0);
}

export class RenewalFlow {
  constructor(
    readonly page: Page,
    readonly words: Words = ENGLISH,
  ) {}

  async open(appUrl: string) {
    await openIn(this.page, `${appUrl}/#renew`, this.words);
    await expect(this.page.getByRole('heading', { name: this.words.renewTitle })).toBeVisible();
  }

  /** Opens the current keystore (file and password) and has eHealth say whether it can be renewed. */
  async openCurrent(file: string, password: string) {
    await this.page.getByLabel(this.words.currentFile).setInputFiles(file);
    await this.page.getByLabel(this.words.keystorePassword).fill(password);
    await this.page.getByRole('button', { name: this.words.openCurrent }).click();
  }
}

export class ActivateEtkPage {
  constructor(
    readonly page: Page,
    readonly words: Words = ENGLISH,
  ) {}

  async open(appUrl: string) {
    await openIn(this.page, `${appUrl}/#activate-etk`, this.words);
    await expect(this.page.getByRole('heading', { name: this.words.activateTitle })).toBeVisible();
    await expectLocalService(this.page, this.words);
  }

  async activate(file: string, password: string) {
    await this.page.getByLabel(this.words.keystoreFile).setInputFiles(file);
    await this.page.getByLabel(this.words.keystorePassword).fill(password);
    await this.page.getByRole('button', { name: this.words.activateNow }).click();
  }

  outcome() {
    return this.page.getByTestId('activated');
  }
}

export class OrganisationFlow {
  constructor(
    readonly page: Page,
    readonly words: Words = ENGLISH,
  ) {}

  async open(appUrl: string) {
    await openIn(this.page, `${appUrl}/#new-organisation`, this.words);
    await expect(this.page.getByRole('heading', { name: this.words.organisationTitle })).toBeVisible();
  }

  /** Asks eHealth for the organisations the holder manages (the PIN window opens). */
  async lookUp() {
    await this.page.getByRole('button', { name: this.words.lookUp }).click();
  }

  /** A hospital eHealth does not list for the holder (its type named in the page's language). */
  async another(number: string, name: string) {
    await this.page.getByLabel(this.words.another).check();
    await this.page.getByLabel(this.words.organisationType).selectOption({ label: this.words.hospitalType });
    await this.page.getByLabel(this.words.organisationNumber).fill(number);
    await this.page.getByLabel(this.words.organisationName).fill(name);
    await this.page.getByRole('button', { name: this.words.next }).click();
  }

  /** One of the organisations eHealth lists for the holder, with an application id and the
   *  time-stamping service ticked. */
  async managed(label: string, applicationId: string) {
    await this.page.getByLabel(label).check();
    await this.page.getByLabel(this.words.applicationId).fill(applicationId);
    await this.page.getByLabel(this.words.serviceTsa).check();
    await this.page.getByRole('button', { name: this.words.next }).click();
  }

  async contactData(email: string, phone: string, generalEmail: string) {
    await this.page.getByLabel(this.words.email, { exact: true }).fill(email);
    await this.page.getByLabel(this.words.phone, { exact: true }).fill(phone);
    await this.page.getByLabel(this.words.emailGeneral).fill(generalEmail);
    await this.page.getByRole('button', { name: this.words.next }).click();
  }

  async acceptContract() {
    await this.page.getByLabel(this.words.accept).check();
    await this.page.getByRole('button', { name: this.words.next }).click();
  }
}

export class ForeignerPage {
  constructor(
    readonly page: Page,
    readonly words: Words = ENGLISH,
  ) {}

  async open(appUrl: string) {
    await openIn(this.page, `${appUrl}/#foreigner`, this.words);
    await expect(this.page.getByRole('heading', { name: this.words.foreignerTitle })).toBeVisible();
    await expectLocalService(this.page, this.words);
  }

  async fill(person: { given: string; surname: string; bis: string; email: string; phone: string; password: string }) {
    await this.page.getByLabel(this.words.givenNames, { exact: true }).fill(person.given);
    await this.page.getByLabel(this.words.surname, { exact: true }).fill(person.surname);
    await this.page.getByLabel(this.words.bisNumber).fill(person.bis);
    await this.page.getByLabel(this.words.email, { exact: true }).fill(person.email);
    await this.page.getByLabel(this.words.phone, { exact: true }).fill(person.phone);
    await this.page.getByLabel(this.words.password, { exact: true }).fill(person.password);
    await this.page.getByLabel(this.words.passwordAgain).fill(person.password);
  }

  /** Sends the request; the pending keystore is downloaded first. */
  async send(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.submit();
    return download;
  }

  async submit() {
    await this.page.getByRole('button', { name: this.words.submitForeigner }).click();
  }
}
