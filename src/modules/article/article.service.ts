import type { Sql } from '../../db/sql';
import { ArticleFilter } from './article.inputs';
import { addArticleFilter } from './article.filter';
import { LISTED_FOR_READERS_SQL, VISIBLE_TO_READERS_SQL } from './article.visibility';
import { Conditions } from '../../db/conditions';
import type { ArticleRow } from './article.row';
import type { Lang } from '../../shared/languages';
import { ArticleType } from './article.type';
import type { ArticleCorrectionRow, ArticleRevisionRow, ArticleStatus, BodyBlock } from './article.row';
import { ArticleCorrectionType, ArticleRevisionType } from './article-history.type';
import { groupBy, pickBy } from '../../shared/group-by';
import { normalizeSlugInput } from '../../shared/slug';
import { ArticleShape, perShape, relationColumns } from './article.shape';
import { Fields, Projection } from '../../db/projection';
import { PERSON } from '../person/person.service';
import { PersonType } from '../person/person.type';
import type { PersonRow } from '../person/person.row';
import type { RegionRow } from '../region/region.row';
import { REGION } from '../region/region.service';
import { RegionType } from '../region/region.type';
import { IS_STALE_SQL, LANG_ORDER_SQL } from './article.translations';
import { regionFeedLinksSql } from './region-feed';
import { decodeCursor, encodeCursor, ForwardPageArgs, Page, pageOf, PageArgs, Slice, sliceOf } from '../../shared/relay';

/** An article's columns by property, in select-list order. */
const ARTICLE_PROPERTIES = {
  id: 'a.id', slug: 'a.slug', title: 'a.title', kicker: 'a.kicker', summary: 'a.summary', lang: 'a.lang', status: 'a.status',
  publishedAt: 'a.published_at', updatedAt: 'a.updated_at', hasVideo: 'a.has_video', categoryId: 'a.category_id', leadImageId: 'a.lead_image_id',
  tags: 'a.tags', version: 'a.version', editorNote: 'a.editor_note',
  publishedUs: '(extract(epoch FROM a.published_at) * 1000000)::bigint',
  sourceVersion: 'a.source_version', sourceId: 'a.source_id',
};
// id: global id, relations and cache tags; status: what readers see of it; publishedUs: its cursor.
const ALWAYS = ['id', 'status', 'publishedUs'];
const NEEDS = {
  dir: ['lang'], body: ['lang'], category: ['categoryId'], displayDate: ['publishedAt'], leadImage: ['leadImageId', 'lang'],
  translationSource: ['sourceId'], isStale: ['sourceId'],
  // A page's structured data reads its body with the row; a list's, through the loader (one statement a list).
  structuredData: ['slug', 'title', 'summary', 'lang', 'publishedAt', 'updatedAt', 'tags', 'categoryId', 'leadImageId', 'body'],
};

/** What lists read of an article: never the body, the bulk of a row, which `Article.body` loads when a list shows it. */
const ARTICLE_LIST = new Projection({ columns: ARTICLE_PROPERTIES, always: ALWAYS, needs: NEEDS });

/** What an article page reads: the body too when it shows it. */
const ARTICLE_PAGE = new Projection({ columns: { ...ARTICLE_PROPERTIES, body: 'a.body' }, always: ALWAYS, needs: NEEDS });

/** The columns of an article list for what the operation shows of its articles, the relations it shows included. */
export const articleListColumns = perShape((shape) => ARTICLE_LIST.select(shape.fields) + relationColumns(shape));

/** An article page's statement for what the operation shows, for each kind of viewer. */
const articlePageStatements = perShape((shape): Record<Visibility, string> => {
  const select = `SELECT ${ARTICLE_PAGE.select(shape.fields)}${relationColumns(shape)} FROM article a WHERE a.slug = $1`;
  return { public: `${select} AND ${visibleSql('public')}`, editorial: `${select} AND ${visibleSql('editorial')}` };
});

/** A whole article row, the body too: a loader's read, a write's result. */
export const ARTICLE_COLUMNS = ARTICLE_PAGE.select();

/** Which articles a viewer may read: readers only published (or retracted) ones whose time has come. */
export type Visibility = 'public' | 'editorial';

function visibleSql(visibility: Visibility): string {
  return visibility === 'public' ? VISIBLE_TO_READERS_SQL : 'true';
}

const CURSOR_KIND = 'article';
const DESK_CURSOR_KIND = 'desk';

export type ParentKind = 'person' | 'region';

/** One language version of a story as `hreflang` alternates name it. */
export interface ArticleAlternate {
  articleId: number;
  lang: Lang;
  slug: string;
}
type ParentRow = ArticleRow & { parentKey: string };

type ParentOf<K extends ParentKind> = K extends 'person' ? PersonType : RegionType;

