import type { Logger } from 'pino';
import type { Context } from '../context';
import { isEditor, Viewer } from '../auth/viewer';
import type { Sql } from '../db/sql';
import type { EventName } from './outbox';
import { isDatabaseUnavailable } from '../db/unavailable';

/** One committed outbox row; features narrow it to their own events with their catalogue's `owns`. */
export type OutboxRecord<N extends EventName = EventName> = N & {
  seq: number;
  entityId: number;
  /** Region codes with their ancestors. */
  regionCodes: string[];
  urgency: number | null;
  /** The part of the entity the event is about (an entry of a live blog), or null. */
  itemId: number | null;
  createdAt: Date;
};

/** What a subscriber's resolvers read an event through: the services and loaders of one request. */
export type ReadScope = Pick<Context, 'services' | 'loaders' | 'sql' | 'media' | 'publicUrl'>;

/**
 * How the feed reads the entities of one topic's events, once per instance for all subscribers: a feature's
 * subscription module declares it (e.g. `TICKER_FEED` in ticker.subscription.ts) and reads them back with `entityOf`.
 */
export interface FeedTopic<T> {
  readonly topic: string;
  /** The entity read is the event's item (`itemId`: a live blog's entry), not its entity; events without one have none. */
  readonly readsItems?: boolean;
  read(services: Context['services'], ids: number[]): Promise<readonly (T | null)[]>;
}

/** The entity the feed read for an event of `feedTopic` (null: of another topic, gone, or not found). */
export function entityOf<T>(feedTopic: FeedTopic<T>, event: FeedEvent): T | null {
  return event.record.topic === feedTopic.topic ? (event.entity as T | null) : null;
}

/** What the feed reads from, handed in by the composition root: the feed itself knows no feature. */
export interface FeedSource {
  sql: Sql;
  /** Services outside any request, with editorial visibility: what the feed reads entities with. */
  services: Context['services'];
  /** A request's worth of services and loaders for a viewer: what subscribers of one visibility share per event. */
  scope(viewer: Viewer, label: string): ReadScope;
  /** The topics whose events carry an entity (the others carry none). */
  topics: readonly FeedTopic<unknown>[];
}

/**
 * An outbox event with the entity it concerns, read once per instance for all its subscribers. Loaders are fresh for
 * each event, or shared with events read before it that nobody has resolved yet, and shared by the subscribers who may
 * see the same things (readers, or editors): ten thousand subscribers asking for `ticker { article { title } }` cost
 * one statement, and a subscriber's later events of a burst resolve without waiting for the database again.
 */
export class FeedEvent {
  private readonly payloads = new Map<(event: FeedEvent) => unknown, unknown>();

  constructor(readonly record: OutboxRecord, readonly entity: unknown, private readonly scopes: ScopesByVisibility) {}

  /** The payload `build` makes of this event, made once: subscribers with the same payload can share one execution. */
  payload<P>(build: (event: FeedEvent) => P): P {
    if (!this.payloads.has(build)) this.payloads.set(build, build(this));
    return this.payloads.get(build) as P;
  }

  scopeFor(viewer: Viewer): ReadScope {
    return this.scopes.for(viewer);
  }
}

/** One read scope per visibility (readers, editors), built on first use; loaders depend on nothing else of the viewer. */
class ScopesByVisibility {
  private readonly scopes = new Map<boolean, ReadScope>();
  /** Someone asked for a scope: its loaders may hold what was read then. */
  used = false;

  constructor(private readonly source: FeedSource, private readonly label: string) {}

  for(viewer: Viewer): ReadScope {
    this.used = true;
    const editor = isEditor(viewer);
    let scope = this.scopes.get(editor);
    if (!scope) {
      scope = this.source.scope(viewer, this.label);
      this.scopes.set(editor, scope);
    }
    return scope;
  }
}

/** What the outbox says of a replay cursor's sequence: its event's topic (null: no such event) and the oldest kept. */
export interface CursorCheck {
  topic: string | null;
  oldest: number | null;
}

/** Anything the feed ends when the instance drains (the subscription streams). */
export interface Drainable {
  end(): void;
}

const PAGE = 200;
/** Events a stream behind the window reads at a time: what a slow client can hold in server memory. */
export const BACKLOG_PAGE = 50;
/** Backlog pages kept for streams at the same position (a reconnect storm); a bound on their memory. */
const KEPT_PAGES = 64;
/** While streams wait for the database, how often the feed tries to read again. */
const RECOVERY_READ_MS = 1_000;
/**
 * How far apart a topic's wake-ups are kept, per stream it wakes: writing an event to a stream costs about 25 µs on the
 * 2-vCPU bench box, and 15 more are left to everything else (bench/README.md, bench:fanout:live); and the longest a
 * topic's new events wait for that.
 */
