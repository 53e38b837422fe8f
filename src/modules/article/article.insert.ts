import type { ArticleSnapshot } from './article.row';

/** What the inserts run on: the caller's transaction (an EntityManager), or for test set-up any connection. */
export interface Queryable {
  query(sql: string, params: unknown[]): Promise<any>;
}

/** A new article: its state (as revisions keep it) and when it was published, if it was. */
export type NewArticle = Omit<ArticleSnapshot, 'publishedAt'> & { publishedAt: Date | string | null };

/** Where a new translation belongs: its group (the original's id), and the article and version it was made from. */
export interface TranslationOf {
  group: number;
  sourceId: number;
  sourceVersion: number;
}

/**
 * The one path that inserts an article, with its people and places in their order, in the caller's transaction: the
 * editorial writer's drafts, the demo content and the test factories all go through it. Returns the new id (version 1).
 */
export async function insertArticle(tx: Queryable, article: NewArticle, translation: TranslationOf | null = null): Promise<number> {
  if (translation) {
    // The original joins the group its first translation creates.
    await tx.query('UPDATE article SET translation_group = $1 WHERE id = $1 AND translation_group IS NULL', [translation.group]);
  }
  const [row]: { id: number }[] = await tx.query(
    `INSERT INTO article (slug, title, kicker, summary, body, lang, has_video, tags, editor_note, category_id, lead_image_id, status, published_at, version,
                          translation_group, source_id, source_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $15, $16) RETURNING id`,
    [article.slug, article.title, article.kicker, article.summary, JSON.stringify(article.body), article.lang, article.hasVideo, article.tags,
      article.editorNote, article.categoryId, article.leadImageId ?? null, article.status, article.publishedAt,
      translation?.group ?? null, translation?.sourceId ?? null, translation?.sourceVersion ?? null]);
  await writeArticlePeople(tx, row.id, article.personIds);
  await writeArticleRegions(tx, row.id, article.regionCodes);
  return row.id;
}

/** The article's people, in order (replacing those it had with `replace`). */
export async function writeArticlePeople(tx: Queryable, id: number, personIds: number[], replace = false): Promise<void> {
  if (replace) await tx.query('DELETE FROM article_person WHERE article_id = $1', [id]);
  if (personIds.length === 0) return;
  await tx.query(
    `INSERT INTO article_person (article_id, person_id, position)
     SELECT $1, person_id, ord FROM unnest($2::int[]) WITH ORDINALITY AS p(person_id, ord)`, [id, personIds]);
}

/** The article's places, in order (replacing those it had with `replace`). */
export async function writeArticleRegions(tx: Queryable, id: number, codes: string[], replace = false): Promise<void> {
  if (replace) await tx.query('DELETE FROM article_region WHERE article_id = $1', [id]);
  if (codes.length === 0) return;
  await tx.query(
    `INSERT INTO article_region (article_id, region_code, position)
     SELECT $1, code, ord FROM unnest($2::text[]) WITH ORDINALITY AS r(code, ord)`, [id, codes]);
}
