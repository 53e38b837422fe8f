import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A newsroom section (politics, culture, sport…). */
@Entity('category')
export class CategoryEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column('text') slug: string;
  @Column('text', { name: 'name_ar' }) nameAr: string;
  @Column('text', { name: 'name_fr' }) nameFr: string;
}
