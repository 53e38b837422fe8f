import { defineEvents, KindMeaning } from '../../realtime/event-catalogue';

/** What a live-coverage event means for subscribers, beyond caches. */
export interface LiveKindMeaning extends KindMeaning {
  /** Subscribers of `liveEntries` hear of it (the kinds of the GraphQL enum LiveEntryEventKind). */
  toSubscribers: boolean;
}

/**
 * The live blog's events. Their entity is the article (its cached pages show the entries, so `Article:<id>` purges) and
 * their item the entry concerned; STARTED and ENDED change which articles are live, so lists purge too.
 */
export const LIVE_EVENTS = defineEvents({
  topic: 'live',
  cacheType: 'Article',
  kinds: {
    STARTED: { description: 'The coverage started (or started again).', toSubscribers: false, purgesLists: true },
    POSTED: { description: 'An entry was posted.', toSubscribers: true, purgesLists: false },
    UPDATED: { description: 'An entry was edited (title, body or key event).', toSubscribers: true, purgesLists: false },
    DELETED: { description: 'An entry was deleted: remove it.', toSubscribers: true, purgesLists: false },
    PINNED: { description: 'An entry was pinned or unpinned (`entry.isPinned` says which): at most one shows first.', toSubscribers: true, purgesLists: false },
    CORRECTED: { description: 'A public correction was added to an entry.', toSubscribers: true, purgesLists: false },
    ENDED: { description: 'The coverage ended (by an editor, or after hours without an entry); no entry follows.', toSubscribers: true, purgesLists: true },
  } satisfies Record<string, LiveKindMeaning>,
});

export type LiveEventKind = (typeof LIVE_EVENTS.kindNames)[number];
