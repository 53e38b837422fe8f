import { isLang, LANGS_TEXT, type Lang } from '../../shared/languages';
import { normalizeSlugInput } from '../../shared/slug';
import { parseRegionCode } from '../region/region-code';
import { LIST_SUBJECT_KINDS, listTag, type ListAddress, type ListSubject, type ListSubjectKind } from '../article/article-lists';

/**
 * The one rule for a feed's address: which feeds exist (latest, and one per region, person, category and tag), their
 * three formats, their paths under /feeds/, the `?lang=` that narrows them, and the cache tag a publication purges
 * them by. Routes parse by it, documents link to themselves by it, WebSub pings name it.
 */
export const FEED_FORMATS = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
} as const;
export type FeedFormat = keyof typeof FEED_FORMATS;
export const FEED_FORMAT_NAMES = Object.keys(FEED_FORMATS) as FeedFormat[];

/** Feeds with a subject: the lists of articles readers see (article-lists.ts), one feed per list. */
export const SUBJECT_KINDS = LIST_SUBJECT_KINDS;
export type SubjectKind = ListSubjectKind;
export type FeedSubject = ListSubject;

/** One feed document: a subject, narrowed to one language or not; the list it shows. */
export type FeedAddress = ListAddress;

/** Newest items in a feed. */
export const FEED_SIZE = 50;

/** The path of a feed in a format, e.g. `/feeds/region/MA-04.rss` or `/feeds/latest.json?lang=fr`. */
export function feedPath(address: FeedAddress, format: FeedFormat): string {
  const { subject, lang } = address;
  const name = subject.kind === 'latest' ? 'latest' : `${subject.kind}/${encodeURIComponent(subject.key)}`;
  return `/feeds/${name}.${format}${lang ? `?lang=${lang}` : ''}`;
}

/**
 * The cache tag of a feed's documents, every format: its list's (`List:region:MA-04`, `List:region:MA-04@fr` narrowed
 * to French), which the GraphQL lists and pages of that list carry too. A change purges the lists the article is in.
 */
export function feedTag(address: FeedAddress): string {
  return listTag(address);
}

export type ParsedFeedPath =
  | { ok: true; address: FeedAddress; format: FeedFormat }
  | { ok: false; status: 400 | 404; field?: string; message: string };

const PATH = /^\/feeds\/(?:(latest)|(region|person|category|tag)\/([^/]+))\.(rss|atom|json)$/;

/**
 * A request path (still percent-encoded, as express gives `req.path`) and its `lang` query value, in the stored form:
 * region codes upper case, slugs and tags NFC. An unknown shape is a 404; a bad `lang` or region code a 400 naming it.
 */
export function parseFeedPath(path: string, lang: unknown): ParsedFeedPath {
  const match = PATH.exec(path);
  if (!match) return { ok: false, status: 404, message: 'No such feed.' };
  const [, latest, kind, rawKey, format] = match;
  if (lang !== undefined && !isLang(lang)) {
    return { ok: false, status: 400, field: 'lang', message: `lang must be ${LANGS_TEXT}.` };
  }
  const narrowed = (lang as Lang | undefined) ?? null;
  if (latest) return { ok: true, address: { subject: { kind: 'latest' }, lang: narrowed }, format: format as FeedFormat };
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    return { ok: false, status: 404, message: 'No such feed.' };
  }
  if (kind === 'region') {
    const code = parseRegionCode(key);
    if (!code) return { ok: false, status: 400, field: 'region', message: `"${key.slice(0, 20)}" is not an ISO 3166-2:MA code such as "MA-04".` };
    key = code;
  } else if (kind === 'tag') key = key.normalize('NFC');
  else key = normalizeSlugInput(key);
  if (!key) return { ok: false, status: 404, message: 'No such feed.' };
  return { ok: true, address: { subject: { kind: kind as SubjectKind, key }, lang: narrowed }, format: format as FeedFormat };
}
