import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { PushConfig } from '../../config';
import type { ClaimedJob, DeliveryConsumer, Outcome } from '../../delivery/jobs';
import { startCooperatively } from '../../delivery/cooperative';
import { PoolSql } from '../../db/sql';
import { ArticleService } from '../article/article.service';
import { breakingNewsCursor } from '../ticker/ticker.subscription';
import { TICKER_EVENTS, TickerEventKind } from '../ticker/ticker.events';
import { toGlobalId } from '../../shared/global-id';
import type { DevicePlatform } from './device.type';
import { collapseIdOf, DEVICE_MATCHES_EVENT, messageIdOf, notificationUrl, titleFor } from './push.rules';
import type { PushMessage, PushProvider } from './providers/message';
import type { WebPushSubscription } from './providers/web-push';

/** The ticker event kinds that notify (an update replaces the notification) and those that cancel what is pending. */
const NOTIFYING_KINDS = TICKER_EVENTS.kindsWhere((meaning) => !meaning.takesOffAir);
const CANCELLING_KINDS = TICKER_EVENTS.kindsWhere((meaning) => meaning.takesOffAir);

export interface PushProviders {
  WEB: PushProvider<WebPushSubscription>;
  ANDROID?: PushProvider<string>;
  IOS?: PushProvider<string>;
}

interface JobRow {
  id: string;
  platform: DevicePlatform | null;
  address: string | null;
  p256dh: string | null;
  auth: string | null;
  locale: string | null;
  ticker_id: number | null;
  headline: string | null;
  urgency: number | null;
  url: string | null;
  status: string | null;
  article_id: number | null;
  kind: TickerEventKind | null;
}

/**
 * Breaking news as push notifications, on the delivery engine: each ticker event becomes one job per matching device
 * (one statement), lane = the item, so an update replaces a pending notification and a kill cancels it.
 */
