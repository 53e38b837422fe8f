import fs from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { EMBED_PLAYER_ORIGINS } from '../modules/media/embed-url';

/** Bundled JS/CSS carry a content hash in their name (scripts/build-web.mjs), so browsers may keep them for good. */
const HASHED_ASSET = /-[A-Z0-9]{8}\.(js|css|ttf|woff2?)$/;

/**
 * Strict policy for the front page: files from Khabar only (pictures from MEDIA_PUBLIC_URL too), API calls and
 * graphql-ws to the same origin; frames only from the embed providers' players, which load when a reader asks.
 */
export function frontCsp(config: Config): string {
  const pictures = config.media.publicUrl ? ` ${new URL(config.media.publicUrl).origin}` : '';
  return [
    "default-src 'self'", "connect-src 'self'", `img-src 'self' data:${pictures}`, `frame-src ${EMBED_PLAYER_ORIGINS.join(' ')}`,
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; ');
}

/** Monaco styles its editors at run time (inline styles) and GraphiQL inlines its icon fonts as data: URLs. */
const PLAYGROUND_CSP = [
  "default-src 'self'", "connect-src 'self'", "style-src 'self' 'unsafe-inline'", "font-src 'self' data:",
  "img-src 'self' data:", "worker-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The GraphiQL playground at GET `/graphql` (browsers asking for HTML), the front page's service worker, and the
 * bundles under `/assets`, all from `config.webDir` (built by `npm run build`); nothing is fetched from elsewhere. The
 * front page and the other reader pages are server-rendered from its index.html (./pages-route.ts).
 */
export function webRoutes(config: Config, logger: Logger): Router {
  const router = Router();
  const pages = new Map<string, string>();
  const page = (name: string, csp: string) => (_req: Request, res: Response) => {
    let html = pages.get(name);
    if (html === undefined) {
      try {
        html = fs.readFileSync(path.join(config.webDir, name), 'utf8');
        pages.set(name, html);
      } catch {
        logger.warn({ webDir: config.webDir }, `${name} is missing: run "npm run build"`);
        res.status(503).type('text/plain').send('The web pages are not built: run "npm run build".\n');
        return;
      }
    }
    res.set({ 'Content-Security-Policy': csp, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.type('html').send(html);
  };

  // The front page's service worker: one stable URL at the root, so its scope is the whole site.
  router.get('/sw.js', (_req, res) => {
    res.set({ 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.sendFile(path.join(config.webDir, 'sw.js'), { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } }, (error) => {
      if (error && !res.headersSent) res.status(503).type('text/plain').send('The web pages are not built: run "npm run build".\n');
    });
  });
  if (config.playground) {
    const playground = page('playground.html', PLAYGROUND_CSP);
    router.get('/graphql', (req, res, next) => {
      if (req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) !== 'text/html') return next();
      playground(req, res);
    });
  }
  router.use('/assets', express.static(path.join(config.webDir, 'assets'), {
    index: false,
    fallthrough: false,
    setHeaders(res, file) {
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', HASHED_ASSET.test(file) ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
    },
  }));
  return router;
}
