// Varnish benchmark: the breaking-news mix of bench:cache as a CDN sees it (GETs: the home query and the front-page
// list over GraphQL GET, article pages as HTML), through a real varnishd running docker/varnish.vcl in front of one
// Khabar that purges it (VARNISH_PURGE_URLS), against the same Khabar alone (its in-process response cache on).
// Every 2 s an editor pushes breaking news (purging every response holding the ticker) and edits the most read
// article (purging its page and the lists showing it). Reports req/s, latency, the hit ratio (Varnish's X-Cache;
// Khabar's x-khabar-cache alone), server CPU per request, and how long an edit takes to be visible through Varnish
// (from the mutation's answer to the first read that shows it).
//
//   DATABASE_URL=postgres://…/a_copy npm run bench:varnish     # 20 connections, 10 s per run; the bench edits articles:
//                                                              # never point it at a dataset others read (khabar_bench)
//   npm run bench:varnish -- --seconds 20 --connections 50      # without DATABASE_URL: the small bench dataset on an
//                                                              # embedded PostgreSQL of its own
//   npm run bench:varnish -- --smoke    # 1 s runs; exits non-zero on a failed request, a Varnish that never hits, or an
//                                       # edit not visible through Varnish within 10 s
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDatabaseUrl } from './dataset.mjs';
import { finish } from './outcome.mjs';
import { loadOptions, newestSlugs, percentiles } from './load-options.mjs';
import { processCpuMs, startKhabarProcess } from './khabar-process.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { smoke: SMOKE, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS } = loadOptions();
const EDIT_EVERY_MS = 2_000;
const { freePort } = await import(path.join(ROOT, 'dist/scripts/free-port.js'));
const { startVarnish } = await import(path.join(ROOT, 'dist/scripts/varnish.js'));
const SECRET = 'bench-varnish-secret-bench-varnish-secret';
const failures = [];

const Q1 = '{ articles(first: 20) { edges { node { slug title publishedAt regions { code nameAr } people { slug nameAr } } } } }';
const HOME = `query Home { tickers(first: 10) { headline urgency region { nameAr } article { slug } }
  articles(first: 30) { edges { node { slug title kicker publishedAt displayDate category { slug nameAr } regions { code nameAr } people { slug nameAr } } } } }`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const graphqlGet = (query) => `/graphql?${new URLSearchParams({ query })}`;
/** GraphQL GETs need a header a browser form cannot send (CSRF); a CDN's clients send it. */
const HEADERS = { 'apollo-require-preflight': '1' };

/** One GET, read to its end: its milliseconds and whether a cache answered it, or null on any status but 200. */
function get(agent, url) {
  return new Promise((resolve) => {
    const started = performance.now();
    http.get(url, { agent, headers: HEADERS }, (res) => {
      res.resume();
      const hit = (res.headers['x-cache'] ?? res.headers['x-khabar-cache']) === 'HIT';
      res.on('end', () => resolve(res.statusCode === 200 ? { ms: performance.now() - started, hit } : null));
    }).on('error', () => resolve(null));
  });
}

/** `connections` keep-alive clients GETting `next()` paths back to back for `seconds`. */
async function load(base, next, seconds, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let errors = 0;
  let hits = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (Date.now() < deadline) {
      const answer = await get(agent, `${base}${next()}`);
      if (!answer) errors += 1;
      else {
        latencies.push(answer.ms);
        if (answer.hit) hits += 1;
      }
    }
  }));
  agent.destroy();
  return { requests: latencies.length, errors, hits, ...percentiles(latencies) };
}

/** The mix: 40 % the home query, 20 % the front-page list, 40 % article pages, the most read ones more often. */
async function breakingNewsMix(databaseUrl) {
  const slugs = await newestSlugs(databaseUrl);
  let i = 0;
  return {
    slugs,
    next() {
      i += 1;
      if (i % 5 < 2) return graphqlGet(HOME);
      if (i % 5 === 2) return graphqlGet(Q1);
      return `/article/${encodeURIComponent(slugs[Math.floor(Math.random() ** 2 * slugs.length)])}`;
    },
  };
}

