import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../support/test-app';
import { streamsOpen } from '../support/live';
import { launchChromium, startDemoApp, textOf, watchNetwork, type NetworkLog } from '../support/browser';
import { eventually } from '../support/eventually';

// A real browser on a busy two-core machine: more room than the API tests' 30 s.
jest.setTimeout(60_000);

const SEED_TITLE = 'دعت إلى اعتماد مخطط عمل اجتماعي مشترك.. حيار تعرض استراتيجية وزارتها للتشاور (فيديو)';
const SEED_SLUG = 'دعت-إلى-اعتماد-مخطط-عمل-اجتماعي-مشترك-حيار-تعرض-استراتيجية';

async function openPlayground(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.locator('.graphiql-query-editor .view-lines').first().waitFor();
}

/** Switches to a saved tab once GraphiQL has parsed its operation (it debounces that by 100 ms and stores the query then);
 * executing earlier sends the previous tab's operation name ("Unknown operation named FrontPage"). */
async function openTab(page: Page, operation: string): Promise<void> {
  await page.getByRole('tab', { name: operation, exact: true }).click();
  await page.waitForFunction((name) => {
    const { localStorage } = globalThis as unknown as { localStorage: { getItem(key: string): string | null } };
    return new RegExp(`^\\s*(query|mutation|subscription) ${name}\\b`, 'm').test(localStorage.getItem('graphiql:query') ?? '');
  }, operation);
}

async function execute(page: Page, expected: string): Promise<string> {
  await page.getByRole('button', { name: 'Execute query' }).click();
  return eventually(() => textOf(page.locator('.graphiql-response')), (text) => text.includes(expected),
    { timeoutMs: 10_000, what: `a response with ${expected}` });
}

/** Opens the variables or headers editor, empty and focused, for typing. */
async function focusEditorTool(page: Page, tool: 'Variables' | 'Headers'): Promise<void> {
  await page.getByText(tool, { exact: true }).click();
  await page.locator('.graphiql-editor-tool .monaco-editor').filter({ visible: true }).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
}

describe('the GraphiQL playground at GET /graphql', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let network: NetworkLog;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startDemoApp();
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

  it('is served by Khabar to browsers, with every asset, and nothing is requested elsewhere', async () => {
    await openPlayground(page, app.url);
    expect(await page.title()).toBe('Khabar · GraphQL playground');
    expect(await page.getByRole('tab').allInnerTexts()).toEqual(['FrontPage', 'ArticleBySlug', 'PushBreakingNews', 'CreateArticle', 'BreakingNews']);
    await page.getByText('Headers', { exact: true }).click();
    expect(await textOf(page.locator('.graphiql-editor-tool'))).toContain('"Authorization": "Bearer …"');
    expect(network).toEqual({ external: [], failed: [], errors: [] });

    // API clients asking for JSON still reach Apollo on the same path.
    const json = await fetch(`${app.url}?query=%7B__typename%7D`, { headers: { 'apollo-require-preflight': 'yes' } });
    expect(await json.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('runs the saved front-page query and shows its articles, and explores the schema in the docs', async () => {
    const latest = await app.gql('{ articles(first: 1) { edges { node { title displayDate } } } }');
    const [{ node: first }] = latest.data.articles.edges;
    await openPlayground(page, app.url);
    const response = await execute(page, first.title); // Monaco renders only the lines in view
    expect(response).toContain(first.displayDate);

    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-plugin');
    await docs.getByText('Root Types').waitFor();
    await docs.getByRole('link', { name: 'Article', exact: true }).click();
    await docs.getByText('Publication date as Moroccan newsrooms print it').waitFor();
    expect(network).toEqual({ external: [], failed: [], errors: [] });
  });

  it('takes Arabic typed into the variables and shows the seed article', async () => {
    await openPlayground(page, app.url);
    await openTab(page, 'ArticleBySlug');
    await focusEditorTool(page, 'Variables');
    await page.keyboard.type(`{"slug": "${SEED_SLUG}"}`);
    const response = await execute(page, SEED_TITLE);
    expect(response).toContain('الجمعة 04 فبراير 2022 على الساعة 18:00');
    expect(response).toContain('"dir": "RTL"');
    expect(response).toContain('ترأست عواطف حيار');
  });

  it('lets a mutation through once an editor token is in the headers', async () => {
    await openPlayground(page, app.url);
    await openTab(page, 'PushBreakingNews');
    expect(await execute(page, '"code": "UNAUTHENTICATED"')).not.toContain('"pushBreakingNews": {');

    await focusEditorTool(page, 'Headers');
    await page.keyboard.insertText(`{ "Authorization": "Bearer ${await app.token('EDITOR', 'محررة الليل')}" }`);
    const response = await execute(page, '"pushBreakingNews": {');
    expect(response).toContain('"headline": "عاجل: انطلاق الدورة الاستثنائية للبرلمان"');
    const onAir = await app.gql('{ tickers(first: 100) { headline } }');
    expect(onAir.data.tickers).toContainEqual({ headline: 'عاجل: انطلاق الدورة الاستثنائية للبرلمان' });
    await app.sql("DELETE FROM ticker WHERE headline = 'عاجل: انطلاق الدورة الاستثنائية للبرلمان'");
  });

  it('follows breaking news through a subscription over graphql-ws and shows a pushed item', async () => {
    await openPlayground(page, app.url);
    await openTab(page, 'BreakingNews');
    await page.getByRole('button', { name: 'Execute query' }).click();
    await page.getByRole('button', { name: 'Stop query' }).waitFor(); // running: the button now stops it
    await streamsOpen(app, 1);
    const headline = 'عاجل: المنتخب المغربي يتأهل إلى نصف النهائي';
    const pushed = await app.gql('mutation($input: PushBreakingNewsInput!) { pushBreakingNews(input: $input) { id } }',
      { input: { headline, urgency: 1 } }, { token: await app.token('EDITOR') });
    expect(pushed.errors).toBeUndefined();
    const response = await eventually(() => textOf(page.locator('.graphiql-response')), (text) => text.includes(headline),
      { timeoutMs: 10_000, what: 'the pushed headline in the response pane' });
    expect(response).toContain('"kind": "PUSHED"');
    expect(network).toEqual({ external: [], failed: [], errors: [] });
  });
});

describe('the playground when introspection is for editors (the production default)', () => {
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    app = await startDemoApp({ introspection: 'editors' });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('refuses the schema to anonymous callers and shows it once an editor token is in the headers', async () => {
    const anonymous = await app.gql('{ __schema { queryType { name } } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await app.gql('{ __typename articles(first: 1) { edges { node { slug } } } }')).errors).toBeUndefined();

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(20_000);
    await openPlayground(page, app.url);
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-plugin');
    await docs.getByText('Error fetching schema').waitFor();
    expect(await docs.getByText('Root Types').count()).toBe(0);

    await focusEditorTool(page, 'Headers');
    await page.keyboard.insertText(`{ "Authorization": "Bearer ${await app.token('EDITOR', 'محررة الليل')}" }`);
    await page.getByRole('button', { name: /^Re-fetch GraphQL schema/ }).click();
    await docs.getByText('Root Types').waitFor();
    await page.close();
  });
});
