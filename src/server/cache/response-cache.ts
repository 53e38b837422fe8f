import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { EventFeed } from '../../realtime/feed';
import { negotiatedMediaType } from '../http-errors';
import type { Metrics } from '../metrics';
import { persistedHashOf, type GraphQLParams } from '../request-gate';
import type { HttpRequestState } from '../request-state';
import { sha256Hex } from '../persisted-queries';
import { throttledWarn } from '../../shared/throttled-warn';
import { matchesEtag } from '../../shared/etag';
import { setCacheTagHeaders } from '../../shared/cache-tags';
import type { PurgeChange } from './purge-tags';
import type { CachedResponse, ResponseStore } from './response-store';

/** Same document (by hash), same operation, same variables: the same answer for every anonymous reader. */
function cacheKeyOf(params: GraphQLParams): string | undefined {
  const documentId = persistedHashOf(params) ?? (typeof params.query === 'string' ? sha256Hex(params.query) : undefined);
  if (!documentId) return undefined;
  const operationName = typeof params.operationName === 'string' ? params.operationName : '';
  return sha256Hex(`${documentId}\n${operationName}\n${JSON.stringify(params.variables ?? null)}`);
}

interface Deps {
  store: ResponseStore;
  /** This instance's feed of committed outbox events: every content change readers can see purges what holds it. */
  feed: EventFeed;
  /** The tags a batch of changes evicts (purge-tags.ts: purgeTagsOf on the primary). */
  tagsOf(changes: readonly PurgeChange[]): Promise<string[]>;
  logger: Logger;
  metrics: Metrics | null;
}

/**
 * The shared cache of anonymous reads over HTTP: answers a request from it while fresh, keeps public responses for
 * their max-age tagged with what they contain, and evicts them when a content change committed.
 */
export class ResponseCache {
  private readonly warnStore: (error: unknown) => void;
  private readonly warnLookup: (error: unknown) => void;

  constructor(private readonly deps: Deps) {
    this.warnStore = throttledWarn(deps.logger, 'response cache store failed');
    this.warnLookup = throttledWarn(deps.logger, 'response cache lookup failed; answering without it');
    deps.feed.onEvents(async (records) => void (await this.purge(records)));
  }

  /** The store itself, for documents other routes keep with the same tags and purges (feeds). */
  get store(): ResponseStore {
    return this.deps.store;
  }

  /**
   * Evicts every cached response and document that holds what changed or that a change joined (purgeTagsOf), on this
   * instance (and, with Redis, for all).
   */
  async purge(changes: PurgeChange[]): Promise<number> {
    if (changes.length === 0) return 0;
    const tags = await this.deps.tagsOf(changes);
    const purged = await this.deps.store.purge(tags);
    this.deps.metrics?.cachePurges.inc(purged);
    this.deps.logger.debug({ tags, purged }, 'response cache purged');
    return purged;
  }

  /** Serves a fresh cached response (or 304); otherwise notes the key and epoch the response will be kept under. */
  async serve(req: Request, res: Response, params: GraphQLParams, state: HttpRequestState): Promise<boolean> {
    const key = cacheKeyOf(params);
    const mediaType = negotiatedMediaType(req);
    if (!key || !mediaType) return false;
    let found: { entry?: CachedResponse; epoch: string };
    try {
      found = await this.deps.store.lookup(key);
    } catch (error) {
      this.warnLookup(error);
      return false;
    }
    const { entry } = found;
    const age = entry ? Math.floor((Date.now() - entry.storedAt) / 1000) : 0;
    if (!entry || age >= entry.maxAge) {
      state.cache = 'MISS';
      state.cacheKey = key;
      state.cacheEpoch = found.epoch;
      res.setHeader('x-khabar-cache', 'MISS');
      return false;
    }
    state.cache = 'HIT';
    state.operationName = entry.operation;
    state.operationType = 'query';
    res.setHeader('x-khabar-cache', 'HIT');
    res.setHeader('cache-control', `public, max-age=${entry.maxAge - age}`);
    res.setHeader('age', String(age));
    res.setHeader('etag', entry.etag);
    res.setHeader('vary', 'accept, authorization');
    if (entry.tags) setCacheTagHeaders(res, entry.tags);
    if (req.method === 'GET' && matchesEtag(req, entry.etag)) {
      res.status(304).end();
      return true;
    }
    res.setHeader('content-type', mediaType);
    res.setHeader('content-length', Buffer.byteLength(entry.body));
    res.status(200).end(entry.body);
    return true;
  }

  /**
   * A server-rendered page (or another response that is not GraphQL) by its own key: the entry while it is fresh, with
   * its age, and the epoch to keep a miss under; null when the store cannot answer (the page is made without it).
   */
  async lookupPage(key: string): Promise<{ entry?: CachedResponse; age: number; epoch: string } | null> {
    try {
      const { entry, epoch } = await this.deps.store.lookup(key);
      const age = entry ? Math.floor((Date.now() - entry.storedAt) / 1000) : 0;
      return entry && age < entry.maxAge ? { entry, age, epoch } : { age: 0, epoch };
    } catch (error) {
      this.warnLookup(error);
      return null;
    }
  }

  /** Keeps a page for its max-age under the tags of what it shows; as `keep`, not when a purge came since its lookup. */
  keepPage(key: string, epoch: string, entry: CachedResponse, tags: Iterable<string>): void {
    if (entry.maxAge <= 0) return;
    this.deps.store.store(key, entry, [...tags], epoch).catch(this.warnStore);
  }

  /**
   * Keeps a public response that missed, for its max-age, tagged with what it contains; not when a purge happened
   * since its lookup (it may hold what was purged). Not awaited by the response.
   */
  keep(state: HttpRequestState, body: string, etag: string, maxAge: number): void {
    if (!state.cacheKey || !state.tags || maxAge <= 0) return;
    const entry: CachedResponse = { body, etag, storedAt: Date.now(), maxAge, operation: state.operationName };
    this.deps.store.store(state.cacheKey, entry, [...state.tags], state.cacheEpoch!).catch(this.warnStore);
  }
}
