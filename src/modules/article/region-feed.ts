import { insideRegionSql } from '../region/region-tree';

/**
 * The newest links of a region's feed (the region `region`, an SQL text expression, and every place inside it), as a
 * subquery of rows (article_id, feed_at) in feed order, at most `limit`: each place's own first `limit` listed links
 * that meet the conditions `where` (on its link `ar`, and on the link's article `la` when `withArticle`), merged, an
 * article linked to two of the places once. A link's `feed_at` is its article's published_at while the article is
 * PUBLISHED, null otherwise (kept by triggers: migrations PersonFeed and RegionFeed), so each place costs a seek and a
 * walk of `limit` entries of article_region_feed_idx wherever the page starts. Walking the article table from the
 * page's cursor instead, and looking up each article's places, cost PostgreSQL 4–5× as much at page 50 of a region
 * holding a quarter of the archive (bench/README.md, Q3). Callers join `article a` on article_id and still require
 * LISTED_FOR_READERS_SQL of it.
 */
export function regionFeedLinksSql(region: string, limit: number, where: readonly string[] = [], withArticle = false): string {
  const conditions = ['ar.region_code = inside.code', 'ar.feed_at <= now()', ...where].join(' AND ');
  return `(SELECT DISTINCT own.article_id, own.feed_at
     FROM region inside CROSS JOIN LATERAL (
       SELECT ar.article_id, ar.feed_at FROM article_region ar${withArticle ? ' JOIN article la ON la.id = ar.article_id' : ''}
       WHERE ${conditions}
       ORDER BY ar.feed_at DESC, ar.article_id DESC LIMIT ${limit}
     ) own
     WHERE ${insideRegionSql('inside', region)}
     ORDER BY own.feed_at DESC, own.article_id DESC LIMIT ${limit})`;
}
