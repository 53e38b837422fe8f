import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, handleProtocols, Server, WebSocket as GraphqlWsSocket } from 'graphql-ws';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { FORBIDDEN_CLOSE } from './ws-operations';
import { nextMessage, type TextFrameSink } from './live-delivery';

/** Close codes of the live endpoint besides graphql-ws' own (4400 bad message, 4401 subscribe before init, 4408 init timeout, …). */
export const LIVE_CLOSE = {
  /** The server is shutting down: reconnect (to another instance) and resubscribe with your last cursor. */
  shuttingDown: 1001,
  /** Too many connections from one address: retry later. */
  tooManyConnections: 1013,
  /** The connection_init token is invalid, or has just expired: reconnect with a valid one. */
  forbidden: FORBIDDEN_CLOSE,
} as const;

/** Subscription documents are small; anything bigger is not a client of ours (ws closes with 1009). */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** How long a drain waits for operations to complete, then for clients to acknowledge the close, before cutting them off. */
const CLOSE_GRACE_MS = 2_000;
/** The heartbeat visits 1/16 of the connections per tick, so ten thousand pings never land at once on a push. */
const HEARTBEAT_SLOTS = 16;

/** What a graphql-ws server is handed with each connection: its socket, the client's address, and how events reach it. */
export interface SocketExtra extends Record<PropertyKey, unknown>, TextFrameSink {
  socket: WebSocket;
  address: string;
}

/** What a client may have waiting in its connection's buffer before its subscriptions wait for it to read. */
const BEHIND_BYTES = 8 * 1024;
/** Headers of unmasked final text frames by payload length (frames to the subscribers of one event share theirs). */
const textHeaders = new Map<number, Buffer>();
const MAX_KEPT_HEADERS = 4_096;

/** The header of a final, unmasked text frame of `length` bytes (RFC 6455 5.2; no extension is negotiated here). */
export function textFrameHeader(length: number): Buffer {
  let header = textHeaders.get(length);
  if (header) return header;
  if (length < 126) header = Buffer.from([0x81, length]);
  else if (length < 65_536) header = Buffer.from([0x81, 126, length >> 8, length & 0xff]);
  else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 127;
    header.writeUIntBE(length, 4, 6);
  }
  if (textHeaders.size >= MAX_KEPT_HEADERS) textHeaders.clear();
  textHeaders.set(length, header);
  return header;
}
/** The connection of a WebSocket, for the listeners every connection shares. */
const LIVE = Symbol('live connection');
type Bound = WebSocket & { [LIVE]: LiveSocket };
const liveOf = (socket: WebSocket) => (socket as Bound)[LIVE];

/** The sockets corked for events at hand, uncorked at the latest once the current events are handed out. */
const corked = new Set<LiveSocket>();
let uncorkScheduled = false;
const uncorkAll = () => {
  uncorkScheduled = false;
  for (const live of corked) live.uncork();
};

interface Deps<E extends SocketExtra> {
  server: http.Server;
  /** What is done with the messages (./ws-operations.ts). */
  graphqlWs: Server<E>;
  /** Completes what is running before the sockets close (at most the given time). */
  drain(timeoutMs: number): Promise<void>;
  limits: Pick<Config['live'], 'maxConnectionsPerIp' | 'keepAliveMs'>;
  logger: Logger;
  /** The client's address, as the HTTP endpoint sees it (behind a trusted proxy, from X-Forwarded-For). */
  clientAddress(request: http.IncomingMessage): string | undefined;
}

/** What every connection of one server shares. */
interface Binding {
  logger: Logger;
  sockets: Set<LiveSocket>;
  connectionsByAddress: Map<string, number>;
}

/**
 * One connection, in one object (ten thousand of them are held at once): graphql-ws' view of the socket, what its
 * server keeps of it (`extra`), and what the heartbeat needs; the listeners on the socket are shared by all.
 */
class LiveSocket implements GraphqlWsSocket, TextFrameSink {
  [key: PropertyKey]: unknown;
  /** Answered the last ping. */
  alive = true;
  private isCorked = false;
  private handle: ((data: string) => Promise<void>) | null = null;
  /** What graphql-ws does when the socket closes. */
  closed: ((code?: number, reason?: string) => Promise<void>) | null = null;

