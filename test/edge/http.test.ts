import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, STRICT_MEDIA_TYPE, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { COMPILE_AFTER } from '../../src/server/direct-reads';
import { upload } from '../support/media';
import { halvesPicture } from '../support/images';
import { fromGlobalId, toGlobalId } from '../../src/shared/global-id';

/**
 * How many compiled (graphql-jit) executions answered and how many reported an error: a failed one is run again by
 * Apollo, so the answer alone cannot tell that the compiled path served it.
 */
const mockJit = { answered: 0, failed: 0 };
jest.mock('graphql-jit', () => {
  const jit = jest.requireActual('graphql-jit');
  return {
    ...jit,
    compileQuery: (...args: unknown[]) => {
      const compiled = jit.compileQuery(...args);
      if (!jit.isCompiledQuery(compiled)) return compiled;
      const note = (result: { errors?: unknown[] }) => {
        if (result.errors?.length) mockJit.failed += 1;
        else mockJit.answered += 1;
        return result;
      };
      return {
        ...compiled,
        query: (...run: unknown[]) => {
          const result = compiled.query(...run);
          return typeof result?.then === 'function' ? result.then(note) : note(result);
        },
      };
    },
  };
});

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

  it('gives an ETag where something can revalidate with it: a GET\'s answer (304 on a match), not a POST\'s with no response cache', async () => {
    const query = '{ article(slug: "hello") { title } }';
    const headers = { 'apollo-require-preflight': '1' };
    const get = await fetch(getUrl(app, { query }), { headers });
    const etag = get.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(get.headers.get('cache-control')).toBe('public, max-age=120');
    const notModified = await fetch(getUrl(app, { query }), { headers: { ...headers, 'if-none-match': etag! } });
    expect(notModified.status).toBe(304);

    const post = await app.gql(query);
    expect(post.data).toEqual({ article: { title: 'مرحبا' } });
    expect(post.headers.get('cache-control')).toBe('public, max-age=120');
    expect(post.headers.get('xkey')).toBe(get.headers.get('xkey'));
    expect(post.headers.get('etag')).toBeNull();
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

  it('reads a plain JSON POST (src/server/graphql-posts.ts) as express.json does: the same answer as one express reads', async () => {
    const query = '{ article(slug: "hello") { title } }';
    const bodies: (string | Buffer)[] = [
      JSON.stringify({ query }),
      ` \n\t${JSON.stringify({ query, variables: {} })}`,
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ query }))]),
      JSON.stringify([{ query }, { query: '{ __typename }' }]),
      JSON.stringify({ query, extensions: persisted(query) }),
      JSON.stringify({ query: 'mutation { killTicker(id: "VGlja2VyOjE") { id } }' }),
      JSON.stringify({ query: '{ nope }' }),
      '', 'null', ' "text"', '[]', '{"query": ', '{"query": "{ __typename }"} x',
      Buffer.from([0x7b, 0x22, 0x71, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    ];
    // What a client, a cache in front and the request log see; ETags and ids aside, those of both routes are equal.
    const seen = async (res: Response) => ({
      status: res.status, body: (await res.text()).replace(/"requestId":"[^"]+"/, ''),
      headers: Object.fromEntries(['content-type', 'cache-control', 'vary', 'etag', 'xkey', 'x-khabar-sql-statements', 'content-security-policy', 'x-frame-options']
        .map((name) => [name, res.headers.get(name)])),
    });
    for (const body of bodies) {
      // `application/json` is read by graphql-posts; the same type in capitals goes through express and body-parser.
      const bare = await seen(await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
      const express = await seen(await fetch(app.url, { method: 'POST', headers: { 'content-type': 'Application/JSON' }, body }));
      expect({ sent: String(body), ...bare }).toEqual({ sent: String(body), ...express });
    }
    const charset = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: bodies[0] });
    expect(await charset.json()).toEqual({ data: { article: { title: 'مرحبا' } } });
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

