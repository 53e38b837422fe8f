import type { Context } from '../context';
import { isDatabaseUnavailable } from '../db/unavailable';
import { badInput } from '../shared/errors';
import { decodeCursor } from '../shared/relay';
import type { Drainable, EventFeed, FeedEvent, ReadScope } from './feed';

/** A subscription's context: a request context whose loaders the stream renews for every event, and the feed it reads. */
export interface LiveContext extends Context {
  feed: EventFeed;
}

export interface StreamSpec<P> {
  /** A catalogue's topic: the stream reads that topic's events only. */
  topic: string;
  /** Deliver events after this sequence: a replay cursor's, or the feed's head for live only. */
  after: number;
  /** Whether this subscriber gets the event; evaluated per event, with that event's loaders. */
  accepts(event: FeedEvent, scope: ReadScope): boolean | Promise<boolean>;
  /** A module-level function, so that subscribers share the payload object of an event (and its execution). */
  payload(event: FeedEvent): P;
}

/**
 * One subscription's events, in sequence order, each exactly once: replayed from the outbox while the stream is
 * behind the feed's window, then read from the window, with no gap or duplicate at the seam since both are
 * the same sequence. Before each event is yielded the subscription's context gets that event's loaders, so
 * relations and authorization are resolved per event (graphql-ws executes an event before asking for the next).
 * While the database is away the stream waits at its position, connected, and goes on from there when it is back.
 */
export class EventStream<P> implements AsyncIterableIterator<P>, Drainable {
  private position: number;
  /** A backlog page shared with the other streams that read it (never changed), and the next event to take from it. */
  private backlog: readonly FeedEvent[] = [];
  private backlogIndex = 0;
  /** An event whose filter could not be evaluated while the database was away: evaluated again first. */
  private pending: FeedEvent | null = null;
  private ended = false;
  private wake: (() => void) | null = null;
  private cancelWait: (() => void) | null = null;

  constructor(private readonly feed: EventFeed, private readonly context: Context, private readonly spec: StreamSpec<P>) {
    this.position = spec.after;
    feed.track(this);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<P>> {
    while (!this.ended) {
      // Awaits only what is really asynchronous: with ten thousand streams woken by one event, every tick counts.
      let event = this.nextEvent();
      if (event instanceof Promise) event = await event;
      if (this.ended) break;
      if (!event) {
        await this.sleep();
        continue;
      }
      this.position = event.record.seq;
      const scope = event.scopeFor(this.context.viewer);
      let accepted: boolean;
      try {
        const verdict = this.spec.accepts(event, scope);
        accepted = verdict instanceof Promise ? await verdict : verdict;
      } catch (error) {
        if (!isDatabaseUnavailable(error)) throw error;
        this.pending = event;
        await this.feed.readable();
        continue;
      }
      if (accepted && !this.ended) {
        Object.assign(this.context, scope);
        return { value: event.payload(this.spec.payload), done: false };
      }
    }
    return this.return();
  }

  async return(): Promise<IteratorResult<P>> {
    this.end();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<P>> {
    this.end();
    throw error;
  }

  /**
   * Whether an event of the topic is at hand after this stream's position (read, not waited for; the subscriber may
   * still not get it): a transport writes what is at hand together.
   */
  ready(): boolean {
    if (this.ended) return false;
    if (this.pending || this.backlogIndex < this.backlog.length) return true;
    return this.position >= this.feed.floor && this.feed.firstAfter(this.position, this.spec.topic) !== null;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.feed.untrack(this);
    this.cancelWait?.();
    this.wake?.();
  }

  private nextEvent(): FeedEvent | null | Promise<FeedEvent | null> {
    if (this.pending) {
      const event = this.pending;
      this.pending = null;
      return event;
    }
    if (this.backlogIndex < this.backlog.length) return this.backlog[this.backlogIndex++];
    if (this.position < this.feed.floor) return this.readBacklog();
    const event = this.feed.firstAfter(this.position, this.spec.topic);
    if (!event) this.position = Math.max(this.position, this.feed.head);
    return event;
  }

  /** Behind the window (a replay, or a client slower than the news): page through the outbox, with any stream at the same place. */
  private async readBacklog(): Promise<FeedEvent | null> {
    let page;
    try {
      page = await this.feed.backlog(this.position, this.spec.topic);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      await this.feed.readable();
      return null;
    }
    this.backlog = page.events;
    this.backlogIndex = 0;
    // Nothing of this topic after us, even among the events the window had before this read began.
    if (page.events.length === 0) this.position = Math.max(this.position, page.floor);
    return this.backlogIndex < this.backlog.length ? this.backlog[this.backlogIndex++] : null;
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      // The feed may have moved on while we looked; then there is no need to wait.
      if (this.ended || this.feed.head > this.position || this.position < this.feed.floor) return resolve();
      this.wake = resolve;
      this.cancelWait = this.feed.wait(this.spec.topic, () => {
        this.wake = null;
        this.cancelWait = null;
        resolve();
      });
    });
  }
}

/** Whether an event concerns one of `regions` (null: no filter); events carry their regions' ancestors, so a region matches the events of its sub-regions. */
export function inRegions(record: { regionCodes: readonly string[] }, regions: ReadonlySet<string> | null): boolean {
  return regions === null || record.regionCodes.some((code) => regions.has(code));
}

/**
 * The sequence a replay starts after: `cursor` (of `cursorKind`, one sequence) must name an event of `topic` the outbox
 * still keeps. `reload` tells a client with an expired cursor how to start over, e.g. "load what is on air with …".
 */
export async function replayPosition(feed: EventFeed, cursor: string, cursorKind: string, topic: string, what: string, reload: string): Promise<number> {
  const [seq] = decodeCursor(cursorKind, cursor, 'after', ['number']) as [number];
  if (!Number.isSafeInteger(seq) || seq < 1) throw badInput(`Invalid cursor "${cursor.slice(0, 60)}".`, 'after');
  // Checked through the feed: clients resuming from the same cursor (a reconnect storm) share one statement.
  const checked = await feed.checkCursor(seq);
  if (checked.topic === topic) return seq;
  if (checked.oldest === null || seq < checked.oldest) {
    throw badInput(`This cursor is older than the ${feed.retentionHours} hours of events Khabar keeps: subscribe without \`after\` `
      + `and ${reload}.`, 'after', { reason: 'CURSOR_EXPIRED' });
  }
  throw badInput(`This cursor names no ${what} event.`, 'after');
}
