// Pictures benchmark (issue 14): a 12-megapixel JPEG uploaded over the GraphQL multipart spec, cold renditions, the
// warm rendition route against express.static serving the same file (the floor), peak RSS with 20 uploads at once,
// and the front-page query Q1 while uploads run. Starts its own Khabar (`node dist/src/main.js`) on an embedded
// PostgreSQL in a temporary DATA_DIR (or on DATABASE_URL), with the demo content, and prints a table.
//
//   npm run bench:media                    # full run (about a minute and a half on 2 cores)
//   npm run bench:media -- --smoke         # a few of each on a 2 MP photo, seconds: checks it all works, exits non-zero on any failure
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { timedRequest } from './timed-request.mjs';
import sharp from 'sharp';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: {
  smoke: { type: 'boolean', default: false }, seconds: { type: 'string', default: '10' },
  // Internal: this file run as the uploaders' own process (url, token, photo path, count).
  uploaders: { type: 'string' },
} });
const SMOKE = values.smoke;
const SECONDS = SMOKE ? 1 : Number(values.seconds);
const UPLOADS = SMOKE ? 3 : 30;
const CONCURRENT_UPLOADS = SMOKE ? 4 : 20;
const PHOTO = SMOKE ? { width: 1600, height: 1200 } : { width: 4000, height: 3000 };
const WARM_CONNECTIONS = 50;
/** Readers' Q1 requests a second while latency is measured (well below what the machine serves, as a real evening). */
const READERS_PER_SECOND = 100;
const SECRET = 'bench-media-secret-bench-media-secret';
const Q1 = '{ articles(first: 20) { edges { node { slug title publishedAt regions { code nameAr } people { slug nameAr } } } } }';
const UPLOAD = 'mutation($f: Upload!) { uploadImage(file: $f, input: { alt: [{ lang: "ar", text: "صورة" }] }) { id webp: url(width: 1024, ratio: R16_9, format: WEBP) avif: url(width: 1024, ratio: R16_9, format: AVIF) } }';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const failures = [];
const { freePort } = await import(path.join(ROOT, 'dist/scripts/free-port.js'));

function stats(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] * 10) / 10 : NaN);
  return { n: sorted.length, p50: at(0.5), p99: at(0.99) };
}

function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024);
}

/**
 * A photograph-like JPEG (grain over gradients and shapes, q90): 4000 × 3000 is what a newsroom camera sends, 12 MP.
 * A smoke run sends a 1600 × 1200 one (the same scene): the same path in a fraction of the time.
 */
async function photograph(width, height) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 4000 3000">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8fb8de"/><stop offset="1" stop-color="#e9d8a6"/></linearGradient></defs>
    <rect width="4000" height="3000" fill="url(#sky)"/>
    <circle cx="2900" cy="800" r="420" fill="#f4a261"/>
    <path d="M0 2200 Q1000 1500 2000 2100 T4000 1900 V3000 H0 Z" fill="#2a9d8f"/>
    <path d="M0 2600 Q1200 2200 2400 2650 T4000 2500 V3000 H0 Z" fill="#264653"/></svg>`;
  const grain = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } } })
    .png({ compressionLevel: 0 }).toBuffer();
  return sharp(Buffer.from(svg)).flatten().composite([{ input: grain, blend: 'soft-light' }]).jpeg({ quality: 90 }).toBuffer();
}

async function startKhabar(dataDir) {
  const port = await freePort();
  const env = {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()),
    NODE_ENV: 'production', LOG_LEVEL: 'warn', KHABAR_SEED: 'demo', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_TOKEN: '0',
    RESPONSE_CACHE: 'false', JWT_SECRET: SECRET, REQUEST_TIMEOUT_MS: '60000', MEDIA_STORAGE: 'local',
  };
  const child = spawn(process.execPath, [...(process.env.KHABAR_NODE_FLAGS ?? '').split(' ').filter(Boolean), '--max-semi-space-size=32', 'dist/src/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i += 1) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) {
      const token = execFileSync(process.execPath, ['dist/src/cli/token.js', '--role', 'editor', '--name', 'bench'], { cwd: ROOT, env }).toString().trim();
      return { child, url, token };
    }
    if (child.exitCode !== null) throw new Error(`Khabar exited with ${child.exitCode}`);
    await sleep(100);
  }
  throw new Error('Khabar did not become ready');
}

async function upload(url, token, photo) {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query: UPLOAD, variables: { f: null } }));
  form.set('map', JSON.stringify({ 0: ['variables.f'] }));
  form.set('0', new Blob([photo], { type: 'image/jpeg' }), 'photo.jpg');
  const started = performance.now();
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' }, body: form });
  const body = await response.json();
  const ms = performance.now() - started;
  if (!body.data?.uploadImage) {
    failures.push(`upload: HTTP ${response.status} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
    return { ms, image: null };
  }
  return { ms, image: body.data.uploadImage };
}

