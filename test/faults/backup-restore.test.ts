import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { TokenService } from '../../src/auth/tokens';
import { freePort } from '../../scripts/free-port';
import { createTestDatabase } from '../support/database';
import { gql, KhabarProcess, MAIN, startProcess, subscriptionsActive } from '../support/khabar-process';
import { connectLive, subscribe } from '../support/live';
import { TEST_JWT_SECRET, TestApp } from '../support/test-app';

const CLI = path.resolve(path.dirname(MAIN), 'cli');
const BREAKING = 'subscription($after: String) { breakingNews(after: $after) { cursor ticker { headline } } }';
const PUSH = 'mutation($i: PushBreakingNewsInput!) { pushBreakingNews(input: $i) { id } }';
/** What readers ask: the front page, an article page, a region's feed, search; answered the same before and after. */
const READS = [
  '{ tickers { headline urgency } articles(first: 20) { edges { cursor node { slug title displayDate regions { code nameAr } people { slug nameAr } } } } }',
  '{ articles(first: 1) { edges { node { slug } } } }',
  '{ region(code: "MA-04") { nameFr articles(first: 5) { edges { node { slug title } } } } }',
  '{ search(query: "المغرب", first: 5) { edges { node { slug } } } }',
];

/** Each pass backs up its own kind: the embedded PostgreSQL 18 (its files), or with DATABASE_URL the server there (pg_dump). */
const external = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);

function cli(script: 'backup' | 'restore', arg: string, env: Record<string, string>): string {
  const result = spawnSync(process.execPath, [path.join(CLI, `${script}.js`), arg], { env: { PATH: process.env.PATH!, ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run ${script} failed: ${result.stderr}`);
  return result.stdout;
}

describe(`npm run backup and npm run restore (${external ? 'pg_dump of DATABASE_URL' : 'the embedded PostgreSQL, DATA_DIR made by mktemp -d'})`, () => {
  let env: Record<string, string>;
  let databaseUrl: string;
  let khabar: KhabarProcess | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    if (external) {
      const database = await createTestDatabase();
      cleanups.push(() => database.drop());
      env = { DATABASE_URL: database.url };
      databaseUrl = database.url;
    } else {
      // As `mktemp -d` makes it: mode 0700, owned by whoever runs Khabar (root here, while PostgreSQL runs as postgres).
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-backup-'));
      cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
      const port = await freePort();
      env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port) };
      databaseUrl = `postgres://khabar:khabar@127.0.0.1:${port}/khabar`;
    }
    const backups = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-backups-'));
    cleanups.push(() => fs.rmSync(backups, { recursive: true, force: true }));
    env.BACKUP_DIR = path.join(backups, 'nightly');
  });
  afterAll(async () => {
    await khabar?.stop();
    for (const step of cleanups.reverse()) await step();
  });

  const start = async () => {
    khabar = await startProcess({ ...env, MIGRATE_ON_START: 'true', KHABAR_SEED: 'demo', LOG_LEVEL: 'info', RATE_LIMIT_PER_IP: '0' });
    return khabar;
  };
  const answers = async (url: string) => Promise.all(READS.map(async (query) => {
    const { status, body } = await gql(url, query);
    expect([status, body.errors]).toEqual([200, undefined]);
    return body.data;
  }));

  it('restores a database that answers the same, and subscribers resume from their cursors', async () => {
    const running = await start();
    const editor = await new TokenService(TEST_JWT_SECRET).sign('EDITOR', 'desk');
    const live = connectLive({ url: running.url } as TestApp);
    const breaking = subscribe(live, BREAKING);
    await subscriptionsActive(running.url, 1);
    for (const n of [1, 2, 3]) await gql(running.url, PUSH, { i: { headline: `عاجل قبل النسخة ${n}`, urgency: 1 } }, editor);
    const events = (await breaking.received(3)).map((e) => e.breakingNews);
    const before = await answers(running.url);
    expect(before[0].articles.edges.length).toBeGreaterThan(0);

    // Online: taken while Khabar runs.
    expect(cli('backup', env.BACKUP_DIR, env)).toMatch(external ? /backed up \(pg_dump/ : /backed up \(base/);
    await live.dispose();
    await running.stop();
    khabar = undefined;

    // The disaster: the data is gone.
    if (external) {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      await client.end();
    } else {
      fs.rmSync(path.join(env.DATA_DIR, 'pg'), { recursive: true, force: true });
    }
    expect(cli('restore', env.BACKUP_DIR, env)).toMatch(/^restored the backup/);

    const restored = await start();
    expect(await answers(restored.url)).toEqual(before);
    // A reader who had the first event resumes from it and gets the two after it; new pushes follow, once each.
    const back = connectLive({ url: restored.url } as TestApp);
    const resumed = subscribe(back, BREAKING, { after: events[0].cursor });
    expect((await resumed.received(2)).map((e) => e.breakingNews.cursor)).toEqual(events.slice(1).map((e) => e.cursor));
    await gql(restored.url, PUSH, { i: { headline: 'عاجل بعد الاستعادة', urgency: 1 } }, editor);
    expect((await resumed.received(3)).map((e) => e.breakingNews.ticker.headline)).toEqual(['عاجل قبل النسخة 2', 'عاجل قبل النسخة 3', 'عاجل بعد الاستعادة']);
    resumed.stop();
    await back.dispose();
  }, 180_000);
});
