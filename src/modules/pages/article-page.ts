import { sitePaths, siteUrl } from '../../shared/site-paths';
import type { ArticleAlternate } from '../article/article.service';
import { SOCIAL_CARD } from '../media/image-renditions';
import { jsonForScript } from './structured-data';
import { escapeHtml, link, meta } from './html';
import { PageTemplate } from './page-template';
import { SITE } from './site';

/** What an article page shows, read in one operation through the schema (the same resolvers and rules as the API). */
export const ARTICLE_PAGE_QUERY = `query ArticlePage($slug: String!) {
  article(slug: $slug) {
    id slug title kicker summary lang dir status publishedAt updatedAt tags displayDate
    category { slug nameAr }
    regions { code nameAr }
    people { slug nameAr }
    leadImage { alt caption credit src: url(width: 1024, format: JPEG) widths share: url(width: ${SOCIAL_CARD.width}, ratio: SOCIAL, format: JPEG) shareWidths: widths(ratio: SOCIAL) }
    body { type text ... on ImageBlock { caption image { alt credit caption src: url(width: 1024, format: JPEG) } } ... on EmbedBlock { url } }
    corrections { kind note at }
    liveCoverage { isLive }
    structuredData
  }
}`;

interface PageImage {
  alt: string;
  caption: string | null;
  credit: string | null;
  src: string;
}

/** The operation's answer: `article` as ARTICLE_PAGE_QUERY selects it. */
export interface ArticlePageData {
  id: string;
  slug: string;
  title: string;
  kicker: string | null;
  summary: string | null;
  lang: string;
  dir: 'RTL' | 'LTR';
  status: 'PUBLISHED' | 'RETRACTED';
  publishedAt: string | null;
  updatedAt: string;
  tags: string[];
  displayDate: string | null;
  category: { slug: string; nameAr: string } | null;
  regions: { code: string; nameAr: string }[];
  people: { slug: string; nameAr: string }[];
  leadImage: (PageImage & { share: string; shareWidths: number[] }) | null;
  body: ({ type: 'PARAGRAPH' | 'HEADING' | 'QUOTE'; text: string } | { type: 'IMAGE'; text: string; caption: string | null; image: PageImage | null }
    | { type: 'EMBED'; text: string; url: string })[];
  corrections: { kind: 'CORRECTION' | 'RETRACTION'; note: string; at: string }[];
  liveCoverage: { isLive: boolean } | null;
  structuredData: Record<string, unknown>;
}

export interface PageSite {
  publicUrl: string;
  /** Rendition URLs are made absolute on PUBLIC_URL when pictures are served from Khabar itself. */
  absolute(url: string): string;
}

const RETRACTED_NOTICE = { ar: 'سحبت هيئة التحرير هذا المقال.', other: 'La rédaction a retiré cet article.' };
const CORRECTION_LABEL = { ar: 'تصحيح', other: 'Correction' };

/**
 * The article's page: the front page's markup with the article view filled and shown (headline, date line, lead picture,
 * body, corrections; a retracted article its notice), and in its head the title, description, canonical URL on
 * PUBLIC_URL, OpenGraph and Twitter card, `hreflang` alternates and the JSON-LD. Retracted articles are `noindex`.
 */
