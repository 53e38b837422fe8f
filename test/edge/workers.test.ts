import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { createTestDatabase } from '../support/database';
import { TEST_JWT_SECRET } from '../support/test-app';
import { TokenService } from '../../src/auth/tokens';
import { LIVE_CLOSE } from '../../src/server/ws';
import { eventually } from '../support/eventually';
import { errorLines, gql, KhabarProcess, MAIN, startProcess } from '../support/khabar-process';
import { freePort } from '../../scripts/free-port';

const BREAKING = 'subscription($after: String) { breakingNews(after: $after) { cursor ticker { headline } } }';
const PUSH = 'mutation($i: PushBreakingNewsInput!) { pushBreakingNews(input: $i) { id } }';

interface Item { cursor: string; headline: string }

/** A live reader on its own connection (graphql-ws' client, no retries), and the worker process that serves it. */
interface Reader {
  items: Item[];
  /** Errors the subscription ended with, or results that carried errors. */
  errors: unknown[];
  completed: boolean;
  closes: number[];
  /** The pid of the process holding the server side of this connection. */
  servedBy: number;
  dispose(): Promise<void>;
}

/**
 * Which process holds the server end of the connection whose client end is on `clientPort`: the socket inode in
 * /proc/net/tcp whose local port is the server's and remote port the client's, among the processes' descriptors.
 */
