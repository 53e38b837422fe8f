-- statement 1 of 1
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
) AS regions,
(
  SELECT coalesce(json_agg(json_build_object('id', p.id, 'slug', p.slug, 'nameAr', p.name_ar) ORDER BY ap.position), '[]')
  FROM article_person ap
  JOIN person p ON p.id = ap.person_id
  WHERE ap.article_id = a.id
) AS people
FROM article a
WHERE a.status = 'PUBLISHED' AND a.published_at <= now()
ORDER BY a.published_at DESC,
a.id DESC
LIMIT 21;
