import type { ArticleStatus } from './article.row';

/**
 * "Visible to readers", the one rule, in its two forms side by side: readers reach an article (by slug, id, or as
 * something a page shows) once it is published or retracted and its time has come; a retracted article keeps its URL
 * with its retraction notice. Everything else (drafts, scheduled, archived) is for editors only.
 */

/** The SQL form, on `article a`. */
export const VISIBLE_TO_READERS_SQL = `a.status IN ('PUBLISHED', 'RETRACTED') AND a.published_at <= now()`;

/** The JS form, for a row read with `now` from the same database clock. */
export function isVisibleToReaders(article: { status: ArticleStatus; publishedAt: Date | string | null }, now: Date): boolean {
  const { status, publishedAt } = article;
  return (status === 'PUBLISHED' || status === 'RETRACTED') && publishedAt !== null && new Date(publishedAt).getTime() <= now.getTime();
}

/** What readers' lists show (`article a`): the visible articles but the retracted ones, which leave every list. */
export const LISTED_FOR_READERS_SQL = `a.status = 'PUBLISHED' AND a.published_at <= now()`;
