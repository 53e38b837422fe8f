import type { DataSource } from 'typeorm';
import type { RegionRow } from './region.row';
import { RegionLevel, RegionType } from './region.type';
import { REGION_COLUMNS } from './region.service';
import type { UpsertRegionInput } from './region.inputs';
import { normalizeRegionCode } from './region-code';
import { badInput } from '../../shared/errors';
import { normalizePlainText } from '../../shared/plain-text';
import { slugify } from '../../shared/slug';
import { AnnounceRegionChange, REGION_EVENTS } from './region.events';

/** The reference-data write path: admins add and replace regions, prefectures and provinces. */
export class RegionWriter {
  /** `showing` tells the features that show places (article pages); the composition root provides it. */
  constructor(private readonly db: DataSource, private readonly showing: AnnounceRegionChange) {}

  /**
   * Adds or replaces an entry. The tree stays two levels deep (regions, and prefectures or provinces under a
   * region), so a path is always [code] or [parent, code] and no other entry's path ever changes.
   */
  async upsert(input: UpsertRegionInput): Promise<RegionType> {
    const code = normalizeRegionCode(input.code);
    const text = (value: string | null | undefined) => (value == null || normalizePlainText(value) === '' ? null : normalizePlainText(value));
    return this.db.transaction(async (tx) => {
      const parentCode = input.parentCode == null ? null : normalizeRegionCode(input.parentCode);
      if (input.level === RegionLevel.REGION) {
        if (parentCode !== null) throw badInput('A region has no parent: leave parentCode out.', 'parentCode');
      } else {
        if (parentCode === null) throw badInput(`A ${input.level} needs the code of its region in parentCode.`, 'parentCode');
        if (parentCode === code) throw badInput('An entry cannot be its own parent.', 'parentCode');
        const [parent]: { level: string }[] = await tx.query('SELECT level FROM region WHERE code = $1', [parentCode]);
        if (parent?.level !== RegionLevel.REGION) throw badInput(`${parentCode} is not a region.`, 'parentCode');
      }
      const [existing]: { level: string; parentCode: string | null; children: number }[] = await tx.query(
        `SELECT level, parent_code AS "parentCode", (SELECT count(*)::int FROM region c WHERE c.parent_code = r.code) AS children
         FROM region r WHERE code = $1 FOR UPDATE`, [code]);
      if (existing && existing.children > 0 && input.level !== RegionLevel.REGION) {
        throw badInput(`${code} has prefectures or provinces under it, so it must stay a region.`, 'level');
      }
      const slug = slugify(text(input.slug) ?? normalizePlainText(input.nameFr));
      if (!slug) throw badInput('slug must contain letters or digits.', 'slug');
      const [owner]: { code: string }[] = await tx.query('SELECT code FROM region WHERE slug = $1 AND code <> $2', [slug, code]);
      if (owner) throw badInput(`The slug "${slug}" already belongs to ${owner.code}.`, 'slug');
      const nameAr = normalizePlainText(input.nameAr);
      const nameFr = normalizePlainText(input.nameFr);
      const [row]: RegionRow[] = await tx.query(
        `INSERT INTO region AS r (code, level, parent_code, path, number, name_ar, full_name_ar, name_fr, full_name_fr,
                                  capital_ar, capital_fr, alt_names_ar, slug, aliases)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (code) DO UPDATE SET level = $2, parent_code = $3, path = $4, number = $5, name_ar = $6, full_name_ar = $7,
           name_fr = $8, full_name_fr = $9, capital_ar = $10, capital_fr = $11, alt_names_ar = $12, slug = $13, aliases = $14
         RETURNING ${REGION_COLUMNS}`,
        [code, input.level, parentCode, parentCode === null ? [code] : [parentCode, code], input.number ?? null,
          nameAr, text(input.fullNameAr) ?? nameAr, nameFr, text(input.fullNameFr) ?? nameFr, text(input.capitalAr), text(input.capitalFr),
          [...new Set((input.altNamesAr ?? []).map(normalizePlainText))], slug, [...new Set((input.aliases ?? []).map(normalizePlainText))]]);
      // Articles show a place with its parent and the parent's places: the old parent's pages change too when it moves.
      // Pages of places carry their code and their parent's, and lists filtered by a place its code: these codes reach all that changed.
      const touched = [...new Set([code, parentCode, existing?.parentCode].filter((c): c is string => !!c))];
      await this.showing(tx, { topic: 'region', codes: touched });
      await REGION_EVENTS.append(tx, { kind: 'UPDATED', entityId: 0, regionCodes: touched });
      return RegionType.from(row);
    });
  }
}
