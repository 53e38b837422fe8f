import crypto from 'node:crypto';
import net from 'node:net';
import { loadConfig } from '../../src/config';
import { createTestDatabase } from '../support/database';
import { eventually } from '../support/eventually';
import { KhabarProcess, startProcess } from '../support/khabar-process';
import { startTestApp, TestApp } from '../support/test-app';

const REQUEST_TIMEOUT_MS = 1_500;
const INIT_TIMEOUT_MS = 500;
const KEEPALIVE_MS = 600;

interface Attacker {
  socket: net.Socket;
  /** What the server wrote before closing (its first line). */
  answer: string;
  /** Resolves with how long after its start the server closed the connection. */
  closed: Promise<number>;
}

/** A raw TCP client to `url`'s host and port; `behave` decides what it sends and when. */
function attacker(url: string, behave: (socket: net.Socket) => void): Attacker {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  const socket = net.connect(Number(port), hostname);
  const self: Attacker = {
    socket,
    answer: '',
    closed: new Promise((resolve) => socket.once('close', () => resolve(Date.now() - started))),
  };
  socket.on('error', () => undefined);
  socket.on('data', (data) => {
    if (!self.answer) self.answer = String(data).split('\r\n')[0];
  });
  socket.once('connect', () => behave(socket));
  return self;
}

/** Writes `chunk` every `everyMs` until the connection closes: never finishing what it started. */
const trickle = (socket: net.Socket, chunk: string, everyMs: number) => {
  const timer = setInterval(() => socket.write(chunk), everyMs);
  socket.once('close', () => clearInterval(timer));
};

/** A WebSocket upgrade on /graphql; `then` is called once the server switched protocols, with any bytes after its answer. */
function webSocket(url: string, then: (socket: net.Socket, rest: Buffer) => void): Attacker {
  return attacker(url, (socket) => {
    const { host } = new URL(url);
    socket.write([
      'GET /graphql HTTP/1.1', `Host: ${host}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13',
      `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Protocol: graphql-transport-ws', '', '',
    ].join('\r\n'));
    socket.once('data', (data: Buffer) => then(socket, data.subarray(data.indexOf('\r\n\r\n') + 4)));
  });
}

