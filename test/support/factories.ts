import type { Lang } from '../../src/shared/languages';
import type { TestApp } from './test-app';
import { slugify } from '../../src/shared/slug';
import { toGlobalId } from '../../src/shared/global-id';
import { insertArticle } from '../../src/modules/article/article.insert';
import type { BodyBlock } from '../../src/modules/article/article.row';

let sequence = 0;
const next = () => (sequence += 1);

export interface ArticleSeed {
  title?: string;
  slug?: string;
  lang?: Lang;
  status?: 'DRAFT' | 'SCHEDULED' | 'PUBLISHED' | 'ARCHIVED';
  publishedAt?: Date | null;
  body?: ({ type: string; text: string } | BodyBlock)[];
  kicker?: string | null;
  summary?: string | null;
  hasVideo?: boolean;
  categoryId?: number | null;
  tags?: string[];
  personIds?: number[];
  regionCodes?: string[];
  editorNote?: string | null;
  /** A translation of this article (its id), made from its version 1. */
  translationOf?: number;
}

/** Inserts rows directly (set up as an admin would), so tests can act through the API as the user. */
export function factories(app: Pick<TestApp, 'sql'>) {
  return {
    async category(seed: { slug?: string; nameAr?: string; nameFr?: string } = {}) {
      const n = next();
      const [row] = await app.sql(
        'INSERT INTO category (slug, name_ar, name_fr) VALUES ($1, $2, $3) RETURNING id, slug',
        [seed.slug ?? `category-${n}`, seed.nameAr ?? `قسم ${n}`, seed.nameFr ?? `Rubrique ${n}`]);
      return { ...row, globalId: toGlobalId('Category', row.id) } as { id: number; slug: string; globalId: string };
    },

    async person(seed: { slug?: string; nameAr?: string; nameLatin?: string; aliases?: string[]; roleAr?: string } = {}) {
      const n = next();
      const [row] = await app.sql(
        `INSERT INTO person (slug, name_ar, name_latin, aliases, role_ar) VALUES ($1, $2, $3, $4, $5) RETURNING id, slug`,
        [seed.slug ?? `person-${n}`, seed.nameAr ?? `شخص ${n}`, seed.nameLatin ?? `Person ${n}`, seed.aliases ?? [], seed.roleAr ?? null]);
      return { ...row, globalId: toGlobalId('Person', row.id) } as { id: number; slug: string; globalId: string };
    },

    async article(seed: ArticleSeed = {}) {
      const n = next();
      const title = seed.title ?? `مقال تجريبي رقم ${n}`;
      const status = seed.status ?? 'PUBLISHED';
      const publishedAt = seed.publishedAt !== undefined ? seed.publishedAt
        : status === 'DRAFT' ? null : new Date(Date.now() - n * 60_000);
      const slug = seed.slug ?? `${slugify(title)}-${n}`;
      // The rows as the editorial writer inserts them, in any status at once (no revision, no event: set up, not news).
      const id = await insertArticle({ query: app.sql }, {
        slug,
        title,
        kicker: seed.kicker ?? null,
        summary: seed.summary ?? null,
        body: (seed.body ?? [{ type: 'PARAGRAPH', text: `نص المقال ${n}.` }]) as BodyBlock[],
        lang: seed.lang ?? 'ar',
        hasVideo: seed.hasVideo ?? false,
        tags: seed.tags ?? [],
        editorNote: seed.editorNote ?? null,
        categoryId: seed.categoryId ?? null,
        leadImageId: null,
        personIds: seed.personIds ?? [],
        regionCodes: seed.regionCodes ?? [],
        status,
        publishedAt,
      }, seed.translationOf === undefined ? null : await translationOf(app, seed.translationOf));
      return { id, slug, globalId: toGlobalId('Article', id) };
    },

    async ticker(seed: { headline?: string; urgency?: number; status?: 'LIVE' | 'KILLED'; publishedAt?: Date; expiresAt?: Date; articleId?: number; regionCode?: string } = {}) {
      const n = next();
      const publishedAt = seed.publishedAt ?? new Date(Date.now() - n * 1000);
      const [row] = await app.sql(
        `INSERT INTO ticker (headline, urgency, status, published_at, expires_at, article_id, region_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [seed.headline ?? `خبر عاجل رقم ${n}`, seed.urgency ?? 2, seed.status ?? 'LIVE', publishedAt,
          seed.expiresAt ?? new Date(publishedAt.getTime() + 3_600_000), seed.articleId ?? null, seed.regionCode ?? null]);
      return { ...row, globalId: toGlobalId('Ticker', row.id) } as { id: number; globalId: string };
    },
  };
}

/** The group a new translation of `sourceId` joins: the source's, or the source's id when it has none yet. */
async function translationOf(app: Pick<TestApp, 'sql'>, sourceId: number) {
  const [row] = await app.sql('SELECT coalesce(translation_group, id) AS "group" FROM article WHERE id = $1', [sourceId]);
  return { group: row.group as number, sourceId, sourceVersion: 1 };
}
