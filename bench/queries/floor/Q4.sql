-- A person's 20 newest published articles with their regions.
SELECT p.slug, p.name_ar AS "nameAr",
  (SELECT coalesce(json_agg(json_build_object('slug', a.slug, 'title', a.title, 'publishedAt', a.published_at, 'regions',
            (SELECT coalesce(json_agg(json_build_object('code', r.code, 'nameAr', r.name_ar) ORDER BY ar.position), '[]')
             FROM article_region ar JOIN region r ON r.code = ar.region_code WHERE ar.article_id = a.id))
          ORDER BY a.published_at DESC, a.id DESC), '[]')
   FROM (SELECT a.* FROM article a
         WHERE a.status = 'PUBLISHED' AND a.published_at <= now()
           AND EXISTS (SELECT 1 FROM article_person ap WHERE ap.article_id = a.id AND ap.person_id = p.id)
         ORDER BY a.published_at DESC, a.id DESC LIMIT 20) a) AS articles
FROM person p WHERE p.slug = $1
