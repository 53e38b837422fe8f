import { loadConfig } from '../../src/config';
import { startTestApp, TestApp } from '../support/test-app';
import { connectLive, LiveConnection, streamsOpen, subscribe } from '../support/live';
import { factories } from '../support/factories';
import { freePort } from '../../scripts/free-port';
import { redisServerInstalled, startRedis } from '../support/redis';
import { encodeCursor } from '../../src/shared/relay';

describe('Redis trouble', () => {
  it('refuses to start when REDIS_URL names no Redis, rather than run without the shared cache and limits', async () => {
    const port = await freePort();
    await expect(startTestApp({ redisUrl: `redis://127.0.0.1:${port}`, edge: { responseCache: true } })).rejects.toThrow(
      new RegExp(`^Redis at REDIS_URL is unreachable \\(.*ECONNREFUSED 127\\.0\\.0\\.1:${port}.*\\); Khabar does not start without the Redis it was given$`));
  });

  // With a Redis of its own (redis-server on the PATH, as in CI) it can take Redis away mid-run.
  if (redisServerInstalled) it('keeps answering when Redis goes away mid-run: the cache and the rate limit step aside', async () => {
    const redis = await startRedis();
    const app = await startTestApp({ redisUrl: redis.url, edge: { responseCache: true, rateLimitPerIp: 100 } });
    try {
      await factories(app).article({ slug: 'steady', title: 'ثابت' });
      const query = 'query Steady { article(slug: "steady") { title } }';
      const first = await app.gql(query);
      expect([first.headers.get('x-khabar-cache'), first.headers.get('ratelimit-remaining')]).toEqual(['MISS', '99']);
      const second = await app.gql(query);
      expect([second.headers.get('x-khabar-cache'), second.headers.get('ratelimit-remaining')]).toEqual(['HIT', '98']);
      await redis.kill();
      for (let i = 0; i < 5; i += 1) {
        const res = await app.gql(query);
        expect(res.status).toBe(200);
        expect(res.data).toEqual({ article: { title: 'ثابت' } });
        // Answered from the database, neither looked up in the cache nor counted: no cache or rate-limit headers.
        expect([res.headers.get('x-khabar-cache'), res.headers.get('ratelimit-remaining')]).toEqual([null, null]);
      }
    } finally {
      await redis.kill();
      await app.stop();
    }
  });

  // Two instances fanning live events out through a Redis that goes away and comes back (no safety poll: only Redis wakes them).
  if (redisServerInstalled) it('keeps both instances serving while Redis is away; live fan-out between them recovers when it is back, and resuming clients lose nothing', async () => {
    const redis = await startRedis();
    const quiet = { redisUrl: redis.url, live: { ...loadConfig({}).live, pollMs: 600_000 } };
    const a = await startTestApp(quiet);
    let b: TestApp | undefined;
    const connections: LiveConnection[] = [];
    const connect = (app: TestApp) => {
      const connection = connectLive(app);
      connections.push(connection);
      return connection;
    };
    try {
      const second = await a.instance(quiet);
      b = second;
      const editor = await a.token('EDITOR');
      const BREAKING = 'subscription($after: String) { breakingNews(after: $after) { cursor ticker { headline } } }';
      const push = async (app: TestApp, headline: string) => {
        const res = await app.gql('mutation($i: PushBreakingNewsInput!) { pushBreakingNews(input: $i) { id } }', { i: { headline, urgency: 1 } }, { token: editor });
        expect([res.status, res.errors]).toEqual([200, undefined]);
      };
      const headlines = (events: any[]) => events.map((e) => e.breakingNews.ticker.headline);
      const onA = subscribe(connect(a), BREAKING);
      const onB = subscribe(connect(b), BREAKING);
      await streamsOpen(a, 1);
      await streamsOpen(b, 1);
      await push(a, 'قبل انقطاع ريديس');
      const [before] = await onB.received(1);

      await redis.kill();
      await push(a, 'من أ أثناء الانقطاع');
      await push(b, 'من ب أثناء الانقطاع');
      // Each instance's own subscribers hear of its writes at once; B's read catches up on A's too.
      expect(headlines(await onB.received(3))).toEqual(['قبل انقطاع ريديس', 'من أ أثناء الانقطاع', 'من ب أثناء الانقطاع']);
      expect(headlines(await onA.received(2))).toEqual(['قبل انقطاع ريديس', 'من أ أثناء الانقطاع']);
      for (const app of [a, b]) expect((await app.gql('{ tickers { headline } }')).status).toBe(200);

      await redis.restart();
      // Reconnected, A catches up on what B wrote while Redis was away, and the fan-out works again both ways.
      expect(headlines(await onA.received(3))).toEqual(['قبل انقطاع ريديس', 'من أ أثناء الانقطاع', 'من ب أثناء الانقطاع']);
      await push(second, 'بعد عودة ريديس');
      expect(headlines(await onA.received(4))[3]).toBe('بعد عودة ريديس');
      const all = [...onA.results];
      expect(new Set(all.map((r) => r.data.breakingNews.cursor)).size).toBe(all.length);

      // A client that was away through it all resumes from its cursor and gets every event after it, once.
      const resumed = subscribe(connect(second), BREAKING, { after: before.breakingNews.cursor });
      const truth = await a.sql(`SELECT count(*)::int AS n FROM event_outbox WHERE topic = 'ticker'`);
      const replayed = await resumed.received(truth[0].n - 1);
      expect(replayed.map((e) => e.breakingNews.cursor)).toEqual(
        (await a.sql(`SELECT seq FROM event_outbox WHERE topic = 'ticker' ORDER BY seq OFFSET 1`)).map((row) => encodeCursor('breakingNews', [Number(row.seq)])));
    } finally {
      await Promise.all(connections.map((connection) => connection.dispose()));
      await redis.kill();
      await b?.stop();
      await a.stop();
    }
  });
});
