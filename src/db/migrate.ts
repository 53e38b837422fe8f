import type { DataSource } from 'typeorm';

/** One instance at a time migrates or seeds; the others wait on this advisory lock and then find the work done. */
const SCHEMA_LOCK = 7_361_001;

export async function withSchemaLock<T>(db: DataSource, work: () => Promise<T>): Promise<T> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

export async function migrate(db: DataSource): Promise<number> {
  return withSchemaLock(db, async () => (await db.runMigrations({ transaction: 'each' })).length);
}
