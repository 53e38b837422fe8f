import { createTestDatabase } from '../support/database';
import { factories } from '../support/factories';
import { fuzz, FuzzReport } from '../support/fuzzer';
import { startFuzzedProcess, FuzzedProcess } from '../support/fuzz-target';
import { publishedSchema } from '../support/hostile';
import type { TestApp } from '../support/test-app';
import { Pool } from 'pg';

/** Cases of the bounded run: about a minute on a quiet machine. `npm run fuzz -- --minutes N` runs longer, any seed. */
const SEED = 20261206;
const CASES = 1200;

/**
 * The seeded fuzzer (test/support/fuzzer.ts) against a real Khabar process (docs/reliability.md): documents built from
 * the schema, mutated documents, raw HTTP requests and graphql-ws frames, as readers, editors and admins.
 */
describe('the fuzzer, seed 20261206', () => {
  let database: { url: string; drop(): Promise<void> };
  let khabar: FuzzedProcess;
  let report: FuzzReport;

  beforeAll(async () => {
    database = await createTestDatabase();
    const pool = new Pool({ connectionString: database.url, max: 1 });
    const make = factories({ sql: async (query: string, params?: unknown[]) => (await pool.query(query, params)).rows } as unknown as TestApp);
    const person = await make.person({ slug: 'awatif-hayar' });
    const category = await make.category({ slug: 'societe' });
    for (let i = 0; i < 5; i += 1) await make.article({ personIds: [person.id], categoryId: category.id, regionCodes: ['MA-04'], tags: ['tag'] });
    await make.ticker({ headline: 'عاجل من الرباط' });
    await pool.end();
    khabar = await startFuzzedProcess(database.url);
    report = await fuzz(khabar.target, publishedSchema(), { seed: SEED, cases: CASES });
  }, 600_000);
  afterAll(async () => {
    await khabar?.stop();
    await database?.drop();
  });

  it('ran every kind of case, and checked that refused ones changed nothing', () => {
    expect(report.cases).toBe(CASES);
    expect(Object.keys(report.byKind).sort()).toEqual(['graphql-ws', 'mutated document', 'raw HTTP', 'schema']);
    expect(report.refusedChecked).toBeGreaterThan(CASES / 2);
  });

  it('got only documented statuses and error codes, never INTERNAL_SERVER_ERROR, and no refused request changed a row', () => {
    expect(report.failures).toEqual([]);
  });

  it('left the process running, with no error logged and no unhandled rejection', () => {
    expect(khabar.child.exitCode).toBeNull();
    expect(khabar.troubles()).toEqual([]);
  });
});
