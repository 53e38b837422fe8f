import { startTestApp, type TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { A_BODY, CORRECT, CREATE, ok, PUBLISH, RETRACT } from '../support/editorial';
import { getFeed, parseJsonFeed, parseXml, RFC_3339, RFC_822, textOf, titlesIn } from '../support/feeds';
import { eventually } from '../support/eventually';
import { upload } from '../support/media';
import { telltaleJpeg } from '../support/images';

const PUBLIC_URL = 'https://khabar.example';
const HUB = 'https://hub.example/websub';
const FORMATS = ['rss', 'atom', 'json'] as const;

describe('feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let origin: string;
  let editor: string;
  const feed = (path: string, headers?: Record<string, string>) => getFeed(origin, path, headers);

  beforeAll(async () => {
    app = await startTestApp({ publicUrl: PUBLIC_URL, websubHubs: [HUB] });
    make = factories(app);
    origin = app.url.replace(/\/graphql$/, '');
    editor = await app.token('EDITOR', 'Salma Editor');
  });
  afterAll(() => app.stop());
  beforeEach(() => app.sql('TRUNCATE article, ticker, person, category, event_outbox CASCADE'));

  it('lists the newest 50 published articles, newest first, in three formats every parser reads, with RFC 822 and RFC 3339 dates', async () => {
    const base = Date.parse('2026-11-01T08:00:00Z');
    for (let n = 0; n < 55; n += 1) await make.article({ title: `خبر رقم ${n}`, publishedAt: new Date(base + n * 60_000) });
    await make.article({ title: 'مسودة', status: 'DRAFT' });
    await make.article({ title: 'مجدول', status: 'SCHEDULED', publishedAt: new Date(Date.now() + 3_600_000) });
    const newestFirst = Array.from({ length: 50 }, (_, i) => `خبر رقم ${54 - i}`);

    const rss = await feed('/feeds/latest.rss');
    expect(rss.status).toBe(200);
    expect(rss.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const channel = parseXml(rss.body).rss.channel;
    expect(channel.item.map((item: any) => textOf(item.title))).toEqual(newestFirst);
    expect(channel.language).toBe('ar');
    expect(channel.item[0].pubDate).toMatch(RFC_822);
    expect(new Date(channel.item[0].pubDate).toISOString()).toBe(new Date(base + 54 * 60_000).toISOString());
    expect(channel.lastBuildDate).toMatch(RFC_822);
    expect(textOf(channel.item[0].guid)).toMatch(new RegExp(`^${PUBLIC_URL}/article/`));
    expect(channel['atom:link'].map((link: any) => [link['@rel'], link['@href']])).toEqual([
      ['self', `${PUBLIC_URL}/feeds/latest.rss`], ['hub', HUB],
    ]);

    const atom = await feed('/feeds/latest.atom');
    expect(atom.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const doc = parseXml(atom.body).feed;
    expect(doc['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(doc.entry.map((entry: any) => textOf(entry.title))).toEqual(newestFirst);
    expect(doc.updated).toMatch(RFC_3339);
    expect(doc.entry[0].published).toMatch(RFC_3339);
    expect(doc.entry[0].updated).toMatch(RFC_3339);
    expect(new Date(doc.entry[0].published).getTime()).toBe(base + 54 * 60_000);
    expect(doc.link.map((link: any) => [link['@rel'], link['@href']])).toEqual([
      ['self', `${PUBLIC_URL}/feeds/latest.atom`], ['alternate', `${PUBLIC_URL}/`], ['hub', HUB],
    ]);

    const json = await feed('/feeds/latest.json');
    expect(json.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const parsed = parseJsonFeed(json.body);
    expect(parsed.items.map((item: any) => item.title)).toEqual(newestFirst);
    expect(parsed.items[0].date_published).toBe(new Date(base + 54 * 60_000).toISOString());
    expect(parsed.feed_url).toBe(`${PUBLIC_URL}/feeds/latest.json`);
    expect(parsed.hubs).toEqual([{ type: 'WebSub', url: HUB }]);
  });

  it('escapes Arabic, & and < in titles and summaries so that parsers read them back as written', async () => {
    const title = 'حيار & بنموسى <عاجل> "تصريح" \'خاص\'';
    const summary = 'ملخص: 5 < 7 & R&D';
    await make.article({ title, summary, tags: ['تعليم & تكوين'] });
    for (const format of FORMATS) {
      const { body } = await feed(`/feeds/latest.${format}`);
      expect(titlesIn(format, body)).toEqual([title]);
    }
    const rss = parseXml((await feed('/feeds/latest.rss')).body).rss.channel.item[0];
    expect(textOf(rss.description)).toBe(summary);
    expect(rss.category.map(textOf)).toEqual(['تعليم & تكوين']);
    const atom = parseXml((await feed('/feeds/latest.atom')).body).feed.entry[0];
    expect(textOf(atom.summary)).toBe(summary);
    expect(atom.category.map((c: any) => c['@term'])).toEqual(['تعليم & تكوين']);
    expect(parseJsonFeed((await feed('/feeds/latest.json')).body).items[0]).toMatchObject({ summary, tags: ['تعليم & تكوين'] });
  });

  it('gives a region its sub-regions\' articles, newest first and each once, and a province only its own', async () => {
    const at = (minutes: number) => new Date(Date.parse('2026-11-03T08:00:00Z') + minutes * 60_000);
    await make.article({ title: 'في القنيطرة', regionCodes: ['MA-KEN'], publishedAt: at(1) });
    await make.article({ title: 'في الرباط سلا القنيطرة', regionCodes: ['MA-04'], publishedAt: at(3) });
    await make.article({ title: 'في الجهة وإقليمها', regionCodes: ['MA-04', 'MA-KEN'], publishedAt: at(2) });
    await make.article({ title: 'À Kénitra', lang: 'fr', regionCodes: ['MA-KEN'], publishedAt: at(0) });
    await make.article({ title: 'في مراكش', regionCodes: ['MA-07'], publishedAt: at(4) });
    await make.article({ title: 'مسودة في القنيطرة', status: 'DRAFT', regionCodes: ['MA-KEN'] });
    await make.article({ title: 'مجدول في القنيطرة', status: 'SCHEDULED', regionCodes: ['MA-KEN'], publishedAt: new Date(Date.now() + 3_600_000) });
    for (const format of FORMATS) {
      expect(titlesIn(format, (await feed(`/feeds/region/MA-04.${format}`)).body))
        .toEqual(['في الرباط سلا القنيطرة', 'في الجهة وإقليمها', 'في القنيطرة', 'À Kénitra']);
      expect(titlesIn(format, (await feed(`/feeds/region/MA-KEN.${format}`)).body)).toEqual(['في الجهة وإقليمها', 'في القنيطرة', 'À Kénitra']);
    }
    expect(titlesIn('rss', (await feed('/feeds/region/MA-04.rss?lang=fr')).body)).toEqual(['À Kénitra']);
    expect(titlesIn('rss', (await feed('/feeds/region/MA-04.rss?lang=ar')).body)).toEqual(['في الرباط سلا القنيطرة', 'في الجهة وإقليمها', 'في القنيطرة']);
    // Codes in any case, the canonical self link.
    const lower = parseXml((await feed('/feeds/region/ma-04.rss')).body).rss.channel;
    expect(lower['atom:link'][0]['@href']).toBe(`${PUBLIC_URL}/feeds/region/MA-04.rss`);
    expect(textOf(lower.title)).toContain('الرباط');
    expect(textOf(lower.link)).toBe(`${PUBLIC_URL}/region/MA-04`);
  });

  it('has a feed per person, section and tag, and narrows any feed to one language with ?lang=', async () => {
    const person = await make.person({ slug: 'awatif-hayar', nameAr: 'عواطف حيار' });
    const section = await make.category({ slug: 'politique', nameAr: 'سياسة', nameFr: 'Politique' });
    await make.article({ title: 'حيار في البرلمان', personIds: [person.id], categoryId: section.id, tags: ['برلمان'] });
    await make.article({ title: 'Hayar au Parlement', lang: 'fr', personIds: [person.id], tags: ['برلمان'] });
    await make.article({ title: 'خبر آخر', categoryId: section.id });
    await make.article({ title: 'مسودة حيار', status: 'DRAFT', personIds: [person.id], categoryId: section.id, tags: ['برلمان'] });

    const titles = async (path: string) => titlesIn('json', (await feed(path)).body).sort();
    expect(await titles('/feeds/person/awatif-hayar.json')).toEqual(['Hayar au Parlement', 'حيار في البرلمان'].sort());
    expect(await titles('/feeds/category/politique.json')).toEqual(['حيار في البرلمان', 'خبر آخر'].sort());
    expect(await titles(`/feeds/tag/${encodeURIComponent('برلمان')}.json`)).toEqual(['Hayar au Parlement', 'حيار في البرلمان'].sort());
    expect(await titles('/feeds/person/awatif-hayar.json?lang=fr')).toEqual(['Hayar au Parlement']);
    expect(await titles('/feeds/latest.json?lang=fr')).toEqual(['Hayar au Parlement']);
    expect(await titles('/feeds/latest.json?lang=ar')).toEqual(['حيار في البرلمان', 'خبر آخر'].sort());

    const french = parseXml((await feed('/feeds/category/politique.rss?lang=fr')).body).rss.channel;
    expect(french.language).toBe('fr');
    expect(textOf(french.title)).toBe('Khabar: Politique');
    expect(french['atom:link'][0]['@href']).toBe(`${PUBLIC_URL}/feeds/category/politique.rss?lang=fr`);
    expect(parseJsonFeed((await feed(`/feeds/tag/${encodeURIComponent('برلمان')}.json`)).body).feed_url)
      .toBe(`${PUBLIC_URL}/feeds/tag/${encodeURIComponent('برلمان')}.json`);
  });

  it('shows the lead picture as media:content in RSS, an enclosure in Atom and the image of JSON Feed: a 16:9 JPEG that is served', async () => {
    const uploaded = await upload(app, editor, await telltaleJpeg({ width: 1600, height: 1200 }),
      { alt: [{ lang: 'ar', text: 'سد & قناة' }], credit: 'MAP' });
    const photo = uploaded.data.uploadImage.id;
    const { createArticle } = await ok(app, CREATE, { input: { title: 'سد جديد', body: A_BODY, leadImageId: photo } }, editor);
    await ok(app, PUBLISH, { id: createArticle.id }, editor);

    const item = parseXml((await feed('/feeds/latest.rss')).body).rss.channel.item[0];
    const media = item['media:content'];
    expect(media).toMatchObject({ '@medium': 'image', '@type': 'image/jpeg', '@width': '1280', '@height': '720' });
    expect(textOf(media['media:description'])).toBe('سد & قناة');
    expect(textOf(media['media:credit'])).toBe('MAP');
    expect(media['@url']).toMatch(new RegExp(`^${PUBLIC_URL}/media/\\d+/16x9-1280-[\\w-]{16}\\.jpg$`));
    const file = await fetch(`${origin}${media['@url'].slice(PUBLIC_URL.length)}`);
    expect([file.status, file.headers.get('content-type')]).toEqual([200, 'image/jpeg']);

    const entry = parseXml((await feed('/feeds/latest.atom')).body).feed.entry[0];
    expect(entry.link.map((link: any) => [link['@rel'], link['@href']])).toEqual([
      ['alternate', textOf(item.link)], ['enclosure', media['@url']],
    ]);
    expect(parseJsonFeed((await feed('/feeds/latest.json')).body).items[0].image).toBe(media['@url']);
  });

  it('answers unknown feeds with 404 and bad input with 400 naming it', async () => {
    expect((await feed('/feeds/region/MA-99.rss')).status).toBe(404);
    expect((await feed('/feeds/person/nobody.atom')).status).toBe(404);
    expect((await feed('/feeds/category/nothing.json')).status).toBe(404);
    expect((await feed('/feeds/latest.xml')).status).toBe(404);
    const badLang = await feed('/feeds/latest.rss?lang=de');
    expect([badLang.status, badLang.body]).toEqual([400, 'lang: lang must be "ar", "fr", "en" or "zgh".\n']);
    const badCode = await feed('/feeds/region/Rabat.rss');
    expect(badCode.status).toBe(400);
    expect(badCode.body).toMatch(/^region: /);
    // A tag nobody used yet is an empty feed, not an error: it fills when the first article carries it.
    expect(titlesIn('rss', (await feed('/feeds/tag/new.rss')).body)).toEqual([]);
  });

  it('sends ETag and Last-Modified, and 304 to a reader that has the current version', async () => {
    const at = new Date('2026-11-02T10:00:00Z');
    await make.article({ title: 'أول', publishedAt: at });
    await app.sql('UPDATE article SET updated_at = published_at');
    const first = await feed('/feeds/latest.atom');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('last-modified')).toBe(at.toUTCString());
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');

    const again = await feed('/feeds/latest.atom', { 'if-none-match': etag });
    expect([again.status, again.body, again.headers.get('etag')]).toEqual([304, '', etag]);
    expect((await feed('/feeds/latest.atom', { 'if-modified-since': at.toUTCString() })).status).toBe(304);
    expect((await feed('/feeds/latest.atom', { 'if-none-match': '"other"' })).status).toBe(200);

    await make.article({ title: 'ثان', publishedAt: new Date('2026-11-02T11:00:00Z') });
    await app.sql('UPDATE article SET updated_at = published_at');
    const changed = await feed('/feeds/latest.atom', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect((await feed('/feeds/latest.atom', { 'if-modified-since': at.toUTCString() })).status).toBe(200);
  });

  it('reads a feed in one statement whatever its size or kind', async () => {
    const person = await make.person({ slug: 'counted' });
    const section = await make.category({ slug: 'counted' });
    const counts = async () => Promise.all(['latest', 'region/MA-04', 'person/counted', 'category/counted', 'tag/counted']
      .map(async (name) => (await feed(`/feeds/${name}.rss?lang=ar`)).sqlStatements));
    for (let n = 0; n < 3; n += 1) {
      await make.article({ personIds: [person.id], categoryId: section.id, regionCodes: ['MA-KEN'], tags: ['counted'] });
    }
    expect(await counts()).toEqual([1, 1, 1, 1, 1]);
    for (let n = 0; n < 60; n += 1) {
      await make.article({ personIds: [person.id], categoryId: section.id, regionCodes: ['MA-KEN'], tags: ['counted'] });
    }
    expect(await counts()).toEqual([1, 1, 1, 1, 1]);
    expect(titlesIn('rss', (await feed('/feeds/person/counted.rss')).body)).toHaveLength(50);
  });

  describe('kept in the response cache', () => {
    let cached: TestApp;
    let cachedOrigin: string;
    const fromCache = (path: string) => getFeed(cachedOrigin, path);

    beforeAll(async () => {
      cached = await app.instance({ edge: { responseCache: true } });
      cachedOrigin = cached.url.replace(/\/graphql$/, '');
    });
    afterAll(() => cached.stop());

    async function publish(input: Record<string, unknown>) {
      const { createArticle } = await ok(cached, CREATE, { input: { summary: 'ملخص', body: A_BODY, ...input } }, editor);
      return (await ok(cached, PUBLISH, { id: createArticle.id }, editor)).publishArticle;
    }

    const formatOf = (path: string) => (path.includes('.json') ? 'json' : path.includes('.atom') ? 'atom' : 'rss');
    /** Until every feed of `paths` shows `titles` (their purge happened), then the rest are still answered from the cache. */
    async function expectPurgedOnly(paths: string[], others: string[], titles: string[], what: string) {
      for (const path of paths) {
        await eventually(async () => titlesIn(formatOf(path), (await fromCache(path)).body), (now) => JSON.stringify(now) === JSON.stringify(titles),
          { what: `${path} to be purged after ${what}`, timeoutMs: 15_000 });
      }
      for (const path of others) expect([path, (await fromCache(path)).cache]).toEqual([path, 'HIT']);
    }

    it('purges exactly the feeds a publication, a correction and a retraction change', async () => {
      await make.person({ slug: 'nizar-baraka', nameAr: 'نزار بركة' });
      await make.category({ slug: 'economie' });
      await make.category({ slug: 'sport' });
      const joined = ['/feeds/latest.rss', '/feeds/latest.rss?lang=ar', '/feeds/region/MA-04.atom', '/feeds/region/MA-KEN.json',
        '/feeds/person/nizar-baraka.rss', '/feeds/category/economie.json', `/feeds/tag/${encodeURIComponent('ماء')}.rss`];
      const others = ['/feeds/latest.json?lang=fr', '/feeds/region/MA-07.rss', '/feeds/category/sport.rss', '/feeds/tag/other.rss'];
      const warm = async () => {
        for (const path of [...joined, ...others]) await eventually(() => fromCache(path), (res) => res.cache === 'HIT', { what: `${path} to be kept`, timeoutMs: 15_000 });
      };
      await warm();

      const article = await publish({
        title: 'بركة يتفقد سد & قناة <الري>', regionCodes: ['MA-KEN'], personSlugs: ['nizar-baraka'], categorySlug: 'economie', tags: ['ماء'],
      });
      await expectPurgedOnly(joined, others, ['بركة يتفقد سد & قناة <الري>'], 'the publication');

      await warm();
      await ok(cached, CORRECT, { id: article.id, expectedVersion: 2, input: { title: 'بركة يتفقد سد وادي سبو' }, note: 'صحح العنوان.' }, editor);
      await expectPurgedOnly(joined, others, ['بركة يتفقد سد وادي سبو'], 'the correction');

      await warm();
      await ok(cached, RETRACT, { id: article.id, note: 'سحب المقال.' }, editor);
      await expectPurgedOnly(joined, others, [], 'the retraction');
    });

    it('answers a kept feed without the database, with its ETag and 304', async () => {
      await make.article({ title: 'محفوظ', tags: ['kept'] });
      const first = await fromCache('/feeds/tag/kept.atom');
      expect([first.cache, first.sqlStatements]).toEqual(['MISS', 1]);
      // A read racing a purge (the last events of the test before) is served but not kept: the first hit may take another read.
      const second = await eventually(() => fromCache('/feeds/tag/kept.atom'), (res) => res.cache === 'HIT', { what: 'the feed to be kept', timeoutMs: 15_000 });
      expect(second.sqlStatements).toBe(0);
      expect(second.body).toBe(first.body);
      expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(second.headers.get('last-modified')).toBe(first.headers.get('last-modified'));
      const notModified = await getFeed(cachedOrigin, '/feeds/tag/kept.atom', { 'if-none-match': first.headers.get('etag')! });
      expect([notModified.status, notModified.cache]).toEqual([304, 'HIT']);
    });
  });
});
