// Webhook throughput: E endpoints on a local receiver (its own process, verifying every signature with the
// `standardwebhooks` package and checking each endpoint's order), N article events committed at once, delivered by
// Khabar's webhook consumer on the delivery engine. Measures deliveries per second from the commit to the last one
// accepted, latency from an event's commit to its receipt (p50 / p99), attempts, and duplicates or reorderings (none
// allowed), then the same with a receiver that fails one first attempt in ten with a 503.
//
//   npm run bench:webhooks                               # 20 endpoints × 1,000 events, embedded PostgreSQL
//   npm run bench:webhooks -- --smoke                    # 4 × 50: exits non-zero unless each delivery arrived once, in order, verified
//   npm run bench:webhooks -- --endpoints 50 --events 2000
//   DATABASE_URL=postgres://… npm run bench:webhooks     # an existing (empty or Khabar) database instead
//
// Each endpoint gets its events one at a time in event order (its lane), so throughput grows with the endpoints and is
// bounded per endpoint by one round trip plus the engine's claim and its outcome's write.
import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { finish } from './outcome.mjs';
import { forkPeer } from './peer-process.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const children = new Set();
process.on('exit', () => {
  for (const proc of children) proc.kill();
});

if (process.argv[2] === '--receiver') await runReceiver();
else await finish(main);

/** The partner: answers 204 (or a 503 to one first attempt in `failEvery`), verifies every request, records its arrival. */
async function runReceiver() {
  const { Webhook } = await import('standardwebhooks');
  let verifiers = new Map();
  let failEvery = 0;
  let received = [];
  let unverified = 0;
  const seen = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const raw = Buffer.concat(chunks).toString('utf8');
      const endpoint = new URL(req.url, 'http://x').searchParams.get('e');
      const id = req.headers['webhook-id'];
      try {
        verifiers.get(endpoint).verify(raw, req.headers);
      } catch {
        unverified += 1;
      }
      const first = !seen.has(id);
      seen.add(id);
      if (failEvery > 0 && first && Math.random() < 1 / failEvery) {
        res.writeHead(503, { 'retry-after': '0' }).end();
        return;
      }
      const body = JSON.parse(raw);
      received.push({ endpoint, id, articleId: body.data.articleId, occurredAt: Date.parse(body.data.occurredAt), at });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', (message) => {
    if (message.type === 'secrets') {
      verifiers = new Map(Object.entries(message.secrets).map(([e, secret]) => [e, new Webhook(secret)]));
      process.send({ type: 'secrets' });
    } else if (message.type === 'phase') {
      failEvery = message.failEvery;
      received = [];
      unverified = 0;
      seen.clear();
      process.send({ type: 'phase' });
    } else if (message.type === 'count') {
      process.send({ type: 'count', count: received.length });
    } else if (message.type === 'stats') {
      process.send({ type: 'stats', received, unverified });
    }
  });
  process.send({ type: 'ready', url: `http://127.0.0.1:${server.address().port}/hooks` });
}

function child() {
  return forkPeer(fileURLToPath(import.meta.url), ['--receiver'], 'receiver', children);
}

