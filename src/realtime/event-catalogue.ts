import type { EntityManager } from 'typeorm';
import { appendEvent, appendEventPerEntity, EventName, EventToAppend, RegionsOfEntity } from './outbox';

/**
 * What an event kind means; every catalogue says at least this, and adds what its own readers need (news for
 * subscribers, files to drop, notifications to cancel).
 */
export interface KindMeaning {
  /** What happened, in the words readers of the API get (the GraphQL enum's description where the kind is public). */
  description: string;
  /**
   * Cached responses: those holding the entity always go; with `purgesLists`, so do the lists of its type (it may
   * join one or move in it). Without it only what shows the entity goes: it left, or changed only what it shows.
   */
  purgesLists: boolean;
}

/**
 * A feature's events, declared once in `src/modules/<feature>/<feature>.events.ts`: the topic, each kind with what it
 * means, and the typed ways to append and recognise them. The union of all catalogues is `OutboxEvent` (src/events.ts).
 */
export interface EventCatalogue<Topic extends string = string, Kind extends string = string, Meaning extends KindMeaning = KindMeaning> {
  readonly topic: Topic;
  /** The GraphQL type the cache tags of these events name: `Article` → `Article:12`, and `Article` for its lists. */
  readonly cacheType: string;
  readonly kinds: Readonly<Record<Kind, Meaning>>;
  /** The kinds, in the order they are declared. */
  readonly kindNames: readonly Kind[];
  /** The kinds whose meaning passes `test`, in declaration order (e.g. the kinds subscribers hear of). */
  kindsWhere(test: (meaning: Meaning) => boolean): Kind[];
  /** Whether an event read from the outbox is one of these (topic and a declared kind): narrows its kind. */
  owns<R extends EventName>(record: R): record is R & { topic: Topic; kind: Kind };
  /** The keys of the entity's cache tags: its id, or what `cacheKeys` said (places are tagged by their codes). */
  cacheKeys(event: { entityId: number; regionCodes: readonly string[] }): (string | number)[];
  /** Appends one event in the caller's transaction, last (see appendEvent). */
  append(tx: EntityManager, event: Omit<EventToAppend<{ topic: Topic; kind: Kind }>, 'topic'>): Promise<number>;
  /** Appends `kind` for each entity, with the regions `regions` finds for it, in one statement, last. */
  appendEach(tx: EntityManager, kind: Kind, entityIds: number[], regions: RegionsOfEntity): Promise<void>;
}

/** The typed name (topic and kind) of a catalogue's events; distributes over a union of catalogues. */
export type EventOf<C> = C extends EventCatalogue<infer Topic, infer Kind, KindMeaning> ? { topic: Topic; kind: Kind } : never;

export function defineEvents<Topic extends string, Kind extends string, Meaning extends KindMeaning>(definition: {
  topic: Topic;
  cacheType: string;
  kinds: Readonly<Record<Kind, Meaning>>;
  cacheKeys?: (event: { entityId: number; regionCodes: readonly string[] }) => (string | number)[];
}): EventCatalogue<Topic, Kind, Meaning> {
  const { topic, cacheType, kinds } = definition;
  const kindNames = Object.freeze(Object.keys(kinds) as Kind[]);
  return Object.freeze({
    topic,
    cacheType,
    kinds,
    kindNames,
    kindsWhere: (test: (meaning: Meaning) => boolean) => kindNames.filter((kind) => test(kinds[kind])),
    owns: <R extends EventName>(record: R): record is R & { topic: Topic; kind: Kind } => record.topic === topic && Object.hasOwn(kinds, record.kind),
    cacheKeys: definition.cacheKeys ?? ((event: { entityId: number }) => [event.entityId]),
    append: (tx: EntityManager, event: Omit<EventToAppend<{ topic: Topic; kind: Kind }>, 'topic'>) => appendEvent(tx, { ...event, topic }),
    appendEach: (tx: EntityManager, kind: Kind, entityIds: number[], regions: RegionsOfEntity) => appendEventPerEntity(tx, { topic, kind }, entityIds, regions),
  });
}
