-- statement 1 of 1
SELECT parent.lookup AS "parentKey",
parent.row AS "parentRow",
page.*
FROM (
  SELECT r.code AS lookup,
  r.code AS key,
  json_build_object('code', r.code, 'parentCode', r.parent_code, 'nameAr', r.name_ar) AS row
  FROM region r
  WHERE r.code = $1
) AS parent
LEFT JOIN LATERAL (
  SELECT a.id AS "id",
  a.slug AS "slug",
  a.title AS "title",
  a.status AS "status",
  a.published_at AS "publishedAt",
  (extract(epoch FROM a.published_at) * 1000000)::bigint AS "publishedUs"
  FROM (
    SELECT DISTINCT own.article_id,
    own.feed_at
    FROM region inside
    CROSS JOIN LATERAL (
      SELECT ar.article_id,
      ar.feed_at
      FROM article_region ar
      WHERE ar.region_code = inside.code AND ar.feed_at <= now()
      ORDER BY ar.feed_at DESC,
      ar.article_id DESC
      LIMIT 21
    ) own
    WHERE inside.path @> ARRAY[parent.key::text]
    ORDER BY own.feed_at DESC,
    own.article_id DESC
    LIMIT 21
  ) link
  JOIN article a ON a.id = link.article_id AND a.status = 'PUBLISHED' AND a.published_at <= now()
  ORDER BY link.feed_at DESC,
  link.article_id DESC
) page ON true;
