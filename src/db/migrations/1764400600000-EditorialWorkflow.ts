import { MigrationInterface, QueryRunner } from 'typeorm';

/** Editorial workflow: retraction status, revision history, public corrections, and indexes for the scheduler and the editors' desk. */
export class EditorialWorkflow1764400600000 implements MigrationInterface {
  name = 'EditorialWorkflow1764400600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE article DROP CONSTRAINT article_status_check;
      ALTER TABLE article ADD CONSTRAINT article_status_check
        CHECK (status IN ('DRAFT', 'SCHEDULED', 'PUBLISHED', 'RETRACTED', 'ARCHIVED'));
      ALTER TABLE article DROP CONSTRAINT article_check;
      ALTER TABLE article ADD CONSTRAINT article_published_at_check
        CHECK (status NOT IN ('PUBLISHED', 'SCHEDULED', 'RETRACTED') OR published_at IS NOT NULL);
      CREATE INDEX article_scheduled_idx ON article (published_at, id) WHERE status = 'SCHEDULED';
      CREATE INDEX article_desk_idx ON article (updated_at DESC, id DESC);
      CREATE INDEX article_desk_status_idx ON article (status, updated_at DESC, id DESC);

      CREATE TABLE article_revision (
        article_id integer NOT NULL REFERENCES article (id) ON DELETE CASCADE,
        version integer NOT NULL,
        action text NOT NULL CHECK (action IN ('IMPORTED', 'CREATED', 'UPDATED', 'PUBLISHED', 'SCHEDULED', 'UNPUBLISHED',
                                               'ARCHIVED', 'CORRECTED', 'RETRACTED', 'RESTORED')),
        author_subject text,
        author_name text,
        changed_fields text[] NOT NULL DEFAULT '{}',
        snapshot jsonb NOT NULL CHECK (jsonb_typeof(snapshot) = 'object'),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (article_id, version)
      );

      CREATE TABLE article_correction (
        id serial PRIMARY KEY,
        article_id integer NOT NULL REFERENCES article (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('CORRECTION', 'RETRACTION')),
        note text NOT NULL CHECK (char_length(note) BETWEEN 1 AND 2000),
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX article_correction_article_idx ON article_correction (article_id, created_at DESC, id DESC);
      CREATE UNIQUE INDEX article_correction_one_retraction ON article_correction (article_id) WHERE kind = 'RETRACTION';
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE article_correction, article_revision;
      DROP INDEX article_scheduled_idx, article_desk_idx, article_desk_status_idx;
      UPDATE article SET status = 'ARCHIVED' WHERE status = 'RETRACTED';
      ALTER TABLE article DROP CONSTRAINT article_published_at_check;
      ALTER TABLE article ADD CONSTRAINT article_check CHECK (status NOT IN ('PUBLISHED', 'SCHEDULED') OR published_at IS NOT NULL);
      ALTER TABLE article DROP CONSTRAINT article_status_check;
      ALTER TABLE article ADD CONSTRAINT article_status_check CHECK (status IN ('DRAFT', 'SCHEDULED', 'PUBLISHED', 'ARCHIVED'));
    `);
  }
}
