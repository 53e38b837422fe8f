import { Field, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, Max, Min } from 'class-validator';
import { RegionLevel } from './region.type';
import { IsRegionCode } from './region-code';
import { IsPlainText } from '../../shared/plain-text';

@InputType('UpsertRegionInput', { description: 'A region, prefecture or province, stored whole: fields left out are cleared or derived.' })
export class UpsertRegionInput {
  @Field({ description: 'ISO 3166-2:MA code, e.g. "MA-04" or "MA-KEN"; replaces the entry with this code when it exists.' })
  @IsRegionCode()
  code: string;

  @Field(() => RegionLevel, { description: 'Administrative level.' })
  level: RegionLevel;

  @Field(() => String, { nullable: true, description: 'Code of the region a prefecture or province belongs to; none for a region.' })
  @IsRegionCode()
  parentCode?: string | null;

  @Field(() => Int, { nullable: true, description: 'Official number of a region (1–12).' })
  @Min(1)
  @Max(99)
  number?: number | null;

  @Field({ description: 'Arabic name.' })
  @IsPlainText({ min: 1, max: 200 })
  nameAr: string;

  @Field(() => String, { nullable: true, description: 'Arabic name with its kind; defaults to `nameAr`.' })
  @IsPlainText({ min: 1, max: 300 })
  fullNameAr?: string | null;

  @Field({ description: 'French name.' })
  @IsPlainText({ min: 1, max: 200 })
  nameFr: string;

  @Field(() => String, { nullable: true, description: 'French name with its kind; defaults to `nameFr`.' })
  @IsPlainText({ min: 1, max: 300 })
  fullNameFr?: string | null;

  @Field(() => String, { nullable: true, description: 'Arabic name of the capital city.' })
  @IsPlainText({ min: 0, max: 200 })
  capitalAr?: string | null;

  @Field(() => String, { nullable: true, description: 'French name of the capital city.' })
  @IsPlainText({ min: 0, max: 200 })
  capitalFr?: string | null;

  @Field(() => [String], { nullable: true, description: 'Other Arabic names in use (up to 20).' })
  @ArrayMaxSize(20)
  @IsPlainText({ min: 1, max: 200 }, { each: true })
  altNamesAr?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Other spellings in any script, e.g. "Kenitra" or "قنيطرة" (up to 20): a search for one of them finds articles naming the place in either script.' })
  @ArrayMaxSize(20)
  @IsPlainText({ min: 1, max: 200 }, { each: true })
  aliases?: string[] | null;

  @Field(() => String, { nullable: true, description: 'URL slug; derived from `nameFr` when omitted. Must not belong to another entry.' })
  @IsPlainText({ min: 1, max: 200 })
  slug?: string | null;
}
