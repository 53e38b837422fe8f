import type { Sql } from '../../db/sql';
import { ARTICLE_EVENTS } from '../article/article.events';
import { listsHolding } from '../article/article-lists';
import type { FeedAddress } from './feed-address';

/** An outbox event as far as feeds care: its topic, kind and entity. */
export interface FeedChange {
  topic: string;
  kind: string;
  entityId: number;
}

const REMOVALS = new Set<string>(ARTICLE_EVENTS.kindsWhere((meaning) => meaning.removal));

/**
 * The feeds each article event changed, every language variant that holds the article: the feeds of the lists the
 * article is in now (latest, its section, its places and their parents, its people, its tags), when readers' lists
 * show it, or when the event took it out of them (retracted, unpublished, archived). One statement for a batch of
 * events; events of other topics change no feed.
 */
export async function changedFeeds(sql: Sql, changes: readonly FeedChange[]): Promise<FeedAddress[][]> {
  const articleIds = changes.filter((change) => ARTICLE_EVENTS.owns(change)).map((change) => change.entityId);
  if (articleIds.length === 0) return changes.map(() => []);
  const holding = await listsHolding(sql, articleIds);
  return changes.map((change) => {
    const article = ARTICLE_EVENTS.owns(change) ? holding.get(change.entityId) : undefined;
    return article && (article.listed || REMOVALS.has(change.kind)) ? article.lists : [];
  });
}
