// Key generation in the browser: WebCrypto where it works, else the `rsa` crate in a worker
// (app/PRODUCT.md §6). Both must hand a real RSA-2048 key to the Rust code.
import { expect, test } from './fixtures';

test('keys are made by WebCrypto when the browser has it', async ({ page, appServer }) => {
  await page.goto(`${appServer.url}/#diagnostics`);
  const keygen = page.getByTestId('keygen');
  await expect(keygen).toHaveAttribute('data-state', 'ok');
  await expect(keygen).toContainText("An RSA-2048 key was made by the browser’s WebCrypto");
  // The time in whole milliseconds, as the browser formats a number.
  await expect(keygen).toHaveText(/ in \d+ ms\.$/);
});

test('keys are made in the worker when WebCrypto cannot generate them', async ({ page, appServer }) => {
  // A browser whose WebCrypto refuses RSA key generation.
  await page.addInitScript(() => {
    SubtleCrypto.prototype.generateKey = () => Promise.reject(new DOMException('not supported', 'NotSupportedError'));
  });
  const workers: string[] = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(`${appServer.url}/#diagnostics`);
  const keygen = page.getByTestId('keygen');
  await expect(keygen).toHaveAttribute('data-state', 'ok', { timeout: 30_000 });
  await expect(keygen).toContainText('An RSA-2048 key was made by the built-in generator (in a worker)');
  expect(workers.some((url) => url.endsWith('/keygen_worker_loader.js'))).toBe(true);
});
