import { getOperationAST, GraphQLSchema, parse } from 'graphql';
import { loadConfig } from '../../src/config';
import { ANONYMOUS, type Viewer } from '../../src/auth/viewer';
import { OperationPolicy, type PolicyHooks } from '../../src/server/operation-policy';
import { sha256Hex } from '../../src/server/persisted-queries';
import { MemoryRateCounter, type RateCounter } from '../../src/server/rate-counter';
import { buildKhabarSchema } from '../../src/server/schema';

/** The policy's rules, without a transport: what both HTTP and graphql-ws refuse, and with which code. */
const EDITOR: Viewer = { role: 'EDITOR', subject: 'desk', name: 'desk', expiresAt: Date.now() + 3_600_000 };

function policyWith(
  settings: { edge?: Partial<ReturnType<typeof loadConfig>['edge']>; introspection?: 'public' | 'editors' | 'off' } = {},
  { manifest = null as ReadonlyMap<string, string> | null, counter = new MemoryRateCounter() as RateCounter, hooks = {} as PolicyHooks } = {},
) {
  const config = loadConfig({}, { edge: settings.edge, ...(settings.introspection ? { introspection: settings.introspection } : {}) });
  return new OperationPolicy(config, manifest, counter, hooks);
}

describe('the operation policy', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildKhabarSchema();
  });

  const check = (policy: OperationPolicy, query: string, variables?: Record<string, unknown>, viewer: Viewer = ANONYMOUS) => {
    const document = parse(query);
    return policy.checkOperation(schema, document, getOperationAST(document)!, variables, viewer);
  };

  describe('before parsing', () => {
    const policy = policyWith({ edge: { maxDocumentBytes: 100, maxTokens: 20 } });

    it('lets a small document through', () => {
      expect(policy.checkDocument('{ tickers { headline } }')).toBeNull();
    });

    it('measures a document in bytes, not characters', () => {
      expect(policy.checkDocument(`{ __typename } # ${'ع'.repeat(40)}`)).toBeNull();
      expect(policy.checkDocument(`{ __typename } # ${'ع'.repeat(45)}`)).toMatchObject({
        code: 'DOCUMENT_TOO_LARGE', status: 400, details: { limit: 100 }, message: 'The GraphQL document is over 100 bytes.',
      });
    });

    it('counts tokens, not characters, and leaves syntax errors to the parser', () => {
      expect(policy.checkDocument(`{ __typename ${' '.repeat(60)} }`)).toBeNull();
      expect(policy.checkDocument(`{ ${'a '.repeat(19)} }`)).toMatchObject({ code: 'TOO_MANY_TOKENS', details: { limit: 20 } });
      expect(policy.checkDocument(`{ "unterminated ${' '.repeat(30)}`)).toBeNull();
    });

    it('runs only the manifest\'s documents in PERSISTED_ONLY mode, sent in full or by hash', () => {
      const listed = '{ tickers { headline } }';
      const allowList = policyWith({}, { manifest: new Map([[sha256Hex(listed), listed]]) });
      expect(allowList.checkDocument(listed)).toBeNull();
      expect(allowList.checkDocument(undefined, sha256Hex(listed))).toBeNull();
      for (const refused of [allowList.checkDocument('{ tickers { id } }'), allowList.checkDocument(undefined, sha256Hex('{ x }')),
        allowList.checkDocument(undefined, undefined)]) {
        expect(refused).toEqual({
          code: 'PERSISTED_QUERY_NOT_IN_LIST', status: 400, details: {},
          message: 'Only the persisted queries of the apps run here; this document is not one of them.',
        });
      }
    });
  });

  describe('once parsed', () => {
    const policy = policyWith({ edge: { maxDepth: 4, maxAliases: 2 } });

    it('measures depth without introspection and __typename', () => {
      expect(check(policy, '{ region(code: "MA-01") { parent { parent { code __typename } } } }')).toBeNull();
      expect(check(policy, '{ region(code: "MA-01") { parent { parent { parent { code } } } } }')).toMatchObject({
        code: 'QUERY_TOO_DEEP', status: 400, details: { depth: 5, limit: 4 },
      });
      expect(check(policyWith({ edge: { maxDepth: 2 } }), '{ __schema { types { fields { name } } } }')).toBeNull();
    });

    it('counts aliases, a fragment\'s once however often it is spread', () => {
      expect(check(policy, '{ a: tickers { headline } b: tickers { headline } }')).toBeNull();
      expect(check(policy, '{ a: __typename b: __typename c: __typename }')).toMatchObject({
        code: 'TOO_MANY_ALIASES', details: { aliases: 3, limit: 2 },
      });
      expect(check(policy, 'query { ...F ...F } fragment F on Query { a: __typename b: __typename }')).toBeNull();
    });

    it('costs pages by their size, from the document or the variables of each request', () => {
      const policy = policyWith({ edge: { maxCost: 200 } });
      const byVariable = 'query($n: Int) { articles(first: $n) { edges { node { people { slug } } } } }';
      expect(check(policy, byVariable, { n: 10 })).toBeNull();
      expect(check(policy, byVariable, { n: 50 })).toMatchObject({ code: 'QUERY_TOO_COMPLEX', details: { limit: 200 } });
      expect(check(policy, byVariable, { n: 10 })).toBeNull();
      expect(check(policy, '{ articles(first: 50) { edges { node { title } } } }')).toBeNull();
      expect(check(policy, '{ articles(first: 100) { edges { node { title } } } }')).toMatchObject({ code: 'QUERY_TOO_COMPLEX', details: { cost: 201 } });
    });

    it('takes in no string with a NUL byte, an unpaired surrogate or an open bidi control, naming the field as it is used', () => {
      const policy = policyWith();
      const create = 'mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }';
      expect(check(policy, 'query($s: String) { article(slug: $s) { id } }', { s: 'a\u0000' })).toMatchObject({
        code: 'BAD_USER_INPUT', status: 400, details: { field: 'slug' }, message: 'slug must not contain NUL bytes',
      });
      expect(check(policy, create, { input: { title: 't', body: [{ type: 'PARAGRAPH', text: 'ok' }, { type: 'PARAGRAPH', text: '\ud800' }] } }))
        .toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'body.1.text' } });
      expect(check(policy, create, { input: { title: 't', tags: ['ok', 'x\u202E'] } })).toMatchObject({ details: { field: 'tags' } });
      expect(check(policy, '{ articles(filter: { tag: "\\u0000" }) { totalCount } }')).toMatchObject({ details: { field: 'tag' } });
      expect(check(policy, 'query($s: String) { article(slug: $s) { id } }', { s: JSON.parse(`${'['.repeat(40)}"x"${']'.repeat(40)}`) }))
        .toMatchObject({ code: 'BAD_USER_INPUT', message: 'slug is nested more than 32 levels deep' });
      expect(check(policy, create, { input: { title: 'عاجل \u202Bnews\u202C', body: [{ type: 'PARAGRAPH', text: 'x'.repeat(100_000) }] } })).toBeNull();
    });

    it('keeps introspection from whom GRAPHQL_INTROSPECTION says, with 401 or 403', () => {
      const introspect = '{ __schema { queryType { name } } }';
      expect(check(policyWith({ introspection: 'public' }), introspect)).toBeNull();
      expect(check(policyWith({ introspection: 'editors' }), introspect, undefined, EDITOR)).toBeNull();
      expect(check(policyWith({ introspection: 'editors' }), introspect)).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
      expect(check(policyWith({ introspection: 'editors' }), '{ __type(name: "Article") { name } }')).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(check(policyWith({ introspection: 'off' }), introspect, undefined, EDITOR)).toMatchObject({ code: 'FORBIDDEN', status: 403 });
      expect(check(policyWith({ introspection: 'off' }), '{ tickers { headline } }')).toBeNull();
    });
  });

  describe('the rate limit', () => {
    const day = 24 * 3600 * 1000;

    it('counts anonymous operations per address and refuses past the limit with 429 and when to retry', async () => {
      const limited: string[] = [];
      const policy = policyWith({ edge: { rateLimitPerIp: 2, rateLimitWindowMs: day } }, { hooks: { onRateLimited: (scope) => void limited.push(scope) } });
      const caller = { address: '10.0.0.1' };
      expect(await policy.rateLimit(caller)).toMatchObject({ scope: 'ip', limit: 2, remaining: 1, refusal: null });
      expect(await policy.rateLimit(caller)).toMatchObject({ remaining: 0, refusal: null });
      const refused = await policy.rateLimit(caller);
      expect(refused!.refusal).toMatchObject({ code: 'RATE_LIMITED', status: 429, details: { limit: 2, retryAfter: refused!.resetSeconds } });
      expect(refused!.refusal!.message).toBe(`Too many requests from this address: at most 2 every 86400 s. Retry in ${refused!.resetSeconds} s.`);
      expect(limited).toEqual(['ip']);
      expect((await policy.rateLimit({ address: '10.0.0.2' }))!.refusal).toBeNull();
    });

    it('counts signed-in operations per token, whichever way Bearer is spelled, apart from the address', async () => {
      const policy = policyWith({ edge: { rateLimitPerIp: 1, rateLimitPerToken: 2, rateLimitWindowMs: day } });
      expect((await policy.rateLimit({ address: '10.0.0.1', authorization: 'Bearer abc' }))!.scope).toBe('token');
      expect((await policy.rateLimit({ address: '10.0.0.9', authorization: ' bearer   abc ' }))!.refusal).toBeNull();
      expect((await policy.rateLimit({ address: '10.0.0.1', authorization: 'Bearer abc' }))!.refusal).toMatchObject({
        code: 'RATE_LIMITED', message: expect.stringMatching(/^Too many requests from this token/),
      });
      expect((await policy.rateLimit({ address: '10.0.0.1' }))!.refusal).toBeNull();
    });

    it('is off at 0, and lets operations through while its counter fails', async () => {
      expect(await policyWith({ edge: { rateLimitPerIp: 0 } }).rateLimit({ address: '10.0.0.1' })).toBeNull();
      const failures: unknown[] = [];
      const broken: RateCounter = { hit: () => Promise.reject(new Error('Redis is gone')) };
      const policy = policyWith({ edge: { rateLimitPerIp: 1 } }, { counter: broken, hooks: { onCounterFailed: (error) => void failures.push(error) } });
      expect(await policy.rateLimit({ address: '10.0.0.1' })).toBeNull();
      expect(failures).toEqual([new Error('Redis is gone')]);
    });
  });
});
