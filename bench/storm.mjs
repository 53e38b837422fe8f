// Reconnect-storm benchmark: N graphql-ws clients (in several processes) come back at once to an instance that has just
// started, each resuming with a cursor a few hundred events back. Prints how long until every client has its backlog,
// the SQL statements the instance ran for them, and its peak memory.
//
//   npm run bench:storm                                  # 5,000 clients over 5 processes, 500 events, 5 distinct cursors
//   npm run bench:storm -- --clients 2000 --positions 20
//   npm run bench:storm -- --smoke                       # 200 clients, 60 events, 3 cursors: seconds; non-zero on any failure
//
// The instance the clients hit starts after the events were written, as after a restart: its window of recent events is
// empty, so every client replays from the outbox (the costly case). Needs `npm run build` (the npm script does it).
import 'reflect-metadata';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { finish } from './outcome.mjs';

const SUBSCRIPTION = 'subscription($after: String) { breakingNews(after: $after) { cursor kind ticker { id headline urgency } } }';
/** Clients per process: each holds one socket per client, well inside the 20,000 open files a process may have. */
const PER_PROCESS = 1_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();

if (process.argv[2] === '--as-clients') await runClients(process.argv[3], JSON.parse(process.argv[4]));
else await finish(runServer);

/** A child: one client per cursor it was given; reports when each has received its whole backlog. */
async function runClients(url, work) {
  const done = [];
  const clients = [];
  let failures = 0;
  const errors = new Set();
  const fail = (error) => {
    failures += 1;
    errors.add(String(error?.message ?? error?.reason ?? (Array.isArray(error) ? error.map((e) => e.message).join('; ') : JSON.stringify(error))).slice(0, 300));
  };
  const started = now();
  for (const [i, { after, expect }] of work.entries()) {
    let received = 0;
    let last = null;
    let outOfOrder = 0;
    const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 20, shouldRetry: () => true,
      onNonLazyError: fail });
    client.subscribe({ query: SUBSCRIPTION, variables: { after } }, {
      next: ({ data, errors }) => {
        if (errors) return void fail(errors);
        const seq = JSON.parse(Buffer.from(data.breakingNews.cursor, 'base64url').toString())[1];
        if (last !== null && seq <= last) outOfOrder += 1;
        last = seq;
        received += 1;
        if (received === expect) done.push({ ms: now() - started, outOfOrder });
      },
      error: fail,
      complete: () => undefined,
    });
    clients.push(client);
    if (i % 250 === 249) await sleep(10); // do not overflow the listen backlog: SYNs dropped there are retried a second later
  }
  const deadline = Date.now() + 300_000;
  while (done.length < work.length && done.length + failures < work.length && Date.now() < deadline) await sleep(20);
  process.send({ type: 'done', times: done.map((d) => d.ms), outOfOrder: done.reduce((sum, d) => sum + d.outOfOrder, 0), missing: work.length - done.length,
    failures, errors: [...errors].slice(0, 5) });
  await Promise.all(clients.map((client) => client.dispose()));
  process.exit(0);
}

