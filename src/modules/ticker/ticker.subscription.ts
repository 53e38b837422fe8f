import { Arg, Field, Int, ObjectType, Resolver, Root, Subscription } from 'type-graphql';
import { entityOf, FeedEvent, FeedTopic, OutboxRecord } from '../../realtime/feed';
import type { EventOf } from '../../realtime/event-catalogue';
import { EventStream, inRegions, LiveContext, replayPosition } from '../../realtime/event-stream';
import { badInput } from '../../shared/errors';
import { graphqlEnumOf } from '../../shared/graphql-enum';
import { encodeCursor } from '../../shared/relay';
import { regionFilter } from '../region/region-filter';
import { TICKER_EVENTS } from './ticker.events';
import type { TickerEventKind } from './ticker.events';
import { TickerType } from './ticker.type';

/** Every ticker event's kind, as its catalogue describes it. */
const TickerEventKindEnum = graphqlEnumOf('TickerEventKind', 'What happened to a breaking-news item.',
  TICKER_EVENTS.kindNames, (kind) => TICKER_EVENTS.kinds[kind].description);

/** The feed reads each ticker event's item once per instance, as editors see it (a killed item too). */
export const TICKER_FEED: FeedTopic<TickerType> = {
  topic: TICKER_EVENTS.topic,
  read: (services, ids) => services.tickers.byIds(ids, false),
};

@ObjectType('BreakingNewsEvent', { description: 'A change to the breaking-news ticker, in the order it was committed.' })
export class BreakingNewsEvent {
  @Field({ description: 'Opaque position of this event: pass it as `after` when you resubscribe, to get what followed it.' })
  cursor: string;

  @Field(() => TickerEventKindEnum, { description: 'What happened.' })
  kind: TickerEventKind;

  @Field(() => TickerType, { description: 'The item as it is when the event reaches you (a killed item has status KILLED).' })
  ticker: TickerType;

  @Field(() => Date, { description: 'When the change was committed.' })
  occurredAt: Date;
}

export const BREAKING_NEWS_CURSOR_KIND = 'breakingNews';
const CURSOR_KIND = BREAKING_NEWS_CURSOR_KIND;

interface BreakingNewsArgs {
  after?: string | null;
  regionCodes?: string[] | null;
  minUrgency?: number | null;
}

@Resolver()
export class TickerSubscriptions {
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
}

async function breakingNewsStream(ctx: LiveContext, args: BreakingNewsArgs): Promise<EventStream<BreakingNewsEvent>> {
  const regions = await regionFilter(ctx.services.regions, args.regionCodes);
  const minUrgency = args.minUrgency ?? null;
  if (minUrgency !== null && !(minUrgency >= 1 && minUrgency <= 3)) {
    throw badInput('minUrgency must be 1 (flashes only), 2 or 3 (everything).', 'minUrgency');
  }
  const after = args.after == null ? ctx.feed.head
    : await replayPosition(ctx.feed, args.after, CURSOR_KIND, TICKER_EVENTS.topic, 'breaking-news', 'load what is on air with the `tickers` query');
  return new EventStream(ctx.feed, ctx, {
    topic: TICKER_EVENTS.topic,
    after,
    accepts: (event) => entityOf(TICKER_FEED, event) !== null && TICKER_EVENTS.owns(event.record) && inRegions(event.record, regions)
      && (minUrgency === null || (event.record.urgency ?? 3) <= minUrgency),
    payload: breakingNewsPayload,
  });
}

/** The cursor of the breaking-news event at `seq`: `breakingNews(after:)` resumes right after it (push notifications carry it too). */
export function breakingNewsCursor(seq: number): string {
  return encodeCursor(CURSOR_KIND, [seq]);
}

function breakingNewsPayload(event: FeedEvent): BreakingNewsEvent {
  // The stream accepts only ticker events of a declared kind whose item the feed found.
  const record = event.record as OutboxRecord<EventOf<typeof TICKER_EVENTS>>;
  return Object.assign(new BreakingNewsEvent(), {
    cursor: breakingNewsCursor(record.seq),
    kind: record.kind,
    ticker: entityOf(TICKER_FEED, event)!,
    occurredAt: record.createdAt,
  });
}