const WAKE_SPACING_MS_PER_STREAM = 0.04;
const MAX_WAKE_GAP_MS = 400;
/** Streams woken per turn of the event loop: between slices, requests and the database's answers go on. */
const WAKE_SLICE = 250;

/** Wakes `sleepers` from `from` on, a slice per turn of the event loop (each slice's deliveries run before the next). */
function wakeInSlices(sleepers: readonly (() => void)[], from: number): void {
  const end = Math.min(sleepers.length, from + WAKE_SLICE);
  for (let i = from; i < end; i += 1) sleepers[i]();
  if (end < sleepers.length) setImmediate(wakeInSlices, sleepers, end);
}

/** A page of the outbox after a position, read for streams behind the window, and the window's floor when it was read. */
export interface BacklogPage {
  events: readonly FeedEvent[];
  floor: number;
}

/**
 * This instance's view of the outbox: the latest events in a bounded in-memory window that every subscription
 * stream reads from, with its own position. The window holds every event in (floor, head]; a stream behind
 * the window (a replay, or a client slower than the news) reads the outbox itself, a page at a time, so a slow
 * client costs one position in memory, never a queue.
 */
export class EventFeed {
  /** Last sequence read into the window. */
  head = 0;
  /** The window holds every event after this sequence. */
  floor = 0;
  private window: FeedEvent[] = [];
  private readonly waiting = new Map<string, Set<() => void>>();
  /** By topic: when its sleepers may be woken again, and the wake-up waiting for that time. */
  private readonly nextWake = new Map<string, number>();
  private readonly deferredWakes = new Map<string, NodeJS.Timeout>();
  private readonly streams = new Set<Drainable>();
  private readonly listeners = new Set<(records: OutboxRecord[]) => Promise<void>>();
  /** Events read from the outbox for streams behind the window (replays), for metrics. */
  replayedEvents = 0;
  private readonly baseScopes: ScopesByVisibility;
  /** The loaders of the latest events read into the window, while no stream has used them. */
  private unresolved: ScopesByVisibility | null = null;
  private fetching: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Backlog pages by topic and position, read or being read: streams at the same place share one read. */
  private readonly pages = new Map<string, Promise<BacklogPage>>();
  /** Topics of the events replay cursors name, by sequence: a thousand clients resuming from one cursor check it once. */
  private readonly cursorTopics = new Map<number, Promise<CursorCheck>>();
  /** Streams and cursor checks that failed because the database was away wait for the next successful read. */
  private recovery: { promise: Promise<void>; resolve(): void } | null = null;

  constructor(
    readonly source: FeedSource,
    private readonly logger: Logger,
    /** How long the outbox keeps events, hence how far back a cursor can resume. */
    readonly retentionHours: number,
    private readonly windowSize = 1024,
  ) {
    this.baseScopes = new ScopesByVisibility(source, 'live');
  }

  async start(): Promise<void> {
    const [row] = await this.source.sql.query<{ head: string }>('SELECT coalesce(max(seq), 0) AS head FROM event_outbox');
    this.head = this.floor = Number(row.head);
  }

  /** Reads what was committed since the last read and wakes the streams waiting for it; concurrent calls coalesce. */
  catchUp(quiet = false): Promise<void> {
    if (this.fetching) {
      this.again = true;
      return this.fetching;
    }
    this.fetching = (async () => {
      try {
        do {
          this.again = false;
          await this.fetchNew();
        } while (this.again && !this.stopped);
        this.recovered();
      } catch (error) {
        if (isDatabaseUnavailable(error)) {
          if (!quiet) this.logger.warn({ err: error }, 'the database is unavailable; the event feed reads again when it is back');
        }
        else this.logger.error({ err: error }, 'reading the event outbox failed; retrying on the next notification');
      } finally {
        this.fetching = null;
      }
    })();
    return this.fetching;
  }

