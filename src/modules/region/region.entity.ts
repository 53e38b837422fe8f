import { Column, Entity, PrimaryColumn } from 'typeorm';

export type RegionLevel = 'region' | 'prefecture' | 'province';

/** A Moroccan region, prefecture or province (ISO 3166-2:MA); reference data. */
@Entity('region')
export class RegionEntity {
  @PrimaryColumn('text') code: string;
  @Column('text') level: RegionLevel;
  @Column('text', { name: 'parent_code', nullable: true }) parentCode: string | null;
  /** Ancestor codes from the top region down to this one, for sub-tree filters. */
  @Column('text', { array: true }) path: string[];
  @Column('smallint', { nullable: true }) number: number | null;
  @Column('text', { name: 'name_ar' }) nameAr: string;
  @Column('text', { name: 'full_name_ar' }) fullNameAr: string;
  @Column('text', { name: 'name_fr' }) nameFr: string;
  @Column('text', { name: 'full_name_fr' }) fullNameFr: string;
  @Column('text', { name: 'capital_ar', nullable: true }) capitalAr: string | null;
  @Column('text', { name: 'capital_fr', nullable: true }) capitalFr: string | null;
  @Column('text', { name: 'alt_names_ar', array: true }) altNamesAr: string[];
  @Column('text') slug: string;
}
