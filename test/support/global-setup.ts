import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { makeDataSource } from '../../src/db/data-source';
import { migrate } from '../../src/db/migrate';
import { urlFor, withAdmin } from './database';
import { freePort } from '../../scripts/free-port';

declare global {
  // eslint-disable-next-line no-var
  var khabarTestTeardown: (() => Promise<void>) | undefined;
}

/**
 * One PostgreSQL for the run (embedded unless TEST_DATABASE_URL or DATABASE_URL names one), and a
 * migrated template database that each test file copies into its own database.
 */
export default async function globalSetup(): Promise<void> {
  const teardown: (() => Promise<void>)[] = [];
  let admin = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!admin) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-test-'));
    fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user and must reach its data directory
    const embedded = await startEmbeddedPostgres(dataDir, await freePort());
    admin = embedded.url;
    teardown.push(async () => {
      await embedded.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
  }
  const template = `khabar_tpl_${process.pid}`;
  await withAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${template}`);
    await c.query(`CREATE DATABASE ${template} ENCODING 'UTF8'`);
  }, admin);
  const db = makeDataSource(urlFor(template, admin), 2);
  await db.initialize();
  await migrate(db);
  await db.destroy();
  teardown.unshift(() => withAdmin(async (c) => {
    const { rows } = await c.query('SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2', [`${template}\\_%`, template]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }, admin));
  process.env.KHABAR_TEST_ADMIN_URL = admin;
  process.env.KHABAR_TEST_TEMPLATE = template;
  globalThis.khabarTestTeardown = async () => {
    for (const step of teardown) await step();
  };
}
