import type { Sql } from '../../db/sql';
import { Conditions } from '../../db/conditions';
import { addArticleFilter } from '../article/article.filter';
import { LISTED_FOR_READERS_SQL } from '../article/article.visibility';
import type { ArticleFilter } from '../article/article.inputs';
import { articleListColumns } from '../article/article.service';
import type { ArticleShape } from '../article/article.shape';
import type { ArticleRow } from '../article/article.row';
import { ArticleType } from '../article/article.type';
import { pickBy } from '../../shared/group-by';
import { encodeCursor, ForwardPageArgs, PageInfo, pageOf, sliceOf } from '../../shared/relay';
import { articleHighlight, bindSearch } from './search.sql';
import { decodeRankedCursor } from './search-cursor';
import { badInput } from '../../shared/errors';

/** A search over articles, its query already validated (searchQueryError). */
export interface ArticleSearch {
  query: string;
  /** Match the last word as a prefix (type-ahead); a word ending in `*` always is one. */
  prefix: boolean;
  filter?: ArticleFilter;
  /** Editors only: drafts and scheduled articles too. */
  includeDrafts: boolean;
}

/** One found article: the row, its rank and its cursor, and whether only a name in the other script found it. */
export interface FoundArticle {
  cursor: string;
  score: number;
  article: ArticleType;
  named: boolean;
}

/** A hit to highlight: found by the query as written, or only through a name (its words are then the names too). */
export interface HighlightKey {
  id: number;
  named: boolean;
}

/** What editors search with drafts: everything being written or on the site, not what has left it. */
const EDITORIAL_SEARCH = `a.status IN ('DRAFT', 'SCHEDULED', 'PUBLISHED')`;
const CURSOR_KIND = 'search';

type HitRow = ArticleRow & { rankText: string; tier: number; recencyUs: string };

/**
 * Hits come in tiers: articles that hold the query as written (every word in its own script), their headline, kicker or
 * summary first, then those that need the body; then the same two for articles found only through a name in the other
 * script (the person or place a word names: "Hayar" → حيار), so an article naming them in the query's own script ranks
 * first.
 */
const HEAD = 1;
const BODY = 2;
const NAMED_HEAD = 3;
const NAMED_BODY = 4;
const TIERS = [HEAD, BODY, NAMED_HEAD, NAMED_BODY];

/** Full-text search over articles: head matches first, then by relevance, then the newest, then the highest id. */
export class SearchService {
  constructor(private readonly sql: Sql) {}

