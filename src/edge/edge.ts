import crypto from 'node:crypto';
import type { Server } from 'node:http';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { ApolloServer, ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { Redis } from 'ioredis';
import type { GraphQLSchema } from 'graphql';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Context } from '../context';
import { EdgeMetrics } from './metrics';
import { securityHeaders } from './security-headers';
import { MemoryRateCounter, RedisRateCounter } from '../server/rate-counter';
import { GraphQLParams, jsonBody, persistedHashOf, rateLimit, requestGate } from './request-gate';
import { loadManifest, ManifestCache, PersistedQueryManifest, RedisKeyValueCache, sha256Hex } from '../server/persisted-queries';
import { OperationPolicy } from '../server/operation-policy';
import { operationPolicyPlugin } from '../server/policy-plugin';
import { responsePlugin } from './response-plugin';
import { CachedResponse, MemoryResponseStore, RedisResponseStore, ResponseStore } from './response-cache';
import { entityTag, instrumentEntityTags } from './entity-tags';
import type { EventFeed, OutboxRecord } from '../realtime/feed';
import { ARTICLE_SHOWN_UPDATED } from '../realtime/outbox';
import { negotiatedMediaType, sendEdgeError } from './errors';
import type { RequestEdge } from './request-state';
import { Tracing } from './tracing';
import { tracingPlugin } from './tracing-plugin';
import { throttledWarn } from './throttled-warn';

/** Kinds of change that take an item away or change only what it shows: lists that do not contain it cannot change. */
const IN_PLACE_KINDS = new Set(['KILLED', 'RETRACTED', 'ARCHIVED', 'UNPUBLISHED', 'DELETED', ARTICLE_SHOWN_UPDATED]);

/** The type whose tags an event of reference data evicts. */
const REFERENCE_TYPE_OF = { person: 'Person', category: 'Category', region: 'Region' } as const;

/** The tags a content change evicts: the item everywhere it appears, and every list it could join. */
export function tagsToPurge(change: Pick<OutboxRecord, 'topic' | 'kind' | 'entityId' | 'regionCodes'>): string[] {
  // Reference data is only added or changed, which can reorder or join its lists; regions are named by code.
  if (change.topic === 'region') return [...change.regionCodes.map((code) => entityTag('Region', code)), 'Region'];
  if (change.topic === 'person' || change.topic === 'category') {
    const type = REFERENCE_TYPE_OF[change.topic];
    return [entityTag(type, change.entityId), type];
  }
  const type = change.topic === 'article' ? 'Article' : 'Ticker';
  const tags = [entityTag(type, change.entityId)];
  if (!IN_PLACE_KINDS.has(change.kind.toUpperCase())) tags.push(type);
  return tags;
}

function etagOf(body: string): string {
  return `"${crypto.createHash('sha1').update(body).digest('base64url')}"`;
}

function matchesEtag(req: Request, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const value = candidate.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}

function cacheKeyOf(params: GraphQLParams): string | undefined {
  const documentId = persistedHashOf(params) ?? (typeof params.query === 'string' ? sha256Hex(params.query) : undefined);
  if (!documentId) return undefined;
  const operationName = typeof params.operationName === 'string' ? params.operationName : '';
  return sha256Hex(`${documentId}\n${operationName}\n${JSON.stringify(params.variables ?? null)}`);
}

export interface EdgeDeps {
  config: Config;
  logger: Logger;
  pool: () => Pool | undefined;
  /** This instance's feed of committed outbox events (src/realtime): every content change readers can see. */
  feed: EventFeed;
}

/**
 * The production edge of /graphql: limits, CSRF, persisted queries, rate limits, the response cache purged by
 * content changes, Cache-Control and ETags, request logs and metrics. Built once per instance.
 */