/** An editor at work every EDIT_EVERY_MS: a breaking item, and a new title for the most read article; edit → visible times through `readBase`. */
function editor(khabarUrl, readBase, slug) {
  const token = execFileSync(process.execPath, ['dist/src/cli/token.js', '--role', 'editor'], {
    cwd: ROOT, env: { ...process.env, JWT_SECRET: SECRET },
  }).toString().trim();
  const gql = async (query, variables) => {
    const res = await fetch(`${khabarUrl}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const visibleAfterMs = [];
  let n = 0;
  const editOnce = async () => {
    n += 1;
    try {
      await gql('mutation($i: PushBreakingNewsInput!) { pushBreakingNews(input: $i) { id } }', { i: { headline: `عاجل: اختبار الضغط رقم ${n}`, urgency: 2 } });
      const { article } = await gql('query($slug: String!) { article(slug: $slug) { id version title } }', { slug });
      const title = `${article.title.replace(/ \(\d+\)$/, '')} (${n})`;
      await gql('mutation($id: ID!, $v: Int!, $t: String!) { updateArticle(id: $id, expectedVersion: $v, input: { title: $t }) { id } }', { id: article.id, v: article.version, t: title });
      const edited = performance.now();
      const page = `${readBase}/article/${encodeURIComponent(slug)}`;
      for (;;) {
        const body = await (await fetch(page)).text();
        if (body.includes(`(${n})`)) break;
        if (performance.now() - edited > 10_000) {
          failures.push(`edit ${n} not visible through ${readBase} after 10 s`);
          break;
        }
        await sleep(5);
      }
      visibleAfterMs.push(performance.now() - edited);
    } catch (error) {
      failures.push(`editor: ${error.message}`);
    }
  };
  // The first edit at once (a smoke run lasts a second), then one every EDIT_EVERY_MS.
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await editOnce();
      while (running && performance.now() - started < EDIT_EVERY_MS) await sleep(20);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
    visible: () => {
      const sorted = [...visibleAfterMs].sort((a, b) => a - b);
      return sorted.length ? { edits: sorted.length, p50ms: Math.round(sorted[Math.floor(sorted.length / 2)]), maxMs: Math.round(sorted.at(-1)) } : null;
    },
  };
}

async function run(label, databaseUrl, { varnish }) {
  const port = await freePort();
  const cache = varnish ? await startVarnish({ host: '127.0.0.1', port }) : null;
  const { child, url } = await startKhabarProcess({
    port, databaseUrl, env: { JWT_SECRET: SECRET, RESPONSE_CACHE: 'true', ...(cache ? { VARNISH_PURGE_URLS: cache.url } : {}) },
  });
  const readBase = cache ? cache.url : url;
  try {
    const mix = await breakingNewsMix(databaseUrl);
    await load(readBase, mix.next, WARMUP_SECONDS, CONNECTIONS);
    const edits = editor(url, readBase, mix.slugs[0]);
    const cpu = processCpuMs(child.pid);
    const result = await load(readBase, mix.next, SECONDS, CONNECTIONS);
    const cpuUsed = processCpuMs(child.pid) - cpu;
    await edits.stop();
    if (result.errors) failures.push(`${label}: ${result.errors} failed requests`);
    if (!result.requests) failures.push(`${label}: no request answered`);
    if (varnish && !result.hits) failures.push(`${label}: Varnish never hit`);
    const visible = edits.visible();
    if (varnish && !visible) failures.push(`${label}: no edit was made and read back`);
    console.log(JSON.stringify({
      label, reqPerSec: Math.round(result.requests / SECONDS), p50ms: result.p50ms, p99ms: result.p99ms, errors: result.errors,
      hitRatio: result.requests ? Math.round((result.hits / result.requests) * 10000) / 10000 : null,
      khabarCpuMsPerRequest: Math.round((cpuUsed / result.requests) * 1000) / 1000,
      editVisibleAfter: visible,
    }));
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await cache?.stop();
  }
}

async function main() {
  const databaseUrl = await benchDatabaseUrl({ url: process.env.DATABASE_URL, smoke: SMOKE, cleanups, freePort });
  await run('breaking-news mix, Khabar alone (in-process cache)', databaseUrl, { varnish: false });
  await run('breaking-news mix, Varnish in front', databaseUrl, { varnish: true });
  if (failures.length) throw new Error(`bench:varnish failed:\n  ${failures.join('\n  ')}`);
}

const cleanups = [];
await finish(main, async () => {
  while (cleanups.length) await cleanups.pop()();
});
