import fs from 'node:fs';
import path from 'node:path';
import { factories } from '../support/factories';
import { InProcess, InProcessResponse, normalizeSql, startInProcess } from '../support/in-process';
import { HOME_PAGE } from '../support/queries';

/** The bench's queries as the bench sends them (bench/queries/khabar). */
const bench = (name: string) => fs.readFileSync(path.join(__dirname, '../../bench/queries/khabar', `${name}.graphql`), 'utf8');
const SNAPSHOTS = path.join(__dirname, '__sql__');

/**
 * The SQL a page runs, statement after statement, as committed under test/in-process/__sql__/: a change to a fragment
 * (a projection, a relation's JSON, a filter) shows up as a diff of these files in review. A missing file is written
 * (not under CI); UPDATE_SQL=1 rewrites them after an intended change.
 */
function expectSql(name: string, res: InProcessResponse): void {
  const file = path.join(SNAPSHOTS, `${name}.sql`);
  const actual = `${res.statements.map((s, i) => `-- statement ${i + 1} of ${res.statements.length}\n${normalizeSql(s.text)};`).join('\n\n')}\n`;
  if (process.env.UPDATE_SQL === '1' || (!fs.existsSync(file) && !process.env.CI)) {
    fs.mkdirSync(SNAPSHOTS, { recursive: true });
    fs.writeFileSync(file, actual);
  }
  if (!fs.existsSync(file)) throw new Error(`No SQL snapshot ${path.relative(process.cwd(), file)}: run this test once outside CI to write it`);
  expect(actual).toBe(fs.readFileSync(file, 'utf8'));
}

