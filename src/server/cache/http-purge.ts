import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { DEFAULT_DELIVERY_OPTIONS, startDelivery, type Delivery, type DeliveryOptions } from '../../delivery/engine';
import { eventsOfJobs, type ClaimedJob, type DeliveryConsumer, type Outcome } from '../../delivery/jobs';
import { parseRetryAfter, type RetryPolicy } from '../../delivery/retry';
import { jobPerUrl, urlTargets } from '../../delivery/targets';
import { PoolSql, type Sql } from '../../db/sql';
import { EVENT_TOPICS } from '../../events';
import { purgeHeaderValues } from '../../shared/cache-tags';
import { purgeTagsOf } from './purge-tags';

export const HTTP_PURGE_CONSUMER = 'http-purge';

/** A cache that does not answer within this long is retried. */
const TIMEOUT_MS = 5_000;
/**
 * From half a second up to a minute, for about an hour: a cache that is restarting or overloaded gets the purge as soon
 * as it answers again; after an hour whatever it held has expired by its max-age anyway.
 */
export const HTTP_PURGE_RETRY: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 60_000, maxAttempts: 70, maxRetryAfterMs: 60_000 };

export interface HttpPurgeOptions {
  /** VARNISH_PURGE_URLS: where each purge goes (each Varnish, or the one address in front of them). */
  urls: readonly string[];
  /** Evicts these tags from Khabar's own response cache first, so that a cache that refetches at once gets the change. */
  evictOwn?: (tags: string[]) => Promise<unknown>;
  retry?: RetryPolicy;
  delivery?: Partial<DeliveryOptions>;
}

/**
 * Purges of the HTTP caches in front, on the delivery engine: every committed event of every topic is one job per
 * configured URL (planned in the transaction that moves the consumer's position, so a purge is never lost to a
 * restart); delivering a batch reads its events (one statement), computes the tags they evict with the in-process
 * cache's own rule (purgeTagsOf: one more statement when articles joined lists), and sends each cache one
 * `PURGE` with an `xkey-purge` header of their union (several when it is long): a burst of edits is coalesced into as
 * few requests as the batch allows. 429, 5xx and timeouts are retried with backoff; a refusal (403: the cache's ACL)
 * is dead-lettered and logged.
 */
export function httpPurgeConsumer(sql: Sql, options: HttpPurgeOptions, logger: Logger): DeliveryConsumer {
  const caches = urlTargets(options.urls);
  return {
    name: HTTP_PURGE_CONSUMER,
    topics: EVENT_TOPICS,
    plan: jobPerUrl(caches),
    collapse: false,
    retry: options.retry ?? HTTP_PURGE_RETRY,

    async deliver(jobs, report) {
      const events = await eventsOfJobs(sql, jobs);
      const present = new Set(events.map((event) => Number(event.seq)));
      const tags = await purgeTagsOf(sql, events);
      // Khabar's own cache first (a cache in front that refetches at once must not get the old copy from it); when
      // that store is away its entries expire by themselves, and the purges in front go all the same.
      if (tags.length > 0) await options.evictOwn?.(tags).catch((error) => logger.warn({ err: error }, 'evicting from the response cache failed'));
      const byCache = new Map<number, ClaimedJob[]>();
      for (const job of jobs) {
        if (!present.has(job.eventSeq)) report(job, { state: 'cancelled', error: 'the event left the outbox before it was sent' });
        else if (!caches.has(job.target)) report(job, { state: 'cancelled', error: 'the cache is no longer configured (VARNISH_PURGE_URLS)' });
        else byCache.set(job.target, [...(byCache.get(job.target) ?? []), job]);
      }
      await Promise.all([...byCache].map(async ([target, cacheJobs]) => {
        const outcome = tags.length === 0 ? { state: 'sent' as const } : await purge(caches.get(target)!, tags, logger);
        for (const job of cacheJobs) report(job, outcome);
      }));
    },
  };
}

/** `PURGE <url>` with `xkey-purge: <tags>`, as many requests as the header's size allows; the first failure decides. */
async function purge(url: string, tags: string[], logger: Logger): Promise<Outcome> {
  let status = 0;
  for (const value of purgeHeaderValues(tags)) {
    let response: Response;
    try {
      response = await fetch(url, { method: 'PURGE', headers: { 'xkey-purge': value }, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      return { state: 'retry', error: `the cache did not answer: ${(error as Error).message}` };
    }
    await response.body?.cancel().catch(() => undefined);
    status = response.status;
    if (status >= 200 && status < 300) continue;
    if (status === 429 || status === 408 || status >= 500) {
      return { state: 'retry', status, error: `the cache answered ${status}`, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
    }
    logger.error({ url, status }, 'an HTTP cache refused a purge (is this instance in its purgers ACL?)');
    return { state: 'failed', status, error: `the cache refused the purge with ${status}` };
  }
  return { state: 'sent', status };
}

/** Starts the purges of the HTTP caches in front on this instance; wake it as events commit. */
export async function startHttpPurges(db: DataSource, options: HttpPurgeOptions, logger: Logger): Promise<Delivery> {
  const log = logger.child({ part: 'http-purge' });
  const delivery = await startDelivery(db, httpPurgeConsumer(PoolSql.of(db), options, log), log,
    { ...DEFAULT_DELIVERY_OPTIONS, batchSize: 500, maxInFlight: 1_000, ...options.delivery });
  log.info({ urls: options.urls }, 'HTTP cache purges on');
  return delivery;
}
