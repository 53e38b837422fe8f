import type { EntityManager } from 'typeorm';
import { defineEvents } from '../../realtime/event-catalogue';

/** A section's events: reference data is only added or changed, and its events only purge cached responses. */
export const CATEGORY_EVENTS = defineEvents({
  topic: 'category',
  cacheType: 'Category',
  kinds: {
    UPDATED: { description: 'A section was added or renamed: its pages and the lists of sections purge.', purgesLists: true },
  },
});

/** A change of a section, as the features that show sections (article pages) are told of it. */
export interface CategoryChange {
  topic: 'category';
  id: number;
}

/** How the section writer tells the features above that show sections, in its transaction, before its own event. */
export type AnnounceCategoryChange = (tx: EntityManager, change: CategoryChange) => Promise<void>;