export class Edge {
  readonly metrics: EdgeMetrics | null;
  /** The operation policy, shared with the WebSocket transport. */
  readonly policy: OperationPolicy;
  private readonly store: ResponseStore | null;
  private readonly manifest: PersistedQueryManifest | null;
  private readonly tracing: Tracing | null;
  private readonly warnStore: (error: unknown) => void;
  private readonly warnLookup: (error: unknown) => void;

  private constructor(private readonly deps: EdgeDeps, private readonly redis: Redis | null) {
    const { edge } = deps.config;
    this.warnStore = throttledWarn(deps.logger, 'response cache store failed');
    this.warnLookup = throttledWarn(deps.logger, 'response cache lookup failed; answering without it');
    this.metrics = edge.metrics ? new EdgeMetrics(deps.pool, deps.feed) : null;
    this.manifest = edge.persistedOnly ? loadManifest(requiredManifestFile(edge.persistedQueriesFile)) : null;
    this.tracing = edge.tracesUrl ? new Tracing(edge.tracesUrl, edge.serviceName, edge.traceSampleRatio) : null;
    this.store = !edge.responseCache ? null
      : redis ? new RedisResponseStore(redis, edge.redisKeyPrefix) : new MemoryResponseStore(edge.responseCacheMaxBytes);
    const counter = redis ? new RedisRateCounter(redis, edge.redisKeyPrefix) : new MemoryRateCounter();
    this.policy = new OperationPolicy(deps.config, this.manifest, counter, {
      onRateLimited: (scope) => this.metrics?.rateLimited.inc({ scope }),
      onCounterFailed: throttledWarn(deps.logger, 'rate limit counter unavailable; letting requests through'),
    });
  }

