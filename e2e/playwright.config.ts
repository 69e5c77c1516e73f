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
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
