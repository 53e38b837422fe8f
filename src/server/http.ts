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
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { Context, ContextDeps, makeContext } from '../context';
import type { EventFeed } from '../realtime/feed';
import { connectRedis } from '../shared/redis';
import { databaseUnavailableStatus, formatError, logUnexpectedErrors } from './errors';
import { instrumentEntityTags } from './cache/entity-tags';
import { cacheControlPlugin } from './cache/cache-control';
import { ResponseCache } from './cache/response-cache';
import { purgeTagsOf } from './cache/purge-tags';
import { MemoryResponseStore, RedisResponseStore } from './cache/response-store';
import { graphqlRoute, type GraphqlRouteDeps } from './graphql-route';
import { failedGraphqlPosts, graphqlPosts, messagesWithExpressPrototypes, type RequestTaker } from './graphql-posts';
import { plainJsonBody } from './request-gate';
import { DirectReads } from './direct-reads';
import { Metrics } from './metrics';
import { OperationPolicy } from './operation-policy';
import { loadManifest, ManifestCache, PersistedQueryManifest, RedisKeyValueCache } from './persisted-queries';
import { operationPolicyPlugin } from './policy-plugin';
import { MemoryRateCounter, RedisRateCounter, type RateCounter } from './rate-counter';
import { recordRequests, requestLogPlugin } from './request-log';
import { securityHeaders } from './security-headers';
import { throttledWarn } from '../shared/throttled-warn';
import { Tracing } from './tracing';
import { tracingPlugin } from './tracing-plugin';
import { webRoutes } from './web';
import { pageRoutes } from './pages-route';
import { attachWebSocketServer } from './ws';
import { graphqlWsOperations } from './ws-operations';
import { renditionRoute } from '../modules/media/rendition.route';
import { multipartUploads } from '../modules/media/upload';
import { feedRoutes } from '../modules/feeds/feed.route';
import { entityTag } from './cache/entity-tags';

export interface HttpServer {
  url: string;
  port: number;
  /** The rate limits' counters (in Redis when shared), for other per-address limits such as device registrations. */
  rateCounter: RateCounter;
  /** Evicts responses holding these tags from the response cache (none without one): purges of caches in front go after it. */
  evict(tags: string[]): Promise<unknown>;
  stop(): Promise<void>;
}

interface Deps {
  config: Config;
  schema: GraphQLSchema;
  contextDeps: ContextDeps;
  db: DataSource;
  logger: Logger;
  /** Committed events, for the live subscriptions (graphql-ws) served on the same `/graphql`, and the cache's purges. */
  feed: EventFeed;
}

/**
 * Both transports on one HTTP server: `/graphql` over HTTP (express + Apollo, with the response cache, request log,
 * metrics and tracing) and over graphql-ws, both through one operation policy; `/healthz`, `/readyz`, `/metrics` and
 * the web pages. Its stop drains the live connections, then the requests in flight (HTTP_DRAIN_MS).
 */