function processServing(serverPort: number, clientPort: number, pids: number[]): number {
  const hex = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  const inode = fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((line) => line.trim().split(/\s+/))
    .find((fields) => fields[1]?.endsWith(`:${hex(serverPort)}`) && fields[2]?.endsWith(`:${hex(clientPort)}`))?.[9];
  if (!inode) throw new Error(`no server socket for client port ${clientPort}`);
  const holder = pids.find((pid) => fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`;
    } catch {
      return false; // a descriptor closed while we looked
    }
  }));
  if (!holder) throw new Error(`no process among ${pids.join(', ')} holds socket ${inode}`);
  return holder;
}

/** The node processes the primary started (its workers), from /proc. */
function workerPids(primary: number): number[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [comm, rest] = [stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), stat.slice(stat.lastIndexOf(')') + 2).split(' ')];
      return Number(rest[1]) === primary && comm.startsWith('node') ? [Number(entry)] : [];
    } catch {
      return []; // a process that ended while we looked
    }
  });
}

/** Opens one connection with one `breakingNews` subscription (from `after` when given); resolves once it is served. */
async function read(khabar: KhabarProcess, after?: string): Promise<Reader> {
  let clientPort = 0;
  // graphql-ws makes its socket itself: this one notes its local port when the upgrade succeeds.
  const PortNoting = class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      this.once('upgrade', (response) => { clientPort = response.socket.localPort!; });
    }
  };
  const closes: number[] = [];
  let acknowledged = false;
  const client: Client = createClient({
    url: khabar.url.replace(/^http/, 'ws'), webSocketImpl: PortNoting, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined,
    on: { connected: () => { acknowledged = true; }, closed: (event) => void closes.push((event as { code: number }).code) },
  });
  const reader: Reader = { items: [], errors: [], completed: false, closes, servedBy: 0, dispose: () => client.dispose() as Promise<void> };
  client.subscribe<{ breakingNews: { cursor: string; ticker: { headline: string } } }>({ query: BREAKING, variables: { after } }, {
    next: ({ data, errors }) => {
      if (errors) reader.errors.push(errors);
      else reader.items.push({ cursor: data!.breakingNews.cursor, headline: data!.breakingNews.ticker.headline });
    },
    error: (error) => void reader.errors.push(error),
    complete: () => { reader.completed = true; },
  });
  await eventually(() => acknowledged && clientPort > 0, { what: 'the live connection' });
  reader.servedBy = processServing(Number(new URL(khabar.url).port), clientPort, workerPids(khabar.child.pid!));
  return reader;
}

/**
 * Readers (from `after` when given) until both workers serve at least two of them, four at least: the primary hands
 * connections to its workers in turn, but "in turn" follows which worker is free, not a strict alternation.
 */
async function readersOnBoth(khabar: KhabarProcess, after?: string): Promise<Reader[]> {
  const readers: Reader[] = [];
  const workers = workerPids(khabar.child.pid!);
  expect(workers).toHaveLength(2);
  while (workers.some((pid) => readers.filter((reader) => reader.servedBy === pid).length < 2)) {
    if (readers.length === 12) throw new Error(`the readers all went to one worker: ${readers.map((reader) => reader.servedBy).join(', ')}`);
    readers.push(await read(khabar, after));
  }
  return readers;
}

/** Each reader got exactly `headlines`' tail from some point on, once each and in order, ending with `last`. */
function expectSuffixes(readers: Reader[], headlines: string[], last: string[]): void {
  for (const reader of readers) {
    expect(reader.errors).toEqual([]);
    const got = reader.items.map((item) => item.headline);
    expect(got.slice(-last.length)).toEqual(last);
    expect(got).toEqual(headlines.slice(headlines.length - got.length));
  }
}

/** KHABAR_WORKERS=2 as `node dist/src/main.js` runs it: two workers on one port under a supervising primary. */
describe('KHABAR_WORKERS=2: one port, two workers', () => {
  let database: { url: string; drop(): Promise<void> };
  let khabar: KhabarProcess;
  let editor: string;
  const pushed: string[] = [];
  const push = async (headline: string) => {
    const res = await gql(khabar.url, PUSH, { i: { headline, urgency: 1 } }, editor);
    expect(res.body.errors).toBeUndefined();
    pushed.push(headline);
  };
  /** Live readers without `after` are live from some moment on: pushes until each has seen one. */
  const untilAllLive = async (readers: Reader[]) => {
    for (let n = 0; readers.some((reader) => reader.items.length === 0); n += 1) {
      if (n === 50) throw new Error('readers never went live');
      await push(`تسخين ${pushed.length}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    editor = await new TokenService(TEST_JWT_SECRET).sign('EDITOR', 'desk');
    khabar = await startProcess({ DATABASE_URL: database.url, KHABAR_WORKERS: '2', LOG_LEVEL: 'info', DB_POOL_SIZE: '3' });
  });
  afterAll(async () => {
    await khabar?.stop();
    await database?.drop();
  });

  it('delivers breaking news to readers on both workers once each and in order, and resumes them from a cursor on either', async () => {
    const readers = await readersOnBoth(khabar);

    await untilAllLive(readers);
    const news = ['عاجل 1', 'عاجل 2', 'عاجل 3', 'عاجل 4', 'عاجل 5'];
    for (const headline of news) await push(headline);
    await eventually(() => readers.every((reader) => reader.items.length > 0 && reader.items.at(-1)!.headline === 'عاجل 5'), { what: 'every reader to have the fifth item' });
    expectSuffixes(readers, pushed, news);

    // A reader leaves after the fifth item; three more are pushed; it comes back with its cursor, once on each worker.
    const cursor = readers[0].items.at(-1)!.cursor;
    await readers[0].dispose();
    const missed = ['فاتك 1', 'فاتك 2', 'فاتك 3'];
    for (const headline of missed) await push(headline);
    const resumed = await readersOnBoth(khabar, cursor);
    await push('بعد العودة');
    await eventually(() => resumed.every((reader) => reader.items.length === 4), { what: 'the resumed readers to catch up and go on live' });
    for (const reader of resumed) {
      expect(reader.errors).toEqual([]);
      expect(reader.items.map((item) => item.headline)).toEqual([...missed, 'بعد العودة']);
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // nothing more arrives: no duplicate at the seam
    for (const reader of resumed) expect(reader.items).toHaveLength(4);
    for (const reader of [...readers, ...resumed]) await reader.dispose();
  });

  it('replaces a worker that dies; its readers resume on the port from their cursors', async () => {
    const readers = await readersOnBoth(khabar);
    await untilAllLive(readers);
    const [victim] = readers;
    const survivors = readers.filter((reader) => reader.servedBy !== victim.servedBy);
    const before = workerPids(khabar.child.pid!);
    process.kill(victim.servedBy, 'SIGKILL');
    await eventually(() => victim.closes.length > 0, { what: 'the killed worker\'s reader to be cut' });
    await eventually(() => khabar.lines.some((line) => /replacement worker ready/.test(line)), { timeoutMs: 20_000, what: 'a replacement worker' });
    const after = workerPids(khabar.child.pid!);
    expect(after).toHaveLength(2);
    expect(after).not.toContain(victim.servedBy);
    expect(before).toContain(victim.servedBy);
    // Pushed while the victim's reader was away; it comes back with its last cursor.
    await push('أثناء الغياب');
    const back = await read(khabar, victim.items.at(-1)!.cursor);
    await push('بعد الاستبدال');
    await eventually(() => back.items.length === 2 && survivors.every((reader) => reader.items.at(-1)?.headline === 'بعد الاستبدال'),
      { what: 'the returning reader and the other worker\'s readers to have the last item' });
    expect(back.errors).toEqual([]);
    expect(back.items.map((item) => item.headline)).toEqual(['أثناء الغياب', 'بعد الاستبدال']);
    expectSuffixes(survivors, pushed, ['أثناء الغياب', 'بعد الاستبدال']);
    expect(khabar.lines.filter((line) => /worker died; starting another/.test(line))).toHaveLength(1);
    for (const reader of [back, ...readers]) await reader.dispose();
  });

  it('stops every worker on SIGTERM: readers told to resubscribe, exit 0, no worker left', async () => {
    const readers = await readersOnBoth(khabar);
    const workers = workerPids(khabar.child.pid!);
    const { code, ms } = await khabar.signal('SIGTERM', 'process');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000); // inside Docker's stop timeout
    for (const reader of readers) {
      expect(reader.completed).toBe(true);
      expect(reader.closes).toEqual([LIVE_CLOSE.shuttingDown]);
    }
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(errorLines(khabar.lines).filter((line) => !/worker died/.test(line))).toEqual([]);
  });
});

describe('KHABAR_WORKERS=2 when a worker cannot start', () => {
  it('fails the start as a lone instance does: the worker says why, the primary exits 1', async () => {
    const nobody = await freePort(); // nothing listens there
    const result = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH!, KHABAR_WORKERS: '2', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `postgres://khabar@127.0.0.1:${nobody}/khabar`, LOG_LEVEL: 'info' },
      encoding: 'utf8', timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Khabar failed to start: .*ECONNREFUSED/); // the worker's own reason
    expect(result.stderr).toMatch(/Khabar failed to start: Error: worker 1 exited \(code 1\)/); // then the primary's
    expect(result.stdout).not.toMatch(/Khabar ready at/);
  });
});
