import { isoWithOffset } from '../../shared/iso-date';
import { sitePaths, siteUrl } from '../../shared/site-paths';
import { SITE } from './site';

/** What an article's structured data is made of, read by `structuredDataOf` (structured-data.resolver.ts). */
export interface StructuredArticle {
  slug: string;
  title: string;
  summary: string | null;
  lang: string;
  publishedAt: Date | null;
  updatedAt: Date;
  tags: string[];
  section: string | null;
  /** The body as plain text (empty for a retracted article: readers get its notice only). */
  text: string;
  people: { slug: string; nameAr: string; nameLatin: string | null }[];
  /** Lead image renditions in 16:9, 4:3 and 1:1, those of at least 50,000 pixels. */
  images: string[];
  corrections: { kind: 'CORRECTION' | 'RETRACTION'; note: string; createdAt: Date }[];
  live: { startedAt: Date; endedAt: Date | null; entries: { title: string | null; text: string; postedAt: Date; updatedAt: Date }[] } | null;
}

/** Google's minimum for an article image in structured data, in pixels (width × height). */
export const MIN_STRUCTURED_IMAGE_PIXELS = 50_000;

/**
 * schema.org `NewsArticle` JSON-LD of an article, or `LiveBlogPosting` (a NewsArticle's sibling that Google reads for
 * live coverage) with its coverage times and updates: dates in ISO 8601 with Casablanca's offset, the newsroom as
 * author and publisher, the people mentioned, its corrections.
 */
export function structuredData(article: StructuredArticle, publicUrl: string): Record<string, unknown> {
  const url = siteUrl(publicUrl, sitePaths.article(article.slug));
  const newsroom = { '@type': 'NewsMediaOrganization', name: SITE.name, url: siteUrl(publicUrl, sitePaths.front()),
    logo: { '@type': 'ImageObject', url: siteUrl(publicUrl, SITE.logoPath) } };
  const data: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': article.live ? 'LiveBlogPosting' : 'NewsArticle',
    '@id': url,
    url,
    mainEntityOfPage: { '@type': 'WebPage', '@id': url },
    headline: article.title,
    ...(article.summary ? { description: article.summary } : {}),
    inLanguage: article.lang,
    ...(article.images.length ? { image: article.images } : {}),
    ...(article.publishedAt ? { datePublished: isoWithOffset(article.publishedAt) } : {}),
    dateModified: isoWithOffset(article.updatedAt),
    author: [{ '@type': 'Organization', name: SITE.name, url: siteUrl(publicUrl, sitePaths.front()) }],
    publisher: newsroom,
    ...(article.section ? { articleSection: article.section } : {}),
    ...(article.tags.length ? { keywords: article.tags } : {}),
    ...(article.people.length ? {
      mentions: article.people.map((person) => ({
        '@type': 'Person', name: person.nameAr, ...(person.nameLatin ? { alternateName: person.nameLatin } : {}),
        url: siteUrl(publicUrl, sitePaths.person(person.slug)),
      })),
    } : {}),
    ...(article.text ? { articleBody: article.text } : {}),
    ...(article.corrections.length ? {
      correction: article.corrections.map((c) => ({ '@type': 'CorrectionComment', text: c.note, datePublished: isoWithOffset(c.createdAt) })),
    } : {}),
  };
  if (article.live) {
    Object.assign(data, {
      coverageStartTime: isoWithOffset(article.live.startedAt),
      ...(article.live.endedAt ? { coverageEndTime: isoWithOffset(article.live.endedAt) } : {}),
      liveBlogUpdate: article.live.entries.map((entry) => ({
        '@type': 'BlogPosting',
        headline: entry.title ?? entry.text.slice(0, 110),
        datePublished: isoWithOffset(entry.postedAt),
        dateModified: isoWithOffset(entry.updatedAt),
        articleBody: entry.text,
      })),
    });
  }
  return data;
}

/**
 * JSON for a `<script type="application/ld+json">` inside HTML: `<`, `>` and `&` escaped as JSON escapes, so no text
 * (a headline with "</script>") can end the element; U+2028/2029 too, for the scripts that eval JSON.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
