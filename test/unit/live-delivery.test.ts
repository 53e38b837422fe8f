import { ExecutionResult, GraphQLError } from 'graphql';
import { MessageType, stringifyMessage } from 'graphql-ws';
import { DirectDelivery, FormatErrors, nextMessage, nextMessageHead, nextMessageTail, nextPayload, TextFrameSink } from '../../src/server/live-delivery';
import { SharedResults } from '../../src/server/prepared-operations';
import { textFrameHeader } from '../../src/server/ws';
import * as ws from 'ws';

/** ws' own frame parser (exported at run time, not in its type definitions). */
const { Receiver } = ws as unknown as { Receiver: new (options: object) => NodeJS.EventEmitter & { write(chunk: Buffer): boolean } };

/** What graphql-ws itself sends for a result (its `next` with our onNext's formatting). */
const graphqlWsNext = (id: string, result: ExecutionResult, format: FormatErrors) => stringifyMessage({
  id, type: MessageType.Next, payload: nextPayload(result, id, format) as ExecutionResult,
});

const spliced = (id: string, payload: object) => {
  const head = nextMessageHead(id);
  return nextMessage(head, Buffer.byteLength(head), nextMessageTail(payload)).toString();
};

const format: FormatErrors = (errors, requestId) => errors.map((error) => ({ message: error.message, extensions: { requestId } }));

/** A sink that records what it is handed; `behind` makes it answer with a promise the test resolves. */
function recordingSink() {
  const frames: { text: string; more: boolean }[] = [];
  let release: (() => void) | null = null;
  const sink: TextFrameSink & { behind: boolean } = {
    behind: false,
    sendText(head, headBytes, tail, more) {
      frames.push({ text: nextMessage(head, headBytes, tail).toString(), more });
      return sink.behind ? new Promise<void>((resolve) => (release = resolve)) : undefined;
    },
  };
  return { sink, frames, release: () => release?.() };
}

/** An event stream over `events` (then waiting forever, or ending), ready while events are left, with one shared result per event. */
function results(events: number[], { end = true } = {}) {
  const shared = new Map(events.map((n) => [n, { data: { n, title: `خبر "${n}"` } } as ExecutionResult]));
  let index = 0;
  let returned = false;
  let wake: (() => void) | null = null;
  const source = {
    pulled: 0,
    async next(): Promise<IteratorResult<number>> {
      source.pulled += 1;
      if (index < events.length) return { value: events[index++], done: false };
      if (!end && !returned) await new Promise<void>((resolve) => (wake = resolve));
      return { value: undefined, done: true };
    },
    async return(): Promise<IteratorResult<number>> {
      returned = true;
      wake?.();
      return { value: undefined, done: true };
    },
    ready: () => index < events.length,
  };
  return { stream: new SharedResults<number>(source, (n) => shared.get(n)!), source, shared };
}

describe('live delivery', () => {
  it('splices each subscriber\'s id onto one serialized payload, byte for byte what graphql-ws sends', () => {
    const payload = { data: { breakingNews: { cursor: 'YnJlYWtpbmc6MQ', ticker: { headline: 'زلزال بقوة 5 درجات "عاجل" \\ \u2028', urgency: 1 } } } };
    for (const id of ['1', '8f6bd1e2-6a43-4f55-9b2e-12c4cbe6a0a1', 'quote"back\\slash', 'عربي', 'tab\tnew\nline\u0000']) {
      expect(spliced(id, payload)).toBe(graphqlWsNext(id, payload, format));
      expect(JSON.parse(spliced(id, payload))).toEqual({ id, type: 'next', payload });
    }
  });

  it('formats errors per subscriber (their request id), as graphql-ws with our onNext does', () => {
    const result: ExecutionResult = { errors: [new GraphQLError('gone', { path: ['breakingNews'] })], data: null };
    expect(nextPayload(result, 'a', format)).toEqual({ errors: [{ message: 'gone', extensions: { requestId: 'ws-a' } }], data: null });
    expect(spliced('a', nextPayload(result, 'a', format))).toBe(graphqlWsNext('a', result, format));
  });

  it('writes every event of the stream in order, telling the connection when more are at hand, and ends with it', async () => {
    const { stream } = results([1, 2, 3]);
    const { sink, frames } = recordingSink();
    const delivery = new DirectDelivery(stream, 'sub-1', sink, format);
    expect(await delivery.next()).toEqual({ value: undefined, done: true });
    expect(frames.map(({ text, more }) => [JSON.parse(text).payload.data.n, JSON.parse(text).id, more]))
      .toEqual([[1, 'sub-1', true], [2, 'sub-1', true], [3, 'sub-1', false]]);
  });

  it('gives subscribers of one result the same bytes but their id', async () => {
    const a = results([7]);
    const b = results([7]);
    const sinkA = recordingSink();
    const sinkB = recordingSink();
    // The same result object for both, as subscribers sharing an execution get it.
    const shared = a.shared.get(7)!;
    const streamB = new SharedResults<number>(b.source, () => shared);
    await new DirectDelivery(a.stream, 'a', sinkA.sink, format).next();
    await new DirectDelivery(streamB, 'bb', sinkB.sink, format).next();
    expect(sinkA.frames[0].text.slice('{"id":"a"'.length)).toBe(sinkB.frames[0].text.slice('{"id":"bb"'.length));
  });

  it('waits while the connection is behind before taking the next event', async () => {
    const { stream, source } = results([1, 2]);
    const { sink, frames, release } = recordingSink();
    sink.behind = true;
    const done = new DirectDelivery(stream, 's', sink, format).next();
    await new Promise((resolve) => setImmediate(resolve));
    expect([frames.length, source.pulled]).toEqual([1, 1]);
    sink.behind = false;
    release();
    await done;
    expect(frames.map(({ text }) => JSON.parse(text).payload.data.n)).toEqual([1, 2]);
  });

  it('ends a waiting stream on return (graphql-ws completes a subscription that way)', async () => {
    const { stream } = results([1], { end: false });
    const { sink, frames } = recordingSink();
    const delivery = new DirectDelivery(stream, 's', sink, format);
    const pending = delivery.next();
    await new Promise((resolve) => setImmediate(resolve));
    await delivery.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(frames).toHaveLength(1);
  });

  it('throws what the stream throws (graphql-ws sends it as the subscription\'s error)', async () => {
    const source = { next: () => Promise.reject(new Error('boom')), ready: () => false };
    const delivery = new DirectDelivery(new SharedResults<number>(source, () => ({ data: null })), 's', recordingSink().sink, format);
    await expect(delivery.next()).rejects.toThrow('boom');
  });

  it('frames each message as ws reads a text frame, whatever its length, header and message in one buffer', async () => {
    const head = nextMessageHead('عاجل-1');
    const headBytes = Buffer.byteLength(head);
    for (const length of [0, 125, 126, 300, 65_535, 65_536, 200_000]) {
      const tail = Buffer.alloc(length, 'a');
      const message = Buffer.concat([Buffer.from(head), tail]);
      const receiver = new Receiver({ isServer: false, maxPayload: 0 });
      const read = new Promise<[Buffer, boolean]>((resolve) => receiver.on('message', (data: Buffer, isBinary: boolean) => resolve([data, isBinary])));
      receiver.write(nextMessage(head, headBytes, tail, textFrameHeader(headBytes + length)));
      const [data, isBinary] = await read;
      expect([data.equals(message), isBinary]).toEqual([true, false]);
    }
  });
});
