/**
 * The public addresses of the site's pages: the one rule the server-rendered pages, feeds, sitemaps, push notifications
 * and webhooks all link by. Paths are relative to PUBLIC_URL (config.publicUrl); slugs may be Arabic and are
 * percent-encoded here, once (a page route accepts the raw and the encoded form, and redirects to this one).
 */
export const sitePaths = {
  front: () => '/',
  article: (slug: string) => `/article/${encodeURIComponent(slug)}`,
  region: (code: string) => `/region/${encodeURIComponent(code)}`,
  person: (slug: string) => `/person/${encodeURIComponent(slug)}`,
  category: (slug: string) => `/category/${encodeURIComponent(slug)}`,
  tag: (tag: string) => `/tag/${encodeURIComponent(tag)}`,
} as const;

/** An absolute address on the site: `publicUrl` without its trailing slash (as config gives it) and a site path. */
export const siteUrl = (publicUrl: string, path: string) => `${publicUrl}${path}`;
