// Keyboard-only helpers: a control is reached with Tab presses alone (never a click or focus()
// from the test), and shows where the keyboard is (WCAG 2.1.1, 2.4.3, 2.4.7).
import { expect, type Locator, type Page } from '@playwright/test';

/** Presses Tab until `target` has the focus; fails if it is not reached within `limit` presses. */
export async function tabTo(page: Page, target: Locator, limit = 40) {
  await expect(target).toBeVisible();
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((element) => element === document.activeElement)) {
      const outline = await target.evaluate((element) => getComputedStyle(element).outlineStyle);
      expect(outline, 'the focused control shows a focus outline').not.toBe('none');
      return;
    }
  }
  throw new Error(`not reached with ${limit} presses of Tab: ${target}`);
}
