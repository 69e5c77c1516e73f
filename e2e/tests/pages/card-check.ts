// Page objects: the diagnostics page's "Your eID card" section, and the extension's PIN window.
// Flows (the specs) speak in these terms; locators are roles and labels, as a person finds them.
import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';

import { ENGLISH, type PinWords } from './words';

export class CardCheck {
  readonly section: Locator;
  readonly holder: Locator;
  readonly result: Locator;
  readonly identity: Locator;
  readonly identityError: Locator;
  readonly birthDate: Locator;
  readonly showIdentityButton: Locator;

  constructor(readonly page: Page) {
    this.section = page.getByRole('region', { name: 'Your eID card' });
    this.holder = page.getByTestId('card-holder');
    this.result = page.getByTestId('signature-check');
    this.identity = page.getByTestId('identity');
    this.identityError = page.getByTestId('identity-error');
    this.birthDate = page.getByTestId('birth-date');
    this.showIdentityButton = this.section.getByRole('button', { name: 'Show everything my card says about me' });
  }

  /** Clicks "Show everything my card says about me" and returns the consent window it opens. */
  async showIdentity(context: BrowserContext): Promise<ConsentWindow> {
    const opened = context.waitForEvent('page');
    await this.showIdentityButton.click();
    return new ConsentWindow(await opened);
  }

  async open(appUrl: string) {
    await this.page.goto(`${appUrl}/#diagnostics`);
    await expect(this.section).toBeVisible();
  }

  async readCard() {
    await this.section.getByRole('button', { name: 'Read my card' }).click();
  }

  /** Opens the card check and reads the card of `holder`. */
  static async withCardRead(page: Page, appUrl: string, holder: string) {
    const check = new CardCheck(page);
    await check.open(appUrl);
    await check.readCard();
    await expect(check.holder).toHaveText(holder);
    return check;
  }

  /** Opens the card check, reads the card of `holder`, and starts "Test my PIN": the PIN window
   *  it returns shows the holder and waits for the PIN. */
  static async waitingForPin(page: Page, context: BrowserContext, appUrl: string, holder: string) {
    const check = await CardCheck.withCardRead(page, appUrl, holder);
    const pinWindow = await check.testPin(context);
    await expect(pinWindow.detail('holder')).toHaveText(holder);
    return { check, pinWindow };
  }

  /** Clicks "Test my PIN" and returns the PIN window the extension opens for it. */
  async testPin(context: BrowserContext): Promise<PinWindow> {
    const opened = context.waitForEvent('page');
    await this.section.getByRole('button', { name: 'Test my PIN' }).click();
    return new PinWindow(await opened);
  }
}


/** The extension's consent window, before a page gets the whole identity file. */
export class ConsentWindow {
  constructor(readonly page: Page) {}

  /** Gives one of the three answers ("always" is two clicks: the choice, then its
   *  confirmation); the extension then closes the window. */
  async choose(answer: 'Refuse' | 'Allow this time' | 'Always allow for this site') {
    const closed = this.page.waitForEvent('close');
    try {
      if (answer === 'Always allow for this site') {
        await this.page.getByRole('button', { name: 'Always allow for this site…' }).click();
        await expect(this.page.getByText('Show your identity to this site from now on without asking')).toBeVisible();
        await this.page.getByRole('button', { name: 'Yes, always allow' }).click();
      } else {
        await this.page.getByRole('button', { name: answer, exact: true }).click();
      }
    } catch (error) {
      // The window closing at once is the expected outcome of the click.
      if (!this.page.isClosed()) throw error;
    }
    await closed;
  }
}

export class PinWindow {
  readonly pin: Locator;
  readonly message: Locator;

  constructor(
    readonly page: Page,
    readonly words: PinWords = ENGLISH.pin,
  ) {
    this.pin = page.getByLabel(words.pin);
    this.message = page.getByRole('alert');
  }

  detail(testId: 'origin' | 'holder' | 'key' | 'operation' | 'about' | 'subject' | 'key-id' | 'contact' | 'reason' | 'dn' | 'mixed-scripts'): Locator {
    return this.page.getByTestId(testId);
  }

  async enterPin(pin: string) {
    await this.pin.fill(pin);
    await this.clickClosing(this.words.sign);
  }

  async cancel() {
    await this.clickClosing(this.words.cancel);
  }

  /** Clicks a button whose effect may be that the extension closes this window at once: the
   *  click then ends with "target closed", which is the expected outcome, not a failure. */
  private async clickClosing(name: string) {
    try {
      await this.page.getByRole('button', { name }).click();
    } catch (error) {
      if (!this.page.isClosed()) throw error;
    }
  }

  /** Resolves when the extension has closed the window. */
  closed(): Promise<unknown> {
    return this.page.isClosed() ? Promise.resolve() : this.page.waitForEvent('close');
  }
}
