import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { HOME_PAGE } from '../support/queries';

describe('SQL statements per page', () => {
  let app: TestApp;
  let people: { slug: string; id: number }[];
  const articles: { slug: string }[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    const make = factories(app);
    const sections = [await make.category(), await make.category(), await make.category()];
    people = [await make.person(), await make.person(), await make.person(), await make.person()];
    const codes = ['MA-01', 'MA-04', 'MA-KEN', 'MA-CAS', 'MA-07'];
    for (let i = 0; i < 60; i += 1) {
      const article = await make.article({
        categoryId: sections[i % 3].id,
        personIds: [people[i % 4].id, people[(i + 1) % 4].id],
        regionCodes: [codes[i % 5], codes[(i + 2) % 5]],
        tags: ['وسم', `tag-${i % 7}`],
      });
      articles.push(article);
      if (i < 8) await make.ticker({ articleId: article.id, regionCode: codes[i % 5] });
    }
  });
  afterAll(() => app.stop());

  it('is the same for 10 and 50 articles: one statement per list and per relation', async () => {
    const ten = await app.gql(HOME_PAGE, { first: 10 });
    const fifty = await app.gql(HOME_PAGE, { first: 50 });
    expect(ten.errors).toBeUndefined();
    expect(fifty.data.articles.edges).toHaveLength(50);
    expect(fifty.data.articles.edges.every((e: any) => e.node.people.length === 2 && e.node.regions.length === 2)).toBe(true);
    // tickers, articles with their sections, regions (and parents) and people, ticker regions, ticker articles
    expect(ten.sqlStatements).toBe(fifty.sqlStatements);
    expect(fifty.sqlStatements).toBe(4);
  });

  // The bench queries (bench/queries/khabar): statements per request, whatever the page size.
  it.each([
    { name: 'Q1 front page', statements: 1, query: (n: number) => `{ articles(first: ${n}) { edges { cursor node { slug title publishedAt regions { code nameAr } people { slug nameAr } } } } }` },
    { name: 'Q3 region feed', statements: 2, query: (n: number) => `{ region(code: "MA-04") { code nameAr articles(first: ${n}) { edges { cursor node { slug title publishedAt } } } } }` },
    { name: 'Q4 person page', statements: 2, query: (n: number) => `query($slug: String!) { person(slug: $slug) { slug nameAr articles(first: ${n}) { edges { node { slug title publishedAt regions { code nameAr } } } } } }` },
  ])('$name: $statements statements for 5 and 40 articles', async ({ query, statements }) => {
    const [few, many] = [await app.gql(query(5), { slug: people[0].slug }), await app.gql(query(40), { slug: people[0].slug })];
    expect(few.errors ?? many.errors).toBeUndefined();
    expect(JSON.stringify(many.data)).toMatch(/"slug"/);
    expect([few.sqlStatements, many.sqlStatements]).toEqual([statements, statements]);
  });

  it('Q2 article page: the article with its body, section, regions with their parents and people', async () => {
    const res = await app.gql(`query($slug: String!) { article(slug: $slug) { slug title kicker summary publishedAt tags body { __typename type text }
      category { slug nameAr } regions { code nameAr parent { code nameAr } } people { slug nameAr roleAr } } }`, { slug: articles[0].slug });
    expect(res.data.article).toMatchObject({ category: { slug: expect.any(String) }, regions: [{}, {}], people: [{}, {}] });
    expect(res.sqlStatements).toBe(1);
  });

  it('reads bodies of a list only when asked, in one statement whatever the page size', async () => {
    const list = (first: number) => app.gql(`{ articles(first: ${first}) { edges { node { slug body { type text } } } } }`);
    const [ten, fifty] = [await list(10), await list(50)];
    expect(fifty.data.articles.edges.every((e: any) => e.node.body[0].text.startsWith('نص المقال'))).toBe(true);
    expect([ten.sqlStatements, fifty.sqlStatements]).toEqual([2, 2]);
  });

  it('pages every person of a list in one statement', async () => {
    const res = await app.gql('{ people(first: 4) { edges { node { articles(first: 3) { edges { node { slug regions { code } } } } } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.people.edges.every((e: any) => e.node.articles.edges.length === 3)).toBe(true);
    expect(res.sqlStatements).toBe(2);
  });
});
