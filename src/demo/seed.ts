import type { DataSource, EntityManager } from 'typeorm';
import { demoArticles, demoCategories, demoPeople, demoTickers } from './demo-content';
import type { DemoLiveBlog } from './demo-content.types';
import { withSchemaLock } from '../db/migrate';
import { slugify, uniqueSlug } from '../shared/slug';
import { defaultExpiry } from '../modules/ticker/ticker.rules';
import { insertArticle } from '../modules/article/article.insert';

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
  const ids: number[] = [];
  for (const [i, a] of demoArticles.entries()) {
    const source = a.translationOf === undefined ? null : ids[a.translationOf];
    const id = await insertArticle(tx, {
      slug: slugs[i],
      title: a.title,
      kicker: a.kicker ?? null,
      summary: a.summary ?? null,
      body: a.body,
      lang: a.lang,
      hasVideo: a.hasVideo ?? false,
      tags: a.tags,
      editorNote: null,
      categoryId: categoryIds.get(a.categorySlug) ?? null,
      leadImageId: null,
      personIds: a.personSlugs.map((slug) => personIds.get(slug)!),
      regionCodes: a.regionCodes,
      status: 'PUBLISHED',
      publishedAt: new Date(a.publishedAt),
    }, source === null ? null : { group: source, sourceId: source, sourceVersion: 1 });
    ids.push(id);
    if (a.live) await insertLiveBlog(tx, id, a.live);
  }
}

/** A live blog as its desk left it: the entries, the pinned one, a correction, and its end (set up, not news: no events). */
async function insertLiveBlog(tx: EntityManager, articleId: number, blog: DemoLiveBlog): Promise<void> {
  const last = blog.entries.at(-1)?.at ?? blog.startedAt;
  await tx.query('INSERT INTO live_coverage (article_id, started_at, ended_at, last_posted_at) VALUES ($1, $2, $3, $4)',
    [articleId, blog.startedAt, blog.endedAt, last]);
  for (const entry of blog.entries) {
    const [{ id }] = await tx.query(
      `INSERT INTO live_entry (article_id, title, body, is_key_event, is_pinned, author_name, posted_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
      [articleId, entry.title ?? null, JSON.stringify([{ type: 'PARAGRAPH', text: entry.text }]), entry.keyEvent ?? false,
        entry.pinned ?? false, blog.author, entry.at]);
    if (entry.correction) await tx.query('INSERT INTO live_entry_correction (entry_id, note, created_at) VALUES ($1, $2, $3)', [id, entry.correction, last]);
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
