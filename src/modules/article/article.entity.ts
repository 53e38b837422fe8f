import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type ArticleStatus = 'DRAFT' | 'SCHEDULED' | 'PUBLISHED' | 'ARCHIVED';
export type BlockType = 'PARAGRAPH' | 'HEADING' | 'QUOTE';
export interface BodyBlock {
  type: BlockType;
  text: string;
}

/** An article row, private columns included (editor notes); the GraphQL shape is ArticleType. */
@Entity('article')
export class ArticleEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column('text') slug: string;
  @Column('text') title: string;
  @Column('text', { nullable: true }) kicker: string | null;
  @Column('text', { nullable: true }) summary: string | null;
  @Column('jsonb') body: BodyBlock[];
  @Column('text') lang: 'ar' | 'fr';
  @Column('text') status: ArticleStatus;
  @Column('timestamptz', { name: 'published_at', nullable: true }) publishedAt: Date | null;
  @Column('boolean', { name: 'has_video' }) hasVideo: boolean;
  @Column('integer', { name: 'category_id', nullable: true }) categoryId: number | null;
  @Column('text', { array: true }) tags: string[];
  @Column('text', { name: 'editor_note', nullable: true }) editorNote: string | null;
  @Column('integer') version: number;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
}

/** Ordered link from an article to a person it mentions. */
@Entity('article_person')
export class ArticlePersonEntity {
  @PrimaryColumn('integer', { name: 'article_id' }) articleId: number;
  @PrimaryColumn('integer', { name: 'person_id' }) personId: number;
  @Column('smallint') position: number;
}

/** Ordered link from an article to a region it concerns. */
@Entity('article_region')
export class ArticleRegionEntity {
  @PrimaryColumn('integer', { name: 'article_id' }) articleId: number;
  @PrimaryColumn('text', { name: 'region_code' }) regionCode: string;
  @Column('smallint') position: number;
}
