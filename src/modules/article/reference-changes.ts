import type { EntityManager } from 'typeorm';
import type { CategoryChange } from '../category/category.events';
import type { PersonChange } from '../person/person.events';
import type { RegionChange } from '../region/region.events';
import { insideAnyRegionSql } from '../region/region-tree';
import { ARTICLE_EVENTS, ARTICLE_REGIONS } from './article.events';
import { VISIBLE_TO_READERS_SQL } from './article.visibility';

/**
 * How a change of a section, person or place reaches the articles that show it, in its transaction before the
 * change's own event: a SHOWN_UPDATED event for every public article that shows it (its section, its people, its
 * regions with their parent and the parent's other places), so cached article pages go. Reference data knows no
 * articles: the composition root hands this to the reference writers.
 */
export async function announceArticlesShowing(tx: EntityManager, change: PersonChange | CategoryChange | RegionChange): Promise<void> {
  const [match, param] = change.topic === 'region'
    ? [`a.id IN (SELECT ar.article_id FROM article_region ar JOIN region r ON r.code = ar.region_code WHERE ${insideAnyRegionSql('r', '$1')})`, change.codes]
    : change.topic === 'category' ? ['a.category_id = $1', change.id]
      : ['a.id IN (SELECT article_id FROM article_person WHERE person_id = $1)', change.id];
  const rows: { id: number }[] = await tx.query(
    `SELECT a.id FROM article a WHERE ${VISIBLE_TO_READERS_SQL} AND ${match} ORDER BY a.id`, [param]);
  await announceShownUpdates(tx, rows.map((row) => row.id));
}

/** SHOWN_UPDATED for each article, with its regions, in one statement; last in the transaction, like every event. */
export function announceShownUpdates(tx: EntityManager, articleIds: number[]): Promise<void> {
  return ARTICLE_EVENTS.appendEach(tx, 'SHOWN_UPDATED', articleIds, ARTICLE_REGIONS);
}
