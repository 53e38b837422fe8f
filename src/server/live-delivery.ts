import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import type { SharedResults } from './prepared-operations';

/**
 * graphql-ws' `next` message as graphql-ws writes it (`JSON.stringify({ id, type: 'next', payload })`), in two parts:
 * the head names the subscription, the tail carries the payload. Subscribers who share a result share its tail, so an
 * event is serialized once for all of them and each frame is the subscriber's head spliced onto the same bytes.
 */
export function nextMessageHead(id: string): string {
  return `{"id":${JSON.stringify(id)}`;
}

export function nextMessageTail(payload: object): Buffer {
  return Buffer.from(`,"type":"next","payload":${JSON.stringify(payload)}}`);
}

const NO_PREFIX = Buffer.alloc(0);

/**
 * The message `head` + `tail`, byte for byte what graphql-ws would have sent, after `prefix` (the transport's frame
 * header: one buffer, so a frame leaves in one plain write).
 */
export function nextMessage(head: string, headBytes: number, tail: Buffer, prefix: Buffer = NO_PREFIX): Buffer {
  const message = Buffer.allocUnsafe(prefix.length + headBytes + tail.length);
  prefix.copy(message, 0);
  message.write(head, prefix.length, headBytes, 'utf8');
  tail.copy(message, prefix.length + headBytes);
  return message;
}

/** Where a subscription's messages go: the connection (./ws.ts). */
export interface TextFrameSink {
  /**
   * Writes the message `head` + `tail` (`nextMessage`) as one text frame. `more`: another frame of this subscription
   * is at hand, and goes out in the same write. Returns a promise (resolved once the frame is written or the
   * connection is gone) when the client is behind.
   */
  sendText(head: string, headBytes: number, tail: Buffer, more: boolean): Promise<void> | undefined;
}

export type FormatErrors = (errors: readonly GraphQLError[], requestId: string) => GraphQLFormattedError[];

/** The `payload` graphql-ws sends for a result, with our `onNext`'s error formatting (./ws-operations.ts). */
export function nextPayload(result: ExecutionResult, id: string, format: FormatErrors): object {
  return result.errors ? { ...result, errors: format(result.errors, `ws-${id}`) } : { ...result };
}

/** Serialized tails of shared results without errors, kept as long as the result (the event) is. */
const tails = new WeakMap<ExecutionResult, Buffer>();

function tailOf(result: ExecutionResult, id: string, format: FormatErrors): Buffer {
  // Errors are formatted (and logged) per subscriber, with their request id: serialized for each.
  if (result.errors) return nextMessageTail(nextPayload(result, id, format));
  let tail = tails.get(result);
  if (!tail) {
    tail = nextMessageTail(nextPayload(result, id, format));
    tails.set(result, tail);
  }
  return tail;
}

/**
 * A subscription's results, written straight to its connection: what graphql-ws iterates in their place never yields
 * (it ends when the subscription does, or throws its error), so graphql-ws still answers `complete`, errors and
 * closes, while each event is serialized once for the subscribers sharing its result, and events already at hand
 * for one subscriber leave in one write. A client that does not read holds at most what the connection buffers
 * (./ws.ts), then its stream waits at its position.
 */
export class DirectDelivery<T> implements AsyncIterableIterator<never> {
  private readonly head: string;
  private readonly headBytes: number;

  constructor(private readonly results: SharedResults<T>, private readonly id: string, private readonly sink: TextFrameSink,
    private readonly format: FormatErrors) {
    this.head = nextMessageHead(id);
    this.headBytes = Buffer.byteLength(this.head);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<never>> {
    const { results } = this;
    for (;;) {
      const item = await results.source.next();
      if (item.done) return { value: undefined, done: true };
      let result = results.map(item.value);
      if (result instanceof Promise) result = await result;
      const behind = this.sink.sendText(this.head, this.headBytes, tailOf(result, this.id, this.format), results.ready());
      if (behind) await behind;
    }
  }

  return(): Promise<IteratorResult<never>> {
    return this.results.return();
  }

  throw(error?: unknown): Promise<IteratorResult<never>> {
    return this.results.throw(error);
  }
}
