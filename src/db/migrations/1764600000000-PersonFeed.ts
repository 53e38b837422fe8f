import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's articles page by the person's own links: each link carries its article's feed position (`feed_at`:
 * published_at while PUBLISHED, else null), kept by triggers, so `Person.articles` reads the first links of a
 * person in feed order instead of fetching and sorting all of them (hundreds for a minister).
 */
export class PersonFeed1764600000000 implements MigrationInterface {
  name = 'PersonFeed1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE article_person ADD COLUMN feed_at timestamptz;
      UPDATE article_person ap SET feed_at = a.published_at FROM article a WHERE a.id = ap.article_id AND a.status = 'PUBLISHED';
      CREATE INDEX article_person_feed_idx ON article_person (person_id, feed_at DESC, article_id DESC) WHERE feed_at IS NOT NULL;

      CREATE FUNCTION public.khabar_link_feed_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        SELECT CASE WHEN a.status = 'PUBLISHED' THEN a.published_at END INTO NEW.feed_at FROM article a WHERE a.id = NEW.article_id;
        RETURN NEW;
      END $$;
      CREATE TRIGGER article_person_feed_at BEFORE INSERT ON article_person
        FOR EACH ROW EXECUTE FUNCTION public.khabar_link_feed_at();

      CREATE FUNCTION public.khabar_article_feed_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE article_person SET feed_at = CASE WHEN NEW.status = 'PUBLISHED' THEN NEW.published_at END WHERE article_id = NEW.id;
        RETURN NULL;
      END $$;
      CREATE TRIGGER article_feed_at AFTER UPDATE OF status, published_at ON article
        FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at)
        EXECUTE FUNCTION public.khabar_article_feed_at();
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TRIGGER article_feed_at ON article;
      DROP TRIGGER article_person_feed_at ON article_person;
      DROP FUNCTION public.khabar_article_feed_at, public.khabar_link_feed_at;
      ALTER TABLE article_person DROP COLUMN feed_at;
    `);
  }
}
