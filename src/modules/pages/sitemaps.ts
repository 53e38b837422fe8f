import type { Context } from '../../context';
import { isoWithOffset, NEWSROOM_TIME_ZONE } from '../../shared/iso-date';
import { sitePaths, siteUrl } from '../../shared/site-paths';
import { LISTED_FOR_READERS_SQL } from '../article/article.visibility';
import type { Lang } from '../../shared/languages';
import type { ArticleAlternate } from '../article/article.service';
import { absoluteUrl } from './structured-data.resolver';
import { SITE } from './site';
import { xmlText } from '../feeds/feed.render';

/** Where the sitemaps are served; robots.txt names the index and the news sitemap. */
export const SITEMAP_PATHS = {
  index: '/sitemap.xml',
  news: '/sitemap-news.xml',
  day: (day: string) => `/sitemaps/${day}.xml`,
  robots: '/robots.txt',
} as const;

/** Google News reads articles of the last two days, at most 1,000 per sitemap. */
export const NEWS_WINDOW_HOURS = 48;
export const NEWS_MAX_URLS = 1000;
/** The protocol's limit per sitemap; a day of this newsroom is far below it. */
const SITEMAP_MAX_URLS = 50_000;
/** A picture's width in sitemaps: large enough for image search, on the rendition ladder. */
const SITEMAP_IMAGE_WIDTH = 1280;

/** A day of the archive (Casablanca time), "2022-02-04": its daily sitemap's name. */
export const SITEMAP_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** One article as a sitemap lists it. */
export interface SitemapArticle {
  id: number;
  slug: string;
  lang: Lang;
  title: string;
  publishedAt: Date;
  updatedAt: Date;
  leadImageId: number | null;
  /** The lead picture's address, for image search; null without one readers may see. */
  image?: string | null;
  /** Its language versions (itself included) when it has translations readers see, for `hreflang` links. */
  alternates?: ArticleAlternate[];
}

export interface SitemapDay {
  day: string;
  lastModified: Date;
  articles: number;
}

type Reader = Pick<Context, 'sql' | 'loaders' | 'media' | 'publicUrl' | 'services'>;

const ARTICLE_COLUMNS = `a.id, a.slug, a.lang, a.title, a.published_at AS "publishedAt", a.updated_at AS "updatedAt", a.lead_image_id AS "leadImageId"`;
const DAY_OF = `to_char(a.published_at AT TIME ZONE '${NEWSROOM_TIME_ZONE}', 'YYYY-MM-DD')`;

/** Every day with an article readers' lists show, newest first, with its last change: one statement. */
export function sitemapDays(reader: Reader): Promise<SitemapDay[]> {
  return reader.sql.query(
    `SELECT ${DAY_OF} AS day, max(a.updated_at) AS "lastModified", count(*)::int AS articles
     FROM article a WHERE ${LISTED_FOR_READERS_SQL} GROUP BY 1 ORDER BY 1 DESC`);
}

/** The articles of one day of the archive (Casablanca's day), newest first, with their pictures and translations: three statements. */
export async function sitemapOfDay(reader: Reader, day: string): Promise<SitemapArticle[]> {
  const rows: SitemapArticle[] = await reader.sql.query(
    `SELECT ${ARTICLE_COLUMNS} FROM article a
     WHERE ${LISTED_FOR_READERS_SQL}
       AND a.published_at >= ($1::date)::timestamp AT TIME ZONE '${NEWSROOM_TIME_ZONE}'
       AND a.published_at < ($1::date + 1)::timestamp AT TIME ZONE '${NEWSROOM_TIME_ZONE}'
     ORDER BY a.published_at DESC, a.id DESC LIMIT ${SITEMAP_MAX_URLS}`, [day]);
  if (rows.length === 0) return rows;
  const alternates = await reader.services.articles.alternatesFor(rows.map((row) => row.id));
  return withImages(reader, rows.map((row, i) => ({ ...row, alternates: alternates[i] })));
}

