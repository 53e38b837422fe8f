// Fan-out benchmark: N graphql-ws subscribers (in a separate process) on one Khabar instance; one push, then the time
// until every subscriber has it, and the server's memory per idle connection.
//
//   npm run bench:fanout                      # 1,000, 5,000 and 10,000 subscribers, embedded PostgreSQL
//   npm run bench:fanout -- --sizes 2000 --pushes 3
//   DATABASE_URL=postgres://… npm run bench:fanout  # an existing (empty or Khabar) database instead
//   npm run bench:fanout -- --smoke           # 50 subscribers, 2 pushes: seconds; exits non-zero on any failure
//   npm run bench:fanout -- --live-blog       # 10,000 subscribers of one live blog instead (bench/fanout-live.mjs)
//
// Needs `npm run build` first (the npm script does it) and a file-descriptor limit above the largest size: each
// process holds one socket per subscriber (the npm script raises `ulimit -n` as far as the hard limit allows).
import 'reflect-metadata';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { finish } from './outcome.mjs';
import { connectSubscribers } from './subscribers.mjs';
import { runLiveBlogBench, runLiveSubscribers } from './fanout-live.mjs';

const SUBSCRIPTION = 'subscription { breakingNews { cursor kind ticker { id headline urgency status publishedAt } } }';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

if (process.argv[2] === '--subscribers') {
  await runSubscribers(process.argv[3], Number(process.argv[4]));
} else if (process.argv[2] === '--live-subscribers') {
  await runLiveSubscribers(process.argv[3], process.argv[4], Number(process.argv[5]));
} else if (process.argv.includes('--live-blog')) {
  await finish(() => runLiveBlogBench(process.argv.slice(2).filter((arg) => arg !== '--live-blog')));
} else {
  await finish(runServer);
}

/** The child: opens `count` connections with one subscription each, reports when events arrive. */
async function runSubscribers(url, count) {
  let received = [];
  const expected = new Map();
  const clients = await connectSubscribers(url, count, SUBSCRIPTION, undefined,
    (_i, { data }) => received.push([now(), data.breakingNews.ticker.id]));
  process.send({ type: 'connected' });
  process.on('message', async (message) => {
    if (message.type === 'expect') {
      expected.set(message.id, message.count);
      const deadline = Date.now() + 60_000;
      while (received.filter(([, id]) => id === message.id).length < message.count && Date.now() < deadline) await sleep(5);
      const times = received.filter(([, id]) => id === message.id).map(([at]) => at);
      received = received.filter(([, id]) => id !== message.id);
      process.send({ type: 'received', id: message.id, times });
    } else if (message.type === 'close') {
      await Promise.all(clients.map((client) => client.dispose()));
      process.exit(0);
    }
  });
}

