import { defineConfig } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
// The previous release (CHANGELOG.md: the newest section that names its commit), whose card
// bridge and extension `./tasks e2e` builds from that commit into target/previous-release/.
const previousVersion = /^## (\S+) — .*\n\nCommit: [0-9a-f]{40}$/m.exec(readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'))?.[1];
const PREVIOUS = process.env.EHCERT_PREVIOUS_RELEASE ?? path.join(ROOT, 'target', 'previous-release', previousVersion ?? 'none');
// What two releases must do together (ARCHITECTURE.md, "Releases that live together"): the parts
// say their versions to each other and the page, the card check and a new certificate go through,
// and the support report names both releases. Each card generation once across the two projects.
const CROSS_RELEASE = ['bridge-hello.spec.ts', 'pin-window.spec.ts', 'new-certificate.spec.ts', 'support-report.spec.ts', 'more-flows.spec.ts'];
const crossRelease = (applet: string, other: string) =>
  new RegExp(`the page shows the versions|the browser check lists|applet ${applet}.*a signature through the PIN window shows who asks|applet ${other}.*from the eID to the final keystore|the support report says`);
// The bridge signs only requests it recognises as ones ehcert builds (card-bridge/CARD.md): an
// older bridge must recognise every request today's page makes, so it also signs the other
// operations: a renewal, an organisation's certificate, a revocation.
const everyOperation = /applet 1\.7.*a renewal opens the current certificate file|applet 1\.8.*an organisation certificate: the mandates|applet 1\.7.*my certificates lists the new one/;

// Every test drives Debian's Chromium with the unpacked extension and the real card bridge, so
// the browser is launched by the fixtures (a persistent context), not by a `projects` entry.
export default defineConfig({
  testDir: './tests',
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Two cores: one worker keeps pcscd, the servers and Chromium from fighting over them.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The gallery comes last: the HTML report clears its folder when it writes.
  reporter: process.env.CI
    ? [['list'], ['html', { open: 'never' }], ['./gallery-reporter.ts']]
    : [['list'], ['./gallery-reporter.ts']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'ehcert-serve', testIgnore: ['kiosk-policy.spec.ts', 'firefox.spec.ts', 'installed-bridge.spec.ts'] },
    // The nginx recipe (app/serve/nginx/ehcert.conf) in place of ehcert-serve: the new-certificate
    // flow, eHealth's faults and the acceptance probe through it, so the recipe cannot rot.
    {
      name: 'nginx',
      use: { appVia: 'nginx' },
      testMatch: ['new-certificate.spec.ts', 'faults.spec.ts', 'probe.spec.ts'],
      grep: /the pending keystore saved before the request|the precompressed copies the browser accepts|: a clear message, and the certificate is still obtained|CERT_NOT_YET_DELIVERED for a while|the acceptance probe gets/,
    },
    // Debian's firefox-esr over WebDriver BiDi, with the extension's Firefox build and the card
    // bridge over native messaging (tests/bidi.ts).
    { name: 'firefox', testMatch: 'firefox.spec.ts' },
    // Today's page and extension with the previous release's card bridge: what a person has
    // whose bridge was installed months ago.
    {
      name: 'previous-bridge',
      use: { bridgeProgram: path.join(PREVIOUS, 'card-bridge') },
      testMatch: CROSS_RELEASE,
      grep: new RegExp(`${crossRelease('1\\.7', '1\\.8').source}|${everyOperation.source}`),
    },
    // Today's page and bridge with the previous release's extension: the stores take hours to
    // days to bring the new one.
    {
      name: 'previous-extension',
      use: { extensionDir: path.join(PREVIOUS, 'extension') },
      testMatch: CROSS_RELEASE.filter((spec) => spec !== 'more-flows.spec.ts'),
      grep: crossRelease('1\\.8', '1\\.7'),
    },
    // A kiosk with its managed browser policy installed machine-wide (extension/kiosk-policies):
    // after the others, so that no other test runs under it.
    { name: 'kiosk-policy', testMatch: 'kiosk-policy.spec.ts', dependencies: ['ehcert-serve', 'nginx', 'firefox', 'previous-bridge', 'previous-extension'] },
    // The card bridge's Debian package (packaging/linux), installed machine-wide: last, so that no
    // other test runs while every browser on the machine finds it.
    { name: 'installed-bridge', testMatch: 'installed-bridge.spec.ts', dependencies: ['kiosk-policy'] },
  ],
});
