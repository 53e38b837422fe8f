import type { EntityManager } from 'typeorm';

/**
 * What the engine knows of an event: a topic and a kind, both strings. Features never write these by hand: each owns a
 * typed catalogue (`src/modules/<feature>/<feature>.events.ts`, built with `defineEvents`), and the union of all of them
 * is `OutboxEvent` in src/events.ts; this is the engine's boundary, where they are only text in a table.
 */
export interface EventName {
  topic: string;
  kind: string;
}

/** An event to append: its name (a catalogue's topic and kind), the entity it concerns and where it happened. */
export type EventToAppend<N extends EventName = EventName> = N & {
  entityId: number;
  /** Codes of the regions the entity concerns; their ancestors are added, for region filters. Region events name their places here. */
  regionCodes: string[];
  /** Urgency of a breaking-news item (1 = flash … 3), for `minUrgency` filters. */
  urgency?: number;
  /** The part of the entity the event is about, when it is one (an entry of a live blog, whose entity is the article). */
  itemId?: number;
};

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
export async function appendEvent(tx: EntityManager, event: EventToAppend): Promise<number> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
  // clock_timestamp(), not now(): taken under the lock, so created_at follows seq and retention prunes a prefix.
  const [row] = await tx.query(
    `INSERT INTO event_outbox (seq, topic, kind, entity_id, region_codes, urgency, item_id, created_at)
     VALUES (nextval('event_outbox_seq'), $1, $2, $3,
             ${placesWithAncestors('region r', 'r.code = ANY($4::text[])')},
             $5, $6, clock_timestamp())
     RETURNING seq`,
    [event.topic, event.kind, event.entityId, event.regionCodes, event.urgency ?? null, event.itemId ?? null]);
  return appended(tx, Number(row.seq));
}

/**
 * The SQL that finds the region codes of entity `e.id` (a join ending in `region r`, and its condition), for
 * appendEventPerEntity: e.g. `{ from: 'article_region ar JOIN region r ON r.code = ar.region_code', where: 'ar.article_id = e.id' }`.
 */
export interface RegionsOfEntity {
  from: string;
  where: string;
}

/** Appends the event `name` for each entity, with its regions, in one statement; call it last, like appendEvent. */
export async function appendEventPerEntity(tx: EntityManager, name: EventName, entityIds: number[], regions: RegionsOfEntity): Promise<void> {
  if (entityIds.length === 0) return;
  await tx.query('SELECT pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
  const [row] = await tx.query(
    `WITH appended AS (
       INSERT INTO event_outbox (seq, topic, kind, entity_id, region_codes, created_at)
       SELECT nextval('event_outbox_seq'), $1, $2, e.id, ${placesWithAncestors(regions.from, regions.where)}, clock_timestamp()
       FROM unnest($3::int[]) AS e(id)
       RETURNING seq)
     SELECT max(seq) AS seq FROM appended`,
    [name.topic, name.kind, entityIds]);
  await appended(tx, Number(row.seq));
}

/** After an insert under OUTBOX_LOCK: wakes the listeners and leaves the transaction's last sequence for the fan-out. */
async function appended(tx: EntityManager, seq: number): Promise<number> {
  await tx.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, String(seq)]);
  if (tx.queryRunner) tx.queryRunner.data[APPENDED_SEQ] = seq;
  return seq;
}
