/** One jest run for everything: unit tests beside the plugin's code, HTTP tests in tests/. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  testMatch: ['<rootDir>/tests/**/*.test.ts', '<rootDir>/plugins/whatsapp/server/src/**/*.test.ts', '<rootDir>/plugins/whatsapp/admin/src/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/tests/helpers/global-setup.js',
  testTimeout: 60000,
  // One Strapi at a time: each test file boots its own on its own database.
  maxWorkers: 1,
};
