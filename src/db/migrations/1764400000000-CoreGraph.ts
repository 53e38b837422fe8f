import { MigrationInterface, QueryRunner } from 'typeorm';
import regions from '../data/regions-ma.json';

/** Core news graph: regions (reference data), people, categories, articles and breaking-news tickers. */
export class CoreGraph1764400000000 implements MigrationInterface {
  name = 'CoreGraph1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE region (
        code text PRIMARY KEY CHECK (code ~ '^MA-[0-9A-Z]{2,3}$'),
        level text NOT NULL CHECK (level IN ('region', 'prefecture', 'province')),
        parent_code text REFERENCES region (code),
        path text[] NOT NULL,
        number smallint,
        name_ar text NOT NULL,
        full_name_ar text NOT NULL,
        name_fr text NOT NULL,
        full_name_fr text NOT NULL,
        capital_ar text,
        capital_fr text,
        alt_names_ar text[] NOT NULL DEFAULT '{}',
        slug text NOT NULL UNIQUE
      );
      CREATE INDEX region_parent_idx ON region (parent_code);
      CREATE INDEX region_path_idx ON region USING gin (path);

      CREATE TABLE person (
        id serial PRIMARY KEY,
        slug text NOT NULL UNIQUE,
        name_ar text NOT NULL,
        name_latin text,
        aliases text[] NOT NULL DEFAULT '{}',
        role_ar text,
        role_fr text,
        bio text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE category (
        id serial PRIMARY KEY,
        slug text NOT NULL UNIQUE,
        name_ar text NOT NULL,
        name_fr text NOT NULL
      );

      CREATE TABLE article (
        id serial PRIMARY KEY,
        slug text NOT NULL UNIQUE,
        title text NOT NULL,
        kicker text,
        summary text,
        body jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(body) = 'array'),
        lang text NOT NULL CHECK (lang IN ('ar', 'fr')),
        status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'SCHEDULED', 'PUBLISHED', 'ARCHIVED')),
        published_at timestamptz,
        has_video boolean NOT NULL DEFAULT false,
        category_id integer REFERENCES category (id),
        tags text[] NOT NULL DEFAULT '{}',
        editor_note text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (status NOT IN ('PUBLISHED', 'SCHEDULED') OR published_at IS NOT NULL)
      );
      CREATE INDEX article_feed_idx ON article (published_at DESC, id DESC) WHERE status = 'PUBLISHED';
      CREATE INDEX article_category_idx ON article (category_id, published_at DESC, id DESC) WHERE status = 'PUBLISHED';
      CREATE INDEX article_tags_idx ON article USING gin (tags);

      CREATE TABLE article_person (
        article_id integer NOT NULL REFERENCES article (id) ON DELETE CASCADE,
        person_id integer NOT NULL REFERENCES person (id),
        position smallint NOT NULL,
        PRIMARY KEY (article_id, person_id)
      );
      CREATE INDEX article_person_person_idx ON article_person (person_id, article_id);

      CREATE TABLE article_region (
        article_id integer NOT NULL REFERENCES article (id) ON DELETE CASCADE,
        region_code text NOT NULL REFERENCES region (code),
        position smallint NOT NULL,
        PRIMARY KEY (article_id, region_code)
      );
      CREATE INDEX article_region_region_idx ON article_region (region_code, article_id);

      CREATE TABLE ticker (
        id serial PRIMARY KEY,
        headline text NOT NULL CHECK (char_length(headline) BETWEEN 5 AND 140),
        urgency smallint NOT NULL CHECK (urgency BETWEEN 1 AND 3),
        article_id integer REFERENCES article (id),
        url text,
        region_code text REFERENCES region (code),
        status text NOT NULL DEFAULT 'LIVE' CHECK (status IN ('LIVE', 'KILLED')),
        published_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (expires_at > published_at AND expires_at <= published_at + interval '48 hours')
      );
      CREATE INDEX ticker_live_idx ON ticker (urgency, published_at DESC, id DESC) WHERE status = 'LIVE';
    `);
    const byCode = new Map(regions.map((r) => [r.code, r]));
    const pathOf = (code: string): string[] => {
      const parent = byCode.get(code)?.parentCode;
      return parent ? [...pathOf(parent), code] : [code];
    };
    for (const r of regions) {
      await db.query(
        `INSERT INTO region (code, level, parent_code, path, number, name_ar, full_name_ar, name_fr, full_name_fr,
                             capital_ar, capital_fr, alt_names_ar, slug)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [r.code, r.level, r.parentCode, pathOf(r.code), r.number ?? null, r.nameAr, r.fullNameAr, r.nameFr, r.fullNameFr,
          r.capitalAr ?? null, r.capitalFr ?? null, r.altNamesAr ?? [], r.slug],
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE ticker, article_region, article_person, article, category, person, region');
  }
}
