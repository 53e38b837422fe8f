import type { EntityManager } from 'typeorm';
import { defineEvents } from '../../realtime/event-catalogue';

/** A person's events: reference data is only added or changed, and its events only purge cached responses. */
export const PERSON_EVENTS = defineEvents({
  topic: 'person',
  cacheType: 'Person',
  kinds: {
    UPDATED: { description: 'A person was added or changed: their pages and the lists of people purge.', purgesLists: true },
  },
});

/** A change of a person, as the features that show people (article pages) are told of it. */
export interface PersonChange {
  topic: 'person';
  id: number;
}

/** How the person writer tells the features above that show people, in its transaction, before its own event. */
export type AnnouncePersonChange = (tx: EntityManager, change: PersonChange) => Promise<void>;
