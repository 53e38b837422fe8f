import evalSet from '../fixtures/cross-script-search-eval.json';
import { startTestApp, TestApp } from '../support/test-app';
import { failure, ok } from '../support/editorial';

/**
 * Names in either script (test/fixtures/cross-script-search-eval.json, after arabic-search-eval.json): an admin records
 * the people with their Arabic and Latin names and aliases, an editor publishes every document through the API, and each
 * query, run as a reader, must find its `mustFind` ids in its first 10 hits, none of its `mustNotFind`, and rank each pair
 * of `ranksBefore` in that order: an article naming the person or place in the query's own script before one found
 * through their name in the other.
 */
interface EvalQuery { q: string; mustFind?: string[]; mustNotFind?: string[]; ranksBefore?: string[][]; why?: string }

const TOP = 10;
const UPSERT_PERSON = 'mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { slug } }';
const CREATE = 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id slug } }';
const PUBLISH = 'mutation($id: ID!) { publishArticle(id: $id) { status } }';
const SEARCH = `query($query: String!, $first: Int, $after: String) {
  search(query: $query, first: $first, after: $after) { edges { cursor score highlight node { slug } } pageInfo { hasNextPage endCursor } } }`;

describe('search across scripts, through the names of people and places', () => {
  let app: TestApp;
  let editor: string;
  let admin: string;

  beforeAll(async () => {
    app = await startTestApp();
    editor = await app.token('EDITOR');
    admin = await app.token('ADMIN');
    for (const person of evalSet.people) await ok(app, UPSERT_PERSON, { input: person }, admin);
    for (const doc of evalSet.documents) {
      const { createArticle } = await ok(app, CREATE, { input: {
        slug: doc.id, title: doc.title, lang: doc.lang, body: [{ type: 'PARAGRAPH', text: doc.body }],
        regionCodes: doc.regionCode ? [doc.regionCode] : [], personSlugs: doc.people ?? [],
      } }, editor);
      await ok(app, PUBLISH, { id: createArticle.id }, editor);
    }
  });
  afterAll(() => app.stop());

  const queries: EvalQuery[] = evalSet.queries;
  const label = (query: EvalQuery) => `${query.q}${query.why ? ` — ${query.why}` : ''}`;

  it.each(queries.map((query) => [label(query), query] as const))('%s', async (_label, query) => {
    const { search } = await ok(app, SEARCH, { query: query.q, first: 100 });
    const hits: string[] = search.edges.map((edge: any) => edge.node.slug);
    expect({
      mustFind: hits.slice(0, TOP).filter((id) => query.mustFind?.includes(id)).sort(),
      mustNotFind: [],
      ranksBefore: (query.ranksBefore ?? []).filter(([first, second]) => hits.indexOf(first) >= 0 && hits.indexOf(first) < hits.indexOf(second)),
    }).toEqual({
      mustFind: [...(query.mustFind ?? [])].sort(),
      mustNotFind: hits.filter((id) => query.mustNotFind?.includes(id)),
      ranksBefore: query.ranksBefore ?? [],
    });
  });

  it('pages through both kinds of hits with no gap or duplicate, and marks the name as the other article writes it', async () => {
    const { search: all } = await ok(app, SEARCH, { query: 'Hayar', first: 100 });
    const slugs: string[] = [];
    let after: string | null = null;
    do {
      const { search }: any = await ok(app, SEARCH, { query: 'Hayar', first: 1, after });
      slugs.push(...search.edges.map((edge: any) => edge.node.slug));
      after = search.pageInfo.hasNextPage ? search.pageInfo.endCursor : null;
    } while (after);
    expect(slugs).toEqual(all.edges.map((edge: any) => edge.node.slug));
    expect(new Set(slugs).size).toBe(slugs.length);
    const seed = all.edges.find((edge: any) => edge.node.slug === 'seed-article');
    expect(seed.highlight).toContain('<mark>حيار</mark>');
    expect(all.edges.find((edge: any) => edge.node.slug === 'fr-hayar').highlight).toContain('<mark>Hayar</mark>');
  });

  it('finds a place by an alias an admin records, in any script, and forgets it when it is removed', async () => {
    const region = '{ region(code: "MA-KHE") { code nameAr nameFr aliases } }';
    const { region: khemisset } = await ok(app, region, {});
    expect(khemisset.aliases).toEqual([]);
    const { createArticle } = await ok(app, CREATE, { input: {
      title: 'حملة لتشجير الغابات بالخميسات', body: [{ type: 'PARAGRAPH', text: 'انطلقت حملة التشجير.' }], regionCodes: ['MA-KHE'],
    } }, editor);
    await ok(app, PUBLISH, { id: createArticle.id }, editor);
    const find = async (query: string) => (await ok(app, SEARCH, { query, first: 10 })).search.edges.map((edge: any) => edge.node.slug);
    expect(await find('Khemisset')).toEqual([createArticle.slug]);
    expect(await find('Khmissat')).toEqual([]);

    const upsert = `mutation($input: UpsertRegionInput!) { upsertRegion(input: $input) { aliases } }`;
    const input = { code: 'MA-KHE', level: 'PROVINCE', parentCode: 'MA-04', nameAr: khemisset.nameAr, nameFr: khemisset.nameFr };
    expect(failure(await app.gql(upsert, { input: { ...input, aliases: ['Khmissat'] } }, { token: editor })).extensions?.code).toBe('FORBIDDEN');
    expect((await ok(app, upsert, { input: { ...input, aliases: [' Khmissat ', 'Khmissat', 'ⵅⵎⵉⵙⴰⵜ'] } }, admin)).upsertRegion.aliases).toEqual(['Khmissat', 'ⵅⵎⵉⵙⴰⵜ']);
    expect(await find('Khmissat')).toEqual([createArticle.slug]);
    expect(await find('ⵅⵎⵉⵙⴰⵜ')).toEqual([createArticle.slug]);
    await ok(app, upsert, { input }, admin);
    expect(await find('Khmissat')).toEqual([]);
  });

  it('a word naming more than five people or places is too common to stand for one of them: it is searched as written', async () => {
    for (let i = 1; i <= 6; i += 1) {
      await ok(app, UPSERT_PERSON, { input: { nameAr: `يوسف البقالي ${i}`, nameLatin: `Youssef Bakkali ${i}` } }, admin);
    }
    const { createArticle } = await ok(app, CREATE, { input: { title: 'البقالي يفوز بالسباق', body: [{ type: 'PARAGRAPH', text: 'فاز العداء.' }] } }, editor);
    await ok(app, PUBLISH, { id: createArticle.id }, editor);
    const find = async (query: string) => (await ok(app, SEARCH, { query, first: 10 })).search.edges.map((edge: any) => edge.node.slug);
    expect(await find('البقالي')).toEqual([createArticle.slug]);
    expect(await find('Bakkali')).toEqual([]);
  });
});
