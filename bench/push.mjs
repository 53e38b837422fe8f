// Push benchmark: 100,000 registered devices across regions and platforms, one urgent national breaking-news item for
// all of them, delivered through local Web Push, FCM and APNs servers (test/support/push-peers, each in its own process,
// checking what the real services check). Measures time to enqueue, time to send-complete, sends per second per
// provider, Khabar's peak RSS, and GraphQL Q1 latency while the push is sent against the same load when idle.
//
//   npm run bench:push                              # 100,000 devices, embedded PostgreSQL
//   npm run bench:push -- --devices 2000 --smoke    # a small run that exits non-zero unless every device got its notification
//   npm run bench:push -- --verify-every 10         # the peers decrypt and verify one message in ten
//   npm run bench:push -- --q1-rate 50              # readers' Q1 requests a second, idle and during the send (20)
//   DATABASE_URL=postgres://… npm run bench:push    # an existing (empty or Khabar) database instead
//
// Enqueue: from sending the push mutation until pushDeliveries counts every job (polled every 250 ms, so an upper bound;
// then every second until every job is finished).
// Send-complete: from the event's commit to the last job accepted by its provider (the jobs' finished_at).
// Needs `npm run build` and `tsc -p tsconfig.json` first (the npm script does both: the peers live in test/support),
// and runs Khabar in this process with the 32 MB semi-spaces it has in production (`node --max-semi-space-size=32`).
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { forkPeer } from './peer-process.mjs';
import { processCpuMs } from './khabar-process.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const Q1 = fs.readFileSync(path.join(root, 'bench/queries/khabar/Q1.graphql'), 'utf8');
/** The peer and Q1 processes: killed when the bench exits, however it exits. */
const children = new Set();
process.on('exit', () => {
  for (const proc of children) proc.kill();
});

if (process.argv[2] === '--peer') await runPeer(process.argv[3]);
else if (process.argv[2] === '--q1') await runQ1(process.argv[3], Number(process.argv[4]));
else await main();

/**
 * A child process asking Q1 at a steady `rate` per second between 'start' and 'stop' (open loop: a slow answer does not
 * slow the asking, as with readers), so its own work never delays Khabar's and the latency is the readers'.
 */
async function runQ1(url, rate) {
  let timer = null;
  let pending = [];
  let latencies = [];
  let errors = 0;
  const ask = () => {
    const start = performance.now();
    pending.push(fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: Q1 }) })
      .then((response) => response.json())
      .then((body) => { if (body.errors || !body.data) errors += 1; }, () => { errors += 1; })
      .finally(() => latencies.push(performance.now() - start)));
  };
  process.on('message', async (message) => {
    if (message.type === 'start') {
      latencies = [];
      pending = [];
      errors = 0;
      timer = setInterval(ask, 1000 / rate);
    } else if (message.type === 'stop') {
      clearInterval(timer);
      await Promise.all(pending);
      latencies.sort((a, b) => a - b);
      const at = (q) => latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]) : 0;
      process.send({ type: 'q1', p50: at(0.5), p99: at(0.99), count: latencies.length, errors });
    } else if (message.type === 'exit') {
      process.exit(0);
    }
  });
  process.send({ type: 'ready' });
}

/** A child process serving one provider, driven over IPC. */
async function runPeer(kind) {
  const peers = await import(path.join(root, 'dist/test/support/push-peers/index.js'));
  const { startWebPushReceiver } = await import(path.join(root, 'dist/test/support/push-peers/web-push-receiver.js'));
  const { startApnsServer } = await import(path.join(root, 'dist/test/support/push-peers/apns-server.js'));
  const { startFcmServer } = await import(path.join(root, 'dist/test/support/push-peers/fcm-server.js'));
  void peers;
  let server;
  process.on('message', async (message) => {
    if (message.type === 'start') {
      const start = { web: startWebPushReceiver, apns: startApnsServer, fcm: startFcmServer }[kind];
      server = await start({ certificate: message.certificate });
      server.verifyEvery = message.verifyEvery;
      process.send({ type: 'started', origin: server.origin, credentials: server.credentials, account: server.account });
    } else if (message.type === 'addresses') {
      const addresses = [];
      for (let i = 0; i < message.count; i += 1) {
        if (kind === 'web') addresses.push(server.subscribe(message.vapidPublicKey));
        else if (kind === 'apns') addresses.push(server.newDeviceToken());
        else addresses.push(server.newRegistrationToken());
      }
      process.send({ type: 'addresses', addresses });
    } else if (message.type === 'stats') {
      const times = server.received.map((d) => d.at);
      process.send({
        type: 'stats', received: server.received.length, refused: server.refused.length, refusedSample: server.refused.slice(0, 3),
        first: times.length ? Math.min(...times) : null, last: times.length ? Math.max(...times) : null,
        distinct: new Set(server.received.map((d) => d.endpoint ?? d.token)).size,
      });
    } else if (message.type === 'stop') {
      await server.stop();
      process.exit(0);
    }
  });
  process.send({ type: 'ready' });
}

