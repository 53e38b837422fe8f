// Live-blog fan-out (`npm run bench:fanout:live`, or `bench:fanout -- --live-blog`): N graphql-ws subscribers of one
// live blog, spread over several client processes; single entries posted one at a time, then a burst of 20 entries in
// 2 s. For each entry: the time from sending postLiveEntry to each subscriber's receipt (p50, p99, max); and for every
// subscriber, that it got every entry exactly once and in the order posted.
//
//   npm run bench:fanout:live                       # 10,000 subscribers over 4 processes, 5 single posts, a burst of 20
//   npm run bench:fanout:live -- --subscribers 2000 --processes 2 --posts 3
//   npm run bench:fanout:live -- --smoke            # 200 subscribers over 2 processes: seconds; exits non-zero on any failure
//   npm run bench:fanout:live -- --profile /tmp/burst.cpuprofile   # CPU profile of the server during the burst
//   npm run bench:fanout:live -- --client official  # graphql-ws' own client as the subscribers (default: ./light-subscribers.mjs)
//
// Each client process holds one socket per subscriber: a process stays under 20,000 open files with --processes
// chosen so that subscribers / processes is at most 5,000 (the default is one process per 2,500).
import 'reflect-metadata';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { CLIENTS, connectWith } from './subscribers.mjs';
import { startProfiler } from './profile.mjs';

const SUBSCRIPTION = 'subscription($id: ID!) { liveEntries(articleId: $id) { cursor kind entry { title postedAt } } }';
const POST = 'mutation($id: ID!, $input: PostLiveEntryInput!) { postLiveEntry(articleId: $id, input: $input) { id } }';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const PER_PROCESS_MAX = 5_000;

/** The child: `count` subscribers of the blog; each keeps the entry numbers it got, in order, with when. */
export async function runLiveSubscribers(url, articleId, count, client) {
  const got = Array.from({ length: count }, () => []);
  const clients = await connectWith(client, url, count, SUBSCRIPTION, { id: articleId }, (i, { data, errors }) => {
    if (errors) process.send({ type: 'error', message: JSON.stringify(errors) });
    else if (data.liveEntries.kind === 'POSTED') got[i].push([Number(data.liveEntries.entry.title.slice(1)), now()]);
  });
  process.send({ type: 'connected' });
  let cpuFrom = process.cpuUsage();
  process.on('message', async (message) => {
    if (message.type === 'expect') {
      // Entries `order` were committed in that order: wait until every subscriber has them (or a minute), then report.
      const want = message.order;
      const until = Date.now() + 60_000;
      const has = (list) => list.length >= want.length;
      while (!got.every(has) && Date.now() < until) await sleep(5);
      const times = {};
      let missed = 0;
      let misordered = 0;
      for (const list of got) {
        const numbers = list.map(([n]) => n);
        if (numbers.length !== want.length || numbers.some((n, k) => n !== want[k])) {
          const unique = new Set(numbers);
          missed += want.filter((n) => !unique.has(n)).length;
          if (numbers.length === want.length && want.every((n) => unique.has(n))) misordered += 1;
          else if (numbers.some((n, k) => k > 0 && n <= numbers[k - 1])) misordered += 1;
        }
        for (const [n, at] of list) (times[n] ??= []).push(at);
        list.length = 0;
      }
      // This process's CPU since its previous report: the entries, and the idle pause before them.
      const cpu = process.cpuUsage(cpuFrom);
      cpuFrom = process.cpuUsage();
      process.send({ type: 'received', times, missed, misordered, cpuMs: (cpu.user + cpu.system) / 1000 });
    } else if (message.type === 'close') {
      await Promise.all(clients.map((client) => client.dispose()));
      process.exit(0);
    }
  });
}

