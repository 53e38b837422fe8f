// Migrations benchmark: how long Khabar's migrations take from an empty database and on the 20,000-article bench
// dataset (bench/dataset.mjs), each migration timed on its own.
//
//   npm run bench:migrations              # the bench dataset (generated on first use: ~6–12 min), then the timings
//   npm run bench:migrations -- --scale 10
//   npm run bench:migrations -- --smoke     # the 2,000-article smoke dataset on a free port: a minute, exits non-zero on any failure
//   BENCH_DATABASE_URL=postgres://…/postgres npm run bench:migrations
//
// 1. From empty: a new database, every migration, as the first deployment (or `npm start` on a fresh machine) runs them.
// 2. Nothing to do: the same database again, as every instance start and every deployment after the first.
// 3. On the dataset: a copy of it (CREATE DATABASE … TEMPLATE, the original is left alone) is taken back to its first
//    migration (every later migration's `down`, timed too), then every later migration runs again over 20,000 articles,
//    2,000 people and their links: the cost of a migration that rewrites, indexes or checks the tables readers use.
//    The copy must then hold the same articles, all searchable.
// Each migration runs in its own transaction (as Khabar runs them); the times are wall-clock around `up` / `down`.
// Needs `npm run build` (the npm script does it).
import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { databaseUrl, prepareDataset, SMOKE_SCALE, startPostgres, withClient } from './dataset.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, smoke: { type: 'boolean', default: false } } });
const { makeDataSource } = await import(path.join(root, 'dist/src/db/data-source.js'));
const { freePort } = await import(path.join(root, 'dist/scripts/free-port.js'));
const scale = values.smoke ? SMOKE_SCALE : Number(values.scale);
const { migrations } = await import(path.join(root, 'dist/src/db/migrations/index.js'));

/** Times of each migration's up and down in the run under way, by class name. */
let times = new Map();
const timed = migrations.map((Migration) => {
  const Timed = class extends Migration {
    async up(runner) {
      const start = performance.now();
      await super.up(runner);
      times.set(`${Migration.name} up`, performance.now() - start);
    }
    async down(runner) {
      const start = performance.now();
      await super.down(runner);
      times.set(`${Migration.name} down`, performance.now() - start);
    }
  };
  // TypeORM reads a migration's timestamp from its class name.
  Object.defineProperty(Timed, 'name', { value: Migration.name });
  return Timed;
});

async function freshDatabase(serverUrl, name, template) {
  await withClient(serverUrl, async (db) => {
    await db.query(`DROP DATABASE IF EXISTS ${name}`);
    await db.query(`CREATE DATABASE ${name} ENCODING 'UTF8'${template ? ` TEMPLATE ${template}` : ''}`);
  });
  return databaseUrl(serverUrl, name);
}

async function withDataSource(url, work) {
  const db = makeDataSource(url, 2);
  db.setOptions({ migrations: timed });
  await db.initialize();
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** Runs the pending migrations; returns the total wall time and how many ran. */
async function runAll(url) {
  return withDataSource(url, async (db) => {
    const start = performance.now();
    const ran = await db.runMigrations({ transaction: 'each' });
    return { ms: performance.now() - start, count: ran.length };
  });
}

const ms = (value) => (value === undefined ? '–' : value < 10 ? `${value.toFixed(1)} ms` : value < 10_000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`);

// A smoke run: the small dataset (2,000 articles) on a free port, so it runs beside anything.
const dataset = await prepareDataset({ scale, server: values.smoke ? await startPostgres(process.env, { port: await freePort() }) : undefined });
const serverUrl = databaseUrl(dataset.url, 'postgres');
const source = new URL(dataset.url).pathname.slice(1);
const emptyName = 'khabar_migrations_empty';
const copyName = `${source}_migrations`;
let failed = false;
try {
  // 1 and 2: from empty, then nothing to do.
  const emptyUrl = await freshDatabase(serverUrl, emptyName);
  times = new Map();
  const empty = await runAll(emptyUrl);
  const fromEmpty = times;
  times = new Map();
  const noop = await runAll(emptyUrl);

  // 3: a copy of the dataset, back to its first migration, then forward again.
  const copyStart = performance.now();
  const copyUrl = await freshDatabase(serverUrl, copyName, source);
  const copyMs = performance.now() - copyStart;
  const counts = (url) => withClient(url, async (db) => (await db.query(
    `SELECT (SELECT count(*)::int FROM article) AS articles, (SELECT count(*)::int FROM person) AS people,
            (SELECT count(*)::int FROM article_person) + (SELECT count(*)::int FROM article_region) AS links`)).rows[0]);
  const before = await counts(copyUrl);
  times = new Map();
  const downStart = performance.now();
  await withDataSource(copyUrl, async (db) => {
    for (let i = 1; i < migrations.length; i += 1) await db.undoLastMigration({ transaction: 'each' });
  });
  const downMs = performance.now() - downStart;
  const downs = times;
  times = new Map();
  const full = await runAll(copyUrl);
  const onData = times;
  const after = await counts(copyUrl);
  const [searchable] = await withClient(copyUrl, async (db) => (await db.query(
    `SELECT count(*) FILTER (WHERE search_vector IS NOT NULL)::int AS indexed,
            (SELECT count(*)::int FROM article a WHERE a.search_vector @@ khabar_tsquery('الحكومة')) AS matches FROM article`)).rows);

  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`\nMigrations on ${os.cpus().length} cores (${os.cpus()[0].model.trim()}), Node ${process.version}, load average ${load}; `
    + `dataset ${source}: ${before.articles.toLocaleString('en')} articles, ${before.people.toLocaleString('en')} people, ${before.links.toLocaleString('en')} links\n`);
  console.log(`| migration | from empty | on the dataset: up | on the dataset: down |`);
  console.log('| --- | ---: | ---: | ---: |');
  for (const Migration of migrations) {
    console.log(`| ${Migration.name} | ${ms(fromEmpty.get(`${Migration.name} up`))} | ${ms(onData.get(`${Migration.name} up`))} | ${ms(downs.get(`${Migration.name} down`))} |`);
  }
  console.log(`| **all (${empty.count} from empty, ${full.count} on the dataset), wall time with transactions** | **${ms(empty.ms)}** | **${ms(full.ms)}** | ${ms(downMs)} |`);
  console.log(`\nNothing to migrate (every start after the first): ${ms(noop.ms)}. Copying the dataset (CREATE DATABASE … TEMPLATE): ${ms(copyMs)}.`);
  console.log(`After migrating again: ${after.articles.toLocaleString('en')} articles, ${after.people.toLocaleString('en')} people, ${after.links.toLocaleString('en')} links; `
    + `${searchable.indexed.toLocaleString('en')} articles with a search vector, ${searchable.matches} matching الحكومة.`);
  if (noop.count !== 0 || full.count !== migrations.length - 1 || after.articles !== before.articles || after.people !== before.people
    || after.links !== before.links || searchable.indexed !== after.articles || searchable.matches === 0) {
    failed = true;
    console.error('FAILED: the dataset did not come back whole, or a run did not apply what it should');
  }
  await withClient(serverUrl, async (db) => {
    await db.query(`DROP DATABASE IF EXISTS ${emptyName}`);
    await db.query(`DROP DATABASE IF EXISTS ${copyName}`);
  });
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await dataset.server.stop();
}
process.exit(failed ? 1 : 0);
