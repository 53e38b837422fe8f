import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { launchChromium, startDemoApp, textOf, watchNetwork, type NetworkLog } from '../support/browser';
import { eventually } from '../support/eventually';
import { streamsOpen } from '../support/live';

/** The DOM as page.evaluate callbacks see it in the browser (declared here: the project compiles for Node). */
interface BrowserElement {
  lang: string;
  dir: string;
  scrollWidth: number;
  getBoundingClientRect(): { width: number };
}
declare const document: {
  documentElement: BrowserElement;
  body: BrowserElement;
  getElementById(id: string): BrowserElement | null;
  querySelector(selector: string): BrowserElement | null;
};
declare const window: { __hacked?: number; __sameDocument?: boolean };
declare function getComputedStyle(element: unknown): { direction: string };

// A real browser on a busy two-core machine: more room than the API tests' 30 s.
jest.setTimeout(60_000);

const SEED_TITLE = 'دعت إلى اعتماد مخطط عمل اجتماعي مشترك.. حيار تعرض استراتيجية وزارتها للتشاور (فيديو)';
const SEED_DATE = 'الجمعة 04 فبراير 2022 على الساعة 18:00';
const SEED_SLUG = 'دعت-إلى-اعتماد-مخطط-عمل-اجتماعي-مشترك-حيار-تعرض-استراتيجية';

