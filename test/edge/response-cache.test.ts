import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { appendEvent } from '../../src/realtime/outbox';
import type { EventTopic } from '../../src/events';
import { MemoryResponseStore } from '../../src/server/cache/response-store';
import { connectLive, streamsOpen, subscribe } from '../support/live';
import { eventually } from '../support/eventually';

const TICKERS = '{ tickers { headline article { slug } } }';
const FRONT_PAGE = '{ articles(first: 20) { edges { node { slug title regions { nameAr } } } } }';
const ARTICLE = 'query Article($slug: String!) { article(slug: $slug) { slug title } }';
const REGIONS = '{ regions(level: REGION) { code nameAr } }';

/** Changes rows and records the change in the outbox in one transaction, as the write paths do. */
async function change(app: TestApp, sql: string, params: unknown[], topic: EventTopic, kind: string, entityId: number) {
  await app.khabar.db.transaction(async (tx) => {
    await tx.query(sql, params);
    await appendEvent(tx, { topic, kind, entityId, regionCodes: [] });
  });
}

describe('response cache, Cache-Control and ETags', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;

  beforeAll(async () => {
    app = await startTestApp({ redisUrl: process.env.REDIS_URL, edge: { responseCache: true } });
    make = factories(app);
  });
  afterAll(() => app.stop());

  it('computes Cache-Control from what a response holds, and keeps editors\' responses private', async () => {
    await make.ticker({ headline: 'عاجل: اختبار الرأس' });
    const maxAge = async (query: string, token?: string) => (await app.gql(query, undefined, { token })).headers.get('cache-control');
    expect(await maxAge(TICKERS)).toBe('public, max-age=5');
    expect(await maxAge(FRONT_PAGE)).toBe('public, max-age=120');
    expect(await maxAge(REGIONS)).toBe('public, max-age=300');
    expect(await maxAge(`{ ${TICKERS.slice(1, -1)} regions { code } }`)).toBe('public, max-age=5');
    expect(await maxAge(FRONT_PAGE, await app.token('EDITOR'))).toBe('private, no-store');
    expect(await maxAge('{ article(slug: "x", id: "y") { slug } }')).toBe('private, no-store');
  });

  it('serves repeated anonymous reads from the cache, with ETags and 304 for GETs', async () => {
    await make.article({ slug: 'cached', title: 'مقال مخزن' });
    const url = `${app.url}?${new URLSearchParams({ query: ARTICLE, variables: JSON.stringify({ slug: 'cached' }) })}`;
    const headers = { 'apollo-require-preflight': '1' };
    const first = await fetch(url, { headers });
    expect(first.headers.get('x-khabar-cache')).toBe('MISS');
    const body = await first.text();
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);

    const second = await fetch(url, { headers });
    expect(second.headers.get('x-khabar-cache')).toBe('HIT');
    expect(second.headers.get('x-khabar-sql-statements')).toBe('0');
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(await second.text()).toBe(body);

    const notModified = await fetch(url, { headers: { ...headers, 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');

    const viaPost = await app.gql(ARTICLE, { slug: 'cached' });
    expect(viaPost.headers.get('x-khabar-cache')).toBe('HIT');
    expect(viaPost.data).toEqual({ article: { slug: 'cached', title: 'مقال مخزن' } });
    const editor = await app.gql(ARTICLE, { slug: 'cached' }, { token: await app.token('EDITOR') });
    expect(editor.headers.get('x-khabar-cache')).toBeNull();
  });

  it('purges exactly the responses that hold what changed: killed tickers and retracted articles vanish, the rest stays cached', async () => {
    const kept = await make.article({ slug: 'kept', title: 'يبقى' });
    const retracted = await make.article({ slug: 'retracted', title: 'يسحب' });
    const killed = await make.ticker({ headline: 'خبر سيلغى', articleId: kept.id });
    await make.ticker({ headline: 'خبر يبقى على الهواء' });
    // Documents of their own, so that nothing cached by the tests above answers them.
    const own = (query: string) => `${query} # purge test`;
    const reads = {
      tickers: () => app.gql(own(TICKERS)),
      front: () => app.gql(own(FRONT_PAGE)),
      kept: () => app.gql(own(ARTICLE), { slug: 'kept' }),
      retracted: () => app.gql(own(ARTICLE), { slug: 'retracted' }),
      regions: () => app.gql(own(REGIONS)),
    };
    for (const read of Object.values(reads)) await read();
    for (const read of Object.values(reads)) expect((await read()).headers.get('x-khabar-cache')).toBe('HIT');

    await change(app, `UPDATE ticker SET status = 'KILLED' WHERE id = $1`, [killed.id], 'ticker', 'KILLED', killed.id);
    const headlines = (res: { data?: any }) => res.data.tickers.map((t: any) => t.headline);
    await eventually(reads.tickers, (res) => !headlines(res).includes('خبر سيلغى'));
    for (let i = 0; i < 20; i += 1) {
      const onAir = headlines(await reads.tickers());
      expect(onAir).not.toContain('خبر سيلغى');
      expect(onAir).toContain('خبر يبقى على الهواء');
    }
    for (const name of ['front', 'kept', 'retracted', 'regions'] as const) {
      expect([name, (await reads[name]()).headers.get('x-khabar-cache')]).toEqual([name, 'HIT']);
    }

    await change(app, `UPDATE article SET status = 'ARCHIVED' WHERE id = $1`, [retracted.id], 'article', 'RETRACTED', retracted.id);
    await eventually(reads.retracted, (res) => res.data.article === null);
    const slugs = (res: { data?: any }) => res.data.articles.edges.map((e: any) => e.node.slug);
    for (let i = 0; i < 20; i += 1) {
      expect((await reads.retracted()).data.article).toBeNull();
      expect(slugs(await reads.front())).not.toContain('retracted');
    }
    for (const name of ['tickers', 'kept', 'regions'] as const) {
      expect([name, (await reads[name]()).headers.get('x-khabar-cache')]).toEqual([name, 'HIT']);
    }
  });

  it('purges through the real write path: killTicker and pushBreakingNews', async () => {
    const query = `${TICKERS} # mutations`;
    const token = await app.token('EDITOR');
    const pushed = await app.gql(`mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }`,
      { input: { headline: 'عاجل: زلزال بقوة خمس درجات', urgency: 1 } }, { token });
    expect(pushed.errors).toBeUndefined();
    const headlines = (res: { data?: any }) => res.data.tickers.map((t: any) => t.headline);
    // A read racing the purge is served but not stored, so the first hit may take a second read.
    const cached = await eventually(() => app.gql(query),
      (res) => headlines(res).includes('عاجل: زلزال بقوة خمس درجات') && res.headers.get('x-khabar-cache') === 'HIT');
    expect(cached.headers.get('x-khabar-cache')).toBe('HIT');

    const killed = await app.gql(`mutation($id: ID!) { killTicker(id: $id) { status } }`, { id: pushed.data.pushBreakingNews.id }, { token });
    expect(killed.data.killTicker.status).toBe('KILLED');
    await eventually(() => app.gql(query), (res) => !headlines(res).includes('عاجل: زلزال بقوة خمس درجات'));
    for (let i = 0; i < 20; i += 1) expect(headlines(await app.gql(query))).not.toContain('عاجل: زلزال بقوة خمس درجات');
  });

  it('purges through the real write path: correctArticle and retractArticle', async () => {
    const token = await app.token('EDITOR');
    const story = await make.article({ slug: 'story', title: 'عنوان بخطأ', summary: 'ملخص' });
    await make.article({ slug: 'bystander', title: 'مقال آخر' });
    const page = `query Page($slug: String!) { article(slug: $slug) { title summary status } } # real writes`;
    const front = `${FRONT_PAGE} # real writes`;
    const read = (slug: string) => app.gql(page, { slug });
    for (let i = 0; i < 2; i += 1) await Promise.all([read('story'), read('bystander'), app.gql(front)]);
    expect((await read('bystander')).headers.get('x-khabar-cache')).toBe('HIT');

    const { data } = await app.gql('{ article(slug: "story") { version } }', undefined, { token });
    const corrected = await app.gql(`mutation($id: ID!, $v: Int!) { correctArticle(id: $id, expectedVersion: $v, input: { title: "عنوان مصحح" }, note: "صححنا العنوان.") { title } }`,
      { id: story.globalId, v: data.article.version }, { token });
    expect(corrected.errors).toBeUndefined();
    await eventually(() => read('story'), (res) => res.data.article.title === 'عنوان مصحح');
    for (let i = 0; i < 10; i += 1) expect((await read('story')).data.article.title).toBe('عنوان مصحح');

    const retracted = await app.gql(`mutation($id: ID!) { retractArticle(id: $id, note: "سحبنا المقال.") { status } }`, { id: story.globalId }, { token });
    expect(retracted.errors).toBeUndefined();
    await eventually(() => read('story'), (res) => res.data.article.status === 'RETRACTED');
    const slugs = (res: { data?: any }) => res.data.articles.edges.map((e: any) => e.node.slug);
    for (let i = 0; i < 10; i += 1) {
      expect((await read('story')).data.article).toEqual({ title: 'عنوان مصحح', summary: null, status: 'RETRACTED' });
      expect(slugs(await app.gql(front))).not.toContain('story');
    }
    expect((await read('bystander')).headers.get('x-khabar-cache')).toBe('HIT');
  });

  it('purges a published article\'s page when it is edited or restored, or a section, person or region it shows is renamed', async () => {
    const [editor, admin] = [await app.token('EDITOR'), await app.token('ADMIN')];
    const section = await make.category({ slug: 'societe', nameAr: 'مجتمع', nameFr: 'Société' });
    const minister = await make.person({ slug: 'awatif-hayar', nameAr: 'عواطف حيار' });
    const story = await make.article({ slug: 'edited', title: 'عنوان أول', categoryId: section.id, personIds: [minister.id], regionCodes: ['MA-KEN'] });
    await make.article({ slug: 'untouched', title: 'مقال لا يتغير' });
    const draft = await make.article({ slug: 'draft-edited', status: 'DRAFT' });
    const page = `query Page($slug: String!) { article(slug: $slug) { title category { nameAr } people { nameAr } regions { nameAr parent { nameAr } } } } # edits`;
    const read = (slug = 'edited') => app.gql(page, { slug });
    const cached = async () => {
      for (const slug of ['edited', 'untouched']) await read(slug);
      for (const slug of ['edited', 'untouched']) expect([slug, (await read(slug)).headers.get('x-khabar-cache')]).toEqual([slug, 'HIT']);
    };
    const write = async (query: string, variables: Record<string, unknown>, token: string) => {
      const res = await app.gql(query, variables, { token });
      expect(res.errors).toBeUndefined();
    };
    const fresh = async (expected: (article: any) => boolean) => {
      expect(expected((await eventually(read, (res) => expected(res.data.article))).data.article)).toBe(true);
      for (let i = 0; i < 5; i += 1) expect(expected((await read()).data.article)).toBe(true);
      expect((await read('untouched')).headers.get('x-khabar-cache')).toBe('HIT');
    };
    // A subscriber to article news: these edits are not news, so the first event it gets is the correction at the end.
    const live = connectLive(app, { token: editor });
    const news = subscribe(live, 'subscription { articlePublished { kind articleId } }');
    await streamsOpen(app, 1);

    await cached();
    const update = 'mutation($id: ID!, $v: Int!, $title: String!) { updateArticle(id: $id, expectedVersion: $v, input: { title: $title }) { version } }';
    await write(update, { id: story.globalId, v: 1, title: 'عنوان معدل' }, editor);
    await fresh((article) => article.title === 'عنوان معدل');

    await cached();
    await write('mutation($id: ID!) { restoreRevision(id: $id, version: 1, expectedVersion: 2) { version } }', { id: story.globalId }, editor);
    await fresh((article) => article.title === 'عنوان أول');

    await cached();
    await write('mutation($input: UpsertCategoryInput!) { upsertCategory(input: $input) { slug } }',
      { input: { slug: 'societe', nameAr: 'مجتمع وأسرة', nameFr: 'Société' } }, admin);
    await fresh((article) => article.category.nameAr === 'مجتمع وأسرة');

    await cached();
    await write('mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { slug } }',
      { input: { slug: 'awatif-hayar', nameAr: 'عواطف حيار (وزيرة)' } }, admin);
    await fresh((article) => article.people[0].nameAr === 'عواطف حيار (وزيرة)');

    await cached();
    const [region] = await app.sql(`SELECT name_fr AS "nameFr", number, slug FROM region WHERE code = 'MA-04'`);
    await write('mutation($input: UpsertRegionInput!) { upsertRegion(input: $input) { code } }',
      { input: { code: 'MA-04', level: 'REGION', nameAr: 'جهة الرباط سلا القنيطرة', ...region } }, admin);
    await fresh((article) => article.regions[0].parent.nameAr === 'جهة الرباط سلا القنيطرة');

    // A draft's edits change nothing readers see: no event.
    await write(update, { id: draft.globalId, v: 1, title: 'مسودة معدلة' }, editor);
    const events = await app.sql(`SELECT entity_id AS "entityId", kind FROM event_outbox WHERE topic = 'article' AND kind LIKE '%UPDATED' ORDER BY seq`);
    expect(events).toEqual(['UPDATED', 'UPDATED', 'SHOWN_UPDATED', 'SHOWN_UPDATED', 'SHOWN_UPDATED'].map((kind) => ({ entityId: story.id, kind })));

    await write('mutation($id: ID!) { correctArticle(id: $id, expectedVersion: 3, input: {}, note: "تصحيح.") { version } }', { id: story.globalId }, editor);
    expect(await news.received(1)).toEqual([{ articlePublished: { kind: 'CORRECTED', articleId: story.globalId } }]);
    await live.dispose();
  });

  it('shows a Hijri month start as soon as an admin records it in cached Hijri date lines; Gregorian ones stay cached', async () => {
    // The computed calendar starts Ramadan 1446 on 1 March 2025; Morocco announced it a day later.
    await make.article({ slug: 'ramadan-eve', publishedAt: new Date('2025-03-01T11:00:00Z') });
    const line = (calendar: string) => app.gql(`query($slug: String!) { article(slug: $slug) { displayDate(calendar: ${calendar}) } } # hijri`, { slug: 'ramadan-eve' });
    for (const calendar of ['HIJRI', 'GREGORIAN']) await line(calendar);
    const [hijri, gregorian] = [await line('HIJRI'), await line('GREGORIAN')];
    expect([hijri.data.article.displayDate, hijri.headers.get('x-khabar-cache'), gregorian.headers.get('x-khabar-cache')])
      .toEqual(['السبت 1 رمضان 1446 هـ', 'HIT', 'HIT']);
    // What the caches in front are told: the Hijri line depends on the announced months, the Gregorian one does not.
    expect(hijri.headers.get('xkey')!.split(' ')).toContain('HijriMonth');
    expect(gregorian.headers.get('xkey')!.split(' ')).not.toContain('HijriMonth');

    const set = await app.gql('mutation { setHijriMonthStart(year: 1446, month: 9, date: "2025-03-02") { announced } }', {},
      { token: await app.token('ADMIN') });
    expect(set.data).toEqual({ setHijriMonthStart: { announced: true } });
    // The default max-age of a date line is 2 minutes: without the purge the old line would stay that long.
    await eventually(() => line('HIJRI'), (res) => res.data.article.displayDate === 'السبت 30 شعبان 1446 هـ',
      { what: 'the announced start in the cached Hijri date line' });
    expect((await line('GREGORIAN')).headers.get('x-khabar-cache')).toBe('HIT');
  });

  it('shows a newly published article in cached lists and in a lookup that found nothing before', async () => {
    const draft = await make.article({ slug: 'scoop', status: 'DRAFT' });
    await app.gql(ARTICLE, { slug: 'scoop' });
    const missing = await app.gql(ARTICLE, { slug: 'scoop' });
    expect(missing.data.article).toBeNull();
    expect(missing.headers.get('x-khabar-cache')).toBe('HIT');
    await app.gql(FRONT_PAGE);

    await change(app, `UPDATE article SET status = 'PUBLISHED', published_at = now() WHERE id = $1`, [draft.id], 'article', 'PUBLISHED', draft.id);
    const found = await eventually(() => app.gql(ARTICLE, { slug: 'scoop' }), (res) => res.data.article !== null);
    expect(found.data.article.slug).toBe('scoop');
    const front = await app.gql(FRONT_PAGE);
    expect(front.data.articles.edges[0].node.slug).toBe('scoop');
  });

  it('purges the pages and lists of a person, section or place when it changes, and feeds when an article in them comes or goes', async () => {
    const [editor, admin] = [await app.token('EDITOR'), await app.token('ADMIN')];
    const [one, two] = [await make.person({ slug: 'ref-one', nameAr: 'شخص أول' }), await make.person({ slug: 'ref-two', nameAr: 'شخص ثان' })];
    await make.category({ slug: 'ref-a', nameAr: 'قسم أ' });
    await make.category({ slug: 'ref-b', nameAr: 'قسم ب' });
    const draft = await make.article({ slug: 'ref-news', status: 'DRAFT', personIds: [one.id], regionCodes: ['MA-KEN'] });
    const feed = 'articles(first: 5) { edges { node { slug } } }';
    const own = (query: string) => `${query} # reference data`;
    const queries = {
      person: own(`query P($slug: String!) { person(slug: $slug) { nameAr ${feed} } }`),
      region: own(`query R($code: String!) { region(code: $code) { nameFr parent { nameFr } children { nameFr } ${feed} } }`),
      category: own('query C($slug: String!) { category(slug: $slug) { nameAr } }'),
      people: own('{ people(first: 50) { edges { node { slug nameAr } } } }'),
      categories: own('{ categories { slug nameAr } }'),
      regions: own('{ regions { code nameFr } }'),
      tickers: own('{ tickers { headline region { nameFr } } }'),
      list: own(`query L($code: String!) { articles(first: 5, filter: { regionCode: $code }) { edges { node { slug } } } }`),
    };
    await make.ticker({ headline: 'خبر من القنيطرة', regionCode: 'MA-KEN' });
    const reads = {
      personOne: () => app.gql(queries.person, { slug: 'ref-one' }),
      personTwo: () => app.gql(queries.person, { slug: 'ref-two' }),
      rabat: () => app.gql(queries.region, { code: 'MA-04' }),
      kenitra: () => app.gql(queries.region, { code: 'MA-KEN' }),
      tanger: () => app.gql(queries.region, { code: 'MA-01' }),
      sectionA: () => app.gql(queries.category, { slug: 'ref-a' }),
      sectionB: () => app.gql(queries.category, { slug: 'ref-b' }),
      people: () => app.gql(queries.people),
      categories: () => app.gql(queries.categories),
      regions: () => app.gql(queries.regions),
      tickers: () => app.gql(queries.tickers),
      rabatList: () => app.gql(queries.list, { code: 'MA-04' }),
      tangerList: () => app.gql(queries.list, { code: 'MA-01' }),
    };
    type Read = keyof typeof reads;
    const cached = async () => {
      for (const read of Object.values(reads)) await read();
      for (const [name, read] of Object.entries(reads)) expect([name, (await read()).headers.get('x-khabar-cache')]).toEqual([name, 'HIT']);
    };
    const fresh = async (name: Read, expected: (data: any) => boolean) => {
      expect([name, expected((await eventually(reads[name], (res) => expected(res.data))).data)]).toEqual([name, true]);
      for (let i = 0; i < 3; i += 1) expect([name, expected((await reads[name]()).data)]).toEqual([name, true]);
    };
    const stillCached = async (...names: Read[]) => {
      for (const name of names) expect([name, (await reads[name]()).headers.get('x-khabar-cache')]).toEqual([name, 'HIT']);
    };
    const write = async (query: string, variables: Record<string, unknown>, token: string) => {
      const res = await app.gql(query, variables, { token });
      expect(res.errors).toBeUndefined();
    };
    const slugs = (connection: any) => connection.edges.map((e: any) => e.node.slug);
    const region = async (code: string) => (await app.sql(
      `SELECT code, upper(level) AS level, parent_code AS "parentCode", number, name_ar AS "nameAr", name_fr AS "nameFr", slug FROM region WHERE code = $1`, [code]))[0];
    const upsertRegion = 'mutation($input: UpsertRegionInput!) { upsertRegion(input: $input) { code } }';

    await cached();
    await write('mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { slug } }', { input: { slug: 'ref-one', nameAr: 'شخص أول (وزير)' } }, admin);
    await fresh('personOne', (data) => data.person.nameAr === 'شخص أول (وزير)');
    await fresh('people', (data) => data.people.edges.some((e: any) => e.node.nameAr === 'شخص أول (وزير)'));
    await stillCached('personTwo', 'rabat', 'kenitra', 'sectionA', 'categories', 'regions', 'tickers');

    await cached();
    await write('mutation($input: UpsertCategoryInput!) { upsertCategory(input: $input) { slug } }', { input: { slug: 'ref-a', nameAr: 'قسم أ معدل', nameFr: 'A' } }, admin);
    await fresh('sectionA', (data) => data.category.nameAr === 'قسم أ معدل');
    await fresh('categories', (data) => data.categories.some((c: any) => c.nameAr === 'قسم أ معدل'));
    await stillCached('sectionB', 'personOne', 'people', 'rabat', 'regions');

    // A province's page shows its region, and the region's page its provinces.
    await cached();
    await write(upsertRegion, { input: { ...(await region('MA-KEN')), nameFr: 'Kénitra (province)' } }, admin);
    await fresh('kenitra', (data) => data.region.nameFr === 'Kénitra (province)');
    await fresh('rabat', (data) => data.region.children.some((c: any) => c.nameFr === 'Kénitra (province)'));
    await fresh('regions', (data) => data.regions.some((r: any) => r.nameFr === 'Kénitra (province)'));
    await fresh('tickers', (data) => data.tickers.some((t: any) => t.region?.nameFr === 'Kénitra (province)'));
    await stillCached('tanger', 'personOne', 'sectionA', 'people', 'categories', 'tangerList');
    await cached();
    await write(upsertRegion, { input: { ...(await region('MA-04')), nameFr: 'Rabat-Salé-Kénitra (région)' } }, admin);
    await fresh('kenitra', (data) => data.region.parent.nameFr === 'Rabat-Salé-Kénitra (région)');
    await stillCached('tanger', 'personTwo', 'sectionB', 'tangerList');

    // Feeds: an article about Kénitra mentioning the first person, published, its province moved, then retracted.
    await cached();
    await write('mutation($id: ID!) { publishArticle(id: $id) { status } }', { id: draft.globalId }, editor);
    const first = (data: any) => slugs((data.person ?? data.region ?? data).articles)[0];
    for (const name of ['personOne', 'rabat', 'kenitra', 'rabatList'] as const) await fresh(name, (data) => first(data) === 'ref-news');
    await stillCached('sectionA', 'people', 'categories', 'regions');

    await cached();
    await write(upsertRegion, { input: { ...(await region('MA-KEN')), parentCode: 'MA-01' } }, admin);
    for (const name of ['tanger', 'tangerList'] as const) await fresh(name, (data) => first(data) === 'ref-news');
    for (const name of ['rabat', 'rabatList'] as const) await fresh(name, (data) => first(data) !== 'ref-news');
    await fresh('kenitra', (data) => data.region.parent.nameFr === 'Tanger-Tétouan-Al Hoceïma');
    await stillCached('personTwo', 'sectionA', 'people', 'categories');

    await cached();
    await write('mutation($id: ID!) { retractArticle(id: $id, note: "سحبنا المقال.") { status } }', { id: draft.globalId }, editor);
    for (const name of ['personOne', 'tanger', 'kenitra', 'tangerList'] as const) await fresh(name, (data) => first(data) !== 'ref-news');
    // A removal changes only the responses that held the article.
    await stillCached('personTwo', 'rabat', 'rabatList', 'sectionA', 'people', 'categories', 'regions');
  });
});

describe('response store', () => {
  it('does not store a response computed before a purge (it may hold what was purged)', async () => {
    const store = new MemoryResponseStore(1024 * 1024);
    const entry = { body: '{}', etag: '"e"', storedAt: Date.now(), maxAge: 60 };
    const { epoch } = await store.lookup('k');
    await store.purge(['Ticker:1']);
    expect(await store.store('k', entry, ['Ticker:1'], epoch)).toBe(false);
    const after = await store.lookup('k');
    expect(await store.store('k', entry, ['Ticker:1'], after.epoch)).toBe(true);
    expect((await store.lookup('k')).entry?.body).toBe('{}');
  });

  it('evicts the least recently used responses past its size', async () => {
    const store = new MemoryResponseStore(25);
    const entry = (body: string) => ({ body, etag: '"e"', storedAt: Date.now(), maxAge: 60 });
    const { epoch } = await store.lookup('a');
    await store.store('a', entry('x'.repeat(10)), ['A'], epoch);
    await store.store('b', entry('y'.repeat(10)), ['B'], epoch);
    await store.lookup('a');
    await store.store('c', entry('z'.repeat(10)), ['C'], epoch);
    expect((await store.lookup('a')).entry?.body).toBe('x'.repeat(10));
    expect((await store.lookup('b')).entry).toBeUndefined();
    expect(await store.purge(['A', 'B'])).toBe(1);
  });
});
