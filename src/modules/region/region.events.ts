import type { EntityManager } from 'typeorm';
import { defineEvents } from '../../realtime/event-catalogue';

/**
 * A place's events: reference data is only added or changed, and its events only purge cached responses. Places have
 * no numeric id: an event names the codes it touched in its region codes (entity id 0), and their tags are by code.
 */
export const REGION_EVENTS = defineEvents({
  topic: 'region',
  cacheType: 'Region',
  kinds: {
    UPDATED: { description: 'A place was added or changed: the pages of its code and its parents, and the lists of places, purge.', purgesLists: true },
  },
  cacheKeys: (event) => [...event.regionCodes],
});

/** A change of places (by code), as the features that show places (article pages) are told of it. */
export interface RegionChange {
  topic: 'region';
  codes: string[];
}

/** How the region writer tells the features above that show places, in its transaction, before its own event. */
export type AnnounceRegionChange = (tx: EntityManager, change: RegionChange) => Promise<void>;
