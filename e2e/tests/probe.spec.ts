// The acceptance probe (app/probe) as an operator runs it before production: it asks the service
// directly, then again through the app server the page uses — ehcert-serve in the `ehcert-serve`
// project, the nginx recipe in the `nginx` project — with the simulated card behind the real
// pcscd and the real card bridge, and says whether the production transport changes the answers.
import { spawn } from 'node:child_process';
import path from 'node:path';

import { BIN_DIR, expect, test } from './fixtures';

test('the acceptance probe gets the same answers through the app server as directly', async ({ localApp, certraServer, card }) => {
  void card;
  const via = `${localApp.url}/ehealth/local`;
  const probe = spawn(
    path.join(BIN_DIR, 'ehcert-probe'),
    ['--bridge', path.join(BIN_DIR, 'card-bridge'), '--base', certraServer.url, '--via', via],
    { env: { ...process.env, EHCERT_PROBE_PIN: '1234' } },
  );
  let stdout = '';
  let stderr = '';
  probe.stdout.on('data', (chunk) => (stdout += chunk));
  probe.stderr.on('data', (chunk) => (stderr += chunk));
  const status = await new Promise((resolve) => probe.once('exit', resolve));
  expect(status, stderr).toBe(0);
  expect(stdout).toContain('- signature-method:rsa-sha256: accepted');
  expect(stdout).toContain(`- transport:${via}: the same answers as directly`);
});
