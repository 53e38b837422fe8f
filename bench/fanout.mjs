// Fan-out benchmark: N graphql-ws subscribers (in separate client processes) on one Khabar instance, or on Khabar's
// workers (KHABAR_WORKERS); one push, then the time until every subscriber has it, the server's and the clients' CPU per
// push, and the server's memory per idle connection (summed over the workers).
//
//   npm run bench:fanout                      # 1,000, 5,000 and 10,000 subscribers, embedded PostgreSQL
//   npm run bench:fanout -- --sizes 2000 --pushes 3
//   npm run bench:fanout -- --sizes 18000 --processes 4   # client processes (default: one per 19,000 subscribers)
//   npm run bench:fanout -- --sizes 20000 --workers 2     # Khabar as KHABAR_WORKERS=2 runs it, this process the primary
//   npm run bench:fanout -- --sizes 5000 --profile /tmp/fanout   # CPU profile of the timed pushes: /tmp/fanout-5000.cpuprofile
//                                                                 # (with --workers, one a worker: /tmp/fanout-5000-worker1.cpuprofile, …)
//   npm run bench:fanout -- --sizes 2000 --heap-snapshot /tmp/fanout   # heap before and with the idle connections
//   DATABASE_URL=postgres://… npm run bench:fanout  # an existing (empty or Khabar) database instead
//   npm run bench:fanout -- --smoke           # 50 subscribers, 2 pushes: seconds; exits non-zero on any failure
//   npm run bench:fanout -- --client official # graphql-ws' own client as the subscribers (default: the lighter reader of ./light-subscribers.mjs)
//   npm run bench:fanout -- --live-blog       # 10,000 subscribers of one live blog instead (bench/fanout-live.mjs)
//
// Needs `npm run build` first (the npm script does it) and a file-descriptor limit above the largest size: the server
// holds one socket per subscriber (each worker those it serves), each client process one per subscriber it opens (the
// npm script raises `ulimit -n` as far as the hard limit allows).
import 'reflect-metadata';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { finish } from './outcome.mjs';
import { startProfiler } from './profile.mjs';
import { CLIENTS, connectWith } from './subscribers.mjs';
import { runLiveBlogBench, runLiveSubscribers } from './fanout-live.mjs';

const SUBSCRIPTION = 'subscription { breakingNews { cursor kind ticker { id headline urgency status publishedAt } } }';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuMsOf = ({ user, system }) => (user + system) / 1000;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/**
 * Subscribers per client process by default: one process as long as it can hold them (a process may open 20,000 files
 * here). More processes than cores only take turns with the server on the same cores: latency grows, not throughput.
 */
const PER_PROCESS = 19_000;
/** What `npm start` and the Docker image run Khabar with: 32 MB semi-spaces (docs/deployment.md). */
const KHABAR_NODE_FLAGS = ['--max-semi-space-size=32'];

if (process.argv[2] === '--subscribers') {
  await runSubscribers(process.argv[3], Number(process.argv[4]), process.argv[5]);
} else if (process.argv[2] === '--live-subscribers') {
  await runLiveSubscribers(process.argv[3], process.argv[4], Number(process.argv[5]), process.argv[6]);
} else if (process.argv.includes('--live-blog')) {
  await finish(() => runLiveBlogBench(process.argv.slice(2).filter((arg) => arg !== '--live-blog')));
} else {
  await finish(runServer);
}

