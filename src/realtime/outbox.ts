import type { EntityManager } from 'typeorm';

/** What events are about: subscribers hear of tickers and articles; person, category and region events (reference data pages show) only purge cached responses. */
export const EVENT_TOPICS = ['ticker', 'article', 'person', 'category', 'region', 'image'] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

export interface OutboxEvent {
  topic: EventTopic;
  kind: string;
  entityId: number;
  /** Codes of the regions the entity concerns; their ancestors are added, for region filters. Region events name their places here. */
  regionCodes: string[];
  /** Urgency of a breaking-news item (1 = flash … 3), for `minUrgency` filters. */
  urgency?: number;
}

/** Channel of the NOTIFY sent with each event; it carries the sequence number only (payloads stay in the table). */
export const OUTBOX_CHANNEL = 'khabar_events';

/**
 * Serializes event writers until their commit, so sequence order is commit order: a reader that has seen
 * seq N can never later find a committed event below N (the late-commit gap of naive cursor streams).
 */
export const OUTBOX_LOCK = 7_361_002;

/** Where appendEvent leaves the last sequence of a transaction, for fan-out engines that publish after commit. */
export const APPENDED_SEQ = 'khabarAppendedSeq';

/** The codes of the regions `r` that `from … where` finds and of every place above them: an event's region codes. */
function placesWithAncestors(from: string, where: string): string {
  return `(SELECT coalesce(array_agg(DISTINCT c), '{}') FROM ${from}, unnest(r.path) c WHERE ${where})`;
}

/** Appends an event inside the caller's transaction; call it last, since the lock is held until commit. */
export async function appendEvent(tx: EntityManager, event: OutboxEvent): Promise<number> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
  // clock_timestamp(), not now(): taken under the lock, so created_at follows seq and retention prunes a prefix.
  const [row] = await tx.query(
    `INSERT INTO event_outbox (seq, topic, kind, entity_id, region_codes, urgency, created_at)
     VALUES (nextval('event_outbox_seq'), $1, $2, $3,
             ${placesWithAncestors('region r', 'r.code = ANY($4::text[])')},
             $5, clock_timestamp())
     RETURNING seq`,
    [event.topic, event.kind, event.entityId, event.regionCodes, event.urgency ?? null]);
  return appended(tx, Number(row.seq));
}

/** After an insert under OUTBOX_LOCK: wakes the listeners and leaves the transaction's last sequence for the fan-out. */
async function appended(tx: EntityManager, seq: number): Promise<number> {
  await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, String(seq)]);
  if (tx.queryRunner) tx.queryRunner.data[APPENDED_SEQ] = seq;
  return seq;
}

/** Kind of article event for an edit readers see that is not news: caches purge (lists too: it may join some), subscribers hear nothing. */
export const ARTICLE_UPDATED = 'UPDATED';

/**
 * Kind of article event for a change of a section, person or place the article shows: the responses holding the
 * article purge, while lists it is not in stay (a place that moves purges the lists of its regions by their tags).
 */
export const ARTICLE_SHOWN_UPDATED = 'SHOWN_UPDATED';

/** Appends a SHOWN_UPDATED event for each article, with its regions, in one statement; call it last, like appendEvent. */
export async function appendArticleUpdates(tx: EntityManager, articleIds: number[]): Promise<void> {
  if (articleIds.length === 0) return;
  await tx.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
  const [row] = await tx.query(
    `WITH appended AS (
       INSERT INTO event_outbox (seq, topic, kind, entity_id, region_codes, created_at)
       SELECT nextval('event_outbox_seq'), 'article', $1, e.id,
              ${placesWithAncestors('article_region ar JOIN region r ON r.code = ar.region_code', 'ar.article_id = e.id')},
              clock_timestamp()
       FROM unnest($2::int[]) AS e(id)
       RETURNING seq)
     SELECT max(seq) AS seq FROM appended`,
    [ARTICLE_SHOWN_UPDATED, articleIds]);
  await appended(tx, Number(row.seq));
}

/** An upsert of a person or a section (by id) or of places (by code: regions have no numeric id). */
export type ReferenceChange = { topic: 'person' | 'category'; id: number } | { topic: 'region'; codes: string[] };

/**
 * How a reference writer announces an edit, last in its transaction: the features that show reference data (article
 * pages) add their events; the composition root provides it (src/services.ts).
 */
export type AnnounceReferenceChange = (tx: EntityManager, change: ReferenceChange) => Promise<void>;

/**
 * After an upsert of reference data, last in its transaction: the cached responses that show it, and lists it may join,
 * are purged.
 */
export function appendReferenceUpdate(tx: EntityManager, change: ReferenceChange): Promise<number> {
  return change.topic === 'region'
    ? appendEvent(tx, { topic: 'region', kind: 'UPDATED', entityId: 0, regionCodes: change.codes })
    : appendEvent(tx, { topic: change.topic, kind: 'UPDATED', entityId: change.id, regionCodes: [] });
}
