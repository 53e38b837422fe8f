import type { EventOf } from './realtime/event-catalogue';
import type { EventName } from './realtime/outbox';
import type { FeedSource, FeedTopic } from './realtime/feed';
import { ContextDeps, makeContext } from './context';
import { makeServices } from './services';
import { ARTICLE_EVENTS } from './modules/article/article.events';
import { ARTICLE_FEED } from './modules/article/article.subscription';
import { CALENDAR_EVENTS } from './modules/calendar/calendar.events';
import { CATEGORY_EVENTS } from './modules/category/category.events';
import { IMAGE_EVENTS } from './modules/media/media.events';
import { PERSON_EVENTS } from './modules/person/person.events';
import { REGION_EVENTS } from './modules/region/region.events';
import { TICKER_EVENTS } from './modules/ticker/ticker.events';
import { TICKER_FEED } from './modules/ticker/ticker.subscription';
import { LIVE_EVENTS } from './modules/live/live.events';
import { LIVE_FEED } from './modules/live/live.subscription';

/**
 * Every feature's event catalogue: an event kind is declared once, in its feature's `<feature>.events.ts`; a new
 * feature that emits events adds its catalogue here (and its topic to the outbox's CHECK constraint, by migration).
 */
export const CATALOGUES = [TICKER_EVENTS, ARTICLE_EVENTS, PERSON_EVENTS, CATEGORY_EVENTS, REGION_EVENTS, IMAGE_EVENTS, LIVE_EVENTS,
  CALENDAR_EVENTS] as const;

export type Catalogue = (typeof CATALOGUES)[number];

/** An outbox event, typed: a union discriminated by topic, each with its catalogue's kinds. */
export type OutboxEvent = EventOf<Catalogue>;

export type EventTopic = OutboxEvent['topic'];

export const EVENT_TOPICS: readonly EventTopic[] = CATALOGUES.map((catalogue) => catalogue.topic);

/** The catalogue of an event's topic; undefined for a topic no feature declares. */
export function catalogueOf(event: EventName): Catalogue | undefined {
  return CATALOGUES.find((catalogue) => catalogue.topic === event.topic);
}

/** The topics whose events the live feed reads an entity for, once per instance: what subscriptions stream. */
export const FEED_TOPICS: readonly FeedTopic<unknown>[] = [TICKER_FEED, ARTICLE_FEED, LIVE_FEED];

/** What this instance's live feed reads from: the features' topics, and a request's services and loaders per visibility. */
export function feedSource(deps: ContextDeps): FeedSource {
  return {
    sql: deps.sql,
    services: makeServices(deps.sql, deps.tokens, deps.db, deps.searchSupport, deps.media),
    scope: (viewer, label) => {
      // A committed event's rows may not have reached a replica yet: events read the primary.
      const { services, loaders, sql, media, publicUrl } = makeContext(deps, viewer, label, 'primary');
      return { services, loaders, sql, media, publicUrl };
    },
    topics: FEED_TOPICS,
  };
}