  static async start(deps: EdgeDeps): Promise<Edge> {
    let redis: Redis | null = null;
    if (deps.config.redisUrl) {
      redis = new Redis(deps.config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
      redis.on('error', throttledWarn(deps.logger, 'redis error (edge)'));
      await redis.connect().catch((error: Error) => {
        throw new Error(`Redis at REDIS_URL is unreachable (${error.message}); Khabar does not start without the Redis it was given`);
      });
    }
    const edge = new Edge(deps, redis);
    deps.feed.onEvents(async (records) => void (await edge.purge(records)));
    return edge;
  }

  /** Evicts every cached response that holds what changed, on this instance (and, with Redis, for all). */
  async purge(changes: Pick<OutboxRecord, 'topic' | 'kind' | 'entityId' | 'regionCodes'>[]): Promise<number> {
    if (!this.store || changes.length === 0) return 0;
    const tags = [...new Set(changes.flatMap(tagsToPurge))];
    const purged = await this.store.purge(tags);
    this.metrics?.cachePurges.inc(purged);
    this.deps.logger.debug({ tags, purged }, 'response cache purged');
    return purged;
  }

  /** Apollo options the edge owns: its plugins, APQ store, batching and parser limit. */
  apolloOptions(schema: GraphQLSchema) {
    const { edge } = this.deps.config;
    instrumentEntityTags(schema, (context) => (context as Context).edge);
    const apqCache = this.manifest ? new ManifestCache(this.manifest)
      : this.redis ? new RedisKeyValueCache(this.redis, `${edge.redisKeyPrefix}`) : undefined;
    return {
      plugins: [operationPolicyPlugin(this.policy), responsePlugin(edge), ...(this.tracing ? [tracingPlugin(this.tracing)] : [])] as ApolloServerPlugin<Context>[],
      persistedQueries: { ...(apqCache ? { cache: apqCache } : {}), ttl: edge.apqTtlSeconds || null },
      allowBatchedHttpRequests: edge.maxBatch > 0,
      csrfPrevention: false, // requestGate does it, letting persisted-query GETs through
      parseOptions: { maxTokens: edge.maxTokens },
      // Production answers do not suggest field names ("Did you mean …?") to whoever probes the schema.
      hideSchemaDetailsFromClientErrors: this.deps.config.env === 'production',
    };
  }

  /** App-wide: proxy trust (client IPs), security headers on every response, /metrics. */
  configureApp(app: Express, server: Server): void {
    const { edge } = this.deps.config;
    app.set('trust proxy', edge.trustProxy);
    app.use(securityHeaders);
    if (this.metrics) app.get('/metrics', this.metrics.handler());
    // Slow clients cannot hold a connection open forever; keep-alive outlasts a load balancer's idle timeout.
    server.requestTimeout = Math.max(edge.requestTimeoutMs, 1000);
    server.headersTimeout = Math.min(server.requestTimeout, 60_000);
    server.keepAliveTimeout = 65_000;
  }

  /** The /graphql chain: bookkeeping, rate limit, body, gate, then the cache or Apollo. */
  graphqlHandlers(apollo: ApolloServer<Context>, context: (req: Request, res: Response) => Promise<Context>): RequestHandler[] {
    const { config } = this.deps;
    return [
      this.begin(),
      rateLimit(this.policy),
      jsonBody(config.edge),
      requestGate(config.edge, this.policy),
      (req, res) => this.respond(apollo, context, req, res),
    ];
  }

  /** Request id, then one log line and the metrics once the response is sent. No IPs, tokens or variables. */
  private begin(): RequestHandler {
    const { logger, config } = this.deps;
    return (req: Request, res: Response, next: NextFunction) => {
      const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || crypto.randomUUID();
      res.setHeader('x-request-id', requestId);
      const edge: RequestEdge = { requestId, startedAt: performance.now(), tags: null, cache: 'BYPASS', errorCodes: [], persisted: false };
      res.locals.edge = edge;
      edge.span = this.tracing?.startRequest(req.headers.traceparent as string | undefined, {
        'http.request.method': req.method, 'url.path': req.baseUrl || req.path, 'khabar.request_id': requestId,
      });
      res.on('finish', () => {
        const seconds = (performance.now() - edge.startedAt) / 1000;
        const params = res.locals.graphqlParams as GraphQLParams | null | undefined;
        const operation = edge.operationName ?? (typeof params?.operationName === 'string' ? params.operationName : undefined);
        if (this.metrics) {
          const label = this.metrics.operationLabel(operation);
          this.metrics.requests.inc({ operation: label, status: String(res.statusCode), cache: edge.cache });
          this.metrics.duration.observe({ operation: label }, seconds);
          for (const code of edge.errorCodes.length ? edge.errorCodes : (res.locals.errorCodes as string[] | undefined) ?? []) {
            this.metrics.errors.inc({ code });
          }
          if (edge.sqlStatements !== undefined) this.metrics.sqlStatements.observe(edge.sqlStatements);
          if (edge.cache !== 'BYPASS') this.metrics.cacheLookups.inc({ result: edge.cache === 'HIT' ? 'hit' : 'miss' });
        }
        if (edge.span) {
          edge.span.setAttributes({
            'http.response.status_code': res.statusCode, 'graphql.operation.name': operation ?? '',
            'graphql.operation.type': edge.operationType ?? '', 'khabar.cache': edge.cache, 'khabar.sql_statements': edge.sqlStatements ?? 0,
          });
          Tracing.endWithError(edge.span, res.statusCode >= 500 ? `HTTP ${res.statusCode}` : undefined);
        }
        if (logger.isLevelEnabled('info')) {
          logger.info({
            requestId, traceId: edge.span?.spanContext().traceId, method: req.method, operation, operationType: edge.operationType, status: res.statusCode,
            durationMs: Math.round(seconds * 10_000) / 10, cache: edge.cache, sqlStatements: edge.sqlStatements,
            persisted: edge.persisted || undefined,
            errors: edge.errorCodes.length ? edge.errorCodes : (res.locals.errorCodes as string[] | undefined),
          }, 'graphql request');
        }
      });
      if (config.exposeSqlCount) res.setHeader('x-khabar-sql-statements', '0');
      next();
    };
  }

  private async respond(apollo: ApolloServer<Context>, context: (req: Request, res: Response) => Promise<Context>, req: Request, res: Response) {
    const edge = res.locals.edge as RequestEdge;
    const params = res.locals.graphqlParams as GraphQLParams | null;
    edge.persisted = params ? persistedHashOf(params) !== undefined : false;
    if (params && !req.headers.authorization) {
      edge.tags = new Set();
      if (this.store && (await this.serveFromCache(req, res, params, edge))) return;
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    const execution = apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search, body: req.body },
      context: () => context(req, res),
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), this.deps.config.edge.requestTimeoutMs)));
    const response = await Promise.race([execution, timeout]).finally(() => clearTimeout(timer));
    if (!response) {
      edge.tags = null;
      return sendEdgeError(req, res, 'REQUEST_TIMEOUT', `The request took longer than ${this.deps.config.edge.requestTimeoutMs} ms and was abandoned.`, 503);
    }

    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (!res.hasHeader('cache-control')) res.setHeader('cache-control', 'private, no-store');
    if (response.body.kind === 'chunked') {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      return void res.end();
    }
    const body = response.body.string;
    if (res.statusCode >= 400 && edge.errorCodes.length === 0) edge.errorCodes.push(...errorCodesIn(body));
    const cacheControl = String(res.getHeader('cache-control'));
    if (res.statusCode === 200 && cacheControl.startsWith('public')) {
      const etag = etagOf(body);
      res.setHeader('etag', etag);
      if (edge.cacheKey && edge.tags) {
        const maxAge = Number(/max-age=(\d+)/.exec(cacheControl)?.[1] ?? 0);
        const entry: CachedResponse = { body, etag, storedAt: Date.now(), maxAge, operation: edge.operationName };
        if (maxAge > 0) this.store!.store(edge.cacheKey, entry, [...edge.tags], edge.cacheEpoch!)
          .catch(this.warnStore);
      }
      if (req.method === 'GET' && matchesEtag(req, etag)) return void res.status(304).end();
    }
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  }

  /** Serves a fresh cached response (or 304); otherwise notes the key and epoch the response will be stored under. */
  private async serveFromCache(req: Request, res: Response, params: GraphQLParams, edge: RequestEdge): Promise<boolean> {
    const key = cacheKeyOf(params);
    const mediaType = negotiatedMediaType(req);
    if (!key || !mediaType) return false;
    let found: { entry?: CachedResponse; epoch: string };
    try {
      found = await this.store!.lookup(key);
    } catch (error) {
      this.warnLookup(error);
      return false;
    }
    const { entry } = found;
    const age = entry ? Math.floor((Date.now() - entry.storedAt) / 1000) : 0;
    if (!entry || age >= entry.maxAge) {
      edge.cache = 'MISS';
      edge.cacheKey = key;
      edge.cacheEpoch = found.epoch;
      res.setHeader('x-khabar-cache', 'MISS');
      return false;
    }
    edge.cache = 'HIT';
    edge.operationName = entry.operation;
    edge.operationType = 'query';
    res.setHeader('x-khabar-cache', 'HIT');
    res.setHeader('cache-control', `public, max-age=${entry.maxAge - age}`);
    res.setHeader('age', String(age));
    res.setHeader('etag', entry.etag);
    res.setHeader('vary', 'accept, authorization');
    if (req.method === 'GET' && matchesEtag(req, entry.etag)) {
      res.status(304).end();
      return true;
    }
    res.setHeader('content-type', mediaType);
    res.setHeader('content-length', Buffer.byteLength(entry.body));
    res.status(200).end(entry.body);
    return true;
  }

  async stop(): Promise<void> {
    await this.tracing?.stop();
    if (this.redis) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}

function requiredManifestFile(file: string | undefined): string {
  if (!file) throw new Error('PERSISTED_ONLY=true needs PERSISTED_QUERIES_FILE (the manifest of allowed documents)');
  return file;
}

function errorCodesIn(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    return (parsed.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  } catch {
    return [];
  }
}

