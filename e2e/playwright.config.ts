import { defineConfig } from '@playwright/test';

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
    // A kiosk with its managed browser policy installed machine-wide (extension/kiosk-policies):
    // after the others, so that no other test runs under it.
    { name: 'kiosk-policy', testMatch: 'kiosk-policy.spec.ts', dependencies: ['ehcert-serve', 'nginx', 'firefox'] },
    // The card bridge's Debian package (packaging/linux), installed machine-wide: last, so that no
    // other test runs while every browser on the machine finds it.
    { name: 'installed-bridge', testMatch: 'installed-bridge.spec.ts', dependencies: ['kiosk-policy'] },
  ],
});
