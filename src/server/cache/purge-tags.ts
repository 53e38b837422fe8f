import type { OutboxRecord } from '../../realtime/feed';
import type { Sql } from '../../db/sql';
import { catalogueOf } from '../../events';
import { ARTICLE_EVENTS } from '../../modules/article/article.events';
import { listsHolding, listTag } from '../../modules/article/article-lists';
import { anyOfType } from '../../shared/cache-tags';
import { entityTag, TaggedType } from './entity-tags';

/** What a purge needs of a committed event. */
export type PurgeChange = Pick<OutboxRecord, 'topic' | 'kind' | 'entityId' | 'regionCodes'>;

/** Whether a kind purges the lists of its type, as its catalogue says; a kind no catalogue declares does, to be safe. */
function purgesLists(change: PurgeChange): boolean {
  const catalogue = catalogueOf(change);
  if (!catalogue) return false;
  const kinds: Readonly<Record<string, { purgesLists: boolean }>> = catalogue.kinds;
  const kind = change.kind.toUpperCase();
  return !Object.hasOwn(kinds, kind) || kinds[kind].purgesLists;
}

/**
 * The tags a committed event evicts whatever the database says, as its catalogue says: the entity everywhere it
 * appears (`Article:12`), and, when the kind `purgesLists`, its type (`Article`: the responses any new one could
 * change, such as a search or a lookup that found nothing). The lists of articles an article joins are `purgeTagsOf`'s.
 */
export function tagsToPurge(change: PurgeChange): string[] {
  const catalogue = catalogueOf(change);
  if (!catalogue) return [];
  const type = catalogue.cacheType as TaggedType;
  const tags = catalogue.cacheKeys(change).map((key) => entityTag(type, key));
  if (purgesLists(change)) tags.push(type);
  return tags;
}

/** An event whose entity is an article and whose kind may make it join or move in lists (article and live events). */
function joinsArticleLists(change: PurgeChange): boolean {
  return catalogueOf(change)?.cacheType === ARTICLE_EVENTS.cacheType && purgesLists(change);
}

/**
 * Every tag a batch of committed events evicts, the one answer for Khabar's own response cache and the HTTP caches in
 * front (Varnish, Fastly, Cloudflare: http-purge.ts): `tagsToPurge` of each; `Type:*` of each type changed, which
 * stands for its entities in responses too large to name each (cache-tags.ts); and the tags of the lists of articles
 * each article joining or moving in lists is in now (`List:region:MA-04`, …; article-lists.ts). A list it left shows
 * it, so the article's own tag purges that one. One statement for the batch, none when no article can have joined a list.
 */
export async function purgeTagsOf(sql: Pick<Sql, 'query'>, changes: readonly PurgeChange[]): Promise<string[]> {
  const tags = new Set(changes.flatMap(tagsToPurge));
  for (const change of changes) {
    const type = catalogueOf(change)?.cacheType;
    if (type) tags.add(anyOfType(type));
  }
  const joining = changes.filter(joinsArticleLists).map((change) => change.entityId);
  if (joining.length > 0) {
    for (const { listed, lists } of (await listsHolding(sql, joining)).values()) {
      if (listed) for (const list of lists) tags.add(listTag(list));
    }
  }
  return [...tags];
}
