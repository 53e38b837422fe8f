import http from 'node:http';
import https from 'node:https';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { WebhookConfig } from '../../config';
import { startCooperatively } from '../../delivery/cooperative';
import type { ClaimedJob, DeliveryConsumer, Outcome } from '../../delivery/jobs';
import { parseRetryAfter } from '../../delivery/retry';
import { toGlobalId } from '../../shared/global-id';
import { sitePaths, siteUrl } from '../../shared/site-paths';
import { eventTypeOf, messageIdOf, signatureHeader, WEBHOOK_CATALOGUES } from './webhook.rules';
import { postWebhook, RefusedTarget } from './webhook.target';
import { webhookCursor } from './webhook.cursor';

export const WEBHOOK_CONSUMER = 'webhooks';

interface JobRow {
  id: string;
  webhook_id: number | null;
  url: string | null;
  secret: string | null;
  previous_secret: string | null;
  seq: string | null;
  topic: string | null;
  kind: string | null;
  entity_id: number | null;
  item_id: number | null;
  region_codes: string[] | null;
  urgency: number | null;
  created_at: Date | null;
  slug: string | null;
  title: string | null;
  lang: string | null;
  article_status: string | null;
  headline: string | null;
  ticker_url: string | null;
  ticker_article_id: number | null;
}

/** Article states whose page is public: their title and address go in the payload. */
const PUBLIC_ARTICLE = ['PUBLISHED', 'RETRACTED'];

/**
 * Webhooks on the delivery engine: one job per event and endpoint (one statement per batch of events), lane = the
 * endpoint, so each endpoint gets its events one at a time in outbox order; a paused endpoint's jobs are held.
 */
export function webhookConsumer(db: DataSource, config: WebhookConfig, publicUrl: string, logger: Logger): DeliveryConsumer & { close(): void } {
  const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };
  const sending = new Set<AbortController>();
  return {
    name: WEBHOOK_CONSUMER,
    topics: WEBHOOK_CATALOGUES.map((catalogue) => catalogue.topic),
    plan: {
      jobs: {
        sql: `SELECT e.seq AS event_seq, w.id AS target, w.id::text AS lane, NULL::timestamptz AS not_after
              FROM events e JOIN webhook w ON e.topic = ANY(w.topics) AND e.seq > w.starts_after`,
      },
    },
    collapse: false,
    retry: config.retry,
    held: 'SELECT id FROM webhook WHERE paused',

    async deliver(jobs, report) {
      const rows: JobRow[] = await db.query(
        `SELECT j.id, w.id AS webhook_id, w.url, w.secret,
                CASE WHEN w.previous_secret_until > now() THEN w.previous_secret END AS previous_secret,
                o.seq, o.topic, o.kind, o.entity_id, o.item_id, o.region_codes, o.urgency, o.created_at,
                a.slug, a.title, a.lang, a.status AS article_status, t.headline, t.url AS ticker_url, t.article_id AS ticker_article_id
         FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS j(id, target, seq)
         LEFT JOIN webhook w ON w.id = j.target
         LEFT JOIN event_outbox o ON o.seq = j.seq
         LEFT JOIN article a ON o.topic IN ('article', 'live') AND a.id = o.entity_id
         LEFT JOIN ticker t ON o.topic = 'ticker' AND t.id = o.entity_id`,
        [jobs.map((j) => j.id), jobs.map((j) => j.target), jobs.map((j) => j.eventSeq)]);
      const byId = new Map(rows.map((row) => [Number(row.id), row]));
      await startCooperatively(jobs, async (job) => {
        report(job, await send(byId.get(job.id)!, job));
      });
    },

    close() {
      for (const controller of sending) controller.abort();
      agents.http.destroy();
      agents.https.destroy();
    },
  };

  async function send(row: JobRow, job: ClaimedJob): Promise<Outcome> {
    if (row.webhook_id === null || !row.url || !row.secret) return { state: 'cancelled', error: 'the webhook was deleted' };
    if (row.seq === null || !row.topic || !row.kind) return { state: 'cancelled', error: 'the event left the outbox before it was sent' };
    const id = messageIdOf(row.webhook_id, job.eventSeq);
    const body = JSON.stringify(payloadOf(row, job.eventSeq, publicUrl));
    const timestamp = Math.floor(Date.now() / 1000);
    const secrets = row.previous_secret ? [row.secret, row.previous_secret] : [row.secret];
    const controller = new AbortController();
    sending.add(controller);
    try {
      const response = await postWebhook(row.url, {
        'content-type': 'application/json',
        'user-agent': 'Khabar-Webhooks/1',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, id, timestamp, body),
      }, body, {
        timeoutMs: config.timeoutMs,
        maxResponseBytes: config.maxResponseBytes,
        allowPrivate: config.allowPrivateTargets,
        signal: controller.signal,
        agent: row.url.startsWith('https:') ? agents.https : agents.http,
      });
      if (response.status >= 200 && response.status < 300) return { state: 'sent', status: response.status };
      if (response.status >= 300 && response.status < 400) {
        return { state: 'retry', status: response.status, error: `HTTP ${response.status}: redirects are not followed (to ${response.location ?? 'nowhere'})` };
      }
      return {
        state: 'retry', status: response.status, error: `HTTP ${response.status}`,
        retryAfterMs: parseRetryAfter(response.retryAfter),
      };
    } catch (error) {
      if (!(error instanceof RefusedTarget)) logger.debug({ err: error, job: job.id }, 'a webhook delivery failed');
      return { state: 'retry', error: `${error instanceof RefusedTarget ? 'refused: ' : ''}${(error as Error).message}` };
    } finally {
      sending.delete(controller);
    }
  }
}

/**
 * A delivery's JSON, as Standard Webhooks suggests (`type`, `timestamp`, `data`): the outbox event, with what it is
 * about as it stands when sent (an article's address and title only while its page is public).
 */
export function payloadOf(row: JobRow, seq: number, publicUrl: string) {
  const data: Record<string, unknown> = {
    cursor: webhookCursor(seq),
    topic: row.topic,
    kind: row.kind,
    occurredAt: row.created_at!.toISOString(),
    regionCodes: row.region_codes ?? [],
  };
  if (row.topic === 'ticker') {
    Object.assign(data, {
      tickerId: toGlobalId('Ticker', row.entity_id!),
      urgency: row.urgency,
      ...(row.headline !== null ? { headline: row.headline } : {}),
      ...(row.ticker_article_id !== null ? { articleId: toGlobalId('Article', row.ticker_article_id) } : {}),
      ...(row.ticker_url ? { url: row.ticker_url } : {}),
    });
  } else {
    Object.assign(data, {
      articleId: toGlobalId('Article', row.entity_id!),
      ...(row.item_id !== null ? { entryId: toGlobalId('LiveEntry', row.item_id) } : {}),
      ...(row.slug !== null && PUBLIC_ARTICLE.includes(row.article_status ?? '') ? {
        url: siteUrl(publicUrl, sitePaths.article(row.slug)), title: row.title, lang: row.lang,
      } : {}),
    });
  }
  return { type: eventTypeOf(row.topic!, row.kind!), timestamp: row.created_at!.toISOString(), data };
}
