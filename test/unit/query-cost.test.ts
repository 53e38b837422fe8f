import { buildSchema, getOperationAST, parse } from 'graphql';
import { costOf } from '../../src/server/query-analysis';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/shared/relay';

/**
 * What an operation costs before it runs (QUERY_TOO_COMPLEX above EDGE_MAX_COST): each object resolved costs 1,
 * scalars nothing, and a list multiplies what its items cost by its size: the page asked for, or an assumed size.
 */
const schema = buildSchema(`
  type Query {
    article(slug: String): Article
    articles(first: Int, after: String): ArticleConnection!
    regions: [Region!]!
    tickers(first: Int = 10): [Ticker!]!
    node(id: ID!): Node
  }
  interface Node { id: ID! }
  type ArticleConnection { edges: [ArticleEdge!]!, pageInfo: PageInfo! }
  type ArticleEdge { cursor: String!, node: Article! }
  type PageInfo { hasNextPage: Boolean! }
  type Article implements Node { id: ID!, title: String, people: [Person!]!, regions: [Region!]!, category: Category, related: [Article!]! }
  type Person implements Node { id: ID!, nameAr: String }
  type Region implements Node { id: ID!, code: String, children: [Region!]! }
  type Category { slug: String }
  type Ticker { headline: String, article: Article }
`);

const cost = (query: string, variables?: Record<string, unknown>) => {
  const document = parse(query);
  return costOf(schema, document, getOperationAST(document)!, variables);
};

describe('the cost of an operation', () => {
  it('scalars cost nothing; each object resolved costs 1', () => {
    expect(cost('{ __typename }')).toBe(0);
    expect(cost('{ article(slug: "x") { title } }')).toBe(1);
    expect(cost('{ article(slug: "x") { title category { slug } } }')).toBe(2);
  });

  it('a page costs its size times what each item costs, the connection itself 1', () => {
    // articles 1 + 20 edges × (1 + node 1) + pageInfo 1
    expect(cost('{ articles(first: 20) { edges { node { title } } pageInfo { hasNextPage } } }')).toBe(1 + 20 * 2 + 1);
    expect(cost('{ articles(first: 5) { edges { cursor } } }')).toBe(1 + 5);
  });

  it('takes the page size from the variables of each request, defaults and the cap', () => {
    const query = 'query($n: Int) { articles(first: $n) { edges { node { title } } } }';
    expect(cost(query, { n: 3 })).toBe(1 + 3 * 2);
    expect(cost(query, {})).toBe(1 + DEFAULT_PAGE_SIZE * 2);
    expect(cost('query($n: Int = 7) { articles(first: $n) { edges { node { title } } } }')).toBe(1 + 7 * 2);
    expect(cost(query, { n: 10_000 })).toBe(1 + MAX_PAGE_SIZE * 2);
    expect(cost('{ tickers { headline } }')).toBe(10);
  });

  it('multiplies nested lists by their assumed sizes (people and regions of an article 5, all regions 100, others 10)', () => {
    expect(cost('{ article(slug: "x") { people { nameAr } regions { code } } }')).toBe(1 + 5 + 5);
    expect(cost('{ regions { code } }')).toBe(100);
    expect(cost('{ regions { children { code } } }')).toBe(100 * (1 + 15));
    expect(cost('{ article(slug: "x") { related { people { nameAr } } } }')).toBe(1 + 10 * (1 + 5));
  });

  it('counts fragments as if written out, and abstract selections as the sum of their type conditions', () => {
    expect(cost('{ article(slug: "x") { ...f } } fragment f on Article { category { slug } people { nameAr } }')).toBe(1 + 1 + 5);
    expect(cost('{ node(id: "1") { ... on Article { category { slug } } ... on Region { children { code } } } }')).toBe(1 + 1 + 15);
  });

  it('costs aliases each: the same field twice costs twice', () => {
    expect(cost('{ a: article(slug: "a") { title } b: article(slug: "b") { title } }')).toBe(2);
  });
});