async function runServer() {
  const { values } = parseArgs({ options: {
    clients: { type: 'string', default: '5000' }, events: { type: 'string', default: '500' }, positions: { type: 'string', default: '5' },
    smoke: { type: 'boolean', default: false },
  } });
  const clients = values.smoke ? 200 : Number(values.clients);
  const events = values.smoke ? 60 : Number(values.events);
  const positions = values.smoke ? 3 : Number(values.positions);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const { startKhabar } = await import(path.join(root, 'dist/src/app.js'));
  const { loadConfig } = await import(path.join(root, 'dist/src/config.js'));
  const { freePort } = await import(path.join(root, 'dist/scripts/free-port.js'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-storm-'));
  fs.chmodSync(dataDir, 0o755); // as root, the embedded PostgreSQL runs as another user that must reach it
  const defaults = loadConfig({});
  const pgPort = await freePort();
  const base = {
    port: 0, host: '127.0.0.1', seed: 'none', logLevel: 'warn', dataDir, embeddedPgPort: pgPort, schedulerIntervalMs: 0,
    live: { ...defaults.live, maxConnectionsPerIp: 0, initTimeoutMs: 60_000, pollMs: 600_000 },
    // Every client comes from this machine's one address: the rate limit would count them as one reader.
    edge: { rateLimitPerIp: 0, responseCache: false },
  };
  const writer = await startKhabar(loadConfig(process.env, base));
  let instance;
  try {
    const token = await writer.contextDeps.tokens.sign('EDITOR', 'storm bench');
    // One event more than are replayed: a cursor names the event it resumes after, so the oldest needs one before it.
    for (let n = 0; n < events + 1; n += 10) {
      await Promise.all(Array.from({ length: Math.min(10, events + 1 - n) }, (_, i) => fetch(writer.url, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'mutation($i: PushBreakingNewsInput!) { pushBreakingNews(input: $i) { id } }',
          variables: { i: { headline: `عاجل: حدث رقم ${n + i} قبل العاصفة`, urgency: 2 } } }),
      }).then((res) => res.json()).then((body) => { if (body.errors) throw new Error(JSON.stringify(body.errors)); })));
    }
    const seqs = (await writer.db.query(`SELECT seq FROM event_outbox WHERE topic = 'ticker' ORDER BY seq`)).map((row) => Number(row.seq));
    const cursorOf = (seq) => Buffer.from(JSON.stringify(['breakingNews', seq]), 'utf8').toString('base64url');
    // Distinct positions spread over the last `events` events: from all of them back to half of them back.
    const backs = Array.from({ length: positions }, (_, p) => Math.round(events - (p * events) / (2 * positions)));
    const work = Array.from({ length: clients }, (_, i) => {
      const back = backs[i % positions];
      return { after: cursorOf(seqs[seqs.length - 1 - back]), expect: back };
    });

    // The instance the storm hits: started now, on the same database, as after a restart.
    instance = await startKhabar(loadConfig({ ...process.env, DATABASE_URL: `postgres://khabar:khabar@127.0.0.1:${pgPort}/khabar` },
      { ...base, migrateOnStart: false }));
    const sql = instance.contextDeps.sql;
    const before = memory();
    const statementsBefore = sql.statements;
    let peak = { rss: before.rss, heap: before.heap };
    const sampler = setInterval(() => {
      const { rss, heapUsed } = process.memoryUsage();
      peak = { rss: Math.max(peak.rss, rss), heap: Math.max(peak.heap, heapUsed) };
    }, 50);
    const wsUrl = instance.url.replace(/^http/, 'ws');
    const started = now();
    const children = [];
    for (let from = 0; from < clients; from += PER_PROCESS) {
      const child = fork(fileURLToPath(import.meta.url), ['--as-clients', wsUrl, JSON.stringify(work.slice(from, from + PER_PROCESS))], { stdio: 'inherit' });
      children.push(new Promise((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (code) => (code ? reject(new Error(`a client process exited with ${code}`)) : undefined));
      }));
    }
    const reports = await Promise.all(children);
    const wallMs = now() - started;
    clearInterval(sampler);
    const statements = sql.statements - statementsBefore;
    const times = reports.flatMap((r) => r.times).sort((a, b) => a - b);
    const pick = (q) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]);
    const missing = reports.reduce((sum, r) => sum + r.missing, 0);
    const outOfOrder = reports.reduce((sum, r) => sum + r.outOfOrder, 0);
    const failures = reports.reduce((sum, r) => sum + r.failures, 0);
    const perClientNaive = backs.reduce((sum, back) => sum + 1 + 2 * Math.ceil(back / 50), 0) / positions;
    const heading = `Reconnect storm on ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), Node ${process.version}, load average `
      + `${os.loadavg().map((l) => l.toFixed(1)).join(' ')}: ${clients.toLocaleString('en')} clients in ${children.length} processes resume at once `
      + `on a just-started instance, from ${positions} distinct cursors ${backs[positions - 1]}–${backs[0]} events back (${events} events written)`;
    console.log(`\n${heading}\n`);
    console.log('| clients | distinct cursors | events replayed | all have their backlog | p50 / p99 per client | SQL statements | one stream each would run | peak RSS over idle | peak JS heap | lost, duplicated or out of order |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(`| ${clients.toLocaleString('en')} | ${positions} | ${work.reduce((sum, w) => sum + w.expect, 0).toLocaleString('en')} | ${(wallMs / 1000).toFixed(1)} s `
      + `| ${pick(0.5)} / ${pick(0.99)} ms | ${statements} | ~${Math.round(perClientNaive * clients).toLocaleString('en')} `
      + `| ${((peak.rss - before.rss) / 2 ** 20).toFixed(0)} MiB | ${(peak.heap / 2 ** 20).toFixed(0)} MiB | ${missing + outOfOrder} (${failures} client errors) |`);
    for (const error of new Set(reports.flatMap((r) => r.errors))) console.error(`client error: ${error}`);
    if (missing + outOfOrder + failures > 0) process.exitCode = 1;
  } finally {
    await instance?.stop();
    await writer.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Resident set and live JS heap after a full collection (the bench runs with --expose-gc). */
function memory() {
  globalThis.gc?.();
  globalThis.gc?.();
  return { rss: process.memoryUsage().rss, heap: v8.getHeapStatistics().used_heap_size };
}
