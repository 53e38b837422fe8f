import { MigrationInterface, QueryRunner } from 'typeorm';

/** Characters folded into one spelling: [variants, what they become]. */
const CHARACTER_FOLDS: [string, string][] = [
  ['أإآٱٲٳٵ', 'ا'],
  ['ىیئٸ', 'ي'],
  ['ةۀەہھ', 'ه'],
  ['ؤٶ', 'و'],
  ['کڪگڭݣ', 'ك'], // Persian keheh and the Moroccan gaf letters
  ['ڤڥ', 'ف'],
  ['پ', 'ب'],
  ['٠١٢٣٤٥٦٧٨٩', '0123456789'],
  ['۰۱۲۳۴۵۶۷۸۹', '0123456789'],
  ['-‐‑‒–—―−\u200B', ' '], // hyphens split words, so "الرباط-سلا" indexes as two words
];

const FOLD_FROM = CHARACTER_FOLDS.map(([from]) => from).join('');
const FOLD_TO = CHARACTER_FOLDS.map(([from, to]) => (to.length === 1 ? to.repeat(from.length) : to)).join('');

/** Removed outright: soft hyphen, Quranic and honorific marks, tashkeel, tatweel, superscript alef, joiners and bidi controls. */
const DELETED = String.raw`[\u00AD\u0610-\u061A\u061C\u0640\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED\u200C-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]`;

/** Article with its optional conjunction and preposition (ال، وال، بال، كال، فال، لل، ولل، وبال…), when two letters remain. */
const ARTICLE = '^[وف]?(?:[بك]?ال|لل)(?=..)';

/** A bare و when four letters remain (not وجدة → جدة), or ب، ل، وب، ول when three remain (بفاس → فاس). */
const PROCLITIC = '^(?:و(?=....)|و?[بل](?=...))';

/** A possessive pronoun after teh marbuta, which it turns into ت (وزارتها → وزارة), when two letters precede. */
const TA_PRONOUN = '^(..+)ت(?:هما|هم|هن|ها|ه|كما|كم|كن|ك|نا)$';

/** Arabic letters must be word characters for the text search parser and pg_trgm, which a `C` LC_CTYPE breaks. */
const LOCALE_GUARD = `
  DO $$
  BEGIN
    IF cardinality(public.show_trgm('وزير')) = 0 OR length(to_tsvector('pg_catalog.simple', 'وزير، كاتب')) <> 2 THEN
      RAISE EXCEPTION 'Arabic search needs a database whose LC_CTYPE is a UTF-8 locale such as C.UTF-8, not %',
        (SELECT datctype FROM pg_database WHERE datname = current_database());
    END IF;
  END $$`;

const NORMALIZATION = `
  CREATE FUNCTION public.khabar_unaccent(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, input);

  -- One spelling for every variant: NFKC, no marks or controls, folded letters and digits, no Latin accents, lower case.
  CREATE FUNCTION public.khabar_normalize(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(public.khabar_unaccent(translate(
      regexp_replace(normalize(input, NFKC), '${DELETED}', '', 'g'), '${FOLD_FROM}', '${FOLD_TO}')));

  CREATE FUNCTION public.khabar_strip_article(word text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN regexp_replace(word, '${ARTICLE}', '');

  -- Weaker guesses at what a document word may also be: without a bare و/ب/ل, or without a pronoun after teh marbuta.
  CREATE FUNCTION public.khabar_word_variants(word text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN ARRAY[regexp_replace(word, '${PROCLITIC}', ''), regexp_replace(public.khabar_strip_article(word), '${TA_PRONOUN}', '\\1ه')];

  -- What a normalized word matches as: itself and its form without the article (both sides index and query these).
  CREATE FUNCTION public.khabar_word_forms(word text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN ARRAY(SELECT DISTINCT form FROM unnest(ARRAY[word, public.khabar_strip_article(word)]) AS form);

  -- A lexeme quoted for the tsvector and tsquery input syntax.
  CREATE FUNCTION public.khabar_quote_lexeme(lexeme text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN '''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''';
`;

const DOCUMENT_SIDE = `
  -- Every lexeme one normalized word of a document is indexed under: its forms, its French stem in French text,
  -- and its variants (weight D; the query side never produces them).
  CREATE FUNCTION public.khabar_word_terms(word text, lang text) RETURNS TABLE (lexeme text, variant boolean)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
  BEGIN ATOMIC
    SELECT form, false FROM unnest(public.khabar_word_forms(word)) AS form
    UNION
    SELECT stem, false FROM unnest(ts_lexize('pg_catalog.french_stem', word)) AS stem WHERE lang = 'fr'
    UNION
    SELECT guess, true FROM unnest(public.khabar_word_variants(word)) AS guess WHERE guess <> ALL (public.khabar_word_forms(word));
  END;

  -- The terms of every word of the text at the given weight (variants at D), keeping positions for ranking.
  CREATE FUNCTION public.khabar_document_vector(doc text, lang text, weight "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
      SELECT coalesce(string_agg(public.khabar_quote_lexeme(term.lexeme) || ':' || (
               SELECT string_agg(p::text || CASE WHEN term.variant THEN 'D' ELSE weight::text END, ',') FROM unnest(word.positions) AS p
             ), ' '), '')::tsvector
      FROM unnest(to_tsvector('pg_catalog.simple', public.khabar_normalize(doc))) AS word,
           public.khabar_word_terms(word.lexeme, lang) AS term
    );

  -- The text of an article body: the "text" of each block, in order.
  CREATE FUNCTION public.khabar_body_text(body jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT string_agg(block ->> 'text', E'\\n' ORDER BY n) FROM jsonb_array_elements(body) WITH ORDINALITY AS b(block, n));

  -- array_to_string() is only STABLE.
  CREATE FUNCTION public.khabar_join_lines(items text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT coalesce(string_agg(item, E'\\n' ORDER BY n), '') FROM unnest(items) WITH ORDINALITY AS i(item, n));
`;

