import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { type ContextDeps, makeContext } from '../context';
import { ANONYMOUS } from '../auth/viewer';
import { isDatabaseUnavailable } from '../db/unavailable';
import { ARTICLE_PAGE_QUERY, renderArticlePage, renderNotFoundPage, type ArticlePageData } from '../modules/pages/article-page';
import { absoluteUrl } from '../modules/pages/structured-data.resolver';
import { normalizeSlugInput } from '../shared/slug';
import { numericIdOf } from '../shared/global-id';
import { sitePaths } from '../shared/site-paths';
import { entityTag } from './cache/entity-tags';
import { maxAgeFor } from './cache/cache-control';
import { etagOf, matchesEtag } from './cache/etag';
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

/** What a page request produced: its status, HTML, the tags of what it shows, and the statements it ran. */
interface Rendered {
  status: number;
  body: string;
  tags: Set<string>;
  statements: number;
  /** A canonical address to redirect to instead. */
  redirect?: string;
}

const ARTICLE_PAGE: DocumentNode = parse(ARTICLE_PAGE_QUERY);

/**
 * The server-rendered pages for readers, crawlers and link previews: GET /article/<slug> (raw or percent-encoded;
 * another spelling of the address redirects to the canonical one with 301). Each page is read through the schema like
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
    await servePage(deps, req, res, `page:${canonical}`, () => articlePage(deps, res, html, slug));
  });
  return router;
}

/** A path segment as sent: percent-encoded in any case, in any Unicode normalization form. */
function slugOf(segment: string): string {
  return normalizeSlugInput(segment);
}

async function articlePage(deps: Deps, res: Response, html: string, slug: string): Promise<Rendered> {
  const requestId = `page-${crypto.randomUUID()}`;
  const ctx = makeContext(deps.contextDeps, ANONYMOUS, requestId);
  // The schema's tag collector reads the request state's `tags`, as for an anonymous query over HTTP.
  const http = beginRequestState(res, requestId);
  const tags = (http.tags = new Set<string>());
  const result = await execute({ schema: deps.schema, document: ARTICLE_PAGE, contextValue: { ...ctx, http }, variableValues: { slug } });
  if (result.errors?.length) throw result.errors[0].originalError ?? result.errors[0];
  const article = (result.data as { article: ArticlePageData | null }).article;
  if (!article) return { status: 404, body: renderNotFoundPage(html), tags, statements: ctx.sql.statements };
  if (article.slug !== slug) return { status: 301, body: '', tags, statements: ctx.sql.statements, redirect: sitePaths.article(article.slug) };
  const [alternates] = await ctx.services.articles.alternatesFor([numericIdOf('Article', article.id)]);
  // A translation published, changed or withdrawn changes this page's hreflang links.
  for (const alternate of alternates) tags.add(entityTag('Article', alternate.articleId));
  const publicUrl = deps.config.publicUrl;
  const body = renderArticlePage(html, article, alternates, { publicUrl, absolute: (url) => absoluteUrl(publicUrl, url) });
  return { status: 200, body, tags, statements: ctx.sql.statements };
}

/** Answers from the cache while fresh, else renders, keeps and answers; ETag and 304 either way. */
async function servePage(deps: Deps, req: Request, res: Response, key: string, render: () => Promise<Rendered>): Promise<void> {
  const { config, cache, logger } = deps;
  res.setHeader('content-security-policy', frontCsp(config));
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('vary', 'accept-encoding');
  const found = cache ? await cache.lookupPage(key) : null;
  if (found?.entry) {
    res.setHeader('x-khabar-cache', 'HIT');
    if (config.exposeSqlCount) res.setHeader('x-khabar-sql-statements', '0');
    return send(req, res, 200, found.entry.body, found.entry.etag, `public, max-age=${found.entry.maxAge - found.age}`);
  }
  let page: Rendered;
  try {
    page = await render();
  } catch (error) {
    const unavailable = isDatabaseUnavailable(error);
    if (!unavailable) logger.error({ err: error, path: req.path }, 'page failed');
    res.setHeader('cache-control', 'no-store');
    if (unavailable) res.setHeader('retry-after', '5');
    res.status(unavailable ? 503 : 500).type('text/plain').send(unavailable ? 'The database is unavailable; try again shortly.\n' : 'Something went wrong.\n');
    return;
  }
  if (cache) res.setHeader('x-khabar-cache', 'MISS');
  if (config.exposeSqlCount) res.setHeader('x-khabar-sql-statements', String(page.statements));
  if (page.redirect) return void res.redirect(301, page.redirect);
  if (page.status !== 200) {
    // Not found now may be published in a minute: kept by nobody, never indexed.
    res.setHeader('x-robots-tag', 'noindex');
    res.setHeader('cache-control', 'no-cache');
    res.status(page.status).type('html').send(page.body);
    return;
  }
  const maxAge = maxAgeFor(page.tags, config.edge);
  const etag = etagOf(page.body);
  if (cache && found) cache.keepPage(key, found.epoch, { body: page.body, etag, storedAt: Date.now(), maxAge, operation: 'page' }, page.tags);
  send(req, res, 200, page.body, etag, `public, max-age=${maxAge}`);
}

function send(req: Request, res: Response, status: number, body: string, etag: string, cacheControl: string): void {
  res.setHeader('cache-control', cacheControl);
  res.setHeader('etag', etag);
  if (matchesEtag(req, etag)) return void res.status(304).end();
  res.status(status).type('html').send(body);
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
