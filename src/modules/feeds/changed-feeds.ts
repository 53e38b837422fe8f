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

/**
 * Kinds that change the lists the article is in whatever it is now: a correction delivered after the retraction that
 * followed it still changed those feeds. Only a change of something an article shows (a person renamed) waits on the
 * article being listed when it is delivered.
 */
const CHANGES_ITS_LISTS = new Set<string>(ARTICLE_EVENTS.kindsWhere((meaning) => meaning.news || meaning.purgesLists));

/**
 * The feeds each article event changed, every language variant that holds the article: the feeds of the lists the
 * article belongs to (latest, its section, its places and their parents, its people, its tags), for every event that
 * changed what they show (published, corrected, edited, or taken out: retracted, unpublished, archived), and for a
 * change of what it shows only while readers' lists show it. One statement for a batch of events; events of other
 * topics change no feed.
 */
export async function changedFeeds(sql: Sql, changes: readonly FeedChange[]): Promise<FeedAddress[][]> {
  const articleIds = changes.filter((change) => ARTICLE_EVENTS.owns(change)).map((change) => change.entityId);
  if (articleIds.length === 0) return changes.map(() => []);
  const holding = await listsHolding(sql, articleIds);
  return changes.map((change) => {
    const article = ARTICLE_EVENTS.owns(change) ? holding.get(change.entityId) : undefined;
    return article && (article.listed || CHANGES_ITS_LISTS.has(change.kind)) ? article.lists : [];
  });
}