  constructor(
    readonly socket: WebSocket,
    /** The TCP socket under it: corked while several frames of one subscription are written together. */
    private readonly raw: Duplex,
    readonly address: string,
    /** Which tick of the heartbeat pings it: pings are spread over the interval, not sent in one burst. */
    readonly slot: number,
    readonly binding: Binding,
  ) {
    (socket as Bound)[LIVE] = this;
    socket.on('pong', onPong);
    socket.on('error', onError);
    socket.on('close', onClose);
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> {
    const { socket } = this;
    return new Promise<void>((resolve, reject) => {
      if (socket.readyState !== WebSocket.OPEN) return resolve();
      socket.send(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.handle = handle;
    this.socket.on('message', onMessage);
  }

  /**
   * Frames written to the TCP socket here, not through ws' sender: its work per frame (a header allocated, a cork and
   * a two-buffer write of its own) was paid ten thousand times per event. ws never writes in the middle of a frame
   * (no compression is negotiated), so its own frames (pongs, close) fall between ours.
   */
  sendText(head: string, headBytes: number, tail: Buffer, more: boolean): Promise<void> | undefined {
    const { socket, raw } = this;
    if (socket.readyState !== WebSocket.OPEN) return undefined;
    const length = headBytes + tail.length;
    // Header and message in one buffer: one plain write, no cork and writev of two pieces per subscriber.
    const frame = nextMessage(head, headBytes, tail, textFrameHeader(length));
    // A client that is behind gets this frame with what waits, and its subscription waits until it is written.
    if (socket.bufferedAmount + length > BEHIND_BYTES) {
      const written = new Promise<void>((resolve) => raw.write(frame, () => resolve()));
      this.uncork();
      return written;
    }
    // With more to come, the socket stays corked until the events at hand are out (at the latest until the current
    // ones are handed out).
    if (more && !this.isCorked) {
      raw.cork();
      this.isCorked = true;
      corked.add(this);
      if (!uncorkScheduled) {
        uncorkScheduled = true;
        setImmediate(uncorkAll);
      }
    }
    raw.write(frame);
    if (!more) this.uncork();
    return undefined;
  }

  uncork(): void {
    if (!this.isCorked) return;
    this.isCorked = false;
    corked.delete(this);
    this.raw.uncork();
  }

  received(data: RawData): void {
    // Not awaited here: a subscription's handling lasts as long as the subscription, and holds nothing of the message.
    this.handle?.(String(data)).catch((error) => {
      this.binding.logger.error({ err: error, address: this.address }, 'unexpected error on a live connection');
      this.socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
  }
}

function onMessage(this: WebSocket, data: RawData): void {
  liveOf(this).received(data);
}

function onPong(this: WebSocket): void {
  liveOf(this).alive = true;
}

function onError(this: WebSocket, error: Error): void {
  const live = liveOf(this);
  live.binding.logger.warn({ err: error, address: live.address }, 'live connection failed');
  // ws is already closing with the code the error calls for (1007, 1009, …): cutting the socket now could lose
  // that close frame, so it is cut only if the client never answers.
  setTimeout(() => this.terminate(), CLOSE_GRACE_MS).unref();
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const live = liveOf(this);
  const { sockets, connectionsByAddress } = live.binding;
  live.uncork();
  sockets.delete(live);
  const left = connectionsByAddress.get(live.address)! - 1;
  if (left > 0) connectionsByAddress.set(live.address, left);
  else connectionsByAddress.delete(live.address);
  void live.closed?.(code, String(reason));
}

function destroyOnError(this: Duplex): void {
  this.destroy();
}

/**
 * graphql-ws on the HTTP server's `/graphql`, as graphql-ws' own `use/ws` binds it, with a limit of connections per
 * address, one heartbeat for all connections, and a drain that completes every operation before closing with 1001.
 */
export function attachWebSocketServer<E extends SocketExtra>(deps: Deps<E>): { stop(): Promise<void> } {
  const { server, graphqlWs, limits, logger } = deps;
  const wss = new WebSocketServer({
    noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false, clientTracking: false, handleProtocols,
  });
  const binding: Binding = { logger, sockets: new Set(), connectionsByAddress: new Map() };
  const { sockets, connectionsByAddress } = binding;
  let draining = false;
  let connectionCount = 0;

  /** graphql-ws' ws binding, without keeping the upgrade request and with one heartbeat timer for all connections. */
  const serve = (socket: WebSocket, raw: Duplex, address: string) => {
    const live = new LiveSocket(socket, raw, address, connectionCount++ % HEARTBEAT_SLOTS, binding);
    sockets.add(live);
    live.closed = graphqlWs.opened(live, live as unknown as E);
  };

  let tick = 0;
  const heartbeat = setInterval(() => {
    for (const entry of sockets) {
      if (entry.slot !== tick) continue;
      if (!entry.alive) {
        entry.socket.terminate();
        continue;
      }
      entry.alive = false;
      entry.socket.ping();
    }
    tick = (tick + 1) % HEARTBEAT_SLOTS;
  }, Math.max(1, Math.round(limits.keepAliveMs / HEARTBEAT_SLOTS)));

  const refuse = (socket: Duplex, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroyOnError);
    if (new URL(request.url ?? '/', 'http://khabar').pathname !== '/graphql') return refuse(socket, '404 Not Found');
    if (draining) return refuse(socket, '503 Service Unavailable');
    const address = deps.clientAddress(request) ?? 'unknown';
    wss.handleUpgrade(request, socket, head, (ws) => {
      const count = (connectionsByAddress.get(address) ?? 0) + 1;
      connectionsByAddress.set(address, count);
      if (limits.maxConnectionsPerIp > 0 && count > limits.maxConnectionsPerIp) {
        ws.once('close', () => {
          const left = connectionsByAddress.get(address)! - 1;
          if (left > 0) connectionsByAddress.set(address, left);
          else connectionsByAddress.delete(address);
        });
        ws.close(LIVE_CLOSE.tooManyConnections, 'Too many connections from your address; try again later');
        return;
      }
      serve(ws, socket, address);
    });
  };
  server.on('upgrade', onUpgrade);

  return {
    async stop() {
      draining = true;
      server.off('upgrade', onUpgrade);
      clearInterval(heartbeat);
      await deps.drain(CLOSE_GRACE_MS);
      const open = [...sockets].map((entry) => entry.socket);
      const closed = open.map((socket) => new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(LIVE_CLOSE.shuttingDown, 'Server shutting down: resubscribe with your last cursor');
      }));
      const cutOff = setTimeout(() => open.forEach((socket) => socket.terminate()), CLOSE_GRACE_MS);
      await Promise.all(closed);
      clearTimeout(cutOff);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