/** The parent: a Khabar instance in this process (so its memory can be measured precisely), then one child per size. */
async function runServer() {
  const { values } = parseArgs({ options: {
    sizes: { type: 'string', default: '1000,5000,10000' }, pushes: { type: 'string', default: '5' }, smoke: { type: 'boolean', default: false },
  } });
  const sizes = values.smoke ? [50] : values.sizes.split(',').map(Number);
  const pushes = values.smoke ? 2 : Number(values.pushes);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const { startKhabar } = await import(path.join(root, 'dist/src/app.js'));
  const { loadConfig } = await import(path.join(root, 'dist/src/config.js'));
  const { freePort } = await import(path.join(root, 'dist/scripts/free-port.js'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-fanout-'));
  fs.chmodSync(dataDir, 0o755); // as root, the embedded PostgreSQL runs as another user that must reach it
  const defaults = loadConfig({});
  const khabar = await startKhabar(loadConfig(process.env, {
    port: 0, host: '127.0.0.1', seed: 'none', logLevel: 'warn', dataDir,
    embeddedPgPort: await freePort(),
    live: { ...defaults.live, maxConnectionsPerIp: 0, initTimeoutMs: 60_000 },
    // Every subscriber comes from this machine's one address: the rate limit would count them as one reader.
    edge: { rateLimitPerIp: 0 },
  }));
  const token = await khabar.contextDeps.tokens.sign('EDITOR', 'fan-out bench');
  const wsUrl = khabar.url.replace(/^http/, 'ws');
  const rows = [];
  try {
    for (const size of sizes) rows.push(await measure(khabar, token, wsUrl, size, pushes));
  } finally {
    await khabar.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const heading = `Fan-out on ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), Node ${process.version}, load average `
    + `${os.loadavg()[0].toFixed(1)}; latency from sending the push mutation to each subscriber's receipt, over ${pushes} pushes after a warm-up one`;
  console.log(`\n${heading}\n`);
  console.log('| subscribers | p50 | p99 | max (all have it) | warm-up push: all have it | server CPU per push | server RSS per idle connection | JS heap per idle connection |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.size.toLocaleString('en')} | ${r.p50} ms | ${r.p99} ms | ${r.max} ms | ${r.cold} ms | ${r.cpuMs} ms | ${r.rssPerConnection} KiB | ${r.heapPerConnection} KiB |`);
  }
  const errors = rows.reduce((sum, r) => sum + r.subscriberErrors, 0);
  if (errors) throw new Error(`${errors} subscriptions ended with an error`);
}

async function measure(khabar, token, wsUrl, size, pushes) {
  const before = memory();
  const child = fork(fileURLToPath(import.meta.url), ['--subscribers', wsUrl, String(size)], { stdio: 'inherit' });
  const messages = [];
  let subscriberErrors = 0;
  child.on('exit', (code) => {
    if (code) messages.push({ type: 'failed' });
  });
  child.on('message', (message) => {
    if (message.type === 'error') {
      subscriberErrors += 1;
      console.error(`subscriber error: ${message.message}`);
    } else messages.push(message);
  });
  const next = async (type) => {
    for (;;) {
      if (messages.some((m) => m.type === 'failed')) throw new Error(`the subscriber process failed while waiting for "${type}"`);
      const index = messages.findIndex((m) => m.type === type);
      if (index >= 0) return messages.splice(index, 1)[0];
      await sleep(5);
    }
  };
  await next('connected');
  while (khabar.feed.streamCount < size) await sleep(20);
  await sleep(1_000); // let connection set-up garbage become garbage
  const idle = memory();
  const latencies = [];
  let cold = 0;
  let cpuMs = 0;
  // Push 0 warms the fan-out path up (the first event through ten thousand cold streams runs unoptimized code).
  for (let n = 0; n <= pushes; n += 1) {
    const cpuBefore = process.cpuUsage();
    const sentAt = now();
    const response = await fetch(khabar.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }',
        variables: { input: { headline: `عاجل: اختبار البث رقم ${n} إلى ${size} مشترك`, urgency: 1 } } }),
    });
    const { data, errors } = await response.json();
    if (errors) throw new Error(JSON.stringify(errors));
    child.send({ type: 'expect', id: data.pushBreakingNews.id, count: size });
    const { times } = await next('received');
    if (times.length < size) throw new Error(`push ${n}: only ${times.length} of ${size} subscribers got it within a minute`);
    const cpu = process.cpuUsage(cpuBefore);
    if (n === 0) cold = Math.max(...times) - sentAt;
    else {
      latencies.push(...times.map((at) => at - sentAt));
      cpuMs += (cpu.user + cpu.system) / 1000 / pushes;
    }
    await sleep(500);
  }
  child.send({ type: 'close' });
  await new Promise((resolve) => child.on('exit', resolve));
  while (khabar.feed.streamCount > 0) await sleep(20);
  latencies.sort((a, b) => a - b);
  const pick = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  const row = {
    size,
    p50: pick(0.5),
    p99: pick(0.99),
    max: Math.round(latencies[latencies.length - 1]),
    cold: Math.round(cold),
    cpuMs: Math.round(cpuMs),
    rssPerConnection: ((idle.rss - before.rss) / size / 1024).toFixed(1),
    heapPerConnection: ((idle.heap - before.heap) / size / 1024).toFixed(1),
    subscriberErrors,
  };
  console.log(JSON.stringify(row));
  return row;
}

/** Resident set and live JS heap after a full collection (the bench runs with --expose-gc). */
function memory() {
  globalThis.gc?.();
  globalThis.gc?.();
  return { rss: process.memoryUsage().rss, heap: v8.getHeapStatistics().used_heap_size };
}
