import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { type Context, type ContextDeps, makeContext } from '../context';
import { ANONYMOUS } from '../auth/viewer';
import { isDatabaseUnavailable } from '../db/unavailable';
import { ARTICLE_NOT_FOUND, ARTICLE_PAGE_QUERY, PAGE_NOT_FOUND, renderArticlePage, renderNotFoundPage, type ArticlePageData } from '../modules/pages/article-page';
import { LIST_PAGE_QUERIES, listPath, renderListPage, type ListKind, type ListPageData } from '../modules/pages/list-page';
import { parseRegionCode } from '../modules/region/region-code';
import { absoluteUrl } from '../modules/pages/structured-data.resolver';
import {
  newsSitemap, renderDaySitemap, renderNewsSitemap, renderRobots, renderSitemapIndex, SITEMAP_DAY, SITEMAP_PATHS, sitemapDays, sitemapOfDay,
} from '../modules/pages/sitemaps';
import { normalizeSlugInput } from '../shared/slug';
import { numericIdOf } from '../shared/global-id';
import { sitePaths } from '../shared/site-paths';
import { entityTag } from './cache/entity-tags';
import { maxAgeFor } from './cache/cache-control';
import { etagOf, matchesEtag } from '../shared/etag';
import { encodeUtf8 } from '../shared/utf8';
import { setCacheTagHeaders } from '../shared/cache-tags';
import type { ResponseCache } from './cache/response-cache';
import { beginRequestState } from './request-state';
import { frontCsp } from './web';

interface Deps {
  config: Config;
  schema: GraphQLSchema;
  contextDeps: ContextDeps;
  /** The response cache of anonymous reads; pages are kept in it too, tagged, so publishing purges them. */
  cache: ResponseCache | null;
  logger: Logger;
}

/** What a page request produced: its status, body, the tags of what it shows, and the statements it ran. */
interface Rendered {
  status: number;
  body: string;
  /** HTML unless said. */
  type?: 'html' | 'xml';
  tags: Set<string>;
  statements: number;
  /** A canonical address to redirect to instead. */
  redirect?: string;
}

const ARTICLE_PAGE: DocumentNode = parse(ARTICLE_PAGE_QUERY);
const LIST_PAGES = Object.fromEntries(Object.entries(LIST_PAGE_QUERIES).map(([kind, query]) => [kind, parse(query)])) as Record<ListKind, DocumentNode>;
/** The filter of each list page's articles, by its key. */
const LIST_FILTERS: Record<ListKind, (key: string) => Record<string, string>> = {
  front: () => ({}), region: (regionCode) => ({ regionCode }), person: (personSlug) => ({ personSlug }), category: (categorySlug) => ({ categorySlug }),
};

/**
 * The server-rendered pages for readers, crawlers and link previews: GET /article/<slug> (percent-encoded; another
 * spelling of the address redirects to the canonical one with 301), the sitemaps and robots.txt. Each page is read through the schema like
 * any anonymous query, tagged with what it shows, kept in the response cache and given an ETag (304 on a match).
 */
