import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One story in several languages: the allow-list of languages (src/shared/languages.ts: ar, fr, en, zgh), and
 * translation groups. An article alone has no group; its first translation puts both in the group named by the
 * original's id. A translation records the article and the version it was made from (`source_id`, `source_version`).
 * A group holds one article per language.
 */
export class Translations1765200000000 implements MigrationInterface {
  name = 'Translations1765200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE article DROP CONSTRAINT article_lang_check;
      ALTER TABLE article ADD CONSTRAINT article_lang_check CHECK (lang IN ('ar', 'fr', 'en', 'zgh'));
      ALTER TABLE article
        ADD COLUMN translation_group integer REFERENCES article (id),
        ADD COLUMN source_id integer REFERENCES article (id),
        ADD COLUMN source_version integer,
        ADD CONSTRAINT article_source_check CHECK ((source_id IS NULL) = (source_version IS NULL)),
        ADD CONSTRAINT article_translation_check CHECK (source_id IS NULL OR translation_group IS NOT NULL);
      CREATE UNIQUE INDEX article_translation_lang_idx ON article (translation_group, lang) WHERE translation_group IS NOT NULL;
      CREATE INDEX article_source_idx ON article (source_id) WHERE source_id IS NOT NULL;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE article DROP COLUMN translation_group, DROP COLUMN source_id, DROP COLUMN source_version;
      ALTER TABLE article DROP CONSTRAINT article_lang_check;
      ALTER TABLE article ADD CONSTRAINT article_lang_check CHECK (lang IN ('ar', 'fr'));
    `);
  }
}
