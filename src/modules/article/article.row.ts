import type { RegionRow } from '../region/region.row';
import type { PersonRow } from '../person/person.row';
import type { CategoryRow } from '../category/category.row';
import type { Lang } from '../../shared/languages';

export type ArticleStatus = 'DRAFT' | 'SCHEDULED' | 'PUBLISHED' | 'RETRACTED' | 'ARCHIVED';
export type TextBlockKind = 'PARAGRAPH' | 'HEADING' | 'QUOTE';
/** A block of running text. */
export interface TextBlock {
  type: TextBlockKind;
  text: string;
}
/** A picture inside the body, with an optional caption of its own (the image's caption otherwise). */
export interface ImageBlock {
  type: 'IMAGE';
  imageId: number;
  caption: string | null;
}
/** A video or post of an allowed provider, rebuilt from its id (see src/modules/media/embed-url.ts). */
export interface EmbedBlock {
  type: 'EMBED';
  provider: string;
  url: string;
  embedUrl: string;
  /** A video (sets hasVideo), not a post. */
  video: boolean;
  posterImageId: number | null;
}
/** One stored block of an article body (jsonb), in reading order; see article.blocks.ts. */
export type BodyBlock = TextBlock | ImageBlock | EmbedBlock;
export type BlockType = BodyBlock['type'];

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
  lang: Lang;
  status: ArticleStatus;
  publishedAt: Date | null;
  updatedAt: Date;
  hasVideo: boolean;
  categoryId: number | null;
  leadImageId: number | null;
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
  /** A translation: the version of its source it was made from (editors only). */
  sourceVersion?: number | null;
  /** A translation: the article it was made from. */
  sourceId?: number | null;
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
  lang: Lang;
  hasVideo: boolean;
  tags: string[];
  editorNote: string | null;
  categoryId: number | null;
  /** Absent from revisions saved before images existed. */
  leadImageId?: number | null;
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
