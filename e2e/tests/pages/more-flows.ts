// Page objects: renewal (#renew), activation of a renewed ETK (#activate-etk), an organisation's
// certificate (#new-organisation) and a foreign provider's request (#foreigner), in English.
import { expect, type Download, type Page } from '@playwright/test';

/** Selects the mock eHealth service ("Local test service") in the page's environment picker. */
export async function useLocalService(page: Page) {
  await page.getByLabel('eHealth environment').selectOption({ label: 'Local test service' });
}

export class RenewalFlow {
  constructor(readonly page: Page) {}

  async open(appUrl: string) {
    await this.page.goto(`${appUrl}/#renew`);
    await expect(this.page.getByRole('heading', { name: 'Renew a certificate' })).toBeVisible();
  }

  /** Opens the current keystore (file and password) and has eHealth say whether it can be renewed. */
  async openCurrent(file: string, password: string) {
    await this.page.getByLabel('Current keystore (.p12 or .acc-p12)').setInputFiles(file);
    await this.page.getByLabel('Keystore password').fill(password);
    await this.page.getByRole('button', { name: 'Open and check' }).click();
  }
}

export class ActivateEtkPage {
  constructor(readonly page: Page) {}

  async open(appUrl: string) {
    await this.page.goto(`${appUrl}/#activate-etk`);
    await expect(this.page.getByRole('heading', { name: 'Activate the new ETK' })).toBeVisible();
    await useLocalService(this.page);
  }

  async activate(file: string, password: string) {
    await this.page.getByLabel('Keystore file (.p12 or .acc-p12)').setInputFiles(file);
    await this.page.getByLabel('Keystore password').fill(password);
    await this.page.getByRole('button', { name: 'Activate the new ETK now' }).click();
  }

  outcome() {
    return this.page.getByTestId('activated');
  }
}

export class OrganisationFlow {
  constructor(readonly page: Page) {}

  async open(appUrl: string) {
    await this.page.goto(`${appUrl}/#new-organisation`);
    await expect(this.page.getByRole('heading', { name: 'New certificate for an organisation' })).toBeVisible();
  }

  /** Asks eHealth for the organisations the holder manages (the PIN window opens). */
  async lookUp() {
    await this.page.getByRole('button', { name: 'Look up my organisations' }).click();
  }

  async another(type: string, number: string, name: string) {
    await this.page.getByLabel('Another organisation').check();
    await this.page.getByLabel('Type of organisation').selectOption({ label: type });
    await this.page.getByLabel('Number (NIHII, CBE…)').fill(number);
    await this.page.getByLabel('Name of the organisation').fill(name);
    await this.page.getByRole('button', { name: 'Continue' }).click();
  }

  async managed(label: string, applicationId: string) {
    await this.page.getByLabel(label).check();
    await this.page.getByLabel('Application id (optional)').fill(applicationId);
    await this.page.getByRole('button', { name: 'Continue' }).click();
  }

  async contactData(email: string, phone: string, generalEmail: string) {
    await this.page.getByLabel('E-mail address', { exact: true }).fill(email);
    await this.page.getByLabel('Phone number', { exact: true }).fill(phone);
    await this.page.getByLabel('General e-mail address of the organisation').fill(generalEmail);
    await this.page.getByRole('button', { name: 'Continue' }).click();
  }
}

export class ForeignerPage {
  constructor(readonly page: Page) {}

  async open(appUrl: string) {
    await this.page.goto(`${appUrl}/#foreigner`);
    await expect(this.page.getByRole('heading', { name: 'Certificate for a care provider abroad' })).toBeVisible();
    await useLocalService(this.page);
  }

  async fill(person: { given: string; surname: string; bis: string; email: string; phone: string; password: string }) {
    await this.page.getByLabel('Given names').fill(person.given);
    await this.page.getByLabel('Surname').fill(person.surname);
    await this.page.getByLabel('BIS number (11 digits)').fill(person.bis);
    await this.page.getByLabel('E-mail address').fill(person.email);
    await this.page.getByLabel('Phone number').fill(person.phone);
    await this.page.getByLabel('Password', { exact: true }).fill(person.password);
    await this.page.getByLabel('Password again').fill(person.password);
  }

  /** Sends the request; the pending keystore is downloaded first. */
  async send(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Create the key and send the request' }).click();
    return download;
  }
}
