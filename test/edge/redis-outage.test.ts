import { startTestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { freePort } from '../../scripts/free-port';
import { redisServerInstalled, startRedis } from '../support/redis';

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
});
