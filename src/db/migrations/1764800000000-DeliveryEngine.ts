import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Durable readers of the outbox (each with its position, advanced in the transaction that plans its jobs) and the
 * delivery engine's jobs (push today; webhooks and CDN purges on the same table): see docs/delivery.md.
 */
export class DeliveryEngine1764800000000 implements MigrationInterface {
  name = 'DeliveryEngine1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE outbox_consumer (
        name text PRIMARY KEY,
        topics text[] NOT NULL,
        position bigint NOT NULL,
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        lost_events bigint NOT NULL DEFAULT 0
      );
      CREATE TABLE delivery_job (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        consumer text NOT NULL REFERENCES outbox_consumer (name),
        event_seq bigint NOT NULL,
        target bigint NOT NULL,
        lane text,
        state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'cancelled', 'expired')),
        attempts smallint NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        not_after timestamptz,
        lease_token uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        last_status smallint,
        last_error text,
        CONSTRAINT delivery_job_once UNIQUE (consumer, event_seq, target)
      );
      CREATE INDEX delivery_job_due_idx ON delivery_job (consumer, next_attempt_at, id) WHERE state = 'queued';
      CREATE INDEX delivery_job_lane_order_idx ON delivery_job (consumer, target, lane, event_seq) WHERE state = 'queued' AND lane IS NOT NULL;
      CREATE INDEX delivery_job_lane_idx ON delivery_job (consumer, lane, state);
      CREATE INDEX delivery_job_finished_idx ON delivery_job (finished_at) WHERE state <> 'queued';
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE delivery_job; DROP TABLE outbox_consumer');
  }
}
