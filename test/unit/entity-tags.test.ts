import { buildSchema, graphql, GraphQLSchema } from 'graphql';
import { instrumentEntityTags, TagCollector } from '../../src/server/cache/entity-tags';
import { ArticleType } from '../../src/modules/article/article.type';
import { TickerType } from '../../src/modules/ticker/ticker.type';
import { PersonType } from '../../src/modules/person/person.type';
import { CategoryType } from '../../src/modules/category/category.type';
import { RegionType } from '../../src/modules/region/region.type';
import { ImageType } from '../../src/modules/media/image.type';

// What a cached response is tagged with decides what a purge evicts: a missing tag is a stale page served for its
// whole max-age. Each shape a tagged type comes in (one, a list, a connection, a lookup that found nothing, through the
// Node interface, nested in another type) is pinned here, on a schema of the same shapes as Khabar's.
const SDL = `
  interface Node { id: ID }
  type Query {
    article: Article
    articles: [Article!]!
    articleConnection(filter: ArticleFilter): ArticleConnection!
    search: SearchResults!
    ticker: Ticker
    tickers: [Ticker!]!
    person: Person
    people: [Person!]!
    peopleConnection: PersonConnection!
    region: Region
    regions: [Region!]!
    category: Category
    categories: [Category!]!
    image: Image
    node: Node
    title: String
  }
  input ArticleFilter { regionCode: String }
  type ArticleConnection { edges: [ArticleEdge!]! }
  type ArticleEdge { node: Article!, cursor: String! }
  type SearchResults { edges: [Hit!]! }
  type Hit { node: Article!, cursor: String!, highlight: String }
  type PersonConnection { edges: [PersonEdge!]! }
  type PersonEdge { node: Person!, cursor: String! }
  type Article implements Node { id: ID, title: String, people: [Person!]!, category: Category, regions: [Region!]!, leadImage: Image }
  type Ticker implements Node { id: ID, headline: String, article: Article }
  type Person implements Node { id: ID, nameAr: String, articles: ArticleConnection! }
  type Region implements Node { id: ID, code: String, parent: Region }
  type Category implements Node { id: ID, slug: String }
  type Image implements Node { id: ID, alt: String }
`;

const edges = <T>(nodes: T[]) => ({ edges: nodes.map((node, i) => ({ node, cursor: String(i) })) });
const article = (dbId: number): ArticleType => Object.assign(new ArticleType(), { dbId, title: `t${dbId}`, people: [person(90)], category: category(3),
  regions: [region('MA-05', null)], leadImage: image(70) });
const ticker = (dbId: number, regionCode: string | null, of: ArticleType | null = null) =>
  Object.assign(new TickerType(), { dbId, regionCode, headline: `h${dbId}`, article: of });
const person = (dbId: number, articles: ArticleType[] = []) => Object.assign(new PersonType(), { dbId, nameAr: `p${dbId}`, articles: edges(articles) });
const region = (code: string, parentCode: string | null) => Object.assign(new RegionType(), { code, parentCode, parent: null });
const category = (dbId: number) => Object.assign(new CategoryType(), { dbId, slug: `c${dbId}` });
const image = (dbId: number) => Object.assign(new ImageType(), { dbId, alt: `a${dbId}` });

/** The schema with each root field answering `roots[name]` (a promise for async resolvers), instrumented. */
function schemaAnswering(roots: Record<string, unknown>): GraphQLSchema {
  const schema = buildSchema(SDL);
  const fields = schema.getQueryType()!.getFields();
  for (const [name, value] of Object.entries(roots)) fields[name].resolve = () => value;
  (schema.getType('Node') as any).resolveType = (value: object) => value.constructor.name.replace(/Type$/, '');
  instrumentEntityTags(schema, (context) => context as TagCollector);
  return schema;
}

async function tagsOf(source: string, roots: Record<string, unknown>): Promise<string[]> {
  const collector: TagCollector = { tags: new Set() };
  const result = await graphql({ schema: schemaAnswering(roots), source, contextValue: collector });
  expect(result.errors).toBeUndefined();
  return [...collector.tags!].sort();
}

