/**
 * How a response's cache tags go out to HTTP caches in front of Khabar, the one function every cacheable route uses
 * (GraphQL, article and list pages, sitemaps, feeds, renditions): the same tags Khabar purges by (`Article:12`,
 * `List:region:MA-04@fr`, …), as `xkey` (Varnish's xkey module, space-separated), `Surrogate-Key` (Fastly,
 * space-separated) and `Cache-Tag` (Cloudflare, comma-separated). Purges send tags through `encodeCacheTag` too.
 */

/** The headers a cacheable response carries its tags in. */
export const CACHE_TAG_HEADERS = ['xkey', 'surrogate-key', 'cache-tag'] as const;

/**
 * Bytes one tag header may take. Varnish refuses a backend header longer than `http_resp_hdr_len` (8 KiB by default)
 * and a response head over `http_resp_size` (32 KiB); Fastly and Cloudflare take 16 KiB of keys. Three headers of at
 * most 4,000 bytes fit all of them.
 */
export const MAX_TAG_HEADER_BYTES = 4_000;

/**
 * The field extension (`@Extensions({ [DEPENDS_ON_TAGS]: … })`) by which a field says what its answer depends on
 * beyond the entities it returns, from its arguments: a cached response holding the field carries these tags too
 * (a Hijri date line: `HijriMonth`, which recording an announced month start purges).
 */
export const DEPENDS_ON_TAGS = 'khabarDependsOnTags';
export type DependsOnTags = (args: Record<string, unknown>) => readonly string[];

/** The tag of one entity: `Article:12`, `Image:7`, `Region:MA-04` (a type is a catalogue's `cacheType`). */
export function tagOf(type: string, key: number | string): string {
  return `${type}:${key}`;
}

/** The tag that stands for every `Type:<key>` of a type in a response too large to name them all. */
export function anyOfType(type: string): string {
  return `${type}:*`;
}

/** What encodeCacheTag leaves as it is. */
const HEADER_TOKEN = /^[A-Za-z0-9:@*._~-]*$/;

/**
 * A tag as a header token: ASCII without separators (tags hold Arabic slugs, and spaces in article tags), so every
 * byte outside `A-Z a-z 0-9 : @ * . _ ~ -` is percent-encoded; a purge encodes the same way.
 */
export function encodeCacheTag(tag: string): string {
  // Most tags (`Article:12`, `List:latest@ar`) are already tokens: encodeURIComponent leaves them as they are.
  if (HEADER_TOKEN.test(tag)) return tag;
  return encodeURIComponent(tag).replace(/%3A/g, ':').replace(/%40/g, '@').replace(/[!'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The encoded tokens of a response's tags, at most MAX_TAG_HEADER_BYTES when joined: when they would not fit, the
 * entity tags of the type with the most (a 1,000-article sitemap's `Article:<id>`s) become that type's `Type:*`, which
 * every event of the type purges (see tagsToPurge), until they do.
 */
export function compactCacheTags(tags: Iterable<string>): string[] {
  let tokens = [...new Set([...tags].map(encodeCacheTag))];
  while (byteLength(tokens) > MAX_TAG_HEADER_BYTES) {
    const byType = new Map<string, number>();
    for (const token of tokens) {
      const colon = token.indexOf(':');
      if (colon > 0 && !token.endsWith(':*')) byType.set(token.slice(0, colon), (byType.get(token.slice(0, colon)) ?? 0) + 1);
    }
    const largest = [...byType].sort((a, b) => b[1] - a[1])[0];
    if (!largest) break;
    const [type] = largest;
    tokens = [...tokens.filter((token) => !token.startsWith(`${type}:`)), anyOfType(type)];
  }
  return tokens;
}

function byteLength(tokens: string[]): number {
  return tokens.reduce((sum, token) => sum + token.length + 1, 0);
}

/** The three headers for a response holding these tags (none for no tags). */
export function cacheTagHeaders(tags: Iterable<string>): Record<(typeof CACHE_TAG_HEADERS)[number], string> | null {
  const tokens = compactCacheTags(tags);
  if (tokens.length === 0) return null;
  const spaced = tokens.join(' ');
  return { 'xkey': spaced, 'surrogate-key': spaced, 'cache-tag': tokens.join(',') };
}

/** Sets the tag headers on a response (express's, or any with setHeader). */
export function setCacheTagHeaders(res: { setHeader(name: string, value: string): unknown }, tags: Iterable<string>): void {
  const headers = cacheTagHeaders(tags);
  if (!headers) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

/**
 * The values of `xkey-purge` headers for these tags: space-separated, each at most MAX_TAG_HEADER_BYTES (a request
 * header is limited like a response's), so a large purge goes as several requests.
 */
export function purgeHeaderValues(tags: Iterable<string>): string[] {
  const values: string[] = [];
  let current = '';
  for (const token of new Set([...tags].map(encodeCacheTag))) {
    if (current && current.length + 1 + token.length > MAX_TAG_HEADER_BYTES) {
      values.push(current);
      current = '';
    }
    current = current ? `${current} ${token}` : token;
  }
  if (current) values.push(current);
  return values;
}