/** The parent: a Khabar instance, one published article with live coverage, the client processes, the posts. */
export async function runLiveBlogBench(argv) {
  const { values } = parseArgs({ args: argv, strict: false, options: {
    subscribers: { type: 'string', default: '10000' }, processes: { type: 'string' }, posts: { type: 'string', default: '5' },
    burst: { type: 'string', default: '20' }, 'burst-ms': { type: 'string', default: '2000' }, smoke: { type: 'boolean', default: false },
    profile: { type: 'string' }, client: { type: 'string', default: 'light' },
  } });
  if (!CLIENTS.includes(values.client)) throw new Error(`--client is one of ${CLIENTS.join(', ')}`);
  const subscribers = values.smoke ? 200 : Number(values.subscribers);
  const processes = values.smoke ? 2 : Number(values.processes ?? Math.max(1, Math.ceil(subscribers / 2_500)));
  if (Math.ceil(subscribers / processes) > PER_PROCESS_MAX) throw new Error(`at most ${PER_PROCESS_MAX} subscribers per process: raise --processes`);
  const posts = values.smoke ? 2 : Number(values.posts);
  const burst = values.smoke ? 5 : Number(values.burst);
  const burstMs = values.smoke ? 500 : Number(values['burst-ms']);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const { startKhabar } = await import(path.join(root, 'dist/src/app.js'));
  const { loadConfig } = await import(path.join(root, 'dist/src/config.js'));
  const { freePort } = await import(path.join(root, 'dist/scripts/free-port.js'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-fanout-live-'));
  fs.chmodSync(dataDir, 0o755); // as root, the embedded PostgreSQL runs as another user that must reach it
  const defaults = loadConfig({});
  const khabar = await startKhabar(loadConfig(process.env, {
    port: 0, host: '127.0.0.1', seed: 'none', logLevel: 'warn', dataDir,
    embeddedPgPort: await freePort(),
    live: { ...defaults.live, maxConnectionsPerIp: 0, initTimeoutMs: 60_000 },
    // Posts must not be abandoned while the server is busy delivering the burst: what is measured is the delivery.
    edge: { rateLimitPerIp: 0, rateLimitPerToken: 0, requestTimeoutMs: 120_000 },
  }));
  const token = await khabar.contextDeps.tokens.sign('EDITOR', 'live-blog bench');
  const gql = async (query, variables) => {
    const response = await fetch(khabar.url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
    });
    const { data, errors } = await response.json();
    if (errors) throw new Error(JSON.stringify(errors));
    return data;
  };
  const children = [];
  try {
    const { createArticle } = await gql('mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }',
      { input: { title: 'مباشر: اختبار البث إلى آلاف القراء', body: [{ type: 'PARAGRAPH', text: 'مقدمة.' }] } });
    await gql('mutation($id: ID!) { publishArticle(id: $id) { id } }', { id: createArticle.id });
    await gql('mutation($id: ID!) { startLiveCoverage(articleId: $id) { isLive } }', { id: createArticle.id });
    const articleDbId = Number(Buffer.from(createArticle.id, 'base64url').toString().split(':')[1]);
    const wsUrl = khabar.url.replace(/^http/, 'ws');
    let errors = 0;
    for (let p = 0; p < processes; p += 1) {
      const count = Math.floor(subscribers / processes) + (p < subscribers % processes ? 1 : 0);
      const child = fork(path.join(root, 'bench/fanout.mjs'), ['--live-subscribers', wsUrl, createArticle.id, String(count), values.client], { stdio: 'inherit' });
      const inbox = [];
      child.on('message', (message) => {
        if (message.type === 'error') {
          errors += 1;
          if (errors <= 5) console.error(`subscriber error: ${message.message}`);
        } else inbox.push(message);
      });
      child.on('exit', (code) => { if (code) inbox.push({ type: 'failed' }); });
      children.push({ child, inbox });
    }
    const next = async (type) => Promise.all(children.map(async ({ inbox }) => {
      for (;;) {
        if (inbox.some((m) => m.type === 'failed')) throw new Error(`a subscriber process failed while waiting for "${type}"`);
        const index = inbox.findIndex((m) => m.type === type);
        if (index >= 0) return inbox.splice(index, 1)[0];
        await sleep(5);
      }
    }));
    await next('connected');
    while (khabar.feed.streamCount < subscribers) await sleep(20);
    await sleep(1_000);

    let number = 0;
    const sentAt = new Map();
    const post = async () => {
      number += 1;
      sentAt.set(number, now());
      await gql(POST, { id: createArticle.id, input: { title: `#${number}`, body: [{ type: 'PARAGRAPH', text: `المستجد رقم ${number}` }] } });
    };
    /**
     * Waits until every subscriber has entries from…to, which must arrive in the order they committed (the outbox's:
     * posts of a burst overlap, so that may not be the order they were sent); returns the latencies, misses, reorderings.
     */
    const collect = async (from, to) => {
      const committed = await khabar.db.query(
        `SELECT e.title FROM event_outbox o JOIN live_entry e ON e.id = o.item_id
         WHERE o.topic = 'live' AND o.kind = 'POSTED' AND e.article_id = $1 ORDER BY o.seq`, [articleDbId]);
      const order = committed.map((row) => Number(row.title.slice(1))).filter((n) => n >= from && n <= to);
      if (order.length !== to - from + 1) throw new Error(`${order.length} of the entries ${from}…${to} committed`);
      for (const { child } of children) child.send({ type: 'expect', order });
      const reports = await next('received');
      const latencies = [];
      let all = 0;
      for (const report of reports) {
        for (const [n, times] of Object.entries(report.times)) {
          all = Math.max(all, ...times.map((at) => at - sentAt.get(Number(n))));
          latencies.push(...times.map((at) => at - sentAt.get(Number(n))));
        }
      }
      return { latencies, all, missed: reports.reduce((s, r) => s + r.missed, 0), misordered: reports.reduce((s, r) => s + r.misordered, 0),
        clientCpuMs: reports.reduce((s, r) => s + r.cpuMs, 0) };
    };

    // A warm-up entry (the first event through thousands of cold streams runs unoptimized code), then one at a time.
    await post();
    const warm = await collect(1, 1);
    const single = { latencies: [], missed: warm.missed, misordered: warm.misordered, serverCpuMs: 0, clientCpuMs: 0 };
    for (let k = 0; k < posts; k += 1) {
      await sleep(500);
      const cpuFrom = process.cpuUsage();
      await post();
      const got = await collect(number, number);
      const cpu = process.cpuUsage(cpuFrom);
      single.latencies.push(...got.latencies);
      single.missed += got.missed;
      single.misordered += got.misordered;
      single.serverCpuMs += (cpu.user + cpu.system) / 1000 / posts;
      single.clientCpuMs += got.clientCpuMs / posts;
    }
    const stats = (latencies) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      const pick = (q) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
      return { p50: pick(0.5), p99: pick(0.99), max: Math.round(sorted[sorted.length - 1]) };
    };
    const rows = [];
    const row = (what, result, entries) => {
      rows.push({ what, ...stats(result.latencies), deliveries: result.latencies.length, expected: entries * subscribers, missed: result.missed, misordered: result.misordered,
        serverCpuMs: Math.round(result.serverCpuMs), clientCpuMs: Math.round(result.clientCpuMs) });
      console.log(JSON.stringify(rows.at(-1)));
    };
    row(`single entries (${posts}, after a warm-up one; CPU per entry)`, single, posts);
    // The burst: `burst` entries spread over `burstMs`, posted without waiting for the subscribers.
    await sleep(500);
    const profiler = values.profile ? await startProfiler() : null;
    await profiler?.start();
    const burstCpuFrom = process.cpuUsage();
    const first = number + 1;
    const started = now();
    const pending = [];
    for (let k = 0; k < burst; k += 1) {
      const due = started + (k * burstMs) / burst;
      if (due > now()) await sleep(due - now());
      pending.push(post());
    }
    await Promise.all(pending);
    const burstResult = await collect(first, number);
    const burstCpu = process.cpuUsage(burstCpuFrom);
    burstResult.serverCpuMs = (burstCpu.user + burstCpu.system) / 1000;
    if (profiler) fs.writeFileSync(values.profile, JSON.stringify(await profiler.stop()));

    row(`burst of ${burst} in ${(burstMs / 1000).toFixed(1)} s (CPU for all of it)`, burstResult, burst);
    const heading = `Live-blog fan-out: ${subscribers.toLocaleString('en')} subscribers of one blog (the ${values.client} client) over ${processes} client processes, `
      + `on ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}; `
      + `latency from sending postLiveEntry to each subscriber's receipt (warm-up entry: all had it after ${Math.round(warm.all)} ms)`;
    console.log(`\n${heading}\n`);
    console.log('| entries | p50 | p99 | max (all have it) | deliveries | subscribers missing an entry | subscribers out of order | server CPU | clients\' CPU |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      console.log(`| ${r.what} | ${r.p50} ms | ${r.p99} ms | ${r.max} ms | ${r.deliveries.toLocaleString('en')} of ${r.expected.toLocaleString('en')} | ${r.missed} | ${r.misordered} | ${r.serverCpuMs.toLocaleString('en')} ms | ${r.clientCpuMs.toLocaleString('en')} ms |`);
    }
    const failed = rows.filter((r) => r.missed || r.misordered || r.deliveries !== r.expected);
    if (errors) throw new Error(`${errors} subscriptions ended with an error`);
    if (failed.length) throw new Error(`entries missed or out of order: ${failed.map((r) => r.what).join('; ')}`);
  } finally {
    for (const { child } of children) child.send({ type: 'close' });
    await Promise.all(children.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on('exit', resolve)))));
    await khabar.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
