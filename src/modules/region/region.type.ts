import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/node';
import { toGlobalId } from '../../shared/global-id';
import type { RegionRow } from './region.row';

export enum RegionLevel {
  REGION = 'region',
  PREFECTURE = 'prefecture',
  PROVINCE = 'province',
}
registerEnumType(RegionLevel, {
  name: 'RegionLevel',
  description: 'Administrative level in Morocco',
  valuesConfig: {
    REGION: { description: 'One of the 12 regions (جهة), MA-01 … MA-12.' },
    PREFECTURE: { description: 'An urban prefecture (عمالة) inside a region.' },
    PROVINCE: { description: 'A province (إقليم) inside a region.' },
  },
});

@ObjectType('Region', { implements: Node, simpleResolvers: true, description: 'A Moroccan region, prefecture or province (ISO 3166-2:MA).' })
export class RegionType extends Node {
  @Field({ description: 'ISO 3166-2 code, e.g. "MA-04" or "MA-KEN".' })
  code: string;

  @Field(() => RegionLevel, { description: 'Administrative level.' })
  level: RegionLevel;

  @Field(() => Int, { nullable: true, description: 'Official number of a region (1–12); null below region level.' })
  number: number | null;

  @Field({ description: 'Arabic name, e.g. "الرباط-سلا-القنيطرة".' })
  nameAr: string;

  @Field({ description: 'Arabic name with its kind, e.g. "جهة الرباط-سلا-القنيطرة".' })
  fullNameAr: string;

  @Field({ description: 'French name, e.g. "Rabat-Salé-Kénitra".' })
  nameFr: string;

  @Field({ description: 'French name with its kind, e.g. "Région de Rabat-Salé-Kénitra".' })
  fullNameFr: string;

  @Field(() => String, { nullable: true, description: 'Arabic name of the capital city.' })
  capitalAr: string | null;

  @Field(() => String, { nullable: true, description: 'French name of the capital city.' })
  capitalFr: string | null;

  @Field(() => [String], { description: 'Other Arabic names in use.' })
  altNamesAr: string[];

  @Field(() => [String], { description: 'Other spellings, in any script, that editors record (e.g. "Kenitra", "قنيطرة"): search finds the place, and articles naming it in the other script, by them.' })
  aliases: string[];

  @Field({ description: 'URL slug, e.g. "rabat-sale-kenitra".' })
  slug: string;

  parentCode: string | null;
  /** The parent read with the region (an article's regions); absent, `Region.parent` loads it. */
  parent?: RegionType | null;

  static from(row: RegionRow): RegionType {
    const region = new RegionType();
    region.id = toGlobalId('Region', row.code);
    region.code = row.code;
    region.level = row.level as RegionLevel;
    region.number = row.number;
    region.nameAr = row.nameAr;
    region.fullNameAr = row.fullNameAr;
    region.nameFr = row.nameFr;
    region.fullNameFr = row.fullNameFr;
    region.capitalAr = row.capitalAr;
    region.capitalFr = row.capitalFr;
    region.altNamesAr = row.altNamesAr;
    region.aliases = row.aliases;
    region.slug = row.slug;
    region.parentCode = row.parentCode;
    region.parent = row.parent === undefined ? undefined : row.parent && RegionType.from(row.parent);
    return region;
  }
}