/** The articles of the last 48 hours, newest first, at most 1,000, with their pictures: two statements. */
export async function newsSitemap(reader: Reader): Promise<SitemapArticle[]> {
  const rows: SitemapArticle[] = await reader.sql.query(
    `SELECT ${ARTICLE_COLUMNS} FROM article a
     WHERE ${LISTED_FOR_READERS_SQL} AND a.published_at > now() - interval '${NEWS_WINDOW_HOURS} hours'
     ORDER BY a.published_at DESC, a.id DESC LIMIT ${NEWS_MAX_URLS}`);
  return withImages(reader, rows);
}

/** Each article's lead picture as readers may see it (rights not expired), through the request's loader: one statement. */
async function withImages(reader: Reader, rows: SitemapArticle[]): Promise<SitemapArticle[]> {
  const ids = rows.flatMap((row) => (row.leadImageId === null ? [] : [row.leadImageId]));
  if (ids.length === 0) return rows;
  const images = new Map((await reader.loaders.image.loadMany(ids)).flatMap((image) => (image && !(image instanceof Error) ? [[image.dbId, image]] : [])));
  return rows.map((row) => {
    const image = row.leadImageId === null ? undefined : images.get(row.leadImageId);
    return { ...row, image: image ? absoluteUrl(reader.publicUrl, reader.media.url(image.dbId, image.rendition, { ratio: 'ORIGINAL', width: SITEMAP_IMAGE_WIDTH, format: 'JPEG' })) : null };
  });
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** /sitemap.xml: the index of the daily sitemaps (old days never change, so crawlers fetch only the days that did). */
export function renderSitemapIndex(days: SitemapDay[], publicUrl: string): string {
  return [
    XML_DECLARATION,
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...days.map((d) => `<sitemap><loc>${xmlText(siteUrl(publicUrl, SITEMAP_PATHS.day(d.day)))}</loc><lastmod>${isoWithOffset(new Date(d.lastModified))}</lastmod></sitemap>`),
    '</sitemapindex>', '',
  ].join('\n');
}

/** A daily sitemap: each article's page, its last change, its translations (hreflang) and its picture. */
export function renderDaySitemap(articles: SitemapArticle[], publicUrl: string): string {
  return [
    XML_DECLARATION,
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ...articles.map((a) => `<url><loc>${xmlText(siteUrl(publicUrl, sitePaths.article(a.slug)))}</loc><lastmod>${isoWithOffset(new Date(a.updatedAt))}</lastmod>`
      + `${alternateLinks(a, publicUrl)}${imageEntry(a)}</url>`),
    '</urlset>', '',
  ].join('\n');
}

/** /sitemap-news.xml: Google News's sitemap, with the publication's name and each article's language, date and title. */
export function renderNewsSitemap(articles: SitemapArticle[], publicUrl: string): string {
  return [
    XML_DECLARATION,
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">',
    ...articles.map((a) => `<url><loc>${xmlText(siteUrl(publicUrl, sitePaths.article(a.slug)))}</loc>`
      + `<news:news><news:publication><news:name>${xmlText(SITE.name)}</news:name><news:language>${xmlText(a.lang)}</news:language></news:publication>`
      + `<news:publication_date>${isoWithOffset(new Date(a.publishedAt))}</news:publication_date><news:title>${xmlText(a.title)}</news:title></news:news>`
      + `${imageEntry(a)}</url>`),
    '</urlset>', '',
  ].join('\n');
}

/** hreflang in a sitemap: every language version of the story, itself included, as its page does (none for one alone). */
function alternateLinks(article: SitemapArticle, publicUrl: string): string {
  if (!article.alternates || article.alternates.length < 2) return '';
  return article.alternates
    .map((a) => `<xhtml:link rel="alternate" hreflang="${xmlText(a.lang)}" href="${xmlText(siteUrl(publicUrl, sitePaths.article(a.slug)))}"/>`).join('');
}

function imageEntry(article: SitemapArticle): string {
  return article.image ? `<image:image><image:loc>${xmlText(article.image)}</image:loc></image:image>` : '';
}

/** robots.txt: everything may be crawled but the API, and the sitemaps are named. */
export function renderRobots(publicUrl: string): string {
  return ['User-agent: *', 'Allow: /', 'Disallow: /graphql', '', `Sitemap: ${siteUrl(publicUrl, SITEMAP_PATHS.index)}`,
    `Sitemap: ${siteUrl(publicUrl, SITEMAP_PATHS.news)}`, ''].join('\n');
}
