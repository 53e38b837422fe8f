/**
 * Query-side SQL for Arabic/French search. The normalization itself lives in SQL functions created by the
 * ArabicSearch migration (khabar_tsquery and friends); these fragments only bind the user's text as parameters.
 */
import type { Conditions } from '../../db/conditions';

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

/** Placeholders of a search bound to a statement's parameters. */
export interface BoundSearch {
  /** The cleaned query text (text). */
  query: string;
  /** Whether the last word matches as a prefix, as an editor types (a word ending in `*` always does). */
  prefix: string;
  /** The query as a tsquery: every word must match (AND), by any of its forms. */
  tsquery: string;
  /**
   * The query with each word naming a person or place also matching any of their names, in either script (NULL when
   * no word names anyone): what finds "Hayar" in an Arabic article that says حيار.
   */
  expanded: string;
}

/** Binds a query that passed searchQueryError as parameters of `c`. */
export function bindSearch(c: Conditions, query: string, prefix: boolean): BoundSearch {
  const text = `${c.param(cleanSearchQuery(query))}::text`;
  const flag = `${c.param(prefix)}::boolean`;
  return { query: text, prefix: flag, tsquery: `public.khabar_tsquery(${text}, ${flag})`, expanded: `public.khabar_expanded_tsquery(${text}, ${flag})` };
}

/**
 * Highlighting `article a`: a short snippet of the title, kicker, summary or body, HTML-escaped, matched words in
 * <mark>…</mark>. A hit found by the query as written is marked by the query's own words (`plain`); one found only
 * through a name by those words and every name in either script of the people and places they name (`named`). Each set
 * of words (a tsquery and its cores: one row) is built once per statement, and only if a hit needs it: expanding names
 * costs more than the rest of a page's highlights. `highlight(set)` is the snippet of `a` with `set` joined.
 */
export function articleHighlight(search: BoundSearch): { with: string; highlight: (set: 'plain' | 'named') => string } {
  const words = (anyWord: string) => `SELECT t.any_word, public.khabar_highlight_cores(t.any_word) AS cores FROM (SELECT ${anyWord} AS any_word) t`;
  const plain = `public.khabar_highlight_tsquery(${search.query}, ${search.prefix})`;
  return {
    with: `plain AS MATERIALIZED (${words(plain)}),
       named AS MATERIALIZED (${words(`coalesce(public.khabar_any_word(${search.expanded}), ${plain})`)})`,
    highlight: (set) => `public.khabar_highlight(public.khabar_article_text(a.title, a.kicker, a.summary, a.body), a.highlight_text,
      a.lang, ${set}.any_word, ${set}.cores)`,
  };
}

/**
 * Finding `person p` by a query: people whose names and aliases hold every word after normalization (`exact`); when
 * nobody does and trigrams work, people whose names are close to the whole query by word similarity
 * (pg_trgm.word_similarity_threshold, 0.6 by default), for other Latin spellings and typos. `where` selects the
 * candidates of both kinds; the caller keeps the exact ones if there are any. Exact ones rank by ts_rank (a name above
 * an alias), the others by their similarity. `q` is one row computed once per statement.
 */
export function personSearch(search: BoundSearch, trigrams: boolean): { q: string; where: string; exact: string; rank: string } {
  const q = `SELECT ${search.tsquery} AS tsquery, public.khabar_normalize(${search.query}) AS names`;
  const exact = 'p.search_vector @@ q.tsquery';
  return trigrams
    ? {
      q,
      where: `(${exact} OR q.names <% p.search_names)`,
      exact,
      rank: `CASE WHEN ${exact} THEN ts_rank(p.search_vector, q.tsquery) ELSE word_similarity(q.names, p.search_names) END`,
    }
    : { q, where: exact, exact, rank: 'ts_rank(p.search_vector, q.tsquery)' };
}