async function timedGet(url) {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) failures.push(`GET ${url}: HTTP ${response.status}`);
  return performance.now() - started;
}

/** `connections` keep-alive clients sending `request()` back to back for `seconds`. */
async function load(target, seconds, connections, body) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const once = async () => {
    const ms = await timedRequest(agent, target, body);
    if (ms === null) errors += 1;
    else latencies.push(ms);
  };
  await Promise.all(Array.from({ length: connections }, async () => {
    while (Date.now() < deadline) await once();
  }));
  agent.destroy();
  if (errors) failures.push(`${target}: ${errors} failed requests under load`);
  return { ...stats(latencies), rps: Math.round(latencies.length / seconds) };
}

/**
 * Readers at a steady `rate` per second for `seconds` (open loop, as bench:push measures Q1: a slow answer does not
 * slow the asking), so the latency is what a reader waits, not a share of a saturated machine.
 */
async function paced(target, seconds, rate, body) {
  const agent = new http.Agent({ keepAlive: true });
  const latencies = [];
  let errors = 0;
  const pending = [];
  const started = performance.now();
  for (let i = 0; i < seconds * rate; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(timedRequest(agent, target, body).then((ms) => {
      if (ms === null) errors += 1;
      else latencies.push(ms);
    }));
  }
  await Promise.all(pending);
  agent.destroy();
  if (errors) failures.push(`${target}: ${errors} failed requests at ${rate}/s`);
  return stats(latencies);
}

