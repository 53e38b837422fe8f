import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';

const FEED = `query Feed($first: Int, $after: String, $last: Int, $before: String, $filter: ArticleFilter) {
  articles(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    edges { cursor node { slug title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

const slugsOf = (res: { data?: any }) => res.data.articles.edges.map((e: any) => e.node.slug);

describe('articles', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

  beforeAll(async () => {
    app = await startTestApp();
    make = factories(app);
  });
  afterAll(() => app.stop());
  beforeEach(() => app.sql('TRUNCATE article, ticker, person, category CASCADE'));

  it('lists published articles newest first and hides drafts, scheduled, archived and future ones', async () => {
    await make.article({ slug: 'old', publishedAt: minutesAgo(30) });
    await make.article({ slug: 'new', publishedAt: minutesAgo(1) });
    await make.article({ slug: 'draft', status: 'DRAFT' });
    await make.article({ slug: 'scheduled', status: 'SCHEDULED', publishedAt: new Date(Date.now() + 3_600_000) });
    await make.article({ slug: 'archived', status: 'ARCHIVED', publishedAt: minutesAgo(5) });
    await make.article({ slug: 'future', publishedAt: new Date(Date.now() + 3_600_000) });
    const res = await app.gql(FEED, { first: 10 });
    expect(res.errors).toBeUndefined();
    expect(slugsOf(res)).toEqual(['new', 'old']);
  });

  it('pages forwards and backwards with stable keyset cursors while news is published in between', async () => {
    for (let i = 1; i <= 5; i += 1) await make.article({ slug: `a${i}`, publishedAt: minutesAgo(100 - i) });
    const page1 = await app.gql(FEED, { first: 2 });
    expect(slugsOf(page1)).toEqual(['a5', 'a4']);
    expect(page1.data.articles.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    await make.article({ slug: 'breaking', publishedAt: minutesAgo(0) });
    const page2 = await app.gql(FEED, { first: 2, after: page1.data.articles.pageInfo.endCursor });
    expect(slugsOf(page2)).toEqual(['a3', 'a2']);
    const page3 = await app.gql(FEED, { first: 2, after: page2.data.articles.pageInfo.endCursor });
    expect(slugsOf(page3)).toEqual(['a1']);
    expect(page3.data.articles.pageInfo.hasNextPage).toBe(false);

    const back = await app.gql(FEED, { last: 2, before: page2.data.articles.pageInfo.startCursor });
    expect(slugsOf(back)).toEqual(['a5', 'a4']);
    expect(back.data.articles.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const top = await app.gql(FEED, { last: 2, before: back.data.articles.pageInfo.startCursor });
    expect(slugsOf(top)).toEqual(['breaking']);
    expect(top.data.articles.pageInfo.hasPreviousPage).toBe(false);
  });

  it('orders articles published in the same microsecond by id, without skipping any across pages', async () => {
    const at = minutesAgo(3);
    for (let i = 0; i < 5; i += 1) await make.article({ slug: `same-${i}`, publishedAt: at });
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await app.gql(FEED, { first: 2, after });
      seen.push(...slugsOf(res));
      if (!res.data.articles.pageInfo.hasNextPage) break;
      after = res.data.articles.pageInfo.endCursor;
    }
    expect(seen).toEqual(['same-4', 'same-3', 'same-2', 'same-1', 'same-0']);
  });

  it('filters by region including its provinces, person, category, tag, language and date range', async () => {
    const minister = await make.person({ slug: 'awatif-hayar' });
    const culture = await make.category({ slug: 'culture' });
    await make.article({ slug: 'rabat-region', regionCodes: ['MA-04'], personIds: [minister.id], publishedAt: minutesAgo(10) });
    await make.article({ slug: 'kenitra', regionCodes: ['MA-KEN'], categoryId: culture.id, tags: ['مهرجان'], publishedAt: minutesAgo(20) });
    await make.article({ slug: 'casablanca', regionCodes: ['MA-CAS'], lang: 'fr', publishedAt: new Date('2022-02-04T17:00:00Z') });

    const by = async (filter: object) => slugsOf(await app.gql(FEED, { first: 10, filter }));
    expect(await by({ regionCode: 'MA-04' })).toEqual(['rabat-region', 'kenitra']);
    expect(await by({ regionCode: 'MA-KEN' })).toEqual(['kenitra']);
    expect(await by({ regionCode: 'MA-06' })).toEqual(['casablanca']);
    expect(await by({ personSlug: 'awatif-hayar' })).toEqual(['rabat-region']);
    expect(await by({ categorySlug: 'culture' })).toEqual(['kenitra']);
    expect(await by({ tag: 'مهرجان' })).toEqual(['kenitra']);
    expect(await by({ lang: 'fr' })).toEqual(['casablanca']);
    expect(await by({ publishedBefore: '2023-01-01T00:00:00Z' })).toEqual(['casablanca']);
    expect(await by({ publishedAfter: '2023-01-01T00:00:00Z', regionCode: 'MA-04' })).toEqual(['rabat-region', 'kenitra']);
    expect(await by({ categorySlug: 'no-such-section' })).toEqual([]);
  });

  it('counts matching articles on request', async () => {
    await make.article({ regionCodes: ['MA-KEN'] });
    await make.article({ regionCodes: ['MA-01'] });
    const res = await app.gql('{ articles(first: 1, filter: { regionCode: "MA-04" }) { totalCount edges { node { slug } } } }');
    expect(res.data.articles.totalCount).toBe(1);
  });

  it('finds an article by raw or percent-encoded Arabic slug and by id, with its relations and date line', async () => {
    const person = await make.person({ slug: 'awatif-hayar', nameAr: 'عواطف حيار' });
    const section = await make.category({ slug: 'politique', nameAr: 'سياسة' });
    const article = await make.article({
      slug: 'حيار-تعرض-استراتيجية',
      title: 'حيار تعرض استراتيجية وزارتها للتشاور (فيديو)',
      publishedAt: new Date('2022-02-04T17:00:00Z'),
      hasVideo: true,
      personIds: [person.id],
      regionCodes: ['MA-04'],
      categoryId: section.id,
      body: [{ type: 'PARAGRAPH', text: 'الفقرة الأولى' }, { type: 'QUOTE', text: 'اقتباس' }],
    });
    const query = `query($slug: String, $id: ID) { article(slug: $slug, id: $id) {
      id slug lang dir hasVideo displayDate frDate: displayDate(locale: FR) body { type text }
      people { nameAr } regions { code nameAr parent { code } children { code } } category { nameAr } } }`;
    const raw = await app.gql(query, { slug: 'حيار-تعرض-استراتيجية' });
    expect(raw.errors).toBeUndefined();
    expect(raw.data.article).toEqual({
      id: article.globalId,
      slug: 'حيار-تعرض-استراتيجية',
      lang: 'ar',
      dir: 'RTL',
      hasVideo: true,
      displayDate: 'الجمعة 04 فبراير 2022 على الساعة 18:00',
      frDate: 'vendredi 04 février 2022 à 18h00',
      body: [{ type: 'PARAGRAPH', text: 'الفقرة الأولى' }, { type: 'QUOTE', text: 'اقتباس' }],
      people: [{ nameAr: 'عواطف حيار' }],
      regions: [{ code: 'MA-04', nameAr: 'الرباط-سلا-القنيطرة', parent: null, children: expect.arrayContaining([{ code: 'MA-KEN' }]) }],
      category: { nameAr: 'سياسة' },
    });
    const encoded = await app.gql(query, { slug: encodeURIComponent('حيار-تعرض-استراتيجية') });
    expect(encoded.data.article.id).toBe(article.globalId);
    const byId = await app.gql(query, { id: article.globalId });
    expect(byId.data.article.slug).toBe('حيار-تعرض-استراتيجية');
    const node = await app.gql('query($id: ID!) { node(id: $id) { id ... on Article { title } } }', { id: article.globalId });
    expect(node.data.node).toEqual({ id: article.globalId, title: 'حيار تعرض استراتيجية وزارتها للتشاور (فيديو)' });
  });

  it('answers null for an unknown slug and for a draft asked by a reader', async () => {
    const draft = await make.article({ status: 'DRAFT', slug: 'secret-draft' });
    const res = await app.gql('query($id: ID!) { missing: article(slug: "لا-يوجد") { id } draft: article(slug: "secret-draft") { id } byId: article(id: $id) { id } node(id: $id) { id } }', { id: draft.globalId });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ missing: null, draft: null, byId: null, node: null });
  });

  it.each([
    ['first above the cap', '{ articles(first: 10000) { edges { cursor } } }', 'first'],
    ['negative first', '{ articles(first: -1) { edges { cursor } } }', 'first'],
    ['a malformed cursor', '{ articles(after: "garbage") { edges { cursor } } }', 'after'],
    ['a cursor of another list', `{ articles(after: "${Buffer.from('["person","x",1]').toString('base64url')}") { edges { cursor } } }`, 'after'],
    ['first with last', '{ articles(first: 1, last: 1) { edges { cursor } } }', 'first'],
    ['a malformed id', '{ article(id: "%%%") { id } }', 'id'],
    ['neither slug nor id', '{ article { id } }', 'slug'],
    ['a bad region code', '{ articles(filter: { regionCode: "Rabat; DROP TABLE article" }) { edges { cursor } } }', 'regionCode'],
    ['a bad language', '{ articles(filter: { lang: "de" }) { edges { cursor } } }', 'lang'],
    ['tickers above the cap', '{ tickers(first: 500) { id } }', 'first'],
  ])('rejects %s with BAD_USER_INPUT naming the field', async (_name, query, field) => {
    const res = await app.gql(query);
    expect(res.status).toBeLessThan(500);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.errors![0].message).not.toMatch(/Argument Validation Error|SELECT|stack/i);
  });
});