/** A person or region and its first page of articles, read together. */
export interface ParentWithPage<K extends ParentKind> {
  parent: ParentOf<K>;
  page: Page<ArticleType>;
}

/** Where a person or region is looked up (by slug, by code), the key its articles are linked by, and its row. */
const PARENT_SOURCES: { [K in ParentKind]: ParentSource<K> } = {
  person: { table: 'person p', lookup: 'p.slug', key: 'p.id', projection: PERSON, from: PersonType.from },
  region: { table: 'region r', lookup: 'r.code', key: 'r.code', projection: REGION, from: RegionType.from },
};

interface ParentSource<K extends ParentKind> {
  table: string;
  lookup: string;
  key: string;
  projection: Projection;
  from: (row: K extends 'person' ? PersonRow : RegionRow) => ParentOf<K>;
}

/** Reads articles, newest first with keyset cursors on (published_at, id). */
export class ArticleService {
  constructor(private readonly sql: Sql) {}

  async byIds(ids: readonly number[], visibility: Visibility): Promise<(ArticleType | null)[]> {
    const rows: ArticleRow[] = await this.sql.query(
      `SELECT ${ARTICLE_COLUMNS} FROM article a WHERE a.id = ANY($1) AND ${visibleSql(visibility)}`, [ids]);
    return pickBy(ids, rows, (row) => row.id, (row) => this.shown(row, visibility));
  }

  /** An article page: the fields and relations the shape shows, in one statement. */
  async bySlug(slug: string, visibility: Visibility, shape: ArticleShape): Promise<ArticleType | null> {
    const [row] = await this.sql.query(articlePageStatements(shape)[visibility], [normalizeSlugInput(slug)]);
    return row ? this.shown(row, visibility) : null;
  }

  /** The bodies of articles read from a list, withheld from readers as `shown` withholds them. */
  async bodies(ids: readonly number[], visibility: Visibility): Promise<BodyBlock[][]> {
    const rows: { id: number; body: BodyBlock[] }[] = await this.sql.query(
      `SELECT a.id, ${visibility === 'public' ? `CASE WHEN a.status = 'RETRACTED' THEN '[]'::jsonb ELSE a.body END` : 'a.body'} AS body
       FROM article a WHERE a.id = ANY($1)`, [ids]);
    return pickBy(ids, rows, (row) => row.id, (row) => row.body).map((body) => body ?? []);
  }

  /** The editors' desk: every article (or those in one status), most recently changed first; drafts page like the rest. */
  async deskPage(status: ArticleStatus | undefined, args: ForwardPageArgs, shape: ArticleShape): Promise<Page<ArticleType>> {
    const slice = sliceOf(args, (cursor, field) => decodeCursor(DESK_CURSOR_KIND, cursor, field, ['number', 'number']) as [number, number]);
    const c = new Conditions();
    if (status) c.add(`a.status = ${c.param(status)}`);
    addCursorCondition(c, slice, 'a.updated_at, a.id');
    const rows: ArticleRow[] = await this.sql.query(
      `SELECT ${articleListColumns(shape)}, (extract(epoch FROM a.updated_at) * 1000000)::bigint AS "updatedUs"
       FROM article a WHERE ${c.toSql()} ORDER BY a.updated_at DESC, a.id DESC LIMIT ${slice.limit + 1}`, c.params);
    return pageOf(rows, slice, ArticleType.from, (row) => encodeCursor(DESK_CURSOR_KIND, [Number(row.updatedUs), row.id]));
  }

  /** A page of the public feed. */
  async page(filter: ArticleFilter | undefined, args: Partial<PageArgs>, shape: ArticleShape): Promise<Page<ArticleType>> {
    const slice = sliceOf(args, decodeArticleCursor);
    const conditions = this.filterConditions(filter);
    addCursorCondition(conditions, slice);
    const order = slice.direction === 'forward' ? 'DESC' : 'ASC';
    const rows: ArticleRow[] = await this.sql.query(
      `SELECT ${articleListColumns(shape)} FROM article a WHERE ${conditions.toSql()}
       ORDER BY a.published_at ${order}, a.id ${order} LIMIT ${slice.limit + 1}`, conditions.params);
    return pageOf(rows, slice, ArticleType.from, articleCursor);
  }

  async count(filter: ArticleFilter | undefined): Promise<number> {
    const conditions = this.filterConditions(filter);
    const [row] = await this.sql.query(`SELECT count(*)::int AS n FROM article a WHERE ${conditions.toSql()}`, conditions.params);
    return row.n;
  }

