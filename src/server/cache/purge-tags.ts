import type { OutboxRecord } from '../../realtime/feed';
import { catalogueOf } from '../../events';
import { entityTag, TaggedType } from './entity-tags';

/**
 * The tags a committed event evicts, as its catalogue says: the entity everywhere it appears, and the lists of its type
 * when the kind `purgesLists` (it may join or move in them). A kind no catalogue declares purges both, to be safe.
 */
export function tagsToPurge(change: Pick<OutboxRecord, 'topic' | 'kind' | 'entityId' | 'regionCodes'>): string[] {
  const catalogue = catalogueOf(change);
  if (!catalogue) return [];
  const type = catalogue.cacheType as TaggedType;
  const tags = catalogue.cacheKeys(change).map((key) => entityTag(type, key));
  const kinds: Readonly<Record<string, { purgesLists: boolean }>> = catalogue.kinds;
  const kind = change.kind.toUpperCase();
  if (!Object.hasOwn(kinds, kind) || kinds[kind].purgesLists) tags.push(type);
  return tags;
}
