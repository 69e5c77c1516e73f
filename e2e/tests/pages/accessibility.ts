// Accessibility check (WCAG 2.1 A and AA rules of axe-core) of whatever a page shows now, with a
// screenshot of it kept as a test artifact. axe is evaluated through the DevTools protocol, so
// the app's strict CSP (no inline or foreign scripts) stays as it is served.
import { expect, type Page, type TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The smallest window the app is made for: a hospital kiosk's 1024×768 screen. */
const KIOSK = { width: 1024, height: 768 };

type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };

/**
 * Screenshots the page as `step` and fails on any serious or critical WCAG 2.1 AA violation,
 * naming the rule and the elements.
 */
export async function expectAccessible(page: Page, testInfo: TestInfo, step: string) {
  // Kept in the test's output folder (e2e/test-results/…), attached to the HTML report and
  // gathered into its gallery (gallery-reporter.ts): at the window's size and at a 1024×768
  // kiosk's, where the design must still read well.
  // A window of the extension's own (the PIN window) keeps the size the extension gave it.
  const shown = page.viewportSize();
  for (const size of shown ? [shown, KIOSK] : [null]) {
    if (size) await page.setViewportSize(size);
    const label = size ? `${size.width}×${size.height}` : 'its own window';
    const screenshot = testInfo.outputPath(`${step}${size ? `-${size.width}x${size.height}` : ''}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    await testInfo.attach(`screen: ${step} · ${label}`, { path: screenshot, contentType: 'image/png' });
  }
  if (shown) await page.setViewportSize(shown);
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  const violations: Violation[] = await page.evaluate(async () => {
    // @ts-expect-error: axe is the global the source above defines.
    const results = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      // The contract is eHealth's own HTML in a sandboxed frame without scripts: axe cannot enter it.
      iframes: false,
    });
    return results.violations;
  });
  const serious = violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(serious, `accessibility of "${step}"`).toEqual([]);
}
