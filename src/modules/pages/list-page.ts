import { sitePaths, siteUrl } from '../../shared/site-paths';
import { escapeHtml, link, meta } from './html';
import { PageTemplate } from './page-template';
import { SITE } from './site';

/** The cards of a list's first screen: as many as the front page's script loads first. */
export const FIRST_SCREEN = 10;

const CARDS = `articles(first: ${FIRST_SCREEN}, filter: $filter) {
    edges { node {
      slug title kicker summary displayDate lang dir hasVideo
      category { nameAr } regions { code nameAr } people { slug nameAr }
      leadImage { alt src: url(width: 768, ratio: R16_9, format: JPEG) height: heightAt(width: 768, ratio: R16_9) }
    } }
    pageInfo { hasNextPage }
  }`;

/** The operation of each list page: the list's subject (a place, person or section) and the first screen of its articles. */
export const LIST_PAGE_QUERIES = {
  front: `query FrontPage($filter: ArticleFilter) { ${CARDS} }`,
  region: `query RegionPage($code: String!, $filter: ArticleFilter) { subject: region(code: $code) { code name: fullNameAr } ${CARDS} }`,
  person: `query PersonPage($slug: String!, $filter: ArticleFilter) { subject: person(slug: $slug) { slug name: nameAr } ${CARDS} }`,
  category: `query CategoryPage($slug: String!, $filter: ArticleFilter) { subject: category(slug: $slug) { slug name: nameAr } ${CARDS} }`,
} as const;
export type ListKind = keyof typeof LIST_PAGE_QUERIES;

interface Card {
  slug: string;
  title: string;
  kicker: string | null;
  summary: string | null;
  displayDate: string | null;
  lang: string;
  dir: 'RTL' | 'LTR';
  hasVideo: boolean;
  category: { nameAr: string } | null;
  regions: { code: string; nameAr: string }[];
  people: { slug: string; nameAr: string }[];
  leadImage: { alt: string; src: string; height: number } | null;
}

/** The answer of a LIST_PAGE_QUERIES operation. */
export interface ListPageData {
  subject?: { name: string; code?: string; slug?: string } | null;
  articles: { edges: { node: Card }[]; pageInfo: { hasNextPage: boolean } };
}

/** Where a list page lives, and how it is titled, by kind (the front page's own title is the template's). */
const LISTS: Record<ListKind, { path: (key: string) => string; heading: (name: string) => string }> = {
  front: { path: () => sitePaths.front(), heading: () => 'آخر الأخبار' },
  region: { path: sitePaths.region, heading: (name) => `أخبار ${name}` },
  person: { path: sitePaths.person, heading: (name) => `أخبار ${name}` },
  category: { path: sitePaths.category, heading: (name) => `أخبار ${name}` },
};

/** The canonical path of a list page. */
export function listPath(kind: ListKind, key: string): string {
  return LISTS[kind].path(key);
}

/**
 * A list page's first screen (the front page, a place's, a person's or a section's): the front page's markup with its
 * heading and first cards filled, each linking to the article's page; the script then takes over (and loads more).
 */
export function renderListPage(template: string, kind: ListKind, key: string, data: ListPageData, publicUrl: string): string {
  const heading = LISTS[kind].heading(data.subject?.name ?? '');
  const url = siteUrl(publicUrl, listPath(kind, key));
  const title = kind === 'front' ? `${SITE.name} · ${heading}` : `${heading} · ${SITE.name}`;
  const description = kind === 'front' ? `${SITE.name}: ${heading}` : heading;
  const cards = data.articles.edges.map(({ node }, i) => cardHtml(node, i === 0));
  return new PageTemplate(template)
    .title(title)
    .head([
      meta('name', 'description', description), link('canonical', url),
      meta('property', 'og:type', 'website'), meta('property', 'og:site_name', SITE.name), meta('property', 'og:title', heading),
      meta('property', 'og:url', url), meta('name', 'twitter:card', 'summary'),
    ].join('\n'))
    .fill('latest-title', escapeHtml(heading))
    .fill('articles', cards.length ? cards.join('\n') : `<li class="empty">${escapeHtml('لا توجد أخبار هنا بعد.')}</li>`)
    .attribute('articles', 'data-server-rendered', '')
    .toString();
}

/** The markup the front page's script gives a card (web/front/main.ts, articleCard), linking to the article's page. */
function cardHtml(card: Card, eager: boolean): string {
  const text = (tag: string, className: string, value: string) => `<${tag} class="${className} text">${escapeHtml(value)}</${tag}>`;
  const picture = card.leadImage
    ? `<picture class="picture card-picture"><img alt="${escapeHtml(card.leadImage.alt)}" width="768" height="${card.leadImage.height}" src="${escapeHtml(card.leadImage.src)}" decoding="async" loading="${eager ? 'eager' : 'lazy'}"></picture>`
    : '';
  const chips = [
    ...(card.category ? [`<li class="chip category text">${escapeHtml(card.category.nameAr)}</li>`] : []),
    ...card.regions.map((r) => `<li><a class="chip region text" href="${escapeHtml(sitePaths.region(r.code))}">${escapeHtml(r.nameAr)}</a></li>`),
    ...card.people.map((p) => `<li><a class="chip person text" href="${escapeHtml(sitePaths.person(p.slug))}">${escapeHtml(p.nameAr)}</a></li>`),
  ];
  return `<li class="card" lang="${escapeHtml(card.lang)}" dir="${card.dir === 'RTL' ? 'rtl' : 'ltr'}">${picture}`
    + (card.kicker ? text('p', 'kicker', card.kicker) : '')
    + `<h2 class="card-title"><a class="text" href="${escapeHtml(sitePaths.article(card.slug))}">${escapeHtml(card.title)}</a>`
    + `${card.hasVideo ? text('span', 'badge', 'فيديو') : ''}</h2>`
    + (card.displayDate ? text('p', 'date', card.displayDate) : '')
    + (card.summary ? text('p', 'summary', card.summary) : '')
    + `<ul class="chips">${chips.join('')}</ul></li>`;
}
