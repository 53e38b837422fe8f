import type { OutboxRecord } from '../../realtime/feed';
import { ARTICLE_SHOWN_UPDATED } from '../../realtime/outbox';
import { entityTag } from './entity-tags';

/** Kinds of change that take an item away or change only what it shows: lists that do not contain it cannot change. */
const IN_PLACE_KINDS = new Set(['KILLED', 'RETRACTED', 'ARCHIVED', 'UNPUBLISHED', 'DELETED', ARTICLE_SHOWN_UPDATED]);

/** The type whose tags an event of reference data evicts. */
const REFERENCE_TYPE_OF = { person: 'Person', category: 'Category', region: 'Region', image: 'Image' } as const;

/** The tags a content change evicts: the item everywhere it appears, and every list it could join. */
export function tagsToPurge(change: Pick<OutboxRecord, 'topic' | 'kind' | 'entityId' | 'regionCodes'>): string[] {
  // Reference data is only added or changed, which can reorder or join its lists; regions are named by code.
  if (change.topic === 'region') return [...change.regionCodes.map((code) => entityTag('Region', code)), 'Region'];
  if (change.topic === 'person' || change.topic === 'category' || change.topic === 'image') {
    const type = REFERENCE_TYPE_OF[change.topic];
    return [entityTag(type, change.entityId), type];
  }
  const type = change.topic === 'article' ? 'Article' : 'Ticker';
  const tags = [entityTag(type, change.entityId)];
  if (!IN_PLACE_KINDS.has(change.kind.toUpperCase())) tags.push(type);
  return tags;
}