export function pushConsumer(db: DataSource, config: PushConfig & { publicUrl: string }, providers: PushProviders, logger: Logger): DeliveryConsumer {
  const platforms = (Object.keys(providers) as DevicePlatform[]).filter((platform) => providers[platform]);
  const articles = new ArticleService(PoolSql.of(db));
  return {
    name: 'push',
    topics: [TICKER_EVENTS.topic],
    plan: {
      // The events and their items first (OFFSET 0: a handful of rows), then the devices. Left to itself PostgreSQL put
      // the live items outside and looped over the events' devices once per item (100,000 devices and 9 live items:
      // 900,000 rows made and 800,000 thrown away, 0.2-0.3 s of a plan during which nothing is sent).
      jobs: {
        sql: `SELECT e.seq AS event_seq, d.id AS target, e.entity_id::text AS lane, e.not_after
              FROM (SELECT e.seq, e.entity_id, e.urgency, e.region_codes,
                           least(e.created_at + make_interval(secs => $5), t.expires_at) AS not_after
                    FROM events e JOIN ticker t ON t.id = e.entity_id AND t.status = 'LIVE'
                    WHERE e.kind = ANY($6) OFFSET 0) e
              JOIN push_device d ON ${DEVICE_MATCHES_EVENT} AND d.platform = ANY($7)`,
        params: [config.ttlSeconds, NOTIFYING_KINDS, platforms],
      },
      cancels: { sql: 'SELECT e.entity_id::text AS lane, e.seq AS before_seq FROM events e WHERE e.kind = ANY($5)', params: [CANCELLING_KINDS] },
    },
    collapse: true,
    retry: { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 8, maxRetryAfterMs: 3_600_000 },

    async deliver(jobs, report) {
      // Each device is probed by its key (LATERAL ... OFFSET 0): joined as a set, PostgreSQL hashed the whole push_device
      // table for every batch of 500 (30 ms at 40,000 devices, measured). A batch's items and events are a handful: read once.
      const rows: JobRow[] = await db.query(
        `WITH t AS MATERIALIZED (SELECT id, headline, urgency, url, status, article_id FROM ticker WHERE id = ANY($5::int[])),
              o AS MATERIALIZED (SELECT seq, kind FROM event_outbox WHERE seq = ANY($6::bigint[]))
         SELECT j.id, d.platform, d.address, d.p256dh, d.auth, d.locale, t.id AS ticker_id, t.headline, t.urgency, t.url, t.status,
                t.article_id, o.kind
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[]) AS j(id, target, seq, ticker)
         LEFT JOIN LATERAL (SELECT platform, address, p256dh, auth, locale FROM push_device WHERE id = j.target OFFSET 0) d ON true
         LEFT JOIN t ON t.id = j.ticker
         LEFT JOIN o ON o.seq = j.seq`,
        [jobs.map((j) => j.id), jobs.map((j) => j.target), jobs.map((j) => j.eventSeq), jobs.map((j) => Number(j.lane)),
          [...new Set(jobs.map((j) => Number(j.lane)))], [...new Set(jobs.map((j) => j.eventSeq))]]);
      const articleIds = [...new Set(rows.map((r) => r.article_id).filter((id): id is number => id !== null))];
      const slugs = new Map((await articles.byIds(articleIds, 'public')).filter((a) => a !== null).map((a) => [a!.dbId, a!.slug]));
      const byId = new Map(rows.map((row) => [Number(row.id), row]));
      // A batch is mostly one item's event: its devices share one message per language (and providers its payload).
      const messages = new Map<string, PushMessage>();
      await startCooperatively(jobs, async (job) => {
        const row = byId.get(job.id)!;
        report(job, await send(row, job, row.article_id === null ? null : slugs.get(row.article_id) ?? null, messages));
      });
    },

    async forget(targets) {
      await db.query('DELETE FROM push_device WHERE id = ANY($1)', [targets]);
      logger.info({ devices: targets.length }, 'removed devices their push service no longer knows');
    },
  };

  async function send(row: JobRow, job: ClaimedJob, articleSlug: string | null, messages: Map<string, PushMessage>): Promise<Outcome> {
    if (!row.platform || !row.address) return { state: 'cancelled', error: 'the device was unregistered' };
    if (row.status !== 'LIVE' || row.ticker_id === null) return { state: 'cancelled', error: 'the item is no longer on air' };
    const provider = providers[row.platform];
    if (!provider) return { state: 'failed', error: `${row.platform} notifications are not configured on this server` };
    const locale = row.locale ?? 'ar';
    const key = `${job.eventSeq}:${row.ticker_id}:${locale}:${job.notAfter?.getTime() ?? ''}`;
    let shared = messages.get(key);
    if (!shared) {
      shared = {
        collapseId: collapseIdOf(row.ticker_id),
        title: titleFor(locale, row.urgency!),
        body: row.headline!,
        url: notificationUrl(config.publicUrl, articleSlug, row.url),
        urgency: row.urgency!,
        kind: row.kind ?? 'PUSHED',
        cursor: breakingNewsCursor(job.eventSeq),
        tickerId: toGlobalId('Ticker', row.ticker_id),
        expiresAt: job.notAfter ?? new Date(Date.now() + config.ttlSeconds * 1000),
      };
      messages.set(key, shared);
    }
    // Only APNs sends a message id (a hash per job): the others share the message as it is.
    const message: PushMessage = row.platform === 'IOS' ? { ...shared, id: messageIdOf(job.id) } : shared;
    try {
      return row.platform === 'WEB'
        ? await providers.WEB.send({ endpoint: row.address, p256dh: row.p256dh!, auth: row.auth! }, message)
        : await provider.send(row.address as never, message);
    } catch (error) {
      logger.error({ err: error, job: job.id }, 'sending a notification failed unexpectedly');
      return { state: 'retry', error: (error as Error).message };
    }
  }
}
