/**
 * Two jest projects, one run for everything (`npm test`):
 * - `unit`: the tests beside the plugin's code (server and admin); pure, no Strapi, no database,
 *   so `npm run test:unit` answers in seconds.
 * - `http`: the tests in tests/, each file booting a real Strapi on its own database; the global
 *   setup compiles the app once before them.
 */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/plugins/whatsapp/server/src/**/*.test.ts', '<rootDir>/plugins/whatsapp/admin/src/**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'http',
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      globalSetup: '<rootDir>/tests/helpers/global-setup.js',
    },
  ],
  testTimeout: 60000,
  // Two test files at a time (one per core of the CI machine): each boots its own Strapi on its
  // own database (SQLite file or PostgreSQL database named after the worker's pid), so they never
  // share state. JEST_WORKERS=1 runs them one at a time.
  maxWorkers: Number(process.env.JEST_WORKERS || 2),
};
