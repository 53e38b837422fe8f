import type { Lang } from '../shared/languages';
/** Shape of the demo content seeded into an empty database (see demo-content.ts). */
export interface DemoPerson {
  slug: string;
  nameAr: string;
  nameLatin?: string;
  aliases?: string[];
  roleAr?: string;
  roleFr?: string;
  bio?: string;
}

export interface DemoCategory {
  slug: string;
  nameAr: string;
  nameFr: string;
}

export interface DemoArticle {
  title: string;
  kicker?: string;
  summary?: string;
  /** Ordered paragraphs; a block may be a heading or a quote instead of a paragraph. */
  body: { type: 'PARAGRAPH' | 'HEADING' | 'QUOTE'; text: string }[];
  lang: Lang;
  /** ISO 8601 instant with offset. */
  publishedAt: string;
  hasVideo?: boolean;
  categorySlug: string;
  tags: string[];
  personSlugs: string[];
  regionCodes: string[];
  /** A translation: the index (in the articles list, before it) of the article it was made from, at that article's version 1. */
  translationOf?: number;
  /** Its live blog, when it ran one. */
  live?: DemoLiveBlog;
}

/** A live blog and its entries, in the order they were posted (ISO 8601 instants with offset). */
export interface DemoLiveBlog {
  startedAt: string;
  endedAt: string | null;
  author: string;
  entries: { at: string; title?: string; text: string; keyEvent?: boolean; pinned?: boolean; correction?: string }[];
}

export interface DemoTicker {
  headline: string;
  urgency: 1 | 2 | 3;
  regionCode?: string;
  /** Index into the articles list, when the item links to one of them. */
  articleIndex?: number;
}
