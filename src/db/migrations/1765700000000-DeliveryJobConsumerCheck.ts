import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * delivery_job.consumer no longer references outbox_consumer: the foreign key checked each planned job against the
 * consumer's row, one trigger call per row (100,000 devices: 0.4-0.7 s of a 1.5-2.8 s plan, EXPLAIN ANALYZE on
 * PostgreSQL 18), while the engine registers its consumer before it plans anything and nothing deletes consumers.
 */
export class DeliveryJobConsumerCheck1765700000000 implements MigrationInterface {
  name = 'DeliveryJobConsumerCheck1765700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE delivery_job DROP CONSTRAINT IF EXISTS delivery_job_consumer_fkey');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE delivery_job ADD CONSTRAINT delivery_job_consumer_fkey FOREIGN KEY (consumer) REFERENCES outbox_consumer (name)');
  }
}
