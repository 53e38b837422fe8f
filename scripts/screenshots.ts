import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../src/config';
import { startKhabar } from '../src/app';
import { launchChromium } from './chromium';
import { freePort } from './free-port';

/** `npm run screenshots`: the pictures of docs/web.md, taken from a fresh Khabar over the demo content. */
const OUT = path.resolve(__dirname, '../../docs/screenshots');

async function shoot(page: Page, name: string): Promise<void> {
  // The pictures in view are loaded, not their placeholders (the page's scripts run in the browser, not here).
  await page.waitForFunction(() => {
    type Img = { complete: boolean; naturalWidth: number; getBoundingClientRect(): { top: number } };
    const { document, innerHeight } = globalThis as unknown as { document: { images: ArrayLike<Img> }; innerHeight: number };
    return Array.from(document.images).filter((img) => img.getBoundingClientRect().top < innerHeight).every((img) => img.complete && img.naturalWidth > 0);
  });
  await page.screenshot({ path: path.join(OUT, name) });
  process.stdout.write(`docs/screenshots/${name}\n`);
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-screenshots-'));
  fs.chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user and must reach its data directory
  const khabar = await startKhabar(loadConfig({}, {
    dataDir, embeddedPgPort: await freePort(), port: 0, host: '127.0.0.1', seed: 'demo', logLevel: 'warn',
  }));
  const browser = await launchChromium();
  try {
    fs.mkdirSync(OUT, { recursive: true });
    const home = new URL('/', khabar.url).href;
    const token = await khabar.contextDeps.tokens.sign('EDITOR', 'screenshots');
    const push = (headline: string) => fetch(khabar.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }',
        variables: { input: { headline, urgency: 1, regionCode: 'MA-04' } } }),
    });

    const desktop = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await desktop.goto(home);
    await desktop.locator('#ticker-status[data-state="live"]').waitFor();
    await desktop.locator('#articles .card').first().waitFor();
    await push('عاجل: انطلاق الدورة الاستثنائية للبرلمان بالرباط');
    await desktop.locator('.ticker-item.fresh').waitFor();
    await shoot(desktop, 'front-desktop.png');

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await phone.goto(home);
    await phone.locator('#articles .card').first().waitFor();
    await phone.locator('#ticker-status[data-state="live"]').waitFor({ state: 'attached' }); // hidden on phones
    await shoot(phone, 'front-phone.png');
    await phone.getByRole('button', { name: 'المزيد' }).click();
    await phone.getByRole('link', { name: /^دعت إلى اعتماد مخطط عمل اجتماعي مشترك/ }).click();
    await phone.locator('#article-view h1').waitFor();
    await shoot(phone, 'article-phone.png');

    // The demo live blog, started again with a key event, as a phone shows it.
    const found = await fetch(khabar.url, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ articles(first: 1, filter: { tag: "تغطية مباشرة" }) { edges { node { id slug } } } }' }),
    }).then((res) => res.json()) as { data: { articles: { edges: { node: { id: string; slug: string } }[] } } };
    const blog = found.data.articles.edges[0].node;
    const editorial = (query: string, variables: object) => fetch(khabar.url, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
    });
    await editorial('mutation($id: ID!) { startLiveCoverage(articleId: $id) { isLive } }', { id: blog.id });
    await phone.goto(`${home}#article=${encodeURIComponent(blog.slug)}`);
    await phone.locator('#live-blog[data-live="connected"]').waitFor();
    await editorial('mutation($id: ID!, $input: PostLiveEntryInput!) { postLiveEntry(articleId: $id, input: $input) { id } }', { id: blog.id,
      input: { title: 'نشرة جديدة', isKeyEvent: true, body: [{ type: 'PARAGRAPH', text: 'الأرصاد الجوية تمدد النشرة الإنذارية إلى غاية صباح الغد.' }] } });
    await phone.locator('#live-entries .entry').filter({ hasText: 'نشرة جديدة' }).waitFor();
    await phone.locator('#live-blog').scrollIntoViewIfNeeded();
    await shoot(phone, 'live-blog-phone.png');

    const playground = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    await playground.goto(khabar.url);
    await playground.locator('.graphiql-query-editor .view-lines').first().waitFor();
    await playground.getByRole('tab', { name: 'ArticleBySlug' }).click();
    await playground.getByRole('button', { name: 'Execute query' }).click();
    for (let tries = 0; !(await playground.locator('.graphiql-response').innerText()).includes('displayDate'); tries++) {
      if (tries > 100) throw new Error('the playground showed no result');
      await playground.waitForTimeout(100);
    }
    await playground.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await playground.locator('.graphiql-plugin').getByText('Root Types').waitFor();
    await shoot(playground, 'playground.png');
  } finally {
    await browser.close();
    await khabar.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