export function pageRoutes(deps: Deps): Router {
  const router = Router();
  const template = frontTemplate(deps.config, deps.logger);

  router.get('/article/*rest', async (req, res) => {
    const html = template();
    if (html === null) return notBuilt(res);
    const requested = req.path;
    const slug = slugOf(requested.slice('/article/'.length));
    const canonical = sitePaths.article(slug);
    if (requested !== canonical) return res.redirect(301, canonical);
    await servePage(deps, req, res, `page:${canonical}`, () => articlePage(deps, res, html, slug), html);
  });

  // The front page and the pages of a place, a person and a section: their first screen, server-rendered.
  const listRoute = (kind: ListKind) => async (req: Request, res: Response) => {
    const html = template();
    if (html === null) return notBuilt(res);
    const segment = req.path.slice(`/${kind}/`.length);
    const key = kind === 'front' ? '' : kind === 'region' ? parseRegionCode(normalizeSlugInput(segment)) : slugOf(segment);
    if (key === null) return void res.status(404).set('x-robots-tag', 'noindex').type('html').send(renderNotFoundPage(html, PAGE_NOT_FOUND));
    const canonical = listPath(kind, key);
    if (req.path !== canonical) return res.redirect(301, canonical);
    await servePage(deps, req, res, `page:${canonical}`, () => listPage(deps, res, html, kind, key), html);
  };
  router.get('/', listRoute('front'));
  for (const kind of ['region', 'person', 'category'] as const) router.get(`/${kind}/*rest`, listRoute(kind));

  // Sitemaps: tagged with the list of articles (a publication or correction purges them) and with each article they
  // name (its retraction or withdrawal does).
  const sitemap = (read: (reader: Context, req: Request) => Promise<{ body: string; ids: number[] } | null>) => async (req: Request, res: Response) => {
    await servePage(deps, req, res, `page:${req.path}`, async () => {
      const reader = makeContext(deps.contextDeps, ANONYMOUS, `sitemap-${crypto.randomUUID()}`);
      const found = await read(reader, req);
      const tags = new Set(['Article', ...(found?.ids ?? []).map((id) => entityTag('Article', id))]);
      return { status: found ? 200 : 404, body: found?.body ?? 'No sitemap for this day.\n', type: 'xml', tags, statements: reader.sql.statements };
    });
  };
  const { publicUrl } = deps.config;
  router.get(SITEMAP_PATHS.index, sitemap(async (reader) => ({ body: renderSitemapIndex(await sitemapDays(reader), publicUrl), ids: [] })));
  router.get(SITEMAP_PATHS.news, sitemap(async (reader) => {
    const articles = await newsSitemap(reader);
    return { body: renderNewsSitemap(articles, publicUrl), ids: articles.map((a) => a.id) };
  }));
  router.get(SITEMAP_PATHS.day(':day'), sitemap(async (reader, req) => {
    const day = calendarDay(String(req.params.day));
    if (!day) return null;
    const articles = await sitemapOfDay(reader, day);
    return articles.length ? { body: renderDaySitemap(articles, publicUrl), ids: articles.map((a) => a.id) } : null;
  }));
  router.get(SITEMAP_PATHS.robots, (_req, res) => {
    res.set({ 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' }).type('text/plain').send(renderRobots(publicUrl));
  });
  return router;
}

/** "2022-02-04" when it is a day of the calendar, else null. */
function calendarDay(value: string): string | null {
  const match = SITEMAP_DAY.exec(value);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value ? value : null;
}

/** A path segment as sent: percent-encoded in any case, in any Unicode normalization form. */
function slugOf(segment: string): string {
  return normalizeSlugInput(segment);
}

/** Runs a page's operation as an anonymous reader's, collecting the tags of what it reads; an error fails the page. */
async function read<T>(deps: Deps, res: Response, document: DocumentNode, variableValues: Record<string, unknown>): Promise<{ data: T; tags: Set<string>; ctx: Context }> {
  const requestId = `page-${crypto.randomUUID()}`;
  const ctx = makeContext(deps.contextDeps, ANONYMOUS, requestId);
  // The schema's tag collector reads the request state's `tags`, as for an anonymous query over HTTP.
  const http = beginRequestState(res, requestId);
  const tags = (http.tags = new Set<string>());
  const result = await execute({ schema: deps.schema, document, contextValue: { ...ctx, http }, variableValues });
  if (result.errors?.length) throw result.errors[0].originalError ?? result.errors[0];
  return { data: result.data as T, tags, ctx };
}

async function listPage(deps: Deps, res: Response, html: string, kind: ListKind, key: string): Promise<Rendered> {
  const variables = { ...(kind === 'region' ? { code: key } : kind === 'front' ? {} : { slug: key }), filter: LIST_FILTERS[kind](key) };
  const { data, tags, ctx } = await read<ListPageData>(deps, res, LIST_PAGES[kind], variables);
  if (kind !== 'front' && !data.subject) return { status: 404, body: renderNotFoundPage(html, PAGE_NOT_FOUND), tags, statements: ctx.sql.statements };
  return { status: 200, body: renderListPage(html, kind, key, data, deps.config.publicUrl), tags, statements: ctx.sql.statements };
}

async function articlePage(deps: Deps, res: Response, html: string, slug: string): Promise<Rendered> {
  const { data, tags, ctx } = await read<{ article: ArticlePageData | null }>(deps, res, ARTICLE_PAGE, { slug });
  const { article } = data;
  if (!article) return { status: 404, body: renderNotFoundPage(html, ARTICLE_NOT_FOUND), tags, statements: ctx.sql.statements };
  if (article.slug !== slug) return { status: 301, body: '', tags, statements: ctx.sql.statements, redirect: sitePaths.article(article.slug) };
  const [alternates] = await ctx.services.articles.alternatesFor([numericIdOf('Article', article.id)]);
  // A translation published, changed or withdrawn changes this page's hreflang links.
  for (const alternate of alternates) tags.add(entityTag('Article', alternate.articleId));
  const publicUrl = deps.config.publicUrl;
  const body = renderArticlePage(html, article, alternates, { publicUrl, absolute: (url) => absoluteUrl(publicUrl, url) });
  return { status: 200, body, tags, statements: ctx.sql.statements };
}

/**
 * Answers from the cache while fresh, else renders, keeps and answers; ETag and 304 either way. A page that cannot be
 * made (the database away) is answered 503 or 500 with `shell`, the front page unfilled, when it has one: its script
 * still loads, says what is wrong and reads again once the reader retries.
 */
async function servePage(deps: Deps, req: Request, res: Response, key: string, render: () => Promise<Rendered>, shell?: string): Promise<void> {
  const { config, cache, logger } = deps;
  res.setHeader('content-security-policy', frontCsp(config));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('vary', 'accept-encoding');
  const found = cache ? await cache.lookupPage(key) : null;
  // Kept pages are HTML or XML as their key says (pages under /article/, documents named .xml).
  const cachedType = key.endsWith('.xml') ? 'xml' : 'html';
  if (found?.entry) {
    res.setHeader('x-khabar-cache', 'HIT');
    if (config.exposeSqlCount) res.setHeader('x-khabar-sql-statements', '0');
    if (found.entry.tags) setCacheTagHeaders(res, found.entry.tags);
    return send(req, res, cachedType, found.entry.body, found.entry.etag, `public, max-age=${found.entry.maxAge - found.age}`);
  }
  let page: Rendered;
  try {
    page = await render();
  } catch (error) {
    const unavailable = isDatabaseUnavailable(error);
    if (!unavailable) logger.error({ err: error, path: req.path }, 'page failed');
    res.setHeader('cache-control', 'no-store');
    if (unavailable) res.setHeader('retry-after', '5');
    res.status(unavailable ? 503 : 500);
    if (shell) res.type('html').send(shell);
    else res.type('text/plain').send(unavailable ? 'The database is unavailable; try again shortly.\n' : 'Something went wrong.\n');
    return;
  }
  if (cache) res.setHeader('x-khabar-cache', 'MISS');
  if (config.exposeSqlCount) res.setHeader('x-khabar-sql-statements', String(page.statements));
  if (page.redirect) return void res.redirect(301, page.redirect);
  if (page.status !== 200) {
    // Not found now may be published in a minute: kept by nobody, never indexed.
    res.setHeader('x-robots-tag', 'noindex');
    res.setHeader('cache-control', 'no-cache');
    res.status(page.status).type(page.type === 'xml' ? 'text/plain' : 'html').send(page.body);
    return;
  }
  const maxAge = maxAgeFor(page.tags, config.edge);
  // Encoded once for its ETag and the socket (each encoded the page again: an Arabic page is two-byte text).
  const bytes = encodeUtf8(page.body);
  const etag = etagOf(bytes);
  if (cache && found) cache.keepPage(key, found.epoch, { body: page.body, etag, storedAt: Date.now(), maxAge, operation: 'page' }, page.tags);
  setCacheTagHeaders(res, page.tags);
  send(req, res, page.type ?? 'html', bytes, etag, `public, max-age=${maxAge}`);
}

function send(req: Request, res: Response, type: 'html' | 'xml', body: string | Buffer, etag: string, cacheControl: string): void {
  res.setHeader('cache-control', cacheControl);
  res.setHeader('etag', etag);
  if (matchesEtag(req, etag)) return void res.status(304).end();
  res.status(200).type(type === 'xml' ? 'application/xml; charset=utf-8' : 'html').send(body);
}

/** The built front page, read once (`npm run build` writes it); null while it is not built. */
function frontTemplate(config: Config, logger: Logger): () => string | null {
  let html: string | undefined;
  return () => {
    if (html !== undefined) return html;
    try {
      html = fs.readFileSync(path.join(config.webDir, 'index.html'), 'utf8');
      return html;
    } catch {
      logger.warn({ webDir: config.webDir }, 'index.html is missing: run "npm run build"');
      return null;
    }
  };
}

function notBuilt(res: Response): void {
  res.status(503).type('text/plain').send('The web pages are not built: run "npm run build".\n');
}
