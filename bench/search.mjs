// Search latency through the GraphQL API over generated Arabic articles (self-contained; `npm run bench:search`).
//
// 1. PostgreSQL: BENCH_DATABASE_URL names a server (any database on it; the bench creates its own), otherwise an
//    embedded PostgreSQL 18 is started under BENCH_DATA_DIR (.data/bench-search) on BENCH_PG_PORT (54339).
// 2. Database khabar_bench_search: Khabar migrates it, then BENCH_ARTICLES (100000) Arabic articles and 20000 people
//    are generated with a seeded PRNG and inserted with SQL (kept for the next run; BENCH_REGENERATE=1 redoes them).
// 3. Khabar (dist/, built by the npm script) serves it on BENCH_PORT (4100); each query kind is sent BENCH_N (200)
//    times in a sequential fetch loop after a warm-up pass, and p50/p95/p99 are printed with the hits each query had.
// 4. EXPLAIN (ANALYZE, BUFFERS) of the statements the API runs, as the server's prepared statements plan them (generic).
//
//   npm run bench:search -- --smoke   # 2,000 articles, 5 requests per kind, a free port: seconds; exits non-zero on any failure
//   BENCH_KHABAR_ROOT=../other-checkout   # its build serves the searches instead (two versions, one dataset)
//   BENCH_KINDS=one,prefix                # only the query kinds whose names contain one of these words
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import 'reflect-metadata'; // the services' modules declare GraphQL types
import { databaseUrl, withClient } from './dataset.mjs';
import { finish } from './outcome.mjs';
import { makeRandom } from './random.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const { values: args } = parseArgs({ options: { smoke: { type: 'boolean', default: false } } });
const SMOKE = args.smoke;
const ARTICLES = SMOKE ? 2_000 : Number(env.BENCH_ARTICLES ?? 100_000);
const PEOPLE = SMOKE ? 500 : 20_000;
const N = SMOKE ? 5 : Number(env.BENCH_N ?? 200);
const { freePort } = await import(path.join(ROOT, 'dist/scripts/free-port.js'));
const PORT = SMOKE ? await freePort() : Number(env.BENCH_PORT ?? 4100);
/** The checkout whose build serves the searches: another one (built) compares two versions on one dataset. */
const KHABAR_ROOT = path.resolve(env.BENCH_KHABAR_ROOT ?? ROOT);
/** Only the query kinds whose names contain one of these comma-separated words (all when unset). */
const KINDS = env.BENCH_KINDS?.split(',').map((word) => word.trim()).filter(Boolean);
const DATABASE = SMOKE ? 'khabar_bench_search_smoke' : 'khabar_bench_search';
/** Bumped whenever the generator changes, so an old dataset is regenerated. */
const GENERATOR = 'search-v2';
const SEED = 20260204;
const BATCH = 250;
const PAGE_SIZE = 20;
const QUERIES_PER_KIND = 50;

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary: function words are the most frequent; topic words, places and names follow in a shuffled Zipf tail
// with made-up rare words, so posting lists look like a news archive (a topic word is in 0.1–20% of articles).

const FUNCTION_WORDS = `في من على إلى أن التي الذي مع عن بين خلال هذا هذه بعد قبل حول كما وقد حيث ضمن لدى عبر أو ثم
  كان كانت إن لا ما هو هي تم يتم وفي ومن وعلى أكثر أجل منذ عند بشأن لكن غير جميع كل بعض أمام تحت فوق`.split(/\s+/);

