import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createTestDatabase } from '../support/database';
import { TEST_JWT_SECRET, TestApp } from '../support/test-app';
import { connectLive, subscribe } from '../support/live';
import { TokenService } from '../../src/auth/tokens';

/** CI sets REDIS_URL; elsewhere these tests run when a Redis answers on the default port. */
function redisToTest(): string | undefined {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const url = 'redis://127.0.0.1:6379';
  const ping = spawnSync('redis-cli', ['-u', url, 'ping'], { encoding: 'utf8', timeout: 2_000 });
  return ping.stdout?.trim() === 'PONG' ? url : undefined;
}

const MAIN = path.resolve(__dirname, '../../dist/src/main.js');

interface KhabarProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `node dist/src/main.js` (compiled by `npm test`), as a replica of the compose file runs it. */
async function startProcess(env: Record<string, string>): Promise<KhabarProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH!, HOST: '127.0.0.1', PORT: '0', KHABAR_SEED: 'none', MIGRATE_ON_START: 'false', JWT_SECRET: TEST_JWT_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const ready = /Khabar ready at (http[^"\s]+)/.exec(line);
      if (ready) resolve(ready[1]);
    });
    child.once('exit', (code) => reject(new Error(`khabar exited with ${code} before it was ready`)));
  });
  return {
    url,
    child,
    stop: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

const gql = async (url: string, query: string, variables?: Record<string, unknown>, token?: string) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  if (!text.startsWith('{')) throw new Error(`${res.status} from ${url}: ${text.slice(0, 300)}`);
  return { status: res.status, cache: res.headers.get('x-khabar-cache'), body: JSON.parse(text) as any };
};

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const redisUrl = redisToTest();

if (!redisUrl) {
  // eslint-disable-next-line no-console
  console.info('No Redis answers on redis://127.0.0.1:6379 and REDIS_URL is unset: the two processes run without it (per-process rate limits).');
}

/** The compose topology without Docker: two replicas as processes, one PostgreSQL, the machine's Redis when there is one. */
describe(`two Khabar processes, one PostgreSQL${redisUrl ? ', one Redis' : ''}`, () => {
  let database: { url: string; drop(): Promise<void> };
  let a: KhabarProcess;
  let b: KhabarProcess;
  const token = () => new TokenService(TEST_JWT_SECRET).sign('EDITOR', 'desk');

  beforeAll(async () => {
    expect(fs.existsSync(MAIN)).toBe(true);
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url, ...(redisUrl ? { REDIS_URL: redisUrl } : {}), REDIS_KEY_PREFIX: `${new URL(database.url).pathname.slice(1)}:processes:`,
      RATE_LIMIT_PER_IP: '40', LOG_LEVEL: 'info', DB_POOL_SIZE: '3',
    };
    [a, b] = await Promise.all([startProcess(env), startProcess(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('share the cache purge, live events and (with Redis) the cache itself and the rate limit', async () => {
    const editor = await token();
    const TICKERS = '{ tickers { headline } }';
    const live = connectLive({ url: b.url } as TestApp);
    const breaking = subscribe(live, 'subscription { breakingNews { ticker { headline } } }');
    await new Promise((resolve) => setTimeout(resolve, 300)); // the subscription reaches B

    const pushed = await gql(a.url, 'mutation($i: PushBreakingNewsInput!) { pushBreakingNews(input: $i) { id } }',
      { i: { headline: 'عاجل: من العملية الأولى', urgency: 1 } }, editor);
    expect((await breaking.received(1))[0].breakingNews.ticker.headline).toBe('عاجل: من العملية الأولى');
    const cached = await eventually(() => gql(b.url, TICKERS), (res) => res.cache === 'HIT' && res.body.data.tickers.length === 1);
    expect(cached.body.data.tickers).toEqual([{ headline: 'عاجل: من العملية الأولى' }]);

    await gql(a.url, 'mutation($id: ID!) { killTicker(id: $id) { status } }', { id: pushed.body.data.pushBreakingNews.id }, editor);
    const purged = await eventually(() => gql(b.url, TICKERS), (res) => res.body.data.tickers.length === 0);
    expect(purged.body.data.tickers).toEqual([]);

    // 40 anonymous requests per window per address: with Redis counted across both processes, without it per process.
    const statuses: number[] = [];
    for (let i = 0; i < 50; i += 1) statuses.push((await fetch(i % 2 ? a.url : b.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' })).status);
    if (redisUrl) {
      expect(statuses).toContain(429);
      expect(statuses.filter((status) => status === 200).length).toBeLessThan(40);
    } else {
      expect(statuses).not.toContain(429);
    }
    breaking.stop();
    await live.dispose();
  });
});
