import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, GraphQLSchema, ValidationRule } from 'graphql';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { Context, ContextDeps, makeContext } from '../context';
import { formatError, logUnexpectedErrors } from './errors';
import type { EventFeed } from '../realtime/feed';
import { Edge } from '../edge/edge';
import type { RequestEdge } from '../edge/request-state';
import { attachWebSocketServer } from './ws';
import { graphqlWsOperations } from './ws-operations';
import { webRoutes } from './web';

export interface HttpServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

interface Deps {
  config: Config;
  schema: GraphQLSchema;
  contextDeps: ContextDeps;
  db: DataSource;
  logger: Logger;
  /** Committed events, for the live subscriptions (graphql-ws) served on the same `/graphql`. */
  feed: EventFeed;
}

/** Reports each response's SQL statement count, for the statement-count tests and the benchmarks. */
const sqlCountHeader: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        response.http.headers.set('x-khabar-sql-statements', String(contextValue.sql.statements));
      },
    };
  },
};

export async function startHttpServer({ config, schema, contextDeps, db, logger, feed }: Deps): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  const edge = await Edge.start({ config, logger, feed, pool: () => (db.driver as PostgresDriver).master as Pool });
  const edgeOptions = edge.apolloOptions(schema);
  edge.configureApp(app, server);

  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    validationRules: [subscriptionsOnlyOverWebSocket],
    // main.ts owns SIGINT/SIGTERM: Apollo's own handler would stop it concurrently and cut live connections mid-drain.
    stopOnTerminationSignals: false,
    ...edgeOptions,
    // Apollo would turn introspection off in production; the operation policy decides who may (GRAPHQL_INTROSPECTION).
    introspection: true,
    plugins: [
      ...edgeOptions.plugins!,
      ApolloServerPluginDrainHttpServer({ httpServer: server, stopGracePeriodMillis: config.httpDrainMs }),
      // Apollo's landing page loads its IDE from a CDN; Khabar serves its own playground (./web.ts).
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      logUnexpectedErrors(logger),
      ...(config.exposeSqlCount ? [sqlCountHeader] : []),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      const pending = await db.showMigrations();
      res.status(pending ? 503 : 200).json({ status: pending ? 'migrations pending' : 'ready' });
    } catch {
      res.status(503).json({ status: 'database unreachable' });
    }
  });

  app.use(webRoutes(config, logger));
  app.use('/graphql', ...edge.graphqlHandlers(apollo, async (req, res): Promise<Context> => {
    const requestEdge = res.locals.edge as RequestEdge;
    const viewer = await contextDeps.tokens.viewerFrom(req.headers.authorization).catch((error: GraphQLError) => {
      throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    });
    return { ...makeContext(contextDeps, viewer, requestEdge.requestId), edge: requestEdge };
  }));

  const liveOperations = graphqlWsOperations({ schema, contextDeps, feed, config, logger, formatError, policy: edge.policy });
  const live = attachWebSocketServer({
    server, graphqlWs: liveOperations.server, drain: liveOperations.drain, limits: config.live, logger,
    // WebSocket upgrades skip express; its `req.ip` still knows the client address under `trust proxy`.
    clientAddress: (request) => (Object.create(app.request, { headers: { value: request.headers }, socket: { value: request.socket } }) as express.Request).ip,
  });

  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    async stop() {
      await live.stop();
      await apollo.stop();
      await edge.stop();
    },
  };
}

/** A subscription sent over HTTP gets a 400 that says where subscriptions live. */
const subscriptionsOnlyOverWebSocket: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(new GraphQLError('Subscriptions are served over WebSocket (graphql-ws protocol) on this same /graphql URL.', { nodes: node }));
    }
  },
});
