import type { Sql } from '../../db/sql';
import type { Lang } from '../../shared/languages';
import { LISTED_FOR_READERS_SQL } from '../article/article.visibility';
import { regionFeedLinksSql } from '../article/region-feed';
import { IMAGE_VISIBLE_TO_READERS } from '../media/image.row';
import type { Crops } from '../media/image-renditions';
import { FEED_SIZE, type FeedAddress, type FeedSubject } from './feed-address';

/** One entry of a feed: what readers' lists show of an article, and its lead picture. */
export interface FeedItem {
  id: number;
  slug: string;
  title: string;
  summary: string | null;
  lang: Lang;
  publishedAt: Date;
  updatedAt: Date;
  tags: string[];
  category: { id: number; slug: string; nameAr: string; nameFr: string } | null;
  leadImage: FeedImage | null;
}

export interface FeedImage {
  id: number;
  originalHash: string;
  width: number;
  height: number;
  focalX: number;
  focalY: number;
  crops: Crops;
  alt: Partial<Record<string, string>>;
  caption: string | null;
  credit: string | null;
}

/** Who a feed is about, as its title names them; `id` is the row's (people and sections), for their cache tags. */
export interface FeedSubjectRow {
  id: number | null;
  key: string;
  nameAr: string;
  nameOther: string | null;
}

export interface FeedContent {
  /** Null when the feed's region, person or section does not exist (a 404); latest and tags always exist. */
  subject: FeedSubjectRow | null;
  items: FeedItem[];
}

/**
 * The subject row of each kind, `s` (`$1` its key, `$2` the language or null), the condition placing an article `a`
 * in its feed, and for people and places the links to walk in feed order (article_person_feed_idx,
 * article_region_feed_idx) instead of gathering and sorting all their articles.
 */
const SUBJECTS: Record<FeedSubject['kind'], { row: string; from?: string; where: string; order?: string }> = {
  latest: { row: `SELECT NULL::int AS id, coalesce($1::text, 'latest') AS key, NULL::text AS "nameAr", NULL::text AS "nameOther"`, where: 'true' },
  tag: { row: `SELECT NULL::int AS id, $1::text AS key, $1::text AS "nameAr", NULL::text AS "nameOther"`, where: 'a.tags @> ARRAY[s.key]' },
  category: {
    row: `SELECT c.id, c.slug AS key, c.name_ar AS "nameAr", c.name_fr AS "nameOther" FROM category c WHERE c.slug = $1`,
    where: 'a.category_id = s.id',
  },
  region: {
    row: `SELECT NULL::int AS id, r.code AS key, r.name_ar AS "nameAr", r.name_fr AS "nameOther" FROM region r WHERE r.code = $1`,
    // Sub-regions included: the newest links of every place inside the feed's region, merged.
    from: `${regionFeedLinksSql('s.key', FEED_SIZE, ['($2::text IS NULL OR la.lang = $2)'], true)} lk JOIN article a ON a.id = lk.article_id`,
    where: 'true',
    order: 'lk.feed_at DESC, lk.article_id DESC',
  },
  person: {
    row: `SELECT p.id, p.slug AS key, p.name_ar AS "nameAr", p.name_latin AS "nameOther" FROM person p WHERE p.slug = $1`,
    from: 'article_person ap JOIN article a ON a.id = ap.article_id',
    where: 'ap.person_id = s.id AND ap.feed_at <= now()',
    order: 'ap.feed_at DESC, ap.article_id DESC',
  },
};

const ITEM_COLUMNS = `a.id, a.slug, a.title, a.summary, a.lang, a.published_at AS "publishedAt", a.updated_at AS "updatedAt", a.tags,
  CASE WHEN c.id IS NOT NULL THEN json_build_object('id', c.id, 'slug', c.slug, 'nameAr', c.name_ar, 'nameFr', c.name_fr) END AS category,
  CASE WHEN i.id IS NOT NULL THEN json_build_object('id', i.id, 'originalHash', i.original_hash, 'width', i.width, 'height', i.height,
    'focalX', i.focal_x, 'focalY', i.focal_y, 'crops', i.crops, 'alt', i.alt, 'caption', i.caption, 'credit', i.credit) END AS "leadImage"`;

/** The one statement of each kind of feed: its subject (no row: it does not exist) and its newest items, one per row. */
const STATEMENTS = Object.fromEntries(Object.entries(SUBJECTS).map(([kind, subject]) => {
  const order = subject.order ?? 'a.published_at DESC, a.id DESC';
  return [kind, `
    SELECT row_to_json(s) AS subject, page.* FROM (${subject.row}) s
    LEFT JOIN LATERAL (
      SELECT ${ITEM_COLUMNS}
      FROM ${subject.from ?? 'article a'}
      LEFT JOIN category c ON c.id = a.category_id
      LEFT JOIN image i ON i.id = a.lead_image_id AND ${IMAGE_VISIBLE_TO_READERS}
      WHERE ${subject.where} AND ${LISTED_FOR_READERS_SQL} AND ($2::text IS NULL OR a.lang = $2)
      ORDER BY ${order} LIMIT ${FEED_SIZE}
    ) page ON true`];
})) as Record<FeedSubject['kind'], string>;

type Row = Omit<FeedItem, 'id'> & { id: number | null; subject: FeedSubjectRow };

/** Reads one feed document's content in one statement, whatever its kind and size. */
export async function readFeed(sql: Sql, address: FeedAddress): Promise<FeedContent> {
  const { subject, lang } = address;
  const key = subject.kind === 'latest' ? null : subject.key;
  const rows: Row[] = await sql.query(STATEMENTS[subject.kind], [key, lang]);
  if (rows.length === 0) return { subject: null, items: [] };
  const items = rows.filter((row) => row.id !== null).map(({ subject: _subject, ...item }) => item as FeedItem);
  return { subject: rows[0].subject, items };
}