export function renderArticlePage(template: string, article: ArticlePageData, alternates: ArticleAlternate[], site: PageSite): string {
  const url = siteUrl(site.publicUrl, sitePaths.article(article.slug));
  const arabic = article.lang === 'ar';
  const retracted = article.status === 'RETRACTED';
  const description = article.summary ?? (retracted ? null : firstText(article)) ?? article.title;
  const image = article.leadImage;
  const share = image && image.shareWidths.includes(SOCIAL_CARD.width) ? site.absolute(image.share) : null;
  const head = [
    meta('name', 'description', description),
    link('canonical', url),
    ...(retracted ? [meta('name', 'robots', 'noindex')] : []),
    // hreflang needs the page itself among its alternates: an article alone has none worth naming.
    ...(alternates.length > 1 ? alternates.map((a) => link('alternate', siteUrl(site.publicUrl, sitePaths.article(a.slug)), a.lang)) : []),
    meta('property', 'og:type', 'article'),
    meta('property', 'og:site_name', SITE.name),
    meta('property', 'og:title', article.title),
    meta('property', 'og:description', description),
    meta('property', 'og:url', url),
    meta('property', 'og:locale', article.lang),
    ...(article.publishedAt ? [meta('property', 'article:published_time', String(article.structuredData.datePublished))] : []),
    meta('property', 'article:modified_time', String(article.structuredData.dateModified)),
    ...(article.category ? [meta('property', 'article:section', article.category.nameAr)] : []),
    ...(share ? [
      meta('property', 'og:image', share), meta('property', 'og:image:width', SOCIAL_CARD.width), meta('property', 'og:image:height', SOCIAL_CARD.height),
      meta('property', 'og:image:alt', image!.alt),
    ] : []),
    meta('name', 'twitter:card', share ? 'summary_large_image' : 'summary'),
    meta('name', 'twitter:title', article.title),
    meta('name', 'twitter:description', description),
    ...(share ? [meta('name', 'twitter:image', share), meta('name', 'twitter:image:alt', image!.alt)] : []),
    `<script type="application/ld+json">${jsonForScript(article.structuredData)}</script>`,
  ].join('\n');

  const corrections = article.corrections.filter((c) => c.kind === 'CORRECTION')
    .map((c) => `<aside class="correction" role="note"><strong>${escapeHtml(arabic ? CORRECTION_LABEL.ar : CORRECTION_LABEL.other)}:</strong> ${escapeHtml(c.note)}</aside>`);
  const retraction = article.corrections.find((c) => c.kind === 'RETRACTION');
  const notice = retracted
    ? [`<aside class="retraction" role="note"><strong>${escapeHtml(arabic ? RETRACTED_NOTICE.ar : RETRACTED_NOTICE.other)}</strong>${retraction ? ` ${escapeHtml(retraction.note)}` : ''}</aside>`]
    : [];
  const lead = image ? [figure(image, 'lead-picture', true)] : [];
  const chips = [
    ...(article.category ? [chip(sitePaths.category(article.category.slug), article.category.nameAr)] : []),
    ...article.regions.map((r) => chip(sitePaths.region(r.code), r.nameAr)),
    ...article.people.map((p) => chip(sitePaths.person(p.slug), p.nameAr)),
  ];

  return new PageTemplate(template)
    .language(article.lang, article.dir === 'RTL' ? 'rtl' : 'ltr')
    .title(`${article.title} · ${SITE.name}`)
    .head(head)
    .attribute('latest-view', 'hidden', '')
    .attribute('article-view', 'hidden', null)
    .attribute('article-view', 'data-server-rendered', '')
    .attribute('article-view', 'lang', article.lang)
    .attribute('article-view', 'dir', article.dir === 'RTL' ? 'rtl' : 'ltr')
    .fill('article-kicker', escapeHtml(article.kicker ?? ''))
    .fill('article-title', escapeHtml(article.title))
    .fill('article-date', article.publishedAt
      ? `<time datetime="${escapeHtml(String(article.structuredData.datePublished))}">${escapeHtml(article.displayDate ?? '')}</time>` : '')
    .fill('article-summary', escapeHtml(article.summary ?? ''))
    .fill('article-chips', chips.join(''))
    .fill('article-body', [...notice, ...corrections, ...lead, ...article.body.map((block) => blockHtml(block))].join('\n'))
    // On a page of its own, "home" is the front page's address, not the top of this one.
    .links('#', sitePaths.front())
    .toString();
}

export const ARTICLE_NOT_FOUND = 'هذا المقال غير موجود أو لم يُنشر بعد.';
export const PAGE_NOT_FOUND = 'هذه الصفحة غير موجودة.';

/** The 404 page: the front page's markup with a notice, never indexed. */
export function renderNotFoundPage(template: string, notice: string): string {
  return new PageTemplate(template)
    .title(`الصفحة غير موجودة · ${SITE.name}`)
    .head(meta('name', 'robots', 'noindex'))
    .attribute('notice', 'hidden', null)
    .fill('notice', escapeHtml(notice))
    .links('#', sitePaths.front())
    .toString();
}

function firstText(article: ArticlePageData): string | null {
  const paragraph = article.body.find((block) => block.type === 'PARAGRAPH');
  return paragraph ? paragraph.text.slice(0, 200) : null;
}

function chip(href: string, text: string): string {
  return `<li class="chip"><a href="${escapeHtml(href)}">${escapeHtml(text)}</a></li>`;
}

function figure(image: PageImage, className: string, eager: boolean, caption = image.caption): string {
  const text = [caption, image.credit && `(${image.credit})`].filter(Boolean).join(' ');
  return `<figure class="figure ${className}"><img src="${escapeHtml(image.src)}" alt="${escapeHtml(image.alt)}"${eager ? '' : ' loading="lazy"'} class="picture">`
    + `${text ? `<figcaption>${escapeHtml(text)}</figcaption>` : ''}</figure>`;
}

function blockHtml(block: ArticlePageData['body'][number]): string {
  switch (block.type) {
    case 'IMAGE': return block.image ? figure(block.image, 'body-picture', false, block.caption ?? block.image.caption) : '';
    case 'EMBED': return `<p class="embed"><a href="${escapeHtml(block.url)}" rel="noopener noreferrer">${escapeHtml(block.url)}</a></p>`;
    case 'HEADING': return `<h2>${escapeHtml(block.text)}</h2>`;
    case 'QUOTE': return `<blockquote>${escapeHtml(block.text)}</blockquote>`;
    default: return `<p>${escapeHtml(block.text)}</p>`;
  }
}
