import type { Sql } from '../../db/sql';
import type { CategoryRow } from './category.row';
import { CategoryType } from './category.type';
import { pickBy } from '../../shared/group-by';
import { Projection } from '../../db/projection';

/** A row of `category c`: `id` always (global id, cache tags), the rest as shown. */
export const CATEGORY = new Projection({
  columns: { id: 'c.id', slug: 'c.slug', nameAr: 'c.name_ar', nameFr: 'c.name_fr' },
  always: ['id'],
});

export const CATEGORY_COLUMNS = CATEGORY.select();

export class CategoryService {
  constructor(private readonly sql: Sql) {}

  async byIds(ids: readonly number[]): Promise<(CategoryType | null)[]> {
    const rows: CategoryRow[] = await this.sql.query(`SELECT ${CATEGORY_COLUMNS} FROM category c WHERE c.id = ANY($1)`, [ids]);
    return pickBy(ids, rows, (row) => row.id, CategoryType.from);
  }

  async list(): Promise<CategoryType[]> {
    const rows: CategoryRow[] = await this.sql.query(`SELECT ${CATEGORY_COLUMNS} FROM category c ORDER BY c.slug`);
    return rows.map(CategoryType.from);
  }

  async bySlug(slug: string): Promise<CategoryType | null> {
    const [row] = await this.sql.query(`SELECT ${CATEGORY_COLUMNS} FROM category c WHERE c.slug = $1`, [slug]);
    return row ? CategoryType.from(row) : null;
  }
}
