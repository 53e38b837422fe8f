// Soak benchmark: one Khabar under a steady newsroom mix for N minutes, sampled every 10 s.
//
//   npm run bench:soak -- --minutes 30            # the full soak (about 32 minutes with set-up and the final checks)
//   npm run bench:soak -- --minutes 1             # everything but the trend verdict (too short to judge)
//   npm run bench:soak -- --smoke                 # what bench:smoke runs: a minute with 100 subscribers and 15 devices
//   npm run bench:soak -- --minutes 30 --subscribers 1000 --reads 20 --devices 150
//
// The load, each part in its own process so that only Khabar's own memory is measured (Khabar runs in this one):
// - readers: an open loop of `--reads` requests a second (front page, article pages, region and person feeds, the
//   ticker, Arabic searches), as readers ask whatever the answers take;
// - an editor: a story every 10 s (create a draft, edit it, publish it, push a breaking-news item linked to it, every
//   third story a correction, every fifth a publication scheduled 30 s ahead for the scheduler, every fourth ticker
//   killed a minute later);
// - phones: `--devices` devices registered through the API with the local Web Push, FCM and APNs peers
//   (test/support/push-peers), one registered and the oldest unregistered every 10 s; every push goes to all of them;
// - `--subscribers` graphql-ws subscribers of `breakingNews`, two a second dropping and resuming with `after` their
//   last cursor, as phones do.
// Before the clock starts, the editor's mix fills the live event window (1,024 events) so that bounded structures are
// at their bound, and the first sixth of the run (at least a minute) is warm-up.
//
// Every 10 s: RSS, JS heap after a full collection, event-loop delay (p50, p99, max over the interval), open handles
// (libuv resources), database connections (pg_stat_activity), and the load served. At the end: every subscriber must
// have every breaking-news event once and in order, every notification must have reached its peer, no request may have
// failed (503 DATABASE_UNAVAILABLE and REQUEST_TIMEOUT, the documented answers of an overloaded instance, are counted
// apart as shed) and nothing may have been logged at error level. Then the trends, over the samples after warm-up: the heap's
// least-squares slope must stay under 1 MiB per 10 minutes, and RSS, event-loop delay p99, open handles and database
// connections must not trend up (median of the last third against the first third, within a tolerance printed with
// the verdict). Runs whose measured part is under 10 minutes print the trends but are too short to judge them.
// Exit 0 when every check passed. Needs `npm run build` and `tsc -p tsconfig.json` (the npm script does both).
import 'reflect-metadata';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const SAMPLE_MS = 10_000;
const STORY_MS = 10_000;
const BREAKING = 'subscription($after: String) { breakingNews(after: $after) { cursor kind ticker { id headline urgency status } } }';
const Q = Object.fromEntries(['Q1', 'Q2', 'Q3', 'Q4'].map((q) => [q, fs.readFileSync(path.join(root, `bench/queries/khabar/${q}.graphql`), 'utf8')]));
const SEARCHES = ['وزيره الاسره', 'الحسيمة', 'الانتخابات', 'مدرسه', 'Rabat', 'الماء', 'الرباط', 'اقتصاد المغرب', 'الجهة', 'كرة القدم'];
const children = new Set();
process.on('exit', () => {
  for (const proc of children) proc.kill();
});