/** The documented timeouts (docs/reliability.md), short here: slow and idle clients are cut, and others are served meanwhile. */
describe('slow and idle clients', () => {
  let app: TestApp;

  beforeAll(async () => {
    const { live } = loadConfig({});
    app = await startTestApp({ edge: { requestTimeoutMs: REQUEST_TIMEOUT_MS }, live: { ...live, initTimeoutMs: INIT_TIMEOUT_MS, keepAliveMs: KEEPALIVE_MS } });
  });
  afterAll(() => app.stop());

  it('cuts slowloris headers, a trickled body and a silent connection after REQUEST_TIMEOUT_MS, serving others meanwhile', async () => {
    const { host } = new URL(app.url);
    const attackers = {
      headers: attacker(app.url, (socket) => {
        socket.write(`GET /graphql HTTP/1.1\r\nHost: ${host}\r\n`);
        trickle(socket, 'X-Slow: 1\r\n', 100);
      }),
      body: attacker(app.url, (socket) => {
        socket.write(`POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":"`);
        trickle(socket, ' ', 100);
      }),
      silent: attacker(app.url, () => undefined),
    };
    for (let i = 0; i < 5; i += 1) expect((await app.gql('{ tickers { headline } }')).status).toBe(200);
    for (const [name, { closed }] of Object.entries(attackers)) {
      const ms = await closed;
      expect([name, ms >= REQUEST_TIMEOUT_MS - 100, ms < REQUEST_TIMEOUT_MS + 3_000]).toEqual([name, true, true]);
    }
    // Headers (or a first byte) never completed: 408; a request whose body never ended is cut as well.
    expect([attackers.headers.answer, attackers.silent.answer]).toEqual(['HTTP/1.1 408 Request Timeout', 'HTTP/1.1 408 Request Timeout']);
  });

  it('closes a WebSocket that never sends connection_init with 4408 after WS_INIT_TIMEOUT_MS', async () => {
    const silent = webSocket(app.url, () => undefined);
    const chunks: Buffer[] = [];
    silent.socket.on('data', (data) => chunks.push(data));
    const ms = await silent.closed;
    expect(ms).toBeGreaterThanOrEqual(INIT_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(INIT_TIMEOUT_MS + 3_000);
    // The close frame carries 4408 (0x1138): graphql-ws' "Connection initialisation timeout".
    expect(Buffer.concat(chunks).includes(Buffer.from([0x11, 0x38]))).toBe(true);
  });

  it('cuts a WebSocket subscriber that stopped reading after a missed pong (WS_KEEPALIVE_MS)', async () => {
    const frame = (opcode: number, payload: Buffer) => {
      const mask = crypto.randomBytes(4);
      return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]))]);
    };
    const text = (message: object) => frame(0x1, Buffer.from(JSON.stringify(message)));
    const frozen = webSocket(app.url, (socket, rest) => {
      socket.write(text({ type: 'connection_init' }));
      // Until it is acknowledged it behaves (on a busy machine the heartbeat's pings may come first): it answers pings.
      // Frames before the acknowledgement are short (a ping, the ack): no extended lengths to read.
      let pending = rest;
      const untilAcknowledged = (data: Buffer) => {
        pending = Buffer.concat([pending, data]);
        while (pending.length >= 2 && pending.length >= 2 + (pending[1] & 0x7f)) {
          const [opcode, payload] = [pending[0] & 0x0f, pending.subarray(2, 2 + (pending[1] & 0x7f))];
          pending = pending.subarray(2 + payload.length);
          if (opcode === 0x9) socket.write(frame(0xa, payload));
          if (opcode !== 0x1 || !payload.includes('"connection_ack"')) continue;
          socket.off('data', untilAcknowledged);
          // Acknowledged: it subscribes, then stops reading for good (a frozen tab, a dead radio link): no pong ever leaves it.
          socket.write(text({ id: '1', type: 'subscribe', payload: { query: 'subscription { breakingNews { cursor } }' } }));
          socket.pause();
          return;
        }
      };
      socket.on('data', untilAcknowledged);
      untilAcknowledged(Buffer.alloc(0));
    });
    const started = Date.now();
    await eventually(() => app.khabar.feed.streamCount, (n) => n === 1, { what: 'the frozen client to subscribe' });
    // The server side tells: its stream ends when the heartbeat cuts the connection (the paused client never reads the close).
    await eventually(() => app.khabar.feed.streamCount, (n) => n === 0, { timeoutMs: 3 * KEEPALIVE_MS + 5_000, what: 'the frozen subscriber to be cut' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(KEEPALIVE_MS / 2);
    frozen.socket.destroy();
  });
});

/** Ten thousand TCP connections that say nothing do not stop a Khabar process serving others, and are all cut. */
describe('ten thousand idle connections', () => {
  const IDLE = 10_000;
  let database: { url: string; drop(): Promise<void> };
  let khabar: KhabarProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    khabar = await startProcess({ DATABASE_URL: database.url, REQUEST_TIMEOUT_MS: '4000', RATE_LIMIT_PER_IP: '0', LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await khabar?.stop();
    await database?.drop();
  });

  it('serves readers as usual while they are open, and closes every one of them', async () => {
    const { hostname, port } = new URL(khabar.url);
    const sockets: net.Socket[] = [];
    let closed = 0;
    // In batches, so as not to overflow the listen backlog (SYNs would be retried a second later).
    for (let opened = 0; opened < IDLE; opened += 500) {
      await Promise.all(Array.from({ length: 500 }, () => new Promise<void>((resolve) => {
        const socket = net.connect(Number(port), hostname, () => resolve());
        socket.on('error', () => resolve());
        socket.once('close', () => (closed += 1));
        socket.resume(); // reads (and drops) the 408, so that the close is seen
        sockets.push(socket);
      })));
    }
    try {
      const times: number[] = [];
      for (let i = 0; i < 10; i += 1) {
        const started = Date.now();
        const res = await fetch(khabar.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ tickers { headline } }"}' });
        expect(res.status).toBe(200);
        await res.text();
        times.push(Date.now() - started);
      }
      // On a shared, loaded machine: the median stays a normal request's, and none waits on the idle ones.
      times.sort((x, y) => x - y);
      expect(times[5]).toBeLessThan(1_000);
      expect(times[9]).toBeLessThan(5_000);
      await eventually(() => closed, (n) => n === IDLE, { timeoutMs: 30_000, what: `all ${IDLE} idle connections to be cut` });
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  }, 90_000);
});
