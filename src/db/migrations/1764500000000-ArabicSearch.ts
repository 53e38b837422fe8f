import { MigrationInterface, QueryRunner } from 'typeorm';

/** Letters folded into one spelling: [variants, what they become]. Frequent ones, folded in every text. */
const COMMON_FOLDS: [string, string][] = [
  ['أإآ', 'ا'],
  ['ىئ', 'ي'],
  ['ة', 'ه'],
  ['ؤ', 'و'],
];

/** Rarer letters and digits: folded only in texts that hold one (translate() costs in proportion to its alphabet). */
const RARE_FOLDS: [string, string][] = [
  ['ٱٲٳٵ', 'ا'],
  ['یٸ', 'ي'],
  ['ۀەہھ', 'ه'],
  ['ٶ', 'و'],
  ['کڪگڭݣ', 'ك'], // Persian keheh and the Moroccan gaf letters
  ['ڤڥ', 'ف'],
  ['پ', 'ب'],
  ['٠١٢٣٤٥٦٧٨٩', '0123456789'],
  ['۰۱۲۳۴۵۶۷۸۹', '0123456789'],
];

const foldFrom = (folds: [string, string][]) => folds.map(([from]) => from).join('');
const foldTo = (folds: [string, string][]) => folds.map(([from, to]) => (to.length === 1 ? to.repeat(from.length) : to)).join('');

/**
 * Hyphens and dashes, non-ASCII punctuation and spaces, made spaces. Hyphens split words, so "الرباط-سلا" indexes as
 * two words; a UTF-8 LC_CTYPE parser splits at the rest anyway, but under `C` it reads every non-ASCII character as a
 * letter and would index «الأسرة» or وزيرة، with their marks.
 */
const PUNCTUATION = String.raw`[-\u00A0-\u00BF\u00D7\u00F7\u060C\u061B\u061E\u061F\u066A-\u066D\u06D4\u2000-\u206F\u2212\u3000\uFD3E\uFD3F]`;

/** ts_headline options; the text is escaped before ts_headline, so only these markers are raw HTML. */
const HEADLINE_OPTIONS = 'StartSel=<mark>, StopSel=</mark>, MaxFragments=1, MaxWords=25, MinWords=10';

/** Removed outright: soft hyphen, Quranic and honorific marks, tashkeel, tatweel, superscript alef, joiners, bidi and other invisible format controls. */
const DELETED = String.raw`[\u00AD\u0610-\u061A\u061C\u0640\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED\u200C-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]`;

/** Article with its optional conjunction and preposition (ال، وال، بال، كال، فال، لل، ولل، وبال…), when two letters remain. */
const ARTICLE = '^[وف]?(?:[بك]?ال|لل)(?=..)';

/** A bare و when four letters remain (not وجدة → جدة), or ب، ل، وب، ول when three remain (بفاس → فاس). */
const PROCLITIC = '^(?:و(?=....)|و?[بل](?=...))';

/** A possessive pronoun after teh marbuta, which it turns into ت (وزارتها → وزارة), when two letters precede. */
const TA_PRONOUN = '^(..+)ت(?:هما|هم|هن|ها|ه|كما|كم|كن|ك|نا)$';

/**
 * One spelling for every variant: NFKC, no marks or controls, punctuation as spaces, folded letters and digits, no
 * Latin accents, lower case. NFKC only for a text that needs it: the check is a table lookup per character, normalize()
 * decomposes and recomposes the whole text, which took over a third of the function's time on text that needed nothing.
 * Installed by 1765100000000-FasterSearchVectors in databases that ran this migration before.
 */
export const NORMALIZE_FUNCTION = `
  CREATE OR REPLACE FUNCTION public.khabar_normalize(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(public.khabar_unaccent(public.khabar_fold_rare(translate(regexp_replace(
      regexp_replace(CASE WHEN input IS NFKC NORMALIZED THEN input ELSE normalize(input, NFKC) END, '${DELETED}', '', 'g'),
      '${PUNCTUATION}', ' ', 'g'),
      '${foldFrom(COMMON_FOLDS)}', '${foldTo(COMMON_FOLDS)}'))));
`;

