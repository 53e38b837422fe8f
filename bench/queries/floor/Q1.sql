-- Front page: the 20 newest published articles with their regions and people in editorial order.
SELECT a.slug, a.title, a.published_at AS "publishedAt",
  (SELECT coalesce(json_agg(json_build_object('code', r.code, 'nameAr', r.name_ar) ORDER BY ar.position), '[]')
   FROM article_region ar JOIN region r ON r.code = ar.region_code WHERE ar.article_id = a.id) AS regions,
  (SELECT coalesce(json_agg(json_build_object('slug', p.slug, 'nameAr', p.name_ar) ORDER BY ap.position), '[]')
   FROM article_person ap JOIN person p ON p.id = ap.person_id WHERE ap.article_id = a.id) AS people
FROM article a WHERE a.status = 'PUBLISHED' AND a.published_at <= now()
ORDER BY a.published_at DESC, a.id DESC LIMIT 20
