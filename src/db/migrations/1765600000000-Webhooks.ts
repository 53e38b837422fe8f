import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed webhooks (docs/webhooks.md): the endpoints admins register, with their signing secret and, for a grace period
 * after a rotation, the previous one. Their deliveries are the delivery engine's jobs (consumer 'webhooks').
 */
export class Webhooks1765600000000 implements MigrationInterface {
  name = 'Webhooks1765600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        url text NOT NULL,
        topics text[] NOT NULL CHECK (cardinality(topics) > 0),
        description text,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_until timestamptz,
        paused boolean NOT NULL DEFAULT false,
        -- It hears the events committed after it was registered (a replay may not reach further back).
        starts_after bigint NOT NULL,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        secret_rotated_at timestamptz
      );
      CREATE INDEX webhook_paused_idx ON webhook (id) WHERE paused;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE webhook');
  }
}