/** The child: opens `count` connections with one subscription each, reports when events arrive and its CPU per push. */
async function runSubscribers(url, count, client) {
  /** Receipt times by ticker id. */
  const received = new Map();
  const clients = await connectWith(client, url, count, SUBSCRIPTION, undefined, (_i, { data }) => {
    const id = data.breakingNews.ticker.id;
    let times = received.get(id);
    if (!times) received.set(id, times = []);
    times.push(now());
  });
  process.send({ type: 'connected' });
  let cpuFrom = process.cpuUsage();
  process.on('message', async (message) => {
    if (message.type === 'expect') {
      const deadline = Date.now() + 60_000;
      while ((received.get(message.id)?.length ?? 0) < message.count && Date.now() < deadline) await sleep(5);
      const times = received.get(message.id) ?? [];
      received.delete(message.id);
      // This process's CPU since the previous push was measured: the push, and the idle half second before it.
      const cpu = process.cpuUsage(cpuFrom);
      cpuFrom = process.cpuUsage();
      process.send({ type: 'received', id: message.id, times, cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (message.type === 'close') {
      await Promise.all(clients.map((client) => client.dispose()));
      process.exit(0);
    }
  });
}

/**
 * The parent: Khabar in this process (so its memory can be measured precisely), or with `--workers N` as KHABAR_WORKERS
 * runs it, N workers with this process as their primary; then one set of client processes per size.
 */
async function runServer() {
  const { values } = parseArgs({ options: {
    sizes: { type: 'string', default: '1000,5000,10000' }, pushes: { type: 'string', default: '5' }, smoke: { type: 'boolean', default: false },
    profile: { type: 'string' }, 'heap-snapshot': { type: 'string' }, processes: { type: 'string' }, client: { type: 'string', default: 'light' },
    workers: { type: 'string' },
  } });
  if (!CLIENTS.includes(values.client)) throw new Error(`--client is one of ${CLIENTS.join(', ')}`);
  const workers = values.workers === undefined ? 0 : Number(values.workers);
  if (values.workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new Error('--workers is a number of processes, 1 or more');
  if (workers && values['heap-snapshot']) throw new Error('--heap-snapshot writes this process\'s heap: not with --workers');
  const sizes = values.smoke ? [50] : values.sizes.split(',').map(Number);
  const pushes = values.smoke ? 2 : Number(values.pushes);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-fanout-'));
  fs.chmodSync(dataDir, 0o755); // as root, the embedded PostgreSQL runs as another user that must reach it
  const server = workers ? await startWorkerServer(workers, dataDir) : await startInProcessServer(dataDir);
  const rows = [];
  try {
    for (const size of sizes) {
      const processes = Number(values.processes ?? Math.ceil(size / PER_PROCESS));
      rows.push(await measure(server, size, processes, values.client, pushes, values.profile && `${values.profile}-${size}.cpuprofile`,
        values['heap-snapshot'] && `${values['heap-snapshot']}-${size}`));
    }
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const heading = `Fan-out to the ${values.client} client on ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), Node ${process.version}, load average `
    + `${os.loadavg()[0].toFixed(1)}; latency from sending the push mutation to each subscriber's receipt, over ${pushes} pushes after a warm-up one`;
  console.log(`\n${heading}\n`);
  console.log('| subscribers | Khabar (subscribers each served) | client processes | p50 | p99 | max (all have it) | warm-up push: all have it | server CPU per push | clients\' CPU per push | server RSS per idle connection | JS heap per idle connection |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.size.toLocaleString('en')} | ${r.served} | ${r.processes} | ${r.p50} ms | ${r.p99} ms | ${r.max} ms | ${r.cold} ms | ${r.cpuMs} ms | ${r.clientCpuMs} ms | ${r.rssPerConnection} KiB | ${r.heapPerConnection} KiB |`);
  }
  const errors = rows.reduce((sum, r) => sum + r.subscriberErrors, 0);
  if (errors) throw new Error(`${errors} subscriptions ended with an error`);
}

/**
 * What `measure` needs of Khabar however it runs: where it is, an editor's token, the live streams each process holds,
 * memory (after a full GC) and CPU so far summed over its processes, and how to stop it.
 */
async function startInProcessServer(dataDir) {
  const { startKhabar } = await import(path.join(ROOT, 'dist/src/app.js'));
  const { loadConfig } = await import(path.join(ROOT, 'dist/src/config.js'));
  const { freePort } = await import(path.join(ROOT, 'dist/scripts/free-port.js'));
  const defaults = loadConfig({});
  const khabar = await startKhabar(loadConfig(process.env, {
    port: 0, host: '127.0.0.1', seed: 'none', logLevel: 'warn', dataDir,
    embeddedPgPort: await freePort(),
    live: { ...defaults.live, maxConnectionsPerIp: 0, initTimeoutMs: 60_000 },
    // Every subscriber comes from this machine's one address: the rate limit would count them as one reader.
    edge: { rateLimitPerIp: 0 },
  }));
  return {
    url: khabar.url,
    token: await khabar.contextDeps.tokens.sign('EDITOR', 'fan-out bench'),
    streams: async () => [khabar.feed.streamCount],
    memory: async () => memory(),
    cpuMs: async () => cpuMsOf(process.cpuUsage()),
    profile: async (file) => {
      const profiler = await startProfiler();
      await profiler.start();
      return { stop: async () => fs.writeFileSync(file, JSON.stringify(await profiler.stop())) };
    },
    describe: () => 'in-process',
    stop: () => khabar.stop(),
  };
}

/** KHABAR_WORKERS=`count`: this process is the primary (startWorkers), each worker bench/khabar-worker.mjs. */
async function startWorkerServer(count, dataDir) {
  const { startWorkers } = await import(path.join(ROOT, 'dist/src/workers.js'));
  const { loadConfig } = await import(path.join(ROOT, 'dist/src/config.js'));
  const { makeLogger } = await import(path.join(ROOT, 'dist/src/server/logger.js'));
  const { TokenService } = await import(path.join(ROOT, 'dist/src/auth/tokens.js'));
  const { freePort } = await import(path.join(ROOT, 'dist/scripts/free-port.js'));
  const secret = 'fan-out-bench-secret-fan-out-bench-secret';
  // The workers read their configuration from the environment: the in-process server's settings, as variables.
  Object.assign(process.env, {
    KHABAR_WORKERS: String(count), PORT: '0', HOST: '127.0.0.1', KHABAR_SEED: 'none', LOG_LEVEL: 'warn', DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()), WS_MAX_CONNECTIONS_PER_IP: '0', WS_INIT_TIMEOUT_MS: '60000', RATE_LIMIT_PER_IP: '0',
    JWT_SECRET: secret,
  });
  const config = loadConfig(process.env);
  // The workers run with the flags production starts Khabar with (package.json's start, docker/Dockerfile), as a
  // primary started that way passes them on; this process's own (--expose-gc) for the probes' full GC.
  const execArgv = [...process.execArgv, ...KHABAR_NODE_FLAGS];
  const workers = await startWorkers(config, { logger: makeLogger('warn'), exec: path.join(ROOT, 'bench/khabar-worker.mjs'), execArgv });
  const ask = (worker, probe, details = {}) => new Promise((resolve) => {
    const answer = (message) => {
      if (message?.probe !== probe) return;
      worker.off('message', answer);
      resolve(message);
    };
    worker.on('message', answer);
    worker.send({ probe, ...details });
  });
  const askAll = (probe) => Promise.all(workers.serving().map((worker) => ask(worker, probe)));
  return {
    url: workers.url,
    token: await new TokenService(secret).sign('EDITOR', 'fan-out bench'),
    streams: async () => (await askAll('streams')).map((answer) => answer.streams),
    memory: async () => (await askAll('memory')).reduce((sum, m) => ({ rss: sum.rss + m.rss, heap: sum.heap + m.heap }), { rss: 0, heap: 0 }),
    // The primary (this process) only hands connections over, and sends the mutation as the in-process bench does.
    cpuMs: async () => (await askAll('cpu')).reduce((sum, answer) => sum + answer.cpuMs, 0),
    /** One profile per worker: `file` with `-worker<id>` before its extension. */
    profile: async (file) => {
      const profiled = workers.serving();
      await Promise.all(profiled.map((worker) => ask(worker, 'profile-start')));
      return { stop: () => Promise.all(profiled.map((worker) => ask(worker, 'profile-stop', { file: file.replace(/(\.cpuprofile)?$/, `-worker${worker.id}$1`) }))) };
    },
    describe: (streams) => `${count} worker${count > 1 ? 's' : ''} (${streams.map((n) => n.toLocaleString('en')).join(' + ')})`,
    stop: () => workers.stop(),
  };
}

async function measure(server, size, processes, client, pushes, profileFile, snapshotPrefix) {
  const wsUrl = server.url.replace(/^http/, 'ws');
  const before = await server.memory();
  if (snapshotPrefix) v8.writeHeapSnapshot(`${snapshotPrefix}-before.heapsnapshot`);
  const children = [];
  let subscriberErrors = 0;
  for (let p = 0; p < processes; p += 1) {
    const count = Math.floor(size / processes) + (p < size % processes ? 1 : 0);
    const child = fork(fileURLToPath(import.meta.url), ['--subscribers', wsUrl, String(count), client], { stdio: 'inherit' });
    const inbox = [];
    child.on('exit', (code) => {
      if (code) inbox.push({ type: 'failed' });
    });
    child.on('message', (message) => {
      if (message.type === 'error') {
        subscriberErrors += 1;
        console.error(`subscriber error: ${message.message}`);
      } else inbox.push(message);
    });
    children.push({ child, inbox, count });
  }
  const next = (type) => Promise.all(children.map(async ({ inbox }) => {
    for (;;) {
      if (inbox.some((m) => m.type === 'failed')) throw new Error(`a subscriber process failed while waiting for "${type}"`);
      const index = inbox.findIndex((m) => m.type === type);
      if (index >= 0) return inbox.splice(index, 1)[0];
      await sleep(5);
    }
  }));
  await next('connected');
  let streams;
  while ((streams = await server.streams()).reduce((sum, n) => sum + n, 0) < size) await sleep(20);
  const served = server.describe(streams);
  await sleep(1_000); // let connection set-up garbage become garbage
  const idle = await server.memory();
  if (snapshotPrefix) v8.writeHeapSnapshot(`${snapshotPrefix}-idle.heapsnapshot`);
  const latencies = [];
  let cold = 0;
  let cpuMs = 0;
  let clientCpuMs = 0;
  // Push 0 warms the fan-out path up (the first event through ten thousand cold streams runs unoptimized code).
  let profiler = null;
  for (let n = 0; n <= pushes; n += 1) {
    if (n === 1 && profileFile) profiler = await server.profile(profileFile);
    const cpuBefore = await server.cpuMs();
    const sentAt = now();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ query: 'mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }',
        variables: { input: { headline: `عاجل: اختبار البث رقم ${n} إلى ${size} مشترك`, urgency: 1 } } }),
    });
    const { data, errors } = await response.json();
    if (errors) throw new Error(JSON.stringify(errors));
    for (const { child, count } of children) child.send({ type: 'expect', id: data.pushBreakingNews.id, count });
    const reports = await next('received');
    const times = reports.flatMap((report) => report.times);
    if (times.length < size) throw new Error(`push ${n}: only ${times.length} of ${size} subscribers got it within a minute`);
    const cpu = (await server.cpuMs()) - cpuBefore;
    if (n === 0) cold = Math.max(...times) - sentAt;
    else {
      latencies.push(...times.map((at) => at - sentAt));
      cpuMs += cpu / pushes;
      clientCpuMs += reports.reduce((sum, report) => sum + report.cpuMs, 0) / pushes;
    }
    await sleep(500);
  }
  await profiler?.stop();
  for (const { child } of children) child.send({ type: 'close' });
  await Promise.all(children.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)))));
  while ((await server.streams()).some((n) => n > 0)) await sleep(20);
  latencies.sort((a, b) => a - b);
  const pick = (q) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  const row = {
    size,
    served,
    p50: pick(0.5),
    p99: pick(0.99),
    max: Math.round(latencies[latencies.length - 1]),
    cold: Math.round(cold),
    cpuMs: Math.round(cpuMs),
    clientCpuMs: Math.round(clientCpuMs),
    processes,
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
