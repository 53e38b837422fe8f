import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { launchChromium, watchNetwork, type NetworkLog } from '../support/browser';

declare const document: { querySelectorAll(selector: string): { length: number } };
declare const window: { __hacked?: number };
declare function getComputedStyle(element: unknown): { unicodeBidi: string };

jest.setTimeout(60_000);

/**
 * Stored text that got past the API's rules (written before them, or straight into the database) is still only text
 * on the reader's pages (docs/reliability.md): no dialog, no script, no request leaves, and a bidi control left open
 * stays inside its own text.
 */
describe('hostile stored text on the reader pages', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let network: NetworkLog;
  let dialogs: string[];
  let home: string;
  let slug: string;

  const TITLE = '"><img src=x onerror="alert(1);window.__hacked=1"> عنوان \u202Eمقلوب';
  const SUMMARY = '<script>alert(2);window.__hacked=2</script>';
  const KICKER = '<svg onload="alert(3);window.__hacked=3">';
  const BODY = [
    { type: 'PARAGRAPH', text: '<img src=x onerror="alert(4);window.__hacked=4"> فقرة' },
    { type: 'QUOTE', text: 'javascript:alert(5)' },
  ];
  const HEADLINE = '<script>alert(6)</script> عاجل \u202Eمقلوب';

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startTestApp();
    home = new URL('/', app.url).href;
    const make = factories(app);
    ({ slug } = await make.article({ title: TITLE, summary: SUMMARY, kicker: KICKER, body: BODY, regionCodes: ['MA-04'] }));
    const ticker = await make.ticker({ headline: HEADLINE, urgency: 1 });
    await app.sql(`UPDATE ticker SET url = 'javascript:alert(7);window.__hacked=7' WHERE id = $1`, [ticker.id]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(20_000);
    network = watchNetwork(page, new URL(app.url).origin);
    dialogs = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterEach(() => page?.close());

  async function nothingRan(): Promise<void> {
    expect(await page.evaluate(() => document.querySelectorAll('main script, main img:not(picture > img), svg[onload], [onerror]').length)).toBe(0);
    expect(await page.evaluate(() => window.__hacked)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(network.external).toEqual([]);
  }

  it('the front page shows the headline and the card as text; a javascript: link is no link; the open override stays in its text', async () => {
    await page.goto(home);
    const headline = page.locator('.ticker-headline').filter({ hasText: 'عاجل' });
    await headline.waitFor();
    expect(await headline.textContent()).toBe(HEADLINE);
    expect(await headline.evaluate((node) => (node as unknown as { tagName: string }).tagName)).toBe('SPAN');
    await headline.click();
    const card = page.locator('#articles .card-title a').filter({ hasText: 'عنوان' });
    await card.waitFor();
    expect(await card.textContent()).toBe(TITLE);
    for (const shown of [headline, card]) expect(await shown.evaluate((node) => getComputedStyle(node).unicodeBidi)).toBe('isolate');
    await nothingRan();
  });

  it('the article page shows title, kicker, summary and body as text', async () => {
    await page.goto(`${home}#article=${encodeURIComponent(slug)}`);
    await page.locator('#article-title').filter({ hasText: 'عنوان' }).waitFor();
    expect(await page.locator('#article-title').textContent()).toBe(TITLE);
    expect(await page.locator('#article-kicker').textContent()).toBe(KICKER);
    expect(await page.locator('#article-summary').textContent()).toBe(SUMMARY);
    expect(await page.locator('#article-view').innerText()).toContain('javascript:alert(5)');
    await nothingRan();
  });

  it('a region\'s feed shows the card as text', async () => {
    await page.goto(`${home}#region=MA-04`);
    const card = page.locator('#articles .card-title a').filter({ hasText: 'عنوان' });
    await card.waitFor();
    expect(await card.textContent()).toBe(TITLE);
    await nothingRan();
  });
});
