import { defineEvents, KindMeaning } from '../../realtime/event-catalogue';
import type { RegionsOfEntity } from '../../realtime/outbox';

/** What an article event means for subscribers, beyond caches. */
export interface ArticleKindMeaning extends KindMeaning {
  /** Subscribers of `articlePublished` hear of it (the kinds of the GraphQL enum ArticleEventKind). */
  news: boolean;
  /** Readers hear of it even when the article is gone from their view: it tells them to drop it. */
  removal: boolean;
}

/**
 * The article's events: every change readers can notice, appended last in the writer's transaction. Adding a kind
 * here is the whole change: the GraphQL enum, the news and removal sets and the cache purges follow from it.
 */
export const ARTICLE_EVENTS = defineEvents({
  topic: 'article',
  cacheType: 'Article',
  kinds: {
    PUBLISHED: { description: 'It became visible to readers, at once or at its scheduled time.', news: true, removal: false, purgesLists: true },
    CORRECTED: { description: 'A correction was published.', news: true, removal: false, purgesLists: true },
    RETRACTED: { description: 'It was retracted.', news: true, removal: true, purgesLists: false },
    UNPUBLISHED: { description: 'It went back to draft and left the public site.', news: true, removal: true, purgesLists: false },
    ARCHIVED: { description: 'It was archived and left the public site.', news: true, removal: true, purgesLists: false },
    /** Not news: caches purge (lists too: it may join some), subscribers hear nothing. */
    UPDATED: { description: 'An edit readers see that is not news.', news: false, removal: false, purgesLists: true },
    /**
     * A section, person, place or picture the article shows changed: the responses holding the article purge, while
     * lists it is not in stay (a place that moves purges the lists of its regions by their tags).
     */
    SHOWN_UPDATED: { description: 'Something it shows changed (its section, a person, a place, a picture).', news: false, removal: false, purgesLists: false },
  } satisfies Record<string, ArticleKindMeaning>,
});

export type ArticleEventKind = (typeof ARTICLE_EVENTS.kindNames)[number];

/** Where an article event's regions come from: the article's places (their ancestors are added). */
export const ARTICLE_REGIONS: RegionsOfEntity = { from: 'article_region ar JOIN region r ON r.code = ar.region_code', where: 'ar.article_id = e.id' };
