import { sitePaths } from '../../src/shared/site-paths';
import { factories } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { attr, parsePage, textOf, type ParsedPage } from '../support/html';

/** Statements of a list page's first screen, however many articles, places and people its cards show. */
const FRONT_PAGE_STATEMENTS = 1;
const SUBJECT_PAGE_STATEMENTS = 2;

describe('the front page and the pages of a place, a person and a section, server-rendered', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let origin: string;

  beforeAll(async () => {
    app = await startTestApp({ publicUrl: 'https://khabar.example.ma' });
    make = factories(app);
    origin = new URL(app.url).origin;
  });
  afterAll(() => app.stop());
  beforeEach(() => app.sql('TRUNCATE article, ticker, person, category, event_outbox CASCADE'));

  const get = (path: string) => fetch(`${origin}${path}`, { redirect: 'manual' });
  async function page(path: string, status = 200): Promise<ParsedPage & { res: Response }> {
    const res = await get(path);
    const html = await res.text();
    expect([path, res.status]).toEqual([path, status]);
    return { ...parsePage(html), res };
  }
  const cardTitles = (doc: ParsedPage) => doc.all((e) => e.tagName === 'h2' && attr(e, 'class') === 'card-title').map((e) => textOf(e.childNodes[0]));
  const cardLinks = (doc: ParsedPage) => doc.all((e) => e.tagName === 'h2' && attr(e, 'class') === 'card-title').map((e) => attr(e.childNodes[0] as never, 'href'));

  it('the front page shows the ten latest articles as cards linking to their pages, readable with scripts off', async () => {
    const person = await make.person({ slug: 'awatif-hayar', nameAr: 'عواطف حيار' });
    for (let i = 1; i <= 12; i += 1) {
      await make.article({ slug: `khabar-${i}`, title: `خبر & <رقم> ${i}`, publishedAt: new Date(Date.now() - i * 60_000), personIds: i === 1 ? [person.id] : [], regionCodes: i === 1 ? ['MA-04'] : [] });
    }
    await make.article({ slug: 'a-draft', status: 'DRAFT' });
    const doc = await page('/');
    expect(doc.res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(doc.res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(cardTitles(doc)).toEqual(Array.from({ length: 10 }, (_, i) => `خبر & <رقم> ${i + 1}`));
    expect(cardLinks(doc)).toEqual(Array.from({ length: 10 }, (_, i) => `/article/khabar-${i + 1}`));
    expect(textOf(doc.byId('latest-title')!)).toBe('آخر الأخبار');
    expect(doc.links('canonical')).toEqual([{ href: 'https://khabar.example.ma/' }]);
    const first = doc.all((e) => e.tagName === 'li' && attr(e, 'class') === 'card')[0];
    expect(textOf(first)).toContain('عواطف حيار');
    expect(doc.all((e) => e.tagName === 'a' && attr(e, 'href') === '/person/awatif-hayar')).toHaveLength(1);
    expect(doc.all((e) => e.tagName === 'a' && attr(e, 'href') === '/region/MA-04')).toHaveLength(1);
    // No inline script: the CSP forbids them.
    expect(doc.all((e) => e.tagName === 'script' && !attr(e, 'src'))).toEqual([]);
  });

  it("a place's page lists its articles and its sub-regions', a person's and a section's theirs, each titled by its subject", async () => {
    const person = await make.person({ slug: 'awatif-hayar', nameAr: 'عواطف حيار' });
    const section = await make.category({ slug: 'societe', nameAr: 'مجتمع' });
    await make.article({ slug: 'in-kenitra', title: 'في القنيطرة', regionCodes: ['MA-KEN'] });
    await make.article({ slug: 'in-rabat-region', title: 'في جهة الرباط', regionCodes: ['MA-04'], personIds: [person.id] });
    await make.article({ slug: 'in-marrakech', title: 'في مراكش', regionCodes: ['MA-07'], categoryId: section.id });

    const region = await page('/region/MA-04');
    expect(cardTitles(region).sort()).toEqual(['في جهة الرباط', 'في القنيطرة'].sort());
    expect(textOf(region.byId('latest-title')!)).toMatch(/^أخبار جهة الرباط/);
    expect(region.links('canonical')).toEqual([{ href: 'https://khabar.example.ma/region/MA-04' }]);
    expect(cardTitles(await page('/person/awatif-hayar'))).toEqual(['في جهة الرباط']);
    expect(textOf((await page('/person/awatif-hayar')).byId('latest-title')!)).toBe('أخبار عواطف حيار');
    const category = await page('/category/societe');
    expect([cardTitles(category), textOf(category.byId('latest-title')!)]).toEqual([['في مراكش'], 'أخبار مجتمع']);
  });

  it('redirects another spelling to the canonical address and answers unknown subjects with a 404 page', async () => {
    await make.person({ slug: 'عواطف-حيار' });
    const lower = await get('/region/ma-04');
    expect([lower.status, lower.headers.get('location')]).toEqual([301, '/region/MA-04']);
    const encoded = sitePaths.person('عواطف-حيار');
    const lowerEscapes = await get(encoded.toLowerCase());
    expect([lowerEscapes.status, lowerEscapes.headers.get('location')]).toEqual([301, encoded]);
    await page(encoded);
    for (const path of ['/region/MA-99', '/region/not-a-code', '/person/nobody', '/category/nothing']) {
      const missing = await page(path, 404);
      expect([path, missing.meta('robots')]).toEqual([path, ['noindex']]);
      expect(textOf(missing.byId('notice')!)).toBe('هذه الصفحة غير موجودة.');
    }
  });

  it('reads the first screen of a list page in a constant number of statements', async () => {
    const people = await Promise.all(Array.from({ length: 6 }, () => make.person()));
    const section = await make.category({ slug: 'societe' });
    const counts = async () => Promise.all(['/', '/region/MA-04', `/person/${people[0].slug}`, '/category/societe'].map(async (path) =>
      Number((await get(path)).headers.get('x-khabar-sql-statements'))));
    await make.article({ regionCodes: ['MA-04'], personIds: [people[0].id], categoryId: section.id });
    const few = await counts();
    for (let i = 0; i < 15; i += 1) {
      await make.article({ regionCodes: ['MA-04', 'MA-KEN', 'MA-07'], personIds: people.map((p) => p.id), categoryId: section.id });
    }
    const expected = [FRONT_PAGE_STATEMENTS, SUBJECT_PAGE_STATEMENTS, SUBJECT_PAGE_STATEMENTS, SUBJECT_PAGE_STATEMENTS];
    expect({ few, many: await counts() }).toEqual({ few: expected, many: expected });
  });
});
