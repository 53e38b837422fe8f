import type { Sql } from '../../db/sql';
import type { Lang } from '../../shared/languages';
import { normalizeSlugInput } from '../../shared/slug';
import { normalizeRegionCode } from '../region/region-code';
import type { ArticleFilter } from './article.inputs';
import { LISTED_FOR_READERS_SQL } from './article.visibility';

/**
 * The lists of articles readers see, named once: the latest articles, and those of a place (with the places inside it),
 * a person, a section or a tag, each also narrowed to one language. GraphQL lists (`articles(filter:)`,
 * `Region.articles`, `Person.articles`), the list pages, and feeds are these lists; their cached copies carry the
 * list's tag, and a change purges the tags of the lists the article is in (not every list: a place's page that does
 * not show the article stays cached).
 */
export const LIST_SUBJECT_KINDS = ['region', 'person', 'category', 'tag'] as const;
export type ListSubjectKind = (typeof LIST_SUBJECT_KINDS)[number];
/** A list's subject: its key is a region code, a person's or section's slug, or a tag as written (NFC). */
export type ListSubject = { kind: 'latest' } | { kind: ListSubjectKind; key: string };

/** One list: a subject, narrowed to one language or not. */
export interface ListAddress {
  subject: ListSubject;
  lang: Lang | null;
}

/** What every list's tag starts with (a response holding a list of articles is cached as long as one of articles). */
export const LIST_TAG_PREFIX = 'List:';

/** `List:latest`, `List:region:MA-04`, `List:person:awatif-hayar@fr`: the cache tag of a list, every page and format of it. */
export function listTag(address: ListAddress): string {
  const { subject, lang } = address;
  const name = `${LIST_TAG_PREFIX}${subject.kind === 'latest' ? 'latest' : `${subject.kind}:${subject.key}`}`;
  return lang ? `${name}@${lang}` : name;
}

/**
 * The list a filter draws from, by one of its conditions: any article it shows is in that list, so a change that
 * purges the lists an article is in reaches every filter it could enter. The narrowest condition is taken (a person,
 * then a tag, a section, a place); the others, the dates and `live` only narrow it further.
 */
export function listOfFilter(filter: ArticleFilter | undefined | null): ListAddress {
  const lang = filter?.lang ?? null;
  if (filter?.personSlug) return { subject: { kind: 'person', key: normalizeSlugInput(filter.personSlug) }, lang };
  if (filter?.tag) return { subject: { kind: 'tag', key: filter.tag.normalize('NFC') }, lang };
  if (filter?.categorySlug) return { subject: { kind: 'category', key: normalizeSlugInput(filter.categorySlug) }, lang };
  if (filter?.regionCode) return { subject: { kind: 'region', key: normalizeRegionCode(filter.regionCode) }, lang };
  return { subject: { kind: 'latest' }, lang };
}

interface Membership {
  id: number;
  lang: Lang;
  listed: boolean;
  category: string | null;
  tags: string[];
  people: string[];
  regions: string[];
}

/** Where an article stands: whether readers' lists show it now, and the lists it belongs in by what it is about. */
export interface ArticleLists {
  listed: boolean;
  lists: ListAddress[];
}

/**
 * The lists each article belongs in (latest, its section, its places and every place above them, its people, its
 * tags, each unnarrowed and narrowed to the article's language), and whether readers' lists show it now: a list holds
 * it when both. One statement for any number of articles; an article that no longer exists is absent.
 */
export async function listsHolding(sql: Pick<Sql, 'query'>, articleIds: readonly number[]): Promise<Map<number, ArticleLists>> {
  const ids = [...new Set(articleIds)];
  if (ids.length === 0) return new Map();
  const rows: Membership[] = await sql.query(
    `SELECT a.id, a.lang, (${LISTED_FOR_READERS_SQL}) AS listed, c.slug AS category, a.tags,
       array(SELECT p.slug FROM article_person ap JOIN person p ON p.id = ap.person_id WHERE ap.article_id = a.id ORDER BY p.slug) AS people,
       array(SELECT DISTINCT up.code FROM article_region ar JOIN region r ON r.code = ar.region_code, unnest(r.path) AS up(code)
             WHERE ar.article_id = a.id ORDER BY up.code) AS regions
     FROM article a LEFT JOIN category c ON c.id = a.category_id WHERE a.id = ANY($1::int[])`, [ids]);
  return new Map(rows.map((row) => [row.id, { listed: row.listed, lists: listsOf(row) }]));
}

/** Every list an article appears in: each subject, unnarrowed and narrowed to the article's language. */
function listsOf(row: Membership): ListAddress[] {
  const subjects: ListSubject[] = [
    { kind: 'latest' },
    ...(row.category ? [{ kind: 'category' as const, key: row.category }] : []),
    ...row.regions.map((key) => ({ kind: 'region' as const, key })),
    ...row.people.map((key) => ({ kind: 'person' as const, key })),
    ...row.tags.map((key) => ({ kind: 'tag' as const, key: key.normalize('NFC') })),
  ];
  return subjects.flatMap((subject) => [{ subject, lang: null }, { subject, lang: row.lang }]);
}
