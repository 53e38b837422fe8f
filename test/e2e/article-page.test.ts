import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import type { TestApp } from '../support/test-app';
import { launchChromium, startDemoApp, textOf, watchNetwork } from '../support/browser';
import { sitePaths } from '../../src/shared/site-paths';

// A real browser on a busy two-core machine: more room than the API tests' 30 s.
jest.setTimeout(60_000);

const SEED_TITLE = 'دعت إلى اعتماد مخطط عمل اجتماعي مشترك.. حيار تعرض استراتيجية وزارتها للتشاور (فيديو)';
const SEED_DATE = 'الجمعة 04 فبراير 2022 على الساعة 18:00';
const SEED_SLUG = 'دعت-إلى-اعتماد-مخطط-عمل-اجتماعي-مشترك-حيار-تعرض-استراتيجية';

describe('an article page in Chromium', () => {
  let app: TestApp;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startDemoApp();
    origin = new URL(app.url).origin;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('with JavaScript disabled shows the headline, the date line and the body, and carries the NewsArticle JSON-LD and a 1200 × 630 share card', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const response = await page.goto(`${origin}${sitePaths.article(SEED_SLUG)}`);
      expect(response?.status()).toBe(200);
      expect(await page.locator('#article-title').isVisible()).toBe(true);
      expect(await textOf(page.locator('#article-title'))).toBe(SEED_TITLE);
      expect(await textOf(page.locator('#article-date'))).toBe(SEED_DATE);
      expect((await textOf(page.locator('#article-body'))).length).toBeGreaterThan(200);
      expect(await page.locator('.lead-picture img').isVisible()).toBe(true);
      expect(await page.locator('#latest-view').isVisible()).toBe(false);
      expect(await page.title()).toBe(`${SEED_TITLE} · خبر`);

      const jsonLd = JSON.parse(await page.locator('script[type="application/ld+json"]').textContent() ?? 'null');
      expect(jsonLd).toMatchObject({ '@type': 'NewsArticle', headline: SEED_TITLE, datePublished: '2022-02-04T18:00:00+01:00', inLanguage: 'ar' });
      // The lead picture in 16:9, 4:3 and 1:1, each at least 50,000 pixels.
      expect(jsonLd.image).toHaveLength(3);
      for (const url of jsonLd.image as string[]) {
        const picture = await fetch(`${origin}${new URL(url).pathname}`);
        expect(picture.status).toBe(200);
        const { width, height } = await sharp(Buffer.from(await picture.arrayBuffer())).metadata();
        expect(width! * height!).toBeGreaterThanOrEqual(50_000);
      }
      const share = await page.locator('meta[property="og:image"]').getAttribute('content');
      expect(share).toMatch(/\/media\/\d+\/social-1200-[A-Za-z0-9_-]{16}\.jpg$/);
      const card = await sharp(Buffer.from(await (await fetch(`${origin}${new URL(share!).pathname}`)).arrayBuffer())).metadata();
      expect([card.width, card.height, card.format]).toEqual([1200, 630, 'jpeg']);
      expect(await page.locator('meta[name="twitter:card"]').getAttribute('content')).toBe('summary_large_image');
      // The seed story exists in French and Tamazight too.
      expect(await page.locator('link[rel="alternate"][hreflang]').evaluateAll((links) => links.map((l) => l.getAttribute('hreflang')))).toEqual(['ar', 'fr', 'zgh']);
    } finally {
      await context.close();
    }
  });

  it("with JavaScript disabled the front page and a place's page show their first cards, linking to the articles' pages", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      for (const path of ['/', '/region/MA-04']) {
        expect((await page.goto(`${origin}${path}`))?.status()).toBe(200);
        const links = await page.locator('#articles .card-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        expect(links.length).toBeGreaterThan(0);
        expect(links.every((href) => /^\/article\/[^/]+$/.test(href ?? ''))).toBe(true);
      }
      expect(await textOf(page.locator('#latest-title'))).toBe('أخبار جهة الرباط-سلا-القنيطرة');
      await page.locator('#articles .card-title a').first().click();
      expect(await page.locator('#article-title').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('with JavaScript on, the front page script takes the page over without an error and keeps the article in view', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const network = watchNetwork(page, origin);
      await page.goto(`${origin}${sitePaths.article(SEED_SLUG)}`);
      await page.locator('#article-body .embed-play').waitFor();
      expect(await textOf(page.locator('#article-title'))).toBe(SEED_TITLE);
      expect(await page.locator('#article-view').isVisible()).toBe(true);
      expect(network.external).toEqual([]);
      expect(network.errors).toEqual([]);
      expect(network.failed).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("lists the seed article in its day's sitemap with its picture", async () => {
    const [{ day }] = await app.sql<{ day: string }>(`SELECT to_char(published_at AT TIME ZONE 'Africa/Casablanca', 'YYYY-MM-DD') AS day FROM article WHERE slug = $1`, [SEED_SLUG]);
    const index = await (await fetch(`${origin}/sitemap.xml`)).text();
    expect(index).toContain(`/sitemaps/${day}.xml</loc>`);
    const sitemap = await (await fetch(`${origin}/sitemaps/${day}.xml`)).text();
    const entry = sitemap.split('<url>').find((url) => url.includes(`<loc>${app.khabar.contextDeps.publicUrl}${sitePaths.article(SEED_SLUG)}</loc>`));
    const picture = /<image:loc>([^<]+)<\/image:loc>/.exec(entry ?? '')?.[1];
    expect(picture).toMatch(/\/media\/\d+\/o-1280-[A-Za-z0-9_-]{16}\.jpg$/);
    expect((await fetch(`${origin}${new URL(picture!).pathname}`)).status).toBe(200);
  });

  it('gives live coverage as LiveBlogPosting with its coverage times and updates', async () => {
    const [blog] = await app.sql<{ slug: string; entries: number }>(
      'SELECT a.slug, (SELECT count(*)::int FROM live_entry e WHERE e.article_id = a.id) AS entries FROM article a JOIN live_coverage c ON c.article_id = a.id LIMIT 1');
    const html = await (await fetch(`${origin}${sitePaths.article(blog.slug)}`)).text();
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">([^<]*)<\/script>/.exec(html)![1]);
    expect(jsonLd).toMatchObject({ '@type': 'LiveBlogPosting', coverageStartTime: expect.stringMatching(/[+-]\d\d:\d\d$/) });
    expect(jsonLd.liveBlogUpdate).toHaveLength(blog.entries);
    expect(jsonLd.liveBlogUpdate[0]).toMatchObject({ '@type': 'BlogPosting', datePublished: expect.stringMatching(/[+-]\d\d:\d\d$/) });
  });
});