const NORMALIZATION = `
  -- Latin accents and ligatures; texts with nothing but ASCII and Arabic skip the dictionary lookups.
  CREATE FUNCTION public.khabar_unaccent(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN CASE WHEN input ~ '[^\\u0001-\\u007F\\u0600-\\u06FF]' THEN public.unaccent('public.unaccent'::regdictionary, input) ELSE input END;

  CREATE FUNCTION public.khabar_fold_rare(input text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN CASE WHEN input ~ '[${foldFrom(RARE_FOLDS)}]' THEN translate(input, '${foldFrom(RARE_FOLDS)}', '${foldTo(RARE_FOLDS)}') ELSE input END;

${NORMALIZE_FUNCTION}

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

/**
 * The terms of every word of the text, keeping positions for ranking: its forms (the word, and without its article) at
 * the given weight, its French stems in French text, and its variants that are not one of its forms at weight D (the
 * query side never produces them). Written out as one expression per word: the first version, a set-returning function
 * per word with a UNION to drop repeats, cost nearly 3× the CPU (a term given twice is merged by tsvector input at its
 * highest weight, so repeats need no dropping).
 * Installed by 1765100000000-FasterSearchVectors in databases that ran this migration before.
 */
export const DOCUMENT_VECTOR_FUNCTION = `
  CREATE OR REPLACE FUNCTION public.khabar_document_vector(doc text, lang text, weight "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (
      SELECT coalesce(string_agg(
          public.khabar_quote_lexeme(word.lexeme) || at.own
          || CASE WHEN form.bare <> word.lexeme THEN ' ' || public.khabar_quote_lexeme(form.bare) || at.own ELSE '' END
          || CASE WHEN guess.v[1] <> word.lexeme AND guess.v[1] <> form.bare THEN ' ' || public.khabar_quote_lexeme(guess.v[1]) || at.variant ELSE '' END
          || CASE WHEN guess.v[2] <> word.lexeme AND guess.v[2] <> form.bare AND guess.v[2] <> guess.v[1]
               THEN ' ' || public.khabar_quote_lexeme(guess.v[2]) || at.variant ELSE '' END
          || CASE WHEN lang = 'fr' THEN coalesce((
               SELECT string_agg(' ' || public.khabar_quote_lexeme(stem) || at.own, '') FROM unnest(ts_lexize('pg_catalog.french_stem', word.lexeme)) AS stem
             ), '') ELSE '' END,
        ' '), '')::tsvector
      FROM unnest(to_tsvector('pg_catalog.simple', public.khabar_normalize(doc))) AS word,
        LATERAL (SELECT public.khabar_strip_article(word.lexeme) AS bare) AS form,
        -- OFFSET 0: computed once per word, not once per mention below.
        LATERAL (SELECT public.khabar_word_variants(word.lexeme) AS v OFFSET 0) AS guess,
        LATERAL (SELECT ':' || string_agg(p::text || weight::text, ',') AS own, ':' || string_agg(p::text || 'D', ',') AS variant
                 FROM unnest(word.positions) AS p) AS at
    );
