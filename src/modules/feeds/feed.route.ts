import { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { CountingSql, type Sql } from '../../db/sql';
import { isDatabaseUnavailable } from '../../db/unavailable';
import { type Lang } from '../../shared/languages';
import { sitePaths, siteUrl } from '../../shared/site-paths';
import { setCacheTagHeaders } from '../../shared/cache-tags';
import { etagOf, matchesEtag } from '../../shared/etag';
import { renditionFor, renditionPath } from '../media/image-renditions';
import {
  FEED_FORMAT_NAMES, FEED_FORMATS, feedPath, feedTag, parseFeedPath, type FeedAddress, type FeedFormat,
} from './feed-address';
import { readFeed, type FeedContent, type FeedImage, type FeedItem } from './feed.reader';
import { renderFeed, type FeedDocument } from './feed.render';

/** A kept feed document, as the response cache's store keeps GraphQL answers (server/cache/response-store.ts). */
export interface StoredFeed {
  body: string;
  etag: string;
  storedAt: number;
  maxAge: number;
  /** Milliseconds since the epoch of the newest item's change; absent for an empty feed. */
  lastModified?: number;
  /** The tags it was kept under (a lookup's). */
  tags?: readonly string[];
}

/** The response cache's store, lent by the server: feeds are kept and purged by tags with the GraphQL answers. */
export interface FeedCache {
  lookup(key: string): Promise<{ entry?: StoredFeed; epoch: string }>;
  store(key: string, entry: StoredFeed, tags: string[], startEpoch: string): Promise<boolean>;
  /** The tag of one entity, as the cache's purges name it (`Article:12`). */
  entityTag(type: 'Article' | 'Person' | 'Category' | 'Region', id: number | string): string;
}

export interface FeedRouteDeps {
  sql: Sql;
  logger: Logger;
  /** The site's public origin (PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  /** Where renditions are served from (MEDIA_PUBLIC_URL), empty for this server. */
  mediaPublicUrl: string;
  /** WebSub hubs (WEBSUB_HUBS) every feed names with rel="hub". */
  hubs: readonly string[];
  /** Null when the response cache is off: every request reads its one statement. */
  cache: FeedCache | null;
  /** Report each response's statement count (x-khabar-sql-statements), for the statement-count tests and benches. */
  exposeSqlCount: boolean;
}

/** How long an instance keeps a feed document (a publication purges it sooner), and how long clients may. */
const KEEP_SECONDS = 300;
const CLIENT_MAX_AGE = 60;
/** The lead picture in feeds: a 16:9 JPEG every reader and aggregator can show. */
const FEED_IMAGE = { ratio: 'R16_9', width: 1280, format: 'JPEG' } as const;

const SITE_NAMES: Record<Lang, string> = { ar: 'خبر', fr: 'Khabar', en: 'Khabar', zgh: 'ⵅⴰⴱⴰⵔ' };
const LATEST_NAMES: Record<Lang, string> = { ar: 'آخر الأخبار', fr: 'Dernières nouvelles', en: 'Latest news', zgh: 'ⵉⵙⴰⵍⵍ ⵉⵏⴳⴳⵓⵔⴰ' };

/** GET /feeds/… in RSS 2.0, Atom 1.0 and JSON Feed 1.1, with ETag, Last-Modified and 304s, kept in the response cache. */
export function feedRoutes(deps: FeedRouteDeps): Router {
  const router = Router();
  const handle = async (req: Request, res: Response) => {
    const parsed = parseFeedPath(req.path, req.query.lang);
    if (!parsed.ok) {
      res.status(parsed.status).set('Cache-Control', 'no-store').type('text/plain')
        .send(`${parsed.field ? `${parsed.field}: ` : ''}${parsed.message}\n`);
      return;
    }
    const { address, format } = parsed;
    const sql = new CountingSql(deps.sql);
    const key = `feed|${feedPath(address, format)}`;
    let epoch: string | null = null;
    if (deps.cache) {
      try {
        const found = await deps.cache.lookup(key);
        const age = found.entry ? Math.floor((Date.now() - found.entry.storedAt) / 1000) : 0;
        if (found.entry && age < found.entry.maxAge) {
          res.setHeader('x-khabar-cache', 'HIT');
          if (found.entry.tags) setCacheTagHeaders(res, found.entry.tags);
          send(req, res, format, found.entry, sql, deps.exposeSqlCount);
          return;
        }
        epoch = found.epoch;
        res.setHeader('x-khabar-cache', 'MISS');
      } catch (error) {
        deps.logger.warn({ err: error }, 'feed cache lookup failed; answering without it');
      }
    }
    const content = await readFeed(sql, address);
    if (!content.subject) {
      res.status(404).set('Cache-Control', 'no-store').type('text/plain').send('No such feed.\n');
      return;
    }
    const doc = documentOf(deps, address, content);
    const body = renderFeed(doc, format);
    const stored: StoredFeed = {
      body, etag: etagOf(body), storedAt: Date.now(), maxAge: KEEP_SECONDS,
      ...(doc.updated ? { lastModified: doc.updated.getTime() } : {}),
    };
    const tags = cacheTagsOf(deps, address, content);
    if (deps.cache && epoch !== null) {
      deps.cache.store(key, stored, tags, epoch).catch((error) => deps.logger.warn({ err: error }, 'feed cache store failed'));
    }
    // For the HTTP caches in front, which purge by the same tags (xkey, Surrogate-Key, Cache-Tag).
    setCacheTagHeaders(res, tags);
    send(req, res, format, stored, sql, deps.exposeSqlCount);
  };
  router.get(/^\/feeds\//, (req, res) => {
    handle(req, res).catch((error) => {
      if (isDatabaseUnavailable(error)) {
        res.status(503).set({ 'Cache-Control': 'no-store', 'Retry-After': '5' }).type('text/plain').send('The database is unavailable; try again shortly.\n');
        return;
      }
      deps.logger.error({ err: error, path: req.path }, 'a feed failed');
      if (!res.headersSent) res.status(500).set('Cache-Control', 'no-store').type('text/plain').send('Internal error.\n');
    });
  });
  return router;
}

