import { sitePaths } from '../../src/shared/site-paths';
import { factories } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { attr, parsePage, textOf } from '../support/html';
import { eventually } from '../support/eventually';
import { A_BODY, CORRECT, CREATE, ok, PUBLISH, RETRACT } from '../support/editorial';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
/**
 * Statements of one article page, however many people, places, paragraphs and translations it has: the article with its
 * section, places and people; the people's and the section's whole rows (structured data); corrections; live coverage;
 * hreflang alternates (a lead picture and pictures in the body add one each).
 */
const ARTICLE_PAGE_STATEMENTS = 6;

describe('article pages served as HTML at /article/<slug>', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let editor: string;
  let origin: string;

  beforeAll(async () => {
    // Pages are kept in the response cache like anonymous queries: publishing, correcting and retracting must purge them.
    app = await startTestApp({ edge: { responseCache: true }, publicUrl: 'https://khabar.example.ma' });
    make = factories(app);
    editor = await app.token('EDITOR', 'Salma Bennani');
    origin = new URL(app.url).origin;
  });
  afterAll(() => app.stop());
  beforeEach(() => app.sql('TRUNCATE article, ticker, person, category, event_outbox CASCADE'));

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${origin}${path}`, { headers, redirect: 'manual' });
  async function page(slug: string) {
    const res = await get(sitePaths.article(slug));
    return { res, html: await res.text() };
  }

  it('renders the headline, date line, body, section, places and people readable with scripts off, with its head for crawlers and link previews', async () => {
    const person = await make.person({ slug: 'awatif-hayar', nameAr: 'عواطف حيار', nameLatin: 'Aawatif Hayar' });
    const category = await make.category({ slug: 'societe', nameAr: 'مجتمع' });
    const title = 'حيار & الشركاء <b>يعرضون</b> "الاستراتيجية" $1 </script>';
    const id = await make.article({
      title, slug: 'حيار-تعرض-الاستراتيجية', summary: 'ملخص المقال & <تفاصيل>', kicker: 'الرباط',
      body: [{ type: 'PARAGRAPH', text: 'الفقرة الأولى.' }, { type: 'HEADING', text: 'عنوان فرعي' }, { type: 'QUOTE', text: 'اقتباس.' }],
      personIds: [person.id], regionCodes: ['MA-04'], categoryId: category.id, tags: ['تضامن'], publishedAt: new Date('2022-02-04T17:00:00Z'),
    });
    const { res, html } = await page('حيار-تعرض-الاستراتيجية');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    // Markup in a headline is text: escaped in the HTML, never an element.
    expect(html).not.toContain('<b>يعرضون</b>');
    expect(html).toContain('&lt;b&gt;يعرضون&lt;/b&gt;');

    const doc = parsePage(html);
    expect([attr(doc.root, 'lang'), attr(doc.root, 'dir')]).toEqual(['ar', 'rtl']);
    expect(doc.all((e) => e.tagName === 'b')).toEqual([]);
    expect(textOf(doc.byId('article-title')!)).toBe(title.replace(/\s+/g, ' '));
    expect(textOf(doc.byId('article-kicker')!)).toBe('الرباط');
    expect(textOf(doc.byId('article-date')!)).toBe('الجمعة 04 فبراير 2022 على الساعة 18:00');
    const time = doc.all((e) => e.tagName === 'time')[0];
    expect(attr(time, 'datetime')).toBe('2022-02-04T18:00:00+01:00');
    expect(textOf(doc.byId('article-summary')!)).toBe('ملخص المقال & <تفاصيل>');
    expect(textOf(doc.byId('article-body')!)).toBe('الفقرة الأولى. عنوان فرعي اقتباس.');
    expect(doc.byId('article-view')!.attrs.some((a) => a.name === 'hidden')).toBe(false);
    expect(attr(doc.byId('latest-view')!, 'hidden')).toBe('');
    expect(doc.all((e) => e.tagName === 'a' && attr(e, 'href') === '/person/awatif-hayar').map(textOf)).toEqual(['عواطف حيار']);
    expect(doc.all((e) => e.tagName === 'a' && attr(e, 'href') === '/category/societe').map(textOf)).toEqual(['مجتمع']);
    expect(doc.all((e) => e.tagName === 'a' && attr(e, 'href') === '/region/MA-04')).toHaveLength(1);
    // The front page's script comes with it and takes over.
    expect(doc.all((e) => e.tagName === 'script' && attr(e, 'type') === 'module').map((e) => attr(e, 'src'))).toEqual([expect.stringMatching(/^\/assets\/front\/main-/)]);

    const url = `https://khabar.example.ma${sitePaths.article('حيار-تعرض-الاستراتيجية')}`;
    expect(textOf(doc.all((e) => e.tagName === 'title')[0])).toBe(`${title.replace(/\s+/g, ' ')} · خبر`);
    expect(doc.links('canonical')).toEqual([{ href: url }]);
    expect(doc.meta('description')).toEqual(['ملخص المقال & <تفاصيل>']);
    expect(doc.meta('robots')).toEqual([]);
    expect(doc.meta('og:title')).toEqual([title]);
    expect(doc.meta('og:url')).toEqual([url]);
    expect(doc.meta('og:type')).toEqual(['article']);
    expect(doc.meta('article:published_time')).toEqual(['2022-02-04T18:00:00+01:00']);
    expect(doc.meta('twitter:card')).toEqual(['summary']);
    expect(doc.meta('og:image')).toEqual([]);
    // An article alone has no translation to name.
    expect(doc.links('alternate')).toEqual([]);

    const [jsonLd, ...more] = doc.jsonLd();
    expect(more).toEqual([]);
    expect(jsonLd).toMatchObject({
      '@context': 'https://schema.org', '@type': 'NewsArticle', url, headline: title, description: 'ملخص المقال & <تفاصيل>', inLanguage: 'ar',
      datePublished: '2022-02-04T18:00:00+01:00', dateModified: expect.stringMatching(ISO_WITH_OFFSET), articleSection: 'مجتمع', keywords: ['تضامن'],
      mentions: [{ '@type': 'Person', name: 'عواطف حيار', alternateName: 'Aawatif Hayar', url: 'https://khabar.example.ma/person/awatif-hayar' }],
      publisher: { '@type': 'NewsMediaOrganization', name: 'خبر', logo: { '@type': 'ImageObject', url: 'https://khabar.example.ma/assets/favicon.svg' } },
      author: [{ '@type': 'Organization', name: 'خبر' }],
      articleBody: 'الفقرة الأولى.\n\nعنوان فرعي\n\nاقتباس.',
    });
    expect(jsonLd).not.toHaveProperty('image');
    expect(jsonLd).not.toHaveProperty('correction');
    // No text can close the JSON-LD's script element.
    const script = html.slice(html.indexOf('application/ld+json'));
    expect(script.slice(0, script.indexOf('</script>'))).not.toMatch(/<|&(?!quot;)/);

    // The graph gives headless clients the same structured data.
    const graph = await app.gql('query($slug: String!) { article(slug: $slug) { structuredData } }', { slug: 'حيار-تعرض-الاستراتيجية' });
    expect(graph.data.article.structuredData).toEqual(jsonLd);
    expect(id.slug).toBe('حيار-تعرض-الاستراتيجية');
  });

  it('redirects any other spelling of the address to the canonical one with 301: lower-case escapes, another Unicode normalization', async () => {
    await make.article({ slug: 'إلى-اعتماد-مخطط' });
    const canonical = sitePaths.article('إلى-اعتماد-مخطط');
    expect(canonical).toBe('/article/%D8%A5%D9%84%D9%89-%D8%A7%D8%B9%D8%AA%D9%85%D8%A7%D8%AF-%D9%85%D8%AE%D8%B7%D8%B7');
    const lower = await get(canonical.toLowerCase());
    expect([lower.status, lower.headers.get('location')]).toEqual([301, canonical]);
    // إ written as ا and a hamza below (NFD), as some keyboards and copy-pastes give it.
    const decomposed = await get(`/article/${encodeURIComponent('إلى-اعتماد-مخطط'.normalize('NFD'))}`);
    expect([decomposed.status, decomposed.headers.get('location')]).toEqual([301, canonical]);
    expect((await get(canonical)).status).toBe(200);
  });

  it('answers drafts, scheduled, archived and unknown slugs with a 404 page that is never indexed', async () => {
    await make.article({ slug: 'draft-one', status: 'DRAFT' });
    await make.article({ slug: 'later-one', status: 'SCHEDULED', publishedAt: new Date(Date.now() + 3_600_000) });
    await make.article({ slug: 'archived-one', status: 'ARCHIVED' });
    for (const slug of ['draft-one', 'later-one', 'archived-one', 'no-such-article']) {
      const { res, html } = await page(slug);
      expect([slug, res.status, res.headers.get('x-robots-tag')]).toEqual([slug, 404, 'noindex']);
      const doc = parsePage(html);
      expect(doc.meta('robots')).toEqual(['noindex']);
      expect(textOf(doc.byId('notice')!)).toBe('هذا المقال غير موجود أو لم يُنشر بعد.');
      expect(doc.jsonLd()).toEqual([]);
    }
  });

  it('names the translations as hreflang alternates, each page canonical to itself', async () => {
    const ar = await make.article({ slug: 'حيار-تعرض-استراتيجية', lang: 'ar' });
    await make.article({ slug: 'hayar-presente', lang: 'fr', title: 'Hayar présente sa stratégie', translationOf: ar.id });
    await make.article({ slug: 'hayar-draft-en', lang: 'en', status: 'DRAFT', translationOf: ar.id });
    const expected = [
      { href: `https://khabar.example.ma${sitePaths.article('حيار-تعرض-استراتيجية')}`, hreflang: 'ar' },
      { href: 'https://khabar.example.ma/article/hayar-presente', hreflang: 'fr' },
    ];
    const arabic = parsePage((await page('حيار-تعرض-استراتيجية')).html);
    expect(arabic.links('alternate')).toEqual(expected);
    const french = parsePage((await page('hayar-presente')).html);
    expect(french.links('alternate')).toEqual(expected);
    expect(french.links('canonical')).toEqual([{ href: 'https://khabar.example.ma/article/hayar-presente' }]);
    expect([attr(french.root, 'lang'), attr(french.root, 'dir')]).toEqual(['fr', 'ltr']);
    expect(french.jsonLd()[0]).toMatchObject({ inLanguage: 'fr', headline: 'Hayar présente sa stratégie' });
  });

  it('keeps pages in the response cache with an ETag (304), and publishing, correcting and retracting change them', async () => {
    const { createArticle } = await ok(app, CREATE, { input: { title: 'حيار تعرض استراتيجية وزارتها', summary: 'ملخص', body: A_BODY } }, editor);
    const path = sitePaths.article(createArticle.slug);
    expect((await get(path)).status).toBe(404);
    await ok(app, PUBLISH, { id: createArticle.id }, editor);
    await eventually(async () => (await get(path)).status === 200, { what: 'the published article has its page' });

    const first = await get(path);
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const again = await get(path);
    expect([again.headers.get('x-khabar-cache'), again.headers.get('etag'), await again.text()]).toEqual(['HIT', etag, await first.text()]);
    expect((await get(path, { 'if-none-match': etag })).status).toBe(304);

    await ok(app, CORRECT, { id: createArticle.id, expectedVersion: 2, input: { title: 'عواطف حيار تعرض استراتيجية وزارتها' }, note: 'صُحّح اسم الوزيرة.' }, editor);
    let corrected = parsePage('');
    await eventually(async () => {
      corrected = parsePage((await page(createArticle.slug)).html);
      return textOf(corrected.byId('article-title')!) === 'عواطف حيار تعرض استراتيجية وزارتها';
    }, { what: 'the correction reaches the cached page' });
    expect(textOf(corrected.byId('article-body')!)).toContain('صُحّح اسم الوزيرة.');
    expect(corrected.jsonLd()[0].correction).toEqual([{ '@type': 'CorrectionComment', text: 'صُحّح اسم الوزيرة.', datePublished: expect.stringMatching(ISO_WITH_OFFSET) }]);
    expect((await get(path, { 'if-none-match': etag })).status).toBe(200);

    await ok(app, RETRACT, { id: createArticle.id, note: 'التقرير المذكور غير موجود.' }, editor);
    let retracted = parsePage('');
    await eventually(async () => {
      retracted = parsePage((await page(createArticle.slug)).html);
      return retracted.meta('robots').includes('noindex');
    }, { what: 'the retraction reaches the cached page' });
    // Its page stays, with the notice, without its text.
    expect(textOf(retracted.byId('article-title')!)).toBe('عواطف حيار تعرض استراتيجية وزارتها');
    expect(textOf(retracted.byId('article-body')!)).toContain('سحبت هيئة التحرير هذا المقال. التقرير المذكور غير موجود.');
    expect(textOf(retracted.byId('article-body')!)).not.toContain(A_BODY[0].text);
    expect(textOf(retracted.byId('article-summary')!)).toBe('');
    expect(retracted.jsonLd()[0]).not.toHaveProperty('articleBody');
  });

  it('reads one article page in a constant number of statements, whatever it shows', async () => {
    const people = await Promise.all(Array.from({ length: 8 }, () => make.person()));
    const section = await make.category();
    await make.article({ slug: 'small-page', personIds: [people[0].id], regionCodes: ['MA-04'], categoryId: section.id });
    const big = await make.article({ slug: 'big-page', personIds: people.map((p) => p.id), regionCodes: ['MA-04', 'MA-07', 'MA-01'], categoryId: section.id,
      body: Array.from({ length: 20 }, (_, i) => ({ type: 'PARAGRAPH', text: `فقرة ${i}` })), tags: ['أ', 'ب', 'ج'] });
    await make.article({ slug: 'big-page-fr', lang: 'fr', translationOf: big.id });
    await make.article({ slug: 'big-page-en', lang: 'en', translationOf: big.id });
    for (const slug of ['small-page', 'big-page']) {
      const res = await get(sitePaths.article(slug), {});
      expect([slug, res.status, res.headers.get('x-khabar-cache'), Number(res.headers.get('x-khabar-sql-statements'))]).toEqual([slug, 200, 'MISS', ARTICLE_PAGE_STATEMENTS]);
    }
  });
});

