import { MigrationInterface, QueryRunner } from 'typeorm';
import regions from '../data/regions-ma.json';

/**
 * Names in either script. Places get editor-maintained `aliases` (other spellings, in any script: "Kenitra", "قنيطرة"),
 * seeded from regions-ma.json, and a `search_vector` over all their names, as people have. Search expands a query word
 * that names a person or a place into every name of theirs (`khabar_expanded_tsquery`), so "Hayar" finds عواطف حيار and
 * "Kenitra" القنيطرة. See src/modules/search/README.md.
 */
export class CrossScriptNames1765300000000 implements MigrationInterface {
  name = 'CrossScriptNames1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE region ADD COLUMN aliases text[] NOT NULL DEFAULT '{}'`);
    for (const r of regions as { code: string; aliases?: string[] }[]) {
      if (r.aliases?.length) await db.query('UPDATE region SET aliases = $2 WHERE code = $1', [r.code, r.aliases]);
    }
    await db.query(`
      ALTER TABLE region ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        public.khabar_document_vector(name_ar, 'ar', 'A')
        || public.khabar_document_vector(name_fr, 'ar', 'A')
        || public.khabar_document_vector(public.khabar_join_lines(alt_names_ar || aliases), 'ar', 'B')
      ) STORED;
      CREATE INDEX region_search_idx ON region USING gin (search_vector);

      -- A name as a phrase of its words, each by any of its forms: "عواطف حيار" is ('عواطف') <-> ('حيار').
      CREATE FUNCTION public.khabar_name_tsquery(name text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        RETURN (SELECT '(' || string_agg(w.word, ' <-> ' ORDER BY w.n) || ')'
                FROM public.khabar_query_words(name, false) WITH ORDINALITY AS w(word, n));

      -- The user's query with each word that names a person or a place (their names and aliases, in any script, hold it)
      -- also matching every name of theirs as a phrase: "Hayar" is ('hayar' | 'عواطف' <-> 'حيار' | 'aawatif' <-> 'hayar' | …).
      -- A word naming more than 5 people and places is too common to stand for one of them and stays as it is. NULL when
      -- no word names anyone: the query then has nothing to add.
      CREATE FUNCTION public.khabar_expanded_tsquery(query text, prefix boolean) RETURNS tsquery
        LANGUAGE sql STABLE PARALLEL SAFE STRICT
      BEGIN ATOMIC
        WITH words AS (
          SELECT w.word, w.n FROM public.khabar_query_words(query, prefix) WITH ORDINALITY AS w(word, n)
        ),
        named AS (
          SELECT words.n, e.names FROM words CROSS JOIN LATERAL (
            SELECT e.names FROM (
              (SELECT array_remove(ARRAY[p.name_ar, p.name_latin], NULL) || p.aliases AS names
               FROM public.person p WHERE p.search_vector @@ words.word::tsquery LIMIT 6)
              UNION ALL
              (SELECT ARRAY[r.name_ar, r.name_fr] || r.alt_names_ar || r.aliases
               FROM public.region r WHERE r.search_vector @@ words.word::tsquery LIMIT 6)
            ) e LIMIT 6
          ) e
        ),
        expansion AS (
          SELECT named.n, string_agg(DISTINCT public.khabar_name_tsquery(name), ' | ') AS names
          FROM named CROSS JOIN unnest(named.names) AS name
          WHERE named.n IN (SELECT n FROM named GROUP BY n HAVING count(*) <= 5)
          GROUP BY named.n
        )
        SELECT CASE WHEN count(expansion.names) > 0
          THEN string_agg('(' || words.word || coalesce(' | ' || expansion.names, '') || ')', ' & ' ORDER BY words.n)::tsquery END
        FROM words LEFT JOIN expansion ON expansion.n = words.n;
      END;

      -- Any word of a query, for highlighting: its operators made ORs.
      CREATE FUNCTION public.khabar_any_word(query tsquery) RETURNS tsquery
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        RETURN regexp_replace(query::text, '<->|<[0-9]+>|&', '|', 'g')::tsquery;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP FUNCTION public.khabar_any_word, public.khabar_expanded_tsquery, public.khabar_name_tsquery;
      ALTER TABLE region DROP COLUMN search_vector, DROP COLUMN aliases;
    `);
  }
}
