import type { DataSource, EntityManager } from 'typeorm';

/**
 * Durable readers of the outbox (the delivery engine's consumers: push, later webhooks and purges). Each keeps its
 * position in `outbox_consumer`; pruning never deletes an event a live consumer has not read yet, and a consumer
 * that has not run for longer than the retention is no longer waited for: what pruning takes from it is counted in
 * its `lost_events`, never skipped silently.
 */

/** Registers a consumer at the head of the outbox (it delivers what happens from now on) unless it exists; its topics follow the code. */
export async function registerConsumer(db: DataSource | EntityManager, name: string, topics: readonly string[]): Promise<void> {
  await db.query(
    `INSERT INTO outbox_consumer (name, topics, position) VALUES ($1, $2, (SELECT coalesce(max(seq), 0) FROM event_outbox))
     ON CONFLICT (name) DO UPDATE SET topics = EXCLUDED.topics`, [name, topics]);
}

export interface PruneResult {
  deleted: number;
  /** Consumers that had not run for longer than the retention and lost events to this prune. */
  lost: { name: string; events: number }[];
}

/**
 * Deletes events older than the retention, always a prefix of the sequence (so a kept cursor has all its successors),
 * but none that a consumer seen within the retention still has to read.
 */
export async function pruneOutbox(db: DataSource, retentionHours: number): Promise<PruneResult> {
  return db.transaction(async (tx) => {
    // least() ignores a null: with nothing older than the retention, the consumers' position alone must not decide.
    const [{ through }] = await tx.query(
      `SELECT CASE WHEN expired IS NOT NULL THEN least(expired, waiting) END AS through FROM (SELECT
         (SELECT max(seq) FROM event_outbox WHERE created_at < now() - make_interval(hours => $1)) AS expired,
         (SELECT min(position) FROM outbox_consumer WHERE heartbeat_at >= now() - make_interval(hours => $1)) AS waiting) AS bounds`,
      [retentionHours]);
    if (through === null) return { deleted: 0, lost: [] };
    // TypeORM answers an UPDATE with [rows, count].
    const [lost]: [{ name: string; events: string }[], number] = await tx.query(
      `WITH behind AS (
         SELECT c.name, (SELECT count(*) FROM event_outbox e WHERE e.seq > c.position AND e.seq <= $1 AND e.topic = ANY(c.topics)) AS events
         FROM outbox_consumer c WHERE c.position < $1 FOR UPDATE)
       UPDATE outbox_consumer c SET position = $1, lost_events = c.lost_events + b.events
       FROM behind b WHERE c.name = b.name RETURNING c.name, b.events`, [through]);
    const [, deleted]: [unknown, number] = await tx.query('DELETE FROM event_outbox WHERE seq <= $1', [through]);
    return { deleted, lost: lost.filter((row) => Number(row.events) > 0).map((row) => ({ name: row.name, events: Number(row.events) })) };
  });
}
