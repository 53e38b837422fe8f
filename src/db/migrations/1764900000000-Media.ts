import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pictures: one row per uploaded image (its stored original, what placeholders need, its words and rights), the
 * lead image of articles and the portrait of people, and `image` events in the outbox (renditions and caches purge).
 */
export class Media1764900000000 implements MigrationInterface {
  name = 'Media1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE image (
        id serial PRIMARY KEY,
        original_key text NOT NULL,
        original_hash text NOT NULL,
        original_type text NOT NULL CHECK (original_type IN ('image/jpeg', 'image/png')),
        original_bytes integer NOT NULL,
        source_format text NOT NULL,
        animated boolean NOT NULL DEFAULT false,
        width integer NOT NULL CHECK (width > 0),
        height integer NOT NULL CHECK (height > 0),
        alt jsonb NOT NULL CHECK (jsonb_typeof(alt) = 'object' AND alt <> '{}'),
        caption text,
        credit text,
        source text,
        copyright text,
        focal_x real NOT NULL DEFAULT 0.5 CHECK (focal_x BETWEEN 0 AND 1),
        focal_y real NOT NULL DEFAULT 0.5 CHECK (focal_y BETWEEN 0 AND 1),
        crops jsonb NOT NULL DEFAULT '{}',
        blurhash text NOT NULL,
        dominant_color text NOT NULL,
        rights_expire_at timestamptz,
        -- Set once, by the instance whose scheduler took the image out when its rights expired.
        rights_expired_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX image_rights_due_idx ON image (rights_expire_at) WHERE rights_expire_at IS NOT NULL AND rights_expired_at IS NULL;
      ALTER TABLE article ADD COLUMN lead_image_id integer REFERENCES image (id);
      CREATE INDEX article_lead_image_idx ON article (lead_image_id) WHERE lead_image_id IS NOT NULL;
      ALTER TABLE person ADD COLUMN portrait_id integer REFERENCES image (id);
      CREATE INDEX person_portrait_idx ON person (portrait_id) WHERE portrait_id IS NOT NULL;
      -- Which articles show an image in their body (IMAGE blocks, embed posters): deleteImage and purges ask.
      CREATE INDEX article_body_images_idx ON article USING gin (body jsonb_path_ops);
    `);
    await db.query(`ALTER TABLE event_outbox DROP CONSTRAINT event_outbox_topic_check,
      ADD CONSTRAINT event_outbox_topic_check CHECK (topic IN ('ticker', 'article', 'person', 'category', 'region', 'image'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM event_outbox WHERE topic = 'image'`);
    await db.query(`ALTER TABLE event_outbox DROP CONSTRAINT event_outbox_topic_check,
      ADD CONSTRAINT event_outbox_topic_check CHECK (topic IN ('ticker', 'article', 'person', 'category', 'region'))`);
    await db.query(`DROP INDEX article_body_images_idx; ALTER TABLE person DROP COLUMN portrait_id;
      ALTER TABLE article DROP COLUMN lead_image_id; DROP TABLE image`);
  }
}
