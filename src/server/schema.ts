import { buildSchema } from 'type-graphql';
import { createPubSub } from '@graphql-yoga/subscription';
import { DateTimeResolver } from 'graphql-scalars';
import { assertInterfaceType, lexicographicSortSchema, printSchema, GraphQLScalarType, GraphQLSchema } from 'graphql';
import { authChecker } from '../auth/auth-checker';
import { rememberingValidation } from './argument-validation';
import { callFieldResolversDirectly } from './direct-field-resolvers';
import { ArticleConnectionResolver, ArticleResolver } from '../modules/article/article.resolver';
import { CategoryResolver } from '../modules/category/category.resolver';
import { PersonResolver } from '../modules/person/person.resolver';
import { RegionResolver } from '../modules/region/region.resolver';
import { TickerResolver } from '../modules/ticker/ticker.resolver';
import { TickerMutations } from '../modules/ticker/ticker.mutations';
import { NodeResolver } from '../modules/node.resolver';
import { ArticleEditorialResolver } from '../modules/article/article.mutations';
import { CategoryMutations } from '../modules/category/category.mutations';
import { PersonMutations } from '../modules/person/person.mutations';
import { RegionMutations } from '../modules/region/region.mutations';
import { CalendarMutations } from '../modules/calendar/calendar.mutations';
import { TokenResolver } from '../auth/token.resolver';
import { TickerSubscriptions } from '../modules/ticker/ticker.subscription';
import { ArticleEventResolver, ArticleSubscriptions } from '../modules/article/article.subscription';
import { SearchResolver } from '../modules/search/search.resolver';
import { PushResolver } from '../modules/push/push.resolver';
import { WebhookResolver } from '../modules/webhooks/webhook.resolver';
import { PeopleResolver } from '../modules/search/people.resolver';
import { PersonArticlesResolver, RegionArticlesResolver } from '../modules/article/articles-about.resolver';
import { ImageResolver } from '../modules/media/image.resolver';
import { ArticleImageResolver, EmbedBlockResolver, EmbedBlockType, ImageBlockResolver, ImageBlockType, PersonImageResolver } from '../modules/media/media-blocks';
import { articleBlockTypeName, TextBlockType } from '../modules/article/article.blocks';
import { ArticleLiveResolver, LiveCoverageResolver, LiveEntryResolver, TickerLiveResolver } from '../modules/live/live.resolver';
import { LiveMutations } from '../modules/live/live.mutations';
import { LiveSubscriptions } from '../modules/live/live.subscription';
import { StructuredDataResolver } from '../modules/pages/structured-data.resolver';
import { isoInstant } from '../shared/iso-date';

export const resolvers = [
  ArticleResolver,
  ArticleConnectionResolver,
  CategoryResolver,
  PersonResolver,
  RegionResolver,
  TickerResolver,
  TickerMutations,
  NodeResolver,
  ArticleEditorialResolver,
  CategoryMutations,
  PersonMutations,
  RegionMutations,
  CalendarMutations,
  TokenResolver,
  TickerSubscriptions,
  ArticleSubscriptions,
  ArticleEventResolver,
  SearchResolver,
  PeopleResolver,
  PersonArticlesResolver,
  RegionArticlesResolver,
  PushResolver,
  WebhookResolver,
  ImageResolver,
  ImageBlockResolver,
  EmbedBlockResolver,
  ArticleImageResolver,
  PersonImageResolver,
  ArticleLiveResolver,
  TickerLiveResolver,
  LiveCoverageResolver,
  StructuredDataResolver,
  LiveEntryResolver,
  LiveMutations,
  LiveSubscriptions,
] as const;

/**
 * graphql-scalars' DateTime, answering the ISO text JSON.stringify would have made of its Date: the same bytes, without
 * the serializer looking up and calling each Date's toJSON (a front page holds twenty of them), nor V8's snprintf.
 */
const dateTime = DateTimeResolver.toConfig();
const DateTime = new GraphQLScalarType({ ...dateTime, serialize: (value) => isoInstant(dateTime.serialize(value) as Date) });

const ROOT_DESCRIPTIONS = {
  Query: 'Reads: public content for everyone, drafts and history for editors.',
  Mutation: 'Writes, for signed-in editors and admins; each one commits whole or changes nothing.',
  Subscription: 'Live events over graphql-ws.',
};

export async function buildKhabarSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers,
    // Body blocks are reached through the ArticleBlock interface only.
    orphanedTypes: [TextBlockType, ImageBlockType, EmbedBlockType],
    authChecker,
    // class-validator with unknown values allowed, a value that passed once not validated again (./argument-validation.ts).
    validateFn: rememberingValidation(),
    scalarsMap: [{ type: Date, scalar: DateTime }],
    // type-graphql wants a pub/sub for subscriptions; ours all bring their own streams from the outbox feed.
    pubSub: createPubSub(),
  });
  // type-graphql cannot describe root types; the committed schema documents them too.
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) root.description = ROOT_DESCRIPTIONS[root.name as keyof typeof ROOT_DESCRIPTIONS];
  }
  callFieldResolversDirectly(schema, resolvers);
  // type-graphql awaits a declared resolveType, so ArticleBlock's would answer a promise that graphql-jit does not wait
  // for; Node's (by class) is synchronous already.
  assertInterfaceType(schema.getType('ArticleBlock')).resolveType = articleBlockTypeName;
  return schema;
}

/** The committed `schema.graphql`: sorted so that its diff shows real changes only. */
export function printKhabarSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
