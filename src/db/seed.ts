import type { DataSource, EntityManager } from 'typeorm';
import { demoArticles, demoCategories, demoPeople, demoTickers } from './demo-content';
import { withSchemaLock } from './migrate';
import { slugify, uniqueSlug } from '../shared/slug';
import { defaultExpiry } from '../modules/ticker/ticker.rules';

/**
 * Demo content for an empty database: the seed page (its article, minister, region and ticker)
 * plus varied Arabic and French items. Tickers expire, so a demo database whose ticker has gone
 * quiet gets the demo items pushed again.
 */
export async function seedDemoContent(db: DataSource, now = new Date()): Promise<{ articles: number; tickers: number }> {
  return withSchemaLock(db, () => db.transaction(async (tx) => {
    const [{ n: existing }] = await tx.query('SELECT count(*)::int AS n FROM article');
    if (existing === 0) await insertArticles(tx);
    const [{ n: onAir }] = await tx.query(
      `SELECT count(*)::int AS n FROM ticker WHERE status = 'LIVE' AND expires_at > $1`, [now]);
    if (onAir === 0) await insertTickers(tx, now);
    return { articles: existing === 0 ? demoArticles.length : 0, tickers: onAir === 0 ? demoTickers.length : 0 };
  }));
}

/** Demo article slugs in list order, as insertArticles gives them. */
function demoSlugs(): string[] {
  const taken = new Set<string>();
  return demoArticles.map((a) => {
    const slug = uniqueSlug(slugify(a.title), taken);
    taken.add(slug);
    return slug;
  });
}

async function insertArticles(tx: EntityManager): Promise<void> {
  const categoryIds = new Map<string, number>();
  for (const c of demoCategories) {
    const [row] = await tx.query('INSERT INTO category (slug, name_ar, name_fr) VALUES ($1, $2, $3) RETURNING id', [c.slug, c.nameAr, c.nameFr]);
    categoryIds.set(c.slug, row.id);
  }
  const personIds = new Map<string, number>();
  for (const p of demoPeople) {
    const [row] = await tx.query(
      `INSERT INTO person (slug, name_ar, name_latin, aliases, role_ar, role_fr, bio)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [p.slug, p.nameAr, p.nameLatin ?? null, p.aliases ?? [], p.roleAr ?? null, p.roleFr ?? null, p.bio ?? null]);
    personIds.set(p.slug, row.id);
  }
  const slugs = demoSlugs();
  for (const [i, a] of demoArticles.entries()) {
    const [row] = await tx.query(
      `INSERT INTO article (slug, title, kicker, summary, body, lang, status, published_at, has_video, category_id, tags)
       VALUES ($1, $2, $3, $4, $5, $6, 'PUBLISHED', $7, $8, $9, $10) RETURNING id`,
      [slugs[i], a.title, a.kicker ?? null, a.summary ?? null, JSON.stringify(a.body), a.lang, new Date(a.publishedAt),
        a.hasVideo ?? false, categoryIds.get(a.categorySlug) ?? null, a.tags]);
    await tx.query(
      `INSERT INTO article_person (article_id, person_id, position)
       SELECT $1, person_id, ord FROM unnest($2::int[]) WITH ORDINALITY AS p(person_id, ord)`,
      [row.id, a.personSlugs.map((s) => personIds.get(s))]);
    await tx.query(
      `INSERT INTO article_region (article_id, region_code, position)
       SELECT $1, code, ord FROM unnest($2::text[]) WITH ORDINALITY AS r(code, ord)`, [row.id, a.regionCodes]);
  }
}

async function insertTickers(tx: EntityManager, now: Date): Promise<void> {
  const rows: { id: number; slug: string }[] = await tx.query('SELECT id, slug FROM article WHERE slug = ANY($1)', [demoSlugs()]);
  const idBySlug = new Map(rows.map((r) => [r.slug, r.id]));
  const slugs = demoSlugs();
  for (const [i, t] of demoTickers.entries()) {
    const publishedAt = new Date(now.getTime() - (i + 1) * 60_000);
    await tx.query(
      `INSERT INTO ticker (headline, urgency, article_id, region_code, status, published_at, expires_at)
       VALUES ($1, $2, $3, $4, 'LIVE', $5, $6)`,
      [t.headline, t.urgency, t.articleIndex === undefined ? null : idBySlug.get(slugs[t.articleIndex]) ?? null, t.regionCode ?? null,
        publishedAt, defaultExpiry(publishedAt, t.urgency)]);
  }
}