const TOPIC_WORDS = `الحكومة الوزير الوزيرة وزيرة وزير الوزارة البرلمان مجلس النواب المستشارين الجهة الإقليم المدينة الجماعة
  المشروع البرنامج الاستراتيجية التنمية الاقتصاد الاستثمار الفلاحة الماء الجفاف الأمطار الطقس الصحة المستشفى
  التعليم المدرسة الجامعة الطلبة الشباب النساء الأسرة التضامن الإدماج الشغل البطالة الأسعار المحروقات السياحة
  الثقافة المهرجان الموسيقى السينما الفيلم الرياضة المنتخب الفريق المباراة الديربي الملعب البطولة الكأس الأمن
  الشرطة الدرك المحكمة القضاء الحكم المتهم السجن الانتخابات الحزب الأغلبية المعارضة الميزانية الضرائب الجمارك
  الميناء المطار القطار الطريق السيارات الطاقة الشمسية الرياح البيئة الغابات البحر الصيد الفوسفاط الصادرات
  الواردات البنك القروض التضخم الأجور النقابات الإضراب الأطباء الممرضين الأدوية اللقاح الوباء الزلزال الفيضانات
  الحرائق المساعدات الجمعيات المجتمع المدني الرقمنة الإنترنت المقاولات الصناعة التجارة الأسواق المواطنين السكان
  الأطفال التلاميذ الأساتذة الامتحانات البكالوريا الجالية المغاربة الهجرة الحدود السفير السفارة القنصلية الملك
  جلالة المؤسسات الدستور القانون المرسوم المصادقة الاتفاقية الشراكة التعاون الإفريقي الأوروبي الدولي العربي
  الندوة المؤتمر اللقاء الاجتماع المشاورات الحوار الاحتجاج الوقفة المسيرة الحادث حادثة السير الضحايا الجرحى
  الإسعاف الوقاية الحماية المراقبة التحقيق النيابة الجريمة المخدرات التهريب الرشوة الفساد الشفافية الحكامة
  التضامن الاجتماعي الدعم المباشر السكن القطاع الخاص العمومي الإدارة الموظفين التقاعد الصندوق الضمان التغطية
  الصحية المسرح الفنان الفنانة الكاتب الرواية الكتاب المعرض الجائزة التراث التاريخ الأثرية الموسم الحج رمضان
  العيد الأضحية الأسواق الخضر الفواكه اللحوم الحليب القمح الحبوب الزيتون الأركان التمور المياه السدود الري`
  .split(/\s+/).filter(Boolean);

const PLACES = `الرباط سلا تمارة القنيطرة الدار البيضاء المحمدية الجديدة سطات برشيد طنجة تطوان الحسيمة الناظور وجدة بركان
  فاس مكناس إفران تازة صفرو مراكش آسفي الصويرة أكادير تارودانت تزنيت العيون الداخلة كلميم ورزازات الرشيدية
  زاكورة بني ملال خنيفرة خريبكة الفقيه بن صالح العرائش شفشاون وزان`.split(/\s+/);

const FIRST_NAMES = `محمد أحمد عبد الله يوسف عمر إدريس حسن رشيد كريم سعيد مصطفى عزيز فاطمة خديجة عواطف سناء نادية ليلى
  مريم سعاد حنان أمينة زينب`.split(/\s+/);
const LAST_NAMES = `العلمي الفاسي بنعلي التازي الإدريسي بنكيران أخنوش حيار عكرود عمور الوردي البقالي الصقلي الشرقاوي
  المنصوري الرحماني الزياني القادري الكتاني بناني برادة السلاوي المراكشي الودغيري`.split(/\s+/);
const LATIN_FIRST = ['Mohamed', 'Ahmed', 'Youssef', 'Omar', 'Driss', 'Hassan', 'Rachid', 'Karim', 'Fatima', 'Khadija', 'Aawatif', 'Sanaa', 'Nadia', 'Leila', 'Meryem'];
/** French names of places in PLACES (regions, prefectures, provinces and their aliases): each names one or two places. */
const LATIN_PLACES = ['Rabat', 'Salé', 'Kenitra', 'Casablanca', 'Mohammedia', 'Tanger', 'Oujda', 'Fès', 'Marrakech', 'Agadir',
  'Laâyoune', 'Guelmim', 'Errachidia', 'Khémisset', 'Nouaceur'];
const LATIN_LAST = ['Alami', 'Fassi', 'Benali', 'Tazi', 'Idrissi', 'Benkirane', 'Akhannouch', 'Hayar', 'Akroud', 'Ammor', 'Ouardi', 'Bakkali', 'Sqalli', 'Cherkaoui', 'Mansouri'];

