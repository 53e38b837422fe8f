import crypto from 'node:crypto';
import { Client } from 'pg';

/** The server tests create their databases on: TEST_DATABASE_URL, DATABASE_URL, or the embedded one global-setup started. */
export function adminUrl(): string {
  const url = process.env.KHABAR_TEST_ADMIN_URL;
  if (!url) throw new Error('KHABAR_TEST_ADMIN_URL is not set: run the tests through jest (global-setup).');
  return url;
}

export function templateName(): string {
  return process.env.KHABAR_TEST_TEMPLATE!;
}

export function urlFor(database: string, base = adminUrl()): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdmin<T>(work: (client: Client) => Promise<T>, base = adminUrl()): Promise<T> {
  const client = new Client({ connectionString: base });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabaseOptions {
  /** An empty database with this LC_CTYPE (and LC_COLLATE) instead of the migrated copy; Khabar migrates it on start. */
  ctype?: 'C';
}

/** A fresh, migrated database for one test file: a copy of the template global-setup migrated. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${templateName()}_${crypto.randomBytes(5).toString('hex')}`;
  await withAdmin((c) => c.query(options.ctype
    ? `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_CTYPE '${options.ctype}' LC_COLLATE '${options.ctype}'`
    : `CREATE DATABASE ${name} TEMPLATE ${templateName()}`));
  return {
    url: urlFor(name),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
