import type { Sql } from '../../db/sql';
import { Conditions } from '../../db/conditions';
import { encodeCursor, Page, pageOf, PageArgs, sliceOf } from '../../shared/relay';
import { PERSON_COLUMNS } from '../person/person.service';
import { PersonType } from '../person/person.type';
import type { PersonRow } from '../person/person.row';
import { bindSearch, personSearch } from './search.sql';
import { decodeRankedCursor } from './search-cursor';
import type { SearchSupport } from './search-support';

const CURSOR_KIND = 'person-search';

/** Finds people by any spelling of their names (the `people(query:)` half of the people list). */
export class PeopleSearchService {
  constructor(private readonly sql: Sql, private readonly searchSupport: SearchSupport) {}

  /**
   * People matching a search query (any spelling of the name), best match first, then alphabetical. The key is the
   * negated rank as real (float4), whose text form round-trips exactly, so cursors resume at the very row.
   */
  async page(args: Partial<PageArgs>, query: string): Promise<Page<PersonType>> {
    const slice = sliceOf(args, (cursor, field) => decodeRankedCursor(CURSOR_KIND, cursor, field, ['string', 'number']) as [string, string, number]);
    const forward = slice.direction === 'forward';
    const c = new Conditions();
    const match = personSearch(bindSearch(c, query, false), this.searchSupport.trigrams);
    if (slice.cursor) {
      const [key, name, id] = slice.cursor;
      c.add(`(s.key, s."nameAr", s.id) ${forward ? '>' : '<'} (${c.param(key)}::real, ${c.param(name)}, ${c.param(id)}::int)`);
    }
    const order = forward ? 'ASC' : 'DESC';
    // The tsquery is built once in `q` (not per row); the rank is computed once per row, below the cursor condition.
    const rows: (PersonRow & { keyText: string })[] = await this.sql.query(
      `WITH q AS MATERIALIZED (${match.q})
       SELECT s.*, s.key::text AS "keyText" FROM (
         SELECT ${PERSON_COLUMNS}, -(${match.rank}) AS key, ${match.exact} AS exact, bool_or(${match.exact}) OVER () AS any_exact
         FROM person p, q WHERE ${match.where}
       ) s WHERE (s.exact OR NOT s.any_exact) AND ${c.toSql()}
       ORDER BY s.key ${order}, s."nameAr" ${order}, s.id ${order} LIMIT ${slice.limit + 1}`, c.params);
    return pageOf(rows, slice, PersonType.from, (row) => encodeCursor(CURSOR_KIND, [row.keyText, row.nameAr, row.id]));
  }
}
