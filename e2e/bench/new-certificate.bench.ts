// Budget "new certificate flow, mock CertRA issuing at once, simulated card: ≤ 10 s wall, ≤ 8
// user actions" (app/PRODUCT.md §6). Every interaction goes through `Person`, which counts it:
// choices (a click, a selection, a checkbox, the PIN entry) and fields typed, apart, and the PIN
// entries (the Java tool asks for the PIN twice for a new personal certificate). The wall time
// runs from opening the flow to the final keystore's download, without the pause below.
// The wait after "Create my key": the keys start when the password step opens
// (services/webcrypto.rs `prepare`), so the step stays open as long as a person takes to type
// the password twice (TYPING_MS) before the click; the wait runs from the click to the request
// file's download. Runs a few times and writes the figures as JSON to $EHCERT_BENCH_OUT
// (default: target/bench/flow.json).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';

import { expect, ROOT, test } from '../tests/fixtures';

const RUNS = 5;
const PASSWORD = 'Huisarts-2026';
/** Typing the password twice at five keys a second, a steady typist's pace. */
const TYPING_MS = 2 * PASSWORD.length * 200;
const results: { wall_ms: number; create_key_wait_ms: number; choices: number; fields: number; pins: number }[] = [];

class Person {
  choices = 0;
  fields = 0;
  pins = 0;
  constructor(readonly page: Page) {}
  async click(target: Locator) {
    this.choices++;
    await target.click();
  }
  async check(target: Locator) {
    this.choices++;
    await target.check();
  }
  async select(target: Locator, label: string) {
    this.choices++;
    await target.selectOption({ label });
  }
  async type(target: Locator, text: string) {
    this.fields++;
    await target.fill(text);
  }
  async typePin(target: Locator, pin: string) {
    this.pins++;
    await this.type(target, pin);
  }
}

for (let run = 1; run <= RUNS; run++) {
  test(`new personal certificate, run ${run}`, async ({ page, context, localApp, card, certra }) => {
    void card;
    void certra;
    const person = new Person(page);
    const start = performance.now();
    await page.goto(`${localApp.url}/#new`);
    await expect(page.getByTestId('holder')).toHaveText('Jan Pieter Peeters');
    await person.type(page.getByLabel('E-mail address'), 'jan.peeters@example.be');
    await person.type(page.getByLabel('Phone number'), '+32 470 00 00 00');
    await person.click(page.getByRole('button', { name: 'Continue' }));
    await person.check(page.getByLabel('I have read this contract and accept it'));
    await person.click(page.getByRole('button', { name: 'Continue' }));
    const stepOpened = performance.now();
    await person.type(page.getByLabel('Password', { exact: true }), PASSWORD);
    await person.type(page.getByLabel('Password again'), PASSWORD);
    const typing = Math.max(0, TYPING_MS - (performance.now() - stepOpened));
    await page.waitForTimeout(typing);
    const pending = page.waitForEvent('download');
    const clicked = performance.now();
    await person.click(page.getByRole('button', { name: 'Create my key' }));
    await pending;
    const createKeyWait = performance.now() - clicked;
    const opened = context.waitForEvent('page');
    const final = page.waitForEvent('download');
    await person.click(page.getByRole('button', { name: 'Sign and send the request' }));
    const pinWindow = await opened;
    await person.typePin(pinWindow.getByLabel('PIN code (4 to 12 digits)'), '1234');
    // Sign closes the window at once: the click's "target closed" is the expected end.
    await person.click(pinWindow.getByRole('button', { name: 'Sign' })).catch((error) => {
      if (!pinWindow.isClosed()) throw error;
    });
    await final;
    const wall = performance.now() - start - typing;
    await expect(page.getByTestId('done')).toBeVisible();
    results.push({ wall_ms: wall, create_key_wait_ms: createKeyWait, choices: person.choices, fields: person.fields, pins: person.pins });
  });
}

test.afterAll(() => {
  const out = process.env.EHCERT_BENCH_OUT ?? path.join(ROOT, 'target', 'bench', 'flow.json');
  const walls = results.map((result) => result.wall_ms).sort((a, b) => a - b);
  const waits = results.map((result) => result.create_key_wait_ms).sort((a, b) => a - b);
  const summary = [
    {
      name: 'new_certificate_flow_wall',
      runs: walls.length,
      median_ms: walls[Math.floor(walls.length / 2)],
      p90_ms: walls[Math.min(walls.length - 1, Math.floor((walls.length * 9) / 10))],
    },
    {
      name: 'new_certificate_create_key_wait',
      runs: waits.length,
      median_ms: waits[Math.floor(waits.length / 2)],
      p90_ms: waits[Math.min(waits.length - 1, Math.floor((waits.length * 9) / 10))],
    },
    {
      name: 'new_certificate_flow_user_actions',
      runs: results.length,
      choices: Math.max(...results.map((result) => result.choices)),
      fields: Math.max(...results.map((result) => result.fields)),
      pin_entries: Math.max(...results.map((result) => result.pins)),
    },
  ];
  writeFileSync(out, JSON.stringify(summary, null, 2));
  console.log(`JSON ${JSON.stringify(summary)}`);
});
