/**
 * Three tiers, all run by `npm test` (docs/testing.md):
 * - `unit` (test/unit): pure rules (policy functions, parsers, tags) and the schema built in memory; no database, no
 *   server: seconds in all (`npm run test:unit` runs it alone);
 * - `in-process` (test/in-process): operations executed against the real schema with a real context
 *   (test/support/in-process.ts), each file on its own copy of the migrated database, without HTTP: resolver rules,
 *   statement counts and the SQL snapshots;
 * - `server` (every other folder): real Khabar instances on port 0, over HTTP and graphql-ws, each file over its own
 *   copy of the migrated database; processes where behaviour crosses one.
 * The database tiers share the PostgreSQL that test/support/global-setup.ts starts (embedded) or finds
 * (TEST_DATABASE_URL, DATABASE_URL). A project's global setup runs only when one of its tests is selected, so
 * `npm run test:unit` starts no database; `npm run test:fast` runs the first two tiers.
 */
const shared = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  setupFiles: ['reflect-metadata'],
};
const database = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

module.exports = {
  maxWorkers: 2,
  // A worker that has run half the suite holds about 1 GB of heap, and tearing it down after its last handle closed
  // took 0.87 s here (measured from its 'exit' event to the process being gone): past Jest's default of 500 ms, Jest
  // killed it and warned "failed to exit gracefully", which would hide a real leak among false ones.
  workerGracefulExitTimeout: 5000,
  testTimeout: 30000, // a project's own testTimeout is not applied: one for both
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    { ...shared, ...database, displayName: 'in-process', roots: ['<rootDir>/test/in-process'] },
    {
      ...shared,
      ...database,
      displayName: 'server',
      roots: ['<rootDir>/test'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/', '<rootDir>/test/in-process/'],
    },
  ],
};
