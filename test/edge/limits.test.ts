import { Client } from 'pg';
import { startTestApp, STRICT_MEDIA_TYPE, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { loadConfig } from '../../src/config';
import { HOME_PAGE } from '../support/queries';

const codeOf = (res: { errors?: { extensions?: Record<string, any> }[] }) => res.errors?.[0]?.extensions?.code;

describe('limits, with their defaults', () => {
  let app: TestApp;
  const defaults = loadConfig({}).edge;

  beforeAll(async () => {
    app = await startTestApp();
    await factories(app).article({ slug: 'one' });
  });
  afterAll(() => app.stop());

  it('let the home page (ticker + 50 articles with all relations) and the front page through', async () => {
    const home = await app.gql(HOME_PAGE, { first: 100 });
    expect(home.errors).toBeUndefined();
    const front = await app.gql('{ articles(first: 20) { edges { node { title regions { nameAr } people { nameAr } } } } }');
    expect(front.errors).toBeUndefined();
  });

  it('refuse a query deeper than MAX_DEPTH', async () => {
    let nested = 'slug';
    for (let i = 0; i < defaults.maxDepth; i += 1) nested = `regions { parent { code } } people { articles(first: 1) { edges { node { ${nested} } } } }`;
    const res = await app.gql(`{ articles(first: 1) { edges { node { ${nested} } } } }`, undefined, STRICT_MEDIA_TYPE);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('QUERY_TOO_DEEP');
    expect(res.errors![0].extensions).toMatchObject({ limit: defaults.maxDepth });
  });

  it('refuse a query whose nested lists multiply past MAX_COST', async () => {
    const res = await app.gql(`{ articles(first: 100) { edges { node { people { articles(first: 100) { edges { node { title } } } } } } } }`, undefined, STRICT_MEDIA_TYPE);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('QUERY_TOO_COMPLEX');
    expect(res.errors![0].extensions!.cost).toBeGreaterThan(defaults.maxCost);
    // the same shape with small pages is fine
    const small = await app.gql(`query($n: Int) { articles(first: $n) { edges { node { people { articles(first: 5) { edges { node { title } } } } } } } }`, { n: 5 });
    expect(small.errors).toBeUndefined();
    const byVariables = `query($n: Int) { articles(first: $n) { edges { node { people { articles(first: $n) { edges { node { title } } } } } } } }`;
    // The same document costs what each request's variables ask (it is only computed once when no variable sets a page size).
    expect((await app.gql(byVariables, { n: 5 })).errors).toBeUndefined();
    expect(codeOf(await app.gql(byVariables, { n: 100 }))).toBe('QUERY_TOO_COMPLEX');
    expect(codeOf(await app.gql(`{ articles(first: 100) { edges { node { people { articles(first: 100) { edges { node { title } } } } } } } }`))).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuse too many aliases', async () => {
    const fields = Array.from({ length: defaults.maxAliases + 1 }, (_, i) => `a${i}: __typename`).join(' ');
    const res = await app.gql(`{ ${fields} }`);
    expect(codeOf(res)).toBe('TOO_MANY_ALIASES');
  });

  it('let GraphiQL introspect, but refuse introspection nested to blow up', async () => {
    const full = await app.gql(`{ __schema { types { name fields { name args { name type { name ofType { name ofType { name ofType { name } } } } } } } } }`);
    expect(full.errors).toBeUndefined();
    const blowUp = await app.gql(`{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`);
    expect(blowUp.errors![0].message).toMatch(/introspection depth/); // graphql-js's own rule
  });

  it('refuse documents over MAX_TOKENS or MAX_DOCUMENT_BYTES before parsing them', async () => {
    const tokens = await app.gql(`{ ${'a '.repeat(defaults.maxTokens)} }`, undefined, STRICT_MEDIA_TYPE);
    expect(tokens.status).toBe(400);
    expect(codeOf(tokens)).toBe('TOO_MANY_TOKENS');
    const bytes = await app.gql(`{ __typename } # ${'ع'.repeat(defaults.maxDocumentBytes)}`);
    expect(codeOf(bytes)).toBe('DOCUMENT_TOO_LARGE');
  });

  it('refuse bodies over BODY_LIMIT_BYTES with 413', async () => {
    const res = await fetch(app.url, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(defaults.bodyLimitBytes) } }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('run batches up to MAX_BATCH operations and refuse larger ones', async () => {
    const post = (body: unknown) => fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await post([{ query: '{ a: __typename }' }, { query: '{ b: __typename }' }]);
    expect(await ok.json()).toEqual([{ data: { a: 'Query' } }, { data: { b: 'Query' } }]);
    const tooMany = await post(Array.from({ length: defaults.maxBatch + 1 }, () => ({ query: '{ __typename }' })));
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as any).errors[0].extensions.code).toBe('BATCH_TOO_LARGE');
  });

  it('mask unexpected errors and keep coded ones', async () => {
    const res = await app.gql('{ article(slug: "a", id: "b") { slug } }');
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
  });
});

describe('rate limits and timeouts', () => {
  let app: TestApp;

  beforeAll(async () => {
    // A day's window: the counters' fixed window cannot roll over between a test's requests.
    app = await startTestApp({ edge: { rateLimitPerIp: 3, rateLimitPerToken: 2, rateLimitWindowMs: 24 * 3600 * 1000, requestTimeoutMs: 300 } });
  });
  afterAll(() => app.stop());

  it('allow RATE_LIMIT_PER_IP anonymous requests per window, then answer 429 with Retry-After', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push(await app.gql('{ __typename }'));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(statuses[2].headers.get('ratelimit-remaining')).toBe('0');
    expect(codeOf(statuses[3])).toBe('RATE_LIMITED');
    expect(Number(statuses[3].headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('count signed-in requests per token, apart from the address', async () => {
    const token = await app.token('EDITOR');
    const results = [];
    for (let i = 0; i < 3; i += 1) results.push((await app.gql('{ __typename }', undefined, { token })).status);
    expect(results).toEqual([200, 200, 429]);
    const other = await app.token('EDITOR', 'another editor');
    expect((await app.gql('{ __typename }', undefined, { token: other })).status).toBe(200);
  });

  it('abandon a request that outlives REQUEST_TIMEOUT_MS with 503', async () => {
    const app2 = await startTestApp({ edge: { requestTimeoutMs: 300 } });
    const locker = new Client({ connectionString: (app2.khabar.db.options as { url: string }).url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE article IN ACCESS EXCLUSIVE MODE');
      const res = await app2.gql('{ articles(first: 1) { edges { node { slug } } } }');
      expect(res.status).toBe(503);
      expect(codeOf(res)).toBe('REQUEST_TIMEOUT');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
      await app2.stop();
    }
  });
});

describe('error masking in production', () => {
  it('hides schema suggestions and keeps codes', async () => {
    const app = await startTestApp({ env: 'production' });
    try {
      const res = await app.gql('{ artickles { edges { node { slug } } } }');
      expect(codeOf(res)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.errors![0].message).not.toMatch(/Did you mean/);
      const dev = await startTestApp();
      try {
        expect((await dev.gql('{ artickles { edges { node { slug } } } }')).errors![0].message).toMatch(/Did you mean "articles"/);
      } finally {
        await dev.stop();
      }
    } finally {
      await app.stop();
    }
  });
});
