import { startTestApp, TestApp } from '../support/test-app';
import { connectLive, subscribe, type LiveConnection } from '../support/live';

const INTROSPECT = '{ __schema { queryType { name } } }';
const SNEAKY = 'query { ...Root } fragment Root on Query { __type(name: "Article") { name } }';

describe('web pages and assets', () => {
  let app: TestApp;
  let origin: string;

  beforeAll(async () => {
    app = await startTestApp();
    origin = new URL(app.url).origin;
  });
  afterAll(() => app.stop());

  it('serves the front page and the playground as HTML under a Content-Security-Policy, and API clients still get JSON', async () => {
    const front = await fetch(`${origin}/`);
    expect(front.status).toBe(200);
    expect(front.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(front.headers.get('content-security-policy')).not.toContain('unsafe');
    const html = await front.text();
    expect(html).toContain('<html lang="ar" dir="rtl">');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script: the CSP forbids them

    const playground = await fetch(app.url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(playground.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await playground.text()).toContain('<title>Khabar · GraphQL playground</title>');
    const api = await fetch(`${app.url}?query=%7B__typename%7D`, { headers: { accept: '*/*', 'apollo-require-preflight': '1' } });
    expect(await api.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('serves hashed bundles for good, and nothing outside the assets folder', async () => {
    const html = await (await fetch(`${origin}/`)).text();
    const script = html.match(/src="(\/assets\/front\/main-[A-Z0-9]{8}\.js)"/)![1];
    const bundle = await fetch(`${origin}${script}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${origin}/assets/front/missing.js`)).status).toBe(404);
    const escape = await fetch(`${origin}/assets/..%2f..%2fpackage.json`);
    expect(escape.status).toBeGreaterThanOrEqual(400);
    expect(await escape.text()).not.toContain('"name": "khabar"');
  });
});

describe('who may introspect the schema', () => {
  const apps: TestApp[] = [];
  const connections: LiveConnection[] = [];
  const start = async (introspection: 'public' | 'editors' | 'off') => {
    const app = await startTestApp({ introspection, playground: introspection === 'public' });
    apps.push(app);
    return app;
  };
  const overWebSocket = async (app: TestApp, query: string, token?: string) => {
    const connection = connectLive(app, { token });
    connections.push(connection);
    const live = subscribe(connection, query);
    await live.received(1);
    return live.error ?? live.results[0];
  };
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((connection) => connection.dispose()));
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });

  it('everyone, by default outside production', async () => {
    const app = await start('public');
    expect((await app.gql(INTROSPECT)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('editors only with INTROSPECTION=editors (the production default), over HTTP and graphql-ws alike', async () => {
    const app = await start('editors');
    const editor = await app.token('EDITOR');
    for (const query of [INTROSPECT, SNEAKY]) {
      const anonymous = await app.gql(query);
      expect(anonymous.status).toBe(401);
      expect(anonymous.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(anonymous.data).toBeUndefined();
      expect((await app.gql(query, {}, { token: editor })).errors).toBeUndefined();
    }
    expect(await overWebSocket(app, INTROSPECT)).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    expect(await overWebSocket(app, SNEAKY)).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    expect(await overWebSocket(app, INTROSPECT, editor)).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expect((await app.gql('{ __typename articles(first: 1) { edges { cursor } } }')).errors).toBeUndefined();
  });

  it('nobody with INTROSPECTION=off, and PLAYGROUND=false leaves GET /graphql to the API', async () => {
    const app = await start('off');
    const refused = await app.gql(INTROSPECT, {}, { token: await app.token('ADMIN') });
    expect(refused.status).toBe(403);
    expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    const page = await fetch(app.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).not.toMatch(/^text\/html/);
  });
});
