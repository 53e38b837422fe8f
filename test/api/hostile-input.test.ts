import { startTestApp, STRICT_MEDIA_TYPE, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { connectLive, LiveConnection, subscribe } from '../support/live';
import { publishedSchema, stringTargets, tablesChecksum } from '../support/hostile';

/**
 * Hostile input (docs/reliability.md): every string coming in passes one rule before any resolver runs
 * (src/server/input-rule.ts). What it refuses gets BAD_USER_INPUT naming the field and changes nothing. Asked for as
 * application/graphql-response+json, so that a refusal keeps its 400 (as application/json the same errors come with
 * 200: test/edge/http.test.ts).
 */
describe('hostile input', () => {
  let app: TestApp;
  let admin: string;
  let live: LiveConnection;
  const targets = stringTargets(publishedSchema());

  beforeAll(async () => {
    app = await startTestApp();
    admin = await app.token('ADMIN');
    live = connectLive(app, { token: admin });
    await factories(app).article({ slug: 'article-1', title: 'مقال للقراءة' });
  });
  afterAll(async () => {
    await live.dispose();
    await app.stop();
  });
  const gql: TestApp['gql'] = (query, variables, options = {}) =>
    app.gql(query, variables, { ...options, headers: { ...STRICT_MEDIA_TYPE.headers, ...options.headers } });
  const JSON_STRICT = { 'content-type': 'application/json', ...STRICT_MEDIA_TYPE.headers };

  const HOSTILE: [string, string, RegExp][] = [
    ['a NUL byte', 'a\u0000b', /must not contain NUL bytes/],
    ['a lone surrogate', 'a\ud800b', /unpaired UTF-16 surrogate/],
    ['a reversed surrogate pair', '\udc00\ud800', /unpaired UTF-16 surrogate/],
    ['an override left open (U+202E)', 'abc\u202Edef', /bidi/],
    ['an isolate left open (U+2067)', 'abc\u2067def', /bidi/],
    ['a PDF closing nothing', 'abc\u202Cdef', /bidi/],
    ['a string of 100,001 characters', 'x'.repeat(100_001), /over 100000 characters/],
  ];

  it('the schema has string arguments to try in queries, mutations and subscriptions', () => {
    const count = (operation: string) => targets.filter((t) => t.operation === operation).length;
    expect([count('query'), count('mutation'), count('subscription')].every((n) => n > 0)).toBe(true);
    expect(targets.map((t) => t.name)).toEqual(expect.arrayContaining([
      'article(slug)', 'search(query)', 'articles(after)', 'node(id)', 'pushBreakingNews(input.headline)', 'breakingNews(after)',
      'createArticle(input.body.0.text)', 'createArticle(input.tags)', 'breakingNews(regionCodes)',
    ]));
  });

  it.each(HOSTILE)('%s in any argument of any query or mutation is refused with 400 BAD_USER_INPUT naming the field, changing nothing',
    async (_name, text, message) => {
      const before = await tablesChecksum(app);
      const wrong: string[] = [];
      const http = targets.filter((t) => t.operation !== 'subscription');
      // A few at a time: the machine running the suite is shared.
      for (let i = 0; i < http.length; i += 6) {
        await Promise.all(http.slice(i, i + 6).map(async (target) => {
          const res = await gql(target.document, target.variables(text), { token: admin });
          const error = res.errors?.[0];
          if (res.status !== 400 || res.errors?.length !== 1 || error?.extensions?.code !== 'BAD_USER_INPUT'
            || error.extensions.field !== target.field || !message.test(error.message)) {
            wrong.push(`${target.name}: ${res.status} ${JSON.stringify(res.errors ?? res.data).slice(0, 200)}`);
          }
        }));
      }
      expect(wrong).toEqual([]);
      expect(await tablesChecksum(app)).toEqual(before);
    }, 120_000);

  it('the same strings in any argument of a subscription are refused over graphql-ws with BAD_USER_INPUT naming the field', async () => {
    const wrong: string[] = [];
    for (const target of targets.filter((t) => t.operation === 'subscription')) {
      // Frames are at most 64 KB over graphql-ws: the 100,001 characters are the next test's.
      for (const [, text, message] of HOSTILE.filter(([, hostile]) => hostile.length < 1000)) {
        const subscription = subscribe(live, target.document, target.variables(text));
        await subscription.received(1);
        const [error] = (subscription.error ?? []) as { message: string; extensions?: Record<string, unknown> }[];
        if (error?.extensions?.code !== 'BAD_USER_INPUT' || error.extensions.field !== target.field || !message.test(error.message)) {
          wrong.push(`${target.name} ${JSON.stringify(text.slice(0, 12))}: ${JSON.stringify(subscription.error ?? subscription.results).slice(0, 200)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(live.closes).toEqual([]);
  }, 60_000);

  it('a frame over 64 KB closes that connection with 1009 (message too big), as documented', async () => {
    const own = connectLive(app);
    subscribe(own, 'subscription($after: String) { breakingNews(after: $after) { cursor } }', { after: 'x'.repeat(100_001) });
    expect((await own.closed()).code).toBe(1009);
    await own.dispose();
  });

  it('strings written in the document are held to the same rule as variables, defaults included', async () => {
    for (const query of [
      '{ article(slug: "a\\u0000b") { id } }',
      '{ articles(filter: { tag: "\\u202Etag" }) { edges { cursor } } }',
      'query($s: String = "a\\u0000b") { article(slug: $s) { id } }',
    ]) {
      const res = await gql(query);
      expect({ status: res.status, errors: res.errors?.map((e) => e.extensions) }).toEqual({
        status: 400, errors: [{ code: 'BAD_USER_INPUT', field: query.includes('tag') ? 'tag' : 'slug' }],
      });
    }
  });

  it('takes balanced bidi controls and marks, which stay within their text, and emoji', async () => {
    const headline = 'عاجل: \u202BBreaking ⚡ news\u202C \u2067Rabat\u2069 \u200Fالرباط';
    const res = await gql('mutation($h: String!) { pushBreakingNews(input: { headline: $h, urgency: 3 }) { headline } }', { h: headline },
      { token: admin });
    expect(res.errors).toBeUndefined();
    expect(res.data.pushBreakingNews.headline).toBe(headline);
    await app.sql('DELETE FROM ticker');
  });

  it('refuses variables nested deeper than 32 levels, as deep as the client likes, without overflowing', async () => {
    const deep = `{"query": "query($s: String) { article(slug: $s) { id } }", "variables": {"s": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const res = await fetch(app.url, { method: 'POST', headers: JSON_STRICT, body: deep });
    const body = (await res.json()) as any;
    expect({ status: res.status, errors: body.errors.map((e: any) => e.extensions) }).toEqual({
      status: 400, errors: [{ code: 'BAD_USER_INPUT', field: 'slug' }],
    });
  });

  it('does not let __proto__ or constructor keys reach anything: refused as unknown fields, no prototype touched', async () => {
    const raw = '{"query": "query($f: ArticleFilter) { articles(filter: $f) { edges { cursor } } }", '
      + '"variables": {"f": {"__proto__": {"tag": "x", "polluted": true}, "constructor": {"prototype": {"polluted": true}}}}}';
    const res = await fetch(app.url, { method: 'POST', headers: JSON_STRICT, body: raw });
    const body = (await res.json()) as any;
    expect(res.status).toBe(400);
    expect(body.errors.map((e: any) => e.extensions.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(body.errors.map((e: any) => e.message).join(' ')).toMatch(/Field "__proto__" is not defined.*Field "constructor" is not defined/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const asVariables = await fetch(app.url, {
      method: 'POST', headers: JSON_STRICT,
      body: '{"query": "query($slug: String) { article(slug: $slug) { id } }", "variables": {"__proto__": {"slug": "article-1"}}}',
    });
    expect(((await asVariables.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['a negative page size', '{ articles(first: -1) { edges { cursor } } }', 200, 'BAD_USER_INPUT'],
    ['a negative page size from the end', '{ articles(last: -5) { edges { cursor } } }', 200, 'BAD_USER_INPUT'],
    ['a page size over 32 bits', '{ articles(first: 2147483648) { edges { cursor } } }', 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['the smallest 32-bit integer', '{ tickers(first: -2147483648) { id } }', 200, 'BAD_USER_INPUT'],
    ['a fraction', '{ tickers(first: 1.5) { id } }', 400, 'GRAPHQL_VALIDATION_FAILED'],
  ])('answers %s with a coded error', async (_name, query, status, code) => {
    const res = await gql(query);
    expect({ status: res.status, codes: res.errors?.map((e) => e.extensions?.code) }).toEqual({ status, codes: [code] });
  });

  it('answers 1e300 and -1e300 in an Int variable with 400 BAD_USER_INPUT', async () => {
    for (const n of [1e300, -1e300, 2 ** 53 + 1]) {
      const res = await gql('query($n: Int) { articles(first: $n) { edges { cursor } } }', { n });
      expect({ status: res.status, codes: res.errors?.map((e) => e.extensions?.code) }).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    }
  });

  it('treats SQL and tsquery metacharacters as text: results or a coded refusal, never an error, nothing changed', async () => {
    const before = await tablesChecksum(app);
    const texts = [
      "'; DROP TABLE article; --", "' OR '1'='1", 'a & b | !c', 'a:* <-> (b', '!!!', '():*&|<>', "\\'", '%_%', 'x\\', '$1', '"quoted" -minus',
      'a <2> b', 'مقال & | !', '*', '\u00A0', "o'brien:*A",
    ];
    const queries = [
      'query($t: String!) { search(query: $t) { edges { node { id } } } }',
      'query($t: String!) { search(query: $t, prefix: true) { edges { node { id } } } }',
      'query($t: String) { people(query: $t) { edges { node { id } } } }',
      'query($t: String) { article(slug: $t) { id } }',
      'query($t: String) { articles(filter: { tag: $t, personSlug: $t, categorySlug: $t }) { edges { cursor } } }',
    ];
    const wrong: string[] = [];
    for (const query of queries) {
      for (const t of texts) {
        const res = await gql(query, { t });
        const codes = (res.errors ?? []).map((e) => e.extensions?.code);
        if (res.status !== 200 || codes.some((code) => code !== 'BAD_USER_INPUT')) wrong.push(`${query} ${JSON.stringify(t)}: ${res.status} ${codes}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await tablesChecksum(app)).toEqual(before);
    expect((await gql('{ article(slug: "article-1") { title } }')).data.article).toEqual({ title: 'مقال للقراءة' });
  }, 60_000);
});