describe('anonymous reads answered without Apollo\'s pipeline (src/server/direct-reads.ts)', () => {
  let app: TestApp;
  let blocksId: string;

  beforeAll(async () => {
    app = await startTestApp();
    const f = factories(app);
    const [person, category] = await Promise.all([f.person({ slug: 'awatif', roleAr: 'وزيرة' }), f.category({ slug: 'politics' })]);
    for (let i = 0; i < 3; i += 1) {
      await f.article({ slug: `news-${i}`, regionCodes: ['MA-04', 'MA-06'], personIds: [person.id], categoryId: category.id, tags: ['أ', 'ب'],
        body: [{ type: 'HEADING', text: `عنوان ${i}` }, { type: 'PARAGRAPH', text: 'نص "مقتبس" \\ وسطر\nجديد' }] });
    }
    const uploaded = await upload(app, await app.token('EDITOR'), await halvesPicture(800, 450).jpeg().toBuffer(),
      { alt: [{ lang: 'ar', text: 'الوزيرة' }], caption: 'تعليق', credit: 'MAP' });
    const imageId = Number(fromGlobalId(uploaded.data.uploadImage.id).key);
    // A body with a block of every kind: TextBlock (three kinds), ImageBlock and EmbedBlock, each with and without its picture.
    const blocks = await f.article({ slug: 'blocks', regionCodes: ['MA-04'], personIds: [person.id], categoryId: category.id, hasVideo: true, body: [
      { type: 'HEADING', text: 'عنوان' }, { type: 'PARAGRAPH', text: 'فقرة' }, { type: 'QUOTE', text: '«قول»' },
      { type: 'IMAGE', imageId, caption: 'صورة الوزيرة' }, { type: 'IMAGE', imageId, caption: null },
      { type: 'EMBED', provider: 'YOUTUBE', url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', embedUrl: 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ', video: true, posterImageId: imageId },
      { type: 'EMBED', provider: 'X', url: 'https://x.com/Hespress/status/1489673262000000000', embedUrl: 'https://platform.twitter.com/embed/Tweet.html?id=1489673262000000000', video: false, posterImageId: null },
    ] });
    blocksId = toGlobalId('Article', blocks.id);
  });
  afterAll(() => app.stop());

  /** Everything a client or a cache in front reads of an answer. */
  const answer = async (res: Response) => ({
    status: res.status,
    headers: Object.fromEntries(['content-type', 'cache-control', 'vary', 'etag', 'xkey', 'surrogate-key', 'cache-tag', 'x-khabar-sql-statements']
      .map((name) => [name, res.headers.get(name)])),
    body: await res.text(),
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('answers byte for byte as Apollo does, compiled or not (the same request registering a persisted query goes through Apollo)', async () => {
    const reads: [string, Record<string, unknown>?][] = [
      ['{ articles(first: 2) { edges { cursor node { id slug title publishedAt regions { code nameAr } people { slug nameAr } } } pageInfo { hasNextPage endCursor } } }'],
      ['query Page($slug: String!) { article(slug: $slug) { slug title tags body { __typename type text } category { slug } regions { code parent { code } } people { roleAr } } }',
        { slug: 'news-1' }],
      ['query A { regions { code } } query B($code: String!) { region(code: $code) { code nameAr articles(first: 2) { edges { node { slug } } } } }', { code: 'MA-04' }],
      ['{ person(slug: "awatif") { slug articles(first: 5) { edges { node { slug regions { code } } } } } }'],
      ['{ article(slug: "nowhere") { slug } }'],
      ['query ($all: Boolean!) { __typename articles(first: 3) { ...Links edges { node { title @include(if: $all) } } } } fragment Links on ArticleConnection { edges { node { slug } } }',
        { all: false }],
      ['{ __schema { queryType { name } types { name kind } } __type(name: "Article") { fields { name type { name kind ofType { name } } } } }'],
      ['{ articles(first: 500) { edges { node { slug } } } }'],
      // Bench Q2, then every kind of body block (the ArticleBlock interface), then the Node interface.
      [`query Q2($slug: String!) { article(slug: $slug) { slug title kicker summary publishedAt tags body { type text } category { slug nameAr }
        regions { code nameAr parent { code nameAr } } people { slug nameAr roleAr } } }`, { slug: 'blocks' }],
      [`query ($slug: String!) { article(slug: $slug) { body { __typename type text ... on TextBlock { type }
        ... on ImageBlock { caption image { alt caption credit width } } ... on EmbedBlock { provider url embedUrl video posterImage { alt } } } } }`,
        { slug: 'blocks' }],
      ['query ($id: ID!) { node(id: $id) { __typename id ... on Article { slug body { __typename text } } } }', { id: blocksId }],
      // A field that tags its answer by its arguments (the Hijri date line's HijriMonth), its default argument included.
      ['{ articles(first: 2) { edges { node { slug displayDate hijri: displayDate(calendar: HIJRI) } } } }'],
      ['{ articles(first: 2) { edges { node { slug displayDate } } } }'],
    ];
    for (const [query, variables] of reads) {
      const operationName = query.startsWith('query A') ? 'B' : undefined;
      // Its first runs go through graphql-js, the later ones compiled (graphql-jit): both are compared.
      Object.assign(mockJit, { answered: 0, failed: 0 });
      for (let run = 0; run <= COMPILE_AFTER; run += 1) {
        const headers: Record<string, string> = run % 2 ? { accept: 'application/graphql-response+json' } : {};
        const direct = await answer(await post({ query, variables, operationName }, headers));
        const throughApollo = await answer(await post({ query, variables, operationName, extensions: persisted(query) }, headers));
        expect(direct).toEqual(throughApollo);
      }
      // The last two runs were compiled and answered there (the refused read's compiled runs report its error).
      expect(mockJit).toEqual(query === reads[7][0] ? { answered: 0, failed: 2 } : { answered: 2, failed: 0 });
    }
    const tagsOf = async (query: string) => (await answer(await post({ query }))).headers.xkey!.split(' ');
    expect(await tagsOf(reads.at(-2)![0])).toContain('HijriMonth');
    expect(await tagsOf(reads.at(-1)![0])).not.toContain('HijriMonth');
    const front = await answer(await post({ query: reads[0][0] }));
    expect(front.headers).toMatchObject({ 'cache-control': expect.stringMatching(/^public, max-age=\d+$/), 'x-khabar-sql-statements': '1' });
    expect(front.body.endsWith('}\n')).toBe(true);
    const refused = JSON.parse((await answer(await post({ query: reads[7][0] }))).body);
    expect(refused.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers GET reads as before, a repeated parameter refused by Apollo', async () => {
    const query = '{ article(slug: "news-0") { slug people { slug } } }';
    const get = await fetch(getUrl(app, { query }), { headers: { 'apollo-require-preflight': '1' } });
    expect(get.status).toBe(200);
    expect(get.headers.get('cache-control')).toMatch(/^public/);
    expect(await get.text()).toBe(`${JSON.stringify({ data: { article: { slug: 'news-0', people: [{ slug: 'awatif' }] } } })}\n`);
    const repeated = await fetch(`${getUrl(app, { query })}&query=${encodeURIComponent('{ __typename }')}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(repeated.status).toBe(400);
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
