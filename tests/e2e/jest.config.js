/**
 * The browser walk (`npm run test:e2e`): the global setup builds the admin and starts the app on
 * a fresh SQLite database with demo data; each test drives Debian's Chromium through
 * playwright-core as a person would, and leaves a screenshot of the page it checked in
 * docs/screenshots/.
 */
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '../..'),
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  testMatch: ['<rootDir>/tests/e2e/**/*.e2e.ts'],
  globalSetup: '<rootDir>/tests/e2e/global-setup.js',
  globalTeardown: '<rootDir>/tests/e2e/global-teardown.js',
  testTimeout: 120000,
  // One browser against one app.
  maxWorkers: 1,
};
