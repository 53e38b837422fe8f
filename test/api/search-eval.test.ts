import evalSet from '../fixtures/arabic-search-eval.json';
import { startTestApp, TestApp } from '../support/test-app';
import { ok } from '../support/editorial';

/**
 * The newsroom's Arabic/French evaluation set (test/fixtures/arabic-search-eval.json): every document is created and
 * published by an editor through the API, then every query runs as a reader and must find each of its `mustFind` ids
 * in its first 10 hits and none of its `mustNotFind`, scores never rising down the list. Publishing through the API
 * dates every document "now": a document's `publishedAt` (only the seed-article has one) only orders the publishing,
 * undated ones first.
 */
interface EvalQuery { q: string; prefix?: boolean; mustFind?: string[]; mustNotFind?: string[]; why?: string }

const TOP = 10;
const CREATE = 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id slug } }';
const PUBLISH = 'mutation($id: ID!) { publishArticle(id: $id) { status } }';
const SEARCH = `query($query: String!, $prefix: Boolean) {
  search(query: $query, prefix: $prefix, first: 100) { edges { score node { slug } } } }`;

describe('Arabic/French search evaluation through the API', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    const editor = await app.token('EDITOR');
    const documents = [...evalSet.documents].sort((a, b) => (a.publishedAt ?? '').localeCompare(b.publishedAt ?? ''));
    for (const doc of documents) {
      const { createArticle } = await ok(app, CREATE, { input: {
        slug: doc.id,
        title: doc.title,
        lang: doc.lang,
        body: doc.body.split(/\n{2,}/).map((text) => ({ type: 'PARAGRAPH', text })),
        regionCodes: doc.regionCode ? [doc.regionCode] : [],
      } }, editor);
      expect(createArticle.slug).toBe(doc.id);
      await ok(app, PUBLISH, { id: createArticle.id }, editor);
    }
  });
  afterAll(() => app.stop());

  const queries: EvalQuery[] = evalSet.queries;
  const label = (query: EvalQuery) => `${query.q}${query.prefix ? ' (prefix)' : ''}${query.why ? ` — ${query.why}` : ''}`;

  it.each(queries.map((query) => [label(query), query] as const))('%s', async (_label, query) => {
    const { search } = await ok(app, SEARCH, { query: query.q, prefix: query.prefix ?? false });
    const hits: string[] = search.edges.map((edge: any) => edge.node.slug);
    expect({ mustFind: hits.slice(0, TOP).filter((id) => query.mustFind?.includes(id)).sort(), mustNotFind: [] })
      .toEqual({ mustFind: [...(query.mustFind ?? [])].sort(), mustNotFind: hits.filter((id) => query.mustNotFind?.includes(id)) });
    const scores: number[] = search.edges.map((edge: any) => edge.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });
});
