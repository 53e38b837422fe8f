import { DataSource } from 'typeorm';
import { migrations } from './migrations';
import { readTextFast } from './text-decoding';
import { readTimestampsFast } from './timestamps';

/**
 * TypeORM here is the pool, transactions (with their after-commit hook) and migrations: every statement is hand-written
 * SQL, so the data source has no entities, and each module types its rows as plain interfaces (`*.row.ts`).
 */
export function makeDataSource(url: string, poolSize = 10): DataSource {
  readTimestampsFast();
  readTextFast();
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    // A database that does not answer fails a request in 5 s (DATABASE_UNAVAILABLE) rather than hold it until REQUEST_TIMEOUT_MS.
    connectTimeoutMS: 5_000,
    extra: { max: poolSize, application_name: 'khabar' },
  });
}
