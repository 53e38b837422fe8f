import type { Logger } from 'pino';
import type { Sql } from '../../db/sql';
import { changedFeeds, type FeedChange } from './changed-feeds';
import { feedTag } from './feed-address';

/**
 * The feed's listener that purges the documents of the feeds a batch of events changed (a publication joins feeds
 * whose cached documents do not hold it yet; edits of what they hold purge by the article's own tag).
 */
export function purgeChangedFeeds(sql: Sql, purge: (tags: string[]) => Promise<number>, logger: Logger) {
  return async (records: readonly FeedChange[]): Promise<void> => {
    try {
      const tags = [...new Set((await changedFeeds(sql, records)).flat().map(feedTag))];
      if (tags.length > 0) await purge(tags);
    } catch (error) {
      // The documents expire by themselves within their keep time (KEEP_SECONDS in feed.route.ts).
      logger.warn({ err: error }, 'purging changed feeds failed');
    }
  };
}
