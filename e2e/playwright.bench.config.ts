import { defineConfig } from '@playwright/test';

// `./tasks bench` only: the new-certificate flow timed end to end with the same fixtures as the
// suite (extension, card bridge, pcscd, simulated eID, mock CertRA). Not part of the tests.
export default defineConfig({
  testDir: './bench',
  testMatch: /\.bench\.ts$/,
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: 'list',
});
