import crypto from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** What read services need from the database: rows for a parameterised statement. */
export interface Sql {
  query<T = any>(text: string, values?: unknown[]): Promise<T[]>;
}

/** Above this many distinct statements, new ones run unnamed rather than grow every connection's plan cache. */
const MAX_PREPARED = 500;

/**
 * Runs reads straight on TypeORM's pg pool as named prepared statements: PostgreSQL plans each statement
 * once per connection instead of on every call, which on hot pages costs more than executing it.
 */
export class PoolSql implements Sql {
  private readonly names = new Map<string, string>();
  /** Statements run so far, by every request and by the event feed (the reconnect-storm test and bench count them). */
  statements = 0;

  constructor(private readonly pool: Pool) {}

  static of(db: DataSource): PoolSql {
    return new PoolSql((db.driver as PostgresDriver).master as Pool);
  }

  async query<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
    this.statements += 1;
    const result = await this.pool.query({ name: this.nameOf(text), text, values });
    return result.rows as T[];
  }

  private nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (!name && this.names.size < MAX_PREPARED) {
      name = `k_${crypto.createHash('sha1').update(text).digest('base64url').slice(0, 16)}`;
      this.names.set(text, name);
    }
    return name;
  }
}

/** One request's view of the database: counts its statements (the statement-count tests, benchmarks, metrics). */
export class CountingSql implements Sql {
  statements = 0;

  constructor(private readonly inner: Sql) {}

  query<T = any>(text: string, values?: unknown[]): Promise<T[]> {
    this.statements += 1;
    return this.inner.query<T>(text, values);
  }
}
