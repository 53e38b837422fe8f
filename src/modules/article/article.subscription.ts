import { isLang, LANGS_TEXT } from '../../shared/languages';
import { Arg, Ctx, Field, FieldResolver, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context';
import { isEditor } from '../../auth/viewer';
import type { EventOf } from '../../realtime/event-catalogue';
import { EventStream, inRegions, LiveContext } from '../../realtime/event-stream';
import { entityOf, FeedEvent, FeedTopic, OutboxRecord } from '../../realtime/feed';
import { badInput } from '../../shared/errors';
import { toGlobalId } from '../../shared/global-id';
import { graphqlEnumOf } from '../../shared/graphql-enum';
import { normalizeSlugInput } from '../../shared/slug';
import { regionFilter } from '../region/region-filter';
import { ARTICLE_EVENTS } from './article.events';
import { ArticleType } from './article.type';

/** The article events subscribers hear of; the others (edits, changes of what an article shows) only purge caches. */
const NEWS = ARTICLE_EVENTS.kindsWhere((meaning) => meaning.news);
type ArticleNewsKind = (typeof NEWS)[number];
/** Article events readers get even when the article is gone from their view: they tell them to drop it. */
const REMOVALS = new Set<string>(ARTICLE_EVENTS.kindsWhere((meaning) => meaning.removal));
const IS_NEWS = new Set<string>(NEWS);

const ArticleEventKindEnum = graphqlEnumOf('ArticleEventKind', 'What happened to an article readers can see (or could until now).',
  NEWS, (kind) => ARTICLE_EVENTS.kinds[kind].description);

/** The feed reads each article event's article once per instance, as editors see it; readers' own view is checked per event. */
export const ARTICLE_FEED: FeedTopic<ArticleType> = {
  topic: ARTICLE_EVENTS.topic,
  read: (services, ids) => services.articles.byIds(ids, 'editorial'),
};

@ObjectType('ArticleEvent', { description: 'An article became visible to readers, or changed or left while visible.' })
export class ArticleEvent {
  @Field(() => ArticleEventKindEnum, { description: 'What happened.' })
  kind: ArticleNewsKind;

  @Field(() => ID, { description: 'Global id of the article, also when you can no longer read it.' })
  articleId: string;

  @Field(() => Date, { description: 'When the change was committed.' })
  occurredAt: Date;

  dbId: number;
}

@Resolver(() => ArticleEvent)
export class ArticleEventResolver {
  @FieldResolver(() => ArticleType, { nullable: true, description: 'The article as you may see it now; null once it left the public site (for readers).' })
  article(@Root() event: ArticleEvent, @Ctx() ctx: Context): Promise<ArticleType | null> {
    return ctx.loaders.article.load(event.dbId);
  }
}

interface ArticlePublishedArgs {
  regionCodes?: string[] | null;
  categorySlug?: string | null;
  lang?: string | null;
}

@Resolver()
export class ArticleSubscriptions {
  @Subscription(() => ArticleEvent, {
    description: 'Articles becoming visible to readers (scheduled ones at their time), corrected, retracted, or leaving the public site. Live only.',
    subscribe: ({ args, context }) => articleStream(context as LiveContext, args),
  })
  articlePublished(
    @Root() event: ArticleEvent,
    @Arg('regionCodes', () => [String], { nullable: true, description: 'Only articles about these regions, sub-regions included.' }) _regionCodes?: string[],
    @Arg('categorySlug', () => String, { nullable: true, description: 'Only articles of this section.' }) _categorySlug?: string,
    @Arg('lang', () => String, { nullable: true, description: 'Only articles in this language ("ar", "fr", "en" or "zgh").' }) _lang?: string,
  ): ArticleEvent {
    return event;
  }
}

async function articleStream(ctx: LiveContext, args: ArticlePublishedArgs): Promise<EventStream<ArticleEvent>> {
  const regions = await regionFilter(ctx.services.regions, args.regionCodes);
  const lang = args.lang ?? null;
  if (lang !== null && !isLang(lang)) throw badInput(`lang must be ${LANGS_TEXT}.`, 'lang');
  const category = args.categorySlug == null ? null : await ctx.services.categories.bySlug(normalizeSlugInput(args.categorySlug));
  if (args.categorySlug != null && !category) throw badInput(`There is no section "${args.categorySlug}".`, 'categorySlug');
  const editor = isEditor(ctx.viewer);
  return new EventStream(ctx.feed, ctx, {
    topic: ARTICLE_EVENTS.topic,
    after: ctx.feed.head,
    accepts: async (event, scope) => {
      const { record } = event;
      const article = entityOf(ARTICLE_FEED, event);
      return IS_NEWS.has(record.kind) && article !== null && inRegions(record, regions)
        && (category === null || article.categoryId === category.dbId) && (lang === null || article.lang === lang)
        // Readers hear of an article only while they may read it, except for the news that it is gone.
        && (editor || REMOVALS.has(record.kind) || (await scope.loaders.article.load(record.entityId)) !== null);
    },
    payload: articlePayload,
  });
}

function articlePayload({ record }: FeedEvent): ArticleEvent {
  // The stream accepts only the news kinds of article events.
  const { kind, entityId, createdAt } = record as OutboxRecord<EventOf<typeof ARTICLE_EVENTS>> & { kind: ArticleNewsKind };
  return Object.assign(new ArticleEvent(), { kind, articleId: toGlobalId('Article', entityId), occurredAt: createdAt, dbId: entityId });
}
