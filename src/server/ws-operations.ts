import { ExecutionResult, getOperationAST, GraphQLError, GraphQLFormattedError, GraphQLSchema } from 'graphql';
import { CloseCode, makeServer, Server } from 'graphql-ws';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { Context, ContextDeps, makeContext } from '../context';
import { ANONYMOUS, isEditor, Viewer } from '../auth/viewer';
import type { EventFeed } from '../realtime/feed';
import type { LiveContext } from '../realtime/event-stream';
import { getVariableValues } from 'graphql/execution/values';
import { coded, isSubscription, OperationCache, SharedResults, subscribeSharingResults } from './prepared-operations';
import { DirectDelivery, nextPayload } from './live-delivery';
import { OperationPolicy, refusalError } from './operation-policy';
import type { SocketExtra } from './ws';

/** The connection_init token is invalid, or has just expired: reconnect with a valid one. */
export const FORBIDDEN_CLOSE = CloseCode.Forbidden;

/** What graphql-ws keeps per connection besides its socket: who is connected, until when, and how they are counted. */
interface Connection extends SocketExtra {
  viewer?: Viewer;
  /** The authorization the viewer was verified from: signed-in operations are rate-limited per token. */
  authorization?: string;
  expiry?: NodeJS.Timeout;
}

interface Deps {
  schema: GraphQLSchema;
  contextDeps: ContextDeps;
  feed: EventFeed;
  config: Config;
  logger: Logger;
  policy: OperationPolicy;
  /** The HTTP endpoint's error masking, applied to live results alike. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
}

export interface GraphqlWsOperations {
  server: Server<Connection>;
  /** Completes every subscription and waits (at most `timeoutMs`) until no operation is left running. */
  drain(timeoutMs: number): Promise<void>;
}

/**
 * What graphql-ws does with the messages of a connection: the viewer from `connection_init`'s `authorization`
 * ("Bearer <token>", as over HTTP; none for readers), closed when the token expires; every subscribe message
 * (query, mutation or subscription) through the operation policy, as over HTTP, and the per-connection limit;
 * one parse per distinct document and one execution per event for subscribers who cannot see different results.
 */
export function graphqlWsOperations(deps: Deps): GraphqlWsOperations {
  const { schema, contextDeps, feed, config, logger, policy, formatError } = deps;
  const limits = config.live;
  const operations = new OperationCache(schema);
  let openOperations = 0;

  const format = (errors: readonly GraphQLError[], requestId: string) => errors.map((error) => {
    const formatted = formatError(error.toJSON(), error);
    if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') {
      logger.error({ err: error.originalError ?? error, requestId, path: error.path }, 'unexpected error in a live operation');
    }
    return formatted;
  });

  const server = makeServer<Record<string, unknown>, Connection>({
    schema,
    connectionInitWaitTimeout: limits.initTimeoutMs,
    onConnect: async (ctx) => {
      const authorization = ctx.connectionParams?.authorization;
      const connection = ctx.extra;
      try {
        if (authorization !== undefined && typeof authorization !== 'string') throw new Error('authorization must be a string');
        connection.viewer = await contextDeps.tokens.viewerFrom(authorization);
      } catch {
        connection.socket.close(FORBIDDEN_CLOSE, 'Invalid or expired token: connect with "authorization: Bearer <token>", or none to read');
        return false;
      }
      const { viewer } = connection;
      if (isEditor(viewer)) {
        connection.authorization = authorization;
        // Editor rights end with the token: the client reconnects with a fresh one (connectionParams may be a function).
        const expiresInMs = Math.min(Math.max((viewer.expiresAt ?? 0) - Date.now(), 0), 2 ** 31 - 1);
        connection.expiry = setTimeout(() => connection.socket.close(FORBIDDEN_CLOSE, 'Token expired'), expiresInMs);
      }
      return true;
    },
    onClose: (ctx) => {
      clearTimeout(ctx.extra.expiry);
    },
    onSubscribe: async (ctx, _id, payload) => {
      if (limits.maxSubscriptionsPerConnection > 0 && Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
        return [new GraphQLError(`At most ${limits.maxSubscriptionsPerConnection} operations at a time on one connection.`, {
          extensions: { code: 'LIMIT_EXCEEDED', limit: limits.maxSubscriptionsPerConnection },
        })];
      }
      const { viewer = ANONYMOUS, authorization, address } = ctx.extra;
      const verdict = await policy.rateLimit({ address, authorization });
      const refused = verdict?.refusal ?? policy.checkDocument(payload.query, undefined);
      if (refused) return [refusalError(refused)];
      const prepared = operations.prepare(payload.query);
      if (!('document' in prepared)) return prepared;
      const operation = getOperationAST(prepared.document, payload.operationName);
      if (!operation) {
        return [new GraphQLError(payload.operationName ? `Unknown operation named "${payload.operationName}".` : 'Name the operation to run: the document holds several.',
          { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
      }
      const refusedOperation = policy.checkOperation(schema, prepared.document, operation, payload.variables ?? undefined, viewer);
      if (refusedOperation) return [refusalError(refusedOperation)];
      // Variables of the wrong type are BAD_USER_INPUT, as Apollo answers them over HTTP (graphql-js leaves them uncoded).
      const variables = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 10 });
      if (variables.errors) return variables.errors.map((error) => coded(error, 'BAD_USER_INPUT'));
      return { schema, document: prepared.document, operationName: payload.operationName, variableValues: payload.variables };
    },
    context: (ctx, id, _payload, args): LiveContext => {
      openOperations += 1;
      const viewer = ctx.extra.viewer ?? ANONYMOUS;
      const requestId = `ws-${id}`;
      // A subscription resolves nothing until its first event, which brings its own loaders.
      if (isSubscription(args)) return { requestId, viewer, feed, ...feed.baseScope(viewer) };
      const context = makeContext(contextDeps, viewer, requestId);
      // A mutation reads back what it wrote: from the primary, as over HTTP.
      if (getOperationAST(args.document, args.operationName)?.operation === 'mutation') context.reads?.forMutation();
      return { ...context, feed, clientAddress: ctx.extra.address };
    },
    subscribe: (args) => subscribeSharingResults(args, operations, (args.contextValue as LiveContext).viewer),
    // Subscription events go straight to the connection, serialized once per shared result; graphql-ws still sends
    // their `complete` and errors. What it would send for each event is byte for byte the same (./live-delivery.ts).
    onOperation: (ctx, id, _payload, _args, result) => (result instanceof SharedResults ? new DirectDelivery(result, id, ctx.extra, format) : undefined),
    onComplete: () => {
      openOperations -= 1;
    },
    // Queries and mutations (subscription events go out through ./live-delivery.ts, which formats their errors alike).
    onNext: (_ctx, id, _payload, args, result) => {
      const formatted = result.errors ? nextPayload(result, id, format) as ExecutionResult : undefined;
      // An editor's mutation: their write position is noted before they get the answer, as over HTTP.
      const reads = (args.contextValue as Partial<Context>).reads;
      return reads ? reads.mutationDone().then(() => formatted) : formatted;
    },
    onError: (_ctx, id, _payload, errors) => format(errors, `ws-${id}`),
  });

  return {
    server,
    async drain(timeoutMs) {
      // Completing the streams makes graphql-ws send `complete` for every subscription before the sockets close.
      feed.endStreams();
      const deadline = Date.now() + timeoutMs;
      while (openOperations > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}
