import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import { WebSocket, WebSocketServer } from 'ws';
import { decodeJwt } from 'jose';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { ContextDeps, makeContext } from '../context';
import { ANONYMOUS, Viewer } from '../auth/viewer';
import type { EventFeed } from './feed';
import type { LiveContext } from './live.resolver';
import { isSubscription, OperationCache, subscribeSharingResults } from './operations';
import { introspectionRefusal } from '../server/introspection';

/** Close codes of the live endpoint besides graphql-ws' own (4400 bad message, 4401 subscribe before init, 4408 init timeout, …). */
export const LIVE_CLOSE = {
  /** The server is shutting down: reconnect (to another instance) and resubscribe with your last cursor. */
  shuttingDown: 1001,
  /** Too many connections from one address: retry later. */
  tooManyConnections: 1013,
  /** The connection_init token is invalid, or has just expired: reconnect with a valid one. */
  forbidden: CloseCode.Forbidden,
} as const;

/** Subscription documents are small; anything bigger is not a client of ours (ws closes with 1009). */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** How long a drain waits for clients to acknowledge the close before cutting them off. */
const CLOSE_GRACE_MS = 2_000;
/** The heartbeat visits 1/16 of the connections per tick, so ten thousand pings never land at once on a push. */
const HEARTBEAT_SLOTS = 16;

interface LiveServerDeps {
  server: http.Server;
  schema: GraphQLSchema;
  contextDeps: ContextDeps;
  feed: EventFeed;
  config: Config;
  logger: Logger;
  /** The HTTP endpoint's error masking, applied to live results alike. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** The client's address, as the HTTP endpoint sees it (behind a trusted proxy, from X-Forwarded-For). */
  clientAddress(request: http.IncomingMessage): string | undefined;
}

/** What the server keeps per connection: no upgrade request, no timer of its own (one heartbeat serves them all). */
interface Connection extends Record<PropertyKey, unknown> {
  socket: WebSocket;
  viewer: Viewer;
  /** Answered the last ping. */
  alive: boolean;
  /** Which tick of the heartbeat pings it: pings are spread over the interval, not sent in one burst. */
  slot: number;
  expiry?: NodeJS.Timeout;
}

/**
 * graphql-ws on the HTTP server's `/graphql`: the viewer comes from `connection_init`'s `authorization`
 * ("Bearer <token>", as over HTTP; none for readers), with limits per address and per connection and a drain
 * that completes every subscription before closing with 1001.
 */
export function attachLiveServer(deps: LiveServerDeps): { stop(): Promise<void> } {
  const { server, schema, contextDeps, feed, config, logger, formatError } = deps;
  const limits = config.live;
  const wss = new WebSocketServer({
    noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false, clientTracking: false, handleProtocols,
  });
  const connections = new Set<Connection>();
  const connectionsByAddress = new Map<string, number>();
  const operations = new OperationCache(schema);
  let openOperations = 0;
  let draining = false;
  let connectionCount = 0;

  const format = (errors: readonly GraphQLError[], requestId: string) => errors.map((error) => {
    const formatted = formatError(error.toJSON(), error);
    if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ err: error.originalError ?? error, requestId, path: error.path }, 'unexpected error in a live operation');
    }
    return formatted;
  });

  const graphqlWs = makeServer<Record<string, unknown>, Connection>({
    schema,
    connectionInitWaitTimeout: limits.initTimeoutMs,
    onConnect: async (ctx) => {
      const authorization = ctx.connectionParams?.authorization;
      const { socket } = ctx.extra;
      try {
        if (authorization !== undefined && typeof authorization !== 'string') throw new Error('authorization must be a string');
        ctx.extra.viewer = await contextDeps.tokens.viewerFrom(authorization);
      } catch {
        socket.close(LIVE_CLOSE.forbidden, 'Invalid or expired token: connect with "authorization: Bearer <token>", or none to read');
        return false;
      }
      if (ctx.extra.viewer.role !== null) {
        // Editor rights end with the token: the client reconnects with a fresh one (connectionParams may be a function).
        const expiresInMs = (decodeJwt(authorization!.trim().split(/\s+/)[1]).exp ?? 0) * 1000 - Date.now();
        ctx.extra.expiry = setTimeout(() => socket.close(LIVE_CLOSE.forbidden, 'Token expired'), Math.min(Math.max(expiresInMs, 0), 2 ** 31 - 1));
      }
      return true;
    },
    onSubscribe: (ctx, _id, payload) => {
      if (limits.maxSubscriptionsPerConnection > 0 && Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
        return [new GraphQLError(`At most ${limits.maxSubscriptionsPerConnection} operations at a time on one connection.`, {
          extensions: { code: 'LIMIT_EXCEEDED', limit: limits.maxSubscriptionsPerConnection },
        })];
      }
      const prepared = operations.prepare(payload.query);
      if (!('document' in prepared)) return prepared;
      const refusal = introspectionRefusal(config, ctx.extra.viewer ?? ANONYMOUS, prepared.document);
      if (refusal) return [refusal];
      return { schema, document: prepared.document, operationName: payload.operationName, variableValues: payload.variables };
    },
    context: (ctx, id, _payload, args): LiveContext => {
      openOperations += 1;
      const { viewer } = ctx.extra;
      const requestId = `ws-${id}`;
      // A subscription resolves nothing until its first event, which brings its own loaders.
      return isSubscription(args)
        ? { requestId, viewer, feed, ...feed.baseScope(viewer) }
        : { ...makeContext(contextDeps, viewer, requestId), feed };
    },
    subscribe: (args) => subscribeSharingResults(args, operations, (args.contextValue as LiveContext).viewer),
    onComplete: () => {
      openOperations -= 1;
    },
    onNext: (_ctx, id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors, `ws-${id}`) } : undefined),
    onError: (_ctx, id, _payload, errors) => format(errors, `ws-${id}`),
  });

  /** graphql-ws' ws binding, without keeping the upgrade request and with one heartbeat timer for all connections. */
  const serve = (socket: WebSocket, address: string) => {
    const connection: Connection = { socket, viewer: ANONYMOUS, alive: true, slot: connectionCount++ % HEARTBEAT_SLOTS };
    connections.add(connection);
    socket.on('pong', () => {
      connection.alive = true;
    });
    socket.once('error', (error) => {
      logger.warn({ err: error, address }, 'live connection failed');
      socket.terminate();
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
    }, connection);
    socket.once('close', (code, reason) => {
      connections.delete(connection);
      clearTimeout(connection.expiry);
      void closed(code, String(reason));
    });
  };

  let tick = 0;
  const heartbeat = setInterval(() => {
    for (const connection of connections) {
      if (connection.slot !== tick) continue;
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
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
      // Completing the streams makes graphql-ws send `complete` for every subscription before the sockets close.
      feed.endStreams();
      await until(() => openOperations <= 0, CLOSE_GRACE_MS);
      const sockets = [...connections].map((c) => c.socket);
      const closed = sockets.map((socket) => new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(LIVE_CLOSE.shuttingDown, 'Server shutting down: resubscribe with your last cursor');
      }));
      const cutOff = setTimeout(() => sockets.forEach((socket) => socket.terminate()), CLOSE_GRACE_MS);
      await Promise.all(closed);
      clearTimeout(cutOff);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** For the HTTP endpoint: a subscription sent as a POST gets a 400 that says where subscriptions live. */
export const subscriptionsOnlyOverWebSocket: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(new GraphQLError('Subscriptions are served over WebSocket (graphql-ws protocol) on this same /graphql URL.', { nodes: node }));
    }
  },
});
