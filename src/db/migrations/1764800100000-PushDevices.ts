import { MigrationInterface, QueryRunner } from 'typeorm';

/** Readers' devices registered for breaking-news push notifications (Web Push, FCM, APNs). */
export class PushDevices1764800100000 implements MigrationInterface {
  name = 'PushDevices1764800100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE push_device (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        platform text NOT NULL CHECK (platform IN ('WEB', 'ANDROID', 'IOS')),
        -- FCM registration token or APNs device token; for WEB, the push service endpoint
        address text NOT NULL,
        p256dh text,
        auth text,
        region_codes text[] NOT NULL DEFAULT '{}',
        min_urgency smallint NOT NULL DEFAULT 3 CHECK (min_urgency BETWEEN 1 AND 3),
        locale text NOT NULL DEFAULT 'ar',
        secret_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT push_device_address_once UNIQUE (platform, address),
        CHECK ((platform = 'WEB') = (p256dh IS NOT NULL AND auth IS NOT NULL))
      );
      CREATE INDEX push_device_regions_idx ON push_device USING gin (region_codes);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE push_device');
  }
}
