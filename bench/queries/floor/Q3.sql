-- A region's feed (the region and every place inside it), 20 per page after a keyset cursor "µs since epoch:id" ($2).
SELECT r.code, r.name_ar AS "nameAr",
  (SELECT coalesce(json_agg(json_build_object('cursor', (extract(epoch FROM a.published_at) * 1000000)::bigint || ':' || a.id,
            'slug', a.slug, 'title', a.title, 'publishedAt', a.published_at) ORDER BY a.published_at DESC, a.id DESC), '[]')
   FROM (SELECT a.* FROM article a
         WHERE a.status = 'PUBLISHED' AND a.published_at <= now()
           AND ($2::text IS NULL OR (a.published_at, a.id) < (timestamptz 'epoch' + split_part($2, ':', 1)::bigint * interval '1 microsecond',
                                                                split_part($2, ':', 2)::int))
           AND EXISTS (SELECT 1 FROM article_region ar JOIN region s ON s.code = ar.region_code
                       WHERE ar.article_id = a.id AND s.path @> ARRAY[r.code])
         ORDER BY a.published_at DESC, a.id DESC LIMIT 20) a) AS articles
FROM region r WHERE r.code = $1
