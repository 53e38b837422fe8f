import { Arg, Field, ID, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { isEditor } from '../../auth/viewer';
import { isDatabaseUnavailable } from '../../db/unavailable';
import type { EventOf } from '../../realtime/event-catalogue';
import { EventStream, LiveContext, replayPosition } from '../../realtime/event-stream';
import { entityOf, EventFeed, FeedEvent, FeedTopic, OutboxRecord, ReadScope } from '../../realtime/feed';
import { badInput } from '../../shared/errors';
import { numericIdOf, toGlobalId } from '../../shared/global-id';
import { graphqlEnumOf } from '../../shared/graphql-enum';
import { encodeCursor } from '../../shared/relay';
import { LIVE_EVENTS } from './live.events';
import { LiveEntryType } from './live.type';

/** The live events subscribers hear of (STARTED only purges caches: a subscriber is already on the page). */
const HEARD = LIVE_EVENTS.kindsWhere((meaning) => meaning.toSubscribers);
type HeardKind = (typeof HEARD)[number];
const IS_HEARD = new Set<string>(HEARD);

const LiveEntryEventKindEnum = graphqlEnumOf('LiveEntryEventKind', 'What happened in a live blog.',
  HEARD, (kind) => LIVE_EVENTS.kinds[kind].description);

/** The feed reads each live event's entry (its item) once per instance, deleted ones too, so their events name them. */
export const LIVE_FEED: FeedTopic<LiveEntryType> = {
  topic: LIVE_EVENTS.topic,
  readsItems: true,
  read: (services, ids) => services.live.entriesByIds(ids, 'feed'),
};

@ObjectType('LiveEntryEvent', { description: 'A change to a live blog, in the order it was committed.' })
export class LiveEntryEvent {
  @Field({ description: 'Opaque position of this event: pass it as `after` when you resubscribe, to get what followed it.' })
  cursor: string;

  @Field(() => LiveEntryEventKindEnum, { description: 'What happened.' })
  kind: HeardKind;

  @Field(() => LiveEntryType, { nullable: true, description: 'The entry as it is when the event reaches you; null for ENDED and once the entry is deleted.' })
  entry: LiveEntryType | null;

  @Field(() => ID, { nullable: true, description: 'Global id of the entry concerned (also of a deleted one); null for ENDED.' })
  entryId: string | null;

  @Field(() => ID, { description: 'Global id of the article whose blog it is.' })
  articleId: string;

  @Field(() => Date, { description: 'When the change was committed.' })
  occurredAt: Date;
}

export const LIVE_ENTRIES_CURSOR_KIND = 'liveEntries';
const CURSOR_KIND = LIVE_ENTRIES_CURSOR_KIND;

interface LiveEntriesArgs {
  articleId: string;
  after?: string | null;
  keyEventsOnly?: boolean | null;
}

@Resolver()
export class LiveSubscriptions {
  @Subscription(() => LiveEntryEvent, {
    description: 'A live blog as it changes. With `after`, first every later event still kept, in order, then live, with no gap and no duplicate; without it, live only.',
    subscribe: ({ args, context }) => liveEntriesStream(context as LiveContext, args as LiveEntriesArgs),
  })
  liveEntries(
    @Root() event: LiveEntryEvent,
    @Arg('articleId', () => ID, { description: 'The article whose blog to follow.' }) _articleId: string,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last event you received: resume right after it.' }) _after?: string,
    @Arg('keyEventsOnly', () => Boolean, { nullable: true, description: 'Only events about key events (as the entry is when the event reaches you), and ENDED.' }) _keyEventsOnly?: boolean,
  ): LiveEntryEvent {
    return event;
  }
}

async function liveEntriesStream(ctx: LiveContext, args: LiveEntriesArgs): Promise<EventStream<LiveEntryEvent>> {
  const articleId = numericIdOf('Article', args.articleId, 'articleId');
  const editor = isEditor(ctx.viewer);
  if (!(await mayRead(ctx, articleId, editor))) throw badInput('articleId names no article you may read.', 'articleId');
  const keyEventsOnly = args.keyEventsOnly ?? false;
  const after = args.after == null ? ctx.feed.head
    : await replayPosition(ctx.feed, args.after, CURSOR_KIND, LIVE_EVENTS.topic, 'live-blog', 'load the entries with `Article.liveCoverage`');
  return new EventStream(ctx.feed, ctx, {
    topic: LIVE_EVENTS.topic,
    after,
    accepts: (event, scope) => {
      const { record } = event;
      if (record.entityId !== articleId || !IS_HEARD.has(record.kind)) return false;
      if (keyEventsOnly && record.kind !== 'ENDED' && !entityOf(LIVE_FEED, event)?.isKeyEvent) return false;
      // Readers hear of a blog's entries only while its article is published (one statement per event for all of
      // them): a retracted article keeps its notice, not its entries. ENDED names no entry: everyone hears it.
      return editor || record.kind === 'ENDED' || readersMaySee(event, articleId, scope);
    },
    payload: liveEntryPayload,
  });
}

/** Whether readers may see the entries of an event's article, per event: a promise for the first subscriber, then a value. */
const publishedAt = new WeakMap<FeedEvent, boolean | Promise<boolean>>();

/**
 * Whether the event's article is published, read once per event with the readers' loaders (one statement for all
 * of them); known synchronously to every subscriber after the first, so ten thousand do not each wait a tick for it.
 */
function readersMaySee(event: FeedEvent, articleId: number, scope: ReadScope): boolean | Promise<boolean> {
  let verdict = publishedAt.get(event);
  if (verdict === undefined) {
    const reading = scope.loaders.article.load(articleId).then((article) => article?.status === 'PUBLISHED');
    publishedAt.set(event, reading);
    // Failures are not kept: the next subscriber asks again (the stream retries once the database is back).
    reading.then((published) => publishedAt.set(event, published), () => publishedAt.delete(event));
    verdict = reading;
  }
  return verdict;
}

/** Checks made in the last second, per instance: ten thousand readers opening one blog at once cost one statement. */
const recentChecks = new WeakMap<EventFeed, Map<string, Promise<boolean>>>();
const CHECK_KEPT_MS = 1_000;

/**
 * Whether the viewer may read the article, shared by the subscriptions of one visibility opened within a second. A
 * database away for a moment (too busy to hand out a connection while thousands subscribe) is waited for, as replay
 * cursor checks wait for it.
 */
async function mayRead(ctx: LiveContext, articleId: number, editor: boolean, attempts = 5): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await sharedCheck(ctx, articleId, editor);
    } catch (error) {
      if (!isDatabaseUnavailable(error) || attempt >= attempts) throw error;
      await ctx.feed.readable();
    }
  }
}

