/**
 * Two tiers, both run by `npm test`:
 * - `unit` (test/unit): pure rules and operations executed in-process against the schema; no database, no server,
 *   seconds in all (`npm run test:unit` runs it alone);
 * - `server` (every other folder): real Khabar instances on port 0, each over its own copy of a migrated database on
 *   the PostgreSQL that test/support/global-setup.ts starts (embedded) or finds (TEST_DATABASE_URL, DATABASE_URL).
 * A project's global setup runs only when one of its tests is selected, so `npx jest test/unit` starts no database.
 */
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  maxWorkers: 2,
  testTimeout: 30000, // a project's own testTimeout is not applied: one for both
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    {
      ...shared,
      displayName: 'server',
      roots: ['<rootDir>/test'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
