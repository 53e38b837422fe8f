import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../support/test-app';
import { launchChromium, startDemoApp, watchNetwork, type NetworkLog } from '../support/browser';
import { WIDTH_LADDER } from '../../src/modules/media/image-renditions';
import { eventually } from '../support/eventually';

/** The DOM as page.evaluate callbacks see it in the browser (declared here: the project compiles for Node). */
interface ImageElement {
  currentSrc: string;
  complete: boolean;
  naturalWidth: number;
  getBoundingClientRect(): { width: number; height: number; top: number };
}
declare const document: { querySelector(selector: string): ImageElement | null; querySelectorAll(selector: string): ArrayLike<ImageElement> };
declare const window: { devicePixelRatio: number; innerHeight: number; __shift?: number };
declare class PerformanceObserver {
  constructor(callback: (list: { getEntries(): { value: number; hadRecentInput: boolean }[] }) => void);
  observe(options: { type: string; buffered: boolean }): void;
}

jest.setTimeout(60_000);

const SEED_SLUG = 'دعت-إلى-اعتماد-مخطط-عمل-اجتماعي-مشترك-حيار-تعرض-استراتيجية';

describe('pictures and video on the reader pages', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let network: NetworkLog;
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
  afterEach(() => page?.close());

  async function open(hash: string, width: number): Promise<void> {
    page = await browser.newPage({ viewport: { width, height: 800 } });
    page.setDefaultTimeout(20_000);
    network = watchNetwork(page, origin);
    // Layout shifts are recorded from the first paint on.
    await page.addInitScript(`window.__shift = 0; new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; }).observe({ type: 'layout-shift', buffered: true });`);
    await page.goto(`${origin}/${hash}`);
  }

  /** The width the browser chose and the one it should have: the smallest ladder width filling the box at this pixel ratio. */
  async function chosenWidth(selector: string) {
    await page.waitForFunction((s) => { const img = document.querySelector(s); return !!img && img.complete && img.naturalWidth > 0; }, selector);
    const { src, shown, ratio } = await page.evaluate((s) => {
      const img = document.querySelector(s)!;
      return { src: img.currentSrc, shown: img.getBoundingClientRect().width, ratio: window.devicePixelRatio };
    }, selector);
    const chosen = Number(/-(\d+)-[A-Za-z0-9_-]{16}\.(avif|webp|jpg)$/.exec(src)?.[1]);
    const wanted = WIDTH_LADDER.find((w) => w >= shown * ratio) ?? WIDTH_LADDER[WIDTH_LADDER.length - 1];
    return { src, chosen, wanted };
  }

  it.each([[390], [1280]])('at %i px the article page shows its lead photo at the right size, AVIF, with no layout shift and no external request', async (width) => {
    await open(`#article=${encodeURIComponent(SEED_SLUG)}`, width);
    await page.locator('#article-title').waitFor();
    const lead = await chosenWidth('.lead-picture img');
    expect(lead.src).toMatch(new RegExp(`^${origin}/media/\\d+/16x9-\\d+-[A-Za-z0-9_-]{16}\\.avif$`));
    expect(lead.chosen).toBe(lead.wanted);
    // The video's poster is in the body, with its play button; the player is not loaded.
    await page.locator('.embed .embed-play').waitFor();
    expect(await page.locator('iframe').count()).toBe(0);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
    expect(await page.evaluate(() => window.__shift)).toBe(0);
    expect(network.external).toEqual([]);
    expect(network.failed).toEqual([]);
    expect(network.errors).toEqual([]);
  });

  it('the front page gives every card its picture; the first loads at once, the rest when scrolled to', async () => {
    await open('', 390);
    await page.locator('.card').first().waitFor();
    const first = await chosenWidth('.card:first-child .card-picture img');
    expect(first.chosen).toBe(first.wanted);
    const loading = await page.locator('.card-picture img').evaluateAll((imgs) => imgs.map((img) => (img as unknown as { loading: string }).loading));
    expect(loading[0]).toBe('eager');
    expect(loading.slice(1).every((value) => value === 'lazy')).toBe(true);
    expect(loading.length).toBeGreaterThan(5);
    expect(network.external).toEqual([]);
    expect(network.errors).toEqual([]);
  });

  it("the provider's player loads only when the reader asks, from its privacy-enhanced domain", async () => {
    await open(`#article=${encodeURIComponent(SEED_SLUG)}`, 1280);
    const play = page.locator('.embed .embed-play');
    await play.waitFor();
    expect(network.external).toEqual([]);
    await play.click();
    const frame = page.locator('.embed iframe');
    await frame.waitFor({ state: 'attached' });
    expect(await frame.getAttribute('src')).toMatch(/^https:\/\/www\.youtube-nocookie\.com\/embed\/[A-Za-z0-9_-]{11}$/);
    // There is no network here: the player's request is tried (and fails), which is the point: only now.
    const asked = await eventually(() => network.external, (urls) => urls.length > 0, { what: 'the player requested' });
    expect(asked.every((url) => url.startsWith('https://www.youtube-nocookie.com/'))).toBe(true);
  });
});
