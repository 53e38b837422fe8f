import type { EntityManager } from 'typeorm';
import { appendArticleUpdates, appendReferenceUpdate, ReferenceChange } from '../../realtime/outbox';

/**
 * How a change of a section, person or place is announced, last in its transaction: a SHOWN_UPDATED event for every
 * public article that shows it (its section, its people, its regions with their parent and the parent's other places),
 * so cached article pages go, then the change's own event. Reference data knows no articles: the composition root
 * hands this to the reference writers.
 */
export async function announceReferenceChange(tx: EntityManager, change: ReferenceChange): Promise<void> {
  await announceArticlesShowing(tx, change);
  await appendReferenceUpdate(tx, change);
}

async function announceArticlesShowing(tx: EntityManager, change: ReferenceChange): Promise<void> {
  const [match, param] = change.topic === 'region'
    ? ['a.id IN (SELECT ar.article_id FROM article_region ar JOIN region r ON r.code = ar.region_code WHERE r.path && $1::text[])', change.codes]
    : change.topic === 'category' ? ['a.category_id = $1', change.id]
      : ['a.id IN (SELECT article_id FROM article_person WHERE person_id = $1)', change.id];
  const rows: { id: number }[] = await tx.query(
    `SELECT a.id FROM article a WHERE a.status IN ('PUBLISHED', 'RETRACTED') AND a.published_at <= now() AND ${match} ORDER BY a.id`, [param]);
  await appendArticleUpdates(tx, rows.map((row) => row.id));
}