export async function startHttpServer({ config, schema, contextDeps, db, logger, feed }: Deps): Promise<HttpServer> {
  const { edge } = config;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    // Read first: a missing or malformed manifest stops the start before anything is opened.
    const manifest = edge.persistedOnly ? loadManifest(requiredManifestFile(edge.persistedQueriesFile)) : null;
    // One connection for the response cache, the rate counters and the persisted queries of every instance.
    const redis = config.redisUrl
      ? await connectRedis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false }, throttledWarn(logger, 'redis error (HTTP)'))
      : null;
    if (redis) stops.push(() => redis.quit().then(() => undefined, () => redis.disconnect()));
    const tracing = edge.tracesUrl ? new Tracing(edge.tracesUrl, edge.serviceName, edge.traceSampleRatio) : null;
    if (tracing) stops.push(() => tracing.stop());
    const metrics = edge.metrics ? new Metrics(() => (db.driver as PostgresDriver).master as Pool, feed, contextDeps.reads) : null;
    const rateCounter: RateCounter = redis ? new RedisRateCounter(redis, edge.redisKeyPrefix) : new MemoryRateCounter();
    const policy = new OperationPolicy(config, manifest, rateCounter, {
      onRateLimited: (scope) => metrics?.rateLimited.inc({ scope }),
      onCounterFailed: throttledWarn(logger, 'rate limit counter unavailable; letting requests through'),
    });
    const cache = !edge.responseCache ? null : new ResponseCache({
      store: redis ? new RedisResponseStore(redis, edge.redisKeyPrefix) : new MemoryResponseStore(edge.responseCacheMaxBytes),
      feed, logger, metrics,
      // Lists an article joined are read from the primary: the change has committed there.
      tagsOf: (changes) => purgeTagsOf(contextDeps.sql, changes),
    });

    const app = express();
    app.disable('x-powered-by');
    // Decides the client address of rate limits and WebSocket connection limits.
    app.set('trust proxy', edge.trustProxy);
    app.use(failedGraphqlPosts);
    app.use(securityHeaders);
    // Slow clients cannot hold a connection open forever: headers (or a first byte) within REQUEST_TIMEOUT_MS, the whole
    // request too, checked every second (Node's default is 30 s); keep-alive outlasts a load balancer's idle timeout.
    // POST /graphql with a plain JSON body skips express's router and body-parser (./graphql-posts.ts).
    let takeGraphqlPost: RequestTaker = () => false;
    const server = http.createServer({ connectionsCheckingInterval: 1_000, ...messagesWithExpressPrototypes(app) }, (req, res) => {
      if (!takeGraphqlPost(req, res)) app(req, res);
    });
    server.requestTimeout = Math.max(edge.requestTimeoutMs, 1000);
    server.headersTimeout = Math.min(server.requestTimeout, 60_000);
    server.keepAliveTimeout = 65_000;

    const apollo = apolloServer({ config, schema, logger, server, policy, tracing, manifest, redis });
    await apollo.start();
    stops.push(() => apollo.stop());

    // What the /graphql route needs, for express's route and for plain JSON posts alike (./graphql-posts.ts).
    const route: GraphqlRouteDeps = {
      config, apollo, policy, cache,
      directReads: new DirectReads({ schema, config, policy, validationRules: [subscriptionsOnlyOverWebSocket] }),
      recordRequests: recordRequests({ logger, metrics, tracing }),
      async context(req, state) {
        const viewer = await contextDeps.tokens.viewerFrom(req.headers.authorization).catch((error: GraphQLError) => {
          throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
        });
        // The address (express works it out through `trust proxy`) only when something asks: push registrations.
        return { ...makeContext(contextDeps, viewer, state.requestId), http: state, get clientAddress() { return req.ip; } };
      },
    };
    // Uploads (GraphQL multipart requests) become ordinary operations before the /graphql route reads them.
    const graphqlHandlers = [
      multipartUploads({ maxFileBytes: config.media.maxUploadBytes, maxFiles: 10, spoolDir: contextDeps.media.spoolDir }),
      ...graphqlRoute(route),
    ];
    // Traced requests keep express's route: their span names the path express matched.
    if (!tracing) {
      takeGraphqlPost = graphqlPosts({ app, steps: [securityHeaders, ...graphqlRoute(route, plainJsonBody(edge))], bodyLimitBytes: edge.bodyLimitBytes });
    }
    // No page, asset or feed route answers a POST: operations skip their path matches. GETs meet the playground first.
    app.post('/graphql', ...graphqlHandlers);
    if (metrics) app.get('/metrics', metrics.handler());
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
    app.use(pageRoutes({ config, schema, contextDeps, cache, logger }));
    // Pictures read the primary: an editor's browser asks for a rendition (without a token) the moment it was uploaded.
    app.get('/media/*path', renditionRoute({ sql: contextDeps.sql, media: contextDeps.media, logger }));
    app.use(feedRoutes({
      // Feeds read like anonymous GraphQL requests: from a read replica in rotation.
      sql: contextDeps.reads?.enabled ? contextDeps.reads.anonymous : contextDeps.sql, logger, publicUrl: config.publicUrl, mediaPublicUrl: config.media.publicUrl, hubs: config.websubHubs,
      exposeSqlCount: config.exposeSqlCount,
      cache: cache && { lookup: (key) => cache.store.lookup(key), store: (...args) => cache.store.store(...args), entityTag },
    }));
    app.use('/graphql', ...graphqlHandlers);

    const liveOperations = graphqlWsOperations({ schema, contextDeps, feed, config, logger, formatError, policy });
    const live = attachWebSocketServer({
      server, graphqlWs: liveOperations.server, drain: liveOperations.drain, limits: config.live, logger,
      // WebSocket upgrades skip express; its `req.ip` still knows the client address under `trust proxy`.
      clientAddress: (request) => (Object.create(app.request, { headers: { value: request.headers }, socket: { value: request.socket } }) as express.Request).ip,
    });
    stops.push(live.stop);

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const evict = async (tags: string[]) => cache?.store.purge(tags);
    return { url: `http://${shownHost}:${port}/graphql`, port, rateCounter, evict, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface ApolloDeps {
  config: Config;
  schema: GraphQLSchema;
  logger: Logger;
  server: http.Server;
  policy: OperationPolicy;
  tracing: Tracing | null;
  manifest: PersistedQueryManifest | null;
  redis: Redis | null;
}

/** Apollo for the HTTP path: the policy's operation checks, Cache-Control, the request log's notes, APQ, batching. */
function apolloServer({ config, schema, logger, server, policy, tracing, manifest, redis }: ApolloDeps): ApolloServer<Context> {
  const { edge } = config;
  // Anonymous reads over HTTP record which articles, tickers and reference data their response holds (cache tags).
  instrumentEntityTags(schema, (context) => (context as Context).http);
  const apqCache = manifest ? new ManifestCache(manifest) : redis ? new RedisKeyValueCache(redis, edge.redisKeyPrefix) : undefined;
  return new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    validationRules: [subscriptionsOnlyOverWebSocket],
    // main.ts owns SIGINT/SIGTERM: Apollo's own handler would stop it concurrently and cut live connections mid-drain.
    stopOnTerminationSignals: false,
    persistedQueries: { ...(apqCache ? { cache: apqCache } : {}), ttl: edge.apqTtlSeconds || null },
    allowBatchedHttpRequests: edge.maxBatch > 0,
    csrfPrevention: false, // requestGate does it, letting persisted-query GETs through
    parseOptions: { maxTokens: edge.maxTokens },
    // Production answers do not suggest field names ("Did you mean …?") to whoever probes the schema.
    hideSchemaDetailsFromClientErrors: config.env === 'production',
    // Apollo would turn introspection off in production; the operation policy decides who may (GRAPHQL_INTROSPECTION).
    introspection: true,
    plugins: [
      operationPolicyPlugin(policy),
      requestLogPlugin(),
      cacheControlPlugin(edge),
      ...(tracing ? [tracingPlugin(tracing)] : []),
      ApolloServerPluginDrainHttpServer({ httpServer: server, stopGracePeriodMillis: config.httpDrainMs }),
      // Apollo's landing page loads its IDE from a CDN; Khabar serves its own playground (./web.ts).
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      logUnexpectedErrors(logger),
      databaseUnavailableStatus,
      ...(config.exposeSqlCount ? [sqlCountHeader] : []),
      mutationsReadThePrimary,
    ],
  });
}

function requiredManifestFile(file: string | undefined): string {
  if (!file) throw new Error('PERSISTED_ONLY=true needs PERSISTED_QUERIES_FILE (the manifest of allowed documents)');
  return file;
}

/**
 * A mutation reads back what it wrote: its reads go to the primary, never to a read replica; before its answer is
 * sent, an editor's write position is noted, so their next reads come from a replica that holds it (or the primary).
 */
const mutationsReadThePrimary: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        if (operation?.operation === 'mutation') contextValue.reads?.forMutation();
      },
      async willSendResponse({ contextValue }) {
        await contextValue.reads?.mutationDone();
      },
    };
  },
};

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

/** A subscription sent over HTTP gets a 400 that says where subscriptions live. */
const subscriptionsOnlyOverWebSocket: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(new GraphQLError('Subscriptions are served over WebSocket (graphql-ws protocol) on this same /graphql URL.', { nodes: node }));
    }
  },
});
