import 'reflect-metadata';
import { ArgumentValidationError } from 'type-graphql';
import { type FieldNode, type GraphQLResolveInfo, type GraphQLSchema, type OperationDefinitionNode, parse } from 'graphql';
import { buildKhabarSchema } from '../../src/server/schema';

/**
 * Resolvers that take only scalars, the context and `info` are called without type-graphql's wrapper
 * (src/server/direct-field-resolvers.ts): at once, with their arguments as GraphQL gives them. Those that take an
 * input object keep the wrapper, which validates it.
 */
describe('resolvers called directly (src/server/direct-field-resolvers.ts)', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildKhabarSchema();
  });

  const infoFor = (query: string): GraphQLResolveInfo => {
    const operation = parse(query).definitions[0] as OperationDefinitionNode;
    return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments: {} } as unknown as GraphQLResolveInfo;
  };
  const contextReading = (articles: Record<string, jest.Mock>) => ({ services: { articles }, loaders: { visibility: 'public' } });

  it('an article page\'s root field reads its article at once, with the slug as it was sent', () => {
    const bySlug = jest.fn(async () => null);
    const resolve = schema.getQueryType()!.getFields().article.resolve!;
    const answer = resolve(undefined, { slug: 'مقال-1' }, contextReading({ bySlug }), infoFor('{ article(slug: "مقال-1") { title } }'));
    // Before any promise settles: the wrapper would still be validating the arguments, each in a promise.
    expect(bySlug).toHaveBeenCalledWith('مقال-1', 'public', expect.objectContaining({ fields: ['title'] }));
    return expect(answer).resolves.toBeNull();
  });

  it('a root field with an input object keeps the wrapper: a page size over the limit is refused before any read', async () => {
    const page = jest.fn(async () => ({ edges: [] }));
    const resolve = schema.getQueryType()!.getFields().articles.resolve!;
    const refusal = await Promise.resolve(resolve(undefined, { first: 5_000 }, contextReading({ page }), infoFor('{ articles(first: 5000) { edges { node { title } } } }')))
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ArgumentValidationError);
    expect(page).not.toHaveBeenCalled();
  });
});