  /**
   * Outbox events after `seq` (of one topic, or all), oldest first, with their entities. `joinUnresolved`: the events
   * share the loaders of the previous such read's if nothing has used them yet (they would then load only what was
   * committed after these events), so the events a stream finds at hand together resolve with one statement.
   */
  async read(seq: number, topic: string | null, limit = PAGE, joinUnresolved = false): Promise<FeedEvent[]> {
    const rows = await this.source.sql.query<OutboxRecord & { seq: string }>(
      `SELECT seq, topic, kind, entity_id AS "entityId", region_codes AS "regionCodes", urgency, item_id AS "itemId", created_at AS "createdAt"
       FROM event_outbox WHERE seq > $1 AND ($2::text IS NULL OR topic = $2) ORDER BY seq LIMIT $3`, [seq, topic, limit]);
    if (rows.length === 0) return [];
    let scopes = joinUnresolved ? this.unresolved : null;
    if (!scopes || scopes.used) {
      scopes = new ScopesByVisibility(this.source, `events-from-${rows[0].seq}`);
      if (joinUnresolved) this.unresolved = scopes;
    }
    const keyOf = new Map(this.source.topics.map((feedTopic) => [feedTopic.topic,
      (r: OutboxRecord) => (feedTopic.readsItems ? r.itemId : r.entityId)]));
    const entities = new Map<string, Map<number, unknown>>();
    await Promise.all(this.source.topics.map(async (feedTopic) => {
      const key = keyOf.get(feedTopic.topic)!;
      const ids = [...new Set(rows.filter((r) => r.topic === feedTopic.topic).map(key).filter((id): id is number => id !== null))];
      if (ids.length === 0) return;
      const found = await feedTopic.read(this.source.services, ids);
      entities.set(feedTopic.topic, new Map(ids.map((id, i) => [id, found[i]])));
    }));
    return rows.map((row) => {
      const key = keyOf.get(row.topic)?.(row) ?? null;
      return new FeedEvent({ ...row, seq: Number(row.seq) }, key === null ? null : entities.get(row.topic)?.get(key) ?? null, scopes);
    });
  }

  /**
   * The page of `topic` after `position` for a stream behind the window. Streams at the same position share one read,
   * so a reconnect storm costs one statement per distinct position, not per client; pages are dropped when new events
   * arrive (their entities may have changed) and beyond the last KEPT_PAGES. The page must not be changed.
   */
  backlog(position: number, topic: string): Promise<BacklogPage> {
    const key = `${topic}:${position}`;
    let page = this.pages.get(key);
    if (page) {
      this.pages.delete(key); // most recently used last
    } else {
      const floor = this.floor;
      page = this.read(position, topic, BACKLOG_PAGE).then((events) => {
        this.replayedEvents += events.length;
        return { events, floor };
      });
      page.catch(() => this.pages.delete(key));
    }
    this.pages.set(key, page);
    if (this.pages.size > KEPT_PAGES) this.pages.delete(this.pages.keys().next().value!);
    return page;
  }