/** express.static on the same file, in its own process: the floor a rendition route cannot beat. */
async function startStaticFloor(dir) {
  const port = await freePort();
  const script = `const express = require('express'); const app = express(); app.disable('x-powered-by');
    app.use(express.static(${JSON.stringify(dir)}, { immutable: true, maxAge: '1y' })); app.listen(${port}, '127.0.0.1');`;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100; i += 1) {
    if (await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)) return { child, url: `http://127.0.0.1:${port}` };
    await sleep(50);
  }
  throw new Error('the static floor did not start');
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-bench-media-'));
  fs.chmodSync(dataDir, 0o755); // as root, the embedded PostgreSQL runs as the postgres user and must reach it
  const floorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-bench-floor-'));
  const photo = await photograph(PHOTO.width, PHOTO.height);
  const { child, url, token } = await startKhabar(dataDir);
  let floor;
  try {
    // Upload to stored, with metadata (sequential, nothing else running).
    await upload(url, token, photo); // warm-up: JIT, first libvips loads
    const uploads = [];
    for (let i = 0; i < UPLOADS; i += 1) uploads.push(await upload(url, token, photo));
    const images = uploads.map((u) => u.image).filter(Boolean);

    // Cold renditions: each image's 1024 px 16:9 WebP and AVIF, drawn on first request.
    const coldWebp = [];
    const coldAvif = [];
    for (const image of images) {
      coldWebp.push(await timedGet(`${url}${image.webp}`));
      coldAvif.push(await timedGet(`${url}${image.avif}`));
    }

    // Warm: one stored rendition at c=50, against express.static serving the same bytes.
    const warmUrl = `${url}${images[0].webp}`;
    const bytes = Buffer.from(await (await fetch(warmUrl)).arrayBuffer());
    fs.writeFileSync(path.join(floorDir, 'r.webp'), bytes);
    floor = await startStaticFloor(floorDir);
    await load(warmUrl, 1, WARM_CONNECTIONS);
    const warm = await load(warmUrl, SECONDS, WARM_CONNECTIONS);
    await load(`${floor.url}/r.webp`, 1, WARM_CONNECTIONS);
    const staticFloor = await load(`${floor.url}/r.webp`, SECONDS, WARM_CONNECTIONS);

    // Q1 idle, then Q1 while uploads run back to back.
    const q1Body = JSON.stringify({ query: Q1 });
    await load(`${url}/graphql`, 1, 10, q1Body);
    const q1Idle = await load(`${url}/graphql`, SECONDS, 10, q1Body);
    const readersIdle = await paced(`${url}/graphql`, SECONDS, READERS_PER_SECOND, q1Body);
    // The uploaders run in a process of their own, so building 3.6 MB request bodies never delays the readers' clock.
    const uploaders = await startUploaders(url, token, photo, dataDir);
    const q1Busy = await load(`${url}/graphql`, SECONDS, 10, q1Body);
    const readersBusy = await paced(`${url}/graphql`, SECONDS, READERS_PER_SECOND, q1Body);
    const uploaded = await uploaders.stop();
    const uploadedMeanwhile = uploaded.count;
    if (uploaded.failures.length) failures.push(...uploaded.failures);
    if (uploaded.count === 0) failures.push('no upload finished while Q1 was measured');

    // Peak RSS while 20 uploads arrive at once.
    let peak = rssMb(child.pid);
    const sampler = setInterval(() => { peak = Math.max(peak, rssMb(child.pid)); }, 20);
    const rssBefore = peak;
    const burst = await Promise.all(Array.from({ length: CONCURRENT_UPLOADS }, () => upload(url, token, photo)));
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(child.pid));
    const burstStats = stats(burst.map((u) => u.ms));

    const up = stats(uploads.map((u) => u.ms));
    const webp = stats(coldWebp);
    const avif = stats(coldAvif);
    const ratio = Math.round((warm.rps / staticFloor.rps) * 100) / 100;
    const q1Ratio = Math.round((readersBusy.p99 / readersIdle.p99) * 100) / 100;
    const mark = (ok) => (ok ? 'met' : 'missed');
    console.log(`\nbench:media${SMOKE ? ' --smoke' : ''}: ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, photo ${PHOTO.width} × ${PHOTO.height} JPEG ${(photo.length / 1e6).toFixed(1)} MB, ${SECONDS} s per load run\n`);
    console.log('| measure | result | target |');
    console.log('| --- | ---: | --- |');
    console.log(`| upload to stored (${(PHOTO.width * PHOTO.height / 1e6).toFixed(0)} MP, metadata stripped), n=${up.n} | p50 ${up.p50} ms, p99 ${up.p99} ms | — |`);
    console.log(`| cold 1024 px WebP (16:9), n=${webp.n} | p50 ${webp.p50} ms, p99 ${webp.p99} ms | p50 < 400 ms: ${mark(webp.p50 < 400)} |`);
    console.log(`| cold 1024 px AVIF (16:9), n=${avif.n} | p50 ${avif.p50} ms, p99 ${avif.p99} ms | — |`);
    console.log(`| warm rendition, c=${WARM_CONNECTIONS} | ${warm.rps} req/s, p99 ${warm.p99} ms | ≥ 0.8× floor: ${ratio}× ${mark(ratio >= 0.8)} |`);
    console.log(`| express.static, same file, c=${WARM_CONNECTIONS} (floor) | ${staticFloor.rps} req/s, p99 ${staticFloor.p99} ms | — |`);
    console.log(`| peak RSS, ${CONCURRENT_UPLOADS} uploads at once | ${peak} MB (${rssBefore} MB before; uploads p50 ${burstStats.p50} ms, p99 ${burstStats.p99} ms) | < 1024 MB: ${mark(peak < 1024)} |`);
    console.log(`| Q1 p50 / p99 at ${READERS_PER_SECOND}/s: idle / while 4 uploaders run | ${readersIdle.p50} / ${readersIdle.p99} ms / ${readersBusy.p50} / ${readersBusy.p99} ms | p99 ≤ 2× idle: ${q1Ratio}× ${mark(q1Ratio <= 2)} |`);
    console.log(`| Q1 throughput, c=10: idle / while 4 uploaders run | ${q1Idle.rps} / ${q1Busy.rps} req/s (p99 ${q1Idle.p99} / ${q1Busy.p99} ms; ${uploadedMeanwhile} uploads in both runs) | — |`);
  } finally {
    floor?.child.kill();
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(floorDir, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(`\n${failures.length} failures:\n${[...new Set(failures)].slice(0, 10).join('\n')}`);
    process.exit(1);
  }
}

/** Four uploaders sending the photo back to back from a child process until told to stop. */
async function startUploaders(url, token, photo, dir) {
  const file = path.join(dir, 'bench-photo.jpg');
  fs.writeFileSync(file, photo);
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--uploaders', JSON.stringify({ url, token, file, count: 4 })],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  // The uploads' clients stand for phones and desks elsewhere: their own CPU here is the bench's, not Khabar's, so
  // they yield to the server and to the readers' client.
  os.setPriority(child.pid, 10);
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the uploaders exited with ${code}`)));
  });
  return {
    stop: () => new Promise((resolve) => {
      child.once('message', (result) => {
        child.kill();
        resolve(result);
      });
      child.send('stop');
    }),
  };
}

async function runUploaders({ url, token, file, count }) {
  const photo = fs.readFileSync(file);
  let uploading = true;
  let done = 0;
  const running = Array.from({ length: count }, async () => {
    while (uploading) {
      if ((await upload(url, token, photo)).image) done += 1;
    }
  });
  process.on('message', async () => {
    uploading = false;
    await Promise.all(running);
    process.send({ count: done, failures });
  });
  process.send('ready');
}

if (values.uploaders) await runUploaders(JSON.parse(values.uploaders));
else main().catch((error) => {
  console.error(error);
  process.exit(1);
});
