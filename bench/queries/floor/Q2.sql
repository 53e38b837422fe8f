-- One article by slug with its category, regions (and their parents) and people.
SELECT a.slug, a.title, a.kicker, a.summary, a.published_at AS "publishedAt", a.tags, a.body,
  (SELECT json_build_object('slug', c.slug, 'nameAr', c.name_ar) FROM category c WHERE c.id = a.category_id) AS category,
  (SELECT coalesce(json_agg(json_build_object('code', r.code, 'nameAr', r.name_ar, 'parent',
            (SELECT json_build_object('code', pr.code, 'nameAr', pr.name_ar) FROM region pr WHERE pr.code = r.parent_code))
          ORDER BY ar.position), '[]')
   FROM article_region ar JOIN region r ON r.code = ar.region_code WHERE ar.article_id = a.id) AS regions,
  (SELECT coalesce(json_agg(json_build_object('slug', p.slug, 'nameAr', p.name_ar, 'roleAr', p.role_ar) ORDER BY ap.position), '[]')
   FROM article_person ap JOIN person p ON p.id = ap.person_id WHERE ap.article_id = a.id) AS people
FROM article a WHERE a.slug = $1 AND a.status IN ('PUBLISHED', 'RETRACTED') AND a.published_at <= now()
