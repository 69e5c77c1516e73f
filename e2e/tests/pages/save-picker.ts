// A stand-in for the browser's File System Access save picker, whose dialog a test cannot drive:
// the person "picks" a place, and the stand-in keeps what the app writes through it.
import type { Page } from '@playwright/test';

/** Installs the stand-in before the page's scripts run. */
export async function standInSavePicker(page: Page) {
  await page.addInitScript(() => {
    (window as any).showSaveFilePicker = async (options: { suggestedName: string }) => ({
      createWritable: async () => {
        const chunks: number[] = [];
        return {
          write: async (data: Uint8Array) => chunks.push(...data),
          close: async () => {
            (window as any).savedCopy = { name: options.suggestedName, bytes: chunks };
          },
        };
      },
    });
  });
}

/** What the app last saved through the stand-in: the proposed name and the bytes. */
export async function savedCopy(page: Page): Promise<{ name: string; bytes: number[] }> {
  return page.evaluate(() => (window as any).savedCopy);
}
