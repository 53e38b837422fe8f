import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type TickerStatus = 'LIVE' | 'KILLED';

/** A breaking-news item (عاجل); killing keeps the row. */
@Entity('ticker')
export class TickerEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column('text') headline: string;
  @Column('smallint') urgency: number;
  @Column('integer', { name: 'article_id', nullable: true }) articleId: number | null;
  @Column('text', { nullable: true }) url: string | null;
  @Column('text', { name: 'region_code', nullable: true }) regionCode: string | null;
  @Column('text') status: TickerStatus;
  @Column('timestamptz', { name: 'published_at' }) publishedAt: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
}
