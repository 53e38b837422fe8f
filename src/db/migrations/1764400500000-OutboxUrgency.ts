import { MigrationInterface, QueryRunner } from 'typeorm';

/** Breaking-news events remember the item's urgency, so live delivery and replay filter `minUrgency` alike. */
export class OutboxUrgency1764400500000 implements MigrationInterface {
  name = 'OutboxUrgency1764400500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE event_outbox ADD COLUMN urgency smallint CHECK (urgency BETWEEN 1 AND 3)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE event_outbox DROP COLUMN urgency');
  }
}
