import type { Sql } from '../../db/sql';
import type { Lang } from '../../shared/languages';
import { ARTICLE_EVENTS } from '../article/article.events';
import { LISTED_FOR_READERS_SQL } from '../article/article.visibility';
import type { FeedAddress, FeedSubject } from './feed-address';

/** An outbox event as far as feeds care: its topic, kind and entity. */
export interface FeedChange {
  topic: string;
  kind: string;
  entityId: number;
}

const REMOVALS = new Set<string>(ARTICLE_EVENTS.kindsWhere((meaning) => meaning.removal));

interface Membership {
  id: number;
  lang: Lang;
  listed: boolean;
  category: string | null;
  tags: string[];
  people: string[];
  regions: string[];
}

/**
 * The feeds each article event changed, every language variant that holds the article: the feeds the article is in
 * now (latest, its section, its places and their parents, its people, its tags), when readers' lists show it, or when
 * the event took it out of them (retracted, unpublished, archived). One statement for a batch of events; events of
 * other topics change no feed.
 */
export async function changedFeeds(sql: Sql, changes: readonly FeedChange[]): Promise<FeedAddress[][]> {
  const articleIds = [...new Set(changes.filter((change) => ARTICLE_EVENTS.owns(change)).map((change) => change.entityId))];
  if (articleIds.length === 0) return changes.map(() => []);
  const rows: Membership[] = await sql.query(
    `SELECT a.id, a.lang, (${LISTED_FOR_READERS_SQL}) AS listed, c.slug AS category, a.tags,
       array(SELECT p.slug FROM article_person ap JOIN person p ON p.id = ap.person_id WHERE ap.article_id = a.id ORDER BY p.slug) AS people,
       array(SELECT DISTINCT up.code FROM article_region ar JOIN region r ON r.code = ar.region_code, unnest(r.path) AS up(code)
             WHERE ar.article_id = a.id ORDER BY up.code) AS regions
     FROM article a LEFT JOIN category c ON c.id = a.category_id WHERE a.id = ANY($1::int[])`, [articleIds]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return changes.map((change) => {
    const row = ARTICLE_EVENTS.owns(change) ? byId.get(change.entityId) : undefined;
    if (!row || !(row.listed || REMOVALS.has(change.kind))) return [];
    return feedsHolding(row);
  });
}

/** Every feed an article appears in: each subject, unnarrowed and narrowed to the article's language. */
function feedsHolding(row: Membership): FeedAddress[] {
  const subjects: FeedSubject[] = [
    { kind: 'latest' },
    ...(row.category ? [{ kind: 'category' as const, key: row.category }] : []),
    ...row.regions.map((key) => ({ kind: 'region' as const, key })),
    ...row.people.map((key) => ({ kind: 'person' as const, key })),
    ...row.tags.map((key) => ({ kind: 'tag' as const, key: key.normalize('NFC') })),
  ];
  return subjects.flatMap((subject) => [{ subject, lang: null }, { subject, lang: row.lang }]);
}