/** A 304 for a client that holds this version (If-None-Match first; If-Modified-Since when it sends no ETag), else the document. */
function send(req: Request, res: Response, format: FeedFormat, feed: StoredFeed, sql: CountingSql, exposeSqlCount: boolean): void {
  res.setHeader('Cache-Control', `public, max-age=${CLIENT_MAX_AGE}`);
  res.setHeader('ETag', feed.etag);
  if (feed.lastModified !== undefined) res.setHeader('Last-Modified', new Date(feed.lastModified).toUTCString());
  // Feed readers in browsers (JSON Feed especially) fetch from other origins.
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (exposeSqlCount) res.setHeader('x-khabar-sql-statements', String(sql.statements));
  if (notModified(req, feed)) {
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Type', FEED_FORMATS[format]);
  res.status(200).send(feed.body);
}

function notModified(req: Request, feed: StoredFeed): boolean {
  if (req.headers['if-none-match']) return matchesEtag(req, feed.etag);
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  // HTTP dates have whole seconds.
  return feed.lastModified !== undefined && !Number.isNaN(since) && Math.floor(feed.lastModified / 1000) * 1000 <= since;
}

/** The feed's own tag, its subject's, and each article's: an edit of any item, or a publication that joins it, purges it. */
function cacheTagsOf(deps: FeedRouteDeps, address: FeedAddress, content: FeedContent): string[] {
  const tags = [feedTag(address)];
  const { subject } = address;
  const tagOf = deps.cache?.entityTag ?? ((type: string, id: number | string) => `${type}:${id}`);
  if (subject.kind === 'region') tags.push(tagOf('Region', subject.key));
  if ((subject.kind === 'person' || subject.kind === 'category') && content.subject?.id != null) {
    tags.push(tagOf(subject.kind === 'person' ? 'Person' : 'Category', content.subject.id));
  }
  for (const item of content.items) tags.push(tagOf('Article', item.id));
  return tags;
}

function documentOf(deps: FeedRouteDeps, address: FeedAddress, content: FeedContent): FeedDocument {
  const { subject } = address;
  const lang = address.lang ?? 'ar';
  const row = content.subject!;
  const named = lang === 'ar' ? row.nameAr : row.nameOther ?? row.nameAr;
  const name = subject.kind === 'latest' ? LATEST_NAMES[lang] : subject.kind === 'tag' ? `#${subject.key}` : named;
  const page = subject.kind === 'latest' ? sitePaths.front() : sitePaths[subject.kind](subject.key);
  const selfUrls = Object.fromEntries(FEED_FORMAT_NAMES.map((format) => [format, siteUrl(deps.publicUrl, feedPath(address, format))])) as Record<FeedFormat, string>;
  const updated = content.items.reduce<Date | null>((newest, item) => {
    const changed = item.updatedAt > item.publishedAt ? item.updatedAt : item.publishedAt;
    return !newest || changed > newest ? changed : newest;
  }, null);
  return {
    title: `${SITE_NAMES[lang]}: ${name}`,
    description: `${SITE_NAMES[lang]}: ${name}`,
    lang,
    siteUrl: siteUrl(deps.publicUrl, page),
    selfUrls,
    hubs: deps.hubs,
    updated,
    items: content.items.map((item) => itemOf(deps, item)),
  };
}

function itemOf(deps: FeedRouteDeps, item: FeedItem): FeedDocument['items'][number] {
  const category = item.category ? (item.lang === 'ar' ? item.category.nameAr : item.category.nameFr) : null;
  return {
    url: siteUrl(deps.publicUrl, sitePaths.article(item.slug)),
    title: item.title,
    summary: item.summary,
    lang: item.lang,
    published: item.publishedAt,
    updated: item.updatedAt > item.publishedAt ? item.updatedAt : item.publishedAt,
    categories: [...(category ? [category] : []), ...item.tags],
    image: item.leadImage ? imageOf(deps, item.leadImage, item.lang) : null,
  };
}

function imageOf(deps: FeedRouteDeps, image: FeedImage, lang: Lang): NonNullable<FeedDocument['items'][number]['image']> {
  const source = {
    originalHash: image.originalHash, width: image.width, height: image.height,
    focalPoint: { x: image.focalX, y: image.focalY }, crops: image.crops,
  };
  const rendition = renditionFor(source, FEED_IMAGE);
  return {
    url: `${deps.mediaPublicUrl || deps.publicUrl}${renditionPath(image.id, rendition)}`,
    width: rendition.width,
    height: rendition.height,
    type: 'image/jpeg',
    alt: image.alt[lang] ?? image.alt.ar ?? image.alt.fr ?? '',
    credit: image.credit,
  };
}
