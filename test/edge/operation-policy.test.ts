import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { loadConfig } from '../../src/config';
import { startTestApp, STRICT_MEDIA_TYPE, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { connectLive, LiveConnection, streamsOpen } from '../support/live';
import { sharedRedisUrl } from '../support/redis';

/**
 * One operation over graphql-ws with the official client: its results once it completes, or the errors it was
 * refused with; an operation that neither completes nor is refused within 5 s fails the test.
 */
function overWs(connection: LiveConnection, query: string, variables?: Record<string, unknown>) {
  return new Promise<{ results: FormattedExecutionResult[]; errors?: readonly GraphQLFormattedError[] }>((resolve, reject) => {
    const results: FormattedExecutionResult[] = [];
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no answer over WS within 5 s for ${query.slice(0, 80)} (results so far: ${JSON.stringify(results).slice(0, 200)})`));
    }, 5_000);
    const stop = connection.client.subscribe({ query, variables }, {
      next: (result) => void results.push(result as FormattedExecutionResult),
      error: (error) => {
        clearTimeout(timer);
        if (Array.isArray(error)) resolve({ results, errors: error });
        else reject(error);
      },
      complete: () => {
        clearTimeout(timer);
        resolve({ results });
      },
    });
  });
}

/** Connections to the app a test opens, closed after it. */
function liveConnections(appOf: () => TestApp) {
  const open: LiveConnection[] = [];
  return {
    connect(token?: string): LiveConnection {
      const connection = connectLive(appOf(), { token });
      open.push(connection);
      return connection;
    },
    closeAll: () => Promise.all(open.splice(0).map((connection) => connection.dispose())),
  };
}

const codeOverWs = async (connection: LiveConnection, query: string, variables?: Record<string, unknown>) =>
  (await overWs(connection, query, variables)).errors?.[0]?.extensions?.code;

const defaults = loadConfig({}).edge;
const nested = (levels: number, leaf: string) => Array.from({ length: levels }).reduce<string>((inner) => `parent { ${inner} }`, leaf);
const aliased = (count: number, field: string) => Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ');

/** What over-limit documents each transport must refuse, with the code and details of the refusal. */
const OVER_LIMITS: [string, string, string, Record<string, unknown>][] = [
  ['a 40-deep region { parent { parent … } } query', `{ region(code: "MA-01") { ${nested(40, 'code')} } }`, 'QUERY_TOO_DEEP',
    { limit: defaults.maxDepth, depth: 42 }],
  ['a query with 200 aliases', `{ ${aliased(200, '__typename')} }`, 'TOO_MANY_ALIASES', { limit: defaults.maxAliases, aliases: 200 }],
  ['nested lists that multiply past MAX_COST', '{ articles(first: 100) { edges { node { people { articles(first: 100) { edges { node { title } } } } } } } }',
    'QUERY_TOO_COMPLEX', { limit: defaults.maxCost }],
  ['a document over MAX_TOKENS', `{ ${'a '.repeat(defaults.maxTokens)} }`, 'TOO_MANY_TOKENS', { limit: defaults.maxTokens }],
  ['a document over MAX_DOCUMENT_BYTES', `{ __typename } # ${'ع'.repeat(defaults.maxDocumentBytes / 2)}`, 'DOCUMENT_TOO_LARGE',
    { limit: defaults.maxDocumentBytes }],
  ['a mutation with 100 aliases', `mutation { ${aliased(100, 'killTicker(id: "VGlja2VyOjE") { id }')} }`, 'TOO_MANY_ALIASES',
    { limit: defaults.maxAliases, aliases: 100 }],
];

describe('one operation policy for HTTP and graphql-ws', () => {
  let app: TestApp;
  const { connect, closeAll } = liveConnections(() => app);

  beforeAll(async () => {
    app = await startTestApp({ introspection: 'editors' });
    await factories(app).article({ slug: 'one', title: 'واحد' });
  });
  afterEach(async () => {
    await closeAll();
  });
  afterAll(() => app.stop());

  it.each(OVER_LIMITS)('refuses %s over both transports with the same code', async (_what, query, code, details) => {
    const http = await app.gql(query, undefined, STRICT_MEDIA_TYPE);
    expect(http.status).toBe(400);
    expect(http.errors).toHaveLength(1);
    expect(http.errors![0].extensions).toMatchObject({ code, ...details });
    const ws = await overWs(connect(), query);
    expect(ws.results).toEqual([]);
    expect(ws.errors).toHaveLength(1);
    expect(ws.errors![0].extensions).toEqual(http.errors![0].extensions);
    expect(ws.errors![0].message).toBe(http.errors![0].message);
  });

  it('refuses a subscription over the limits before it opens a stream', async () => {
    const connection = connect();
    const deep = `subscription { breakingNews { ticker { region { ${nested(40, 'code')} } } } }`;
    expect(await codeOverWs(connection, deep)).toBe('QUERY_TOO_DEEP');
    expect(await codeOverWs(connection, `subscription { breakingNews { ${aliased(200, 'kind')} } }`)).toBe('TOO_MANY_ALIASES');
    expect(app.khabar.feed.streamCount).toBe(0);
  });

  it('keeps introspection for editors over both transports, with the same codes', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect((await app.gql(query)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(await codeOverWs(connect(), query)).toBe('UNAUTHENTICATED');
    const token = await app.token('EDITOR');
    expect((await app.gql(query, undefined, { token })).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await overWs(connect(token), query)).results).toEqual([{ data: { __schema: { queryType: { name: 'Query' } } } }]);
  });

  it('answers the same document within the limits alike over HTTP and WS', async () => {
    const query = `query($first: Int) { articles(first: $first) { edges { node { slug title regions { code ${nested(3, 'code')} } } } } }`;
    const http = await app.gql(query, { first: 5 });
    expect(http.errors).toBeUndefined();
    expect(http.data.articles.edges).toEqual([{ node: { slug: 'one', title: 'واحد', regions: expect.any(Array) } }]);
    expect((await overWs(connect(), query, { first: 5 })).results).toEqual([{ data: http.data }]);
  });
});

describe('the persisted-query allow-list over both transports', () => {
  const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
  const allowedQuery = '{ article(slug: "hello") { title } }';
  const allowedSubscription = 'subscription { breakingNews { kind } }';
  let app: TestApp;
  let dir: string;
  let connection: LiveConnection;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-pq-ws-'));
    const file = path.join(dir, 'manifest.json');
    fs.writeFileSync(file, JSON.stringify(Object.fromEntries([allowedQuery, allowedSubscription].map((body) => [sha256(body), body]))));
    app = await startTestApp({ edge: { persistedOnly: true, persistedQueriesFile: file } });
    await factories(app).article({ slug: 'hello', title: 'مرحبا' });
    connection = connectLive(app);
  });
  afterAll(async () => {
    await connection.dispose();
    await app.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a listed query over WS as over HTTP', async () => {
    expect((await app.gql(allowedQuery)).data).toEqual({ article: { title: 'مرحبا' } });
    expect((await overWs(connection, allowedQuery)).results).toEqual([{ data: { article: { title: 'مرحبا' } } }]);
  });

  it('refuses an unlisted document over WS with PERSISTED_QUERY_NOT_IN_LIST, as HTTP does', async () => {
    const unlisted = '{ article(slug: "hello") { slug title } }';
    expect((await app.gql(unlisted)).errors![0].extensions!.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const refused = await overWs(connection, unlisted);
    expect(refused.results).toEqual([]);
    expect(refused.errors).toEqual([{
      message: 'Only the persisted queries of the apps run here; this document is not one of them.',
      extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' },
    }]);
    expect(await codeOverWs(connection, 'subscription { breakingNews { kind ticker { headline } } }')).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    expect(await codeOverWs(connection, 'mutation { killTicker(id: "VGlja2VyOjE") { id } }')).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('opens a listed subscription', async () => {
    const stop = connection.client.subscribe({ query: allowedSubscription }, { next: () => undefined, error: () => undefined, complete: () => undefined });
    await streamsOpen(app, 1);
    stop();
  });
});

describe('rate limits count operations over both transports', () => {
  // A day's window: the counters' fixed window cannot roll over in the middle of a test.
  const window = 24 * 3600 * 1000;
  let app: TestApp;
  const { connect, closeAll } = liveConnections(() => app);

  afterEach(async () => {
    await closeAll();
    await app.stop();
  });

  it('refuses the operation past RATE_LIMIT_PER_IP on a connection, from the same counter as HTTP, and keeps the connection', async () => {
    app = await startTestApp({ edge: { rateLimitPerIp: 4, rateLimitWindowMs: window } });
    const connection = connect();
    expect((await app.gql('{ __typename }')).status).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await overWs(connection, '{ __typename }')).results).toEqual([{ data: { __typename: 'Query' } }]);
    const refused = await overWs(connection, '{ __typename }');
    expect(refused.results).toEqual([]);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 4, retryAfter: expect.any(Number) });
    expect(refused.errors![0].message).toMatch(/^Too many requests from this address: at most 4 every 86400 s\. Retry in \d+ s\.$/);
    // Subscriptions count too, another connection from the same address shares the budget, and HTTP sees it spent.
    expect(await codeOverWs(connection, 'subscription { breakingNews { kind } }')).toBe('RATE_LIMITED');
    expect(await codeOverWs(connect(), '{ __typename }')).toBe('RATE_LIMITED');
    expect((await app.gql('{ __typename }')).status).toBe(429);
    expect(connection.closes).toEqual([]);
    // Counted alike in the metrics: three operations over WS and one request over HTTP.
    const metrics = await (await fetch(app.url.replace(/graphql$/, 'metrics'))).text();
    expect(metrics).toMatch(/khabar_rate_limited_total\{scope="ip"\} 4\n/);
  });

  it('counts a signed-in connection\'s operations per token, apart from the address', async () => {
    app = await startTestApp({ edge: { rateLimitPerIp: 100, rateLimitPerToken: 2, rateLimitWindowMs: window } });
    const token = await app.token('EDITOR');
    const editor = connect(token);
    expect((await app.gql('{ __typename }', undefined, { token })).status).toBe(200);
    expect((await overWs(editor, '{ __typename }')).errors).toBeUndefined();
    expect((await overWs(editor, '{ __typename }')).errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 2 });
    expect((await overWs(connect(await app.token('EDITOR', 'another editor')), '{ __typename }')).errors).toBeUndefined();
    expect((await overWs(connect(), '{ __typename }')).errors).toBeUndefined();
  });

  const redisUrl = sharedRedisUrl();
  if (redisUrl) {
    it('shares the Redis counters between instances and transports', async () => {
      app = await startTestApp({ redisUrl, edge: { rateLimitPerIp: 3, rateLimitWindowMs: window } });
      const other = await app.instance({ redisUrl });
      try {
        const connection = connect();
        expect((await overWs(connection, '{ __typename }')).errors).toBeUndefined();
        expect((await other.gql('{ __typename }')).status).toBe(200);
        expect((await overWs(connection, '{ __typename }')).errors).toBeUndefined();
        expect(await codeOverWs(connection, '{ __typename }')).toBe('RATE_LIMITED');
        expect((await other.gql('{ __typename }')).status).toBe(429);
      } finally {
        await other.stop();
      }
    });
  }
});