describe('SQL statements per page', () => {
  let app: InProcess;
  let people: { slug: string; id: number }[];
  const articles: { slug: string }[] = [];

  beforeAll(async () => {
    app = await startInProcess();
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
  afterAll(() => app?.stop());

  it('the home page is the same for 10 and 50 articles: one statement per list and per relation', async () => {
    const ten = await app.gql(HOME_PAGE, { first: 10 });
    const fifty = await app.gql(HOME_PAGE, { first: 50 });
    expect(ten.errors).toBeUndefined();
    expect(fifty.data.articles.edges).toHaveLength(50);
    expect(fifty.data.articles.edges.every((e: any) => e.node.people.length === 2 && e.node.regions.length === 2)).toBe(true);
    // tickers, articles with their sections, regions (and parents) and people, ticker regions, ticker articles
    expect([ten.sqlStatements, fifty.sqlStatements]).toEqual([4, 4]);
    expectSql('home-page', fifty);
  });

  // The bench queries: statements per request whatever the page size, and their SQL.
  it.each([
    { name: 'Q1', what: 'front page', statements: 1, variables: () => ({}) },
    { name: 'Q3', what: 'region feed', statements: 1, variables: () => ({ code: 'MA-04' }) },
    { name: 'Q4', what: 'person page', statements: 1, variables: () => ({ slug: people[0].slug }) },
  ])('$name $what: $statements statements for 5 and 20 articles', async ({ name, statements, variables }) => {
    const query = bench(name);
    const many = await app.gql(query, variables());
    const few = await app.gql(query.replace('first: 20', 'first: 5'), variables());
    expect(few.errors ?? many.errors).toBeUndefined();
    expect(JSON.stringify(many.data).match(/"slug"/g)!.length).toBeGreaterThanOrEqual(20);
    expect([few.sqlStatements, many.sqlStatements]).toEqual([statements, statements]);
    expectSql(name, many);
  });

  it('a region\'s or person\'s page reads the parent with its articles, on every page, and still when there is none', async () => {
    const first = await app.gql(bench('Q3'), { code: 'MA-04' });
    const second = await app.gql(bench('Q3'), { code: 'MA-04', after: first.data.region.articles.edges.at(-1).cursor });
    expect(second.errors).toBeUndefined();
    expect(second.sqlStatements).toBe(1);
    const slugs = (res: InProcessResponse) => res.data.region.articles.edges.map((e: any) => e.node.slug);
    const all = await app.gql(bench('Q3').replace('first: 20', 'first: 100'), { code: 'MA-04' });
    expect(slugs(all)).toHaveLength(48); // 4 articles in 5 are in MA-04 or MA-KEN, inside it
    expect([...slugs(first), ...slugs(second)]).toEqual(slugs(all).slice(0, 40));

    const none = await app.gql(bench('Q3'), { code: 'MA-08' });
    expect(none.data.region).toEqual({ code: 'MA-08', nameAr: expect.any(String), articles: { edges: [] } });
    expect(none.sqlStatements).toBe(1);
    const unknown = await app.gql(bench('Q4'), { slug: 'nobody-at-all' });
    expect(unknown.data.person).toBeNull();
    expect(unknown.sqlStatements).toBe(1);

    // Two pages under one person: the first read with the person, the other on its own.
    const two = await app.gql(`query($slug: String!) { person(slug: $slug) { slug
      a: articles(first: 2) { edges { node { slug } } } b: articles(first: 3) { edges { node { slug } } } } }`, { slug: people[0].slug });
    expect(two.data.person.a.edges.map((e: any) => e.node.slug)).toEqual(two.data.person.b.edges.slice(0, 2).map((e: any) => e.node.slug));
    expect(two.data.person.b.edges).toHaveLength(3);
    expect(two.sqlStatements).toBe(2);
  });

  it('a bad page of a region is refused on its articles, where it was asked, not on the region', async () => {
    for (const args of ['after: "not-a-cursor"', 'first: 101']) {
      const res = await app.gql(`{ region(code: "MA-04") { code articles(${args}) { edges { node { slug } } } } }`);
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0].path).toEqual(['region', 'articles']);
      expect(res.errors![0].extensions?.code).toBe(args.startsWith('after') ? 'BAD_USER_INPUT' : res.errors![0].extensions?.code);
    }
  });

  it('Q2 article page: the article with its body, section, regions with their parents and people, in one statement', async () => {
    const res = await app.gql(bench('Q2'), { slug: articles[0].slug });
    expect(res.data.article).toMatchObject({ slug: articles[0].slug, category: { slug: expect.any(String) },
      regions: [{ code: 'MA-01', parent: null }, { code: 'MA-KEN', parent: { code: 'MA-04', nameAr: expect.any(String) } }],
      people: [{ slug: expect.any(String) }, { slug: expect.any(String) }] });
    expect(res.sqlStatements).toBe(1);
    expectSql('Q2', res);
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

  // Last: it adds translations to the list the tests above read.
  it('reads the translations of a list in one statement whatever the page size, the translations\' relations in one more each', async () => {
    for (const [i, article] of articles.slice(0, 20).entries()) {
      const { id } = await app.sql('SELECT id FROM article WHERE slug = $1', [article.slug]).then((rows: any[]) => rows[0]);
      await factories(app).article({ lang: 'fr', translationOf: id, publishedAt: new Date(Date.now() - 10 * 86_400_000), personIds: [people[0].id, people[1].id] });
      if (i % 2 === 0) await factories(app).article({ lang: 'zgh', translationOf: id, status: 'DRAFT' });
    }
    const list = (first: number) => app.gql(`{ articles(first: ${first}, filter: { lang: "ar" }) { edges { node {
      slug translations { lang slug dir people { slug } } } } } }`);
    const [five, twenty] = [await list(5), await list(20)];
    expect(twenty.errors).toBeUndefined();
    // Readers never see the draft translations.
    expect(twenty.data.articles.edges.map((e: any) => e.node.translations.map((t: any) => t.lang))).toEqual(Array(20).fill(['fr']));
    expect(twenty.data.articles.edges.every((e: any) => e.node.translations[0].people.length === 2)).toBe(true);
    // the list, its translations, their people
    expect([five.sqlStatements, twenty.sqlStatements]).toEqual([3, 3]);
  });
});