const VERBS = `أعلن أكد دعا قرر أطلق ترأس افتتح وقع صادق كشف أشار أوضح شدد سجل عرض ناقش استقبل زار أعلنت أكدت دعت قررت
  أطلقت ترأست افتتحت وقعت كشفت أشارت أوضحت شددت سجلت عرضت ناقشت استقبلت زارت يعرف تعرف يشهد تشهد`.split(/\s+/);

const ARABIC_LETTERS = 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي';
const PROCLITICS = [['و', 0.12], ['ب', 0.04], ['ل', 0.03], ['ف', 0.01]];

/** Word ranks for a Zipf draw: function words first, then topic words, places and names spread among rare made-up words. */
function makeLexicon(rnd) {
  const content = [...new Set([...TOPIC_WORDS, ...VERBS, ...PLACES, ...FIRST_NAMES, ...LAST_NAMES])];
  const rare = new Set();
  while (rare.size < 30_000) {
    const length = rnd.int(3, 7);
    let word = rnd.next() < 0.5 ? 'ال' : '';
    for (let i = 0; i < length; i += 1) word += ARABIC_LETTERS[Math.floor(rnd.next() * ARABIC_LETTERS.length)];
    rare.add(word);
  }
  const tail = [...rare];
  // Content words take random ranks among the first 3000 of the tail: some are very common, most are not.
  for (const word of rnd.shuffle(content)) tail.splice(rnd.int(0, 3000), 0, word);
  const ranked = [...FUNCTION_WORDS, ...tail];
  const cumulative = [];
  let total = 0;
  for (let r = 0; r < ranked.length; r += 1) cumulative.push((total += 1 / (r + 1) ** 1.05));
  const draw = () => {
    const x = rnd.next() * total;
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid; else lo = mid + 1;
    }
    return ranked[lo];
  };
  return { draw, content };
}

function sentence(rnd, lexicon, words) {
  const out = [];
  for (let i = 0; i < words; i += 1) {
    let word = lexicon.draw();
    const [clitic, p] = rnd.pick(PROCLITICS);
    if (rnd.next() < p) word = clitic + word;
    out.push(word);
  }
  return out.join(' ');
}

function* generateArticles(count) {
  const rnd = makeRandom(SEED);
  const lexicon = makeLexicon(rnd);
  const newest = Date.parse('2026-06-01T08:00:00Z');
  for (let i = 0; i < count; i += 1) {
    const place = rnd.pick(PLACES);
    const person = `${rnd.pick(FIRST_NAMES)} ${rnd.pick(LAST_NAMES)}`;
    const title = `${rnd.pick(VERBS)} ${sentence(rnd, lexicon, rnd.int(3, 7))} ب${place}`;
    const summary = `${sentence(rnd, lexicon, rnd.int(8, 16))} ${person} ${sentence(rnd, lexicon, rnd.int(4, 10))}.`;
    const body = Array.from({ length: rnd.int(3, 6) }, () => ({ type: 'PARAGRAPH', text: `${sentence(rnd, lexicon, rnd.int(25, 60))}.` }));
    const status = rnd.next() < 0.03 ? 'DRAFT' : 'PUBLISHED';
    const publishedAt = status === 'DRAFT' ? null : new Date(newest - rnd.next() * 3 * 365 * 86_400_000).toISOString();
    yield { slug: `bench-${i + 1}`, title, summary, body: JSON.stringify(body), status, publishedAt };
  }
}

function* generatePeople(count) {
  const rnd = makeRandom(SEED + 1);
  for (let i = 0; i < count; i += 1) {
    const first = rnd.int(0, LATIN_FIRST.length - 1);
    const last = rnd.int(0, LATIN_LAST.length - 1);
    const nameAr = `${FIRST_NAMES[first % FIRST_NAMES.length]} ${LAST_NAMES[last % LAST_NAMES.length]} ${rnd.pick(LAST_NAMES)}`;
    yield { slug: `bench-person-${i + 1}`, nameAr, nameLatin: `${LATIN_FIRST[first]} ${LATIN_LAST[last]}` };
  }
}

/** Words a reader would type: topic words, places and names (not function words or made-up ones). */
function queryWords() {
  return [...new Set([...TOPIC_WORDS, ...PLACES, ...LAST_NAMES])];
}

