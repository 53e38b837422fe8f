import type { Sql } from '../../db/sql';
import type { PersonRow } from './person.row';
import { PersonType } from './person.type';
import { groupBy, pickBy } from '../../shared/group-by';
import { Projection } from '../../db/projection';
import { decodeCursor, encodeCursor, Page, pageOf, PageArgs, sliceOf } from '../../shared/relay';
import { Conditions } from '../../db/conditions';

/** A row of `person p`: `id` and `slug` always (global id, their articles, cache tags), the rest as shown. */
export const PERSON = new Projection({
  columns: {
    id: 'p.id', slug: 'p.slug', nameAr: 'p.name_ar', nameLatin: 'p.name_latin', aliases: 'p.aliases',
    roleAr: 'p.role_ar', roleFr: 'p.role_fr', bio: 'p.bio', portraitId: 'p.portrait_id',
  },
  always: ['id', 'slug'],
  needs: { portrait: ['portraitId'] },
});

export const PERSON_COLUMNS = PERSON.select();

const CURSOR_KIND = 'person';

export class PersonService {
  constructor(private readonly sql: Sql) {}

  async byIds(ids: readonly number[]): Promise<(PersonType | null)[]> {
    const rows: PersonRow[] = await this.sql.query(`SELECT ${PERSON_COLUMNS} FROM person p WHERE p.id = ANY($1)`, [ids]);
    return pickBy(ids, rows, (row) => row.id, PersonType.from);
  }

  async bySlug(slug: string): Promise<PersonType | null> {
    const [row] = await this.sql.query(`SELECT ${PERSON_COLUMNS} FROM person p WHERE p.slug = $1`, [slug]);
    return row ? PersonType.from(row) : null;
  }

  async forArticles(articleIds: readonly number[]): Promise<PersonType[][]> {
    // Joined from unnest, whose few rows lead PostgreSQL to look people up by key: with `ap.article_id = ANY($1)`
    // (an array of unknown length in the prepared statement's generic plan) it hashed the whole person table.
    const rows: (PersonRow & { articleId: number })[] = await this.sql.query(
      `SELECT ap.article_id AS "articleId", ${PERSON_COLUMNS}
       FROM unnest($1::int[]) AS page(article_id) JOIN article_person ap USING (article_id) JOIN person p ON p.id = ap.person_id
       ORDER BY ap.article_id, ap.position`, [articleIds]);
    return groupBy(articleIds, rows, (row) => row.articleId, PersonType.from);
  }

  /** People in Arabic alphabetical order (search/people-search.service.ts finds them by name). */
  async page(args: Partial<PageArgs>): Promise<Page<PersonType>> {
    const slice = sliceOf(args, (cursor, field) => decodeCursor(CURSOR_KIND, cursor, field, ['string', 'number']));
    const forward = slice.direction === 'forward';
    const c = new Conditions();
    if (slice.cursor) c.add(`(p.name_ar, p.id) ${forward ? '>' : '<'} (${c.param(slice.cursor[0])}, ${c.param(slice.cursor[1])})`);
    const order = forward ? 'ASC' : 'DESC';
    const rows: PersonRow[] = await this.sql.query(
      `SELECT ${PERSON_COLUMNS} FROM person p WHERE ${c.toSql()}
       ORDER BY p.name_ar ${order}, p.id ${order} LIMIT ${slice.limit + 1}`, c.params);
    return pageOf(rows, slice, PersonType.from, (row) => encodeCursor(CURSOR_KIND, [row.nameAr, row.id]));
  }
}
