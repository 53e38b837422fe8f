import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, GraphQLFormattedError, GraphQLSchema, ValidationRule } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { decodeJwt } from 'jose';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { ContextDeps, makeContext } from '../context';
import { ANONYMOUS, Viewer } from '../auth/viewer';
import type { EventFeed } from './feed';
import type { LiveContext } from './live.resolver';

/** Close codes of the live endpoint besides graphql-ws' own (4400 bad message, 4401 subscribe before init, 4408 init timeout, …). */
export const LIVE_CLOSE = {
  /** The server is shutting down: reconnect (to another instance) and resubscribe with your last cursor. */
  shuttingDown: 1001,
  /** A message larger than the limit (ws). */
  messageTooBig: 1009,
  /** Too many connections from one address: retry later. */
  tooManyConnections: 1013,
  /** The connection_init token is invalid, or has just expired: reconnect with a valid one. */
  forbidden: CloseCode.Forbidden,
} as const;

/** Subscription documents are small; anything bigger is not a client of ours. */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** How long a drain waits for clients to acknowledge the close before cutting them off. */
const CLOSE_GRACE_MS = 2_000;

interface LiveServerDeps {
  server: http.Server;
  schema: GraphQLSchema;
  contextDeps: ContextDeps;
  feed: EventFeed;
  config: Config;
  logger: Logger;
  /** The HTTP endpoint's error masking, applied to live results alike. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
}

interface ConnectionState extends Record<PropertyKey, unknown> {
  viewer: Viewer;
  expiry?: NodeJS.Timeout;
}

/**
 * graphql-ws on the HTTP server's `/graphql`: the viewer comes from `connection_init`'s `authorization`
 * ("Bearer <token>", as over HTTP; none for readers), with limits per address and per connection and a drain
 * that completes every subscription before closing with 1001.
 */
export function attachLiveServer({ server, schema, contextDeps, feed, config, logger, formatError }: LiveServerDeps): { stop(): Promise<void> } {
  const limits = config.live;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const connectionsByAddress = new Map<string, number>();
  let openOperations = 0;
  let draining = false;

  const refuse = (socket: Duplex, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (new URL(request.url ?? '/', 'http://khabar').pathname !== '/graphql') return refuse(socket, '404 Not Found');
    if (draining) return refuse(socket, '503 Service Unavailable');
    wss.handleUpgrade(request, socket, head, (ws) => {
      const address = request.socket.remoteAddress ?? 'unknown';
      const count = (connectionsByAddress.get(address) ?? 0) + 1;
      connectionsByAddress.set(address, count);
      ws.once('close', () => {
        const left = (connectionsByAddress.get(address) ?? 1) - 1;
        if (left > 0) connectionsByAddress.set(address, left);
        else connectionsByAddress.delete(address);
      });
      if (limits.maxConnectionsPerIp > 0 && count > limits.maxConnectionsPerIp) {
        ws.close(LIVE_CLOSE.tooManyConnections, 'Too many connections from your address; try again later');
        return;
      }
      wss.emit('connection', ws, request);
    });
  };
  server.on('upgrade', onUpgrade);

  const format = (errors: readonly GraphQLError[], requestId: string) => errors.map((error) => {
    const formatted = formatError(error.toJSON(), error);
    if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ err: error.originalError ?? error, requestId, path: error.path }, 'unexpected error in a live operation');
    }
    return formatted;
  });

  useServer<Record<string, unknown>, ConnectionState>({
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
    onSubscribe: (ctx) => {
      if (limits.maxSubscriptionsPerConnection > 0 && Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
        return [new GraphQLError(`At most ${limits.maxSubscriptionsPerConnection} operations at a time on one connection.`, {
          extensions: { code: 'LIMIT_EXCEEDED', limit: limits.maxSubscriptionsPerConnection },
        })];
      }
      return undefined;
    },
    context: (ctx, id): LiveContext => {
      openOperations += 1;
      return { ...makeContext(contextDeps, ctx.extra.viewer ?? ANONYMOUS, `ws-${id}`), feed };
    },
    onComplete: () => {
      openOperations -= 1;
    },
    onNext: (_ctx, id, _payload, _args, result) => (result.errors ? { ...result, errors: format(result.errors, `ws-${id}`) } : undefined),
    onError: (_ctx, id, _payload, errors) => format(errors, `ws-${id}`),
    onClose: (ctx) => clearTimeout(ctx.extra.expiry),
  }, wss, limits.keepAliveMs);

  return {
    async stop() {
      draining = true;
      server.off('upgrade', onUpgrade);
      // Completing the streams makes graphql-ws send `complete` for every subscription before the sockets close.
      feed.endStreams();
      await until(() => openOperations <= 0, CLOSE_GRACE_MS);
      const closed = [...wss.clients].map((ws) => new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(LIVE_CLOSE.shuttingDown, 'Server shutting down: resubscribe with your last cursor');
      }));
      const cutOff = setTimeout(() => wss.clients.forEach((ws) => ws.terminate()), CLOSE_GRACE_MS);
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
