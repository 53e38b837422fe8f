import { Writable } from 'node:stream';
import pino from 'pino';
import { Client } from 'pg';
import { withAdmin } from '../support/database';
import { eventually } from '../support/eventually';
import { factories } from '../support/factories';
import { binariesFor, PostgresServer, startPostgresServer, startStandby } from '../support/postgres-server';
import { startInstance, TestApp } from '../support/test-app';
import { redisServerInstalled, sharedRedisUrl, startRedis } from '../support/redis';
import { connectLive, subscribe } from '../support/live';
import { sitePaths } from '../../src/shared/site-paths';

const MAX_LAG_MS = 2_000;
const CHECK_INTERVAL_MS = 200;
/** What a loaded machine may add to a check round and a request: setTimeout lateness, two queries, one HTTP round trip. */
const SLACK_MS = 1_000;

const TICKERS = '{ tickers { headline } }';
const sharedRedis = sharedRedisUrl();
const PUSH = 'mutation($i: PushBreakingNewsInput!) { pushBreakingNews(input: $i) { id } }';

/**
 * Read replicas against a real streaming standby the test makes (pg_basebackup, or the backup API for the embedded
 * PostgreSQL, which ships without it) of a primary of its own, from the binaries of the suite's PostgreSQL version.
 */
describe('read replicas', () => {
  let primary: PostgresServer;
  let standby: PostgresServer;
  let app: TestApp;
  const lines: { msg: string; reason?: string; replica?: string }[] = [];

  const onStandby = async (sql: string) => {
    const client = new Client({ connectionString: standby.url('khabar') });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const replica = () => app.khabar.contextDeps.reads!.status()[0];
  const headlines = async (token?: string) => {
    const response = await app.gql(TICKERS, undefined, { token });
    expect(response.errors).toBeUndefined();
    expect(response.status).toBe(200);
    return (response.data.tickers as { headline: string }[]).map((ticker) => ticker.headline);
  };
  const replicaStatements = async () => {
    const metrics = await (await fetch(app.url.replace(/graphql$/, 'metrics'))).text();
    return Number(/khabar_db_routed_statements_total\{target="replica"\} (\d+)/.exec(metrics)?.[1] ?? NaN);
  };
  const inRotation = (what: string) => eventually(() => replica().inRotation, { what, timeoutMs: 10_000 });

  beforeAll(async () => {
    const [{ server_version_num: version }] = await withAdmin(async (client) => (await client.query('SHOW server_version_num')).rows);
    const binDir = binariesFor(Number(version));
    primary = await startPostgresServer(binDir);
    await withAdmin((client) => client.query('CREATE DATABASE khabar'), primary.url());
    standby = await startStandby(primary, binDir);
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    app = await startInstance(primary.url('khabar'), {
      migrateOnStart: true,
      replicas: { urls: [standby.url('khabar')], maxLagMs: MAX_LAG_MS, checkIntervalMs: CHECK_INTERVAL_MS },
    }, { logger: pino({ level: 'info' }, sink) });
    await inRotation('the standby to join the rotation');
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    standby?.destroy();
    primary?.destroy();
  });

  it('serves anonymous reads from the standby, stale by at most REPLICA_MAX_LAG_MS plus a check', async () => {
    await onStandby('SELECT pg_wal_replay_pause()');
    const before = await replicaStatements();
    // Written behind this instance's back (no event it could hear): only the lag rule can send readers to the primary.
    const writtenAt = Date.now();
    await factories(app).ticker({ headline: 'خبر لم يصل بعد إلى النسخة' });

    expect(await headlines()).not.toContain('خبر لم يصل بعد إلى النسخة');
    expect(await replicaStatements()).toBeGreaterThan(before);

    await eventually(headlines, (seen) => seen.includes('خبر لم يصل بعد إلى النسخة'), { what: 'anonymous readers to see the write', timeoutMs: 5_000 });
    const seenAfter = Date.now() - writtenAt;
    expect(seenAfter).toBeLessThanOrEqual(MAX_LAG_MS + CHECK_INTERVAL_MS + SLACK_MS);
    // From then on, never the stale answer again while the standby stays paused.
    for (let i = 0; i < 10; i += 1) {
      expect(await headlines()).toContain('خبر لم يصل بعد إلى النسخة');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(replica()).toMatchObject({ inRotation: false, reason: 'behind' });
    expect(lines).toContainEqual(expect.objectContaining({ msg: expect.stringMatching(/taken out of rotation/), reason: 'behind' }));

    await onStandby('SELECT pg_wal_replay_resume()');
    await inRotation('the standby to catch up and come back');
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'read replica caught up: back in rotation' }));
    const back = await replicaStatements();
    expect(await headlines()).toContain('خبر لم يصل بعد إلى النسخة');
    expect(await replicaStatements()).toBeGreaterThan(back);
  });

  it('serves article pages and feeds from the standby too, within the same bound', async () => {
    await onStandby('SELECT pg_wal_replay_pause()');
    try {
      const { slug } = await factories(app).article({ title: 'مقال لم يصل بعد إلى النسخة' });
      const origin = app.url.replace(/\/graphql$/, '');
      const read = async () => {
        const [page, feed] = await Promise.all([fetch(origin + sitePaths.article(slug)), fetch(`${origin}/feeds/latest.rss`)]);
        return { page: page.status, feedHasIt: (await feed.text()).includes('مقال لم يصل بعد إلى النسخة') };
      };
      const before = await replicaStatements();
      expect(await read()).toEqual({ page: 404, feedHasIt: false });
      expect(await replicaStatements()).toBeGreaterThan(before);
      await eventually(read, (seen) => seen.page === 200 && seen.feedHasIt, { what: 'the page and the feed to show the article' });
    } finally {
      await onStandby('SELECT pg_wal_replay_resume()');
    }
    await inRotation('the standby to catch up');
  });

  it('sends an editor to the standby until they write, then to the primary until a standby has replayed their write (by WAL position)', async () => {
    const token = await app.token('EDITOR', 'Amina Alaoui');
    await onStandby('SELECT pg_wal_replay_pause()');
    try {
      await factories(app).ticker({ headline: 'كتب خلف ظهر المحررة' });
      let before = await replicaStatements();
      expect(await headlines(token)).not.toContain('كتب خلف ظهر المحررة');
      expect(await replicaStatements()).toBeGreaterThan(before);

      const pushed = await app.gql(PUSH, { i: { headline: 'خبر المحررة', urgency: 2 } }, { token });
      expect(pushed.errors).toBeUndefined();
      before = await replicaStatements();
      // At once, and with the standby still in rotation for everyone else: her reads follow her write, not a timer.
      expect(await headlines(token)).toEqual(expect.arrayContaining(['خبر المحررة', 'كتب خلف ظهر المحررة']));
      expect(await replicaStatements()).toBe(before);
      expect(replica().inRotation).toBe(true);
      expect(app.khabar.contextDeps.reads!.lastWriteOf('Amina Alaoui')).not.toBeNull();
    } finally {
      await onStandby('SELECT pg_wal_replay_resume()');
    }
    // Replayed: her reads go to the standby again.
    await eventually(async () => {
      const before = await replicaStatements();
      const seen = await headlines(token);
      return seen.includes('خبر المحررة') && (await replicaStatements()) > before;
    }, { what: 'the editor to read from the standby once it replayed her write' });
  });

  it('follows the WAL position of an editor\'s last write, not a time window: the primary until the standby replays it', async () => {
    const reads = app.khabar.contextDeps.reads!;
    const onStandbyAs = async (writer: string | null) =>
      (await reads.forRequest(writer).query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby'))[0].standby;
    await onStandby('SELECT pg_wal_replay_pause()');
    let recordedAt = 0;
    try {
      // A write no feed announces (no fence), then the position noted as after an editor's mutation.
      await factories(app).ticker({ headline: 'موقع الكتابة' });
      await reads.recordWrite('Omar Idrissi');
      recordedAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, MAX_LAG_MS / 2));
      expect(replica().inRotation).toBe(true);
      expect(await onStandbyAs('Omar Idrissi')).toBe(false);
      expect(await onStandbyAs('Nadia Berrada')).toBe(true);
      expect(await onStandbyAs(null)).toBe(true);
    } finally {
      await onStandby('SELECT pg_wal_replay_resume()');
    }
    await eventually(() => onStandbyAs('Omar Idrissi'), { what: 'the standby, having replayed his write, to serve him again' });
    // Sooner than any time window could have let him go (the lag limit plus two checks).
    expect(Date.now() - recordedAt).toBeLessThan(MAX_LAG_MS + 2 * CHECK_INTERVAL_MS);
  });

  it('notes the write position of an editor\'s mutation over graphql-ws too, before answering it', async () => {
    const reads = app.khabar.contextDeps.reads!;
    expect(reads.lastWriteOf('Karim Benjelloun')).toBeNull();
    const connection = connectLive(app, { token: await app.token('EDITOR', 'Karim Benjelloun') });
    try {
      const [answer] = await subscribe(connection, PUSH, { i: { headline: 'عبر المقبس', urgency: 3 } }).received(1);
      expect(answer.pushBreakingNews.id).toEqual(expect.any(String));
      expect(reads.lastWriteOf('Karim Benjelloun')).not.toBeNull();
    } finally {
      await connection.dispose();
    }
  });

  if (sharedRedis || redisServerInstalled) it('shares an editor\'s write position through Redis: on another instance too, her reads wait for a standby holding it', async () => {
    const own = sharedRedis ? null : await startRedis();
    const cluster = { redisUrl: sharedRedis ?? own!.url, edge: { redisKeyPrefix: `khabar-test:replicas-${process.pid}-${Date.now()}:` } };
    const a = await app.instance(cluster);
    const b = await app.instance(cluster);
    const onStandbyVia = async (instance: TestApp, writer: string) =>
      (await instance.khabar.contextDeps.reads!.forRequest(writer).query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby'))[0].standby;
    await onStandby('SELECT pg_wal_replay_pause()');
    try {
      await factories(app).ticker({ headline: 'كتب عبر النسخة الأولى' });
      await a.khabar.contextDeps.reads!.recordWrite('Youssef Tazi');
      expect(b.khabar.contextDeps.reads!.status()[0].inRotation).toBe(true);
      expect(await onStandbyVia(b, 'Youssef Tazi')).toBe(false);
      expect(await onStandbyVia(b, 'Nadia Berrada')).toBe(true);
    } finally {
      await onStandby('SELECT pg_wal_replay_resume()');
      await b.stop();
      await a.stop();
      await own?.kill();
    }
    await inRotation('the standby to catch up');
  });

  it('lets an editor read their own write at once, and anonymous readers as soon as this instance hears of it, while the standby is paused', async () => {
    await onStandby('SELECT pg_wal_replay_pause()');
    try {
      const token = await app.token('EDITOR', 'Salma Bennani');
      const pushed = await app.gql(PUSH, { i: { headline: 'زلزال بقوة 5 درجات', urgency: 1 } }, { token });
      expect(pushed.errors).toBeUndefined();
      expect(await headlines(token)).toContain('زلزال بقوة 5 درجات');
      // Its event reached this instance's feed: the paused standby, still in rotation, is skipped for lacking it.
      await eventually(headlines, (seen) => seen.includes('زلزال بقوة 5 درجات'), { what: 'anonymous readers to see the pushed item' });
      expect(replica()).toMatchObject({ inRotation: true });
    } finally {
      await onStandby('SELECT pg_wal_replay_resume()');
    }
    await inRotation('the standby to catch up');
  });

  it('keeps answering from the primary, without an error, when the standby stops, and uses it again once it is back', async () => {
    await factories(app).ticker({ headline: 'يبقى ظاهرا' });
    await eventually(headlines, (seen) => seen.includes('يبقى ظاهرا'), { what: 'the standby to replay the ticker' });
    standby.stop();
    for (let i = 0; i < 20; i += 1) expect(await headlines()).toContain('يبقى ظاهرا');
    expect(replica().inRotation).toBe(false);
    expect(lines).toContainEqual(expect.objectContaining({ msg: expect.stringMatching(/taken out of rotation/), reason: expect.stringMatching(/unreachable|connection lost/) }));

    standby.start();
    await inRotation('the restarted standby to come back');
    const back = await replicaStatements();
    expect(await headlines()).toContain('يبقى ظاهرا');
    expect(await replicaStatements()).toBeGreaterThan(back);
  });
});
