-- statement 1 of 2
SELECT p.id AS "id",
p.slug AS "slug",
p.name_ar AS "nameAr",
p.name_latin AS "nameLatin",
p.aliases AS "aliases",
p.role_ar AS "roleAr",
p.role_fr AS "roleFr",
p.bio AS "bio",
p.portrait_id AS "portraitId"
FROM person p
WHERE p.slug = $1;

-- statement 2 of 2
SELECT parent.key AS "parentKey",
a.id AS "id",
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
  VALUES ($1::text)
) AS parent(key)
CROSS JOIN LATERAL (
  SELECT ap.article_id,
  ap.feed_at
  FROM article_person ap
  WHERE ap.person_id = parent.key::int AND ap.feed_at <= now()
  ORDER BY ap.feed_at DESC,
  ap.article_id DESC
  LIMIT 21
) link
JOIN article a ON a.id = link.article_id AND a.status = 'PUBLISHED' AND a.published_at <= now()
ORDER BY link.feed_at DESC,
link.article_id DESC;
