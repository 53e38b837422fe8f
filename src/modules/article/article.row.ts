import type { RegionRow } from '../region/region.row';
import type { PersonRow } from '../person/person.row';
import type { CategoryRow } from '../category/category.row';

export type ArticleStatus = 'DRAFT' | 'SCHEDULED' | 'PUBLISHED' | 'RETRACTED' | 'ARCHIVED';
export type BlockType = 'PARAGRAPH' | 'HEADING' | 'QUOTE';
export interface BodyBlock {
  type: BlockType;
  text: string;
}

/**
 * A row of `article` as reads select it (ARTICLE_LIST in article.service.ts), private columns included (editor notes);
 * the GraphQL shape is ArticleType. A list's rows hold the columns its fields need, never the body, and the relations it
 * shows as JSON rows.
 */
export interface ArticleRow {
  id: number;
  slug: string;
  title: string;
  kicker: string | null;
  summary: string | null;
  /** Absent from lists: `Article.body` loads it. */
  body?: BodyBlock[];
  lang: 'ar' | 'fr';
  status: ArticleStatus;
  publishedAt: Date | null;
  updatedAt: Date;
  hasVideo: boolean;
  categoryId: number | null;
  tags: string[];
  editorNote: string | null;
  version: number;
  /** Microseconds since the epoch (bigint as text): the keyset position of the feed. */
  publishedUs: string | null;
  /** The same of updated_at: the editors' desk position. */
  updatedUs?: string | null;
  regions?: RegionRow[];
  people?: PersonRow[];
  category?: CategoryRow | null;
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

/** A row of `article_revision`: one saved version of an article, who saved it, when, what changed, and the whole state after it. */
export interface ArticleRevisionRow {
  articleId: number;
  version: number;
  action: RevisionAction;
  authorName: string | null;
  changedFields: string[];
  snapshot: ArticleSnapshot;
  createdAt: Date;
}

export type CorrectionKind = 'CORRECTION' | 'RETRACTION';

/** A row of `article_correction`: a public correction or retraction note on a published article. */
export interface ArticleCorrectionRow {
  articleId: number;
  kind: CorrectionKind;
  note: string;
  createdAt: Date;
}
