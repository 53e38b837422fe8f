import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Sql } from '../../db/sql';
import { FORMAT_MEDIA_TYPES, parseRenditionPath, regionFor, Rendition, renditionFor, renditionPath, widthsFor } from './image-renditions';
import { ImageService } from './image.service';
import type { ImageRow } from './image.row';
import { renditionSourceOf } from './image.type';
import { mediaKeys, type MediaLibrary } from './media-library';
import { IMAGE_EVENTS } from './media.events';
import { setCacheTagHeaders, tagOf } from '../../shared/cache-tags';
import { matchesEtag } from '../../shared/etag';

/** A rendition never changes under its URL: browsers and CDNs keep it for a year without asking again. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The tag a CDN purges an image's files by: the image's own (`Image:7`), which its events purge. */
export function imageCacheTag(imageId: number): string {
  return tagOf(IMAGE_EVENTS.cacheType, imageId);
}

/** A rendition's ETag: its signature, which names its exact bytes. */
function renditionEtag(signature: string): string {
  return `"${signature}"`;
}

function headersOf(res: Response, imageId: number, rendition: Pick<Rendition, 'format' | 'signature'>, size: number): void {
  res.setHeader('Content-Type', FORMAT_MEDIA_TYPES[rendition.format]);
  res.setHeader('Content-Length', String(size));
  res.setHeader('Cache-Control', IMMUTABLE);
  res.setHeader('ETag', renditionEtag(rendition.signature));
  setCacheTagHeaders(res, [imageCacheTag(imageId)]);
  // Pictures are shown on other sites' pages too (apps, syndication partners).
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
}

/** What an image draws today for what a URL asks (its signature may differ from the URL's), or null when that width is not on its ladder. */
function currentRendition(row: ImageRow, asked: Pick<Rendition, 'ratio' | 'width' | 'format'>) {
  const source = renditionSourceOf(row);
  if (!widthsFor(regionFor(source, asked.ratio), asked.ratio).includes(asked.width)) return null;
  return { source, rendition: renditionFor(source, asked) };
}

function refuse(res: Response, status: number, message: string, maxAge: number): void {
  res.status(status).setHeader('Cache-Control', maxAge > 0 ? `public, max-age=${maxAge}` : 'no-store');
  res.type('text/plain').send(`${message}\n`);
}

/**
 * GET /media/<image>/<ratio>-<width>-<signature>.<ext>. A stored rendition is sent as it is, from memory when it is hot
 * (the warm path reads no database: the file exists only while its URL is current). Otherwise the image row decides: 404 for none, 410 once
 * its rights have expired, a redirect to the current URL for an outdated signature, or the rendition is drawn now
 * (once, however many ask at the same time), stored, and sent.
 */
export function renditionRoute(deps: { sql: Sql; media: MediaLibrary; logger: Logger }) {
  const images = new ImageService(deps.sql);
  const drawing = new Map<string, Promise<Buffer | 'gone'>>();

  return async (req: Request, res: Response): Promise<void> => {
    const asked = parseRenditionPath(req.path);
    if (!asked) return refuse(res, 404, 'No such picture.', 60);
    const key = mediaKeys.rendition(asked.imageId, asked);
    try {
      if (matchesEtag(req, renditionEtag(asked.signature))) {
        // A proxy may have weakened the ETag, a cache may send several. Only a current URL's file is "not modified": an
        // image taken out since still gets 410, an outdated URL (or `*` on one) its redirect below.
        const row = await images.row(asked.imageId);
        if (row && !row.expired && currentRendition(row, asked)?.rendition.signature === asked.signature) {
          res.setHeader('Cache-Control', IMMUTABLE);
          return void res.status(304).end();
        }
      }
      const generation = deps.media.cache.generation(asked.imageId);
      const cached = deps.media.cache.get(key) ?? await deps.media.storage.get(key);
      if (cached) {
        deps.media.cache.set(key, asked.imageId, cached, generation);
        headersOf(res, asked.imageId, asked, cached.length);
        return void res.end(req.method === 'HEAD' ? undefined : cached);
      }
      const row = await images.row(asked.imageId);
      if (!row) return refuse(res, 404, 'No such picture.', 60);
      if (row.expired) return refuse(res, 410, 'This picture is no longer available.', 300);
      const current = currentRendition(row, asked);
      if (!current) return refuse(res, 404, 'No rendition of this width.', 60);
      const { source, rendition } = current;
      if (rendition.signature !== asked.signature) {
        // An outdated URL (the picture was reframed since): the current one, not cached for long, as the page may change again.
        res.setHeader('Cache-Control', 'public, max-age=60');
        return res.redirect(302, `${deps.media.publicUrl}${renditionPath(row.id, rendition)}`);
      }
      let job = drawing.get(key);
      if (!job) {
        job = (async () => {
          const file = await deps.media.render(row.id, row.originalKey, source, rendition);
          // The image may have been taken out while it was drawn: its purge may have run before this file was stored.
          const now = await images.row(row.id);
          if (!now || now.expired) {
            await deps.media.storage.deletePrefix(mediaKeys.renditions(row.id));
            return 'gone' as const;
          }
          return file;
        })().finally(() => drawing.delete(key));
        drawing.set(key, job);
      }
      const file = await job;
      if (file === 'gone') return refuse(res, 410, 'This picture is no longer available.', 300);
      deps.media.cache.set(key, row.id, file, generation);
      headersOf(res, row.id, rendition, file.length);
      res.end(req.method === 'HEAD' ? undefined : file);
    } catch (error) {
      deps.logger.error({ err: error, path: req.path }, 'rendition failed');
      if (!res.headersSent) refuse(res, 503, 'The picture cannot be served right now.', 0);
      else res.destroy();
    }
  };
}
