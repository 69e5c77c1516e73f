// A stand-in for the browser's File System Access save picker, whose dialog a test cannot drive:
// the person "picks" a place, and the stand-in keeps what the app writes through it, per place.
import type { Page } from '@playwright/test';

/** One file written through a place the person picked: which pick, the proposed name, the bytes. */
export type SavedWrite = { place: number; name: string; bytes: number[] };

/** Installs the stand-in before the page's scripts run. `closes`: the person closes the picker
 *  every time (the browser then rejects with an AbortError, as Chrome does). */
export async function standInSavePicker(page: Page, { closes = false }: { closes?: boolean } = {}) {
  await page.addInitScript((closes) => {
    const writes: { place: number; name: string; bytes: number[] }[] = [];
    (window as any).savedWrites = writes;
    let places = 0;
    (window as any).showSaveFilePicker = async (options: { suggestedName: string }) => {
      if (closes) throw new DOMException('The user aborted a request.', 'AbortError');
      const place = places++;
      return {
        createWritable: async () => {
          const chunks: number[] = [];
          return {
            write: async (data: Uint8Array) => chunks.push(...data),
            close: async () => {
              writes.push({ place, name: options.suggestedName, bytes: chunks });
              (window as any).savedCopy = { name: options.suggestedName, bytes: chunks };
            },
          };
        },
      };
    };
  }, closes);
}

/** What the app last saved through the stand-in: the proposed name and the bytes. */
export async function savedCopy(page: Page): Promise<{ name: string; bytes: number[] }> {
  return page.evaluate(() => (window as any).savedCopy);
}

/** Every file the app wrote through the stand-in, in order. */
export async function savedWrites(page: Page): Promise<SavedWrite[]> {
  return page.evaluate(() => (window as any).savedWrites ?? []);
}
