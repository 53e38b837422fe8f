import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live coverage: an article's live blog (started, ended, when it was last posted to), its entries (soft-deleted, so a
 * replayed DELETED event still names them), their public corrections, and `live` events in the outbox, which name the
 * article as their entity and the entry as their item.
 */
export class LiveCoverage1765000000000 implements MigrationInterface {
  name = 'LiveCoverage1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE live_coverage (
        article_id integer PRIMARY KEY REFERENCES article (id) ON DELETE CASCADE,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        -- Posting moves it; coverage nobody posted to for LIVE_COVERAGE_IDLE_HOURS ends by itself.
        last_posted_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX live_coverage_idle_idx ON live_coverage (last_posted_at) WHERE ended_at IS NULL;
      CREATE TABLE live_entry (
        id serial PRIMARY KEY,
        article_id integer NOT NULL REFERENCES live_coverage (article_id) ON DELETE CASCADE,
        title text,
        body jsonb NOT NULL,
        is_key_event boolean NOT NULL DEFAULT false,
        is_pinned boolean NOT NULL DEFAULT false,
        author_subject text,
        author_name text,
        version integer NOT NULL DEFAULT 1,
        posted_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      );
      -- The entries page: pinned first, then newest first, keyset on (is_pinned, posted_at, id).
      CREATE INDEX live_entry_page_idx ON live_entry (article_id, is_pinned DESC, posted_at DESC, id DESC) WHERE deleted_at IS NULL;
      CREATE UNIQUE INDEX live_entry_one_pinned_idx ON live_entry (article_id) WHERE is_pinned AND deleted_at IS NULL;
      CREATE TABLE live_entry_correction (
        id serial PRIMARY KEY,
        entry_id integer NOT NULL REFERENCES live_entry (id) ON DELETE CASCADE,
        note text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX live_entry_correction_entry_idx ON live_entry_correction (entry_id);
      ALTER TABLE event_outbox ADD COLUMN item_id integer;
    `);
    await db.query(`ALTER TABLE event_outbox DROP CONSTRAINT event_outbox_topic_check,
      ADD CONSTRAINT event_outbox_topic_check CHECK (topic IN ('ticker', 'article', 'person', 'category', 'region', 'image', 'live'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM event_outbox WHERE topic = 'live'`);
    await db.query(`ALTER TABLE event_outbox DROP CONSTRAINT event_outbox_topic_check,
      ADD CONSTRAINT event_outbox_topic_check CHECK (topic IN ('ticker', 'article', 'person', 'category', 'region', 'image'))`);
    await db.query('ALTER TABLE event_outbox DROP COLUMN item_id; DROP TABLE live_entry_correction; DROP TABLE live_entry; DROP TABLE live_coverage');
  }
}
