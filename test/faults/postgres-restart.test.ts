import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { TokenService } from '../../src/auth/tokens';
import { encodeCursor } from '../../src/shared/relay';
import { freePort } from '../../scripts/free-port';
import { eventually } from '../support/eventually';
import { errorLines, gql, KhabarProcess, startProcess, subscriptionsActive } from '../support/khabar-process';
import { connectLive, subscribe } from '../support/live';
import { EMBEDDED_BIN, pgCtl, PostgresServer, startPostgresServer } from '../support/postgres-server';
import { TEST_JWT_SECRET, TestApp } from '../support/test-app';
import { A_BODY, CREATE, PUBLISH } from '../support/editorial';

const BREAKING = 'subscription($after: String) { breakingNews(after: $after) { cursor ticker { headline } } }';
const PUSH = 'mutation($i: PushBreakingNewsInput!) { pushBreakingNews(input: $i) { id } }';
const READ = '{ tickers { headline } articles(first: 5) { edges { node { title } } } }';

/** Each pass of the suite restarts its own kind: the embedded PostgreSQL 18, or (with DATABASE_URL) a PostgreSQL 15 of the test's own. */
const external = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);

interface Restartable {
  /** The database Khabar uses, for reading the truth (the outbox) behind its back. */
  databaseUrl: string;
  env: Record<string, string>;
  stop(): void;
  start(): void;
  destroy(): void;
}

async function embeddedDatabase(): Promise<Restartable> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-restart-'));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  return {
    databaseUrl: `postgres://khabar:khabar@127.0.0.1:${port}/khabar`,
    env: { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port) },
    stop: () => pgCtl(EMBEDDED_BIN, path.join(dataDir, 'pg'), 'stop'),
    start: () => pgCtl(EMBEDDED_BIN, path.join(dataDir, 'pg'), 'start', port),
    destroy: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function externalDatabase(): Promise<Restartable> {
  const server: PostgresServer = await startPostgresServer();
  const admin = new Client({ connectionString: server.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE khabar');
  await admin.end();
  return { databaseUrl: server.url('khabar'), env: { DATABASE_URL: server.url('khabar') }, stop: server.stop, start: server.start, destroy: server.destroy };
}

interface Outcome {
  status: number;
  codes: string[];
  ms: number;
}

/** Readers asking the front page in a loop until stopped: what every answer was, and how long it took. */
function readersInALoop(url: string, readers: number): { outcomes: Outcome[]; stop(): Promise<void> } {
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: readers }, async () => {
    while (running) {
      const started = Date.now();
      const { status, body } = await gql(url, READ);
      outcomes.push({ status, codes: (body.errors ?? []).map((e: any) => e.extensions?.code), ms: Date.now() - started });
    }
  });
  return { outcomes, stop: async () => { running = false; await Promise.all(loops); } };
}

