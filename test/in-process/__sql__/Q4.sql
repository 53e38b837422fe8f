-- statement 1 of 1
SELECT parent.lookup AS "parentKey",
parent.row AS "parentRow",
page.*
FROM (
  SELECT p.slug AS lookup,
  p.id AS key,
  json_build_object('id', p.id, 'slug', p.slug, 'nameAr', p.name_ar) AS row
  FROM person p
  WHERE p.slug = $1
) AS parent
LEFT JOIN LATERAL (
  SELECT a.id AS "id",
  a.slug AS "slug",
  a.title AS "title",
  a.status AS "status",
  a.published_at AS "publishedAt",
  (extract(epoch FROM a.published_at) * 1000000)::bigint AS "publishedUs",
  (
    SELECT coalesce(json_agg(json_build_object('code', r.code, 'parentCode', r.parent_code, 'nameAr', r.name_ar) ORDER BY ar.position), '[]')
    FROM article_region ar
    JOIN region r ON r.code = ar.region_code
    WHERE ar.article_id = a.id
  ) AS regions
  FROM (
    SELECT ap.article_id,
    ap.feed_at
    FROM article_person ap
    WHERE ap.person_id = parent.key AND ap.feed_at <= now()
    ORDER BY ap.feed_at DESC,
    ap.article_id DESC
    LIMIT 21
  ) link
  JOIN article a ON a.id = link.article_id AND a.status = 'PUBLISHED' AND a.published_at <= now()
  ORDER BY link.feed_at DESC,
  link.article_id DESC
) page ON true;
