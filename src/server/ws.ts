import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, handleProtocols, Server } from 'graphql-ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { FORBIDDEN_CLOSE } from './ws-operations';

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

/** What a graphql-ws server is handed with each connection: its socket and the client's address. */
export interface SocketExtra extends Record<PropertyKey, unknown> {
  socket: WebSocket;
  address: string;
}

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

/** What the binding keeps per connection: no upgrade request, no timer of its own (one heartbeat serves them all). */
interface Socket {
  socket: WebSocket;
  /** Answered the last ping. */
  alive: boolean;
  /** Which tick of the heartbeat pings it: pings are spread over the interval, not sent in one burst. */
  slot: number;
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
  const sockets = new Set<Socket>();
  const connectionsByAddress = new Map<string, number>();
  let draining = false;
  let connectionCount = 0;

  /** graphql-ws' ws binding, without keeping the upgrade request and with one heartbeat timer for all connections. */
  const serve = (socket: WebSocket, address: string) => {
    const entry: Socket = { socket, alive: true, slot: connectionCount++ % HEARTBEAT_SLOTS };
    sockets.add(entry);
    socket.on('pong', () => {
      entry.alive = true;
    });
    socket.once('error', (error) => {
      logger.warn({ err: error, address }, 'live connection failed');
      // ws is already closing with the code the error calls for (1007, 1009, …): cutting the socket now could lose
      // that close frame, so it is cut only if the client never answers.
      setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    });
    const closed = graphqlWs.opened({
      protocol: socket.protocol,
      send: (data) => new Promise<void>((resolve, reject) => {
        if (socket.readyState !== WebSocket.OPEN) return resolve();
        socket.send(data, (error) => (error ? reject(error) : resolve()));
      }),
      close: (code, reason) => socket.close(code, reason),
      onMessage: (handle) => socket.on('message', async (data) => {
        try {
          await handle(String(data));
        } catch (error) {
          logger.error({ err: error, address }, 'unexpected error on a live connection');
          socket.close(CloseCode.InternalServerError, 'Internal server error');
        }
      }),
    }, { socket, address } as E);
    socket.once('close', (code, reason) => {
      sockets.delete(entry);
      void closed(code, String(reason));
    });
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
    socket.on('error', () => socket.destroy());
    if (new URL(request.url ?? '/', 'http://khabar').pathname !== '/graphql') return refuse(socket, '404 Not Found');
    if (draining) return refuse(socket, '503 Service Unavailable');
    const address = deps.clientAddress(request) ?? 'unknown';
    wss.handleUpgrade(request, socket, head, (ws) => {
      const count = (connectionsByAddress.get(address) ?? 0) + 1;
      connectionsByAddress.set(address, count);
      ws.once('close', () => {
        const left = connectionsByAddress.get(address)! - 1;
        if (left > 0) connectionsByAddress.set(address, left);
        else connectionsByAddress.delete(address);
      });
      if (limits.maxConnectionsPerIp > 0 && count > limits.maxConnectionsPerIp) {
        ws.close(LIVE_CLOSE.tooManyConnections, 'Too many connections from your address; try again later');
        return;
      }
      serve(ws, address);
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
