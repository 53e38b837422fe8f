import { buildSchema, graphql } from 'graphql';
import { instrumentEntityTags, TagCollector } from '../../src/server/cache/entity-tags';
import { ArticleType } from '../../src/modules/article/article.type';

describe('entity tags', () => {
  it('finds articles in any Relay-shaped result, whatever its type names', async () => {
    const schema = buildSchema(`
      type Query { search: Results, article: Article }
      type Results { edges: [Hit!]! }
      type Hit { node: Article!, cursor: String!, highlight: String }
      type Article { title: String }
    `);
    const article = (dbId: number) => Object.assign(new ArticleType(), { dbId, title: `t${dbId}` });
    schema.getQueryType()!.getFields().search.resolve = () => ({ edges: [{ node: article(5), cursor: 'a' }, { node: article(7), cursor: 'b' }] });
    schema.getQueryType()!.getFields().article.resolve = async () => null;
    instrumentEntityTags(schema, (context) => context as TagCollector);
    const collector: TagCollector = { tags: new Set() };
    const result = await graphql({ schema, source: '{ search { edges { node { title } } } article { title } }', contextValue: collector });
    expect(result.errors).toBeUndefined();
    expect([...collector.tags!].sort()).toEqual(['Article', 'Article:5', 'Article:7']);
  });
});
