// Response-cache benchmark: the front-page query (bench Q1) and a breaking-news mix, each without and with the
// response cache (in-process, and Redis when REDIS_URL is set), against `node dist/src/main.js` on an existing
// Khabar database. Reports req/s, latency, server CPU per request and the cache hit ratio.
//
//   DATABASE_URL=postgres://…/khabar_bench npm run bench:cache          # 20 connections, 10 s per run
//   DATABASE_URL=… REDIS_URL=redis://127.0.0.1:6379 npm run bench:cache -- --seconds 20 --connections 50
//   npm run bench:cache -- --smoke      # the small bench dataset (on DATABASE_URL's server, else an embedded PostgreSQL),
//                                       # 1 s runs: seconds; exits non-zero on any failed request or a cache that never hits
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDatabaseUrl } from './dataset.mjs';
import { finish } from './outcome.mjs';
import { loadOptions, newestSlugs, percentiles } from './load-options.mjs';
import { processCpuMs, startKhabarProcess } from './khabar-process.mjs';
import { timedRequest } from './timed-request.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { smoke: SMOKE, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS } = loadOptions();
const { freePort } = await import(path.join(ROOT, 'dist/scripts/free-port.js'));
let DATABASE_URL = process.env.DATABASE_URL;
if (!DATABASE_URL && !SMOKE) throw new Error('DATABASE_URL must name a Khabar database with content (e.g. the bench database)');
const failures = [];
const SECRET = 'bench-cache-secret-bench-cache-secret';

const Q1 = '{ articles(first: 20) { edges { node { slug title publishedAt regions { code nameAr } people { slug nameAr } } } } }';
const HOME = `query Home { tickers(first: 10) { headline urgency region { nameAr } article { slug } }
  articles(first: 30) { edges { node { slug title kicker publishedAt displayDate category { slug nameAr } regions { code nameAr } people { slug nameAr } } } } }`;
const PAGE = 'query Page($slug: String!) { article(slug: $slug) { title summary body { type text } publishedAt regions { nameAr } people { nameAr } } }';



/** `connections` keep-alive clients POSTing `next()` bodies back to back for `seconds`. */
async function load(url, next, seconds, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const post = async (body) => {
    const ms = await timedRequest(agent, `${url}/graphql`, body);
    if (ms === null) errors += 1;
    else latencies.push(ms);
  };
  await Promise.all(Array.from({ length: connections }, async () => {
    while (Date.now() < deadline) await post(next());
  }));
  agent.destroy();
  return { requests: latencies.length, errors, ...percentiles(latencies) };
}

async function cacheLookups(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const count = (result) => Number(new RegExp(`khabar_response_cache_lookups_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { hit: count('hit'), miss: count('miss') };
}

async function run(label, env, workload) {
  const port = await freePort();
  const { child, url } = await startKhabarProcess({ port, databaseUrl: DATABASE_URL, env: { ...env, JWT_SECRET: SECRET } });
  try {
    const stop = await workload.before?.(url);
    await load(url, workload.next, WARMUP_SECONDS, CONNECTIONS); // warm-up
    const lookups = await cacheLookups(url);
    const cpu = processCpuMs(child.pid);
    const result = await load(url, workload.next, SECONDS, CONNECTIONS);
    const cpuUsed = processCpuMs(child.pid) - cpu;
    stop?.();
    const after = await cacheLookups(url);
    const hits = after.hit - lookups.hit;
    const misses = after.miss - lookups.miss;
    if (result.errors) failures.push(`${label}: ${result.errors} failed requests`);
    if (!result.requests) failures.push(`${label}: no request answered`);
    if (env.RESPONSE_CACHE === 'true' && !hits) failures.push(`${label}: the cache never hit`);
    console.log(JSON.stringify({
      label, reqPerSec: Math.round(result.requests / SECONDS), p50ms: result.p50ms, p99ms: result.p99ms, errors: result.errors,
      cpuMsPerRequest: Math.round((cpuUsed / result.requests) * 1000) / 1000,
      hitRatio: hits + misses ? Math.round((hits / (hits + misses)) * 10000) / 10000 : null,
    }));
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const front = { next: () => JSON.stringify({ query: Q1 }) };

async function breakingNewsMix() {
  const slugs = await newestSlugs(DATABASE_URL);
  let i = 0;
  return {
    // 40 % home page (with the ticker), 20 % front-page list, 40 % article pages, popular ones more often.
    next() {
      i += 1;
      if (i % 5 < 2) return JSON.stringify({ query: HOME });
      if (i % 5 === 2) return JSON.stringify({ query: Q1 });
      return JSON.stringify({ query: PAGE, variables: { slug: slugs[Math.floor(Math.random() ** 2 * slugs.length)] } });
    },
    // An editor pushes a breaking item every 2 s: each push purges every response that holds the ticker.
    async before(url) {
      const token = execFileSync(process.execPath, ['dist/src/cli/token.js', '--role', 'editor'], {
        cwd: ROOT, env: { ...process.env, JWT_SECRET: SECRET },
      }).toString().trim();
      let n = 0;
      const timer = setInterval(() => {
        n += 1;
        fetch(`${url}/graphql`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: 'mutation($i: PushBreakingNewsInput!) { pushBreakingNews(input: $i) { id } }', variables: { i: { headline: `عاجل: اختبار الضغط رقم ${n}`, urgency: 2 } } }),
        }).catch(() => undefined);
      }, 2000);
      return () => clearInterval(timer);
    },
  };
}

async function main() {
  DATABASE_URL = await benchDatabaseUrl({ url: DATABASE_URL, smoke: SMOKE, cleanups, freePort });
  const caches = [['no cache', { RESPONSE_CACHE: 'false' }], ['in-process cache', { RESPONSE_CACHE: 'true' }]];
  if (process.env.REDIS_URL) caches.push(['Redis cache', { RESPONSE_CACHE: 'true', REDIS_KEY_PREFIX: `bench-cache-${process.pid}:` }]);
  for (const [name, env] of caches) await run(`Q1, ${name}`, env, front);
  for (const [name, env] of caches) await run(`breaking-news mix, ${name}`, env, await breakingNewsMix());
  if (failures.length) throw new Error(`bench:cache failed:\n  ${failures.join('\n  ')}`);
}

const cleanups = [];
await finish(main, async () => {
  while (cleanups.length) await cleanups.pop()();
});
