// The page reaches eHealth's services through its own origin (the server forwards
// /ehealth/{environment}/CertRa/v2), under the app's strict CSP, with only the SOAP request and
// its SOAPAction leaving the browser. A recording stand-in answers for "acceptance"; nothing
// answers for "production", which the page must report plainly. The page offers the environments
// the server states, and words the server's own refusals.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { BIN_DIR, DIST_DIR, expect, startServer, test } from './fixtures';

const ORGANIZATION_TYPES = `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><cp:GetGenericOrganizationTypesResponse xmlns:cp="urn:be:fgov:ehealth:certra:protocol:v2" xmlns:cc="urn:be:fgov:ehealth:certra:core:v2" xmlns:core="urn:be:fgov:ehealth:commons:core:v2" Id="_r" IssueInstant="2026-11-22T16:30:13Z"><core:Status><core:StatusCode Value="urn:be:fgov:ehealth:2.0:status:Success"/></core:Status><cp:OrganizationType><cc:Name><cc:Value xml:lang="en">Hospital</cc:Value></cc:Name><cc:IdentifierType>NIHII-HOSPITAL</cc:IdentifierType><cc:ValidationRegEx>[0-9]{8}</cc:ValidationRegEx></cp:OrganizationType><cp:OrganizationType><cc:Name><cc:Value xml:lang="en">Pharmacy</cc:Value></cc:Name><cc:IdentifierType>NIHII-PHARMACY</cc:IdentifierType></cp:OrganizationType></cp:GetGenericOrganizationTypesResponse></soap:Body></soap:Envelope>`;

test('the page calls CertRA through its own origin and reports an environment that does not answer', async ({ page }) => {
  const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const upstream = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ url: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' }).end(ORGANIZATION_TYPES);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const app = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `acceptance=${upstreamUrl}`,
    // Offered, but nothing answers there.
    '--upstream', 'production=http://127.0.0.1:9',
  ]);
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  try {
    await page.goto(`${app.url}/#diagnostics`);
    const acceptance = page.locator('[data-environment="acceptance"] [data-state]');
    await expect(acceptance).toHaveAttribute('data-state', 'ok');
    await expect(acceptance).toHaveText('eHealth’s certificate service answers (2 organisation types).');
    const production = page.locator('[data-environment="production"] [data-state]');
    await expect(production).toHaveAttribute('data-state', 'bad');
    await expect(production).toContainText("eHealth’s service is not available right now");

    expect(received).toHaveLength(1);
    const [call] = received;
    expect(call.url).toBe('/CertRa/v2');
    expect(call.headers['soapaction']).toBe('"urn:be:fgov:ehealth:certra:protocol:v2:getGenericOrganizationTypes"');
    expect(call.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(call.headers['cookie']).toBeUndefined();
    expect(call.body).toContain('<cp:GetGenericOrganizationTypesRequest xmlns:cp="urn:be:fgov:ehealth:certra:protocol:v2"');
    expect(violations).toEqual([]);
  } finally {
    app.process.kill('SIGTERM');
    upstream.close();
  }
});

test('a provider is never asked for an environment; the operator\'s others wait under "For software developers"', async ({ page, certraServer }) => {
  const production = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `production=${certraServer.url}`,
  ]);
  const app = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0',
    '--upstream', `acceptance=${certraServer.url}`, '--upstream', 'production=http://127.0.0.1:9',
  ]);
  const demo = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0',
    '--upstream', `local=${certraServer.url}`, '--upstream', 'acceptance=http://127.0.0.1:9', '--default-environment', 'local',
  ]);
  try {
    const environment = page.getByLabel('eHealth environment');
    const developers = page.getByTestId('developer-options');
    // A server that offers production alone, as a hosted page does: no screen asks.
    for (const screen of ['#new', '#new-organisation', '#renew', '#complete', '#activate-etk', '#certificates', '#foreigner']) {
      await page.goto(`${production.url}/${screen}`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(environment).toHaveCount(0);
      await expect(developers).toHaveCount(0);
      await expect(page.getByTestId('test-platform')).toHaveCount(0);
    }
    await page.goto(`${app.url}/#foreigner`);
    // Offered, but folded away, starting on the server's default.
    await expect(developers).toContainText('For software developers');
    await expect(environment).toBeHidden();
    await developers.locator('summary').click();
    await expect(environment).toHaveValue('production');
    await expect(environment.locator('option')).toHaveText(['Production', 'Acceptance (test platform)']);
    await page.goto(`${demo.url}/#foreigner`);
    await developers.locator('summary').click();
    await expect(environment).toHaveValue('local');
    await expect(environment.locator('option')).toHaveText(['Local test service', 'Acceptance (test platform)']);
  } finally {
    production.process.kill('SIGTERM');
    app.process.kill('SIGTERM');
    demo.process.kill('SIGTERM');
  }
});

test('a call the server refuses for its rate limit is worded with the wait, and nothing reaches eHealth', async ({ page, certraServer, certra }) => {
  const app = await startServer(path.join(BIN_DIR, 'ehcert-serve'), [
    '--dist', DIST_DIR, '--listen', '127.0.0.1:0', '--upstream', `local=${certraServer.url}`,
    '--rate-per-minute', '1', '--rate-burst', '1',
  ]);
  try {
    await page.goto(`${app.url}/#diagnostics`);
    const local = page.locator('[data-environment="local"] [data-state]');
    await expect(local).toHaveAttribute('data-state', 'ok');
    await page.reload();
    await expect(local).toHaveAttribute('data-state', 'bad');
    await expect(local).toContainText(/so yours was not sent\. Wait \d+ seconds and try again\./);
    expect((await certra.requests()).filter((r: any) => r.operation === 'GetGenericOrganizationTypes')).toHaveLength(1);
  } finally {
    app.process.kill('SIGTERM');
  }
});
