import { MigrationInterface, QueryRunner } from 'typeorm';

/** Transactional outbox of the events live clients hear about (breaking news, articles going public). */
export class EventOutbox1764400100000 implements MigrationInterface {
  name = 'EventOutbox1764400100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE SEQUENCE event_outbox_seq AS bigint;
      CREATE TABLE event_outbox (
        seq bigint PRIMARY KEY,
        topic text NOT NULL CHECK (topic IN ('ticker', 'article')),
        kind text NOT NULL,
        entity_id integer NOT NULL,
        region_codes text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX event_outbox_topic_idx ON event_outbox (topic, seq);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE event_outbox; DROP SEQUENCE event_outbox_seq');
  }
}
