/**
 * A row of `region` as reads select it (REGION in region.service.ts): a Moroccan region, prefecture or province
 * (ISO 3166-2:MA), reference data. Rows read for one operation hold the columns its fields need.
 */
export interface RegionRow {
  code: string;
  level: 'region' | 'prefecture' | 'province';
  parentCode: string | null;
  number: number | null;
  nameAr: string;
  fullNameAr: string;
  nameFr: string;
  fullNameFr: string;
  capitalAr: string | null;
  capitalFr: string | null;
  altNamesAr: string[];
  /** Other spellings editors record, in any script ("Kenitra", "قنيطرة"): search finds the place by them. */
  aliases: string[];
  slug: string;
  /** The parent's row, read with an article's regions when it is shown. */
  parent?: RegionRow | null;
}
