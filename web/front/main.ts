import './style.css';
import { ApiError, ARTICLE_CARD, gql, graphqlUrl, TICKER_FIELDS, type ArticleCard, type Ticker } from './api';
import { renderHighlight } from './highlight';
import { followBreakingNews, type BreakingNewsEvent } from './live';
import { startAlerts } from './alerts';
import { pictureOf } from './picture';
import { ARTICLE_SIZES, BODY_FIELDS, bodyOf, type BodyBlockView } from './blocks';
import { hideLiveBlog, LIVE_COVERAGE_FIELDS, showLiveBlog, type LiveCoverageView } from './liveblog';

/** How wide a card's picture is shown: the page column less the card's padding, the screen's width on phones. */
const CARD_SIZES = '(max-width: 52rem) calc(100vw - 3.5rem), 48rem';

const PAGE_SIZE = 10;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/**
 * Builds an element whose content is plain text: data never goes through innerHTML, and the text is bidi-isolated
 * (class `text`), so a direction control left open in stored text cannot reorder what is shown around it.
 */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string | null): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) {
    node.textContent = text;
    node.classList.add('text');
  }
  return node;
}

/** A link target from stored data: only http(s) addresses; `javascript:` and anything else is no link at all. */
function webAddress(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

function showNotice(message: string | null): void {
  const notice = byId('notice');
  notice.textContent = message ?? '';
  notice.hidden = !message;
}

function failure(error: unknown): string {
  return error instanceof ApiError ? `تعذر تحميل المحتوى: ${error.message}` : 'تعذر الاتصال بالخادم، حاول مرة أخرى.';
}

// ---------- breaking news (عاجل) ----------

const tickerList = byId<HTMLUListElement>('ticker-items');

function tickerItem(ticker: Ticker): HTMLLIElement {
  const item = el('li', `ticker-item urgency-${ticker.urgency}`);
  item.dataset.id = ticker.id;
  const href = ticker.article ? `#article=${encodeURIComponent(ticker.article.slug)}` : webAddress(ticker.url);
  const headline = href ? el('a', 'ticker-headline', ticker.headline) : el('span', 'ticker-headline', ticker.headline);
  if (href && headline instanceof HTMLAnchorElement) {
    headline.href = href;
    if (!ticker.article) headline.rel = 'noopener noreferrer';
  }
  if (ticker.liveCoverage?.isLive) item.append(el('span', 'badge', 'مباشر'));
  item.append(headline);
  return item;
}

const tickerItemOf = (id: string) => tickerList.querySelector<HTMLLIElement>(`[data-id="${CSS.escape(id)}"]`);
const expiryTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** Items leave the ticker when they expire, without any event: each one is dropped at its expiresAt. */
function dropAtExpiry(ticker: Ticker): void {
  clearTimeout(expiryTimers.get(ticker.id));
  const inMs = Date.parse(ticker.expiresAt) - Date.now();
  expiryTimers.set(ticker.id, setTimeout(() => tickerItemOf(ticker.id)?.remove(), Math.min(Math.max(inMs, 0), 2 ** 31 - 1)));
}

/** A pushed item takes the first place (the right edge, in Arabic reading order); an update keeps its place. */
function applyTickerEvent(event: BreakingNewsEvent): void {
  const existing = tickerItemOf(event.ticker.id);
  if (event.kind === 'KILLED' || event.ticker.status !== 'LIVE') {
    existing?.remove();
    return;
  }
  const item = tickerItem(event.ticker);
  dropAtExpiry(event.ticker);
  if (existing) {
    existing.replaceWith(item);
  } else {
    item.classList.add('fresh');
    tickerList.prepend(item);
  }
}

/** What is on air now, most urgent first; items already shown (e.g. pushed meanwhile) stay where they are. */
async function loadTickers(): Promise<void> {
  const data = await gql<{ tickers: Ticker[] }>(`{ tickers(first: 10) { ${TICKER_FIELDS} } }`);
  for (const ticker of data.tickers) {
    if (tickerItemOf(ticker.id)) continue;
    tickerList.append(tickerItem(ticker));
    dropAtExpiry(ticker);
  }
}

const STATUS_TEXT = { live: 'مباشر', reconnecting: 'إعادة الاتصال…', unavailable: '' } as const;

function startTicker(): void {
  const status = byId('ticker-status');
  // The status box is as wide as its widest text from the start, so its changing moves nothing beside it (the opt-in).
  status.dataset.widest = Object.values(STATUS_TEXT).reduce((widest, text) => (text.length > widest.length ? text : widest));
  let firstConnection = true;
  const reload = () => loadTickers().catch((error) => showNotice(failure(error)));
  followBreakingNews(graphqlUrl.replace(/^http/, 'ws'), applyTickerEvent, (state) => {
    status.textContent = STATUS_TEXT[state];
    status.dataset.state = state;
    // Reloading once the subscription is up closes the gap between the first load and the live stream.
    if (state === 'live' && firstConnection) {
      firstConnection = false;
      reload();
    }
  }, () => {
    tickerList.replaceChildren();
    reload();
  });
  reload();
}

// ---------- article lists ----------

function chips(card: Pick<ArticleCard, 'regions' | 'people' | 'category'>): HTMLUListElement {
  const list = el('ul', 'chips');
  if (card.category) list.append(el('li', 'chip category', card.category.nameAr));
  for (const region of card.regions) {
    const link = el('a', 'chip region', region.nameAr);
    link.href = `#region=${encodeURIComponent(region.code)}`;
    list.append(wrap(link));
  }
  for (const person of card.people) {
    const link = el('a', 'chip person', person.nameAr);
    link.href = `#person=${encodeURIComponent(person.slug)}`;
    list.append(wrap(link));
  }
  return list;
}

function wrap(child: HTMLElement): HTMLLIElement {
  const item = el('li');
  item.append(child);
  return item;
}

function articleCard(card: ArticleCard, highlight?: string | null, eager = false): HTMLLIElement {
  const item = el('li', 'card');
  item.lang = card.lang;
  item.dir = card.dir.toLowerCase();
  if (card.leadImage) item.append(pictureOf(card.leadImage, { sizes: CARD_SIZES, eager, className: 'picture card-picture' }));
  if (card.kicker) item.append(el('p', 'kicker', card.kicker));
  const title = el('h2', 'card-title');
  const link = el('a', undefined, card.title);
  link.href = `#article=${encodeURIComponent(card.slug)}`;
  title.append(link);
  if (card.hasVideo) title.append(el('span', 'badge', 'فيديو'));
  item.append(title);
  if (card.displayDate) item.append(el('p', 'date', card.displayDate));
  if (highlight) {
    const snippet = el('p', 'snippet');
    renderHighlight(snippet, highlight);
    item.append(snippet);
  } else if (card.summary) {
    item.append(el('p', 'summary', card.summary));
  }
  item.append(chips(card));
  return item;
}

interface Listing {
  filter: Record<string, string>;
  after: string | null;
}
let listing: Listing = { filter: {}, after: null };

/** Bumped by every navigation: an answer that arrives after the reader moved on is dropped. */
let navigation = 0;

type ArticlePage = { articles: { edges: { node: ArticleCard }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } };

/** The next page of the current listing (or its first, with `title`): title and cards change together. */
async function loadArticles(title?: Promise<string> | string): Promise<void> {
  const ticket = navigation;
  const more = byId<HTMLButtonElement>('more');
  more.disabled = true;
  const [data, shownTitle] = await Promise.all([gql<ArticlePage>(
    `query Latest($first: Int, $after: String, $filter: ArticleFilter) {
      articles(first: $first, after: $after, filter: $filter) { edges { node { ...ArticleCard } } pageInfo { endCursor hasNextPage } }
    } ${ARTICLE_CARD}`,
    { first: PAGE_SIZE, after: listing.after, filter: listing.filter },
  ), title]);
  if (ticket !== navigation) return;
  const list = byId<HTMLOListElement>('articles');
  if (shownTitle !== undefined) {
    byId('latest-title').textContent = shownTitle;
    list.replaceChildren();
  }
  // The first card's picture is above the fold: it loads at once, the others as the reader scrolls to them.
  const first = list.children.length === 0;
  list.append(...data.articles.edges.map((edge, i) => articleCard(edge.node, null, first && i === 0)));
  if (!list.children.length) list.append(el('li', 'empty', 'لا توجد أخبار هنا بعد.'));
  listing.after = data.articles.pageInfo.endCursor;
  more.hidden = !data.articles.pageInfo.hasNextPage;
  more.disabled = false;
}

function showLatest(filter: Record<string, string>, title: Promise<string> | string): Promise<void> {
  listing = { filter, after: null };
  return loadArticles(title);
}

// ---------- one article ----------

interface ArticleView extends ArticleCard {
  id: string;
  body: BodyBlockView[];
  tags: string[];
  liveCoverage: LiveCoverageView | null;
}

/** Stops following the live blog shown last, if any. */
let stopLiveBlog: (() => void) | null = null;

async function showArticle(slug: string): Promise<void> {
  const ticket = navigation;
  const data = await gql<{ article: ArticleView | null }>(
    `query ArticleView($slug: String!) { article(slug: $slug) { id ...ArticleCard ${BODY_FIELDS} tags ${LIVE_COVERAGE_FIELDS} } } ${ARTICLE_CARD}`,
    { slug },
  );
  if (ticket !== navigation) return;
  const article = data.article;
  if (!article) {
    showNotice('هذا المقال غير موجود أو لم يُنشر بعد.');
    return;
  }
  const view = byId('article-view');
  view.lang = article.lang;
  view.dir = article.dir.toLowerCase();
  byId('article-kicker').textContent = article.kicker ?? '';
  byId('article-title').textContent = article.title;
  byId('article-date').textContent = article.displayDate ?? '';
  byId('article-summary').textContent = article.summary ?? '';
  byId('article-chips').replaceWith(Object.assign(chips(article), { id: 'article-chips' }));
  const body = byId('article-body');
  const lead = article.leadImage ? [pictureOf(article.leadImage, { sizes: ARTICLE_SIZES, eager: true, className: 'picture lead-picture' })] : [];
  body.replaceChildren(...lead, ...bodyOf(article.body));
  if (article.liveCoverage) stopLiveBlog = showLiveBlog(article.id, article.liveCoverage);
  document.title = `${article.title} · خبر`;
}

// ---------- search ----------

interface SearchResults {
  search: { edges: { highlight: string | null; node: ArticleCard }[] };
}

async function showSearch(query: string): Promise<void> {
  const ticket = navigation;
  byId<HTMLInputElement>('search-input').value = query;
  byId('search-title').replaceChildren('نتائج البحث عن «', el('bdi', undefined, query), '»');
  const results = byId<HTMLOListElement>('results');
  results.replaceChildren();
  try {
    const data = await gql<SearchResults>(
      `query Search($query: String!) { search(query: $query, first: 20) { edges { highlight node { ...ArticleCard } } } } ${ARTICLE_CARD}`,
      { query },
    );
    if (ticket !== navigation) return;
    results.append(...data.search.edges.map((edge) => articleCard(edge.node, edge.highlight)));
    if (!results.children.length) results.append(el('li', 'empty', 'لا نتائج لهذا البحث.'));
  } catch (error) {
    if (!(error instanceof ApiError && error.isUnknownField)) throw error;
    if (ticket === navigation) showNotice('البحث غير متاح على هذا الخادم بعد.');
  }
}

// ---------- routing: #article=slug, #search=q, #region=code, #person=slug, #category=slug (or the page's own path) ----------

const VIEWS = ['latest-view', 'search-view', 'article-view'] as const;
/** The server's page addresses (src/shared/site-paths.ts) as the routes they show. */
const PAGE_PATH = /^\/(article|region|person|category)\/([^/]+)$/;

/** The article view as the server rendered it, before the reader went elsewhere. */
function serverRendered(): boolean {
  return byId('article-view').dataset.serverRendered !== undefined && !byId('article-view').hidden;
}

function show(view: (typeof VIEWS)[number] | null): void {
  for (const id of VIEWS) byId(id).hidden = id !== view;
}

async function route(): Promise<void> {
  const ticket = ++navigation;
  showNotice(null);
  stopLiveBlog?.();
  stopLiveBlog = null;
  hideLiveBlog();
  document.title = 'خبر · آخر الأخبار';
  // A server-rendered page (/article/<slug>, /region/<code>, …) is its own route until the reader navigates by hash.
  const [key, ...rest] = location.hash.length > 1 ? location.hash.slice(1).split('=') : PAGE_PATH.exec(location.pathname)?.slice(1) ?? [''];
  const value = decodeURIComponent(rest.join('='));
  try {
    if (key === 'article' && value) {
      // Shown once filled: an empty article view whose parts then move down would be a layout shift (the server's
      // rendering stays in view while the script fills it again).
      if (!serverRendered()) show(null);
      await showArticle(value);
      if (ticket === navigation) show('article-view');
    } else if (key === 'search' && value) {
      show('search-view');
      await showSearch(value);
    } else if (key === 'region' && value) {
      show('latest-view');
      const title = gql<{ region: { fullNameAr: string } | null }>(
        'query RegionName($code: String!) { region(code: $code) { fullNameAr } }', { code: value })
        .then(({ region }) => (region ? `أخبار ${region.fullNameAr}` : 'أخبار الجهة'));
      await showLatest({ regionCode: value }, title);
    } else if (key === 'category' && value) {
      show('latest-view');
      const title = gql<{ category: { nameAr: string } | null }>(
        'query CategoryName($slug: String!) { category(slug: $slug) { nameAr } }', { slug: value })
        .then(({ category }) => (category ? `أخبار ${category.nameAr}` : 'أخبار القسم'));
      await showLatest({ categorySlug: value }, title);
    } else if (key === 'person' && value) {
      show('latest-view');
      const title = gql<{ person: { nameAr: string } | null }>(
        'query PersonName($slug: String!) { person(slug: $slug) { nameAr } }', { slug: value })
        .then(({ person }) => (person ? `أخبار ${person.nameAr}` : 'أخبار الشخصية'));
      await showLatest({ personSlug: value }, title);
    } else {
      show('latest-view');
      await showLatest({}, 'آخر الأخبار');
    }
    if (ticket === navigation) window.scrollTo(0, 0);
  } catch (error) {
    if (ticket === navigation) showNotice(failure(error));
  }
}

byId<HTMLFormElement>('search').addEventListener('submit', (event) => {
  event.preventDefault();
  const query = byId<HTMLInputElement>('search-input').value.trim();
  if (query) location.hash = `search=${encodeURIComponent(query)}`;
});
byId('more').addEventListener('click', () => {
  loadArticles().catch((error) => showNotice(failure(error)));
});
window.addEventListener('hashchange', () => void route());

startTicker();
void route();
startAlerts(byId<HTMLButtonElement>('alerts'), showNotice).catch(() => undefined);
