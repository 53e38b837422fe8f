import crypto from 'node:crypto';
import { TokenService } from '../../src/auth/tokens';
import { encodeCursor } from '../../src/shared/relay';
import { createTestDatabase, withAdmin } from '../support/database';
import { A_BODY, CREATE, PUBLISH } from '../support/editorial';
import { eventually } from '../support/eventually';
import { gql, KhabarProcess, startProcess, subscriptionsActive } from '../support/khabar-process';
import { connectLive, subscribe } from '../support/live';
import { sharedRedisUrl } from '../support/redis';
import { TEST_JWT_SECRET, TestApp } from '../support/test-app';

const BREAKING = 'subscription($after: String) { breakingNews(after: $after) { cursor ticker { headline } } }';
const PUSH = 'mutation($i: PushBreakingNewsInput!) { pushBreakingNews(input: $i) { id } }';
const PUSHES = 100;
const SCHEDULED = 10;
const headline = (n: number) => `عاجل رقم ${n} من الدفعة`;

/**
 * kill -9 of one of two instances in the middle of a burst: the client that was on it resumes on the survivor with its
 * last cursor and gets every push once, in order; articles falling due at that moment are published once each.
 */
describe('kill -9 of one of two Khabar processes during a burst of pushes', () => {
  const redisUrl = sharedRedisUrl();
  // The doomed instance signs in as a role of its own, so the test can tell when PostgreSQL has let go of its sessions.
  const doomedRole = `khabar_doomed_${crypto.randomBytes(4).toString('hex')}`;
  let database: { url: string; drop(): Promise<void> };
  let doomed: KhabarProcess;
  let survivor: KhabarProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    const sql = (text: string, values: unknown[] = []) => withAdmin((c) => c.query(text, values), database.url);
    await sql(`CREATE ROLE ${doomedRole} LOGIN PASSWORD 'doomed'`);
    await sql(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${doomedRole}; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO ${doomedRole}`);
    const doomedUrl = new URL(database.url);
    doomedUrl.username = doomedRole;
    doomedUrl.password = 'doomed';
    const env = {
      ...(redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `${doomedRole}:` } : {}),
      RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_TOKEN: '0', SCHEDULER_INTERVAL_MS: '20', DB_POOL_SIZE: '4', LOG_LEVEL: 'info',
    };
    [doomed, survivor] = await Promise.all([
      startProcess({ ...env, DATABASE_URL: doomedUrl.toString() }),
      startProcess({ ...env, DATABASE_URL: database.url }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([doomed?.stop(), survivor?.stop()]);
    await database?.drop();
    await withAdmin((c) => c.query(`DROP ROLE IF EXISTS ${doomedRole}`));
  });

  it('loses no push and publishes each due article once', async () => {
    const sql = (text: string, values: unknown[] = []) => withAdmin(async (c) => (await c.query(text, values)).rows, database.url);
    const editor = await new TokenService(TEST_JWT_SECRET).sign('EDITOR', 'desk');
    const scheduled: string[] = [];
    for (let n = 0; n < SCHEDULED; n += 1) {
      const { createArticle } = (await gql(survivor.url, CREATE, { input: { title: `مقال مجدول ${n}`, body: A_BODY } }, editor)).body.data;
      await gql(survivor.url, PUBLISH, { id: createArticle.id, at: new Date(Date.now() + 3_600_000).toISOString() }, editor);
      scheduled.push(createArticle.id);
    }

    const first = connectLive({ url: doomed.url } as TestApp);
    const onDoomed = subscribe(first, BREAKING);
    await subscriptionsActive(doomed.url, 1);

    // 100 pushes, four at a time, alternating between the instances; the doomed one is killed after the 40th answer.
    let next = 0;
    let answered = 0;
    const failed: number[] = [];
    let killed: Promise<void> | null = null;
    const kill = async () => {
      await eventually(() => onDoomed.results.length > 0, { what: 'the first push to reach the client on the doomed instance' });
      await sql(`UPDATE article SET published_at = now() WHERE status = 'SCHEDULED'`); // due now: both schedulers race for them
      doomed.child.kill('SIGKILL');
      await new Promise((resolve) => doomed.child.once('exit', resolve));
    };
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < PUSHES) {
        const n = next++;
        const target = n % 2 === 0 && !killed ? doomed : survivor;
        const ok = await gql(target.url, PUSH, { i: { headline: headline(n), urgency: 1 } }, editor)
          .then((res) => res.status === 200 && !res.body.errors, () => false);
        if (!ok) failed.push(n);
        answered += 1;
        if (answered === 40 && !killed) killed = kill();
      }
    }));
    await killed;
    // The doomed instance's sessions are gone: whatever it committed is committed, the rest was rolled back.
    await eventually(() => sql('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1', [doomedRole]),
      (rows) => rows[0].n === 0, { what: "PostgreSQL to end the killed instance's sessions" });
    // The editor's desk retries, on the survivor, each push that failed and did not commit.
    for (const n of failed) {
      const [{ exists }] = await sql('SELECT exists(SELECT 1 FROM ticker WHERE headline = $1) AS exists', [headline(n)]);
      if (!exists) expect((await gql(survivor.url, PUSH, { i: { headline: headline(n), urgency: 1 } }, editor)).body.errors).toBeUndefined();
    }
    const committed = await sql(`SELECT o.seq, t.headline FROM event_outbox o JOIN ticker t ON t.id = o.entity_id
      WHERE o.topic = 'ticker' ORDER BY o.seq`);
    expect(committed.map((row) => row.headline).sort()).toEqual(Array.from({ length: PUSHES }, (_, n) => headline(n)).sort());

    // The client of the killed instance was cut (1006: no close frame); it resumes on the survivor from its last cursor.
    expect((await first.closed()).code).toBe(1006);
    const before = onDoomed.results.map((r) => r.data!.breakingNews);
    // What it got before the cut is the start of what was committed, in order (some of it at least: it resumes from there).
    expect(before.length).toBeGreaterThan(0);
    expect(before.map((e) => e.cursor)).toEqual(committed.slice(0, before.length).map((row) => encodeCursor('breakingNews', [Number(row.seq)])));
    const last = before[before.length - 1].cursor;
    const second = connectLive({ url: survivor.url } as TestApp);
    const onSurvivor = subscribe(second, BREAKING, { after: last });
    const after = (await onSurvivor.received(PUSHES - before.length)).map((e) => e.breakingNews);
    const received = [...before, ...after];
    expect(received.map((e) => e.cursor)).toEqual(committed.map((row) => encodeCursor('breakingNews', [Number(row.seq)])));
    expect(new Set(received.map((e) => e.ticker.headline)).size).toBe(PUSHES);

    // Each article that fell due as the instance died was published once: one event, one revision.
    const ids = scheduled.map((id) => Number(Buffer.from(id, 'base64url').toString().split(':')[1]));
    const published = await eventually(() => sql(`SELECT a.id, a.status,
        (SELECT count(*)::int FROM event_outbox o WHERE o.topic = 'article' AND o.kind = 'PUBLISHED' AND o.entity_id = a.id) AS events,
        (SELECT count(*)::int FROM article_revision r WHERE r.article_id = a.id AND r.action = 'PUBLISHED') AS revisions
      FROM article a WHERE a.id = ANY($1::int[]) ORDER BY a.id`, [ids]), (rows) => rows.every((row) => row.status === 'PUBLISHED'),
    { what: 'every due article to be published' });
    expect(published.map((row) => [row.events, row.revisions])).toEqual(ids.map(() => [1, 1]));
    onSurvivor.stop();
    await second.dispose();
  }, 120_000);
});
