// Feeds benchmark: GET /feeds/… (latest, the busiest region with its sub-regions, person, section and tag, a language
// feed, each format) against `node dist/src/main.js` on the bench dataset, without and with the response cache.
// Prints a table of req/s, latency, SQL statements and bytes per document.
//
//   DATABASE_URL=postgres://…/khabar_bench npm run bench:feeds          # 10 connections, 5 s per feed
//   npm run bench:feeds -- --seconds 10 --connections 20
//   npm run bench:feeds -- --smoke     # the small bench dataset (on DATABASE_URL's server, else an embedded PostgreSQL),
//                                      # 0.5 s runs; exits non-zero on any failed request or a feed read in more than one statement
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { benchDatabaseUrl } from './dataset.mjs';
import { finish } from './outcome.mjs';
import { processCpuMs, startKhabarProcess } from './khabar-process.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: {
  seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '10' }, smoke: { type: 'boolean', default: false },
} });
const SMOKE = values.smoke;
const SECONDS = SMOKE ? 0.5 : Number(values.seconds);
const CONNECTIONS = SMOKE ? 2 : Number(values.connections);
const { freePort } = await import(path.join(ROOT, 'dist/scripts/free-port.js'));
let DATABASE_URL = process.env.DATABASE_URL;
if (!DATABASE_URL && !SMOKE) throw new Error('DATABASE_URL must name a Khabar database with content (e.g. the bench database)');
const failures = [];


/** One GET, read to its end: its milliseconds, status, bytes and statement count. */
function get(agent, target) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.get(target, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => { bytes += chunk.length; });
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode, bytes,
        statements: Number(res.headers['x-khabar-sql-statements'] ?? NaN), cache: res.headers['x-khabar-cache'] }));
    });
    req.on('error', () => resolve({ ms: 0, status: 0, bytes: 0, statements: NaN }));
  });
}

/** `connections` keep-alive clients GETting `path` back to back for `seconds`. */
async function load(url, path, seconds, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const results = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < deadline) results.push(await get(agent, `${url}${path}`));
  }));
  agent.destroy();
  const ok = results.filter((r) => r.status === 200);
  const latencies = ok.map((r) => r.ms).sort((a, b) => a - b);
  const at = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] * 10) / 10;
  return {
    requests: ok.length, errors: results.length - ok.length, p50ms: at(0.5), p99ms: at(0.99),
    statements: Math.max(...ok.map((r) => r.statements)), bytes: ok[0]?.bytes ?? 0,
    hits: ok.filter((r) => r.cache === 'HIT').length,
  };
}

/** The feeds measured, from the data: the busiest region (a region, so its provinces count), person, section and tag. */
async function feedsOf(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const one = async (sql) => (await client.query(sql)).rows[0]?.key;
  const region = await one(`SELECT r.code AS key FROM region r WHERE r.level = 'region' ORDER BY (
    SELECT count(*) FROM article_region ar JOIN region s ON s.code = ar.region_code WHERE s.path @> ARRAY[r.code]) DESC LIMIT 1`);
  const person = await one(`SELECT p.slug AS key FROM article_person ap JOIN person p ON p.id = ap.person_id GROUP BY p.slug ORDER BY count(*) DESC LIMIT 1`);
  const category = await one(`SELECT c.slug AS key FROM article a JOIN category c ON c.id = a.category_id GROUP BY c.slug ORDER BY count(*) DESC LIMIT 1`);
  const tag = await one(`SELECT t AS key FROM article, unnest(tags) t GROUP BY t ORDER BY count(*) DESC LIMIT 1`);
  const articles = Number((await client.query(`SELECT count(*) AS n FROM article WHERE status = 'PUBLISHED'`)).rows[0].n);
  await client.end();
  return {
    articles,
    paths: [
      '/feeds/latest.rss', '/feeds/latest.atom', '/feeds/latest.json', '/feeds/latest.rss?lang=ar',
      `/feeds/region/${region}.rss`, ...(person ? [`/feeds/person/${encodeURIComponent(person)}.rss`] : []),
      ...(category ? [`/feeds/category/${encodeURIComponent(category)}.rss`] : []),
      ...(tag ? [`/feeds/tag/${encodeURIComponent(tag)}.rss`] : []),
    ],
  };
}

async function run(label, env, paths) {
  const port = await freePort();
  const { child, url } = await startKhabarProcess({ port, databaseUrl: DATABASE_URL, env: { ...env, KHABAR_EXPOSE_SQL_COUNT: 'true' } });
  const rows = [];
  try {
    for (const path of paths) {
      await load(url, path, Math.min(SECONDS, 1), CONNECTIONS); // warm-up (plans, the cache)
      const result = await load(url, path, SECONDS, CONNECTIONS);
      if (result.errors) failures.push(`${label} ${path}: ${result.errors} failed requests`);
      if (!result.requests) failures.push(`${label} ${path}: no request answered`);
      if (env.RESPONSE_CACHE === 'false' && result.statements !== 1) failures.push(`${label} ${path}: ${result.statements} statements (expected 1)`);
      if (env.RESPONSE_CACHE === 'true' && !result.hits) failures.push(`${label} ${path}: the cache never hit`);
      rows.push({ label, path: decodeURIComponent(path), ...result, reqPerSec: Math.round(result.requests / SECONDS) });
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  return rows;
}

async function main() {
  DATABASE_URL = await benchDatabaseUrl({ url: DATABASE_URL, smoke: SMOKE, cleanups, freePort });
  const { articles, paths } = await feedsOf(DATABASE_URL);
  const rows = [
    ...await run('no cache', { RESPONSE_CACHE: 'false' }, paths),
    ...await run('response cache', { RESPONSE_CACHE: 'true' }, paths),
  ];
  console.log(`\nfeeds: ${articles} published articles, ${CONNECTIONS} connections, ${SECONDS} s per feed\n`);
  console.log('| feed | cache | req/s | p50 ms | p99 ms | SQL statements | KiB |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| \`${r.path}\` | ${r.label} | ${r.reqPerSec} | ${r.p50ms} | ${r.p99ms} | ${r.label === 'no cache' ? r.statements : 0} | ${(r.bytes / 1024).toFixed(1)} |`);
  }
  if (failures.length) throw new Error(`bench:feeds failed:\n  ${failures.join('\n  ')}`);
}

const cleanups = [];
await finish(main, async () => {
  while (cleanups.length) await cleanups.pop()();
});
