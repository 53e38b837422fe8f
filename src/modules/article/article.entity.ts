import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type ArticleStatus = 'DRAFT' | 'SCHEDULED' | 'PUBLISHED' | 'RETRACTED' | 'ARCHIVED';
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
  /** The article's published_at while it is PUBLISHED, else null: kept by triggers, orders a person's feed. */
  @Column('timestamptz', { name: 'feed_at', nullable: true }) feedAt: Date | null;
}

/** Ordered link from an article to a region it concerns. */
@Entity('article_region')
export class ArticleRegionEntity {
  @PrimaryColumn('integer', { name: 'article_id' }) articleId: number;
  @PrimaryColumn('text', { name: 'region_code' }) regionCode: string;
  @Column('smallint') position: number;
}

export type RevisionAction = 'IMPORTED' | 'CREATED' | 'UPDATED' | 'PUBLISHED' | 'SCHEDULED' | 'UNPUBLISHED'
  | 'ARCHIVED' | 'CORRECTED' | 'RETRACTED' | 'RESTORED';

/** The editable state of an article at one version, as revisions keep it (ids and codes, not names). */
export interface ArticleSnapshot {
  slug: string;
  title: string;
  kicker: string | null;
  summary: string | null;
  body: BodyBlock[];
  lang: 'ar' | 'fr';
  hasVideo: boolean;
  tags: string[];
  editorNote: string | null;
  categoryId: number | null;
  personIds: number[];
  regionCodes: string[];
  status: ArticleStatus;
  /** ISO 8601. */
  publishedAt: string | null;
}

/** One saved version of an article: who saved it, when, what changed, and the whole state after the change. */
@Entity('article_revision')
export class ArticleRevisionEntity {
  @PrimaryColumn('integer', { name: 'article_id' }) articleId: number;
  @PrimaryColumn('integer') version: number;
  @Column('text') action: RevisionAction;
  @Column('text', { name: 'author_subject', nullable: true }) authorSubject: string | null;
  @Column('text', { name: 'author_name', nullable: true }) authorName: string | null;
  @Column('text', { name: 'changed_fields', array: true }) changedFields: string[];
  @Column('jsonb') snapshot: ArticleSnapshot;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
}

export type CorrectionKind = 'CORRECTION' | 'RETRACTION';

/** A public correction or retraction note on a published article. */
@Entity('article_correction')
export class ArticleCorrectionEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column('integer', { name: 'article_id' }) articleId: number;
  @Column('text') kind: CorrectionKind;
  @Column('text') note: string;
  @Column('integer') version: number;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
}