  /** One page of public articles for each person or region, in one statement (a LATERAL join per parent). */
  async pagesForParents(
    kind: ParentKind, parents: readonly (number | string)[], args: ForwardPageArgs, shape: ArticleShape,
  ): Promise<Page<ArticleType>[]> {
    const slice = sliceOf(args, decodeArticleCursor);
    const keys = parents.map(String);
    const [values, c] = parentRows(keys);
    const rows: ParentRow[] = await this.sql.query(
      `SELECT parent.key AS "parentKey", page.* FROM ${values} AS parent(key)
       CROSS JOIN LATERAL (${parentPageSql(kind, kind === 'person' ? 'parent.key::int' : 'parent.key', c, slice, articleListColumns(shape))}) page`,
      c.params);
    return groupBy(keys, rows, (row) => row.parentKey, (row) => row)
      .map((group) => pageOf(group, slice, ArticleType.from, articleCursor));
  }

  /**
   * People by slug or regions by code, each with the fields shown of it (`fields`) and its first page of articles, in one
   * statement: a person's or region's page asks the database once, as it does PostGraphile. Null for a lookup that
   * finds none.
   */
  async parentsWithPages<K extends ParentKind>(
    kind: K, lookups: readonly string[], fields: Fields, args: ForwardPageArgs, shape: ArticleShape,
  ): Promise<(ParentWithPage<K> | null)[]> {
    const slice = sliceOf(args, decodeArticleCursor);
    const source = PARENT_SOURCES[kind] as ParentSource<K>;
    const c = new Conditions([lookups.length === 1 ? lookups[0] : lookups]);
    const rows: (ArticleRow & { parentKey: string; parentRow: K extends 'person' ? PersonRow : RegionRow })[] = await this.sql.query(
      `SELECT parent.lookup AS "parentKey", parent.row AS "parentRow", page.*
       FROM (SELECT ${source.lookup} AS lookup, ${source.key} AS key, ${source.projection.json(fields)} AS row
             FROM ${source.table} WHERE ${source.lookup} ${lookups.length === 1 ? '= $1' : '= ANY($1)'}) AS parent
       LEFT JOIN LATERAL (${parentPageSql(kind, 'parent.key', c, slice, articleListColumns(shape))}) page ON true`, c.params);
    return groupBy(lookups, rows, (row) => row.parentKey, (row) => row).map((group) => group.length === 0 ? null : {
      parent: source.from(group[0].parentRow),
      page: pageOf(group.filter((row) => row.id !== null), slice, ArticleType.from, articleCursor),
    });
  }

  /**
   * The other members of each article's translation group the viewer may see, in the allow-list's language order:
   * readers get only those listed for them (published, their time come), so a draft translation never shows.
   * One statement for a whole page of articles.
   */
  async translationsFor(ids: readonly number[], visibility: Visibility): Promise<ArticleType[][]> {
    const rows: (ArticleRow & { forId: number })[] = await this.sql.query(
      `SELECT page.id AS "forId", ${ARTICLE_LIST.select()}
       FROM unnest($1::int[]) AS page(id) JOIN article s ON s.id = page.id
       JOIN article a ON a.translation_group = s.translation_group AND a.id <> s.id
       WHERE ${visibility === 'public' ? LISTED_FOR_READERS_SQL : 'true'}
       ORDER BY page.id, ${LANG_ORDER_SQL}`, [ids]);
    return groupBy(ids, rows, (row) => row.forId, (row) => this.shown(row, visibility));
  }

  /**
   * The `hreflang` alternates of each article, for pages, sitemaps and feeds: every member of its translation group
   * that readers' lists show, the article itself included (as hreflang asks), in the allow-list's language order;
   * an article with no published translation has just itself, and one readers cannot see has none. One statement.
   */
  async alternatesFor(ids: readonly number[]): Promise<ArticleAlternate[][]> {
    const rows: (ArticleAlternate & { forId: number })[] = await this.sql.query(
      `SELECT page.id AS "forId", m.id AS "articleId", m.lang, m.slug
       FROM unnest($1::int[]) AS page(id)
       CROSS JOIN LATERAL (SELECT a.id, a.translation_group FROM article a WHERE a.id = page.id AND ${LISTED_FOR_READERS_SQL}) s
       CROSS JOIN LATERAL (
         SELECT a.id, a.lang, a.slug, ${LANG_ORDER_SQL} AS position FROM article a
         WHERE (a.id = s.id OR a.translation_group = s.translation_group) AND ${LISTED_FOR_READERS_SQL}
       ) m
       ORDER BY page.id, m.position`, [ids]);
    return groupBy(ids, rows, (row) => row.forId, ({ forId: _forId, ...alternate }) => alternate);
  }

  /** `Article.isStale` of each article: null for one that is no translation. */
  async stalenessFor(ids: readonly number[]): Promise<(boolean | null)[]> {
    const rows: { id: number; isStale: boolean | null }[] = await this.sql.query(
      `SELECT a.id, ${IS_STALE_SQL} AS "isStale" FROM article a WHERE a.id = ANY($1)`, [ids]);
    return pickBy(ids, rows, (row) => row.id, (row) => row.isStale);
  }

