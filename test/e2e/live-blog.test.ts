import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { launchChromium, startDemoApp, textOf, watchNetwork, type NetworkLog } from '../support/browser';
import { eventually } from '../support/eventually';
import { streamsOpen } from '../support/live';

declare const window: { scrollTo(x: number, y: number): void; scrollY: number; __sameDocument?: boolean };

// A real browser on a busy two-core machine: more room than the API tests' 30 s.
jest.setTimeout(60_000);

const POST = 'mutation($id: ID!, $input: PostLiveEntryInput!) { postLiveEntry(articleId: $id, input: $input) { id } }';

describe('a live blog on the reader page', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let network: NetworkLog;
  let editor: string;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startDemoApp();
    editor = await app.token('EDITOR', 'مكتب الرباط');
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

  const entries = () => page.locator('#live-entries .entry');
  const entryTitles = () => page.locator('#live-entries .entry-title').allInnerTexts();

  async function liveBlog(title: string) {
    const article = await factories(app).article({ title, body: [{ type: 'PARAGRAPH', text: 'مقدمة التغطية.' }] });
    const started = await app.gql('mutation($id: ID!) { startLiveCoverage(articleId: $id) { isLive } }', { id: article.globalId }, { token: editor });
    expect(started.errors).toBeUndefined();
    return article;
  }

  async function post(articleId: string, title: string, extra: object = {}): Promise<string> {
    const res = await app.gql(POST, { id: articleId, input: { title, body: [{ type: 'PARAGRAPH', text: `تفاصيل: ${title}` }], ...extra } }, { token: editor });
    expect(res.errors).toBeUndefined();
    return res.data.postLiveEntry.id;
  }

  /** Opens the article and waits until its live blog follows the stream (and the ticker's is open too). */
  async function open(slug: string): Promise<void> {
    await page.goto(`${new URL('/', app.url).href}#article=${encodeURIComponent(slug)}`);
    await page.locator('#live-blog[data-live="connected"]').waitFor();
    await streamsOpen(app, 2);
  }

  it('inserts entries at the top as they are posted, shows key events as a timeline and "ended" when it ends', async () => {
    const article = await liveBlog('مباشر: ليلة الانتخابات');
    await post(article.globalId, 'فتح مكاتب التصويت');
    await open(article.slug);
    expect(await entryTitles()).toEqual(['فتح مكاتب التصويت']);
    await page.evaluate(() => {
      window.__sameDocument = true; // gone if the page reloads
    });
    await post(article.globalId, 'نسبة المشاركة عند الظهر', { isKeyEvent: true });
    await entries().first().filter({ hasText: 'نسبة المشاركة عند الظهر' }).waitFor({ timeout: 2_000 });
    expect(await entryTitles()).toEqual(['نسبة المشاركة عند الظهر', 'فتح مكاتب التصويت']);
    expect(await textOf(page.locator('#key-events'))).toContain('نسبة المشاركة عند الظهر');
    expect(await textOf(page.locator('#live-state'))).toBe('تغطية مباشرة');

    await app.gql('mutation($id: ID!) { endLiveCoverage(articleId: $id) { isLive } }', { id: article.globalId }, { token: editor });
    await page.locator('#live-state[data-state="ended"]').waitFor({ timeout: 2_000 });
    expect(await textOf(page.locator('#live-state'))).toBe('انتهت التغطية المباشرة');
    expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
    expect(network).toEqual({ external: [], failed: [], errors: [] });
  });

  it('holds new entries behind an "N new entries" bar while the reader is scrolled down, so the text does not jump', async () => {
    const article = await liveBlog('مباشر: مباراة المنتخب');
    for (let n = 1; n <= 12; n += 1) await post(article.globalId, `الدقيقة ${n * 5}`);
    await open(article.slug);
    await entries().nth(11).waitFor();
    const reading = entries().nth(8);
    await reading.scrollIntoViewIfNeeded();
    const before = (await reading.boundingBox())!.y;
    await post(article.globalId, 'هدف للمنتخب');
    await post(article.globalId, 'بطاقة صفراء');
    await page.locator('#new-entries').filter({ hasText: '2 مستجدات جديدة' }).waitFor({ timeout: 2_000 });
    expect((await reading.boundingBox())!.y).toBeCloseTo(before, 0);
    expect(await entries().count()).toBe(12);

    await page.locator('#new-entries').click();
    expect((await entryTitles()).slice(0, 3)).toEqual(['بطاقة صفراء', 'هدف للمنتخب', 'الدقيقة 60']);
    expect(await page.locator('#new-entries').isHidden()).toBe(true);
  });

  it('shows all three entries in order within 2 s of coming back, one posted while the page was offline', async () => {
    const article = await liveBlog('مباشر: زلزال الحوز');
    const sockets: { close(): Promise<void> }[] = [];
    const subscribedAfter: (string | null)[] = [];
    let reachable = true;
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      if (!reachable) return void ws.close({ code: 1006 });
      const server = ws.connectToServer();
      sockets.push(ws);
      ws.onMessage((message) => {
        const parsed = JSON.parse(String(message));
        if (parsed.type === 'subscribe' && parsed.payload.query.includes('liveEntries')) subscribedAfter.push(parsed.payload.variables.after);
        server.send(message);
      });
    });
    await open(article.slug);
    await post(article.globalId, 'هزة بقوة 6.8 درجات');
    await post(article.globalId, 'فرق الإنقاذ في الطريق');
    await entries().nth(1).waitFor({ timeout: 2_000 });

    // The phone sleeps: offline, its sockets gone.
    reachable = false;
    await page.context().setOffline(true);
    await Promise.all(sockets.splice(0).map((socket) => socket.close()));
    await page.locator('#live-state[data-state="reconnecting"]').waitFor();
    await post(article.globalId, 'حصيلة أولية');

    reachable = true;
    const back = Date.now();
    await page.context().setOffline(false);
    await entries().first().filter({ hasText: 'حصيلة أولية' }).waitFor({ timeout: 2_000 });
    expect(Date.now() - back).toBeLessThan(2_000);
    expect(await entryTitles()).toEqual(['حصيلة أولية', 'فرق الإنقاذ في الطريق', 'هزة بقوة 6.8 درجات']);
    // It resumed from its cursor: the last subscription named the last event it had.
    expect(subscribedAfter[0]).toBeNull();
    expect(subscribedAfter.at(-1)).toEqual(expect.any(String));
  });

  it('shows the demo live blog: fifteen entries, the pinned one first, two key events and a correction, ended', async () => {
    const { data } = await app.gql(`{ articles(first: 1, filter: { live: false, tag: "تغطية مباشرة" }) { edges { node { slug } } } }`);
    await page.goto(`${new URL('/', app.url).href}#article=${encodeURIComponent(data.articles.edges[0].node.slug)}`);
    await entries().nth(14).waitFor();
    expect(await entries().count()).toBe(15);
    expect(await textOf(entries().first().locator('.entry-title'))).toBe('قطع الطريق الجهوية');
    expect(await page.locator('#key-events li').count()).toBe(2);
    expect(await page.locator('#live-entries .correction').count()).toBe(1);
    expect(await textOf(page.locator('#live-state'))).toBe('انتهت التغطية المباشرة');
  });
});