  /**
   * The topic of the event `seq` and the oldest sequence kept, for checking a replay cursor; shared like backlog pages.
   * A database away for a moment (restarting, or too busy to hand out a connection in time in a reconnect storm) is
   * waited for, as streams wait for it, rather than failing the resuming subscription.
   */
  async checkCursor(seq: number, attempts = 5): Promise<CursorCheck> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.sharedCursorCheck(seq);
      } catch (error) {
        if (!isDatabaseUnavailable(error) || attempt >= attempts || this.stopped) throw error;
        await this.readable();
      }
    }
  }

  private sharedCursorCheck(seq: number): Promise<CursorCheck> {
    let check = this.cursorTopics.get(seq);
    if (!check) {
      check = this.source.sql.query<{ topic: string | null; oldest: string | null }>(
        'SELECT (SELECT topic FROM event_outbox WHERE seq = $1) AS topic, (SELECT min(seq) FROM event_outbox) AS oldest', [seq])
        .then(([row]) => {
          // A sequence with no event yet may get one: only what exists is kept (until new events clear the checks).
          if (row.topic === null) this.cursorTopics.delete(seq);
          return { topic: row.topic, oldest: row.oldest === null ? null : Number(row.oldest) };
        });
      check.catch(() => this.cursorTopics.delete(seq));
      this.cursorTopics.set(seq, check);
      if (this.cursorTopics.size > KEPT_PAGES) this.cursorTopics.delete(this.cursorTopics.keys().next().value!);
    }
    return check;
  }

  /** After retention pruned the outbox: cursor checks made before may name events that are gone. */
  outboxPruned(): void {
    this.cursorTopics.clear();
  }

  /** Resolves after the next successful read of the outbox (or when the feed stops): when the database is back. */
  readable(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.recovery) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      const recovery = { promise, resolve };
      this.recovery = recovery;
      // Someone must read to find the database back. A restart wakes the feed through its LISTEN reconnection, but a
      // read that only failed to get a connection in time (a reconnect storm on a saturated machine) has nothing to wake
      // it but the safety poll, minutes away: read again every second until a read succeeds (quietly, the outage is known).
      const retry = () => {
        if (this.recovery !== recovery || this.stopped) return;
        void this.catchUp(true).finally(() => {
          if (this.recovery === recovery && !this.stopped) setTimeout(retry, RECOVERY_READ_MS).unref();
        });
      };
      setTimeout(retry, RECOVERY_READ_MS).unref();
    }
    return this.recovery.promise;
  }

  /** The first event of `topic` after `seq` in the window (the caller checked `seq >= floor`). */
  firstAfter(seq: number, topic: string): FeedEvent | null {
    let low = 0;
    let high = this.window.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.window[middle].record.seq <= seq) low = middle + 1;
      else high = middle;
    }
    for (let i = low; i < this.window.length; i += 1) {
      if (this.window[i].record.topic === topic) return this.window[i];
    }
    return null;
  }

  /**
   * What a subscription's context holds until its first event: the stateless services for checking its arguments,
   * shared by all subscriptions of one visibility instead of a request's worth of loaders each.
   */
  baseScope(viewer: Viewer): ReadScope {
    return this.baseScopes.for(viewer);
  }

  /** Calls `wake` once, when events of `topic` arrive or the feed stops; returns a cancel function. */
  wait(topic: string, wake: () => void): () => void {
    if (this.stopped) {
      wake();
      return () => undefined;
    }
    let sleepers = this.waiting.get(topic);
    if (!sleepers) this.waiting.set(topic, sleepers = new Set());
    sleepers.add(wake);
    return () => void this.waiting.get(topic)?.delete(wake);
  }

  /** Calls `listener` with each batch of newly committed events (the response cache purges by them). */
  onEvents(listener: (records: OutboxRecord[]) => Promise<void>): void {
    this.listeners.add(listener);
  }

  track(stream: Drainable): void {
    this.streams.add(stream);
  }

  untrack(stream: Drainable): void {
    this.streams.delete(stream);
  }

  get streamCount(): number {
    return this.streams.size;
  }

  /** Ends every stream: their subscriptions complete. */
  endStreams(): void {
    for (const stream of [...this.streams]) stream.end();
  }

  /** Ends every stream and stops reading; resolves once no read is in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.deferredWakes.values()) clearTimeout(timer);
    this.deferredWakes.clear();
    this.recovered();
    this.endStreams();
    for (const topic of [...this.waiting.keys()]) this.wakeAll(topic);
    await this.fetching;
  }

  private async fetchNew(): Promise<void> {
    for (;;) {
      const events = await this.read(this.head, null, PAGE, true);
      if (events.length === 0 || this.stopped) return;
      this.window.push(...events);
      this.head = events[events.length - 1].record.seq;
      if (this.window.length > this.windowSize) {
        const dropped = this.window.splice(0, this.window.length - this.windowSize);
        this.floor = dropped[dropped.length - 1].record.seq;
      }
      // Pages read before hold entities as they were: later readers read them again (cursor checks stay true).
      this.pages.clear();
      this.cursorTopics.clear();
      for (const topic of new Set(events.map((e) => e.record.topic))) this.wakeAll(topic);
      const records = events.map((e) => e.record);
      for (const listener of this.listeners) {
        listener(records).catch((error) => this.logger.warn({ err: error }, 'an event listener failed'));
      }
      if (events.length < PAGE) return;
    }
  }

  private recovered(): void {
    const recovery = this.recovery;
    this.recovery = null;
    recovery?.resolve();
  }

  /**
   * Wakes the streams sleeping on `topic`, but not sooner after its previous wake-up than that one costs: events coming
   * faster than thousands of subscribers can be written to then reach each of them together, in one write, instead of
   * one write each (a live blog's burst), and a lone event or a topic with few subscribers goes out at once. Thousands
   * are woken in slices, so the posts of a burst commit while the first of it goes out, and later slices get them too.
   */
  private wakeAll(topic: string): void {
    const sleepers = this.waiting.get(topic);
    if (!sleepers || this.deferredWakes.has(topic)) return;
    const now = performance.now();
    const due = this.nextWake.get(topic) ?? 0;
    if (now < due && !this.stopped) {
      this.deferredWakes.set(topic, setTimeout(() => {
        this.deferredWakes.delete(topic);
        this.wakeAll(topic);
      }, Math.ceil(due - now)));
      return;
    }
    this.waiting.delete(topic);
    this.nextWake.set(topic, now + Math.min(MAX_WAKE_GAP_MS, sleepers.size * WAKE_SPACING_MS_PER_STREAM));
    if (this.stopped || sleepers.size <= WAKE_SLICE) for (const wake of sleepers) wake();
    else wakeInSlices([...sleepers], 0);
  }
}