  /** Each article's revisions, newest first. */
  async revisionsFor(ids: readonly number[]): Promise<ArticleRevisionType[][]> {
    const rows: ArticleRevisionRow[] = await this.sql.query(
      `SELECT article_id AS "articleId", version, action, author_name AS "authorName", changed_fields AS "changedFields",
              snapshot, created_at AS "createdAt"
       FROM article_revision WHERE article_id = ANY($1) ORDER BY article_id, version DESC`, [ids]);
    return groupBy(ids, rows, (row) => row.articleId, ArticleRevisionType.from);
  }

  /** Each article's public corrections and retraction, newest first. */
  async correctionsFor(ids: readonly number[]): Promise<ArticleCorrectionType[][]> {
    const rows: ArticleCorrectionRow[] = await this.sql.query(
      `SELECT article_id AS "articleId", kind, note, created_at AS "createdAt"
       FROM article_correction WHERE article_id = ANY($1) ORDER BY article_id, created_at DESC, id DESC`, [ids]);
    return groupBy(ids, rows, (row) => row.articleId, ArticleCorrectionType.from);
  }

  private shown(row: ArticleRow, visibility: Visibility): ArticleType {
    const article = ArticleType.from(row);
    return visibility === 'public' ? article.withheldIfRetracted() : article;
  }

  private filterConditions(filter: ArticleFilter | undefined): Conditions {
    const c = new Conditions();
    c.add(LISTED_FOR_READERS_SQL);
    return addArticleFilter(c, filter);
  }

}

/**
 * The parents of a batched page as rows, with their parameter as $1. A single parent (a person's or region's own page)
 * is a plain value: PostgreSQL then settles on one generic plan for the statement, whereas an array of unknown length
 * (unnest is assumed to give ten rows) made every call's custom plan look cheaper, and it planned every call.
 */
function parentRows(keys: string[]): [string, Conditions] {
  return keys.length === 1 ? ['(VALUES ($1::text))', new Conditions([keys[0]])] : ['unnest($1::text[])', new Conditions([keys])];
}

/**
 * The page of the parent whose key is the SQL expression `key` (a person's id, a region's code), as a subquery for a
 * LATERAL join: the `columns` of its listed articles after the slice's cursor, in feed order. Both walk links in feed
 * order (links carry their article's `feed_at`), so a page costs its own rows however deep it is and however many
 * articles the parent has: a person's own links (article_person_feed_idx), a region's those of each place inside it
 * (article_region_feed_idx, regionFeedLinksSql).
 */
function parentPageSql(kind: ParentKind, key: string, c: Conditions, slice: Slice<[number, number]>, columns: string): string {
  if (kind === 'person') {
    c.add(`ap.person_id = ${key} AND ap.feed_at <= now()`);
    addCursorCondition(c, slice, 'ap.feed_at, ap.article_id');
    return `SELECT ${columns} FROM (
         SELECT ap.article_id, ap.feed_at FROM article_person ap WHERE ${c.toSql()}
         ORDER BY ap.feed_at DESC, ap.article_id DESC LIMIT ${slice.limit + 1}
       ) link
       JOIN article a ON a.id = link.article_id AND ${LISTED_FOR_READERS_SQL}
       ORDER BY link.feed_at DESC, link.article_id DESC`;
  }
  addCursorCondition(c, slice, 'ar.feed_at, ar.article_id');
  return `SELECT ${columns} FROM ${regionFeedLinksSql(key, slice.limit + 1, c.parts)} link
       JOIN article a ON a.id = link.article_id AND ${LISTED_FOR_READERS_SQL}
       ORDER BY link.feed_at DESC, link.article_id DESC`;
}

/** Keyset condition for a cursor of (microseconds, id) on `keyColumns` (a timestamp and an id), in the slice's direction. */
function addCursorCondition(c: Conditions, slice: Slice<[number, number]>, keyColumns = 'a.published_at, a.id'): void {
  if (!slice.cursor) return;
  const [micros, id] = slice.cursor;
  const at = c.param(micros);
  const key = c.param(id);
  const op = slice.direction === 'forward' ? '<' : '>';
  c.add(`(${keyColumns}) ${op} (timestamptz 'epoch' + ${at}::bigint * interval '1 microsecond', ${key}::int)`);
}

function articleCursor(row: ArticleRow): string {
  return encodeCursor(CURSOR_KIND, [Number(row.publishedUs), row.id]);
}

export function decodeArticleCursor(cursor: string, field: string): [number, number] {
  return decodeCursor(CURSOR_KIND, cursor, field, ['number', 'number']) as [number, number];
}
