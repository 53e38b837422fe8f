import type { Lang } from '../../shared/languages';
import type { FeedFormat } from './feed-address';
import { isoInstant } from '../../shared/iso-date';

/** A feed document before it is written in a format: every URL absolute, every date a Date. */
export interface FeedDocument {
  title: string;
  description: string;
  /** The feed's language: its `?lang=`, or the newsroom's (Arabic). */
  lang: Lang;
  /** The page the feed follows (the front page, a region's page …). */
  siteUrl: string;
  /** This document's own URL in each format (`rel="self"` is the one being written, the others are alternates). */
  selfUrls: Record<FeedFormat, string>;
  /** WebSub hubs the feed is published to (`rel="hub"`). */
  hubs: readonly string[];
  /** The newest change among its items; null for an empty feed. */
  updated: Date | null;
  items: FeedDocumentItem[];
}

export interface FeedDocumentItem {
  url: string;
  title: string;
  summary: string | null;
  lang: Lang;
  published: Date;
  updated: Date;
  categories: string[];
  image: { url: string; width: number; height: number; type: string; alt: string; credit: string | null } | null;
}

const XML_SPECIALS: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text as XML character data or attribute value: the five specials escaped, characters XML forbids dropped. */
export function xmlText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (c) => XML_SPECIALS[c]);
}

/** An empty feed has no newest item: its dates say "never", the same on every request, so its ETag holds. */
const NEVER = new Date(0);

const MEDIA_TYPES: Record<FeedFormat, string> = { rss: 'application/rss+xml', atom: 'application/atom+xml', json: 'application/feed+json' };

/** RSS 2.0, with `media:content` (Media RSS) for each lead picture and Atom links for self and hub; dates in RFC 822. */
function rss(doc: FeedDocument): string {
  const items = doc.items.map((item) => [
    '<item>',
    `<title>${xmlText(item.title)}</title>`,
    `<link>${xmlText(item.url)}</link>`,
    `<guid isPermaLink="true">${xmlText(item.url)}</guid>`,
    `<pubDate>${item.published.toUTCString()}</pubDate>`,
    item.summary ? `<description>${xmlText(item.summary)}</description>` : '',
    ...item.categories.map((category) => `<category>${xmlText(category)}</category>`),
    item.image ? `<media:content url="${xmlText(item.image.url)}" medium="image" type="${item.image.type}" width="${item.image.width}" height="${item.image.height}">`
      + (item.image.alt ? `<media:description type="plain">${xmlText(item.image.alt)}</media:description>` : '')
      + (item.image.credit ? `<media:credit>${xmlText(item.image.credit)}</media:credit>` : '')
      + '</media:content>' : '',
    '</item>',
  ].filter(Boolean).join(''));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">',
    '<channel>',
    `<title>${xmlText(doc.title)}</title>`,
    `<link>${xmlText(doc.siteUrl)}</link>`,
    `<description>${xmlText(doc.description)}</description>`,
    `<language>${doc.lang}</language>`,
    `<lastBuildDate>${(doc.updated ?? NEVER).toUTCString()}</lastBuildDate>`,
    `<atom:link rel="self" type="${MEDIA_TYPES.rss}" href="${xmlText(doc.selfUrls.rss)}"/>`,
    ...doc.hubs.map((hub) => `<atom:link rel="hub" href="${xmlText(hub)}"/>`),
    ...items,
    '</channel>',
    '</rss>',
    '',
  ].join('\n');
}

/** Atom 1.0 (RFC 4287): dates in RFC 3339, each entry in its own language, the lead picture as an enclosure. */
function atom(doc: FeedDocument): string {
  const entries = doc.items.map((item) => [
    `<entry xml:lang="${item.lang}">`,
    `<id>${xmlText(item.url)}</id>`,
    `<title type="text">${xmlText(item.title)}</title>`,
    `<link rel="alternate" type="text/html" href="${xmlText(item.url)}"/>`,
    `<published>${isoInstant(item.published)}</published>`,
    `<updated>${isoInstant(item.updated)}</updated>`,
    item.summary ? `<summary type="text">${xmlText(item.summary)}</summary>` : '',
    ...item.categories.map((category) => `<category term="${xmlText(category)}"/>`),
    item.image ? `<link rel="enclosure" type="${item.image.type}" href="${xmlText(item.image.url)}"/>` : '',
    '</entry>',
  ].filter(Boolean).join(''));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${doc.lang}">`,
    `<id>${xmlText(doc.selfUrls.atom)}</id>`,
    `<title type="text">${xmlText(doc.title)}</title>`,
    `<subtitle type="text">${xmlText(doc.description)}</subtitle>`,
    `<updated>${isoInstant(doc.updated ?? NEVER)}</updated>`,
    '<author><name>Khabar</name></author>',
    `<link rel="self" type="${MEDIA_TYPES.atom}" href="${xmlText(doc.selfUrls.atom)}"/>`,
    `<link rel="alternate" type="text/html" href="${xmlText(doc.siteUrl)}"/>`,
    ...doc.hubs.map((hub) => `<link rel="hub" href="${xmlText(hub)}"/>`),
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/** JSON Feed 1.1 (jsonfeed.org/version/1.1): dates in RFC 3339, hubs as WebSub. */
function jsonFeed(doc: FeedDocument): string {
  return `${JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: doc.title,
    description: doc.description,
    home_page_url: doc.siteUrl,
    feed_url: doc.selfUrls.json,
    language: doc.lang,
    ...(doc.hubs.length > 0 ? { hubs: doc.hubs.map((url) => ({ type: 'WebSub', url })) } : {}),
    items: doc.items.map((item) => ({
      id: item.url,
      url: item.url,
      title: item.title,
      content_text: item.summary ?? item.title,
      ...(item.summary ? { summary: item.summary } : {}),
      ...(item.image ? { image: item.image.url } : {}),
      date_published: isoInstant(item.published),
      date_modified: isoInstant(item.updated),
      language: item.lang,
      ...(item.categories.length > 0 ? { tags: item.categories } : {}),
    })),
  }, null, 1)}\n`;
}

const WRITERS: Record<FeedFormat, (doc: FeedDocument) => string> = { rss, atom, json: jsonFeed };

/** The document in one format; the same content gives the same bytes (ETags hold until something changes). */
export function renderFeed(doc: FeedDocument, format: FeedFormat): string {
  return WRITERS[format](doc);
}
