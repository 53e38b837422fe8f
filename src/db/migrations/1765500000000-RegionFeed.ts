import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A place's feed by the place's own links, as a person's (PersonFeed): each article_region link carries its article's
 * feed position (`feed_at`: published_at while PUBLISHED, else null), kept by the same triggers, so a region's feed
 * reads the first links of each place inside it in feed order instead of gathering and sorting all of them (a region
 * holds a quarter of the archive).
 */
export class RegionFeed1765500000000 implements MigrationInterface {
  name = 'RegionFeed1765500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE article_region ADD COLUMN feed_at timestamptz;
      UPDATE article_region ar SET feed_at = a.published_at FROM article a WHERE a.id = ar.article_id AND a.status = 'PUBLISHED';
      CREATE INDEX article_region_feed_idx ON article_region (region_code, feed_at DESC, article_id DESC) WHERE feed_at IS NOT NULL;
      CREATE TRIGGER article_region_feed_at BEFORE INSERT ON article_region
        FOR EACH ROW EXECUTE FUNCTION public.khabar_link_feed_at();
      CREATE OR REPLACE FUNCTION public.khabar_article_feed_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE article_person SET feed_at = CASE WHEN NEW.status = 'PUBLISHED' THEN NEW.published_at END WHERE article_id = NEW.id;
        UPDATE article_region SET feed_at = CASE WHEN NEW.status = 'PUBLISHED' THEN NEW.published_at END WHERE article_id = NEW.id;
        RETURN NULL;
      END $$;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION public.khabar_article_feed_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE article_person SET feed_at = CASE WHEN NEW.status = 'PUBLISHED' THEN NEW.published_at END WHERE article_id = NEW.id;
        RETURN NULL;
      END $$;
      DROP TRIGGER article_region_feed_at ON article_region;
      ALTER TABLE article_region DROP COLUMN feed_at;
    `);
  }
}
