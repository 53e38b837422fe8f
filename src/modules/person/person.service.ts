import type { Sql } from '../../db/sql';
import type { PersonEntity } from './person.entity';
import { PersonType } from './person.type';
import { groupBy, pickBy } from '../../shared/group-by';
import { decodeCursor, encodeCursor, Page, pageOf, PageArgs, sliceOf } from '../../shared/relay';

export const PERSON_COLUMNS = `p.id, p.slug, p.name_ar AS "nameAr", p.name_latin AS "nameLatin", p.aliases,
  p.role_ar AS "roleAr", p.role_fr AS "roleFr", p.bio`;

const CURSOR_KIND = 'person';

export class PersonService {
  constructor(private readonly sql: Sql) {}

  async byIds(ids: readonly number[]): Promise<(PersonType | null)[]> {
    const rows: PersonEntity[] = await this.sql.query(`SELECT ${PERSON_COLUMNS} FROM person p WHERE p.id = ANY($1)`, [ids]);
    return pickBy(ids, rows, (row) => row.id, PersonType.from);
  }

  async bySlug(slug: string): Promise<PersonType | null> {
    const [row] = await this.sql.query(`SELECT ${PERSON_COLUMNS} FROM person p WHERE p.slug = $1`, [slug]);
    return row ? PersonType.from(row) : null;
  }

  async forArticles(articleIds: readonly number[]): Promise<PersonType[][]> {
    const rows: (PersonEntity & { articleId: number })[] = await this.sql.query(
      `SELECT ap.article_id AS "articleId", ${PERSON_COLUMNS}
       FROM article_person ap JOIN person p ON p.id = ap.person_id
       WHERE ap.article_id = ANY($1) ORDER BY ap.article_id, ap.position`, [articleIds]);
    return groupBy(articleIds, rows, (row) => row.articleId, PersonType.from);
  }

  /** People in Arabic alphabetical order, optionally only those whose names contain `query`. */
  async page(args: Partial<PageArgs>, query?: string): Promise<Page<PersonType>> {
    const slice = sliceOf(args, (cursor, field) => decodeCursor(CURSOR_KIND, cursor, field, ['string', 'number']));
    const forward = slice.direction === 'forward';
    const params: unknown[] = [];
    const where: string[] = [];
    if (query) {
      params.push(`%${query.replace(/[\\%_]/g, '\\$&')}%`);
      where.push(`(p.name_ar ILIKE $${params.length} OR p.name_latin ILIKE $${params.length}
        OR array_to_string(p.aliases, ' ') ILIKE $${params.length})`);
    }
    if (slice.cursor) {
      params.push(slice.cursor[0], slice.cursor[1]);
      where.push(`(p.name_ar, p.id) ${forward ? '>' : '<'} ($${params.length - 1}, $${params.length})`);
    }
    const order = forward ? 'ASC' : 'DESC';
    const rows: PersonEntity[] = await this.sql.query(
      `SELECT ${PERSON_COLUMNS} FROM person p ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY p.name_ar ${order}, p.id ${order} LIMIT ${slice.limit + 1}`, params);
    return pageOf(rows, slice, PersonType.from, (row) => encodeCursor(CURSOR_KIND, [row.nameAr, row.id]));
  }
}
