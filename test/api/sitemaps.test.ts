import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { sitePaths } from '../../src/shared/site-paths';
import { factories } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually } from '../support/eventually';
import { A_BODY, CORRECT, CREATE, ok, PUBLISH, RETRACT } from '../support/editorial';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const PUBLIC_URL = 'https://khabar.example.ma';
const HOUR = 3_600_000;

/** An independent XML parser (fast-xml-parser): entities decoded, repeated elements always lists. */
const xml = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => ['url', 'sitemap', 'image:image', 'xhtml:link'].includes(name) });

interface NewsUrl {
  loc: string;
  'news:news': {
    'news:publication': { 'news:name': string; 'news:language': string };
    'news:publication_date': string;
    'news:title': string;
  };
}

describe('sitemaps and robots.txt', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let editor: string;
  let origin: string;

  beforeAll(async () => {
    // Without the response cache (set-ups write rows behind its back); the purge test starts an instance with it.
    app = await startTestApp({ publicUrl: PUBLIC_URL });
    make = factories(app);
    editor = await app.token('EDITOR', 'Salma Bennani');
    origin = new URL(app.url).origin;
  });
  afterAll(() => app.stop());
  beforeEach(() => app.sql('TRUNCATE article, ticker, person, category, event_outbox CASCADE'));

  async function document(path: string, at = origin) {
    const res = await fetch(`${at}${path}`);
    const text = await res.text();
    expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, 'application/xml; charset=utf-8']);
    expect(XMLValidator.validate(text)).toBe(true);
    return { res, text, parsed: xml.parse(text) };
  }
  const newsUrls = async (at = origin): Promise<NewsUrl[]> => (await document('/sitemap-news.xml', at)).parsed.urlset.url ?? [];
  const pageUrl = (slug: string) => `${PUBLIC_URL}${sitePaths.article(slug)}`;

  it('robots.txt names the sitemap index and the news sitemap', async () => {
    const res = await fetch(`${origin}/robots.txt`);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const lines = (await res.text()).split('\n');
    expect(lines).toEqual(expect.arrayContaining(['User-agent: *', 'Disallow: /graphql', `Sitemap: ${PUBLIC_URL}/sitemap.xml`, `Sitemap: ${PUBLIC_URL}/sitemap-news.xml`]));
  });

  it('the news sitemap lists the articles of the last 48 hours only, newest first, with publication, language, date with offset and title', async () => {
    const now = Date.now();
    const title = 'حيار & الشركاء <يعرضون> "الاستراتيجية" \'الجديدة\'';
    await make.article({ slug: 'newest', title, publishedAt: new Date(now - HOUR) });
    await make.article({ slug: 'hayar-fr', lang: 'fr', title: 'Hayar présente sa stratégie', publishedAt: new Date(now - 2 * HOUR) });
    await make.article({ slug: 'two-days-less-an-hour', publishedAt: new Date(now - 47 * HOUR) });
    await make.article({ slug: 'too-old', publishedAt: new Date(now - 49 * HOUR) });
    await make.article({ slug: 'a-draft', status: 'DRAFT' });
    await make.article({ slug: 'scheduled', status: 'SCHEDULED', publishedAt: new Date(now + HOUR) });
    await make.article({ slug: 'archived', status: 'ARCHIVED', publishedAt: new Date(now - 3 * HOUR) });

    const { text, parsed } = await document('/sitemap-news.xml');
    expect(parsed.urlset['@_xmlns:news']).toBe('http://www.google.com/schemas/sitemap-news/0.9');
    const urls: NewsUrl[] = parsed.urlset.url;
    expect(urls.map((u) => u.loc)).toEqual([pageUrl('newest'), pageUrl('hayar-fr'), pageUrl('two-days-less-an-hour')]);
    expect(urls[0]['news:news']).toEqual({
      'news:publication': { 'news:name': 'خبر', 'news:language': 'ar' },
      'news:publication_date': expect.stringMatching(ISO_WITH_OFFSET),
      'news:title': title,
    });
    expect(urls[1]['news:news']['news:publication']['news:language']).toBe('fr');
    for (const url of urls) {
      const published = Date.parse(url['news:news']['news:publication_date']);
      expect(now - published).toBeLessThan(48 * HOUR);
    }
    // The title's & and < are escaped in the document, its Arabic written as is.
    expect(text).toContain('حيار &amp; الشركاء &lt;يعرضون&gt;');
  });

  it('the news sitemap stops at 1,000 URLs', async () => {
    const now = Date.now();
    await app.sql(`INSERT INTO article (slug, title, lang, status, published_at, body)
      SELECT 'bulk-' || n, 'خبر رقم ' || n, 'ar', 'PUBLISHED', now() - n * interval '1 minute', '[]'::jsonb FROM generate_series(1, 1005) AS n`);
    const urls = await newsUrls();
    expect(urls).toHaveLength(1000);
    expect(urls[0].loc).toBe(pageUrl('bulk-1'));
    expect(urls[999].loc).toBe(pageUrl('bulk-1000'));
    expect(now - Date.parse(urls[999]['news:news']['news:publication_date'])).toBeGreaterThan(990 * 60_000);
  });

  it('the sitemap index lists one sitemap per day of the archive (Casablanca days), each listing that day\'s articles', async () => {
    // 23:30 UTC on 4 February 2022 is already the 5th in Casablanca (UTC+1).
    await make.article({ slug: 'late-on-the-4th-utc', publishedAt: new Date('2022-02-04T23:30:00Z') });
    await make.article({ slug: 'morning-of-the-5th', publishedAt: new Date('2022-02-05T08:00:00Z') });
    const fourth = await make.article({ slug: 'on-the-4th', publishedAt: new Date('2022-02-04T12:00:00Z') });
    await make.article({ slug: 'le-4', lang: 'fr', publishedAt: new Date('2022-02-04T13:00:00Z'), translationOf: fourth.id });
    await make.article({ slug: 'draft-of-the-4th', status: 'DRAFT', publishedAt: null });
    await make.article({ slug: 'ارشيف-عربي', publishedAt: new Date('2021-12-31T10:00:00Z') });

    const { parsed } = await document('/sitemap.xml');
    const sitemaps: { loc: string; lastmod: string }[] = parsed.sitemapindex.sitemap;
    expect(sitemaps.map((s) => s.loc)).toEqual([`${PUBLIC_URL}/sitemaps/2022-02-05.xml`, `${PUBLIC_URL}/sitemaps/2022-02-04.xml`, `${PUBLIC_URL}/sitemaps/2021-12-31.xml`]);
    for (const sitemap of sitemaps) expect(sitemap.lastmod).toMatch(ISO_WITH_OFFSET);

    const day = async (name: string) => ((await document(`/sitemaps/${name}.xml`)).parsed.urlset.url as { loc: string; lastmod: string }[]);
    expect((await day('2022-02-05')).map((u) => u.loc)).toEqual([pageUrl('morning-of-the-5th'), pageUrl('late-on-the-4th-utc')]);
    const ofThe4th = await day('2022-02-04');
    expect(ofThe4th.map((u) => u.loc)).toEqual([pageUrl('le-4'), pageUrl('on-the-4th')]);
    // Each language version names every one, itself included (hreflang), as its page does.
    const alternates = [{ '@_rel': 'alternate', '@_hreflang': 'ar', '@_href': pageUrl('on-the-4th') }, { '@_rel': 'alternate', '@_hreflang': 'fr', '@_href': pageUrl('le-4') }];
    expect(ofThe4th.map((u: any) => u['xhtml:link'])).toEqual([alternates, alternates]);
    expect((await day('2022-02-05'))[0]).not.toHaveProperty('xhtml:link');
    const arabic = await day('2021-12-31');
    expect(arabic.map((u) => u.loc)).toEqual([pageUrl('ارشيف-عربي')]);
    expect(arabic[0].loc).toMatch(/^https:\/\/khabar\.example\.ma\/article\/(%[0-9A-F]{2}|-)+$/);
    expect(arabic[0].lastmod).toMatch(ISO_WITH_OFFSET);

    for (const missing of ['2022-02-06', '2022-13-01', 'latest', '2022-02-04.xml']) {
      expect([missing, (await fetch(`${origin}/sitemaps/${missing}.xml`)).status]).toEqual([missing, 404]);
    }
  });

  it('publishing, correcting and retracting update the sitemaps at once, through the response cache', async () => {
    // Sitemaps are kept in the response cache: the outbox events of the editorial writes must purge them.
    const cached = await app.instance({ edge: { responseCache: true } });
    try {
      const at = new URL(cached.url).origin;
      const news = () => newsUrls(at);
      expect(await news()).toEqual([]);
      const { createArticle } = await ok(app, CREATE, { input: { title: 'حيار تعرض استراتيجية وزارتها', summary: 'ملخص', body: A_BODY } }, editor);
      await ok(app, PUBLISH, { id: createArticle.id }, editor);
      const url = pageUrl(createArticle.slug);
      await eventually(async () => (await news()).map((u) => u.loc), (locs) => locs.includes(url), { what: 'the published article in the news sitemap' });
      const kept = await eventually(() => fetch(`${at}/sitemap-news.xml`), (res) => res.headers.get('x-khabar-cache') === 'HIT', { what: 'the sitemap kept' });
      expect((await fetch(`${at}/sitemap-news.xml`, { headers: { 'if-none-match': kept.headers.get('etag')! } })).status).toBe(304);

      await ok(app, CORRECT, { id: createArticle.id, expectedVersion: 2, input: { title: 'عواطف حيار تعرض استراتيجية وزارتها' }, note: 'صُحّح الاسم.' }, editor);
      await eventually(async () => (await news())[0]?.['news:news']['news:title'], (t) => t === 'عواطف حيار تعرض استراتيجية وزارتها', { what: 'the corrected title' });

      const [{ day }] = await app.sql(`SELECT to_char(published_at AT TIME ZONE 'Africa/Casablanca', 'YYYY-MM-DD') AS day FROM article`);
      expect(((await document(`/sitemaps/${day}.xml`, at)).parsed.urlset.url as { loc: string }[]).map((u) => u.loc)).toEqual([url]);
      expect((await document('/sitemap.xml', at)).parsed.sitemapindex.sitemap.map((s: { loc: string }) => s.loc)).toEqual([`${PUBLIC_URL}/sitemaps/${day}.xml`]);
      await ok(app, RETRACT, { id: createArticle.id, note: 'سحب.' }, editor);
      await eventually(async () => (await news()).length, (n) => n === 0, { what: 'the retracted article out of the news sitemap' });
      await eventually(async () => (await fetch(`${at}/sitemaps/${day}.xml`)).status, (status) => status === 404, { what: 'its day without it' });
    } finally {
      await cached.stop();
    }
  });

  it('reads each sitemap in a constant number of statements, however many articles and days it lists', async () => {
    const counts = async () => Promise.all(['/sitemap-news.xml', '/sitemap.xml', '/sitemaps/2022-02-04.xml'].map(async (path) =>
      Number((await fetch(`${origin}${path}`)).headers.get('x-khabar-sql-statements'))));
    const now = Date.now();
    await make.article({ publishedAt: new Date(now - HOUR) });
    await make.article({ publishedAt: new Date('2022-02-04T12:00:00Z') });
    const few = await counts();
    for (let i = 2; i < 30; i += 1) await make.article({ publishedAt: new Date(now - i * HOUR) });
    for (let i = 0; i < 30; i += 1) await make.article({ publishedAt: new Date(Date.UTC(2022, 1, 4 - i, 12)) });
    // One statement each, and the translations of a day's articles one more; pictures add one (read for all at once).
    expect({ few, many: await counts() }).toEqual({ few: [1, 1, 2], many: [1, 1, 2] });
  });
});
