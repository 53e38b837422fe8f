import type { Sql } from '../../db/sql';
import type { PersonEntity } from './person.entity';
import { PersonType } from './person.type';
import { groupBy, pickBy } from '../../shared/group-by';
import { Fields, Projection } from '../../db/projection';
import { decodeCursor, encodeCursor, Page, pageOf, PageArgs, sliceOf } from '../../shared/relay';
import { Conditions } from '../../db/conditions';
import { bindSearch, personSearch } from '../search/search.sql';
import { decodeRankedCursor } from '../search/search-cursor';
import type { SearchSupport } from '../search/search-support';

/** A person row: `id` and `slug` always (global id, their articles, cache tags), the rest as shown. */
const PERSON = new Projection({
  columns: {
    id: 'p.id', slug: 'p.slug', nameAr: 'p.name_ar', nameLatin: 'p.name_latin', aliases: 'p.aliases',
    roleAr: 'p.role_ar', roleFr: 'p.role_fr', bio: 'p.bio',
  },
  always: ['id', 'slug'],
});

export const PERSON_COLUMNS = PERSON.select();

/** The people the article `a` mentions, in editorial order, as a JSON array of person rows with the fields shown. */
export function articlePeopleJson(fields: Fields): string {
  return PERSON.jsonArray(fields, 'FROM article_person ap JOIN person p ON p.id = ap.person_id WHERE ap.article_id = a.id', 'ap.position');
}

const CURSOR_KIND = 'person';
const SEARCH_CURSOR_KIND = 'person-search';

export class PersonService {
  constructor(private readonly sql: Sql, private readonly searchSupport: SearchSupport) {}

  async byIds(ids: readonly number[]): Promise<(PersonType | null)[]> {
    const rows: PersonEntity[] = await this.sql.query(`SELECT ${PERSON_COLUMNS} FROM person p WHERE p.id = ANY($1)`, [ids]);
    return pickBy(ids, rows, (row) => row.id, PersonType.from);
  }

  async bySlug(slug: string): Promise<PersonType | null> {
    const [row] = await this.sql.query(`SELECT ${PERSON_COLUMNS} FROM person p WHERE p.slug = $1`, [slug]);
    return row ? PersonType.from(row) : null;
  }

  async forArticles(articleIds: readonly number[]): Promise<PersonType[][]> {
    // Joined from unnest, whose few rows lead PostgreSQL to look people up by key: with `ap.article_id = ANY($1)`
    // (an array of unknown length in the prepared statement's generic plan) it hashed the whole person table.
    const rows: (PersonEntity & { articleId: number })[] = await this.sql.query(
      `SELECT ap.article_id AS "articleId", ${PERSON_COLUMNS}
       FROM unnest($1::int[]) AS page(article_id) JOIN article_person ap USING (article_id) JOIN person p ON p.id = ap.person_id
       ORDER BY ap.article_id, ap.position`, [articleIds]);
    return groupBy(articleIds, rows, (row) => row.articleId, PersonType.from);
  }

  /** People in Arabic alphabetical order, or, with a query, the people it finds, best match first. */
  async page(args: Partial<PageArgs>, query?: string): Promise<Page<PersonType>> {
    return query ? this.searchPage(args, query) : this.alphabeticalPage(args);
  }

  private async alphabeticalPage(args: Partial<PageArgs>): Promise<Page<PersonType>> {
    const slice = sliceOf(args, (cursor, field) => decodeCursor(CURSOR_KIND, cursor, field, ['string', 'number']));
    const forward = slice.direction === 'forward';
    const c = new Conditions();
    if (slice.cursor) c.add(`(p.name_ar, p.id) ${forward ? '>' : '<'} (${c.param(slice.cursor[0])}, ${c.param(slice.cursor[1])})`);
    const order = forward ? 'ASC' : 'DESC';
    const rows: PersonEntity[] = await this.sql.query(
      `SELECT ${PERSON_COLUMNS} FROM person p WHERE ${c.toSql()}
       ORDER BY p.name_ar ${order}, p.id ${order} LIMIT ${slice.limit + 1}`, c.params);
    return pageOf(rows, slice, PersonType.from, (row) => encodeCursor(CURSOR_KIND, [row.nameAr, row.id]));
  }

  /**
   * People matching a search query (any spelling of the name), best match first, then alphabetical. The key is the
   * negated rank as real (float4), whose text form round-trips exactly, so cursors resume at the very row.
   */
  private async searchPage(args: Partial<PageArgs>, query: string): Promise<Page<PersonType>> {
    const slice = sliceOf(args, (cursor, field) => decodeRankedCursor(SEARCH_CURSOR_KIND, cursor, field, ['string', 'number']) as [string, string, number]);
    const forward = slice.direction === 'forward';
    const c = new Conditions();
    const match = personSearch(bindSearch(c, query, false), this.searchSupport.trigrams);
    if (slice.cursor) {
      const [key, name, id] = slice.cursor;
      c.add(`(s.key, s."nameAr", s.id) ${forward ? '>' : '<'} (${c.param(key)}::real, ${c.param(name)}, ${c.param(id)}::int)`);
    }
    const order = forward ? 'ASC' : 'DESC';
    // The tsquery is built once in `q` (not per row); the rank is computed once per row, below the cursor condition.
    const rows: (PersonEntity & { keyText: string })[] = await this.sql.query(
      `WITH q AS MATERIALIZED (${match.q})
       SELECT s.*, s.key::text AS "keyText" FROM (
         SELECT ${PERSON_COLUMNS}, -(${match.rank}) AS key, ${match.exact} AS exact, bool_or(${match.exact}) OVER () AS any_exact
         FROM person p, q WHERE ${match.where}
       ) s WHERE (s.exact OR NOT s.any_exact) AND ${c.toSql()}
       ORDER BY s.key ${order}, s."nameAr" ${order}, s.id ${order} LIMIT ${slice.limit + 1}`, c.params);
    return pageOf(rows, slice, PersonType.from, (row) => encodeCursor(SEARCH_CURSOR_KIND, [row.keyText, row.nameAr, row.id]));
  }
}
