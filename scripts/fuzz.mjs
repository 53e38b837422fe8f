// The fuzzer (test/support/fuzzer.ts) for as long as asked, against a real Khabar process over the demo content:
//   npm run fuzz -- --minutes 30                 # embedded PostgreSQL, a random seed (printed)
//   npm run fuzz -- --minutes 5 --seed 20261206  # the seed npm test runs, for longer
//   DATABASE_URL=postgres://… npm run fuzz       # a scratch database is created on that server, and dropped
// Prints what was sent and answered; exits 1 on any failure of its properties (docs/reliability.md).
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(path.join(root, 'dist', file));
const { values } = parseArgs({ options: { minutes: { type: 'string', default: '1' }, seed: { type: 'string' } } });
const minutes = Number(values.minutes);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!(minutes > 0) || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--minutes N] [--seed S]');
  process.exit(2);
}

const { fuzz } = await dist('test/support/fuzzer.js');
const { startFuzzedProcess } = await dist('test/support/fuzz-target.js');
const { publishedSchema } = await dist('test/support/hostile.js');
const { startEmbeddedPostgres } = await dist('src/db/embedded.js');
const { freePort } = await dist('scripts/free-port.js');

const cleanups = [];
let failed = true;
try {
  let server = process.env.DATABASE_URL;
  if (!server) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-fuzz-'));
    fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as its own user and must reach its data directory
    const embedded = await startEmbeddedPostgres(dataDir, await freePort());
    cleanups.unshift(async () => {
      await embedded.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    server = embedded.url;
  }
  const name = `khabar_fuzz_${process.pid}`;
  const admin = async (sql) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name} ENCODING 'UTF8'`);
  cleanups.unshift(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(server);
  url.pathname = `/${name}`;

  console.log(`fuzz: seed ${seed}, ${minutes} min, demo content on ${url.host}${url.pathname}`);
  const khabar = await startFuzzedProcess(url.toString(), { MIGRATE_ON_START: 'true', KHABAR_SEED: 'demo' });
  cleanups.unshift(() => khabar.stop());
  const report = await fuzz(khabar.target, publishedSchema(), { seed, until: Date.now() + minutes * 60_000 });
  const troubles = khabar.troubles();
  const alive = khabar.child.exitCode === null && khabar.child.signalCode === null;

  const rows = (title, counts) => {
    console.log(`\n| ${title} | cases |\n| --- | ---: |`);
    for (const [key, count] of Object.entries(counts).sort((a, b) => b[1] - a[1])) console.log(`| ${key} | ${count} |`);
  };
  console.log(`\n${report.cases} cases in ${(report.ms / 1000).toFixed(0)} s (${(report.cases / (report.ms / 1000)).toFixed(1)}/s), seed ${seed}`);
  rows('kind', report.byKind);
  rows('HTTP status', report.statuses);
  rows('error code', report.codes);
  console.log(`\nrefused requests checked to have changed no row: ${report.refusedChecked}`);
  console.log(`failures: ${report.failures.length}; errors logged or on stderr: ${troubles.length}; process ${alive ? 'running' : 'gone'}`);
  for (const failure of report.failures.slice(0, 20)) console.log(`  ${failure}`);
  for (const line of troubles.slice(0, 20)) console.log(`  ${line.slice(0, 500)}`);
  failed = report.failures.length > 0 || troubles.length > 0 || !alive;
} finally {
  for (const cleanup of cleanups) await cleanup().catch((error) => console.error(`cleanup: ${error.message}`));
}
process.exit(failed ? 1 : 0);
