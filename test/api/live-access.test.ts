import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { appendEvent } from '../../src/realtime/outbox';
import { startTestApp, STRICT_MEDIA_TYPE, TestApp } from '../support/test-app';
import { factories } from '../support/factories';
import { CloseInfo, connectLive, LiveConnection, streamsOpen, subscribe } from '../support/live';
import { eventually } from '../support/eventually';
import { A_BODY, CREATE, ok, PUBLISH, RETRACT } from '../support/editorial';

const BREAKING = 'subscription { breakingNews { kind ticker { headline } } }';
const ARTICLES = `subscription($regionCodes: [String!], $categorySlug: String, $lang: String) {
  articlePublished(regionCodes: $regionCodes, categorySlug: $categorySlug, lang: $lang) { kind articleId article { slug status } } }`;

/** A raw WebSocket speaking graphql-transport-ws, for what the official client would never send. */
function rawSocket(app: TestApp): { ws: WebSocket; closed: Promise<CloseInfo> } {
  const ws = new WebSocket(app.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const closed = new Promise<CloseInfo>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('error', () => undefined);
  return { ws, closed };
}

describe('live access: authentication, per-event authorization and limits', () => {
  let app: TestApp;
  let make: ReturnType<typeof factories>;
  const connections: LiveConnection[] = [];
  const connect = (options: Parameters<typeof connectLive>[1] = {}, on = app) => {
    const connection = connectLive(on, options);
    connections.push(connection);
    return connection;
  };
  const announce = (articleId: number, kind: string, regionCodes: string[] = []) =>
    app.khabar.db.transaction((tx) => appendEvent(tx, { topic: 'article', kind, entityId: articleId, regionCodes }));

  beforeAll(async () => {
    app = await startTestApp({
      live: { ...loadConfig({}).live, maxConnectionsPerIp: 6, maxSubscriptionsPerConnection: 2, initTimeoutMs: 200, keepAliveMs: 160 },
      schedulerIntervalMs: 100,
    });
    make = factories(app);
  });
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((c) => c.dispose()));
    await eventually(() => app.khabar.feed.streamCount === 0, { what: 'streams to close' });
  });
  afterAll(() => app.stop());

  it('refuses a bad token on connection_init with 4403 and a readable reason', async () => {
    for (const connectionParams of [{ authorization: 'Bearer not-a-token' }, { authorization: 42 }, { authorization: 'Basic abc' }]) {
      const refused = connect({ connectionParams });
      expect(await refused.closed()).toMatchObject({ code: 4403, reason: expect.stringMatching(/Invalid or expired token/) });
    }
  });

  it('closes an editor connection with 4403 when its token expires', async () => {
    const shortLived = await app.khabar.contextDeps.tokens.sign('EDITOR', 'brief editor', '1s');
    const connection = connect({ token: shortLived });
    subscribe(connection, BREAKING);
    await streamsOpen(app, 1);
    expect(await connection.closed()).toEqual({ code: 4403, reason: 'Token expired' });
  });

  it('lets readers hear of articles only while they may read them; editors hear of all', async () => {
    const editor = connect({ token: await app.token('EDITOR') });
    const reader = connect();
    const forEditor = subscribe(editor, ARTICLES);
    const forReader = subscribe(reader, ARTICLES);
    const kenitra = subscribe(reader, ARTICLES, { regionCodes: ['MA-04'], lang: 'fr' });
    await streamsOpen(app, 3);
    const published = await make.article({ slug: 'public-story', regionCodes: ['MA-KEN'], lang: 'fr' });
    const withdrawn = await make.article({ slug: 'withdrawn-story', status: 'DRAFT' });
    const archived = await make.article({ slug: 'archived-story', status: 'ARCHIVED', publishedAt: new Date(Date.now() - 60_000) });
    await announce(published.id, 'PUBLISHED', ['MA-KEN']);
    // Published, then taken back before the event reached anyone: readers must not learn of it.
    await announce(withdrawn.id, 'PUBLISHED');
    await announce(archived.id, 'ARCHIVED');
    const editorEvents = await forEditor.received(3);
    expect(editorEvents.map((e) => [e.articlePublished.kind, e.articlePublished.article?.slug])).toEqual([
      ['PUBLISHED', 'public-story'], ['PUBLISHED', 'withdrawn-story'], ['ARCHIVED', 'archived-story']]);
    const readerEvents = await forReader.received(2);
    expect(readerEvents.map((e) => [e.articlePublished.kind, e.articlePublished.articleId, e.articlePublished.article?.slug ?? null])).toEqual([
      ['PUBLISHED', published.globalId, 'public-story'], ['ARCHIVED', archived.globalId, null]]);
    expect((await kenitra.received(1)).map((e) => e.articlePublished.articleId)).toEqual([published.globalId]);
    await announce(published.id, 'CORRECTED', ['MA-KEN']);
    expect(await forReader.received(3)).toHaveLength(3);
    expect(forReader.results).toHaveLength(3);
    expect(kenitra.results).toHaveLength(2);
  });

  it('announces articles published, scheduled and retracted through the editorial mutations', async () => {
    const editor = await app.token('EDITOR');
    const reader = subscribe(connect(), ARTICLES, { regionCodes: ['MA-04'] });
    await streamsOpen(app, 1);
    const now = (await ok(app, CREATE, { input: { title: 'خبر من القنيطرة الآن', body: A_BODY, regionCodes: ['MA-KEN'] } }, editor)).createArticle;
    const later = (await ok(app, CREATE, { input: { title: 'خبر مبرمج من الرباط', body: A_BODY, regionCodes: ['MA-RAB'] } }, editor)).createArticle;
    const elsewhere = (await ok(app, CREATE, { input: { title: 'خبر من طنجة', body: A_BODY, regionCodes: ['MA-01'] } }, editor)).createArticle;
    await ok(app, PUBLISH, { id: now.id }, editor);
    await ok(app, PUBLISH, { id: elsewhere.id }, editor);
    await ok(app, PUBLISH, { id: later.id, at: new Date(Date.now() + 300).toISOString() }, editor);
    await ok(app, RETRACT, { id: now.id, note: 'سحب المقال لخطأ في المعلومات' }, editor);
    const events = (await reader.received(3)).map((e) => e.articlePublished);
    // The scheduled one lands whenever the scheduler gets to it; the others in commit order.
    expect(events.filter((e) => e.articleId === now.id).map((e) => e.kind)).toEqual(['PUBLISHED', 'RETRACTED']);
    expect(events.filter((e) => e.articleId === later.id)).toEqual([
      expect.objectContaining({ kind: 'PUBLISHED', article: expect.objectContaining({ slug: later.slug, status: 'PUBLISHED' }) })]);
    expect(events.some((e) => e.articleId === elsewhere.id)).toBe(false);
  });

  it('checks article subscription arguments', async () => {
    const connection = connect();
    for (const [variables, field] of [[{ categorySlug: 'nothing-here' }, 'categorySlug'], [{ lang: 'de' }, 'lang'], [{ regionCodes: ['MA-99'] }, 'regionCodes']] as const) {
      const bad = subscribe(connection, ARTICLES, variables);
      await eventually(() => bad.completed, { what: 'the subscription to complete' });
      expect(bad.results[0].errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('limits operations per connection with a LIMIT_EXCEEDED error, leaving the others running', async () => {
    const connection = connect();
    const kept = [subscribe(connection, BREAKING), subscribe(connection, BREAKING)];
    await streamsOpen(app, 2);
    const third = subscribe(connection, BREAKING);
    await eventually(() => third.error !== undefined, { what: 'the third subscription to be refused' });
    expect((third.error as { extensions: unknown }[])[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 2 });
    expect(kept.every((s) => !s.completed && s.error === undefined)).toBe(true);
  });

  it('closes with graphql-ws codes on protocol abuse: 4408 without init, 4401 before ack, 4400 garbage, 1009 too big', async () => {
    const silent = rawSocket(app);
    expect((await silent.closed).code).toBe(4408);
    const early = rawSocket(app);
    early.ws.on('open', () => early.ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: BREAKING } })));
    expect((await early.closed).code).toBe(4401);
    const garbage = rawSocket(app);
    garbage.ws.on('open', () => garbage.ws.send('{"type": "no such message"}'));
    expect((await garbage.closed).code).toBe(4400);
    const huge = rawSocket(app);
    huge.ws.on('open', () => huge.ws.send(JSON.stringify({ type: 'connection_init', payload: { padding: 'x'.repeat(70_000) } })));
    expect((await huge.closed).code).toBe(1009);
  });

  it('answers a syntax or validation error with an error message, keeping the connection', async () => {
    const connection = connect();
    const broken = subscribe(connection, 'subscription { breakingNews {');
    const unknown = subscribe(connection, 'subscription { breakingNews { nonsense } }');
    await eventually(() => broken.error !== undefined && unknown.error !== undefined, { what: 'both to be refused' });
    expect((broken.error as { message: string }[])[0].message).toMatch(/Syntax Error/);
    expect((unknown.error as { message: string }[])[0].message).toMatch(/Cannot query field "nonsense"/);
    const fine = subscribe(connection, BREAKING);
    await streamsOpen(app, 1);
    expect(connection.closes).toEqual([]);
    fine.stop();
  });

  it('cuts a connection that stops answering pings', async () => {
    const mute = new WebSocket(app.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { autoPong: false });
    const closed = new Promise<number>((resolve) => mute.on('close', (code) => resolve(code)));
    mute.on('open', () => mute.send(JSON.stringify({ type: 'connection_init' })));
    expect(await closed).toBe(1006);
    const answering = connect();
    subscribe(answering, BREAKING);
    await streamsOpen(app, 1);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(answering.closes).toEqual([]);
  });

  it('answers a subscription sent over HTTP with an error, not a hang', async () => {
    const res = await app.gql(BREAKING, undefined, STRICT_MEDIA_TYPE);
    expect(res.status).toBe(400);
    expect(res.errors).toEqual([expect.objectContaining({
      message: expect.stringMatching(/served over WebSocket/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]);
  });
  it('counts connections per client address behind a trusted proxy (X-Forwarded-For)', async () => {
    const behindProxy = await app.instance({ edge: { trustProxy: 1 } });
    const open = (forwardedFor: string) => new Promise<number | 'ack'>((resolve) => {
      const ws = new WebSocket(behindProxy.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { headers: { 'x-forwarded-for': forwardedFor } });
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
      ws.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'connection_ack') resolve('ack');
      });
      ws.on('close', (code) => resolve(code));
      ws.on('error', () => undefined);
    });
    try {
      const first = await Promise.all(Array.from({ length: 6 }, () => open('203.0.113.7')));
      expect(first).toEqual(Array(6).fill('ack'));
      expect(await open('203.0.113.7')).toBe(1013);
      expect(await open('198.51.100.23')).toBe('ack');
    } finally {
      await behindProxy.stop();
    }
  });

  // Last: the refused connections count against the address until the server sees them close.
  it('limits connections per address with 1013 (try again later)', async () => {
    const open = Array.from({ length: 6 }, () => connect());
    await Promise.all(open.map((c) => new Promise((resolve) => c.client.on('connected', resolve))));
    const extra = connect();
    expect(await extra.closed()).toMatchObject({ code: 1013, reason: expect.stringMatching(/Too many connections/) });
  });

});