async function main() {
  const { values } = parseArgs({ options: {
    endpoints: { type: 'string' }, events: { type: 'string' }, smoke: { type: 'boolean', default: false },
  } });
  const endpoints = Number(values.endpoints ?? (values.smoke ? 4 : 20));
  const events = Number(values.events ?? (values.smoke ? 50 : 1000));
  const { startKhabar } = await import(path.join(root, 'dist/src/app.js'));
  const { loadConfig } = await import(path.join(root, 'dist/src/config.js'));
  const { freePort } = await import(path.join(root, 'dist/scripts/free-port.js'));
  const { ARTICLE_EVENTS, ARTICLE_REGIONS } = await import(path.join(root, 'dist/src/modules/article/article.events.js'));

  const receiver = child();
  const { url } = await receiver.next('ready');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-webhooks-bench-'));
  const khabar = await startKhabar(loadConfig(process.env, {
    port: 0, host: '127.0.0.1', seed: 'none', logLevel: process.env.LOG_LEVEL || 'warn', dataDir, dbPoolSize: 12,
    embeddedPgPort: await freePort(),
    edge: { rateLimitPerIp: 0, rateLimitPerToken: 0, responseCache: false },
    webhooks: { enabled: true, allowPrivateTargets: true, pollMs: 200, retry: { baseDelayMs: 200, maxDelayMs: 2_000, maxAttempts: 20, maxRetryAfterMs: 2_000 } },
  }));
  let failed = false;
  try {
    const db = khabar.db;
    const admin = await khabar.contextDeps.tokens.sign('ADMIN', 'webhooks bench');
    const gql = (query, variables) => fetch(khabar.url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: JSON.stringify({ query, variables }),
    }).then((r) => r.json());
    await db.query('DELETE FROM webhook');
    const secrets = {};
    for (let e = 0; e < endpoints; e += 1) {
      const created = await gql('mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }',
        { input: { url: `${url}?e=${e}`, topics: ['ARTICLE'], description: `bench endpoint ${e}` } });
      if (created.errors) throw new Error(JSON.stringify(created.errors));
      secrets[e] = created.data.createWebhook.secret;
    }
    await receiver.ask({ type: 'secrets', secrets }, 'secrets');

    const rows = [];
    for (const [label, failEvery] of [['every receipt accepted', 0], ['1 first attempt in 10 refused (503)', 10]]) {
      await receiver.ask({ type: 'phase', failEvery }, 'phase');
      const ids = (await db.query(
        `INSERT INTO article (slug, title, body, lang, status, published_at)
         SELECT 'bench-webhooks-' || md5(random()::text || g), 'مقال للقياس رقم ' || g, '[]', 'ar', 'PUBLISHED', now()
         FROM generate_series(1, $1) g RETURNING id`, [events])).map((r) => r.id);
      const committedAt = Date.now();
      await db.transaction((tx) => ARTICLE_EVENTS.appendEach(tx, 'PUBLISHED', ids, ARTICLE_REGIONS));
      const expected = events * endpoints;
      const deadline = Date.now() + Math.max(120_000, expected * 20);
      for (;;) {
        const { count } = await receiver.ask({ type: 'count' }, 'count');
        if (count >= expected) break;
        if (Date.now() > deadline) throw new Error(`only ${count} of ${expected} deliveries arrived`);
        await sleep(50);
      }
      await sleep(300); // a late duplicate would show here
      const { received, unverified } = await receiver.ask({ type: 'stats' }, 'stats');
      const last = Math.max(...received.map((r) => r.at));
      const latencies = received.map((r) => r.at - r.occurredAt).sort((a, b) => a - b);
      const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
      const duplicates = received.length - new Set(received.map((r) => r.id)).size;
      const order = new Map(ids.map((id, i) => [Buffer.from(`Article:${id}`).toString('base64url'), i]));
      let reordered = 0;
      for (let e = 0; e < endpoints; e += 1) {
        const positions = received.filter((r) => r.endpoint === String(e)).map((r) => order.get(r.articleId));
        for (let i = 1; i < positions.length; i += 1) if (positions[i] < positions[i - 1]) reordered += 1;
      }
      const [{ attempts }] = await db.query(
        `SELECT coalesce(sum(attempts), 0)::int AS attempts FROM delivery_job WHERE consumer = 'webhooks' AND event_seq > (SELECT max(seq) - $1 FROM event_outbox)`, [events]);
      const seconds = (last - committedAt) / 1000;
      rows.push({ label, expected, received: received.length, seconds, rate: received.length / seconds, p50: at(0.5), p99: at(0.99), attempts, duplicates, reordered, unverified });
      if (received.length !== expected || duplicates || reordered || unverified) failed = true;
    }

    console.log(`\nWebhooks: ${endpoints} endpoints × ${events.toLocaleString('en')} article events on ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), Node ${process.version}, `
      + `${process.env.DATABASE_URL ? 'external' : 'embedded'} PostgreSQL\n`);
    console.log('| receiver | deliveries | commit → last accepted | deliveries /s | latency p50 / p99 | attempts | duplicates | out of order | unverified |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      console.log(`| ${r.label} | ${r.received.toLocaleString('en')} of ${r.expected.toLocaleString('en')} | ${r.seconds.toFixed(2)} s | ${Math.round(r.rate).toLocaleString('en')} `
        + `| ${r.p50} / ${r.p99} ms | ${r.attempts.toLocaleString('en')} | ${r.duplicates} | ${r.reordered} | ${r.unverified} |`);
    }
  } finally {
    await khabar.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}
