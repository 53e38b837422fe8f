-- statement 1 of 4
SELECT t.id,
t.headline,
t.urgency,
t.article_id AS "articleId",
t.url,
t.region_code AS "regionCode",
t.status,
t.published_at AS "publishedAt",
t.expires_at AS "expiresAt"
FROM ticker t
WHERE t.status = 'LIVE' AND t.published_at <= now() AND t.expires_at > now()
ORDER BY t.urgency,
t.published_at DESC,
t.id DESC
LIMIT 10;

-- statement 2 of 4
SELECT a.id AS "id",
a.slug AS "slug",
a.title AS "title",
a.kicker AS "kicker",
a.status AS "status",
a.published_at AS "publishedAt",
a.has_video AS "hasVideo",
a.category_id AS "categoryId",
a.tags AS "tags",
(extract(epoch FROM a.published_at) * 1000000)::bigint AS "publishedUs",
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
WHERE a.status = 'PUBLISHED' AND a.published_at <= now()
ORDER BY a.published_at DESC,
a.id DESC
LIMIT 51;

-- statement 3 of 4
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

-- statement 4 of 4
SELECT a.id AS "id",
a.slug AS "slug",
a.title AS "title",
a.kicker AS "kicker",
a.summary AS "summary",
a.lang AS "lang",
a.status AS "status",
a.published_at AS "publishedAt",
a.updated_at AS "updatedAt",
a.has_video AS "hasVideo",
a.category_id AS "categoryId",
a.lead_image_id AS "leadImageId",
a.tags AS "tags",
a.version AS "version",
a.editor_note AS "editorNote",
(extract(epoch FROM a.published_at) * 1000000)::bigint AS "publishedUs",
a.source_version AS "sourceVersion",
a.source_id AS "sourceId",
a.body AS "body"
FROM article a
WHERE a.id = ANY($1) AND a.status IN ('PUBLISHED', 'RETRACTED') AND a.published_at <= now();
