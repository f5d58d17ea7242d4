/**
 * The fault suite (`npm run test:faults`): real app processes killed, PostgreSQL restarted, the
 * fake provider down or slow. One scenario at a time (each starts several app processes on a
 * 2-core machine), on PostgreSQL.
 */
// The scenarios run on PostgreSQL, the database several instances share (set before jest starts its workers).
process.env.DATABASE_CLIENT = 'postgres';

module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  testMatch: ['<rootDir>/tests/faults/**/*.fault.ts'],
  globalSetup: '<rootDir>/tests/helpers/global-setup.js',
  testTimeout: 240_000,
  maxWorkers: 1,
};