  /**
   * One page of hits in one statement. The tsqueries are built once (`q` as written; `x` expanded through names, built
   * only when a tier of names runs: most pages are full before, and the expansion looks people and places up). Each
   * tier ranks its matches once (OFFSET 0 keeps the keyset condition from ranking them again) and keeps its best
   * `limit + 1`; a tier runs only when those before it cannot fill the page (an InitPlan, so a common word costs its head
   * matches, not its thousands of body matches), and the tiers of names only when a word names someone. Only the page's
   * rows are joined back for their columns. Ranks are real (float4) and travel in cursors as PostgreSQL's exact text for them.
   */
  async page(search: ArticleSearch, args: ForwardPageArgs, shape: ArticleShape): Promise<{ hits: FoundArticle[]; pageInfo: PageInfo }> {
    const slice = sliceOf(args, decodeSearchCursor);
    const c = new Conditions();
    const bound = bindSearch(c, search.query, search.prefix);
    c.add(search.includeDrafts ? EDITORIAL_SEARCH : LISTED_FOR_READERS_SQL);
    addArticleFilter(c, search.filter);
    const visible = c.toSql();
    const tier = slice.cursor?.[1] ?? HEAD;
    let after = 'true';
    if (slice.cursor) {
      const [rank, , recencyUs, id] = slice.cursor;
      after = `(rank, recency, id) < (${c.param(rank)}::real,
        timestamptz 'epoch' + ${c.param(recencyUs)}::bigint * interval '1 microsecond', ${c.param(id)}::int)`;
    }
    const limit = slice.limit + 1;
    // What each tier matches, ranked by which tsquery, and when it runs at all (evaluated once, before its scan).
    const found = (earlier: number[]) => earlier.map((t) => `(SELECT count(*) FROM t${t})`).join(' + ');
    const tiers: Record<number, { match: string; by: string; runs: string }> = {
      [HEAD]: { match: 'a.head_vector @@ q.tsquery', by: 'q.tsquery', runs: 'true' },
      [BODY]: { match: 'a.search_vector @@ q.tsquery AND NOT (a.head_vector @@ q.tsquery)', by: 'q.tsquery', runs: `${found([HEAD])} < ${limit}` },
      [NAMED_HEAD]: {
        match: 'a.head_vector @@ x.expanded AND NOT (a.search_vector @@ q.tsquery)',
        by: 'x.expanded',
        runs: `${found([HEAD, BODY])} < ${limit} AND (SELECT x.expanded IS NOT NULL FROM x)`,
      },
      [NAMED_BODY]: {
        match: 'a.search_vector @@ x.expanded AND NOT (a.head_vector @@ x.expanded) AND NOT (a.search_vector @@ q.tsquery)',
        by: 'x.expanded',
        runs: `${found([HEAD, BODY, NAMED_HEAD])} < ${limit} AND (SELECT x.expanded IS NOT NULL FROM x)`,
      },
    };
    const ranked = (t: number) => {
      const { match, by, runs } = tiers[t];
      const keyset = t === tier ? after : 'true';
      return `
      SELECT id, rank, recency FROM (
        SELECT a.id, ts_rank(a.search_vector, ${by}) AS rank, coalesce(a.published_at, a.updated_at) AS recency
        FROM article a, q${t >= NAMED_HEAD ? ', x' : ''} WHERE ${t < tier ? 'false' : `${runs} AND ${match}`} AND ${visible} OFFSET 0
      ) ranked WHERE ${keyset}
      ORDER BY rank DESC, recency DESC, id DESC LIMIT ${limit}`;
    };
    const rows: HitRow[] = await this.sql.query(
      `WITH q AS MATERIALIZED (SELECT ${bound.tsquery} AS tsquery),
       x AS MATERIALIZED (SELECT ${bound.expanded} AS expanded),
       ${TIERS.map((t) => `t${t} AS MATERIALIZED (${ranked(t)})`).join(',\n       ')},
       page AS (
         ${TIERS.map((t) => `SELECT ${t} AS tier, * FROM t${t}`).join(' UNION ALL ')}
         ORDER BY tier, rank DESC, recency DESC, id DESC LIMIT ${limit}
       )
       SELECT ${articleListColumns(shape)}, page.rank::text AS "rankText", page.tier,
         (extract(epoch FROM page.recency) * 1000000)::bigint AS "recencyUs"
       FROM page JOIN article a ON a.id = page.id
       ORDER BY page.tier, page.rank DESC, page.recency DESC, page.id DESC`, c.params);
    const page = pageOf(rows, slice, (row) => row,
      (row) => encodeCursor(CURSOR_KIND, [row.rankText, row.tier, Number(row.recencyUs), row.id]));
    const hits = page.edges.map(({ cursor, node: row }) =>
      ({ cursor, score: Number(row.rankText), article: ArticleType.from(row), named: row.tier >= NAMED_HEAD }));
    return { hits, pageInfo: page.pageInfo };
  }

  /** The highlighted snippet of each hit for a query, in one statement; only asked for the page's hits. */
  async highlights(query: string, prefix: boolean, hits: readonly HighlightKey[]): Promise<string[]> {
    const c = new Conditions();
    const { with: words, highlight } = articleHighlight(bindSearch(c, query, prefix));
    // A set of words is read (and built) only when some hit needs it: the empty branch is cut before its join.
    const branch = (set: 'plain' | 'named') => {
      const ids = c.param(hits.filter((hit) => hit.named === (set === 'named')).map((hit) => hit.id));
      return `SELECT a.id, ${highlight(set)} AS highlight FROM article a, ${set}
        WHERE cardinality(${ids}::int[]) > 0 AND a.id = ANY(${ids}::int[])`;
    };
    const rows: { id: number; highlight: string }[] = await this.sql.query(
      `WITH ${words}
       ${branch('plain')}
       UNION ALL
       ${branch('named')}`, c.params);
    return pickBy(hits.map((hit) => hit.id), rows, (row) => row.id, (row) => row.highlight).map((highlight) => highlight ?? '');
  }
}

/** [rank, tier, recency in microseconds, id] */
function decodeSearchCursor(cursor: string, field: string): [string, number, number, number] {
  const key = decodeRankedCursor(CURSOR_KIND, cursor, field, ['number', 'number', 'number']) as [string, number, number, number];
  if (!TIERS.includes(key[1])) throw badInput(`Invalid cursor "${cursor.slice(0, 60)}".`, field);
  return key;
}
