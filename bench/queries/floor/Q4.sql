-- A person's 20 newest published articles with their regions: the person's own newest links (article_person_feed_idx:
-- links carry their article's feed_at, the publication time while it is published).
SELECT p.slug, p.name_ar AS "nameAr",
  (SELECT coalesce(json_agg(json_build_object('slug', a.slug, 'title', a.title, 'publishedAt', a.published_at, 'regions',
            (SELECT coalesce(json_agg(json_build_object('code', r.code, 'nameAr', r.name_ar) ORDER BY ar.position), '[]')
             FROM article_region ar JOIN region r ON r.code = ar.region_code WHERE ar.article_id = a.id))
          ORDER BY a.published_at DESC, a.id DESC), '[]')
   FROM (SELECT ap.article_id FROM article_person ap
         WHERE ap.person_id = p.id AND ap.feed_at <= now()
         ORDER BY ap.feed_at DESC, ap.article_id DESC LIMIT 20) link
   JOIN article a ON a.id = link.article_id) AS articles
FROM person p WHERE p.slug = $1
