import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { Viewer } from '../../auth/viewer';
import type { Sql } from '../../db/sql';
import { Delivery, replayJobs, startDelivery } from '../../delivery/engine';
import { badInput, notFound } from '../../shared/errors';
import { numericIdOf, toGlobalId } from '../../shared/global-id';
import { decodeCursor, encodeCursor, pageOf, sliceOf } from '../../shared/relay';
import { WEBHOOK_CONSUMER, webhookConsumer } from './webhook.consumer';
import { sequenceOfCursor, webhookCursor } from './webhook.cursor';
import type { CreateWebhookInput } from './webhook.inputs';
import { eventTypeOf, messageIdOf, newSecret, topicOf, WebhookTopic } from './webhook.rules';
import { checkTargetUrl } from './webhook.target';
import { WebhookDeliveryConnection, WebhookDeliveryState, WebhookDeliveryType, WebhookType, WebhookWithSecret } from './webhook.type';

/** What webhooks offer the API on this instance (admins only: the resolvers say so). */
export interface WebhookService {
  create(input: CreateWebhookInput, viewer: Viewer): Promise<WebhookWithSecret>;
  /** Reads go through `sql`, the request's counted reads. */
  list(sql: Sql): Promise<WebhookType[]>;
  rotateSecret(id: string): Promise<WebhookWithSecret>;
  setPaused(id: string, paused: boolean): Promise<WebhookType>;
  remove(id: string): Promise<boolean>;
  deliveries(sql: Sql, id: string, first: number | undefined, after: string | undefined, state: WebhookDeliveryState | undefined): Promise<WebhookDeliveryConnection>;
  redeliver(id: string, after: string): Promise<number>;
  /** Plans new events now (the feed calls it as events commit). */
  delivery: Delivery;
}

export interface RunningWebhooks {
  service: WebhookService;
  stop(): Promise<void>;
}

interface WebhookRow {
  id: number;
  url: string;
  topics: string[];
  description: string | null;
  paused: boolean;
  created_at: Date;
  secret_rotated_at: Date | null;
  previous_secret_until: Date | null;
  pending?: number;
  dead_letters?: number;
}

/** The columns a Webhook is read with, and its two counts (one probe each of the jobs' lane index). */
const WEBHOOK_COLUMNS = `w.id, w.url, w.topics, w.description, w.paused, w.created_at, w.secret_rotated_at,
  CASE WHEN w.previous_secret_until > now() THEN w.previous_secret_until END AS previous_secret_until,
  (SELECT count(*)::int FROM delivery_job j WHERE j.consumer = '${WEBHOOK_CONSUMER}' AND j.lane = w.id::text AND j.state = 'queued') AS pending,
  (SELECT count(*)::int FROM delivery_job j WHERE j.consumer = '${WEBHOOK_CONSUMER}' AND j.lane = w.id::text AND j.state = 'failed') AS dead_letters`;

function toWebhook(row: WebhookRow): WebhookType {
  return Object.assign(new WebhookType(), {
    id: toGlobalId('Webhook', row.id),
    url: row.url,
    topics: row.topics.map((topic) => topic.toUpperCase() as WebhookTopic),
    description: row.description,
    paused: row.paused,
    createdAt: row.created_at,
    secretRotatedAt: row.secret_rotated_at,
    previousSecretValidUntil: row.previous_secret_until,
    pending: row.pending ?? 0,
    deadLetters: row.dead_letters ?? 0,
  });
}

const DELIVERY_CURSOR_KIND = 'webhookDelivery';

/** TypeORM answers an UPDATE or DELETE with [rows, count]: the rows it returned. */
async function changed(db: Pick<DataSource, 'query'>, sql: string, params: unknown[]): Promise<{ id: number }[]> {
  const [rows]: [{ id: number }[], number] = await db.query(sql, params);
  return rows;
}

