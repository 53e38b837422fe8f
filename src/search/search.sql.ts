/**
 * Query-side SQL for Arabic/French search. The normalization itself lives in SQL functions created by the
 * ArabicSearch migration (khabar_tsquery and friends); these fragments only bind the user's text as parameters.
 */

export const MAX_QUERY_LENGTH = 200;

/** Marks, tatweel and invisible format characters: what the SQL normalization deletes before searching. */
const IGNORED_CHARACTERS = /[\p{M}\p{Cf}\u0640\u06E5\u06E6]/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const DIACRITIC = /[\p{M}\u0640]/u;

/** Why a raw search query cannot run, or null when it can. Messages are meant for the person who typed it. */
export function searchQueryError(raw: string): string | null {
  const query = cleanSearchQuery(raw);
  if (query === '') return 'The search query is empty.';
  if ([...query].length > MAX_QUERY_LENGTH) return `The search query is longer than ${MAX_QUERY_LENGTH} characters.`;
  if (LETTER_OR_DIGIT.test(query.replace(IGNORED_CHARACTERS, ''))) return null;
  return DIACRITIC.test(query)
    ? 'The search query has only diacritics (tashkeel); type letters or digits.'
    : 'The search query has only punctuation or symbols; type letters or digits.';
}

/** The query as the SQL receives it: NFC, trimmed, runs of whitespace made one space. */
export function cleanSearchQuery(raw: string): string {
  return raw.normalize('NFC').trim().replace(/\s+/gu, ' ');
}

export interface SearchOptions {
  /** Match the last word as a prefix, as an editor types (a word ending in `*` always is one). */
  prefix?: boolean;
  /** Alias of the searched table in the caller's FROM clause. */
  alias?: string;
  /** Number of the first positional parameter these fragments use ($1 by default). */
  firstParam?: number;
}

export interface SearchSql {
  /** Condition: all words of the query match. */
  where: string;
  /** Relevance, higher first; order by it, then by a tie-breaker. */
  rank: string;
  /** Values for the placeholders the fragments use, starting at `firstParam`. */
  params: unknown[];
}

export interface ArticleSearchSql extends SearchSql {
  /** A short snippet of the title, summary or body: HTML-escaped, matched words in <mark>…</mark>. */
  highlight: string;
}

/** ts_headline options; the text is escaped before ts_headline, so only these markers are raw HTML. */
export const HEADLINE_OPTIONS = 'StartSel=<mark>, StopSel=</mark>, MaxFragments=1, MaxWords=25, MinWords=10';

/**
 * Full-text match, rank and highlight over `article`, for a query that passed searchQueryError.
 * The caller adds the visibility conditions (published) and the ORDER BY / LIMIT.
 */
export function articleSearchSql(query: string, options: SearchOptions = {}): ArticleSearchSql {
  const { alias = 'a' } = options;
  const { queryParam, prefixParam, tsquery, params } = bindQuery(query, options);
  const doc = `concat_ws(E'\\n', ${alias}.title, ${alias}.kicker, ${alias}.summary, public.khabar_body_text(${alias}.body))`;
  const marked = `public.khabar_highlight_query(${doc}, ${alias}.lang, ${queryParam}, ${prefixParam})`;
  return {
    where: `${alias}.search_vector @@ ${tsquery}`,
    rank: `ts_rank(${alias}.search_vector, ${tsquery})`,
    highlight: `ts_headline('pg_catalog.simple', public.khabar_escape_html(${doc}), ${marked}, '${HEADLINE_OPTIONS}')`,
    params,
  };
}

/**
 * A person by any spelling of the name (Arabic, Latin, an alias): every word matching after normalization,
 * or the whole query close enough by trigram word similarity (pg_trgm.word_similarity_threshold, 0.6 by default).
 */
export function personSearchSql(query: string, options: SearchOptions = {}): SearchSql {
  const { alias = 'p' } = options;
  const { queryParam, tsquery, params } = bindQuery(query, options);
  const names = `public.khabar_normalize(${queryParam})`;
  return {
    where: `(${alias}.search_vector @@ ${tsquery} OR ${names} <% ${alias}.search_names)`,
    rank: `greatest(ts_rank(${alias}.search_vector, ${tsquery}), word_similarity(${names}, ${alias}.search_names))`,
    params,
  };
}

/** Placeholders for the query text and the prefix flag, the tsquery built from them, and their values. */
function bindQuery(query: string, { prefix = false, firstParam = 1 }: SearchOptions) {
  const queryParam = `$${firstParam}::text`;
  const prefixParam = `$${firstParam + 1}::boolean`;
  return {
    queryParam,
    prefixParam,
    tsquery: `public.khabar_tsquery(${queryParam}, ${prefixParam})`,
    params: [cleanSearchQuery(query), prefix],
  };
}