describe(`PostgreSQL restarting under a running Khabar (${external ? 'an external PostgreSQL 15' : 'the embedded PostgreSQL 18'})`, () => {
  let database: Restartable;
  let khabar: KhabarProcess;
  /** One statement on the database behind Khabar's back (the outbox is the truth). */
  const truth = async (text: string, values: unknown[] = []) => {
    const client = new Client({ connectionString: database.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, values)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    database = await (external ? externalDatabase() : embeddedDatabase());
    khabar = await startProcess({
      ...database.env, MIGRATE_ON_START: 'true', LOG_LEVEL: 'info', SCHEDULER_INTERVAL_MS: '100', RATE_LIMIT_PER_IP: '0',
      // No safety poll: events after the restart arrive because the LISTEN connection came back.
      EVENT_POLL_MS: '600000',
    });
  }, 60_000);
  afterAll(async () => {
    await khabar?.stop();
    database?.destroy();
  });

  it('answers DATABASE_UNAVAILABLE (503) at once while it is down, then recovers its pool, LISTEN and scheduler; live clients lose nothing', async () => {
    const editor = await new TokenService(TEST_JWT_SECRET).sign('EDITOR', 'desk');
    const app = { url: khabar.url } as TestApp;
    const live = connectLive(app);
    const steady = subscribe(live, BREAKING);
    const tunnel = connectLive(app); // a phone that goes into a tunnel and resumes from its last cursor
    const resuming = subscribe(tunnel, BREAKING);
    await subscriptionsActive(khabar.url, 2);

    const readers = readersInALoop(khabar.url, 3);
    let pushed = 0;
    const push = async (headline: string) => {
      const { status, body } = await gql(khabar.url, PUSH, { i: { headline, urgency: 1 } }, editor);
      return { status, codes: (body.errors ?? []).map((e: any) => e.extensions?.code) as string[] };
    };
    const pushes: Outcome[] = [];
    let pushing = true;
    const pusher = (async () => {
      while (pushing) {
        const started = Date.now();
        const outcome = await push(`عاجل رقم ${pushed++}`);
        pushes.push({ ...outcome, ms: Date.now() - started });
      }
    })();
    const [first] = await resuming.received(1);
    await tunnel.dispose();

    // An article scheduled to go out while the database is down: due 1.5 s from now by the database clock.
    const { createArticle } = (await gql(khabar.url, CREATE, { input: { title: 'مقال مجدول أثناء الانقطاع', body: A_BODY } }, editor)).body.data;
    await gql(khabar.url, PUBLISH, { id: createArticle.id, at: new Date(Date.now() + 3_600_000).toISOString() }, editor);
    const [{ due }] = await truth(`UPDATE article SET published_at = now() + interval '1.5 seconds' WHERE status = 'SCHEDULED'
      RETURNING extract(epoch FROM published_at) * 1000 AS due`);

    await eventually(() => pushes.filter((p) => p.status === 200).length >= 3, { what: 'three pushes before the restart' });
    database.stop();
    const stoppedAt = Date.now();
    const readiness = () => fetch(khabar.url.replace(/\/graphql$/, '/readyz')).then((res) => res.status);
    await eventually(readiness, (status) => status === 503, { what: '/readyz to answer 503' });
    await eventually(() => readers.outcomes.filter((o) => o.status === 503).length >= 5 && pushes.some((p) => p.status === 503),
      { timeoutMs: 10_000, what: 'reads and pushes refused while the database is down' });
    // Pages say so too (503, Retry-After), with the front page's markup and script, which tells the reader and retries.
    for (const page of ['/', '/region/MA-04']) {
      const shell = await fetch(khabar.url.replace(/\/graphql$/, page));
      expect([page, shell.status, shell.headers.get('retry-after'), shell.headers.get('cache-control')]).toEqual([page, 503, '5', 'no-store']);
      const html = await shell.text();
      expect(html).toContain('<ol class="cards" id="articles"></ol>');
      expect(html).toMatch(/<script type="module" src="\/assets\/front\/main-[A-Z0-9]{8}\.js">/);
    }
    await eventually(() => Date.now() > Number(due) + 200, { what: 'the scheduled article to fall due' });
    const downMs = Date.now() - stoppedAt;
    database.start();

    await eventually(readiness, (status) => status === 200, { timeoutMs: 15_000, what: '/readyz to answer 200 again' });
    const before = pushes.length;
    await eventually(() => pushes.slice(before).filter((p) => p.status === 200).length >= 3, { timeoutMs: 15_000, what: 'three pushes after the restart' });
    pushing = false;
    await pusher;
    await readers.stop();

    // Every answer was a success or a coded outage, given at once: no INTERNAL_SERVER_ERROR, no request held.
    const answers = [...readers.outcomes, ...pushes];
    const refused = answers.filter((o) => o.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((o) => `${o.status} ${o.codes.join(',')}`))).toEqual(new Set(['503 DATABASE_UNAVAILABLE']));
    expect(answers.filter((o) => o.status === 200).every((o) => o.codes.length === 0)).toBe(true);
    expect(Math.max(...refused.map((o) => o.ms))).toBeLessThan(5_000);
    expect(refused.length).toBeGreaterThan(downMs / 1_000); // many refusals a second, not one slow one

    // The outbox is the truth: whatever committed (a push refused mid-commit may have), the live client got, in order, once.
    const committed = (await truth(`SELECT o.seq, t.headline FROM event_outbox o JOIN ticker t ON t.id = o.entity_id
      WHERE o.topic = 'ticker' ORDER BY o.seq`)).map((row) => ({ cursor: encodeCursor('breakingNews', [Number(row.seq)]), headline: row.headline }));
    expect(committed.length).toBeGreaterThanOrEqual(6);
    const events = (await steady.received(committed.length)).map((e) => e.breakingNews);
    expect(events.map((e) => ({ cursor: e.cursor, headline: e.ticker.headline }))).toEqual(committed);
    expect(live.closes).toEqual([]); // it stayed connected through the restart

    const back = connectLive(app);
    const resumed = subscribe(back, BREAKING, { after: first.breakingNews.cursor });
    const missed = committed.slice(committed.findIndex((e) => e.cursor === first.breakingNews.cursor) + 1);
    expect((await resumed.received(missed.length)).map((e) => e.breakingNews.cursor)).toEqual(missed.map((e) => e.cursor));

    // The scheduler published the article that fell due during the outage, once.
    const id = Number(Buffer.from(createArticle.id, 'base64url').toString().split(':')[1]);
    const published = await eventually(async () => (await truth(
      `SELECT count(*)::int AS n FROM event_outbox WHERE topic = 'article' AND kind = 'PUBLISHED' AND entity_id = $1`, [id]))[0].n,
    (n) => n > 0, { what: 'the scheduled article to be published' });
    expect(published).toBe(1);
    expect((await gql(khabar.url, 'query($id: ID!) { article(id: $id) { status } }', { id: createArticle.id })).body.data.article.status).toBe('PUBLISHED');
    expect(errorLines(khabar.lines)).toEqual([]);

    resumed.stop();
    await Promise.all([back.dispose(), live.dispose()]);
  }, 120_000);
});
