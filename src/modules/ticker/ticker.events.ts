import { defineEvents, KindMeaning } from '../../realtime/event-catalogue';

/** What a breaking-news event means beyond caches. */
export interface TickerKindMeaning extends KindMeaning {
  /** The item is off air after it: a pending notification of it is cancelled; otherwise it notifies (an update replaces the last). */
  takesOffAir: boolean;
}

/**
 * What happens to a breaking-news item, as its outbox events, live subscribers (the GraphQL enum TickerEventKind)
 * and push notifications name it.
 */
export const TICKER_EVENTS = defineEvents({
  topic: 'ticker',
  cacheType: 'Ticker',
  kinds: {
    PUSHED: { description: 'It went on air.', takesOffAir: false, purgesLists: true },
    UPDATED: { description: 'An editor changed it (headline, urgency, links, region or expiry).', takesOffAir: false, purgesLists: true },
    KILLED: { description: 'An editor took it off air for good.', takesOffAir: true, purgesLists: false },
  } satisfies Record<string, TickerKindMeaning>,
});

export type TickerEventKind = (typeof TICKER_EVENTS.kindNames)[number];
