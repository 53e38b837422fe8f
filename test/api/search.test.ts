import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { CREATE, failure, ok } from '../support/editorial';

const SEARCH = `query($query: String!, $first: Int, $after: String, $prefix: Boolean, $includeDrafts: Boolean, $filter: ArticleFilter) {
  search(query: $query, first: $first, after: $after, prefix: $prefix, includeDrafts: $includeDrafts, filter: $filter) {
    edges { cursor score highlight node { slug status } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const slugsOf = (data: any): string[] => data.search.edges.map((edge: any) => edge.node.slug);
/** The highlight with its <mark> tags taken out: what must be plain escaped text. */
const withoutMarks = (html: string) => html.replace(/<\/?mark>/g, '');

describe('search', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  let editor: string;
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
  const search = (variables: Record<string, unknown>, token?: string) => ok(app, SEARCH, { first: 20, ...variables }, token);

  beforeAll(async () => {
    app = await startTestApp();
    make = factories(app);
    editor = await app.token('EDITOR');
  });
  afterAll(() => app.stop());
  beforeEach(() => app.sql('TRUNCATE article, ticker, person, category CASCADE'));

  it('highlights the matched Arabic words as written in the article, whatever the spelling of the query', async () => {
    await make.article({
      slug: 'hayar',
      title: 'حيار تعرض استراتيجية وزارتها للتشاور',
      body: [{ type: 'PARAGRAPH', text: 'دعت وزيرة التضامن والإدماج الاجتماعي والأسرة إلى اعتماد مخطط عمل اجتماعي مشترك.' }],
    });
    const { search: { edges: [hit] } } = await search({ query: 'الوزيره الاسره' });
    expect(hit.node.slug).toBe('hayar');
    expect(hit.highlight).toContain('<mark>وزيرة</mark>');
    expect(hit.highlight).toContain('<mark>والأسرة</mark>');
    expect(hit.highlight).not.toContain('<mark>حيار</mark>');
    const tashkeel = await search({ query: 'وَزِيرَةُ' });
    expect(tashkeel.search.edges[0].highlight).toContain('<mark>وزيرة</mark>');
  });

  it('escapes HTML-looking text in the highlight: only the <mark> tags are markup', async () => {
    // Tags cannot be typed through the editorial API; imported content may still hold them.
    await make.article({
      slug: 'markup',
      title: 'وزيرة <script>alert("x")</script> & «الأسرة»',
      body: [{ type: 'PARAGRAPH', text: 'نص <b>عريض</b> و\'اقتباس\' <img src=x onerror=alert(1)>' }],
    });
    const { createArticle } = await ok(app, CREATE, { input: { title: 'الأسرة & "الوزيرة" < 5 > 3', body: [{ type: 'PARAGRAPH', text: 'a < b' }] } }, editor);
    await ok(app, 'mutation($id: ID!) { publishArticle(id: $id) { id } }', { id: createArticle.id }, editor);

    for (const query of ['الوزيرة الاسرة', '<b>الاسرة</b>', '<mark>الأسرة']) {
      const { search: { edges } } = await search({ query });
      expect(edges.length).toBeGreaterThan(0);
      for (const { highlight } of edges) {
        expect(highlight).toContain('<mark>الأسرة</mark>');
        expect(withoutMarks(highlight)).not.toMatch(/[<>"']/);
      }
    }
    // The text search parser skips what a script tag holds, as in documents: no words, so no hits (and no error).
    expect(slugsOf(await search({ query: '"><script>الأسرة</script>' }))).toEqual([]);
    const { search: { edges } } = await search({ query: 'وزيرة عريض' });
    expect(edges).toHaveLength(1);
    expect(edges[0].highlight).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; «الأسرة»');
  });

  it('matches the last word as a prefix with `prefix: true` or a trailing *, and only then', async () => {
    await make.article({ slug: 'strategy', title: 'الوزارة تعرض الاستراتيجية القطاعية الجديدة' });
    await make.article({ slug: 'other', title: 'الوزارة تعرض برنامجا جديدا' });
    expect(slugsOf(await search({ query: 'استراتيج' }))).toEqual([]);
    expect(slugsOf(await search({ query: 'استراتيج', prefix: true }))).toEqual(['strategy']);
    expect(slugsOf(await search({ query: 'استراتيج*' }))).toEqual(['strategy']);
    expect(slugsOf(await search({ query: 'الوزاره استراتيج', prefix: true }))).toEqual(['strategy']);
    expect(slugsOf(await search({ query: 'الوزا تعرض', prefix: true }))).toEqual([]);
    const typed = await search({ query: 'تعرض الاستر', prefix: true });
    expect(slugsOf(typed)).toEqual(['strategy']);
    expect(typed.search.edges[0].highlight).toContain('<mark>الاستراتيجية</mark>');
  });

  it('ranks head matches (title, kicker, summary) above body matches, then by relevance, then newer above older', async () => {
    await make.article({ slug: 'body-new', title: 'خبر أول', body: [{ type: 'PARAGRAPH', text: 'زار الوزير مدينة طنجة' }], publishedAt: minutesAgo(1) });
    await make.article({ slug: 'title-old', title: 'الوزير في طنجة', publishedAt: minutesAgo(60) });
    await make.article({ slug: 'body-old', title: 'خبر ثان', body: [{ type: 'PARAGRAPH', text: 'زار الوزير مدينة طنجة' }], publishedAt: minutesAgo(30) });
    await make.article({ slug: 'summary', title: 'خبر ثالث', summary: 'زيارة إلى طنجة', publishedAt: minutesAgo(90) });
    await make.article({ slug: 'body-many', title: 'خبر رابع', body: [{ type: 'PARAGRAPH', text: 'طنجة طنجة طنجة طنجة طنجة' }], publishedAt: minutesAgo(120) });
    const { search: result } = await search({ query: 'طنجة' });
    expect(slugsOf({ search: result })).toEqual(['title-old', 'summary', 'body-many', 'body-new', 'body-old']);
    const [title, summary, many, bodyNew, bodyOld] = result.edges.map((edge: any) => edge.score);
    expect(title).toBeGreaterThan(summary);
    expect(many).toBeGreaterThan(bodyNew);
    expect(bodyNew).toBe(bodyOld);
  });

  it('pages through hits with cursors, without skipping or repeating a hit across equal scores and dates', async () => {
    const sameTime = minutesAgo(5);
    for (let i = 0; i < 23; i += 1) {
      const title = i % 3 === 0 ? 'مهرجان الرباط للجاز' : 'خبر ثقافي';
      const body = [{ type: 'PARAGRAPH', text: `${'الرباط '.repeat(1 + (i % 4))} تحتضن مهرجانا للجاز رقم ${i}` }];
      await make.article({ slug: `jazz-${i}`, title, body, publishedAt: i % 2 === 0 ? sameTime : minutesAgo(10 + i) });
    }
    await make.article({ slug: 'unrelated', title: 'مباراة في طنجة' });
    const all = slugsOf(await search({ query: 'الرباط الجاز', first: 100 }));
    expect(all).toHaveLength(23);
    const paged: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const data = await search({ query: 'الرباط الجاز', first: 5, after });
      paged.push(...slugsOf(data));
      if (!data.search.pageInfo.hasNextPage) break;
      after = data.search.pageInfo.endCursor;
    }
    expect(paged).toEqual(all);
  });

  it('filters hits with the article filter', async () => {
    await make.article({ slug: 'ar-rabat', title: 'أمطار في الرباط', regionCodes: ['MA-04'] });
    await make.article({ slug: 'ar-fes', title: 'أمطار في فاس', regionCodes: ['MA-03'] });
    await make.article({ slug: 'fr-rabat', title: 'Pluies à Rabat', lang: 'fr', regionCodes: ['MA-04'] });
    expect(slugsOf(await search({ query: 'أمطار', filter: { regionCode: 'MA-04' } }))).toEqual(['ar-rabat']);
    expect(slugsOf(await search({ query: 'pluie', filter: { lang: 'fr' } }))).toEqual(['fr-rabat']);
    expect(slugsOf(await search({ query: 'أمطار', filter: { lang: 'fr' } }))).toEqual([]);
  });

  it('hides drafts, scheduled, archived and future articles from readers; editors may add drafts and scheduled ones', async () => {
    await make.article({ slug: 'published', title: 'قرار جديد للوزارة' });
    await make.article({ slug: 'draft', title: 'قرار جديد للوزارة (مسودة)', status: 'DRAFT' });
    await make.article({ slug: 'scheduled', title: 'قرار جديد مجدول', status: 'SCHEDULED', publishedAt: new Date(Date.now() + 3_600_000) });
    await make.article({ slug: 'future', title: 'قرار جديد لاحق', publishedAt: new Date(Date.now() + 3_600_000) });
    await make.article({ slug: 'archived', title: 'قرار جديد مؤرشف', status: 'ARCHIVED', publishedAt: minutesAgo(5) });
    expect(slugsOf(await search({ query: 'قرار' }))).toEqual(['published']);
    expect(slugsOf(await search({ query: 'قرار' }, editor))).toEqual(['published']);
    const withDrafts = await search({ query: 'قرار', includeDrafts: true }, editor);
    expect(slugsOf(withDrafts).sort()).toEqual(['draft', 'future', 'published', 'scheduled']);
    expect(withDrafts.search.edges.find((edge: any) => edge.node.slug === 'draft').node.status).toBe('DRAFT');

    const forbidden = failure(await app.gql(SEARCH, { query: 'قرار', includeDrafts: true }));
    expect(forbidden.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it.each([
    ['an empty query', '', /empty/],
    ['a blank query', '   ', /empty/],
    ['a 1,000-character query', 'ب'.repeat(1000), /longer than 200 characters/],
    ['punctuation only', '؟!.. ،«»', /only punctuation/],
    ['tashkeel only', 'َ ُ ِ ّ ْ', /only diacritics/],
    ['tatweel only', 'ـــ', /only diacritics/],
  ])('refuses %s with a clear BAD_USER_INPUT on `query`', async (_name, query, message) => {
    for (const operation of [SEARCH, 'query($query: String!) { people(query: $query) { edges { cursor } } }']) {
      if (operation !== SEARCH && query.trim() === '') continue; // an empty people query lists everyone
      const error = failure(await app.gql(operation, { query }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
      expect(error.message).toMatch(message);
    }
  });

  it('refuses a cursor that is not a search cursor', async () => {
    const feedCursor = Buffer.from('["article",1,1]').toString('base64url');
    const notANumber = Buffer.from('["search","NaN",1,1,1]').toString('base64url');
    const noSuchTier = Buffer.from('["search","0.5",5,1,1]').toString('base64url');
    for (const after of [feedCursor, notANumber, noSuchTier, 'garbage']) {
      expect(failure(await app.gql(SEARCH, { query: 'قرار', after })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  it('costs the same number of statements for 5 and 20 hits, highlights and relations included', async () => {
    const section = await make.category();
    const person = await make.person();
    for (let i = 0; i < 25; i += 1) {
      await make.article({ title: `الحكومة تصادق على مشروع رقم ${i}`, categoryId: section.id, personIds: [person.id], regionCodes: ['MA-04'] });
    }
    const query = `query($first: Int) { search(query: "الحكومة", first: $first) {
      edges { score highlight node { title category { slug } people { slug } regions { code parent { code } } } } } }`;
    const five = await app.gql(query, { first: 5 });
    const twenty = await app.gql(query, { first: 20 });
    expect(twenty.errors).toBeUndefined();
    expect(twenty.data.search.edges).toHaveLength(20);
    expect(twenty.data.search.edges.every((edge: any) => edge.highlight.includes('<mark>الحكومة</mark>'))).toBe(true);
    // The hits with their sections, people, regions and region parents in one statement; the highlights in another.
    expect([five.sqlStatements, twenty.sqlStatements]).toEqual([2, 2]);
    const bare = await app.gql('{ search(query: "الحكومة", first: 20) { edges { node { title } } } }');
    expect(bare.sqlStatements).toBe(1);
  });
});

describe('people(query:)', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  const PEOPLE = `query($query: String, $first: Int, $after: String) {
    people(query: $query, first: $first, after: $after) { edges { node { slug } } pageInfo { hasNextPage endCursor } } }`;
  const slugs = async (variables: Record<string, unknown>) =>
    (await ok(app, PEOPLE, variables)).people.edges.map((edge: any) => edge.node.slug);

  beforeAll(async () => {
    app = await startTestApp();
    make = factories(app);
    await make.person({ slug: 'aawatif-hayar', nameAr: 'عواطف حيار', nameLatin: 'Aawatif Hayar', aliases: ['Awatif Hayyar', 'الوزيرة حيار'] });
    await make.person({ slug: 'sanaa-akroud', nameAr: 'سناء عكرود', nameLatin: 'Sanaa Akroud' });
    await make.person({ slug: 'hatim-ammor', nameAr: 'حاتم عمور', nameLatin: 'Hatim Ammor' });
    await make.person({ slug: 'aziz-akhannouch', nameAr: 'عزيز أخنوش', nameLatin: 'Aziz Akhannouch', aliases: ['رئيس الحكومة'] });
  });
  afterAll(() => app.stop());

  it.each([
    ['Arabic', 'عواطف حيار'],
    ['Persian yeh', 'حیار'],
    ['tashkeel', 'حَيَّار'],
    ['Latin', 'Aawatif Hayar'],
    ['lower case without the double a', 'awatif hayar'],
    ['another transliteration (trigrams)', 'Awatef Hayar'],
    ['a doubled letter', 'Hayyar'],
    ['an alias', 'الوزيرة حيار'],
    ['a prefix', 'hay*'],
  ])('finds a person by %s: %s', async (_how, query) => {
    expect((await slugs({ query }))[0]).toBe('aawatif-hayar');
    expect(await slugs({ query })).not.toContain('sanaa-akroud');
  });

  it('finds by a hamza-less spelling and by an alias, and lists everyone alphabetically without a query', async () => {
    expect(await slugs({ query: 'اخنوش' })).toEqual(['aziz-akhannouch']);
    expect(await slugs({ query: 'رئيس الحكومه' })).toEqual(['aziz-akhannouch']);
    expect(await slugs({})).toEqual(['hatim-ammor', 'sanaa-akroud', 'aziz-akhannouch', 'aawatif-hayar']);
    expect(await slugs({ query: '  ' })).toHaveLength(4);
  });

  it('pages through matches', async () => {
    const all = await slugs({ query: 'a*', first: 10 });
    expect(all.length).toBeGreaterThan(2);
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { people } = await ok(app, PEOPLE, { query: 'a*', first: 1, after });
      paged.push(...people.edges.map((edge: any) => edge.node.slug));
      if (!people.pageInfo.hasNextPage) break;
      after = people.pageInfo.endCursor;
    }
    expect(paged).toEqual(all);
  });
});
