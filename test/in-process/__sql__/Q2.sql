-- statement 1 of 1
SELECT a.id AS "id",
a.slug AS "slug",
a.title AS "title",
a.kicker AS "kicker",
a.summary AS "summary",
a.lang AS "lang",
a.status AS "status",
a.published_at AS "publishedAt",
a.category_id AS "categoryId",
a.tags AS "tags",
(extract(epoch FROM a.published_at) * 1000000)::bigint AS "publishedUs",
a.body AS "body",
(
  SELECT coalesce(json_agg(json_build_object('code', r.code, 'parentCode', r.parent_code, 'nameAr', r.name_ar, 'parent', (
    SELECT json_build_object('code', r.code, 'parentCode', r.parent_code, 'nameAr', r.name_ar)
    FROM region r
    WHERE r.code = up.code
  )) ORDER BY ar.position), '[]')
  FROM article_region ar
  JOIN region r ON r.code = ar.region_code
  CROSS JOIN LATERAL (
    VALUES (r.parent_code)
  ) AS up(code)
  WHERE ar.article_id = a.id
) AS regions,
(
  SELECT coalesce(json_agg(json_build_object('id', p.id, 'slug', p.slug, 'nameAr', p.name_ar, 'roleAr', p.role_ar) ORDER BY ap.position), '[]')
  FROM article_person ap
  JOIN person p ON p.id = ap.person_id
  WHERE ap.article_id = a.id
) AS people,
(
  SELECT json_build_object('id', c.id, 'slug', c.slug, 'nameAr', c.name_ar)
  FROM category c
  WHERE c.id = a.category_id
) AS category
FROM article a
WHERE a.slug = $1 AND a.status IN ('PUBLISHED', 'RETRACTED') AND a.published_at <= now();
