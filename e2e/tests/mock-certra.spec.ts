// The app reaches the mock eHealth service (mock-certra) through its own origin, as in the demo:
// the real SOAP answer is parsed by the app, and the mock records the request it carried out.
import path from 'node:path';

import { BIN_DIR, DIST_DIR, expect, startServer, test } from './fixtures';

test('the diagnostics page reads the organisation types of the mock CertRA through the proxy', async ({ page }) => {
  const mock = await startServer(path.join(BIN_DIR, 'mock-certra'), ['--listen', '127.0.0.1:0']);
  const app = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `local=${mock.url}`,
  ]);
  try {
    await page.goto(`${app.url}/#diagnostics`);
    const local = page.locator('[data-environment="local"] [data-state]');
    await expect(local).toHaveAttribute('data-state', 'ok');
    await expect(local).toHaveText('eHealth’s certificate service answers (4 organisation types).');

    const requests = await (await fetch(`${mock.url}/admin/requests`)).json();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ path: '/CertRa/v2', operation: 'GetGenericOrganizationTypes', outcome: 'success' });
  } finally {
    app.process.kill('SIGTERM');
    mock.process.kill('SIGTERM');
  }
});
