import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * A strong ETag of a response body (one-shot hashing: no Hash object per response), the one every route that
 * revalidates gives: GraphQL answers, pages, sitemaps and feeds.
 */
export function etagOf(body: string | Buffer): string {
  return `"${crypto.hash('sha1', body, 'base64url')}"`;
}

/** Whether the request's If-None-Match names this ETag (or `*`), so a 304 answers it. */
export function matchesEtag(req: { headers: IncomingHttpHeaders }, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const value = candidate.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}
