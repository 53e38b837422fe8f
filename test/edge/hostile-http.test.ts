import { Writable } from 'node:stream';
import zlib from 'node:zlib';
import pino from 'pino';
import WebSocket from 'ws';
import { startTestApp, TestApp } from '../support/test-app';
import { tablesChecksum } from '../support/hostile';
import { errorCodesOf, rawRequest } from '../support/raw-http';

/**
 * Hostile bodies and headers (docs/reliability.md): what is not a GraphQL request over HTTP gets a coded refusal in
 * the GraphQL response shape, is never decoded into something else, logs no unexpected error and changes nothing.
 */
describe('hostile HTTP requests', () => {
  let app: TestApp;
  let editor: string;
  const logged: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logged.push(JSON.parse(line));
        done();
      },
    });
    app = await startTestApp({}, { logger: pino({ level: 'warn' }, sink) });
    editor = await app.token('EDITOR');
  });
  afterAll(() => app.stop());

  const JSON_TYPE = { 'content-type': 'application/json' };
  const PUSH = '{"query": "mutation { pushBreakingNews(input: { headline: \\"عاجل من الرباط\\", urgency: 1 }) { id } }"}';
  const utf8Broken = Buffer.concat([
    Buffer.from('{"query": "mutation($h: String!) { pushBreakingNews(input: { headline: $h, urgency: 1 }) { id } }", "variables": {"h": "عاجل '),
    Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' من الرباط"}}'),
  ]);

  it.each<[string, { method?: string; headers?: Record<string, string>; body?: Buffer | string }, number, string]>([
    ['malformed JSON', { headers: JSON_TYPE, body: '{"query": ' }, 400, 'BAD_REQUEST'],
    ['bytes that are not UTF-8 (never read as U+FFFD)', { headers: JSON_TYPE, body: utf8Broken }, 400, 'BAD_REQUEST'],
    ['JSON declared as Latin-1', { headers: { 'content-type': 'application/json; charset=latin1' }, body: PUSH }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['JSON declared as UTF-16', { headers: { 'content-type': 'application/json; charset=utf-16' }, body: PUSH }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a broken gzip stream', { headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: PUSH }, 400, 'BAD_REQUEST'],
    ['an unknown Content-Encoding', { headers: { ...JSON_TYPE, 'content-encoding': 'zstd-x' }, body: PUSH }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a gzip bomb (1 MB of zeros inflating past the body limit)', {
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: zlib.gzipSync(Buffer.alloc(1024 * 1024, 0x20)),
    }, 413, 'PAYLOAD_TOO_LARGE'],
    ['JSON null', { headers: JSON_TYPE, body: 'null' }, 400, 'BAD_REQUEST'],
    ['a JSON string', { headers: JSON_TYPE, body: '"mutation { x }"' }, 400, 'BAD_REQUEST'],
    ['an empty body', { headers: JSON_TYPE, body: '' }, 400, 'BAD_REQUEST'],
    ['an empty batch', { headers: JSON_TYPE, body: '[]' }, 400, 'BAD_REQUEST'],
    ['a batch of numbers', { headers: JSON_TYPE, body: '[1, 2]' }, 400, 'BAD_REQUEST'],
    ['a query that is not a string', { headers: JSON_TYPE, body: '{"query": {"$ne": 1}}' }, 400, 'BAD_REQUEST'],
    ['variables as a string', { headers: JSON_TYPE, body: '{"query": "{ __typename }", "variables": "{}"}' }, 400, 'BAD_REQUEST'],
    ['variables as an array', { headers: JSON_TYPE, body: '{"query": "{ __typename }", "variables": [1]}' }, 400, 'BAD_REQUEST'],
    ['an operation name that is not a string', { headers: JSON_TYPE, body: '{"query": "{ __typename }", "operationName": 5}' }, 400, 'BAD_REQUEST'],
    // A well-formed request GraphQL refuses: 200 with errors in application/json (GraphQL over HTTP).
    ['an unknown operation name', { headers: JSON_TYPE, body: '{"query": "{ __typename }", "operationName": "Nope"}' }, 200, 'OPERATION_RESOLUTION_FAILURE'],
    ['a persisted query of version 2', {
      headers: JSON_TYPE, body: '{"extensions": {"persistedQuery": {"version": 2, "sha256Hash": "abc"}}}',
    }, 400, 'BAD_REQUEST'],
    ['a persisted-query hash that is not one', {
      headers: JSON_TYPE, body: '{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": {"$gt": ""}}}}',
    }, 400, 'BAD_REQUEST'],
    ['XML', { headers: { 'content-type': 'application/xml', 'apollo-require-preflight': '1' }, body: '<query/>' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['application/graphql', { headers: { 'content-type': 'application/graphql', 'apollo-require-preflight': '1' }, body: '{ __typename }' },
      415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['text/plain from another site', { headers: { 'content-type': 'text/plain' }, body: PUSH }, 400, 'CSRF_REFUSED'],
    ['a form post', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=mutation' }, 400, 'CSRF_REFUSED'],
    ['no content type', { body: PUSH }, 400, 'CSRF_REFUSED'],
    ['PUT', { method: 'PUT', headers: JSON_TYPE, body: PUSH }, 405, 'BAD_REQUEST'],
    ['a mutation over GET', { method: 'GET', headers: { 'apollo-require-preflight': '1' } }, 405, 'BAD_REQUEST'],
    ['an Accept nothing here answers (refused before the mutation runs)', { headers: { ...JSON_TYPE, accept: 'application/xml' }, body: PUSH },
      406, 'NOT_ACCEPTABLE'],
    ['a body over the limit', { headers: JSON_TYPE, body: `{"query": "{ __typename }", "pad": "${'x'.repeat(600_000)}"}` }, 413, 'PAYLOAD_TOO_LARGE'],
  ])('%s: a coded refusal, nothing changed', async (_name, request, status, code) => {
    const before = await tablesChecksum(app);
    const search = request.method === 'GET' ? `?query=${encodeURIComponent('mutation { killTicker(id: "VGlja2VyOjE") { id } }')}` : '';
    const res = await rawRequest(app.url + search, { ...request, headers: { authorization: `Bearer ${editor}`, ...request.headers } });
    expect({ status: res.status, codes: errorCodesOf(res.body) }).toEqual({ status, codes: [code] });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(await tablesChecksum(app)).toEqual(before);
  });

  it('takes a UTF-8 body with or without charset, with a byte-order mark, or gzipped', async () => {
    const typename = '{"query": "{ __typename }"}';
    for (const [headers, body] of [
      [{ 'content-type': 'application/json; charset=UTF-8' }, typename],
      [JSON_TYPE, `\ufeff${typename}`],
      [{ ...JSON_TYPE, 'content-encoding': 'gzip' }, zlib.gzipSync(typename)],
    ] as const) {
      const res = await rawRequest(app.url, { headers, body });
      expect({ status: res.status, body: JSON.parse(res.body) }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    }
  });

  it.each<[string, string, string, number, string]>([
    ['a body that is not multipart', 'multipart/form-data; boundary=x', 'garbage', 400, 'BAD_REQUEST'],
    ['no boundary', 'multipart/form-data', 'garbage', 400, 'BAD_REQUEST'],
    ['operations that are not JSON', 'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query": \r\n--x\r\nContent-Disposition: form-data; name="map"\r\n\r\n{}\r\n--x--\r\n',
      400, 'BAD_REQUEST'],
    ['a map pointing into the prototype', 'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query": "{ __typename }", "variables": {}}\r\n'
      + '--x\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0": ["__proto__.polluted", "constructor.prototype.polluted"]}\r\n'
      + '--x\r\nContent-Disposition: form-data; name="0"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\nxx\r\n--x--\r\n',
      400, 'BAD_REQUEST'],
  ])('an upload with %s: a coded refusal, no prototype touched', async (_name, contentType, body, status, code) => {
    const res = await rawRequest(app.url, {
      headers: { 'content-type': contentType, 'apollo-require-preflight': '1', authorization: `Bearer ${editor}` }, body,
    });
    expect({ status: res.status, codes: errorCodesOf(res.body) }).toEqual({ status, codes: [code] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const INIT = '{"type": "connection_init"}';

  /** Sends raw frames on a fresh graphql-ws connection; what came back until it closed or went quiet. */
  async function frames(sent: (string | Buffer)[], { binaryLast = false } = {}): Promise<{ messages: any[]; close: number | null }> {
    const socket = new WebSocket(app.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const messages: any[] = [];
    let close: number | null = null;
    await new Promise((resolve) => socket.once('open', resolve));
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    const closed = new Promise<void>((resolve) => socket.once('close', (code) => {
      close = code;
      resolve();
    }));
    // Buffers go as text frames as they are (ws would not check them), unless the last is asked to be binary.
    for (const [i, frame] of sent.entries()) {
      socket.send(frame, { binary: binaryLast && i === sent.length - 1 });
      // What follows a connection_init is sent once it is acknowledged, as graphql-ws asks (4401 otherwise).
      if (frame === INIT && i < sent.length - 1) {
        await Promise.race([closed, new Promise<void>((resolve) => socket.on('message', (data) => String(data).includes('connection_ack') && resolve()))]);
      }
    }
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    socket.terminate();
    return { messages, close };
  }

  it.each<[string, (string | Buffer)[], number]>([
    ['a frame that is not JSON', ['{"type": '], 4400],
    ['an unknown message type', ['{"type": "nope"}'], 4400],
    ['a subscribe before connection_init', ['{"type": "subscribe", "id": "1", "payload": {"query": "{ __typename }"}}'], 4401],
    ['a connection_init whose payload is not an object', ['{"type": "connection_init", "payload": "x"}'], 4400],
    ['an authorization that is not a string', ['{"type": "connection_init", "payload": {"authorization": {"$ne": null}}}'], 4403],
    ['an authorization that is not a token', ['{"type": "connection_init", "payload": {"authorization": "Bearer \\u0000"}}'], 4403],
    ['a raw NUL byte inside a JSON string', ['{"type": "connection_init", "payload": {"authorization": "Bearer \u0000"}}'], 4400],
    ['a second connection_init', [INIT, INIT], 4429],
    ['a subscribe whose query is not a string', [INIT, '{"type": "subscribe", "id": "1", "payload": {"query": 5}}'], 4400],
    ['a subscribe whose id is not a string', [INIT, '{"type": "subscribe", "id": {"a": 1}, "payload": {"query": "{ __typename }"}}'], 4400],
    ['bytes that are not UTF-8 in a text frame', [INIT, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])], 1007],
  ])('graphql-ws: %s closes the connection with its documented code', async (_name, sent, code) => {
    const before = await tablesChecksum(app);
    const raw = await frames(sent);
    expect({ close: raw.close, messages: raw.messages }).toEqual({ close: code, messages: expect.anything() });
    expect(await tablesChecksum(app)).toEqual(before);
  });

  it('graphql-ws: a binary frame is read as text, and a hostile variable gets an error message while the connection stays', async () => {
    const binary = await frames([INIT, Buffer.from('{"type": "ping"}')], { binaryLast: true });
    expect({ messages: binary.messages.map((m) => m.type).sort(), close: binary.close }).toEqual({ messages: ['connection_ack', 'pong'], close: null });
    const hostile = await frames([INIT, JSON.stringify({
      type: 'subscribe', id: '1', payload: { query: 'subscription($a: String) { breakingNews(after: $a) { cursor } }', variables: { a: 'x\u0000' } },
    })]);
    expect({ messages: hostile.messages, close: hostile.close }).toEqual({
      messages: [{ type: 'connection_ack' }, {
        type: 'error', id: '1', payload: [{ message: 'after must not contain NUL bytes', extensions: { code: 'BAD_USER_INPUT', field: 'after' } }],
      }],
      close: null,
    });
  });

  it('graphql-ws: variables of the wrong type and unknown operation names get the codes HTTP gives them, not a masked error', async () => {
    const subscribe = (id: string, payload: object) => JSON.stringify({ type: 'subscribe', id, payload });
    const { messages, close } = await frames([INIT,
      subscribe('1', { query: 'query($n: Int) { articles(first: $n) { totalCount } }', variables: { n: 1e300 } }),
      subscribe('2', { query: 'mutation($n: Int!) { issueToken(role: EDITOR, name: "x", expiresInHours: $n) }', variables: { n: null } }),
      subscribe('3', { query: 'subscription($c: [String!]) { breakingNews(regionCodes: $c) { cursor } }', variables: { c: [1.5] } }),
      subscribe('4', { query: 'query A { __typename } query B { __typename }', operationName: 'C' }),
    ]);
    const errors = messages.filter((m) => m.type === 'error').map((m) => [m.id, m.payload.map((e: any) => e.extensions.code)]);
    expect({ errors: errors.sort(), close }).toEqual({
      errors: [['1', ['BAD_USER_INPUT']], ['2', ['BAD_USER_INPUT']], ['3', ['BAD_USER_INPUT']], ['4', ['OPERATION_RESOLUTION_FAILURE']]], close: null,
    });
  });

  it('graphql-ws: a frame over 64 KiB amid others still closes with 1009, the close frame not lost', async () => {
    const big = JSON.stringify({ type: 'subscribe', id: '1', payload: { query: '{ __typename }', variables: { x: 'x'.repeat(70_000) } } });
    const raw = await frames([INIT, big, '{"type": "ping"}', Buffer.from([0xff]), '{"type": "ping"}']);
    expect(raw.close).toBe(1009);
  });

  it('logged no unexpected error for any of it', () => {
    expect(logged.filter((line) => line.level >= 50)).toEqual([]);
  });
});
