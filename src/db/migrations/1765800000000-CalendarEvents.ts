import { MigrationInterface, QueryRunner } from 'typeorm';

/** `calendar` events in the outbox: an announced Hijri month start recorded or forgotten purges cached date lines. */
export class CalendarEvents1765800000000 implements MigrationInterface {
  name = 'CalendarEvents1765800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE event_outbox DROP CONSTRAINT event_outbox_topic_check,
      ADD CONSTRAINT event_outbox_topic_check CHECK (topic IN ('ticker', 'article', 'person', 'category', 'region', 'image', 'live', 'calendar'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM event_outbox WHERE topic = 'calendar'`);
    await db.query(`ALTER TABLE event_outbox DROP CONSTRAINT event_outbox_topic_check,
      ADD CONSTRAINT event_outbox_topic_check CHECK (topic IN ('ticker', 'article', 'person', 'category', 'region', 'image', 'live'))`);
  }
}
