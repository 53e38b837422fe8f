import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, STRICT_MEDIA_TYPE, TestApp } from '../support/test-app';
import { factories } from '../support/factories';

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const getUrl = (app: TestApp, params: Record<string, unknown>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  return `${app.url}?${search}`;
};
const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });

describe('GraphQL over HTTP', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await factories(app).article({ slug: 'hello', title: 'مرحبا' });
  });
  afterAll(() => app.stop());

  it('answers GET queries that carry a preflight header, with the negotiated content type', async () => {
    const res = await fetch(getUrl(app, { query: '{ article(slug: "hello") { title } }' }), { headers: { 'apollo-require-preflight': '1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ data: { article: { title: 'مرحبا' } } });

    const graphqlResponse = await fetch(getUrl(app, { query: '{ article(slug: "hello") { title } }' }), {
      headers: { 'apollo-require-preflight': '1', accept: 'application/graphql-response+json' },
    });
    expect(graphqlResponse.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
  });

  it('refuses mutations over GET with 405', async () => {
    const res = await fetch(getUrl(app, { query: 'mutation { killTicker(id: "VGlja2VyOjE") { id } }' }), { headers: { 'apollo-require-preflight': '1' } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('answers a document GraphQL refuses with its code: 200 in application/json, 400 in application/graphql-response+json', async () => {
    const answers = async (query: string, variables?: Record<string, unknown>) => Promise.all([undefined, 'application/json', 'application/graphql-response+json']
      .map(async (accept) => {
        const res = await app.gql(query, variables, accept ? { headers: { accept } } : {});
        return [res.status, res.headers.get('content-type'), res.headers.get('cache-control'), res.data, res.errors!.map((e) => e.extensions!.code)];
      }));
    const json = 'application/json; charset=utf-8';
    const strict = 'application/graphql-response+json; charset=utf-8';
    const refused = (code: string) => [[200, json, 'private, no-store', undefined, [code]], [200, json, 'private, no-store', undefined, [code]],
      [400, strict, 'private, no-store', undefined, [code]]];
    expect(await answers('{ nope }')).toEqual(refused('GRAPHQL_VALIDATION_FAILED'));
    expect(await answers('{ articles(')).toEqual(refused('GRAPHQL_PARSE_FAILED'));
    expect(await answers('query ($slug: String!) { article(slug: $slug) { id } }', { slug: null })).toEqual(refused('BAD_USER_INPUT'));
    expect(await answers('{ article(slug: "a\\u0000b") { id } }')).toEqual(refused('BAD_USER_INPUT'));
  });

  it('refuses requests another site could forge, but lets JSON POSTs and persisted-query GETs through', async () => {
    const plainGet = await fetch(getUrl(app, { query: '{ __typename }' }));
    expect(plainGet.status).toBe(400);
    expect(((await plainGet.json()) as any).errors[0].extensions.code).toBe('CSRF_REFUSED');
    const formPost = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' });
    expect(formPost.status).toBe(400);
    expect(((await formPost.json()) as any).errors[0].extensions.code).toBe('CSRF_REFUSED');
    expect((await app.gql('{ __typename }')).status).toBe(200);
  });

  it('runs automatic persisted queries: unknown hash, registration, then a plain GET by hash', async () => {
    const query = '{ article(slug: "hello") { slug } }';
    const unknown = await fetch(getUrl(app, { extensions: persisted(query) }));
    expect(((await unknown.json()) as any).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await fetch(app.url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, extensions: persisted(query) }),
    });
    expect(await registered.json()).toEqual({ data: { article: { slug: 'hello' } } });
    const byHash = await fetch(getUrl(app, { extensions: persisted(query) }));
    expect(byHash.status).toBe(200);
    expect(await byHash.json()).toEqual({ data: { article: { slug: 'hello' } } });
  });

  it('sets security headers on every response', async () => {
    const res = await fetch(app.url.replace(/graphql$/, 'healthz'));
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain("script-src 'self' 'unsafe-inline'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('persisted-only mode (the mobile apps\' allow-list)', () => {
  const allowed = '{ article(slug: "hello") { title } }';
  let app: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-pq-'));
    const file = path.join(dir, 'manifest.json');
    fs.writeFileSync(file, JSON.stringify({
      format: 'apollo-persisted-query-manifest', version: 1,
      operations: [{ id: sha256(allowed), name: 'Hello', type: 'query', body: allowed }],
    }));
    app = await startTestApp({ edge: { persistedOnly: true, persistedQueriesFile: file } });
    await factories(app).article({ slug: 'hello', title: 'مرحبا' });
  });
  afterAll(async () => {
    await app.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs listed documents, by hash over GET or in full, and refuses any other', async () => {
    const byHash = await fetch(getUrl(app, { extensions: persisted(allowed) }));
    expect(await byHash.json()).toEqual({ data: { article: { title: 'مرحبا' } } });
    expect((await app.gql(allowed)).data).toEqual({ article: { title: 'مرحبا' } });
    const other = await app.gql('{ article(slug: "hello") { slug } }', undefined, STRICT_MEDIA_TYPE);
    expect(other.status).toBe(400);
    expect(other.errors![0].extensions!.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const otherHash = await fetch(getUrl(app, { extensions: persisted('{ __typename }') }));
    expect(((await otherHash.json()) as any).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('refuses to start without a manifest', async () => {
    await expect(startTestApp({ edge: { persistedOnly: true } })).rejects.toThrow(/PERSISTED_QUERIES_FILE/);
  });
});
