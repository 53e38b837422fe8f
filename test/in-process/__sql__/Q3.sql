-- statement 1 of 2
SELECT r.code AS "code",
r.level AS "level",
r.parent_code AS "parentCode",
r.number AS "number",
r.name_ar AS "nameAr",
r.full_name_ar AS "fullNameAr",
r.name_fr AS "nameFr",
r.full_name_fr AS "fullNameFr",
r.capital_ar AS "capitalAr",
r.capital_fr AS "capitalFr",
r.alt_names_ar AS "altNamesAr",
r.aliases AS "aliases",
r.slug AS "slug"
FROM region r
WHERE r.code = ANY($1);

-- statement 2 of 2
SELECT parent.key AS "parentKey",
page.*
FROM (
  VALUES ($1::text)
) AS parent(key)
CROSS JOIN LATERAL (
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
) page;
