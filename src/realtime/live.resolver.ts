import { Arg, Int, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../context';
import { isEditor } from '../auth/viewer';
import { parseRegionCode } from '../modules/region/region-code';
import type { TickerEventKind } from '../modules/ticker/ticker.writer';
import { badInput } from '../shared/errors';
import { toGlobalId } from '../shared/global-id';
import { decodeCursor, encodeCursor } from '../shared/relay';
import { normalizeSlugInput } from '../shared/slug';
import type { EventFeed, FeedEvent, OutboxRecord } from './feed';
import { EventStream } from './event-stream';
import { ArticleEvent, ArticleEventKind, BreakingNewsEvent } from './live.types';

/** A subscription's context: a request context whose loaders the stream renews for every event. */
export interface LiveContext extends Context {
  feed: EventFeed;
}

const CURSOR_KIND = 'breakingNews';
const MAX_REGION_CODES = 50;
/** Article events readers get even when the article is gone from their view: they tell them to drop it. */
const REMOVALS = new Set<string>([ArticleEventKind.RETRACTED, ArticleEventKind.UNPUBLISHED, ArticleEventKind.ARCHIVED]);
/** The article events subscribers hear of; the others (UPDATED: edits; SHOWN_UPDATED: renamed sections, people or places) only purge caches. */
const NEWS = new Set<string>(Object.values(ArticleEventKind));

interface BreakingNewsArgs {
  after?: string | null;
  regionCodes?: string[] | null;
  minUrgency?: number | null;
}

interface ArticlePublishedArgs {
  regionCodes?: string[] | null;
  categorySlug?: string | null;
  lang?: string | null;
}

@Resolver()
export class LiveResolver {
  @Subscription(() => BreakingNewsEvent, {
    description: 'Breaking news as it changes. With `after`, first every later matching event still kept, in order, then live, '
      + 'with no gap and no duplicate; without it, live only.',
    subscribe: ({ args, context }) => breakingNewsStream(context as LiveContext, args),
  })
  breakingNews(
    @Root() event: BreakingNewsEvent,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last event you received: resume right after it.' }) _after?: string,
    @Arg('regionCodes', () => [String], { nullable: true, description: 'Only items about these regions (ISO 3166-2:MA), sub-regions included: MA-04 also gets Kénitra (MA-KEN).' }) _regionCodes?: string[],
    @Arg('minUrgency', () => Int, { nullable: true, description: 'Only items at least this urgent: 1 = flashes only, 2 = flashes and urgent, 3 = everything.' }) _minUrgency?: number,
  ): BreakingNewsEvent {
    return event;
  }

  @Subscription(() => ArticleEvent, {
    description: 'Articles becoming visible to readers (scheduled ones at their time), corrected, retracted, or leaving the public site. Live only.',
    subscribe: ({ args, context }) => articleStream(context as LiveContext, args),
  })
  articlePublished(
    @Root() event: ArticleEvent,
    @Arg('regionCodes', () => [String], { nullable: true, description: 'Only articles about these regions, sub-regions included.' }) _regionCodes?: string[],
    @Arg('categorySlug', () => String, { nullable: true, description: 'Only articles of this section.' }) _categorySlug?: string,
    @Arg('lang', () => String, { nullable: true, description: 'Only articles in this language ("ar" or "fr").' }) _lang?: string,
  ): ArticleEvent {
    return event;
  }
}

async function breakingNewsStream(ctx: LiveContext, args: BreakingNewsArgs): Promise<EventStream<BreakingNewsEvent>> {
  const regions = await regionFilter(ctx, args.regionCodes);
  const minUrgency = args.minUrgency ?? null;
  if (minUrgency !== null && !(minUrgency >= 1 && minUrgency <= 3)) {
    throw badInput('minUrgency must be 1 (flashes only), 2 or 3 (everything).', 'minUrgency');
  }
  const after = args.after == null ? ctx.feed.head : await replayPosition(ctx, args.after);
  return new EventStream(ctx.feed, ctx, {
    topic: 'ticker',
    after,
    accepts: ({ record, ticker }) => ticker !== null && inRegions(record, regions)
      && (minUrgency === null || (record.urgency ?? 3) <= minUrgency),
    payload: breakingNewsPayload,
  });
}

async function articleStream(ctx: LiveContext, args: ArticlePublishedArgs): Promise<EventStream<ArticleEvent>> {
  const regions = await regionFilter(ctx, args.regionCodes);
  const lang = args.lang ?? null;
  if (lang !== null && lang !== 'ar' && lang !== 'fr') throw badInput('lang must be "ar" or "fr".', 'lang');
  const category = args.categorySlug == null ? null : await ctx.services.categories.bySlug(normalizeSlugInput(args.categorySlug));
  if (args.categorySlug != null && !category) throw badInput(`There is no section "${args.categorySlug}".`, 'categorySlug');
  const editor = isEditor(ctx.viewer);
  return new EventStream(ctx.feed, ctx, {
    topic: 'article',
    after: ctx.feed.head,
    accepts: async ({ record, article }, scope) => NEWS.has(record.kind) && article !== null && inRegions(record, regions)
      && (category === null || article.categoryId === category.dbId) && (lang === null || article.lang === lang)
      // Readers hear of an article only while they may read it, except for the news that it is gone.
      && (editor || REMOVALS.has(record.kind) || (await scope.loaders.article.load(record.entityId)) !== null),
    payload: articlePayload,
  });
}

/** The cursor of the breaking-news event at `seq`: `breakingNews(after:)` resumes right after it (push notifications carry it too). */
export function breakingNewsCursor(seq: number): string {
  return encodeCursor(CURSOR_KIND, [seq]);
}

function breakingNewsPayload({ record, ticker }: FeedEvent): BreakingNewsEvent {
  return Object.assign(new BreakingNewsEvent(), {
    cursor: breakingNewsCursor(record.seq),
    kind: record.kind as TickerEventKind,
    ticker: ticker!,
    occurredAt: record.createdAt,
  });
}

function articlePayload({ record }: FeedEvent): ArticleEvent {
  return Object.assign(new ArticleEvent(), {
    kind: record.kind as ArticleEventKind,
    articleId: toGlobalId('Article', record.entityId),
    occurredAt: record.createdAt,
    dbId: record.entityId,
  });
}

/** The codes asked for, checked against the region table; null when the subscription has no region filter. */
async function regionFilter(ctx: LiveContext, codes: string[] | null | undefined): Promise<Set<string> | null> {
  if (codes == null) return null;
  if (codes.length > MAX_REGION_CODES) throw badInput(`Pass at most ${MAX_REGION_CODES} region codes.`, 'regionCodes');
  const parsed = codes.map(parseRegionCode);
  const malformed = parsed.indexOf(null);
  if (malformed >= 0) throw badInput(`"${codes[malformed].slice(0, 20)}" is not an ISO 3166-2:MA code such as "MA-04".`, 'regionCodes');
  const valid = parsed as string[];
  const unknown = await ctx.services.regions.unknownCodes(valid);
  if (unknown.length > 0) throw badInput(`Unknown region code ${unknown.join(', ')}.`, 'regionCodes');
  return new Set(valid);
}

/** Events carry their regions' ancestors, so a region matches the items of its sub-regions. */
function inRegions(record: OutboxRecord, regions: Set<string> | null): boolean {
  return regions === null || record.regionCodes.some((code) => regions.has(code));
}

/** The sequence a replay starts after; the cursor must name a breaking-news event the outbox still keeps. */
async function replayPosition(ctx: LiveContext, cursor: string): Promise<number> {
  const [seq] = decodeCursor(CURSOR_KIND, cursor, 'after', ['number']) as [number];
  if (!Number.isSafeInteger(seq) || seq < 1) throw badInput(`Invalid cursor "${cursor.slice(0, 60)}".`, 'after');
  // Checked through the feed: clients resuming from the same cursor (a reconnect storm) share one statement.
  const { topic, oldest } = await ctx.feed.checkCursor(seq);
  if (topic === 'ticker') return seq;
  if (oldest === null || seq < oldest) {
    throw badInput(`This cursor is older than the ${ctx.feed.retentionHours} hours of events Khabar keeps: subscribe without \`after\` `
      + 'and load what is on air with the `tickers` query.', 'after', { reason: 'CURSOR_EXPIRED' });
  }
  throw badInput('This cursor names no breaking-news event.', 'after');
}
