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
  FROM article a
  WHERE a.status = 'PUBLISHED' AND a.published_at <= now() AND EXISTS (
    SELECT 1
    FROM article_region ar
    JOIN region r ON r.code = ar.region_code
    WHERE ar.article_id = a.id AND r.path @> ARRAY[parent.key]
  )
  ORDER BY a.published_at DESC,
  a.id DESC
  LIMIT 21
) page ON true;
