import { MigrationInterface, QueryRunner } from 'typeorm';

/** Changes of people, sections and places go through the outbox too, so every instance purges the cached pages showing them. */
export class ReferenceEvents1764700000000 implements MigrationInterface {
  name = 'ReferenceEvents1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE event_outbox DROP CONSTRAINT event_outbox_topic_check,
      ADD CONSTRAINT event_outbox_topic_check CHECK (topic IN ('ticker', 'article', 'person', 'category', 'region'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM event_outbox WHERE topic NOT IN ('ticker', 'article')`);
    await db.query(`ALTER TABLE event_outbox DROP CONSTRAINT event_outbox_topic_check,
      ADD CONSTRAINT event_outbox_topic_check CHECK (topic IN ('ticker', 'article'))`);
  }
}