// ---------------------------------------------------------------------------------------------------------------
// Database

async function startServer() {
  const external = env.BENCH_DATABASE_URL;
  if (external) return { url: external, stop: async () => {} };
  const { startEmbeddedPostgres } = await import(path.join(ROOT, 'dist/src/db/embedded.js'));
  const dataDir = path.resolve(ROOT, env.BENCH_DATA_DIR ?? '.data/bench-search');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user and must reach its data directory
  // Room in shared buffers for the articles (about 0.8 GB at 100,000): the default 128 MB would measure page copies.
  const port = Number(env.BENCH_PG_PORT ?? (SMOKE ? await freePort() : 54339));
  return startEmbeddedPostgres(dataDir, port, ['-c', 'shared_buffers=1GB']);
}

async function generate(url) {
  const ready = await withClient(url, async (db) => {
    await db.query('CREATE TABLE IF NOT EXISTS bench_search_dataset (generator text, articles int)');
    const [done] = (await db.query('SELECT generator, articles FROM bench_search_dataset')).rows;
    if (done && done.generator === GENERATOR && done.articles === ARTICLES && env.BENCH_REGENERATE !== '1') return true;
    await db.query('TRUNCATE article, person, bench_search_dataset RESTART IDENTITY CASCADE');
    return false;
  });
  if (ready) {
    console.log(`dataset: ${ARTICLES} articles (${GENERATOR}) already in ${DATABASE}`);
    return;
  }
  console.log(`dataset: generating ${ARTICLES} articles and ${PEOPLE} people (seed ${SEED})…`);
  const started = performance.now();
  await insertBatches(url, generateArticles(ARTICLES), (rows) => [
    `INSERT INTO article (slug, title, summary, body, lang, status, published_at)
     SELECT slug, title, summary, body, 'ar', status, published_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[])
       AS t(slug, title, summary, body, status, published_at)`,
    ['slug', 'title', 'summary', 'body', 'status', 'publishedAt'].map((key) => rows.map((row) => row[key])),
  ], ARTICLES);
  await insertBatches(url, generatePeople(PEOPLE), (rows) => [
    `INSERT INTO person (slug, name_ar, name_latin) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
    ['slug', 'nameAr', 'nameLatin'].map((key) => rows.map((row) => row[key])),
  ], PEOPLE);
  await withClient(url, async (db) => {
    await db.query('VACUUM ANALYZE article');
    await db.query('VACUUM ANALYZE person');
    await db.query('INSERT INTO bench_search_dataset VALUES ($1, $2)', [GENERATOR, ARTICLES]);
  });
  console.log(`dataset: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** Inserts on two connections at once: computing the search columns is the cost, and it is CPU-bound. */
async function insertBatches(url, rows, statementOf, total) {
  const batches = (function* () {
    let batch = [];
    for (const row of rows) {
      batch.push(row);
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  })();
  let inserted = 0;
  const worker = () => withClient(url, async (db) => {
    for (let next = batches.next(); !next.done; next = batches.next()) {
      const [text, values] = statementOf(next.value);
      await db.query(text, values);
      inserted += next.value.length;
      if (inserted % 10_000 < BATCH) process.stdout.write(`  ${inserted}/${total}\r`);
    }
  });
  await Promise.all([worker(), worker()]);
  process.stdout.write('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Khabar

async function startKhabar(url) {
  const child = spawn(process.execPath, [path.join(KHABAR_ROOT, 'dist/src/main.js')], {
    // Search itself is measured: no response cache (queries repeat), no rate limit (one client sends them all).
    env: { ...env, DATABASE_URL: url, PORT: String(PORT), HOST: '127.0.0.1', KHABAR_SEED: 'none', LOG_LEVEL: 'warn',
      SCHEDULER_INTERVAL_MS: '0', KHABAR_EXPOSE_SQL_COUNT: 'true', DATA_DIR: path.join(ROOT, '.data/bench-search-app'),
      RESPONSE_CACHE: 'false', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_TOKEN: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`Khabar exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/readyz`)).ok) {
        return { stop: async () => { child.kill('SIGTERM'); await exited; } };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGTERM');
  throw new Error('Khabar did not become ready');
}

const SEARCH = `query($query: String!, $prefix: Boolean) {
  search(query: $query, prefix: $prefix, first: ${PAGE_SIZE}) {
    edges { score highlight node { id slug title publishedAt } } pageInfo { hasNextPage endCursor } } }`;
const SEARCH_WITHOUT_HIGHLIGHT = SEARCH.replace('highlight ', '');
const PEOPLE_QUERY = `query($query: String!) { people(query: $query, first: ${PAGE_SIZE}) { edges { node { slug nameAr nameLatin } } } }`;
/** The newest articles, no search: what any page of 20 costs through the API on this machine right now. */
const FEED_QUERY = `query { articles(first: ${PAGE_SIZE}) { edges { node { id slug title publishedAt } } pageInfo { hasNextPage endCursor } } }`;

async function graphql(query, variables) {
  const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${JSON.stringify(variables)}: ${JSON.stringify(body.errors)}`);
  return { body, statements: Number(response.headers.get('x-khabar-sql-statements')) };
}

/** Warm-up pass over every query, then N sequential timed requests cycling through them. */
async function measure(query, variablesList) {
  for (const variables of variablesList) await graphql(query, variables);
  const times = [];
  const timesOf = variablesList.map(() => []);
  let statements = 0;
  for (let i = 0; i < N; i += 1) {
    const started = performance.now();
    const result = await graphql(query, variablesList[i % variablesList.length]);
    const took = performance.now() - started;
    times.push(took);
    timesOf[i % variablesList.length].push(took);
    statements = Math.max(statements, result.statements);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  // Each query's median over its turns: which queries make the tail.
  const slowest = timesOf
    .map((list, i) => ({ query: variablesList[i].query, ms: list.sort((a, b) => a - b)[Math.floor(list.length / 2)] }))
    .filter((entry) => entry.query !== undefined && entry.ms !== undefined)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: times[times.length - 1], statements, slowest };
}

// ---------------------------------------------------------------------------------------------------------------
// Query sets

async function querySets(db) {
  const rnd = makeRandom(SEED + 2);
  const words = rnd.shuffle(queryWords());
  const oneWord = words.slice(0, QUERIES_PER_KIND).map((query) => ({ query }));
  // Three words a reader would type, all from one published article, so every query has hits.
  const step = Math.min(97, Math.floor(ARTICLES / (QUERIES_PER_KIND * 4)));
  const slugs = Array.from({ length: QUERIES_PER_KIND * 4 }, (_, i) => `bench-${(i + 1) * step}`);
  const { rows } = await db.query(
    `SELECT title || ' ' || summary || ' ' || (body -> 0 ->> 'text') AS text FROM article
     WHERE status = 'PUBLISHED' AND slug = ANY($1) ORDER BY array_position($1, slug)`, [slugs]);
  const readable = new Set(queryWords());
  const threeWords = rows
    .map(({ text }) => rnd.shuffle([...new Set(text.replace(/[.]/g, '').split(/\s+/).filter((word) => readable.has(word)))]).slice(0, 3))
    .filter((picked) => picked.length === 3)
    .slice(0, QUERIES_PER_KIND)
    .map((picked) => ({ query: picked.join(' ') }));
  // What an editor has typed so far: the first 3–5 letters after the article.
  const prefix = words.slice(QUERIES_PER_KIND, 2 * QUERIES_PER_KIND).map((word) => {
    const stem = word.replace(/^ال/, '');
    return { query: stem.slice(0, Math.min(stem.length, rnd.int(3, 5))), prefix: true };
  });
  const people = Array.from({ length: QUERIES_PER_KIND }, (_, i) => {
    const kind = i % 3;
    if (kind === 0) return { query: `${rnd.pick(FIRST_NAMES)} ${rnd.pick(LAST_NAMES)}` };
    if (kind === 1) return { query: rnd.pick(LATIN_LAST) };
    return { query: `${rnd.pick(LATIN_LAST)}${rnd.pick(['e', 'i', 'a'])}` }; // a misspelling: trigrams
  });
  // Names in the other script: a French place name, which search expands into the place's Arabic names (the articles
  // are all Arabic, so every hit comes through the expansion), and a Latin surname the generated people share by the
  // thousand, too common to stand for one of them (looked up, not expanded).
  const crossScript = Array.from({ length: QUERIES_PER_KIND }, (_, i) => ({ query: LATIN_PLACES[i % LATIN_PLACES.length] }));
  const commonSurname = Array.from({ length: QUERIES_PER_KIND }, (_, i) => ({ query: LATIN_LAST[i % LATIN_LAST.length] }));
  return { oneWord, threeWords, prefix, people, crossScript, commonSurname };
}

/** How many published articles each query matches (the rows ranking reads), in the order of the set. */
async function matchCounts(db, set) {
  const counts = [];
  for (const { query, prefix = false } of set) {
    const { rows: [row] } = await db.query(
      `SELECT count(*)::int AS n FROM article a
       WHERE a.search_vector @@ coalesce(public.khabar_expanded_tsquery($1, $2), public.khabar_tsquery($1, $2))
       AND a.status = 'PUBLISHED' AND a.published_at <= now()`, [query, prefix]);
    counts.push(row.n);
  }
  return counts;
}

/** The query of a set whose match count is the median one. */
function medianQuery(set, counts) {
  const order = counts.map((count, i) => [count, i]).sort((a, b) => a[0] - b[0]);
  return set[order[Math.floor(order.length / 2)][1]];
}

function summary(counts) {
  const sorted = [...counts].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return `${at(0.5)} / ${at(0.95)} / ${sorted[sorted.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------------------------
// EXPLAIN: the very statements the services send, captured from dist/ and planned as generic prepared statements.

async function capturedStatements(search, prefix, personQuery, highlightIds = [1, 2, 3]) {
  const { SearchService } = await import(path.join(ROOT, 'dist/src/modules/search/search.service.js'));
  const { PeopleSearchService } = await import(path.join(ROOT, 'dist/src/modules/search/people-search.service.js'));
  const captured = [];
  const sql = { query: async (text, values) => { captured.push({ text, values }); return []; } };
  const service = new SearchService(sql);
  // What SEARCH selects of each hit: no relation, so none is read with it.
  const shape = { fields: ['id', 'slug', 'title', 'publishedAt'], regions: null, regionParents: null, people: null, category: null };
  await service.page({ query: search, prefix, includeDrafts: false }, { first: PAGE_SIZE }, shape);
  await service.highlights(search, prefix, highlightIds.map((id) => ({ id, named: false })));
  await new PeopleSearchService(sql, { trigrams: true, ctype: '' }).page({ first: PAGE_SIZE }, personQuery);
  return captured;
}

async function explain(db, label, { text, values }) {
  await db.query('SET plan_cache_mode = force_generic_plan');
  const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, values);
  const plan = rows.map((row) => row['QUERY PLAN']);
  console.log(`\n--- EXPLAIN ${label}\n${plan.join('\n')}`);
  return plan.join('\n');
}

function table(rows) {
  const header = '| query kind | queries | articles matched (p50 / p95 / max) | p50 ms | p95 ms | p99 ms | max ms | SQL statements |';
  const lines = rows.map((r) => `| ${r.kind} | ${r.queries} | ${r.matched} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.statements} |`);
  return [header, '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |', ...lines].join('\n');
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist/src/main.js'))) throw new Error('Build first: npm run build');
  const server = await startServer();
  let khabar;
  try {
    await withClient(server.url, async (db) => {
      const exists = await db.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await db.query(`CREATE DATABASE ${DATABASE} ENCODING 'UTF8'`);
    });
    const url = databaseUrl(server.url, DATABASE);
    khabar = await startKhabar(url); // migrates an empty database
    await generate(url);
    await withClient(url, async (db) => {
      const { rows: [info] } = await db.query(
        `SELECT split_part(version(), ' on ', 1) AS version, datctype,
                (SELECT count(*) FROM article) AS articles, pg_size_pretty(pg_total_relation_size('article')) AS size,
                pg_size_pretty(pg_relation_size('article_search_idx')) AS idx
         FROM pg_database WHERE datname = current_database()`);
      console.log(`${info.version}, LC_CTYPE ${info.datctype}; ${info.articles} articles (${info.size}, search index ${info.idx}); N=${N} per kind, page size ${PAGE_SIZE}\n`);
      const sets = await querySets(db);
      const kinds = [
        ['one word', SEARCH, sets.oneWord],
        ['three words', SEARCH, sets.threeWords],
        ['prefix (type-ahead)', SEARCH, sets.prefix],
        ['one word, no highlight', SEARCH_WITHOUT_HIGHLIGHT, sets.oneWord],
        ['one word, French place name → Arabic articles (cross-script)', SEARCH, sets.crossScript],
        ['one word, Latin surname of ~1,300 people (not expanded)', SEARCH, sets.commonSurname],
        ['people (name)', PEOPLE_QUERY, sets.people],
        ['baseline: articles(first: 20), no search', FEED_QUERY, [{}]],
      ];
      const results = [];
      const counts = new Map();
      const loadBefore = os.loadavg()[0];
      for (const [kind, query, set] of kinds) {
        if (KINDS && !KINDS.some((word) => kind.includes(word))) continue;
        if (!counts.has(set)) counts.set(set, query === SEARCH ? await matchCounts(db, set) : null);
        const stats = await measure(query, set);
        const matched = counts.get(set) ? summary(counts.get(set)) : '–';
        results.push({ kind, queries: set.length, matched, ...stats });
        console.log(`${kind}: p50 ${stats.p50.toFixed(1)} ms, p95 ${stats.p95.toFixed(1)} ms (e.g. ${set.slice(0, 3).map((v) => v.query).join(' · ')})`);
        if (stats.slowest.length > 1) {
          const hits = new Map(set.map((variables, i) => [variables.query, counts.get(set)?.[i]]));
          console.log(`  slowest (median ms, matches): ${stats.slowest.map(({ query: text, ms }) => `${text} ${ms.toFixed(1)} (${hits.get(text) ?? '–'})`).join(' · ')}`);
        }
      }
      console.log(`\n${table(results)}`);
      console.log(`\n${os.cpus().length} CPUs; load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after the measurements`);

      if (KINDS) return; // the plans below need every kind's matches

      const oneWord = medianQuery(sets.oneWord, counts.get(sets.oneWord));
      const prefix = medianQuery(sets.prefix, counts.get(sets.prefix));
      const threeWords = medianQuery(sets.threeWords, counts.get(sets.threeWords));
      const [page] = await capturedStatements(oneWord.query, false, sets.people[1].query);
      const pageIds = (await db.query(page.text, page.values)).rows.slice(0, PAGE_SIZE).map((row) => row.id);
      const statements = await capturedStatements(oneWord.query, false, sets.people[1].query, pageIds);
      const plans = [
        await explain(db, `one-word search "${oneWord.query}" (median matches)`, statements[0]),
        await explain(db, `highlights of that page (${pageIds.length} hits)`, statements[1]),
        await explain(db, `people "${sets.people[1].query}"`, statements[2]),
      ];
      const more = await capturedStatements(prefix.query, true, sets.people[2].query);
      plans.push(await explain(db, `prefix search "${prefix.query}*" (median matches)`, more[0]));
      plans.push(await explain(db, `people (misspelt) "${sets.people[2].query}"`, more[2]));
      plans.push(await explain(db, `three-word search "${threeWords.query}" (median matches)`, (await capturedStatements(threeWords.query, false, 'x'))[0]));
      const crossScript = medianQuery(sets.crossScript, counts.get(sets.crossScript));
      plans.push(await explain(db, `cross-script search "${crossScript.query}" (median matches)`, (await capturedStatements(crossScript.query, false, 'x'))[0]));
      const uses = (name) => plans.some((plan) => plan.includes(name));
      const indexes = ['article_head_search_idx', 'article_search_idx', 'person_search_idx', 'person_names_trgm_idx'];
      console.log(`\nGIN indexes in the plans: ${indexes.map((name) => `${name} ${uses(name) ? 'yes' : 'NO'}`).join(', ')}`);
    });
  } finally {
    await khabar?.stop();
    await server.stop();
  }
}

await finish(main);
