import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../src/config';
import { LISTENER_NAME } from '../../src/realtime/fan-out';
import { startTestApp, TestApp } from '../support/test-app';
import { connectLive, streamsOpen, subscribe } from '../support/live';
import { eventually } from '../support/eventually';

const BREAKING = 'subscription { breakingNews { cursor kind ticker { headline } } }';
const PUSH = 'mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }';
/** No safety poll during these tests: what arrives, arrives through the fan-out engine. */
const NO_POLL = { live: { ...loadConfig({}).live, pollMs: 600_000 } };

/** CI sets REDIS_URL; elsewhere the Redis test runs when a Redis answers on the default port. */
function redisToTest(): string | undefined {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const url = 'redis://127.0.0.1:6379';
  const ping = spawnSync('redis-cli', ['-u', url, 'ping'], { encoding: 'utf8', timeout: 2_000 });
  return ping.stdout?.trim() === 'PONG' ? url : undefined;
}

/** Two instances on one database; subscribers on both; pushes on A reach every subscriber exactly once, in order. */
async function deliversOnceAcrossInstances(a: TestApp, b: TestApp): Promise<void> {
  const editor = await a.token('EDITOR');
  const onB = [subscribe(connectLive(b), BREAKING), subscribe(connectLive(b), BREAKING)];
  const onA = subscribe(connectLive(a), BREAKING);
  await streamsOpen(b, 2);
  await streamsOpen(a, 1);
  for (const n of [1, 2, 3]) {
    const res = await a.gql(PUSH, { input: { headline: `عاجل من المثيل أ رقم ${n}`, urgency: 1 } }, { token: editor });
    expect(res.errors).toBeUndefined();
  }
  const expected = [1, 2, 3].map((n) => `عاجل من المثيل أ رقم ${n}`);
  for (const subscription of [...onB, onA]) {
    const events = await subscription.received(3);
    expect(events.map((e) => e.breakingNews.ticker.headline)).toEqual(expected);
    expect(new Set(events.map((e) => e.breakingNews.cursor)).size).toBe(3);
  }
  await b.gql(PUSH, { input: { headline: 'عاجل من المثيل ب', urgency: 1 } }, { token: editor });
  for (const subscription of [...onB, onA]) {
    expect((await subscription.received(4)).map((e) => e.breakingNews.ticker.headline)).toEqual([...expected, 'عاجل من المثيل ب']);
  }
}

describe('live events across instances', () => {
  let a: TestApp;

  beforeAll(async () => {
    a = await startTestApp(NO_POLL);
  });
  afterAll(() => a.stop());

  it('PostgreSQL LISTEN/NOTIFY: a push on one instance reaches subscribers of both, once each', async () => {
    const b = await a.instance();
    try {
      await deliversOnceAcrossInstances(a, b);
    } finally {
      await b.stop();
    }
  });

  const redisUrl = redisToTest();
  if (redisUrl) {
    it('Redis pub/sub: a push on one instance reaches subscribers of both, once each, without LISTEN', async () => {
      const [{ before }] = await a.sql(
        'SELECT count(*)::int AS before FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [LISTENER_NAME]);
      const redisA = await a.instance({ redisUrl });
      const redisB = await a.instance({ redisUrl });
      try {
        const [{ after }] = await a.sql(
          'SELECT count(*)::int AS after FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()', [LISTENER_NAME]);
        expect(after).toBe(before); // the Redis instances do not LISTEN
        await deliversOnceAcrossInstances(redisA, redisB);
      } finally {
        await redisB.stop();
        await redisA.stop();
      }
    });
  } else {
    // eslint-disable-next-line no-console
    console.info('No Redis answers on redis://127.0.0.1:6379 and REDIS_URL is unset: the Redis fan-out test is not registered.');
  }

  it('drains on shutdown: every subscription completes, then the socket closes with 1001', async () => {
    const app = await a.instance();
    const connection = connectLive(app);
    const subscriptions = [subscribe(connection, BREAKING), subscribe(connection, BREAKING)];
    await streamsOpen(app, 2);
    const started = Date.now();
    await app.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
    await eventually(() => subscriptions.every((s) => s.completed), { what: 'both subscriptions to complete' });
    expect(subscriptions.map((s) => s.error)).toEqual([undefined, undefined]);
    expect(await connection.closed()).toMatchObject({ code: 1001, reason: expect.stringMatching(/resubscribe with your last cursor/) });
  });
});
