// Pages benchmark: the server-rendered article pages, list pages (front page, a region's) and sitemaps (the index,
// a day's, Google News's) with GET, without and with the response cache, against `node dist/src/main.js` on an
// existing Khabar database. Reports req/s, p50/p99 latency and server CPU per request for each document.
//
//   DATABASE_URL=postgres://…/khabar_bench npm run bench:pages        # 10 connections, 10 s per run
//   npm run bench:pages -- --seconds 20 --connections 20
//   npm run bench:pages -- --smoke    # the small bench dataset (on DATABASE_URL's server, else an embedded PostgreSQL),
//                                     # 1 s runs; exits non-zero on any failed request or a document that is not served
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benchDatabaseUrl } from './dataset.mjs';
import { finish } from './outcome.mjs';
import { processCpuMs, startKhabarProcess } from './khabar-process.mjs';
import { timedRequest } from './timed-request.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: {
  seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' }, smoke: { type: 'boolean', default: false },
} });
const SMOKE = values.smoke;
const SECONDS = SMOKE ? 1 : Number(values.seconds);
const WARMUP_SECONDS = SMOKE ? 0.5 : 2;
const CONNECTIONS = SMOKE ? 2 : Number(values.connections);
const { freePort } = await import(path.join(ROOT, 'dist/scripts/free-port.js'));
const { sitePaths } = await import(path.join(ROOT, 'dist/src/shared/site-paths.js'));
let DATABASE_URL = process.env.DATABASE_URL;
if (!DATABASE_URL && !SMOKE) throw new Error('DATABASE_URL must name a Khabar database with content (e.g. the bench database)');
const failures = [];



/** `connections` keep-alive clients GETting `next()` paths back to back for `seconds`. */
async function load(url, next, seconds, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (Date.now() < deadline) {
      const ms = await timedRequest(agent, `${url}${next()}`);
      if (ms === null) errors += 1;
      else latencies.push(ms);
    }
  }));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] * 10) / 10;
  return { requests: latencies.length, errors, p50ms: at(0.5), p99ms: at(0.99) };
}

/** The documents measured: each a label and the paths it cycles through (article pages: 200 recent slugs). */
async function documents() {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const slugs = (await client.query(`SELECT slug FROM article WHERE status = 'PUBLISHED' AND published_at <= now() ORDER BY published_at DESC LIMIT 200`)).rows.map((r) => r.slug);
  const [{ day }] = (await client.query(`SELECT to_char(max(published_at) AT TIME ZONE 'Africa/Casablanca', 'YYYY-MM-DD') AS day FROM article WHERE status = 'PUBLISHED' AND published_at <= now()`)).rows;
  const [{ code }] = (await client.query(`SELECT region_code AS code FROM article_region GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`)).rows;
  await client.end();
  if (!slugs.length) throw new Error('the database has no published article');
  let i = 0;
  return [
    ['article page', () => sitePaths.article(slugs[(i += 1) % slugs.length])],
    ['front page', () => '/'],
    ['region page', () => sitePaths.region(code)],
    ['sitemap index', () => '/sitemap.xml'],
    [`day sitemap (${day})`, () => `/sitemaps/${day}.xml`],
    ['news sitemap', () => '/sitemap-news.xml'],
  ];
}

async function run(cacheLabel, env, docs) {
  const port = await freePort();
  const { child, url } = await startKhabarProcess({ port, databaseUrl: DATABASE_URL, env: { ...env, KHABAR_EXPOSE_SQL_COUNT: 'true' } });
  try {
    for (const [label, next] of docs) {
      const first = await fetch(`${url}${next()}`);
      const statements = first.headers.get('x-khabar-sql-statements');
      const bytes = (await first.text()).length;
      if (first.status !== 200) failures.push(`${label}: HTTP ${first.status}`);
      await load(url, next, WARMUP_SECONDS, CONNECTIONS);
      const cpu = processCpuMs(child.pid);
      const result = await load(url, next, SECONDS, CONNECTIONS);
      const cpuUsed = processCpuMs(child.pid) - cpu;
      if (result.errors) failures.push(`${label}, ${cacheLabel}: ${result.errors} failed requests`);
      if (!result.requests) failures.push(`${label}, ${cacheLabel}: no request answered`);
      console.log(JSON.stringify({
        document: label, cache: cacheLabel, reqPerSec: Math.round(result.requests / SECONDS), p50ms: result.p50ms, p99ms: result.p99ms,
        errors: result.errors, cpuMsPerRequest: Math.round((cpuUsed / Math.max(1, result.requests)) * 1000) / 1000, statements: Number(statements), bytes,
      }));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function main() {
  DATABASE_URL = await benchDatabaseUrl({ url: DATABASE_URL, smoke: SMOKE, cleanups, freePort });
  const docs = await documents();
  for (const [label, env] of [['no cache', { RESPONSE_CACHE: 'false' }], ['in-process cache', { RESPONSE_CACHE: 'true' }]]) await run(label, env, docs);
  if (failures.length) throw new Error(`bench:pages failed:\n  ${failures.join('\n  ')}`);
}

const cleanups = [];
await finish(main, async () => {
  while (cleanups.length) await cleanups.pop()();
});