`;

const DOCUMENT_SIDE = `
  -- The lexemes of khabar_document_vector's terms as one array, without weights: what the highlight tests words against.
  CREATE FUNCTION public.khabar_word_lexemes(word text, lang text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.khabar_word_forms(word) || public.khabar_word_variants(word)
      || CASE WHEN lang = 'fr' THEN ts_lexize('pg_catalog.french_stem', word) END;

${DOCUMENT_VECTOR_FUNCTION}
  -- The text of an article body: the "text" of each block, in order.
  CREATE FUNCTION public.khabar_body_text(body jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT string_agg(block ->> 'text', E'\\n' ORDER BY n) FROM jsonb_array_elements(body) WITH ORDINALITY AS b(block, n));

  -- What an article's highlight shows, in order; concat_ws() is only STABLE.
  CREATE FUNCTION public.khabar_article_text(title text, kicker text, summary text, body jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN concat_ws(E'\\n', title, kicker, summary, public.khabar_body_text(body));

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
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT ROWS 4
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

  -- Any word of the user's query, for highlighting. Built once per statement.
  CREATE FUNCTION public.khabar_highlight_tsquery(query text, prefix boolean) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT string_agg(word, ' | ')::tsquery FROM public.khabar_query_words(query, prefix) AS word);

  -- What a normalized document word holds when it matches a query lexeme: the lexeme less its last letter (a word
  -- carrying a pronoun ends otherwise: وزارتها is وزاره), since every term of a word is a piece of it. A cheap test
  -- on every word; only the words passing it get the full check. Built once per statement.
  CREATE FUNCTION public.khabar_highlight_cores(any_word tsquery) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT array_agg(DISTINCT left(m[1], -1)) FROM regexp_matches(any_word::text, '''([^'']+)''', 'g') AS m);

  -- The text a highlight is cut from, normalized with U+0001 where the text has a space: the cuts survive
  -- normalization, so chunk n of the text (cut at spaces) and of this (cut at U+0001) agree. Stored at write time.
  CREATE FUNCTION public.khabar_highlight_text(doc text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.khabar_normalize(replace(doc, ' ', E'\\x01'));

  -- A short snippet of the document, HTML-escaped, with the words matching the query in <mark>…</mark> as written.
  -- The excerpt is 30 chunks from a little before the first one whose normalized form holds a core; the parsed words
  -- of its chunks holding one whose lexemes match the query are the ones ts_headline marks. None: the opening words.
  CREATE FUNCTION public.khabar_highlight(doc text, highlight_text text, lang text, any_word tsquery, cores text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (
      WITH normalized AS (SELECT highlight_text AS text),
      first AS (
        SELECT coalesce(min(cardinality(string_to_array(left(normalized.text, at - 1), E'\\x01'))), 1) AS n
        FROM normalized, unnest(cores) AS core, strpos(normalized.text, core) AS at WHERE at > 0
      ),
      excerpt AS (
        SELECT c.raw, c.normalized, c.n
        FROM normalized, first, unnest((string_to_array(doc, ' '))[greatest(1, first.n - 5):first.n + 24],
          (string_to_array(normalized.text, E'\\x01'))[greatest(1, first.n - 5):first.n + 24]) WITH ORDINALITY AS c(raw, normalized, n)
      ),
      marked AS (
        SELECT DISTINCT word FROM excerpt, unnest(tsvector_to_array(to_tsvector('pg_catalog.simple', excerpt.raw))) AS word
        WHERE EXISTS (SELECT FROM unnest(cores) AS core WHERE strpos(excerpt.normalized, core) > 0)
          AND EXISTS (SELECT FROM unnest(string_to_array(public.khabar_normalize(word), ' ')) AS piece
                      WHERE piece <> '' AND array_to_tsvector(public.khabar_word_lexemes(piece, lang)) @@ any_word)
      )
      SELECT ts_headline('pg_catalog.simple', public.khabar_escape_html(string_agg(excerpt.raw, ' ' ORDER BY excerpt.n)),
        coalesce((SELECT string_agg(public.khabar_quote_lexeme(word), ' | ') FROM marked), ''' ''')::tsquery,
        '${HEADLINE_OPTIONS}')
      FROM excerpt
    );
`;

const COLUMNS = `
  ALTER TABLE article
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      public.khabar_document_vector(title, lang, 'A')
      || public.khabar_document_vector(kicker, lang, 'B')
      || public.khabar_document_vector(summary, lang, 'B')
      || public.khabar_document_vector(public.khabar_body_text(body), lang, 'C')
    ) STORED,
    -- The headline, kicker and summary alone: articles whose head holds every word come first, and are found without
    -- reading the others (a common word is in thousands of bodies but far fewer heads).
    ADD COLUMN head_vector tsvector GENERATED ALWAYS AS (
      public.khabar_document_vector(title, lang, 'A')
      || public.khabar_document_vector(kicker, lang, 'B')
      || public.khabar_document_vector(summary, lang, 'B')
    ) STORED,
    -- Normalized once here rather than for every hit a search highlights.
    ADD COLUMN highlight_text text GENERATED ALWAYS AS (
      public.khabar_highlight_text(public.khabar_article_text(title, kicker, summary, body))
    ) STORED;
  -- Ranking reads the vector of every match: keep it in the row, and rows up to a page whole (uncompressed), so that
  -- costs neither a TOAST lookup nor a decompression per match (measured 2-3x on 100,000 articles).
  ALTER TABLE article ALTER COLUMN search_vector SET STORAGE MAIN;
  ALTER TABLE article SET (toast_tuple_target = 8160);
  CREATE INDEX article_search_idx ON article USING gin (search_vector);
  CREATE INDEX article_head_search_idx ON article USING gin (head_vector);

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
 * See src/modules/search/README.md for the rules.
 */
export class ArabicSearch1764500000000 implements MigrationInterface {
  name = 'ArabicSearch1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await db.query(NORMALIZATION);
    await db.query(DOCUMENT_SIDE);
    await db.query(QUERY_SIDE);
    await db.query(COLUMNS);
  }

  // The extensions stay: other schema objects may use them.
  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE article DROP COLUMN search_vector, DROP COLUMN head_vector, DROP COLUMN highlight_text;
      ALTER TABLE article RESET (toast_tuple_target);
      ALTER TABLE person DROP COLUMN search_vector, DROP COLUMN search_names;
      DROP FUNCTION public.khabar_highlight, public.khabar_highlight_text, public.khabar_highlight_cores, public.khabar_highlight_tsquery,
        public.khabar_escape_html, public.khabar_tsquery, public.khabar_query_words, public.khabar_word_query, public.khabar_join_lines, public.khabar_article_text, public.khabar_body_text,
        public.khabar_document_vector, public.khabar_word_lexemes, public.khabar_quote_lexeme,
        public.khabar_word_forms, public.khabar_word_variants, public.khabar_strip_article, public.khabar_normalize, public.khabar_fold_rare, public.khabar_unaccent;
    `);
  }
}
