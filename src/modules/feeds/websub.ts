import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { startDelivery, DEFAULT_DELIVERY_OPTIONS, type Delivery, type DeliveryOptions } from '../../delivery/engine';
import { eventsOfJobs, type ClaimedJob, type DeliveryConsumer, type Outcome } from '../../delivery/jobs';
import { parseRetryAfter, type RetryPolicy } from '../../delivery/retry';
import { jobPerUrl, urlTarget, urlTargets } from '../../delivery/targets';
import { PoolSql, type Sql } from '../../db/sql';
import { siteUrl } from '../../shared/site-paths';
import { ARTICLE_EVENTS } from '../article/article.events';
import { changedFeeds } from './changed-feeds';
import { FEED_FORMAT_NAMES, feedPath } from './feed-address';

/** A hub that does not answer within this long is retried. */
const TIMEOUT_MS = 10_000;
/** Backoff from a second up to a quarter of an hour, for about five hours: a ping later than that is worth nothing. */
export const WEBSUB_RETRY: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 900_000, maxAttempts: 25, maxRetryAfterMs: 3_600_000 };

/** A hub's target id on the delivery engine (urlTarget: the same everywhere for the same URL). */
export const hubTarget = urlTarget;

export interface WebSubOptions {
  hubs: readonly string[];
  publicUrl: string;
  retry?: RetryPolicy;
  delivery?: Partial<DeliveryOptions>;
}

/**
 * WebSub publishing on the delivery engine: each article event is one job per configured hub; delivering it reads
 * the feeds the event changed (one statement for a batch) and POSTs `hub.mode=publish` with their URLs, every format
 * and language variant, to the hub. A crash loses no ping (the job stays queued), and a hub that is down or answers
 * 429/5xx is retried with backoff (and its Retry-After).
 */
export function websubConsumer(sql: Sql, options: WebSubOptions, logger: Logger): DeliveryConsumer {
  const hubs = urlTargets(options.hubs);
  return {
    name: 'websub',
    topics: [ARTICLE_EVENTS.topic],
    plan: jobPerUrl(hubs),
    collapse: false,
    retry: options.retry ?? WEBSUB_RETRY,

    async deliver(jobs, report) {
      const events = await eventsOfJobs(sql, jobs);
      const feeds = await changedFeeds(sql, events);
      const topicsBySeq = new Map(events.map((event, i) => [Number(event.seq), feeds[i].flatMap((address) =>
        FEED_FORMAT_NAMES.map((format) => siteUrl(options.publicUrl, feedPath(address, format))))]));
      await Promise.all(jobs.map(async (job) => {
        const hub = hubs.get(job.target);
        const topics = topicsBySeq.get(job.eventSeq) ?? [];
        if (!hub) report(job, { state: 'cancelled', error: 'the hub is no longer configured (WEBSUB_HUBS)' });
        else if (topics.length === 0) report(job, { state: 'cancelled', error: 'the event changed no feed' });
        else report(job, await ping(hub, topics, job, logger));
      }));
    },
  };
}

/** One publish notification: `hub.mode=publish` and a `hub.url` per topic (PubSubHubbub 0.4, which WebSub hubs accept). */
async function ping(hub: string, topics: string[], job: ClaimedJob, logger: Logger): Promise<Outcome> {
  const body = new URLSearchParams([['hub.mode', 'publish'], ...topics.map((topic): [string, string] => ['hub.url', topic])]);
  let response: Response;
  try {
    response = await fetch(hub, {
      method: 'POST', body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  } catch (error) {
    return { state: 'retry', error: `the hub did not answer: ${(error as Error).message}` };
  }
  // The answer says nothing we use: the connection is let go without reading a body that could be large.
  await response.body?.cancel().catch(() => undefined);
  const { status } = response;
  if (status >= 200 && status < 300) return { state: 'sent', status };
  if (status === 429 || status >= 500 || status === 408) {
    return { state: 'retry', status, error: `the hub answered ${status}`, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
  }
  logger.warn({ hub, status, job: job.id }, 'a WebSub hub refused a publish ping');
  return { state: 'failed', status, error: `the hub refused the ping with ${status}` };
}

/** Starts WebSub publishing on this instance; wake it as events commit. */
export async function startWebSub(db: DataSource, options: WebSubOptions, logger: Logger): Promise<Delivery> {
  const log = logger.child({ part: 'websub' });
  const delivery = await startDelivery(db, websubConsumer(PoolSql.of(db), options, log), log,
    { ...DEFAULT_DELIVERY_OPTIONS, batchSize: 100, maxInFlight: 200, ...options.delivery });
  log.info({ hubs: options.hubs }, 'WebSub publishing on');
  return delivery;
}
