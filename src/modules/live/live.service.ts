import type { Sql } from '../../db/sql';
import { Conditions } from '../../db/conditions';
import { groupBy, pickBy } from '../../shared/group-by';
import { decodeCursor, encodeCursor, Page, pageOf, sliceOf } from '../../shared/relay';
import { ArticleCorrectionType } from '../article/article-history.type';
import type { Visibility } from '../article/article.service';
import { LISTED_FOR_READERS_SQL, VISIBLE_TO_READERS_SQL } from '../article/article.visibility';
import type { LiveCoverageRow, LiveEntryCorrectionRow, LiveEntryRow } from './live.row';
import { LiveCoverageType, LiveEntriesArgs, LiveEntryType } from './live.type';

export const LIVE_COVERAGE_COLUMNS = `lc.article_id AS "articleId", lc.started_at AS "startedAt", lc.ended_at AS "endedAt", lc.last_posted_at AS "lastPostedAt"`;

/** An entry row on `live_entry e JOIN article a`: the article gives the language. */
export const LIVE_ENTRY_COLUMNS = `e.id, e.article_id AS "articleId", e.title, e.body, e.is_key_event AS "isKeyEvent", e.is_pinned AS "isPinned",
  e.author_name AS "authorName", e.version, e.posted_at AS "postedAt", e.updated_at AS "updatedAt", e.deleted_at AS "deletedAt", a.lang,
  (extract(epoch FROM e.posted_at) * 1000000)::bigint AS "postedUs"`;

const CURSOR_KIND = 'liveEntry';
type EntryCursor = [number, number, number];

/**
 * Whose entries a viewer reads: readers those of the articles readers' lists show (a retracted blog keeps its notice,
 * not its entries), editors every article's; the feed (`'feed'`) reads deleted entries too, so their events name them.
 */
export type EntryVisibility = Visibility | 'feed';

/** Reads live blogs: the coverage of articles, pages of their entries (pinned first, then newest first), corrections. */
export class LiveService {
  constructor(private readonly sql: Sql) {}

  /** Each article's coverage, null when it has none or the viewer may not read the article. */
  async coverageFor(articleIds: readonly number[], visibility: Visibility): Promise<(LiveCoverageType | null)[]> {
    const rows: LiveCoverageRow[] = await this.sql.query(
      `SELECT ${LIVE_COVERAGE_COLUMNS} FROM live_coverage lc JOIN article a ON a.id = lc.article_id
       WHERE lc.article_id = ANY($1) AND ${visibility === 'public' ? VISIBLE_TO_READERS_SQL : 'true'}`, [articleIds]);
    return pickBy(articleIds, rows, (row) => row.articleId, LiveCoverageType.from);
  }

  async entriesByIds(ids: readonly number[], visibility: EntryVisibility): Promise<(LiveEntryType | null)[]> {
    const rows: LiveEntryRow[] = await this.sql.query(
      `SELECT ${LIVE_ENTRY_COLUMNS} FROM live_entry e JOIN article a ON a.id = e.article_id
       WHERE e.id = ANY($1) AND ${entriesShownTo(visibility)}`, [ids]);
    return pickBy(ids, rows, (row) => row.id, LiveEntryType.from);
  }

  /** One page of entries for each article, in one statement (a LATERAL join per article). */
  async entryPages(articleIds: readonly number[], args: LiveEntriesArgs, visibility: Visibility): Promise<Page<LiveEntryType>[]> {
    const slice = sliceOf(args, (cursor, field) => decodeCursor(CURSOR_KIND, cursor, field, ['number', 'number', 'number']) as EntryCursor);
    const c = new Conditions([articleIds]);
    c.add('e.article_id = parent.id');
    c.add(entriesShownTo(visibility));
    if (args.since) c.add(`e.posted_at >= ${c.param(args.since)}`);
    if (args.keyEventsOnly) c.add('e.is_key_event');
    if (slice.cursor) {
      const [pinned, micros, id] = slice.cursor;
      const op = slice.direction === 'forward' ? '<' : '>';
      c.add(`(e.is_pinned, e.posted_at, e.id) ${op} (${c.param(pinned === 1)}::boolean,
        timestamptz 'epoch' + ${c.param(micros)}::bigint * interval '1 microsecond', ${c.param(id)}::int)`);
    }
    const order = slice.direction === 'forward' ? 'DESC' : 'ASC';
    const rows: LiveEntryRow[] = await this.sql.query(
      `SELECT page.* FROM unnest($1::int[]) AS parent(id)
       CROSS JOIN LATERAL (
         SELECT ${LIVE_ENTRY_COLUMNS} FROM live_entry e JOIN article a ON a.id = e.article_id
         WHERE ${c.toSql()}
         ORDER BY e.is_pinned ${order}, e.posted_at ${order}, e.id ${order} LIMIT ${slice.limit + 1}
       ) page`, c.params);
    return groupBy(articleIds, rows, (row) => row.articleId, (row) => row)
      .map((group) => pageOf(group, slice, LiveEntryType.from, entryCursor));
  }

  /** Each entry's public corrections, newest first (as articles' corrections show them). */
  async correctionsFor(entryIds: readonly number[]): Promise<ArticleCorrectionType[][]> {
    const rows: LiveEntryCorrectionRow[] = await this.sql.query(
      `SELECT entry_id AS "entryId", note, created_at AS "createdAt" FROM live_entry_correction
       WHERE entry_id = ANY($1) ORDER BY entry_id, created_at DESC, id DESC`, [entryIds]);
    return groupBy(entryIds, rows, (row) => row.entryId,
      (row) => ArticleCorrectionType.from({ articleId: row.entryId, kind: 'CORRECTION', note: row.note, createdAt: row.createdAt }));
  }
}

function entriesShownTo(visibility: EntryVisibility): string {
  if (visibility === 'feed') return 'true';
  return visibility === 'public' ? `e.deleted_at IS NULL AND ${LISTED_FOR_READERS_SQL}` : 'e.deleted_at IS NULL';
}

function entryCursor(row: LiveEntryRow): string {
  return encodeCursor(CURSOR_KIND, [row.isPinned ? 1 : 0, Number(row.postedUs), row.id]);
}
