import type { Locator, Page } from 'playwright-core';
import { seedDemoContent } from '../../src/demo/seed';
import { seedDemoPictures } from '../../src/modules/media/demo-pictures';
import { startTestApp, type TestApp } from './test-app';

export { launchChromium } from '../../scripts/chromium';

/** A test app over the demo content, as `npm start` serves it (seeded here: Jest cannot run the app's lazy import). */
/** How long a page test waits for the browser's own machinery (service workers, notifications) on a busy two-core machine. */
export const BROWSER_PATIENCE_MS = 20_000;

export async function startDemoApp(overrides: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const app = await startTestApp(overrides);
  await seedDemoContent(app.khabar.db);
  await seedDemoPictures(app.khabar.db, app.khabar.contextDeps.media);
  return app;
}

export interface NetworkLog {
  /** Requests to anything but the app's own origin (data: and blob: URLs stay inside the page). */
  external: string[];
  /** Requests that failed, and responses with an HTTP error status. */
  failed: string[];
  /** Uncaught page errors and console errors (CSP violations included). */
  errors: string[];
}

/** Records what a page asks of the network, to assert that Khabar serves everything itself. */
export function watchNetwork(page: Page, origin: string): NetworkLog {
  const log: NetworkLog = { external: [], failed: [], errors: [] };
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url)) log.external.push(url);
  });
  page.on('requestfailed', (request) => log.failed.push(`${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) log.failed.push(`${response.url()} HTTP ${response.status()}`);
  });
  page.on('pageerror', (error) => log.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') log.errors.push(message.text());
  });
  return log;
}

/** Text as a reader sees it: Monaco wraps long lines and renders spaces as no-break spaces. */
export async function textOf(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}
