import type { EntityManager } from 'typeorm';

export type EventTopic = 'ticker' | 'article';

export interface OutboxEvent {
  topic: EventTopic;
  kind: string;
  entityId: number;
  /** Codes of the regions the entity concerns, ancestors included, for region filters. */
  regionCodes: string[];
}

/** Channel of the NOTIFY sent with each event; it carries the sequence number only (payloads stay in the table). */
export const OUTBOX_CHANNEL = 'khabar_events';

/**
 * Serializes event writers until their commit, so sequence order is commit order: a reader that has seen
 * seq N can never later find a committed event below N (the late-commit gap of naive cursor streams).
 */
export const OUTBOX_LOCK = 7_361_002;

/** Appends an event inside the caller's transaction; call it last, since the lock is held until commit. */
export async function appendEvent(tx: EntityManager, event: OutboxEvent): Promise<number> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
  const [row] = await tx.query(
    `INSERT INTO event_outbox (seq, topic, kind, entity_id, region_codes)
     VALUES (nextval('event_outbox_seq'), $1, $2, $3,
             (SELECT coalesce(array_agg(DISTINCT c), '{}') FROM region r, unnest(r.path) c WHERE r.code = ANY($4::text[])))
     RETURNING seq`,
    [event.topic, event.kind, event.entityId, event.regionCodes]);
  await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, String(row.seq)]);
  return Number(row.seq);
}
