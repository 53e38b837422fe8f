import type { Request, RequestHandler, Response } from 'express';
import { ApolloServer, HeaderMap, HTTPGraphQLResponse } from '@apollo/server';
import type { Config } from '../config';
import type { Context } from '../context';
import { etagOf, matchesEtag } from '../shared/etag';
import { setCacheTagHeaders } from '../shared/cache-tags';
import { encodeUtf8 } from '../shared/utf8';
import type { ResponseCache } from './cache/response-cache';
import type { DirectReads } from './direct-reads';
import { refusalStatus, sendRefusal } from './http-errors';
import type { OperationPolicy } from './operation-policy';
import { jsonBody, persistedHashOf, rateLimit, requestGate } from './request-gate';
import { type HttpRequestState, requestStateOf } from './request-state';

export interface GraphqlRouteDeps {
  config: Config;
  apollo: ApolloServer<Context>;
  /** Anonymous queries answered without Apollo's pipeline (./direct-reads.ts). */
  directReads: DirectReads;
  policy: OperationPolicy;
  /** The response cache of anonymous reads; null with RESPONSE_CACHE=false. */
  cache: ResponseCache | null;
  /** The route's first step: the request's id, state and log line (./request-log.ts). */
  recordRequests: RequestHandler;
  /** Each request's GraphQL context (viewer, services, loaders), given the request's state. */
  context(req: Request, state: HttpRequestState): Promise<Context>;
}

/**
 * POST and GET /graphql: the request's record, the rate limit, the body, the gate (CSRF, batches, the policy's
 * document checks), then the response cache, a direct read, or Apollo. Apollo is run here rather than through an express
 * integration, so that the body it answers with can be given an ETag and kept in the cache. `readBody` is express.json
 * under limits (jsonBody) unless the caller knows the body is plain JSON (./graphql-posts.ts).
 */
export function graphqlRoute(deps: GraphqlRouteDeps, readBody: RequestHandler = jsonBody(deps.config.edge)): RequestHandler[] {
  const { config } = deps;
  return [
    deps.recordRequests,
    // Refused before GraphQL, a request ran no SQL; Apollo's answers say how many statements they ran.
    ...(config.exposeSqlCount ? [sqlCountZero] : []),
    rateLimit(deps.policy),
    readBody,
    requestGate(config.edge, deps.policy),
    (req, res) => respond(deps, req, res),
  ];
}

const sqlCountZero: RequestHandler = (_req, res, next) => {
  res.setHeader('x-khabar-sql-statements', '0');
  next();
};

async function respond({ config, apollo, directReads, cache, context }: GraphqlRouteDeps, req: Request, res: Response): Promise<void> {
  const state = requestStateOf(res);
  const { params } = state;
  state.persisted = params ? persistedHashOf(params) !== undefined : false;
  if (params && !req.headers.authorization) {
    state.tags = new Set();
    if (cache && (await cache.serve(req, res, params, state))) return;
  }

  const timeoutMs = config.edge.requestTimeoutMs;
  const answer = async () => {
    const read = directReads.plan(req, state);
    const direct = read && (await directReads.answer(read, await context(req, state)));
    return direct ?? executeOverHttp(apollo, req, () => context(req, state));
  };
  const response = await withTimeout(answer(), timeoutMs);
  if (!response) {
    state.tags = null;
    return sendRefusal(req, res, 'REQUEST_TIMEOUT', `The request took longer than ${timeoutMs} ms and was abandoned.`, 503);
  }

  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (!res.hasHeader('cache-control')) res.setHeader('cache-control', 'private, no-store');
  if (response.body.kind === 'chunked') {
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    return void res.end();
  }
  const body = response.body.string;
  if (res.statusCode >= 400) {
    if (state.errorCodes.length === 0) state.errorCodes.push(...errorCodesIn(body));
    // A refusal is never kept by a cache, whatever status its media type gives it.
    res.setHeader('cache-control', 'private, no-store');
    res.statusCode = refusalStatus(String(res.getHeader('content-type') ?? ''), state.errorCodes, res.statusCode);
  }
  // Encoded once for its ETag, its length and the socket (each took the text's UTF-8 again: Arabic text is two-byte).
  const bytes = encodeUtf8(body);
  const cacheControl = String(res.getHeader('cache-control'));
  if (res.statusCode === 200 && cacheControl.startsWith('public')) {
    if (state.tags) setCacheTagHeaders(res, state.tags);
    // An ETag serves a conditional GET, here or from the response cache; no cache revalidates a POST's answer.
    if (req.method === 'GET' || cache) {
      const etag = etagOf(bytes);
      res.setHeader('etag', etag);
      cache?.keep(state, body, etag, Number(/max-age=(\d+)/.exec(cacheControl)?.[1] ?? 0));
      if (req.method === 'GET' && matchesEtag(req, etag)) return void res.status(304).end();
    }
  }
  res.setHeader('content-length', bytes.length);
  res.end(bytes);
}

/** An express request handed to Apollo as its HTTP request: method, headers, query string and parsed body. */
function executeOverHttp(apollo: ApolloServer<Context>, req: Request, context: () => Promise<Context>): Promise<HTTPGraphQLResponse> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
  return apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search, body: req.body },
    context,
  });
}

/** The answer, or null when it takes longer than `timeoutMs` (the execution is abandoned, not cancelled). */
function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T | null> {
  return new Promise<T | null>((resolve, reject) => {
    const timer = setTimeout(resolve, timeoutMs, null);
    work.then((value) => {
      clearTimeout(timer);
      resolve(value);
    }, (error: unknown) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function errorCodesIn(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    return (parsed.errors ?? []).map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  } catch {
    return [];
  }
}
