-- The PostGraphile peer's read-only schema (`npm run bench`): views shaped like Khabar's graph over Khabar's tables,
-- with the same visibility (published articles whose time has come), and smart comments for keys and relations.
DROP SCHEMA IF EXISTS bench_pg CASCADE;
CREATE SCHEMA bench_pg;

CREATE VIEW bench_pg.categories AS SELECT c.id, c.slug, c.name_ar FROM public.category c;
COMMENT ON VIEW bench_pg.categories IS E'@primaryKey id\n@unique slug\n@behavior -insert -update -delete';

CREATE VIEW bench_pg.regions AS SELECT r.code, r.parent_code, r.name_ar FROM public.region r;
COMMENT ON VIEW bench_pg.regions IS E'@primaryKey code\n@foreignKey (parent_code) references bench_pg.regions (code)|@fieldName parent\n@behavior -insert -update -delete';

CREATE VIEW bench_pg.persons AS SELECT p.id, p.slug, p.name_ar, p.role_ar FROM public.person p;
COMMENT ON VIEW bench_pg.persons IS E'@primaryKey id\n@unique slug\n@behavior -insert -update -delete';

CREATE VIEW bench_pg.articles AS
  SELECT a.id, a.slug, a.title, a.kicker, a.summary, a.body, a.tags, a.published_at, a.category_id
  FROM public.article a WHERE a.status = 'PUBLISHED' AND a.published_at <= now();
COMMENT ON VIEW bench_pg.articles IS E'@primaryKey id\n@unique slug\n@foreignKey (category_id) references bench_pg.categories (id)|@fieldName category\n@behavior -insert -update -delete';

-- Links in editorial order.
CREATE VIEW bench_pg.article_regions AS SELECT ar.article_id, ar.region_code, ar.position FROM public.article_region ar;
COMMENT ON VIEW bench_pg.article_regions IS E'@primaryKey article_id,region_code\n@foreignKey (article_id) references bench_pg.articles (id)|@fieldName article|@foreignFieldName regionLinks\n@foreignKey (region_code) references bench_pg.regions (code)|@fieldName region\n@behavior -insert -update -delete';

CREATE VIEW bench_pg.article_persons AS SELECT ap.article_id, ap.person_id, ap.position FROM public.article_person ap;
COMMENT ON VIEW bench_pg.article_persons IS E'@primaryKey article_id,person_id\n@foreignKey (article_id) references bench_pg.articles (id)|@fieldName article|@foreignFieldName personLinks\n@foreignKey (person_id) references bench_pg.persons (id)|@fieldName person\n@behavior -insert -update -delete';

-- Feeds: a parent × its published articles, found with EXISTS, so that the planner can walk the newest articles and
-- stop after a page (Khabar and the floor walk the parent's own links from the cursor, which a view cannot: bench/README.md).

-- A person's published articles.
CREATE VIEW bench_pg.person_articles AS
  SELECT p.id AS person_id, a.id AS article_id, a.published_at
  FROM public.person p JOIN public.article a ON EXISTS (
    SELECT 1 FROM public.article_person ap WHERE ap.article_id = a.id AND ap.person_id = p.id)
  WHERE a.status = 'PUBLISHED' AND a.published_at <= now();
COMMENT ON VIEW bench_pg.person_articles IS E'@primaryKey person_id,article_id\n@foreignKey (person_id) references bench_pg.persons (id)|@fieldName person|@foreignFieldName articles\n@foreignKey (article_id) references bench_pg.articles (id)|@fieldName article\n@behavior -insert -update -delete';

-- A region's feed: articles about the region or any place inside it (Region.articles in Khabar). The tree is two levels
-- deep (region, then prefecture or province), so "the region or a child of it"; the equivalent `path @> ARRAY[code]`
-- is misestimated and turns page 50 into a hash join of every link (25x slower).
CREATE VIEW bench_pg.region_articles AS
  SELECT r.code AS region_code, a.id AS article_id, a.published_at
  FROM public.region r JOIN public.article a ON EXISTS (
    SELECT 1 FROM public.article_region ar JOIN public.region s ON s.code = ar.region_code
    WHERE ar.article_id = a.id AND (s.code = r.code OR s.parent_code = r.code))
  WHERE a.status = 'PUBLISHED' AND a.published_at <= now();
COMMENT ON VIEW bench_pg.region_articles IS E'@primaryKey region_code,article_id\n@foreignKey (region_code) references bench_pg.regions (code)|@fieldName region|@foreignFieldName articles\n@foreignKey (article_id) references bench_pg.articles (id)|@fieldName article\n@behavior -insert -update -delete';
