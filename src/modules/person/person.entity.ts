import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A person the newsroom writes about. */
@Entity('person')
export class PersonEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column('text') slug: string;
  @Column('text', { name: 'name_ar' }) nameAr: string;
  @Column('text', { name: 'name_latin', nullable: true }) nameLatin: string | null;
  @Column('text', { array: true }) aliases: string[];
  @Column('text', { name: 'role_ar', nullable: true }) roleAr: string | null;
  @Column('text', { name: 'role_fr', nullable: true }) roleFr: string | null;
  @Column('text', { nullable: true }) bio: string | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
}
