import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { startTestApp } from '../support/test-app';
import { factories } from '../support/factories';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i += 1) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return redis;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('redis-server did not start');
}

describe('Redis trouble', () => {
  it('refuses to start when REDIS_URL names no Redis, rather than run without the shared cache and limits', async () => {
    const port = await freePort();
    await expect(startTestApp({ redisUrl: `redis://127.0.0.1:${port}`, edge: { responseCache: true } })).rejects.toThrow();
  });

  // With a Redis of its own (redis-server on the PATH, as in CI) it can take Redis away mid-run.
  if (hasRedisServer) it('keeps answering when Redis goes away mid-run: the cache and the rate limit step aside', async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    const app = await startTestApp({ redisUrl: `redis://127.0.0.1:${port}`, edge: { responseCache: true, rateLimitPerIp: 100 } });
    try {
      await factories(app).article({ slug: 'steady', title: 'ثابت' });
      const query = 'query Steady { article(slug: "steady") { title } }';
      expect((await app.gql(query)).headers.get('x-khabar-cache')).toBe('MISS');
      expect((await app.gql(query)).headers.get('x-khabar-cache')).toBe('HIT');
      redis.kill('SIGKILL');
      await new Promise((resolve) => redis.once('exit', resolve));
      for (let i = 0; i < 5; i += 1) {
        const res = await app.gql(query);
        expect(res.status).toBe(200);
        expect(res.data).toEqual({ article: { title: 'ثابت' } });
      }
    } finally {
      redis.kill('SIGKILL');
      await app.stop();
    }
  });
});
