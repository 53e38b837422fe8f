import type { Sql } from '../../db/sql';
import type { RegionRow } from './region.row';
import { RegionLevel, RegionType } from './region.type';
import { groupBy, pickBy } from '../../shared/group-by';
import { Projection } from '../../db/projection';

/** A row of `region r`: `code` and `parentCode` always (global id, `parent`, cache tags), the rest as shown. */
export const REGION = new Projection({
  columns: {
    code: 'r.code', level: 'r.level', parentCode: 'r.parent_code', number: 'r.number', nameAr: 'r.name_ar',
    fullNameAr: 'r.full_name_ar', nameFr: 'r.name_fr', fullNameFr: 'r.full_name_fr', capitalAr: 'r.capital_ar',
    capitalFr: 'r.capital_fr', altNamesAr: 'r.alt_names_ar', aliases: 'r.aliases', slug: 'r.slug',
  },
  always: ['code', 'parentCode'],
});

export const REGION_COLUMNS = REGION.select();

/** Reads regions; the region tree is two levels deep but queries go through `path` so depth does not matter. */
export class RegionService {
  constructor(private readonly sql: Sql) {}

  async byCodes(codes: readonly string[]): Promise<(RegionType | null)[]> {
    const rows: RegionRow[] = await this.sql.query(
      `SELECT ${REGION_COLUMNS} FROM region r WHERE r.code = ANY($1)`, [codes]);
    return pickBy(codes, rows, (row) => row.code, RegionType.from);
  }

  async bySlug(slug: string): Promise<RegionType | null> {
    const [row] = await this.sql.query(`SELECT ${REGION_COLUMNS} FROM region r WHERE r.slug = $1`, [slug]);
    return row ? RegionType.from(row) : null;
  }

  async list(level?: RegionLevel): Promise<RegionType[]> {
    const rows: RegionRow[] = await this.sql.query(
      `SELECT ${REGION_COLUMNS} FROM region r WHERE $1::text IS NULL OR r.level = $1
       ORDER BY r.number NULLS LAST, r.code`, [level ?? null]);
    return rows.map(RegionType.from);
  }

  async childrenOf(codes: readonly string[]): Promise<RegionType[][]> {
    const rows: RegionRow[] = await this.sql.query(
      `SELECT ${REGION_COLUMNS} FROM region r WHERE r.parent_code = ANY($1) ORDER BY r.code`, [codes]);
    return codes.map((code) => rows.filter((row) => row.parentCode === code).map(RegionType.from));
  }

  async forArticles(articleIds: readonly number[]): Promise<RegionType[][]> {
    const rows: (RegionRow & { articleId: number })[] = await this.sql.query(
      `SELECT ar.article_id AS "articleId", ${REGION_COLUMNS}
       FROM article_region ar JOIN region r ON r.code = ar.region_code
       WHERE ar.article_id = ANY($1) ORDER BY ar.article_id, ar.position`, [articleIds]);
    return groupBy(articleIds, rows, (row) => row.articleId, RegionType.from);
  }

  /** Codes that do not exist, to reject unknown region codes in filters and inputs. */
  async unknownCodes(codes: readonly string[]): Promise<string[]> {
    if (codes.length === 0) return [];
    const rows: { code: string }[] = await this.sql.query(
      'SELECT c AS code FROM unnest($1::text[]) c WHERE NOT EXISTS (SELECT 1 FROM region WHERE code = c)', [codes]);
    return rows.map((row) => row.code);
  }
}
