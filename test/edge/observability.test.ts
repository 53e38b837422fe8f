import { Writable } from 'node:stream';
import pino from 'pino';
import { startTestApp, TestApp } from '../support/test-app';
import { factories } from '../support/factories';

describe('request logs and metrics', () => {
  let app: TestApp;
  const lines: any[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    app = await startTestApp({ edge: { responseCache: true } }, { logger: pino({ level: 'info' }, sink) });
    await factories(app).article({ slug: 'logged' });
  });
  afterAll(() => app.stop());

  it('logs one JSON line per request with its id, operation, status, duration and cache result, and no token', async () => {
    const token = await app.token('EDITOR');
    await app.gql('query FrontPage { articles(first: 5) { edges { node { slug } } } }', undefined, { headers: { 'x-request-id': 'req-123' } });
    await app.gql('query Secret { article(slug: "logged") { slug } }', undefined, { token });
    await new Promise((resolve) => setImmediate(resolve));
    const front = lines.find((l) => l.requestId === 'req-123');
    expect(front).toMatchObject({ msg: 'graphql request', operation: 'FrontPage', operationType: 'query', status: 200, cache: 'MISS', sqlStatements: 1 });
    expect(typeof front.durationMs).toBe('number');
    const secret = lines.find((l) => l.operation === 'Secret');
    expect(secret).toMatchObject({ status: 200, cache: 'BYPASS' });
    expect(JSON.stringify(lines)).not.toContain(token);
    expect(JSON.stringify(lines)).not.toContain('127.0.0.1');
  });

  it('logs and counts a request refused before GraphQL with its code and the operation name it was sent with', async () => {
    const res = await fetch(app.url, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'x-request-id': 'req-big' },
      body: JSON.stringify({ query: `query Big { __typename } # ${'x'.repeat(20_000)}`, operationName: 'Big' }),
    });
    expect(res.status).toBe(400);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.find((l) => l.requestId === 'req-big')).toMatchObject({
      operation: 'Big', status: 400, cache: 'BYPASS', errors: ['DOCUMENT_TOO_LARGE'],
    });
    const metrics = await (await fetch(app.url.replace(/graphql$/, 'metrics'))).text();
    expect(metrics).toMatch(/khabar_graphql_errors_total\{code="DOCUMENT_TOO_LARGE"\} 1/);
    expect(metrics).toMatch(/khabar_graphql_requests_total\{operation="Big",status="400",cache="BYPASS"\} 1/);
  });

  it('exposes Prometheus metrics: requests and latency per operation, errors by code, SQL per request, pool, cache', async () => {
    await app.gql('query Hits { articles(first: 2) { edges { node { slug } } } }');
    await app.gql('query Hits { articles(first: 2) { edges { node { slug } } } }');
    await app.gql('{ nope }');
    const res = await fetch(app.url.replace(/graphql$/, 'metrics'));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/khabar_graphql_requests_total\{operation="Hits",status="200",cache="HIT"\} 1/);
    expect(text).toMatch(/khabar_graphql_request_duration_seconds_bucket\{le="[\d.]+",operation="Hits"\}/);
    expect(text).toMatch(/khabar_graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} 1/);
    expect(text).toMatch(/khabar_sql_statements_per_request_count \d+/);
    expect(text).toMatch(/khabar_db_pool_connections\{state="total"\} \d+/);
    expect(text).toMatch(/khabar_response_cache_hit_ratio 0\.\d+/);
    expect(text).toMatch(/khabar_subscriptions_active 0/);
    expect(text).toMatch(/khabar_process_cpu_seconds_total/);
  });
});
