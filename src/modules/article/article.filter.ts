import type { ArticleFilter } from './article.inputs';
import { normalizeSlugInput } from '../../shared/slug';
import { normalizeRegionCode } from '../region/region-code';
import { insideRegionSql } from '../region/region-tree';
import type { Conditions } from '../../db/conditions';

/**
 * "Live now", on `article a`: its coverage started and has not ended. The live module (above) owns the live_coverage
 * rows; this is the one SQL form of the rule, which `articles(filter: { live })` needs here and the live module reuses.
 */
export const LIVE_NOW_SQL = 'EXISTS (SELECT 1 FROM live_coverage lc WHERE lc.article_id = a.id AND lc.ended_at IS NULL)';

/** Adds the conditions of an ArticleFilter on `article a`; which statuses count is the caller's choice. */
export function addArticleFilter(c: Conditions, filter: ArticleFilter | undefined): Conditions {
  if (!filter) return c;
  if (filter.regionCode) {
    const code = c.param(normalizeRegionCode(filter.regionCode));
    c.add(`EXISTS (SELECT 1 FROM article_region ar JOIN region r ON r.code = ar.region_code
                   WHERE ar.article_id = a.id AND ${insideRegionSql('r', code)})`);
  }
  if (filter.personSlug) {
    const slug = c.param(normalizeSlugInput(filter.personSlug));
    c.add(`EXISTS (SELECT 1 FROM article_person ap JOIN person p ON p.id = ap.person_id
                   WHERE ap.article_id = a.id AND p.slug = ${slug})`);
  }
  if (filter.categorySlug) {
    const slug = c.param(normalizeSlugInput(filter.categorySlug));
    c.add(`a.category_id = (SELECT id FROM category WHERE slug = ${slug})`);
  }
  if (filter.tag) {
    const tag = c.param(filter.tag.normalize('NFC'));
    c.add(`a.tags @> ARRAY[${tag}::text]`);
  }
  if (filter.lang) c.add(`a.lang = ${c.param(filter.lang)}`);
  if (filter.publishedAfter) c.add(`a.published_at >= ${c.param(filter.publishedAfter)}`);
  if (filter.publishedBefore) c.add(`a.published_at < ${c.param(filter.publishedBefore)}`);
  if (filter.live != null) c.add(filter.live ? LIVE_NOW_SQL : `NOT ${LIVE_NOW_SQL}`);
  return c;
}