describe('the reader front page at /', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let network: NetworkLog;
  let home: string;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startDemoApp();
    home = new URL('/', app.url).href;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(20_000);
    network = watchNetwork(page, new URL(app.url).origin);
  });
  afterEach(async () => {
    await page?.close();
    await eventually(() => app.khabar.feed.streamCount === 0, { timeoutMs: 10_000, what: 'no live stream left behind' });
  });

  const tickerItems = () => page.locator('#ticker-items .ticker-item');

  async function push(headline: string, urgency = 1): Promise<void> {
    const pushed = await app.gql('mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }',
      { input: { headline, urgency } }, { token: await app.token('EDITOR', 'محرر الديسك') });
    expect(pushed.errors).toBeUndefined();
  }

  /** Resolves once the page's ticker says it is live and its subscription is open on the server. */
  async function tickerIsLive(): Promise<void> {
    await page.locator('#ticker-status[data-state="live"]').waitFor();
    await streamsOpen(app, 1);
  }

  it('lays out right to left in Arabic, breaking news first at the right, then the latest articles', async () => {
    await page.goto(home);
    await page.locator('#articles .card').first().waitFor();
    await tickerItems().nth(1).waitFor();

    expect(await page.evaluate(() => ({
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      direction: getComputedStyle(document.body).direction,
      tickerDirection: getComputedStyle(document.getElementById('ticker-items')!).direction,
    }))).toEqual({ lang: 'ar', dir: 'rtl', direction: 'rtl', tickerDirection: 'rtl' });

    const label = (await page.locator('.ticker-label').boundingBox())!;
    const first = (await tickerItems().nth(0).boundingBox())!;
    const second = (await tickerItems().nth(1).boundingBox())!;
    expect(label.x).toBeGreaterThan(first.x); // the عاجل label sits at the right edge…
    expect(first.x + first.width).toBeCloseTo(label.x, 0); // …and the first item right beside it
    expect(second.x + second.width).toBeLessThanOrEqual(first.x + 1); // the next one to its left
    const on_air = await app.gql('{ tickers(first: 10) { headline } }');
    expect(await textOf(tickerItems().nth(0))).toBe(on_air.data.tickers[0].headline);

    const latest = await app.gql(`{ articles(first: 10) { edges { node {
      title displayDate lang regions { nameAr } people { nameAr } } } } }`);
    const nodes: { title: string; displayDate: string; lang: string; regions: { nameAr: string }[]; people: { nameAr: string }[] }[] =
      latest.data.articles.edges.map((edge: { node: unknown }) => edge.node);
    const cards = page.locator('#articles .card');
    expect(await cards.locator('.card-title a').allInnerTexts()).toEqual(nodes.map((node) => node.title));
    for (const [index, node] of nodes.entries()) {
      const card = cards.nth(index);
      expect(await textOf(card.locator('.date'))).toBe(node.displayDate);
      expect(await card.locator('.chip.region').allInnerTexts()).toEqual(node.regions.map((region) => region.nameAr));
      expect(await card.locator('.chip.person').allInnerTexts()).toEqual(node.people.map((person) => person.nameAr));
      // French articles read left to right inside the Arabic page.
      expect(await card.evaluate((element) => getComputedStyle(element).direction)).toBe(node.lang === 'fr' ? 'ltr' : 'rtl');
    }
    expect(network).toEqual({ external: [], failed: [], errors: [] });
  });

  it('shows a pushed item first in the ticker within 2 seconds, without a reload', async () => {
    await page.goto(home);
    await tickerItems().first().waitFor();
    await tickerIsLive();
    const headline = 'عاجل: زلزال خفيف يضرب إقليم الحسيمة دون خسائر';
    await page.evaluate(() => {
      window.__sameDocument = true; // gone if the page reloads
    });
    const pushedAt = Date.now();
    await push(headline);
    await tickerItems().first().filter({ hasText: headline }).waitFor({ timeout: 2_000 });
    expect(Date.now() - pushedAt).toBeLessThan(2_000);
    expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
    expect(network).toEqual({ external: [], failed: [], errors: [] });
  });

  /** Sits between the page and Khabar's WebSocket: records each subscription's `after`, and can cut the line. */
  async function cuttableLine() {
    const subscribedAfter: (string | null)[] = [];
    let reachable = true;
    const sockets: { close(): Promise<void> }[] = [];
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      if (!reachable) return void ws.close({ code: 1006 });
      const server = ws.connectToServer();
      sockets.push(ws);
      ws.onMessage((message) => {
        const parsed = JSON.parse(String(message));
        if (parsed.type === 'subscribe') subscribedAfter.push(parsed.payload.variables.after);
        server.send(message);
      });
    });
    return {
      subscribedAfter,
      async cut() {
        reachable = false;
        await Promise.all(sockets.splice(0).map((socket) => socket.close()));
        await page.locator('#ticker-status[data-state="reconnecting"]').waitFor();
      },
      restore() {
        reachable = true;
      },
    };
  }

  it('resumes from its last cursor after the connection drops, missing nothing pushed meanwhile', async () => {
    const line = await cuttableLine();
    await page.goto(home);
    await tickerIsLive();
    await push('عاجل: الخبر الأول قبل انقطاع الاتصال');
    await tickerItems().first().filter({ hasText: 'الخبر الأول قبل انقطاع الاتصال' }).waitFor({ timeout: 2_000 });

    await line.cut();
    await push('عاجل: الخبر الثاني أثناء انقطاع الاتصال');
    line.restore();

    await tickerItems().first().filter({ hasText: 'الخبر الثاني أثناء انقطاع الاتصال' }).waitFor();
    expect(await tickerItems().nth(1).innerText()).toContain('الخبر الأول قبل انقطاع الاتصال');
    expect(line.subscribedAfter[0]).toBeNull();
    expect(line.subscribedAfter.at(-1)).toEqual(expect.any(String));
  });

  it('keeps the breaking-news opt-in where it is whatever the live status says (no layout shift)', async () => {
    const line = await cuttableLine();
    await page.goto(home);
    const alerts = page.locator('#alerts');
    await alerts.waitFor();
    await tickerIsLive();
    const whileLive = await alerts.boundingBox();
    await line.cut();
    const whileReconnecting = await alerts.boundingBox();
    line.restore();
    await tickerIsLive();
    expect(whileLive).not.toBeNull();
    expect(whileReconnecting).toEqual(whileLive);
    expect(await alerts.boundingBox()).toEqual(whileLive);
  });

  it('starts over live and reloads the ticker when the server no longer keeps its cursor', async () => {
    const line = await cuttableLine();
    await page.goto(home);
    await tickerIsLive();
    await push('عاجل: خبر قبل انقطاع طويل');
    await tickerItems().first().filter({ hasText: 'خبر قبل انقطاع طويل' }).waitFor({ timeout: 2_000 });

    await line.cut();
    await push('عاجل: خبر أثناء انقطاع طويل');
    await app.sql('DELETE FROM event_outbox WHERE seq < (SELECT max(seq) FROM event_outbox)'); // as retention would
    line.restore();

    await tickerItems().filter({ hasText: 'خبر أثناء انقطاع طويل' }).waitFor();
    expect(await tickerItems().filter({ hasText: 'خبر قبل انقطاع طويل' }).count()).toBe(1);
    await eventually(() => line.subscribedAfter.at(-1), (after) => after === null, { timeoutMs: 10_000, what: 'a fresh subscription after the long outage' });
    expect(line.subscribedAfter.filter((after) => after !== null).length).toBeGreaterThan(0);
    await tickerIsLive();
  });

  it('pages to an older article and opens it with its date line and body, then lists a region\'s news', async () => {
    await page.goto(home);
    await page.locator('#articles .card').first().waitFor();
    await page.getByRole('button', { name: 'المزيد' }).click();
    await page.getByRole('link', { name: SEED_TITLE }).click();
    await page.locator('#article-view h1').filter({ hasText: SEED_TITLE }).waitFor();
    expect(await textOf(page.locator('#article-date'))).toBe(SEED_DATE);
    const seed = await app.gql('query($slug: String!) { article(slug: $slug) { body { type text } } }', { slug: SEED_SLUG });
    const paragraphs = seed.data.article.body.filter((block: { type: string }) => block.type === 'PARAGRAPH');
    expect(await page.locator('#article-body p').allInnerTexts()).toEqual(paragraphs.map((block: { text: string }) => block.text));
    expect(await textOf(page.locator('#article-body p').first())).toMatch(/^ترأست عواطف حيار، وزيرة التضامن/);
    expect(await page.title()).toBe(`${SEED_TITLE} · خبر`);

    await page.locator('#article-chips').getByRole('link', { name: 'الرباط-سلا-القنيطرة' }).click();
    await page.locator('#latest-title').filter({ hasText: 'جهة الرباط-سلا-القنيطرة' }).waitFor();
    const inRegion = await app.gql('{ articles(first: 10, filter: { regionCode: "MA-04" }) { edges { node { title } } } }');
    expect(await page.locator('#articles .card-title a').allInnerTexts())
      .toEqual(inRegion.data.articles.edges.map((edge: { node: { title: string } }) => edge.node.title));
    expect(await page.locator('#articles .card-title a').allInnerTexts()).toContain(SEED_TITLE);
  });

  it('shows what authors wrote as text, never as markup', async () => {
    const make = factories(app);
    const title = '<img src=x onerror="window.__hacked=1"> عنوان <b>بعلامات</b>';
    const { slug } = await make.article({ title, summary: '<script>window.__hacked=2</script>', regionCodes: ['MA-04'] });
    try {
      await page.goto(`${home}#article=${encodeURIComponent(slug)}`);
      await page.locator('#article-view h1').filter({ hasText: 'عنوان' }).waitFor();
      expect(await page.locator('#article-title').textContent()).toBe(title);
      await page.goto(home);
      await page.locator('#articles .card').filter({ hasText: 'عنوان' }).waitFor();
      // The only images are the pictures Khabar serves (inside <picture>), none from what the author wrote.
      expect(await page.locator('main img:not(picture > img), main script, main b').count()).toBe(0);
      expect(await page.evaluate(() => window.__hacked)).toBeUndefined();
    } finally {
      await app.sql('DELETE FROM article WHERE slug = $1', [slug]);
    }
  });

  it('finds the seed article through the real search whatever the spelling, with the match marked', async () => {
    await page.goto(home);
    await page.getByRole('searchbox').fill('وَزِيرَه الاسره'); // tashkeel, heh for teh marbuta, bare alef
    await page.getByRole('button', { name: 'بحث' }).click();
    const hit = page.locator('#results .card').filter({ hasText: SEED_TITLE });
    await hit.waitFor();
    const marked = await hit.locator('.snippet mark').allInnerTexts();
    expect(marked.length).toBeGreaterThan(0);
    expect(marked.every((word) => /وزير|أسر|الأسر/.test(word))).toBe(true);
    expect(page.url()).toBe(`${home}#search=${encodeURIComponent('وَزِيرَه الاسره')}`);
    expect(network.external).toEqual([]);
    expect(network.failed).toEqual([]);
  });

  it('says search is unavailable when the server has no search field', async () => {
    // What a Khabar without search answers, whether or not this one has it.
    await page.route(/\/graphql$/, async (route) => {
      if (!route.request().postData()?.includes('query Search(')) return route.fallback();
      await route.fulfill({ status: 400, json: { errors: [{ message: 'Cannot query field "search" on type "Query".',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] } });
    });
    await page.goto(home);
    await page.getByRole('searchbox').fill('حيار');
    await page.getByRole('button', { name: 'بحث' }).click();
    await page.getByRole('alert').filter({ hasText: 'البحث غير متاح' }).waitFor();
    expect(page.url()).toBe(`${home}#search=${encodeURIComponent('حيار')}`);
  });

  it('shows search highlights with <mark> only: any other markup in a snippet stays text', async () => {
    const card = { slug: 'x', title: 'مقال وجده البحث', kicker: null, summary: null, displayDate: 'الجمعة 04 فبراير 2022 على الساعة 18:00',
      lang: 'ar', dir: 'RTL', hasVideo: false, category: null, regions: [], people: [] };
    const highlight = 'ترأست <mark>حيار</mark> &lt;b&gt;لقاء&lt;/b&gt; &amp; <img src=x onerror="window.__hacked=3"><script>window.__hacked=4</script>';
    // The search API's contract (HTML-escaped text, matches in <mark>), answered here so the client is tested alone.
    await page.route(/\/graphql$/, async (route) => {
      if (!route.request().postData()?.includes('query Search(')) return route.fallback();
      await route.fulfill({ json: { data: { search: { edges: [{ highlight, node: card }] } } } });
    });
    await page.goto(`${home}#search=${encodeURIComponent('حيار')}`);
    const snippet = page.locator('#results .snippet');
    await snippet.waitFor();
    expect(await snippet.locator('mark').allInnerTexts()).toEqual(['حيار']);
    expect(await snippet.textContent())
      .toBe('ترأست حيار <b>لقاء</b> & <img src=x onerror="window.__hacked=3"><script>window.__hacked=4</script>');
    expect(await snippet.locator('*').count()).toBe(1);
    expect(await page.evaluate(() => window.__hacked)).toBeUndefined();
    expect(await page.locator('#search-input').inputValue()).toBe('حيار');
  });

  it('fits a 390 px phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(home);
    await page.locator('#articles .card').first().waitFor();
    await tickerItems().first().waitFor();
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      search: document.getElementById('search')!.getBoundingClientRect().width,
      card: document.querySelector('#articles .card')!.getBoundingClientRect().width,
    }));
    expect(layout.scrollWidth).toBeLessThanOrEqual(390);
    expect(layout.search).toBeGreaterThan(300);
    expect(layout.card).toBeGreaterThan(340);
    const label = (await page.locator('.ticker-label').boundingBox())!;
    expect(label.x + label.width).toBeCloseTo(390, 0);
  });
});
