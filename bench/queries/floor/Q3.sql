-- A region's feed (the region and every place inside it), 20 per page after a keyset cursor "µs since epoch:id" ($2):
-- each place's own newest links from the cursor (article_region_feed_idx: links carry their article's feed_at, the
-- publication time while it is published), merged, an article linked to two places once.
SELECT r.code, r.name_ar AS "nameAr",
  (SELECT coalesce(json_agg(json_build_object('cursor', (extract(epoch FROM a.published_at) * 1000000)::bigint || ':' || a.id,
            'slug', a.slug, 'title', a.title, 'publishedAt', a.published_at) ORDER BY a.published_at DESC, a.id DESC), '[]')
   FROM (SELECT DISTINCT own.article_id, own.feed_at
         FROM region inside CROSS JOIN LATERAL (
           SELECT ar.article_id, ar.feed_at FROM article_region ar
           WHERE ar.region_code = inside.code AND ar.feed_at <= now()
             AND (ar.feed_at, ar.article_id) < (coalesce(timestamptz 'epoch' + split_part($2, ':', 1)::bigint * interval '1 microsecond', 'infinity'),
                                                coalesce(split_part($2, ':', 2)::int, 0))
           ORDER BY ar.feed_at DESC, ar.article_id DESC LIMIT 20) own
         WHERE inside.path @> ARRAY[r.code]
         ORDER BY own.feed_at DESC, own.article_id DESC LIMIT 20) link
   JOIN article a ON a.id = link.article_id) AS articles
FROM region r WHERE r.code = $1