describe('entity tags: what a cached response is purged by', () => {
  it('an article looked up: its own tag only (a new article cannot change it)', async () => {
    expect(await tagsOf('{ article { title } }', { article: article(5) })).toEqual(['Article:5']);
    expect(await tagsOf('{ article { title } }', { article: Promise.resolve(article(5)) })).toEqual(['Article:5']);
  });

  it('an article lookup that found nothing: the collection tag, since a new or published article could answer it', async () => {
    expect(await tagsOf('{ article { title } }', { article: null })).toEqual(['Article']);
  });

  it('a list of articles, and a connection of them whatever its type names: the collection and every article', async () => {
    expect(await tagsOf('{ articles { title } }', { articles: [article(5), article(7)] })).toEqual(['Article', 'Article:5', 'Article:7']);
    expect(await tagsOf('{ articleConnection { edges { node { title } } } }', { articleConnection: edges([article(5), article(7)]) }))
      .toEqual(['Article', 'Article:5', 'Article:7']);
    expect(await tagsOf('{ search { edges { node { title } } } }', { search: Promise.resolve(edges([article(8)])) }))
      .toEqual(['Article', 'Article:8']);
    expect(await tagsOf('{ articles { title } }', { articles: [] })).toEqual(['Article']);
  });

  it("a list of a place's articles: also that place, which changes when a place moves into or out of it", async () => {
    expect(await tagsOf('{ articleConnection(filter: { regionCode: " ma-04 " }) { edges { node { title } } } }', { articleConnection: edges([article(5)]) }))
      .toEqual(['Article', 'Article:5', 'Region:MA-04']);
    // Not a code: nothing to name (the resolver refuses it).
    expect(await tagsOf('{ articleConnection(filter: { regionCode: "Rabat" }) { edges { node { title } } } }', { articleConnection: edges([]) }))
      .toEqual(['Article']);
  });

  it('breaking news: each item and the region whose name it shows; a list the collection too', async () => {
    expect(await tagsOf('{ ticker { headline } }', { ticker: ticker(3, 'MA-01') })).toEqual(['Region:MA-01', 'Ticker:3']);
    expect(await tagsOf('{ tickers { headline } }', { tickers: [ticker(3, 'MA-01'), ticker(4, null)] }))
      .toEqual(['Region:MA-01', 'Ticker', 'Ticker:3', 'Ticker:4']);
    expect(await tagsOf('{ tickers { headline } }', { tickers: [] })).toEqual(['Ticker']);
  });

  it('an article shown inside another type (a breaking item\'s article) is tagged where it is shown', async () => {
    expect(await tagsOf('{ ticker { headline article { title } } }', { ticker: ticker(3, null, article(9)) })).toEqual(['Article:9', 'Ticker:3']);
    expect(await tagsOf('{ person { nameAr articles { edges { node { title } } } } }', { person: person(2, [article(1)]) }))
      .toEqual(['Article', 'Article:1', 'Person:2']);
  });

  it("reference data at the root: a person's, section's, place's or picture's page by its id; a place by its parent too", async () => {
    expect(await tagsOf('{ person { nameAr } }', { person: person(2) })).toEqual(['Person:2']);
    expect(await tagsOf('{ category { slug } }', { category: category(3) })).toEqual(['Category:3']);
    expect(await tagsOf('{ image { alt } }', { image: image(70) })).toEqual(['Image:70']);
    expect(await tagsOf('{ region { code } }', { region: region('MA-KEN', 'MA-04') })).toEqual(['Region:MA-04', 'Region:MA-KEN']);
    expect(await tagsOf('{ person { nameAr } }', { person: null })).toEqual(['Person']);
  });

  it('lists of reference data: the collection only, however long (every change of reference data purges its lists)', async () => {
    expect(await tagsOf('{ people { nameAr } }', { people: [person(2), person(3)] })).toEqual(['Person']);
    expect(await tagsOf('{ peopleConnection { edges { node { nameAr } } } }', { peopleConnection: edges([person(2)]) })).toEqual(['Person']);
    expect(await tagsOf('{ regions { code } }', { regions: [region('MA-01', null)] })).toEqual(['Region']);
    expect(await tagsOf('{ categories { slug } }', { categories: [category(1)] })).toEqual(['Category']);
  });

  it("reference data inside an article is not tagged: the article's SHOWN_UPDATED event covers it", async () => {
    expect(await tagsOf('{ article { people { nameAr } category { slug } regions { code } leadImage { alt } } }', { article: article(5) }))
      .toEqual(['Article:5']);
  });

  it('node(id:) may be any tagged type: what it found, or every collection when it found nothing', async () => {
    expect(await tagsOf('{ node { id } }', { node: article(5) })).toEqual(['Article:5']);
    expect(await tagsOf('{ node { id } }', { node: ticker(3, null) })).toEqual(['Ticker:3']);
    expect(await tagsOf('{ node { id } }', { node: person(2) })).toEqual(['Person:2']);
    expect(await tagsOf('{ node { id } }', { node: null })).toEqual(['Article', 'Category', 'Image', 'Person', 'Region', 'Ticker']);
  });

  it('a field of no tagged type adds nothing; without a collector (an editor, a mutation) nothing is recorded and values pass through', async () => {
    expect(await tagsOf('{ title }', { title: 'x' })).toEqual([]);
    const schema = schemaAnswering({ articles: [article(5)] });
    const result = await graphql({ schema, source: '{ articles { title } }', contextValue: { tags: null } });
    expect(result).toEqual({ data: { articles: [{ title: 't5' }] } });
  });
});