/** Starts webhooks on this instance: the webhook consumer on the delivery engine, and what the API asks of them. */
export async function startWebhooks(db: DataSource, config: Config, logger: Logger): Promise<RunningWebhooks> {
  const settings = config.webhooks;
  const log = logger.child({ part: 'webhooks' });
  const consumer = webhookConsumer(db, settings, config.publicUrl, log);
  const delivery = await startDelivery(db, consumer, log, {
    leaseMs: settings.leaseMs,
    pollMs: settings.pollMs,
    retentionHours: settings.retentionHours,
    batchSize: 500,
    maxInFlight: settings.concurrency,
    eventsPerPlan: 50,
  });
  const rules = { allowPrivate: settings.allowPrivateTargets };

  const byId = async (id: string, sql: Sql = db): Promise<WebhookRow> => {
    const [row] = await sql.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhook w WHERE w.id = $1`, [numericIdOf('Webhook', id)]);
    if (!row) throw notFound('There is no webhook with this id.');
    return row;
  };

  const service: WebhookService = {
    delivery,

    async create(input, viewer) {
      const url = await checkTargetUrl(input.url, rules);
      const topics = [...new Set(input.topics)].map(topicOf);
      if (topics.length === 0) throw badInput('Name at least one topic.', 'topics');
      const description = input.description?.trim() || null;
      const secret = newSecret();
      const [row] = await db.query(
        `INSERT INTO webhook (url, topics, description, secret, created_by, starts_after)
         VALUES ($1, $2, $3, $4, $5, (SELECT coalesce(max(seq), 0) FROM event_outbox))
         RETURNING id, url, topics, description, paused, created_at, secret_rotated_at, NULL::timestamptz AS previous_secret_until`,
        [url, topics, description, secret, viewer.subject]);
      log.info({ webhook: row.id, topics }, 'webhook registered');
      return Object.assign(new WebhookWithSecret(), { webhook: toWebhook(row), secret });
    },

    async list(sql) {
      const rows = await sql.query<WebhookRow>(`SELECT ${WEBHOOK_COLUMNS} FROM webhook w ORDER BY w.id`);
      return rows.map(toWebhook);
    },

    async rotateSecret(id) {
      const secret = newSecret();
      const [row] = await changed(db,
        `UPDATE webhook SET previous_secret = secret, previous_secret_until = now() + make_interval(hours => $3),
                secret = $2, secret_rotated_at = now()
         WHERE id = $1 RETURNING id`, [numericIdOf('Webhook', id), secret, settings.secretGraceHours]);
      if (!row) throw notFound('There is no webhook with this id.');
      return Object.assign(new WebhookWithSecret(), { webhook: toWebhook(await byId(id)), secret });
    },

    async setPaused(id, paused) {
      const [row] = await changed(db, 'UPDATE webhook SET paused = $2 WHERE id = $1 RETURNING id', [numericIdOf('Webhook', id), paused]);
      if (!row) throw notFound('There is no webhook with this id.');
      if (!paused) delivery.wake();
      return toWebhook(await byId(id));
    },

    async remove(id) {
      const key = numericIdOf('Webhook', id);
      return db.transaction(async (tx) => {
        const [row] = await changed(tx, 'DELETE FROM webhook WHERE id = $1 RETURNING id', [key]);
        if (!row) throw notFound('There is no webhook with this id.');
        // What was still waiting goes nowhere now; a job in flight finds no webhook and is cancelled too.
        await tx.query(
          `UPDATE delivery_job SET state = 'cancelled', finished_at = now(), last_error = 'the webhook was deleted'
           WHERE consumer = $1 AND lane = $2 AND state = 'queued' AND (lease_token IS NULL OR next_attempt_at <= now())`,
          [WEBHOOK_CONSUMER, String(key)]);
        return true;
      });
    },

    async deliveries(sql, id, first, after, state) {
      const webhook = await byId(id, sql);
      const slice = sliceOf({ first, after }, (cursor, field) => decodeCursor(DELIVERY_CURSOR_KIND, cursor, field, ['number'])[0] as number);
      const rows: { event_seq: string; state: string; attempts: number; last_status: number | null; last_error: string | null;
        next_attempt_at: Date; created_at: Date; finished_at: Date | null; topic: string | null; kind: string | null }[] = await sql.query(
        `SELECT j.event_seq, j.state, j.attempts, j.last_status, j.last_error, j.next_attempt_at, j.created_at, j.finished_at, o.topic, o.kind
         FROM delivery_job j LEFT JOIN event_outbox o ON o.seq = j.event_seq
         WHERE j.consumer = $1 AND j.lane = $2::text AND ($3::bigint IS NULL OR j.event_seq < $3) AND ($4::text IS NULL OR j.state = $4)
         ORDER BY j.event_seq DESC LIMIT $5`,
        [WEBHOOK_CONSUMER, String(webhook.id), slice.cursor, state ? state.toLowerCase() : null, slice.limit + 1]);
      const page = pageOf(rows, slice, (row) => Object.assign(new WebhookDeliveryType(), {
        id: messageIdOf(webhook.id, Number(row.event_seq)),
        cursor: webhookCursor(Number(row.event_seq)),
        type: row.topic && row.kind ? eventTypeOf(row.topic, row.kind) : null,
        state: row.state.toUpperCase() as WebhookDeliveryState,
        attempts: row.attempts,
        lastStatus: row.last_status,
        lastError: row.last_error,
        nextAttemptAt: row.state === 'queued' ? row.next_attempt_at : null,
        createdAt: row.created_at,
        finishedAt: row.finished_at,
      }), (row) => encodeCursor(DELIVERY_CURSOR_KIND, [Number(row.event_seq)]));
      return Object.assign(new WebhookDeliveryConnection(), page);
    },

    async redeliver(id, after) {
      const webhook = await byId(id);
      const seq = sequenceOfCursor(after, 'after');
      // As for subscriptions: the cursor names an event the outbox still keeps, so nothing between it and now is missing.
      const [check] = await db.query(
        'SELECT (SELECT topic FROM event_outbox WHERE seq = $1) AS topic, (SELECT min(seq) FROM event_outbox) AS oldest', [seq]);
      if (check.topic === null) {
        if (check.oldest === null || seq < Number(check.oldest)) {
          throw badInput(`This cursor is older than the ${config.live.retentionHours} hours of events Khabar keeps.`, 'after', { reason: 'CURSOR_EXPIRED' });
        }
        throw badInput('This cursor names no event.', 'after');
      }
      const queued = await replayJobs(db, consumer, webhook.id, seq);
      log.info({ webhook: webhook.id, after: seq, queued }, 'webhook replay');
      delivery.wake();
      return queued;
    },
  };

  return {
    service,
    async stop() {
      await delivery.stop();
      consumer.close();
    },
  };
}