function child(kind, args = ['--peer', kind]) {
  return forkPeer(fileURLToPath(import.meta.url), args, `${kind} peer`, children, 5);
}

async function main() {
  const { values } = parseArgs({ options: {
    devices: { type: 'string', default: '100000' }, smoke: { type: 'boolean', default: false },
    'verify-every': { type: 'string', default: '1' }, 'q1-rate': { type: 'string', default: '20' },
  } });
  const total = Number(values.devices);
  const verifyEvery = Number(values['verify-every']);
  const { startKhabar } = await import(path.join(root, 'dist/src/app.js'));
  const { loadConfig } = await import(path.join(root, 'dist/src/config.js'));
  const { freePort } = await import(path.join(root, 'dist/scripts/free-port.js'));
  const { makeTestCertificate } = await import(path.join(root, 'dist/test/support/push-peers/tls.js'));
  const { generateVapidKeys } = await import(path.join(root, 'dist/src/modules/push/providers/web-push.js'));

  const certificate = makeTestCertificate();
  const peers = { web: child('web'), apns: child('apns'), fcm: child('fcm') };
  await Promise.all(Object.values(peers).map((p) => p.next('ready')));
  const started = Object.fromEntries(await Promise.all(Object.entries(peers).map(async ([kind, p]) =>
    [kind, await p.ask({ type: 'start', certificate, verifyEvery }, 'started')])));
  const vapid = generateVapidKeys('mailto:bench@khabar.test');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-push-bench-'));
  fs.chmodSync(dataDir, 0o755);
  const khabar = await startKhabar(loadConfig(process.env, {
    port: 0, host: '127.0.0.1', seed: 'demo', logLevel: process.env.LOG_LEVEL || 'warn', dataDir, dbPoolSize: 12,
    embeddedPgPort: await freePort(),
    edge: { rateLimitPerIp: 0, rateLimitPerToken: 0, responseCache: false },
    push: {
      enabled: true, vapidPublicKey: vapid.publicKey, vapidPrivateKey: vapid.privateKey, vapidSubject: vapid.subject,
      webPushAllowedHosts: [new URL(started.web.origin).host],
      apns: { ...started.apns.credentials, endpoint: started.apns.origin },
      fcm: { serviceAccount: JSON.stringify(started.fcm.account), endpoint: started.fcm.origin },
      extraCa: certificate.cert, registrationsPerAddress: 0, ttlSeconds: 3600,
    },
  }));
  let failed = false;
  try {
    const db = khabar.db;
    const token = await khabar.contextDeps.tokens.sign('EDITOR', 'push bench');
    const split = { web: Math.round(total * 0.34), fcm: Math.round(total * 0.4) };
    split.apns = total - split.web - split.fcm;
    const setupStart = Date.now();
    const [web, fcm, apns] = await Promise.all([
      peers.web.ask({ type: 'addresses', count: split.web, vapidPublicKey: vapid.publicKey }, 'addresses'),
      peers.fcm.ask({ type: 'addresses', count: split.fcm }, 'addresses'),
      peers.apns.ask({ type: 'addresses', count: split.apns }, 'addresses'),
    ]);
    const regions = (await db.query(`SELECT code FROM region WHERE level = 'region' ORDER BY code`)).map((r) => r.code);
    // In registration order, as browsers and phones arrive over time: platforms mixed (inserted platform by platform,
    // the push went out one platform after another, Web Push's encryption on its own first).
    await insertDevices(db, interleave([
      web.addresses.map((s) => ['WEB', s.endpoint, s.keys.p256dh, s.keys.auth]),
      fcm.addresses.map((t) => ['ANDROID', t, null, null]),
      apns.addresses.map((t) => ['IOS', t, null, null]),
    ]), regions);
    const setupMs = Date.now() - setupStart;

    const gql = (query, variables, auth) => fetch(khabar.url, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: JSON.stringify({ query, variables }),
    }).then((r) => r.json());
    const q1 = child('q1', ['--q1', khabar.url, values['q1-rate']]);
    await q1.next('ready');
    const idle = await q1Load(q1, () => sleep(5_000));

    let rssPeak = process.memoryUsage().rss;
    const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 50);
    const cpuBefore = cpuOfRun(dataDir, peers, q1);
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const pushedAt = Date.now();
    let progress = null;
    let enqueuedAt = null;
    const during = await q1Load(q1, async () => {
      const pushed = await gql('mutation ($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }',
        { input: { headline: 'زلزال بقوة 6 درجات يضرب المغرب', urgency: 1 } }, token);
      if (pushed.errors) throw new Error(JSON.stringify(pushed.errors));
      const tickerId = pushed.data.pushBreakingNews.id;
      const deadline = Date.now() + Math.max(120_000, total * 3);
      for (;;) {
        const result = await gql('query ($id: ID!) { pushDeliveries(tickerId: $id) { queued sent failed cancelled expired sendCompleteAt } }', { id: tickerId }, token)
          .catch(() => ({}));
        // A poll answered with an error (a request timeout on a saturated machine) or not at all (a kept-alive connection
        // the server closed as it was reused) is skipped, not fatal.
        if (!result.data?.pushDeliveries) {
          await sleep(250);
          continue;
        }
        progress = result.data.pushDeliveries;
        const done = progress.sent + progress.failed + progress.cancelled + progress.expired;
        if (enqueuedAt === null && done + progress.queued >= total) enqueuedAt = Date.now();
        if (done >= total && progress.queued === 0) break;
        if (Date.now() > deadline) throw new Error(`not complete after ${Date.now() - pushedAt} ms: ${JSON.stringify(progress)}`);
        // Counting 100,000 jobs is ~50 ms of PostgreSQL: four times a second it took 5 s of its CPU from the send it
        // watches. Once enqueued, only the end is waited for (send-complete is read from the jobs, not from the poll).
        await sleep(enqueuedAt === null ? 250 : 1_000);
      }
    });
    clearInterval(sampler);
    const cpuAfter = cpuOfRun(dataDir, peers, q1);
    loopDelay.disable();
    q1.proc.send({ type: 'exit' });
    const [timing] = await db.query(
      `SELECT (extract(epoch FROM max(j.finished_at) - e.created_at) * 1000)::int AS complete_ms,
              count(*)::int AS jobs
       FROM delivery_job j JOIN event_outbox e ON e.seq = j.event_seq WHERE j.consumer = 'push' GROUP BY e.created_at`);
    const perPlatform = await db.query(
      `SELECT d.platform, count(*)::int AS sent, (extract(epoch FROM max(j.finished_at) - min(j.finished_at)))::float AS seconds
       FROM delivery_job j JOIN push_device d ON d.id = j.target WHERE j.consumer = 'push' AND j.state = 'sent' GROUP BY d.platform ORDER BY d.platform`);
    const attempts = await db.query(`SELECT attempts, count(*)::int AS jobs, min(last_error) AS error FROM delivery_job WHERE consumer = 'push' GROUP BY attempts ORDER BY attempts`);
    const timeline = await db.query(`SELECT (extract(epoch FROM date_trunc('second', finished_at) - date_trunc('second', (SELECT min(created_at) FROM delivery_job))))::int AS s, count(*)::int AS n
      FROM delivery_job WHERE consumer = 'push' GROUP BY 1 ORDER BY 1`);
    const stats = Object.fromEntries(await Promise.all(Object.entries(peers).map(async ([kind, p]) => [kind, await p.ask({ type: 'stats' }, 'stats')])));
    const received = stats.web.received + stats.fcm.received + stats.apns.received;
    const distinct = stats.web.distinct + stats.fcm.distinct + stats.apns.distinct;
    const refused = stats.web.refused + stats.fcm.refused + stats.apns.refused;

    console.log(`\nPush to ${total.toLocaleString('en')} devices on ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), Node ${process.version}, `
      + `load average ${os.loadavg()[0].toFixed(1)}; peers in 3 processes verifying ${verifyEvery === 1 ? 'every message' : `one message in ${verifyEvery}`}; `
      + `devices inserted in ${(setupMs / 1000).toFixed(1)} s\n`);
    console.log('| devices | enqueue | send-complete | Web Push /s | FCM /s | APNs /s | Khabar peak RSS | Q1 p50 / p99 idle | Q1 p50 / p99 during the send | delivered (distinct) | refused |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    const rate = (platform) => {
      const row = perPlatform.find((r) => r.platform === platform);
      return row && row.seconds > 0 ? Math.round(row.sent / row.seconds).toLocaleString('en') : '–';
    };
    console.log(`| ${total.toLocaleString('en')} | ≤ ${((enqueuedAt - pushedAt) / 1000).toFixed(2)} s | ${(timing.complete_ms / 1000).toFixed(2)} s | ${rate('WEB')} | ${rate('ANDROID')} | ${rate('IOS')} `
      + `| ${Math.round(rssPeak / 1048576)} MiB | ${idle.p50} / ${idle.p99} ms | ${during.p50} / ${during.p99} ms | ${received.toLocaleString('en')} (${distinct.toLocaleString('en')}) | ${refused} |`);
    console.log(`\nstates: ${JSON.stringify(progress)}; Q1 requests: ${idle.count} idle, ${during.count} during the send (${values['q1-rate']} a second)`);
    console.log(`CPU from the push to send-complete seen (s): ${Object.keys(cpuAfter).map((name) => `${name} ${((cpuAfter[name] - cpuBefore[name]) / 1000).toFixed(1)}`).join(', ')}`);
    console.log(`Khabar's event-loop delay during the send: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
    console.log(`attempts: ${attempts.map((a) => `${a.jobs} × ${a.attempts}${a.error ? ` (${a.error.slice(0, 80)})` : ''}`).join(', ')}`);
    if (process.env.BENCH_TIMELINE) console.log(`finished per second: ${timeline.map((t) => `${t.s}:${t.n}`).join(' ')}`);
    if (refused) console.log(`refusals (first): ${JSON.stringify([...stats.web.refusedSample, ...stats.fcm.refusedSample, ...stats.apns.refusedSample])}`);
    if (received !== total || distinct !== total || progress.sent !== total || refused) {
      failed = true;
      console.error(`FAILED: expected ${total} notifications, one per device; got ${received} (${distinct} distinct), ${progress.sent} sent, ${refused} refused`);
    }
    if (values.smoke && during.errors + idle.errors > 0) {
      failed = true;
      console.error(`FAILED: ${during.errors + idle.errors} Q1 requests failed`);
    }
  } finally {
    await khabar.stop();
    for (const p of Object.values(peers)) p.proc.send({ type: 'stop' });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

/** Devices in bulk, as registrations would leave them: 40 % follow no region, the others one or two regions; urgency filters 1–3. */
async function insertDevices(db, devices, regions) {
  const CHUNK = 10_000;
  for (let i = 0; i < devices.length; i += CHUNK) {
    const chunk = devices.slice(i, i + CHUNK);
    const regionSets = chunk.map((_, n) => {
      const k = (i + n) % 10;
      if (k < 4) return '{}';
      const a = regions[(i + n) % regions.length];
      return k < 8 ? `{${a}}` : `{${a},${regions[(i + n + 5) % regions.length]}}`;
    });
    await db.query(
      `INSERT INTO push_device (platform, address, p256dh, auth, region_codes, min_urgency, locale, secret_hash)
       SELECT f, a, p, k, r::text[], 1 + (n % 3), CASE WHEN n % 5 = 0 THEN 'fr' ELSE 'ar' END, '\\x00'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(f, a, p, k, r, n)`,
      [chunk.map((c) => c[0]), chunk.map((c) => c[1]), chunk.map((c) => c[2]), chunk.map((c) => c[3]), regionSets]);
  }
}

/** The lists merged evenly, each keeping its order: item i of a list of n lands near position i / n of the whole. */
function interleave(lists) {
  return lists.flatMap((list) => list.map((item, i) => ({ item, at: (i + 0.5) / list.length })))
    .sort((a, b) => a.at - b.at).map((entry) => entry.item);
}

/**
 * CPU (ms) so far of each process of the run, from /proc: Khabar (this process, with the bench's own polling), its
 * embedded PostgreSQL (the postmaster, its live backends and those that ended), the three peers and the Q1 reader.
 */
function cpuOfRun(dataDir, peers, q1) {
  const cpu = { Khabar: processCpuMs(process.pid) };
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    const postmaster = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    const stat = (pid) => { const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); return text.slice(text.lastIndexOf(')') + 2).split(' '); };
    const own = stat(postmaster);
    let ms = (Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])) * 10;
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const f = stat(entry);
        if (Number(f[1]) === postmaster) ms += (Number(f[11]) + Number(f[12])) * 10;
      } catch { /* ended meanwhile */ }
    }
    cpu.PostgreSQL = ms;
  }
  for (const [kind, p] of Object.entries(peers)) cpu[`${kind} peer`] = processCpuMs(p.proc.pid);
  cpu['Q1 reader'] = processCpuMs(q1.proc.pid);
  return cpu;
}

/** Q1 latencies (ms) from the Q1 process while `during` runs. */
async function q1Load(q1, during) {
  q1.proc.send({ type: 'start' });
  try {
    await during();
  } finally {
    q1.proc.send({ type: 'stop' });
  }
  return q1.next('q1');
}
