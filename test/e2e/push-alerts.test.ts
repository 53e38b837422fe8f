import type { Browser, CDPSession, Page } from 'playwright-core';
import type { TestApp } from '../support/test-app';
import { BROWSER_PATIENCE_MS, launchChromium, startDemoApp, watchNetwork, type NetworkLog } from '../support/browser';
import { eventually } from '../support/eventually';
import { startPushPeers, PushPeers } from '../support/push-peers';

/** What page.evaluate callbacks see in the browser (declared here: the project compiles for Node). */
interface ShownNotification { title: string; body: string; tag: string; data: { url: string; cursor: string } }
declare const navigator: { serviceWorker: { ready: Promise<{ getNotifications(): Promise<ShownNotification[]> }> } };

jest.setTimeout(60_000);
const REDELIVER_AFTER_MS = 5_000;

/**
 * The front page's "تنبيهات عاجلة": the opt-in shows where the browser can do push, and its service worker turns a
 * push message into a notification. No real push service is reachable from here, so the push message is handed to
 * the worker through Chromium's DevTools protocol (ServiceWorker.deliverPushMessage), as the browser would on receipt.
 */
describe('breaking-news alerts on the front page (service worker)', () => {
  let peers: PushPeers;
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;
  let network: NetworkLog;
  let origin: string;

  beforeAll(async () => {
    peers = await startPushPeers();
    browser = await launchChromium();
    app = await startDemoApp({ push: peers.config });
    origin = new URL(app.url).origin;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await peers?.stop();
  });

  beforeEach(async () => {
    const context = await browser.newContext();
    await context.grantPermissions(['notifications'], { origin });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    network = watchNetwork(page, origin);
    cdp = await context.newCDPSession(page);
  });
  afterEach(async () => {
    await page.context().close();
  });

  /** The id of the front page's worker registration, once its worker is activated. */
  async function activatedWorker(): Promise<string> {
    let registrationId: string | null = null;
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: { registrationId: string; status: string; scriptURL: string }[] }) => {
      const active = versions.find((v) => v.status === 'activated' && v.scriptURL === `${origin}/sw.js`);
      if (active) registrationId = active.registrationId;
    });
    await cdp.send('ServiceWorker.enable');
    return eventually(() => registrationId, { what: 'the service worker to activate', timeoutMs: BROWSER_PATIENCE_MS }) as Promise<string>;
  }

  const shown = () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications())
    .map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data })));

  /**
   * Hands a push message to the worker until the notifications satisfy `accept`, again every few seconds: on a loaded
   * machine Chromium can drop a delivery while it starts the worker (CI saw it once), and a push service redelivers too.
   * Every message here carries a tag, so a second delivery replaces the first instead of adding one.
   */
  async function pushUntil(registrationId: string, data: string, accept: (list: ShownNotification[]) => boolean, what: string) {
    let sentAt = 0;
    return eventually(async () => {
      if (Date.now() - sentAt > REDELIVER_AFTER_MS) {
        sentAt = Date.now();
        await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId, data });
      }
      return shown();
    }, accept, { what, timeoutMs: BROWSER_PATIENCE_MS });
  }

  it('offers the alerts, and shows a pushed item as one notification that its update replaces', async () => {
    await page.goto(`${origin}/`);
    const button = page.locator('#alerts');
    await button.waitFor({ state: 'visible' });
    expect(await button.textContent()).toBe('تنبيهات عاجلة');
    const registrationId = await activatedWorker();

    const message = (body: string) => JSON.stringify({
      title: 'عاجل جدا', body, url: `${origin}/#article=zilzal`, urgency: '1', kind: 'PUSHED', cursor: 'WyJicmVha2luZ05ld3MiLDQyXQ', tickerId: 'VGlja2VyOjc', tag: 'ticker-7',
    });
    const first = await pushUntil(registrationId, message('زلزال بقوة 5 درجات يضرب إقليم الحوز'), (list) => list.length === 1, 'the notification');
    expect(first).toEqual([{
      title: 'عاجل جدا', body: 'زلزال بقوة 5 درجات يضرب إقليم الحوز', tag: 'ticker-7',
      data: { url: `${origin}/#article=zilzal`, cursor: 'WyJicmVha2luZ05ld3MiLDQyXQ' },
    }]);

    await pushUntil(registrationId, message('زلزال بقوة 5.2 درجات يضرب إقليم الحوز'),
      (list) => list.length === 1 && list[0].body === 'زلزال بقوة 5.2 درجات يضرب إقليم الحوز', 'the update to replace it');
    expect(network.errors).toEqual([]);
    expect(network.external).toEqual([]);
  });

  it('keeps a push message it cannot read from becoming a notification', async () => {
    await page.goto(`${origin}/`);
    const registrationId = await activatedWorker();
    await cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId, data: 'not json' });
    const readable = JSON.stringify({ title: 'عاجل', body: 'خبر', url: '/', tag: 'ticker-9', cursor: 'x', urgency: '2' });
    const list = await pushUntil(registrationId, readable, (l) => l.length >= 1, 'the readable one');
    expect(list.map((n) => n.tag)).toEqual(['ticker-9']);
  });
});