function sharedCheck(ctx: LiveContext, articleId: number, editor: boolean): Promise<boolean> {
  let checks = recentChecks.get(ctx.feed);
  if (!checks) recentChecks.set(ctx.feed, checks = new Map());
  const key = `${editor}:${articleId}`;
  let check = checks.get(key);
  if (!check) {
    const done = checks;
    check = ctx.services.articles.byIds([articleId], editor ? 'editorial' : 'public')
      .then(([article]) => article !== null && (editor || article.status === 'PUBLISHED'));
    check.then(() => setTimeout(() => done.delete(key), CHECK_KEPT_MS).unref(), () => done.delete(key));
    checks.set(key, check);
  }
  return check;
}

function liveEntryPayload(event: FeedEvent): LiveEntryEvent {
  // The stream accepts only the heard kinds of live events.
  const record = event.record as OutboxRecord<EventOf<typeof LIVE_EVENTS>> & { kind: HeardKind };
  const entry = entityOf(LIVE_FEED, event);
  return Object.assign(new LiveEntryEvent(), {
    cursor: encodeCursor(CURSOR_KIND, [record.seq]),
    kind: record.kind,
    entry: entry && !entry.deleted && record.kind !== 'DELETED' ? entry : null,
    entryId: record.itemId === null ? null : toGlobalId('LiveEntry', record.itemId),
    articleId: toGlobalId('Article', record.entityId),
    occurredAt: record.createdAt,
  });
}
