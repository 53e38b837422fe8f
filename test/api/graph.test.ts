import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { toGlobalId } from '../../src/shared/global-id';

describe('people, regions, tickers and nodes', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;

  beforeAll(async () => {
    app = await startTestApp();
    make = factories(app);
  });
  afterAll(() => app.stop());
  beforeEach(() => app.sql('TRUNCATE article, ticker, person, category CASCADE'));

  it('serves health and readiness', async () => {
    const base = app.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('finds a person by slug with their articles, newest first, paged', async () => {
    const hayar = await make.person({ slug: 'awatif-hayar', nameAr: 'عواطف حيار', nameLatin: 'Aawatif Hayar', roleAr: 'وزيرة التضامن والإدماج الاجتماعي والأسرة' });
    await make.article({ slug: 'one', personIds: [hayar.id], publishedAt: new Date(Date.now() - 3000) });
    await make.article({ slug: 'two', personIds: [hayar.id], publishedAt: new Date(Date.now() - 2000) });
    await make.article({ slug: 'draft', personIds: [hayar.id], status: 'DRAFT' });
    const query = `query($after: String) { person(slug: "awatif-hayar") { id nameAr nameLatin roleAr
      articles(first: 1, after: $after) { totalCount edges { node { slug } } pageInfo { hasNextPage endCursor } } } }`;
    const first = await app.gql(query);
    expect(first.data.person).toMatchObject({ id: hayar.globalId, nameAr: 'عواطف حيار', roleAr: 'وزيرة التضامن والإدماج الاجتماعي والأسرة' });
    expect(first.data.person.articles).toMatchObject({ totalCount: 2, edges: [{ node: { slug: 'two' } }], pageInfo: { hasNextPage: true } });
    const second = await app.gql(query, { after: first.data.person.articles.pageInfo.endCursor });
    expect(second.data.person.articles).toMatchObject({ edges: [{ node: { slug: 'one' } }], pageInfo: { hasNextPage: false } });
    expect((await app.gql('{ person(slug: "nobody") { id } }')).data.person).toBeNull();
  });

  it('lists people alphabetically, filtered by any spelling of the name, with cursors', async () => {
    await make.person({ nameAr: 'ب شخص', nameLatin: 'Beta' });
    await make.person({ nameAr: 'أ شخص', nameLatin: 'Alpha', aliases: ['Alef'] });
    await make.person({ nameAr: 'ت شخص', nameLatin: 'Gamma' });
    const page = await app.gql('{ people(first: 2) { edges { node { nameLatin } } pageInfo { hasNextPage endCursor } } }');
    expect(page.data.people.edges.map((e: any) => e.node.nameLatin)).toEqual(['Alpha', 'Beta']);
    const rest = await app.gql('query($after: String) { people(first: 2, after: $after) { edges { node { nameLatin } } } }',
      { after: page.data.people.pageInfo.endCursor });
    expect(rest.data.people.edges.map((e: any) => e.node.nameLatin)).toEqual(['Gamma']);
    for (const q of ['alef', 'ALPHA', 'أ شخص']) {
      const found = await app.gql('query($q: String) { people(query: $q) { edges { node { nameLatin } } } }', { q });
      expect(found.data.people.edges.map((e: any) => e.node.nameLatin)).toEqual(['Alpha']);
    }
  });

  it('serves the 12 regions and their provinces, by code and by slug, with articles of the sub-tree', async () => {
    const regions = await app.gql('{ regions(level: REGION) { code } all: regions { code } }');
    expect(regions.data.regions).toHaveLength(12);
    expect(regions.data.all.length).toBeGreaterThan(12);
    await make.article({ slug: 'kenitra-news', regionCodes: ['MA-KEN'] });
    const region = await app.gql(`{ byCode: region(code: "MA-04") { nameFr level parent { code } children { code level }
      articles(first: 5) { edges { node { slug } } } }
      bySlug: region(slug: "rabat-sale-kenitra") { code } province: region(code: "MA-KEN") { nameAr level parent { code } } }`);
    expect(region.errors).toBeUndefined();
    expect(region.data.byCode).toMatchObject({ nameFr: 'Rabat-Salé-Kénitra', level: 'REGION', parent: null });
    expect(region.data.byCode.children).toEqual(expect.arrayContaining([{ code: 'MA-KEN', level: 'PROVINCE' }, { code: 'MA-RAB', level: 'PREFECTURE' }]));
    expect(region.data.byCode.articles.edges).toEqual([{ node: { slug: 'kenitra-news' } }]);
    expect(region.data.bySlug).toEqual({ code: 'MA-04' });
    expect(region.data.province).toMatchObject({ level: 'PROVINCE', parent: { code: 'MA-04' } });
    expect((await app.gql('{ region(code: "MA-99") { code } }')).data.region).toBeNull();
  });

  it('shows live tickers, most urgent first then newest, without killed or expired items', async () => {
    const article = await make.article({ slug: 'linked' });
    const now = Date.now();
    await make.ticker({ headline: 'عاجل من الدرجة الثانية', urgency: 2, publishedAt: new Date(now - 1000) });
    await make.ticker({ headline: 'عاجل قديم من الدرجة الأولى', urgency: 1, publishedAt: new Date(now - 5000), articleId: article.id, regionCode: 'MA-04' });
    await make.ticker({ headline: 'عاجل جديد من الدرجة الأولى', urgency: 1, publishedAt: new Date(now - 2000) });
    await make.ticker({ headline: 'خبر تم سحبه', status: 'KILLED' });
    await make.ticker({ headline: 'خبر منتهي الصلاحية', publishedAt: new Date(now - 7_200_000), expiresAt: new Date(now - 60_000) });
    const res = await app.gql('{ tickers { headline urgency article { slug } region { code } } }');
    expect(res.data.tickers).toEqual([
      { headline: 'عاجل جديد من الدرجة الأولى', urgency: 1, article: null, region: null },
      { headline: 'عاجل قديم من الدرجة الأولى', urgency: 1, article: { slug: 'linked' }, region: { code: 'MA-04' } },
      { headline: 'عاجل من الدرجة الثانية', urgency: 2, article: null, region: null },
    ]);
    expect((await app.gql('{ tickers(first: 1) { urgency } }')).data.tickers).toHaveLength(1);
  });

  it('resolves every node type by global id and rejects malformed ids', async () => {
    const person = await make.person();
    const section = await make.category();
    const ticker = await make.ticker();
    const res = await app.gql(`query($p: ID!, $c: ID!, $t: ID!, $r: ID!) {
      p: node(id: $p) { __typename id } c: node(id: $c) { __typename } t: node(id: $t) { __typename } r: node(id: $r) { ... on Region { code } } }`,
    { p: person.globalId, c: section.globalId, t: ticker.globalId, r: toGlobalId('Region', 'MA-KEN') });
    expect(res.data).toEqual({ p: { __typename: 'Person', id: person.globalId }, c: { __typename: 'Category' }, t: { __typename: 'Ticker' }, r: { code: 'MA-KEN' } });
    const bad = await app.gql('{ node(id: "bm9wZQ") { id } }');
    expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('masks unexpected failures as INTERNAL_SERVER_ERROR without SQL', async () => {
    await app.sql('ALTER TABLE category RENAME TO category_gone');
    try {
      const res = await app.gql('{ categories { slug } }');
      expect(res.errors![0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(res.errors)).not.toMatch(/category|relation|SELECT/);
    } finally {
      await app.sql('ALTER TABLE category_gone RENAME TO category');
    }
  });
});