const QUERY_SIDE = `
  -- One query word as tsquery text: any of its forms (and its French stem), as word prefixes when asked.
  CREATE FUNCTION public.khabar_word_query(word text, is_prefix boolean) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (
      SELECT '(' || string_agg(public.khabar_quote_lexeme(form) || CASE WHEN is_prefix THEN ':*' ELSE '' END, ' | ') || ')'
      FROM (
        SELECT unnest(public.khabar_word_forms(word))
        UNION
        SELECT unnest(ts_lexize('pg_catalog.french_stem', word)) WHERE NOT is_prefix
      ) AS f(form)
    );

  -- The words of the user's query as tsquery text, in order. A word ending in * is a prefix; prefix => true makes the last one so.
  CREATE FUNCTION public.khabar_query_words(query text, prefix boolean) RETURNS SETOF text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  BEGIN ATOMIC
    WITH piece AS (
      SELECT p.chunk, p.n, p.chunk LIKE '%*' OR (prefix AND p.n = max(p.n) OVER ()) AS is_prefix
      FROM regexp_split_to_table(regexp_replace(public.khabar_normalize(query), '\\s+\\*', '*', 'g'), '\\s+') WITH ORDINALITY AS p(chunk, n)
    ),
    word AS (
      SELECT w.lexeme, piece.is_prefix, piece.n, w.positions[cardinality(w.positions)] AS position,
             max(w.positions[cardinality(w.positions)]) OVER (PARTITION BY piece.n) AS last_position
      FROM piece, unnest(to_tsvector('pg_catalog.simple', piece.chunk)) AS w
    )
    SELECT public.khabar_word_query(lexeme, is_prefix AND position = last_position) FROM word ORDER BY n, position;
  END;

  -- The user's query: every word must match (AND). NULL when it has no words.
  CREATE FUNCTION public.khabar_tsquery(query text, prefix boolean DEFAULT false) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT string_agg(word, ' & ')::tsquery FROM public.khabar_query_words(query, prefix) AS word);

  CREATE FUNCTION public.khabar_escape_html(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN replace(replace(replace(replace(replace(input, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;');

  -- The words of the document that match any word of the query, in the document's own spelling, for ts_headline.
  -- When none does, a lexeme no parser produces: ts_headline then shows the opening words (an empty query would too, with a notice).
  CREATE FUNCTION public.khabar_highlight_query(doc text, lang text, query text, prefix boolean) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (
      WITH any_word AS (SELECT string_agg(word, ' | ')::tsquery AS q FROM public.khabar_query_words(query, prefix) AS word)
      SELECT coalesce(string_agg(public.khabar_quote_lexeme(word), ' | '), ''' ''')::tsquery
      FROM any_word, unnest(tsvector_to_array(to_tsvector('pg_catalog.simple', doc))) AS word, public.khabar_normalize(word) AS normalized
      WHERE (SELECT array_to_tsvector(array_agg(term.lexeme)) FROM public.khabar_word_terms(normalized, lang) AS term
             WHERE term.lexeme <> '') @@ any_word.q
    );
`;

const COLUMNS = `
  ALTER TABLE article ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    public.khabar_document_vector(title, lang, 'A')
    || public.khabar_document_vector(kicker, lang, 'B')
    || public.khabar_document_vector(summary, lang, 'B')
    || public.khabar_document_vector(public.khabar_body_text(body), lang, 'C')
  ) STORED;
  CREATE INDEX article_search_idx ON article USING gin (search_vector);

  ALTER TABLE person
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      public.khabar_document_vector(name_ar, 'ar', 'A')
      || public.khabar_document_vector(name_latin, 'ar', 'A')
      || public.khabar_document_vector(public.khabar_join_lines(aliases), 'ar', 'B')
    ) STORED,
    ADD COLUMN search_names text GENERATED ALWAYS AS (
      public.khabar_normalize(name_ar || E'\\n' || coalesce(name_latin, '') || E'\\n' || public.khabar_join_lines(aliases))
    ) STORED;
  CREATE INDEX person_search_idx ON person USING gin (search_vector);
  CREATE INDEX person_names_trgm_idx ON person USING gin (search_names gin_trgm_ops);
`;

/**
 * Arabic/French full-text search: one normalization used by the indexed columns and by the query side.
 * See src/search/README.md for the rules.
 */
export class ArabicSearch1764500000000 implements MigrationInterface {
  name = 'ArabicSearch1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await db.query(LOCALE_GUARD);
    await db.query(NORMALIZATION);
    await db.query(DOCUMENT_SIDE);
    await db.query(QUERY_SIDE);
    await db.query(COLUMNS);
  }

  // The extensions stay: other schema objects may use them.
  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE article DROP COLUMN search_vector;
      ALTER TABLE person DROP COLUMN search_vector, DROP COLUMN search_names;
      DROP FUNCTION public.khabar_highlight_query, public.khabar_escape_html, public.khabar_tsquery,
        public.khabar_query_words, public.khabar_word_query, public.khabar_join_lines, public.khabar_body_text,
        public.khabar_document_vector, public.khabar_word_terms, public.khabar_quote_lexeme, public.khabar_word_forms,
        public.khabar_word_variants, public.khabar_strip_article, public.khabar_normalize, public.khabar_unaccent;
    `);
  }
}