const role = process.argv[2];
if (role === '--as-peers') await runPeers();
else if (role === '--as-load') await runLoad(JSON.parse(process.argv[3]));
else if (role === '--as-subscribers') await runSubscribers(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else await main();

// ---------------------------------------------------------------------------------------------------------------------
// Child processes

/** The three push services (test/support/push-peers) in one process, driven over IPC. */
async function runPeers() {
  const { startWebPushReceiver } = await import(path.join(root, 'dist/test/support/push-peers/web-push-receiver.js'));
  const { startApnsServer } = await import(path.join(root, 'dist/test/support/push-peers/apns-server.js'));
  const { startFcmServer } = await import(path.join(root, 'dist/test/support/push-peers/fcm-server.js'));
  const { makeTestCertificate } = await import(path.join(root, 'dist/test/support/push-peers/tls.js'));
  const certificate = makeTestCertificate();
  const [web, apns, fcm] = await Promise.all([startWebPushReceiver({ certificate }), startApnsServer({ certificate }), startFcmServer({ certificate })]);
  web.verifyEvery = 10;
  const all = { web, apns, fcm };
  process.on('message', async (message) => {
    if (message.type === 'address') {
      const address = message.platform === 'WEB' ? { webPush: web.subscribe(message.vapidPublicKey) }
        : message.platform === 'IOS' ? { token: apns.newDeviceToken() } : { token: fcm.newRegistrationToken() };
      process.send({ type: 'address', id: message.id, address });
    } else if (message.type === 'stats') {
      const received = web.received.length + apns.received.length + fcm.received.length;
      const refused = [...web.refused, ...apns.refused, ...fcm.refused];
      process.send({ type: 'stats', received, refused: refused.length, refusedSample: refused.slice(0, 3) });
    } else if (message.type === 'stop') {
      await Promise.all(Object.values(all).map((s) => s.stop()));
      process.exit(0);
    }
  });
  process.send({ type: 'started', certificate, web: { origin: web.origin }, apns: { origin: apns.origin, credentials: apns.credentials },
    fcm: { origin: fcm.origin, account: fcm.account } });
}

/** Readers, the editor and the phones' registrations: requests over HTTP, counted per sampling interval. */
async function runLoad(setup) {
  const { url, token, slugs, people, regions, vapidPublicKey, reads } = setup;
  let stats = freshStats();
  let totals = { reads: 0, readErrors: 0, writes: 0, writeErrors: 0, shed: 0, errorSample: [] };
  let running = true;
  let phase = 'prefill';
  let timers = [];
  const pending = new Set();
  const track = (promise) => { pending.add(promise); promise.finally(() => pending.delete(promise)); return promise; };
  const gql = async (query, variables, auth) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify({ query, variables }) });
    const body = await response.json();
    if (response.status === 503 && body.errors?.length && body.errors.every((e) => SHED_CODES.has(e.extensions?.code))) throw new Shed();
    if (!response.ok || body.errors || !body.data) throw new Error(`${response.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
    return body.data;
  };
  const noteError = (kind, error) => {
    if (error instanceof Shed) {
      stats.shed += 1;
      totals.shed += 1;
      return;
    }
    if (totals.errorSample.length < 5) totals.errorSample.push(`${kind}: ${String(error?.message ?? error).slice(0, 300)}`);
  };
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  const read = () => {
    const r = Math.random();
    const [query, variables] = r < 0.25 ? [Q.Q1, {}] : r < 0.5 ? [Q.Q2, { slug: pick(slugs) }] : r < 0.6 ? [Q.Q3, { code: pick(regions) }]
      : r < 0.7 ? [Q.Q4, { slug: pick(people) }] : r < 0.9 ? ['query($q: String!) { search(query: $q, first: 10) { edges { highlight node { slug title } } } }', { q: pick(SEARCHES) }]
        : ['{ tickers { id headline urgency article { slug title } } }', {}];
    const start = performance.now();
    track(gql(query, variables).then(() => { stats.reads += 1; totals.reads += 1; }, (error) => {
      if (!(error instanceof Shed)) { stats.readErrors += 1; totals.readErrors += 1; }
      noteError('read', error);
    }).finally(() => stats.latencies.push(performance.now() - start)));
  };
  const write = async (query, variables) => {
    try {
      const data = await gql(query, variables, token);
      stats.writes += 1;
      totals.writes += 1;
      return data;
    } catch (error) {
      if (!(error instanceof Shed)) {
        stats.writeErrors += 1;
        totals.writeErrors += 1;
      }
      noteError('write', error);
      return null;
    }
  };

  let story = 0;
  const tickersToKill = [];
  /** One story, as an editor writes it: each step a mutation, `gap` ms apart. */
  const writeStory = async (gap) => {
    story += 1;
    const n = story;
    const created = await write(`mutation($i: CreateArticleInput!) { createArticle(input: $i) { id version } }`, { i: {
      title: `تقرير رقم ${n}: مجلس جهة ${pick(['الرباط', 'فاس', 'مراكش', 'طنجة'])} يصادق على برنامج جديد للماء`,
      summary: `ملخص التقرير ${n} حول برنامج الماء والتنمية.`,
      body: [{ type: 'PARAGRAPH', text: `صادق المجلس في دورته العادية على البرنامج رقم ${n}. `.repeat(8) }, { type: 'HEADING', text: 'التفاصيل' },
        { type: 'PARAGRAPH', text: 'يشمل البرنامج بناء سدود صغيرة وتأهيل شبكات التوزيع في الجماعات القروية. '.repeat(6) }],
      regionCodes: [pick(regions)], personSlugs: [pick(people)], categorySlug: pick(['politique', 'societe', 'economie']), tags: ['الماء', `برنامج ${n % 7}`],
    } });
    if (!created) return;
    const { id } = created.createArticle;
    await sleep(gap);
    const updated = await write(`mutation($id: ID!, $v: Int!, $i: UpdateArticleInput!) { updateArticle(id: $id, expectedVersion: $v, input: $i) { version } }`,
      { id, v: created.createArticle.version, i: { kicker: `عاجل ${n}`, summary: `ملخص محين للتقرير ${n}.` } });
    if (!updated) return;
    await sleep(gap);
    const scheduled = n % 5 === 0;
    const published = await write(`mutation($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { version } }`,
      { id, at: scheduled ? new Date(Date.now() + 30_000).toISOString() : null });
    if (!published) return;
    await sleep(gap);
    const pushed = await write(`mutation($i: PushBreakingNewsInput!) { pushBreakingNews(input: $i) { id } }`, { i: {
      headline: `عاجل: المجلس يصادق على البرنامج رقم ${n}`, urgency: 1 + (n % 3), articleId: scheduled ? null : id,
    } });
    if (pushed && n % 4 === 0) tickersToKill.push({ id: pushed.pushBreakingNews.id, at: Date.now() + 60_000 });
    if (n % 3 === 0 && !scheduled) {
      await sleep(gap);
      await write(`mutation($id: ID!, $v: Int!) { correctArticle(id: $id, expectedVersion: $v, input: { summary: "ملخص مصحح." }, note: "صُحّح الملخص.") { version } }`,
        { id, v: published.publishArticle.version });
    }
  };

  const devices = [];
  let deviceCount = 0;
  const addressRequests = new Map();
  process.on('message', (message) => {
    if (message.type === 'address') addressRequests.get(message.id)?.(message.address);
  });
  const newAddress = (platform) => new Promise((resolve) => {
    const id = `${platform}-${deviceCount += 1}`;
    addressRequests.set(id, resolve);
    process.send({ type: 'address', id, platform, vapidPublicKey });
  });
  const register = async () => {
    const platform = ['WEB', 'ANDROID', 'IOS'][devices.length % 3];
    const address = await newAddress(platform);
    const data = await write('mutation($i: RegisterDeviceInput!) { registerDevice(input: $i) { id secret } }', { i: { platform, ...address, locale: Math.random() < 0.2 ? 'fr' : 'ar' } });
    if (data) devices.push(data.registerDevice);
  };
  const unregisterOldest = async () => {
    const device = devices.shift();
    if (device) await write('mutation($id: ID!, $s: String!) { unregisterDevice(id: $id, secret: $s) }', { id: device.id, s: device.secret });
  };

  process.on('message', async (message) => {
    if (message.type === 'prefill') {
      // Fill the event window fast: stories back to back, several at once, no devices yet.
      await Promise.all(Array.from({ length: 6 }, async () => {
        for (let i = 0; i < Math.ceil(message.stories / 6); i += 1) await writeStory(0);
      }));
      process.send({ type: 'prefilled' });
    } else if (message.type === 'devices') {
      for (let i = 0; i < message.count; i += 10) await Promise.all(Array.from({ length: Math.min(10, message.count - i) }, register));
      process.send({ type: 'devices-ready', count: devices.length });
    } else if (message.type === 'start') {
      phase = 'steady';
      stats = freshStats();
      totals = { ...totals, reads: 0, readErrors: 0, writes: 0, writeErrors: 0, shed: 0 };
      const readTimer = setInterval(read, 1000 / reads);
      const storyTimer = setInterval(() => track(writeStory(STORY_MS / 5)), STORY_MS);
      const deviceTimer = setInterval(() => track(register().then(unregisterOldest)), 10_000);
      const killTimer = setInterval(() => {
        while (tickersToKill.length && tickersToKill[0].at <= Date.now()) {
          const { id } = tickersToKill.shift();
          track(write('mutation($id: ID!) { killTicker(id: $id) { status } }', { id }));
        }
      }, 1000);
      timers = [readTimer, storyTimer, deviceTimer, killTimer];
    } else if (message.type === 'stop') {
      running = false;
      for (const timer of timers) clearInterval(timer);
      while (pending.size) await Promise.allSettled([...pending]);
      process.send({ type: 'stopped', totals, devices: devices.length });
    } else if (message.type === 'sample') {
      const latencies = stats.latencies.sort((a, b) => a - b);
      const p = (q) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]) : 0);
      process.send({ type: 'sample', reads: stats.reads, readErrors: stats.readErrors, writes: stats.writes, writeErrors: stats.writeErrors, shed: stats.shed, p50: p(0.5), p99: p(0.99), running, phase });
      stats = freshStats();
    } else if (message.type === 'exit') {
      process.exit(0);
    }
  });
  process.send({ type: 'ready' });
}

function freshStats() {
  return { reads: 0, readErrors: 0, writes: 0, writeErrors: 0, shed: 0, latencies: [] };
}

/**
 * A request answered 503 with an overload code: DATABASE_UNAVAILABLE (no connection to be had within 5 s) or
 * REQUEST_TIMEOUT (still running after REQUEST_TIMEOUT_MS). Load shed as documented, counted apart from failures.
 */
class Shed extends Error {}
const SHED_CODES = new Set(['DATABASE_UNAVAILABLE', 'REQUEST_TIMEOUT']);

/** `count` subscribers of breakingNews; `churnPerSecond` of them drop and resume with their last cursor each second. */
async function runSubscribers(url, count, churnPerSecond) {
  const WebSocket = (await import('ws')).default;
  const { createClient } = await import('graphql-ws');
  const seqOf = (cursor) => JSON.parse(Buffer.from(cursor, 'base64url').toString())[1];
  let errors = 0;
  const errorSample = [];
  let resumes = 0;
  const subscribers = Array.from({ length: count }, () => ({ seqs: [], cursor: null, client: null, connected: false }));
  const connect = (s) => {
    const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 20, shouldRetry: () => true,
      on: { connected: () => { s.connected = true; } },
      onNonLazyError: (error) => { errors += 1; if (errorSample.length < 5) errorSample.push(String(error?.code ?? error)); } });
    s.client = client;
    client.subscribe({ query: BREAKING, variables: { after: s.cursor } }, {
      next: ({ data, errors: errs }) => {
        // A phone that dropped its connection handles nothing more from it: it resumes from the last event it handled.
        if (s.client !== client) return;
        if (errs) { errors += 1; if (errorSample.length < 5) errorSample.push(JSON.stringify(errs).slice(0, 200)); return; }
        s.cursor = data.breakingNews.cursor;
        s.seqs.push(seqOf(s.cursor));
      },
      error: (error) => { errors += 1; if (errorSample.length < 5) errorSample.push(String(error?.message ?? error?.reason ?? error)); },
      complete: () => undefined,
    });
  };
  for (const [i, s] of subscribers.entries()) {
    connect(s);
    if (i % 250 === 249) await sleep(20);
  }
  while (subscribers.some((s) => !s.connected)) await sleep(50);
  // A subscription is live once connected and subscribed; give the last ones a moment to be registered by the server.
  await sleep(1000);
  let churn = null;
  process.on('message', async (message) => {
    if (message.type === 'churn') {
      churn = setInterval(() => {
        for (let i = 0; i < churnPerSecond; i += 1) {
          const s = subscribers[Math.floor(Math.random() * subscribers.length)];
          if (!s.cursor) continue; // a phone that has seen nothing yet has nothing to resume from
          const old = s.client;
          resumes += 1;
          void old.dispose();
          connect(s);
        }
      }, 1000);
    } else if (message.type === 'check') {
      clearInterval(churn);
      const expected = message.seqs;
      const last = expected[expected.length - 1];
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && subscribers.some((s) => s.seqs[s.seqs.length - 1] !== last)) await sleep(200);
      let missing = 0; let duplicated = 0; let outOfOrder = 0; let extra = 0;
      const wanted = new Set(expected);
      for (const s of subscribers) {
        const seen = new Set();
        for (const [i, seq] of s.seqs.entries()) {
          if (seen.has(seq)) duplicated += 1;
          if (i > 0 && seq <= s.seqs[i - 1]) outOfOrder += 1;
          if (!wanted.has(seq)) extra += 1;
          seen.add(seq);
        }
        for (const seq of expected) if (!seen.has(seq)) missing += 1;
      }
      process.send({ type: 'checked', missing, duplicated, outOfOrder, extra, errors, errorSample, resumes, delivered: subscribers.reduce((n, s) => n + s.seqs.length, 0) });
    } else if (message.type === 'exit') {
      await Promise.all(subscribers.map((s) => s.client.dispose()));
      process.exit(0);
    }
  });
  process.send({ type: 'connected' });
}

// ---------------------------------------------------------------------------------------------------------------------
// The parent: Khabar, the samples, the verdict

function child(args, name) {
  const proc = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(proc);
  const inbox = [];
  const handlers = [];
  proc.on('message', (message) => {
    const handler = handlers.find((h) => h.type === message.type);
    if (handler) handler.fn(message);
    else inbox.push(message);
  });
  const next = async (type, timeoutMs = 600_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = inbox.findIndex((m) => m.type === type);
      if (index >= 0) return inbox.splice(index, 1)[0];
      if (proc.exitCode !== null) throw new Error(`the ${name} process exited (${proc.exitCode})`);
      if (Date.now() > deadline) throw new Error(`the ${name} process sent no ${type} in ${timeoutMs / 1000} s`);
      await sleep(5);
    }
  };
  return { proc, next, on: (type, fn) => handlers.push({ type, fn }), ask: (message, answer, timeoutMs) => { proc.send(message); return next(answer, timeoutMs); } };
}

async function main() {
  const { values } = parseArgs({ options: {
    minutes: { type: 'string', default: '30' }, subscribers: { type: 'string', default: '1000' }, reads: { type: 'string', default: '20' },
    devices: { type: 'string', default: '150' }, churn: { type: 'string', default: '2' }, smoke: { type: 'boolean', default: false },
  } });
  // A smoke run (bench:smoke): a minute, 100 subscribers, 15 devices, the event window not filled first.
  if (values.smoke) Object.assign(values, { minutes: '1', subscribers: '100', devices: '15' });
  const minutes = Number(values.minutes);
  const subscriberCount = Number(values.subscribers);
  const durationMs = minutes * 60_000;
  const warmupMs = Math.max(60_000, durationMs / 6);
  const { startKhabar } = await import(path.join(root, 'dist/src/app.js'));
  const { loadConfig } = await import(path.join(root, 'dist/src/config.js'));
  const { generateVapidKeys } = await import(path.join(root, 'dist/src/modules/push/providers/web-push.js'));
  const { default: pino } = await import('pino');

  const peers = child(['--as-peers'], 'push peers');
  const started = await peers.next('started');
  const vapid = generateVapidKeys('mailto:soak@khabar.test');
  // Khabar's log: warnings are shown, errors are shown and counted (a soak that logs errors fails).
  const logged = { errors: 0, sample: [] };
  const logger = pino({ level: 'warn' }, { write(line) {
    const entry = JSON.parse(line);
    if (entry.level >= 50) {
      logged.errors += 1;
      if (logged.sample.length < 5) logged.sample.push(line.slice(0, 400));
    }
    process.stderr.write(line);
  } });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-soak-'));
  fs.chmodSync(dataDir, 0o755); // as root, the embedded PostgreSQL runs as another user that must reach it
  const poolSize = 10;
  const khabar = await startKhabar(loadConfig(process.env, {
    port: 0, host: '127.0.0.1', seed: 'demo', dataDir, dbPoolSize: poolSize, embeddedPgPort: 20_000 + Math.floor(Math.random() * 20_000),
    live: { ...loadConfig({}).live, maxConnectionsPerIp: 0 },
    // Every reader, editor and phone comes from this machine's one address: rate limits would count them as one reader.
    edge: { ...loadConfig({}).edge, rateLimitPerIp: 0, rateLimitPerToken: 0 },
    push: {
      enabled: true, vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey, vapidSubject: vapid.subject,
      webPushAllowedHosts: [new URL(started.web.origin).host],
      apns: { ...started.apns.credentials, endpoint: started.apns.origin },
      fcm: { serviceAccount: JSON.stringify(started.fcm.account), endpoint: started.fcm.origin },
      extraCa: started.certificate.cert, registrationsPerAddress: 0, ttlSeconds: 3600,
    },
  }), { logger });
  let failed = false;
  let load;
  let subscribers;
  try {
    const db = khabar.db;
    const token = await khabar.contextDeps.tokens.sign('EDITOR', 'soak editor');
    const slugs = (await db.query(`SELECT slug FROM article WHERE status = 'PUBLISHED' ORDER BY id`)).map((r) => r.slug);
    const people = (await db.query('SELECT slug FROM person ORDER BY id')).map((r) => r.slug);
    const regions = (await db.query(`SELECT code FROM region WHERE level = 'region' ORDER BY code`)).map((r) => r.code);
    load = child(['--as-load', JSON.stringify({ url: khabar.url, token, slugs, people, regions, vapidPublicKey: vapid.publicKey, reads: Number(values.reads) })], 'load');
    load.on('address', (message) => peers.proc.connected && peers.proc.send(message));
    peers.on('address', (message) => load.proc.connected && load.proc.send(message));
    await load.next('ready');

    // Warm the event window to its bound (1,024 events) with the editor's own mix.
    const prefillStart = Date.now();
    const outboxEvents = async () => (await db.query('SELECT count(*)::int AS events FROM event_outbox'))[0].events;
    while (await outboxEvents() < (values.smoke ? 100 : 1_100)) await load.ask({ type: 'prefill', stories: values.smoke ? 30 : 60 }, 'prefilled');
    const events = await outboxEvents();
    console.log(`prefill: ${events} events in the outbox after ${((Date.now() - prefillStart) / 1000).toFixed(0)} s`);
    const registered = await load.ask({ type: 'devices', count: Number(values.devices) }, 'devices-ready');
    subscribers = child(['--as-subscribers', khabar.url.replace(/^http/, 'ws'), String(subscriberCount), values.churn], 'subscribers');
    await subscribers.next('connected');
    const [{ head }] = await db.query(`SELECT coalesce(max(seq), 0)::bigint AS head FROM event_outbox`);
    console.log(`${registered.count} devices registered, ${subscriberCount} subscribers connected; soak of ${minutes} min starts (warm-up ${Math.round(warmupMs / 1000)} s)\n`);

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const samples = [];
    const startedAt = Date.now();
    load.proc.send({ type: 'start' });
    subscribers.proc.send({ type: 'churn' });
    const header = '| t | RSS MiB | heap MiB | loop delay p50 / p99 / max ms | handles | DB connections | reads/s | read p50 / p99 ms | writes | errors | 503 shed | load avg |';
    console.log(header);
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    while (Date.now() - startedAt < durationMs) {
      await sleep(SAMPLE_MS - ((Date.now() - startedAt) % SAMPLE_MS));
      const traffic = await load.ask({ type: 'sample' }, 'sample');
      const loop = { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
      globalThis.gc();
      globalThis.gc();
      const heap = v8.getHeapStatistics().used_heap_size;
      const rss = process.memoryUsage().rss;
      const handles = process.getActiveResourcesInfo().length;
      const [{ connections }] = await db.query(`SELECT count(*)::int AS connections FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`);
      // The forced collection's pause belongs to the bench, not to Khabar: let the delay timer record it, then reset.
      await sleep(50);
      delay.reset();
      const sample = { t: Math.round((Date.now() - startedAt) / 1000), rss, heap, loop, handles, connections, traffic, load: os.loadavg()[0] };
      samples.push(sample);
      console.log(`| ${sample.t} s | ${(rss / 2 ** 20).toFixed(1)} | ${(heap / 2 ** 20).toFixed(2)} | ${loop.p50.toFixed(1)} / ${loop.p99.toFixed(1)} / ${loop.max.toFixed(0)} `
        + `| ${handles} | ${connections} | ${(traffic.reads / (SAMPLE_MS / 1000)).toFixed(1)} | ${traffic.p50} / ${traffic.p99} | ${traffic.writes} `
        + `| ${traffic.readErrors + traffic.writeErrors} | ${traffic.shed} | ${sample.load.toFixed(1)} |`);
    }
    const stopped = await load.ask({ type: 'stop' }, 'stopped');
    delay.disable();

    // Everything sent must have arrived: the subscribers' events and the phones' notifications.
    const expected = (await db.query(`SELECT seq FROM event_outbox WHERE topic = 'ticker' AND seq > $1 ORDER BY seq`, [head])).map((r) => Number(r.seq));
    const live = await subscribers.ask({ type: 'check', seqs: expected }, 'checked', 300_000);
    const pushDeadline = Date.now() + 180_000;
    let jobs;
    for (;;) {
      [jobs] = await db.query(`SELECT count(*) FILTER (WHERE state = 'sent')::int AS sent, count(*) FILTER (WHERE state = 'failed')::int AS failed,
          count(*) FILTER (WHERE state = 'queued')::int AS pending,
          count(*) FILTER (WHERE state IN ('cancelled', 'expired'))::int AS dropped
        FROM delivery_job WHERE consumer = 'push'`);
      if (jobs.pending === 0 || Date.now() > pushDeadline) break;
      await sleep(1000);
    }
    const peerStats = await peers.ask({ type: 'stats' }, 'stats');

    console.log(`\n${summaryLine(samples, warmupMs, minutes)}`);
    const checks = [];
    const check = (name, ok, detail) => { checks.push({ name, ok, detail }); if (!ok) failed = true; };
    check('every subscriber got every breaking-news event once, in order', live.missing + live.duplicated + live.outOfOrder + live.extra === 0,
      `${expected.length} events × ${subscriberCount} subscribers, ${live.delivered.toLocaleString('en')} delivered, ${live.resumes} resumes with after; `
      + `missing ${live.missing}, duplicated ${live.duplicated}, out of order ${live.outOfOrder}, unexpected ${live.extra}`);
    check('no subscriber error', live.errors === 0, `${live.errors}${live.errorSample.length ? `: ${live.errorSample.join(' | ')}` : ''}`);
    check('every notification reached its push service', jobs.pending === 0 && jobs.failed === 0 && peerStats.refused === 0 && peerStats.received === jobs.sent,
      `${jobs.sent} sent, ${peerStats.received} received by the peers, ${jobs.failed} failed, ${jobs.pending} pending, ${jobs.dropped} cancelled or expired, ${peerStats.refused} refused`
      + (peerStats.refused ? ` (${JSON.stringify(peerStats.refusedSample)})` : ''));
    check('no request failed (503 load shedding counted apart)', stopped.totals.readErrors + stopped.totals.writeErrors === 0,
      `${stopped.totals.reads} reads (${stopped.totals.readErrors} failed), ${stopped.totals.writes} writes (${stopped.totals.writeErrors} failed), `
      + `${stopped.totals.shed} shed with 503 DATABASE_UNAVAILABLE or REQUEST_TIMEOUT`
      + (stopped.totals.errorSample.length ? `: ${stopped.totals.errorSample.join(' | ')}` : ''));
    check('nothing logged at error level', logged.errors === 0, `${logged.errors}${logged.sample.length ? `: ${logged.sample.join(' | ')}` : ''}`);
    const judged = durationMs - warmupMs >= 10 * 60_000;
    for (const trend of trends(samples, warmupMs, poolSize)) {
      if (judged) check(trend.name, trend.ok, trend.detail);
      else checks.push({ name: trend.name, ok: null, detail: `${trend.detail} (not judged: under 10 minutes after warm-up)` });
    }
    console.log('\n| check | verdict | measured |\n| --- | --- | --- |');
    for (const c of checks) console.log(`| ${c.name} | ${c.ok === null ? 'not judged' : c.ok ? 'pass' : '**FAIL**'} | ${c.detail} |`);
    console.log(failed ? '\nSOAK FAILED' : '\nsoak passed');
  } catch (error) {
    failed = true;
    console.error(error);
  } finally {
    load?.proc.send({ type: 'exit' });
    subscribers?.proc.send({ type: 'exit' });
    await sleep(500);
    await khabar.stop();
    peers.proc.send({ type: 'stop' });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

/** The samples after warm-up. */
function measured(samples, warmupMs) {
  return samples.filter((s) => s.t * 1000 >= warmupMs);
}

/** Least-squares slope of y over t (seconds), per second. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.t - mt) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  return den ? num / den : 0;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

function trends(samples, warmupMs, poolSize) {
  const after = measured(samples, warmupMs);
  const third = Math.max(1, Math.floor(after.length / 3));
  const first = after.slice(0, third);
  const last = after.slice(-third);
  const heapSlope = slope(after.map((s) => ({ t: s.t, y: s.heap }))) * 600 / 2 ** 20;
  const results = [{ name: 'heap after warm-up grows < 1 MiB per 10 min', ok: heapSlope < 1,
    detail: `${heapSlope >= 0 ? '+' : ''}${heapSlope.toFixed(3)} MiB per 10 min (least squares over ${after.length} samples; ${(median(first.map((s) => s.heap)) / 2 ** 20).toFixed(2)} → ${(median(last.map((s) => s.heap)) / 2 ** 20).toFixed(2)} MiB)` }];
  const flat = (name, pick, tolerance, unit, digits = 1) => {
    const a = median(first.map(pick));
    const b = median(last.map(pick));
    const allowed = tolerance(a);
    results.push({ name: `${name} does not trend up`, ok: b <= a + allowed,
      detail: `median ${a.toFixed(digits)} → ${b.toFixed(digits)} ${unit}, first third against last third after warm-up (allowed +${allowed.toFixed(digits)})` });
  };
  flat('RSS', (s) => s.rss / 2 ** 20, (a) => Math.max(8, a * 0.05), 'MiB');
  flat('event-loop delay p99', (s) => s.loop.p99, (a) => Math.max(10, a * 0.5), 'ms');
  flat('open handles', (s) => s.handles, (a) => Math.max(10, a * 0.05), '', 0);
  flat('database connections', (s) => s.connections, () => 1, '', 0);
  const maxConnections = Math.max(...after.map((s) => s.connections));
  // The pool, the LISTEN connection and the scheduler's lock session at most.
  results.push({ name: 'database connections stay within the pool', ok: maxConnections <= poolSize + 2, detail: `at most ${maxConnections} (pool ${poolSize}, plus LISTEN and the scheduler's session)` });
  return results;
}

function summaryLine(samples, warmupMs, minutes) {
  const after = measured(samples, warmupMs);
  const reads = samples.reduce((n, s) => n + s.traffic.reads, 0);
  const writes = samples.reduce((n, s) => n + s.traffic.writes, 0);
  return `Soak of ${minutes} min on ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), Node ${process.version}: ${reads} reads, ${writes} writes, `
    + `${samples.length} samples (${after.length} after warm-up); load average over the run ${(samples.reduce((n, s) => n + s.load, 0) / Math.max(1, samples.length)).toFixed(1)}`;
}
