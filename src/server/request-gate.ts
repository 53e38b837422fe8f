import express, { NextFunction, Request, Response } from 'express';
import type { EdgeConfig } from '../config';
import { sendRefusal } from './http-errors';
import type { OperationPolicy } from './operation-policy';
import { requestStateOf } from './request-state';

/** One GraphQL request as sent over HTTP, from a GET query string or a POST body. */
export interface GraphQLParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** Headers a browser cannot add to a cross-site request without a CORS preflight. */
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight', 'graphql-require-preflight'];
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** The sha256 hash an APQ request names, if any. */
export function persistedHashOf(params: GraphQLParams): string | undefined {
  const extensions = params.extensions;
  const persisted = extensions && typeof extensions === 'object' ? (extensions as { persistedQuery?: { sha256Hash?: unknown } }).persistedQuery : undefined;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
}

/** GET parameters as Apollo reads them; JSON fields that do not parse are left for Apollo to refuse. */
export function paramsFromSearch(search: string): GraphQLParams {
  const params = new URLSearchParams(search);
  const json = (name: string): unknown => {
    const raw = params.get(name);
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  };
  return { query: params.get('query') ?? undefined, operationName: params.get('operationName') ?? undefined, variables: json('variables'), extensions: json('extensions') };
}

export function searchOf(req: Request): string {
  const index = req.url.indexOf('?');
  return index < 0 ? '' : req.url.slice(index);
}

/**
 * The operation policy's rate limit for every /graphql request (one per request, batches included), with the
 * RateLimit headers; a refused request gets 429 and Retry-After.
 */
export function rateLimit(policy: OperationPolicy) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const verdict = await policy.rateLimit({ address: req.ip, authorization: req.headers.authorization });
    if (!verdict) return next();
    res.setHeader('ratelimit-limit', String(verdict.limit));
    res.setHeader('ratelimit-remaining', String(verdict.remaining));
    res.setHeader('ratelimit-reset', String(verdict.resetSeconds));
    if (!verdict.refusal) return next();
    res.setHeader('retry-after', String(verdict.resetSeconds));
    const { code, message, status, details } = verdict.refusal;
    sendRefusal(req, res, code, message, status, details);
  };
}

/** express.json with the configured size limit; oversized or malformed bodies get coded errors. */
export function jsonBody(config: EdgeConfig) {
  const parse = express.json({ limit: config.bodyLimitBytes });
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (error?: { type?: string; status?: number }) => {
      if (!error) return next();
      if (error.type === 'entity.too.large') {
        return sendRefusal(req, res, 'PAYLOAD_TOO_LARGE', `The request body is over ${config.bodyLimitBytes} bytes.`, 413, { limit: config.bodyLimitBytes });
      }
      res.status(error.status ?? 400).json({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    });
  };
}

/**
 * Checks done before GraphQL sees a request: CSRF, batching, then the operation policy's checks of each document
 * (size, tokens, allow-list). Plain GETs pass CSRF when they name a persisted query: they cannot change anything,
 * so CDNs can cache them.
 */
export function requestGate(config: EdgeConfig, policy: OperationPolicy) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const isGet = req.method === 'GET';
    // A browser opening /graphql gets the playground page, not a GraphQL response.
    if (isGet && req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html') return next();
    const body: unknown = isGet ? paramsFromSearch(searchOf(req)) : req.body;
    const operations: GraphQLParams[] = Array.isArray(body) ? body : body && typeof body === 'object' ? [body as GraphQLParams] : [];
    requestStateOf(res).params = Array.isArray(body) ? null : operations[0] ?? null;

    const contentType = req.headers['content-type']?.split(';')[0].trim().toLowerCase();
    const simple = contentType === undefined || SIMPLE_CONTENT_TYPES.has(contentType);
    if (simple && !PREFLIGHT_HEADERS.some((name) => req.headers[name])) {
      const persistedGet = isGet && operations[0] !== undefined && persistedHashOf(operations[0]) !== undefined;
      if (!persistedGet && (isGet || req.method === 'POST')) {
        return sendRefusal(req, res, 'CSRF_REFUSED',
          'This request could have been sent by another site. Send a JSON body, a persisted-query hash, or a non-empty "apollo-require-preflight" header.', 400);
      }
    }
    if (Array.isArray(body)) {
      if (config.maxBatch === 0) return sendRefusal(req, res, 'BATCHING_DISABLED', 'Batched requests are turned off; send one operation per request.', 400);
      if (body.length > config.maxBatch) {
        return sendRefusal(req, res, 'BATCH_TOO_LARGE', `A batch holds at most ${config.maxBatch} operations; this one has ${body.length}.`, 400,
          { limit: config.maxBatch });
      }
    }
    for (const operation of operations) {
      const query = typeof operation?.query === 'string' ? operation.query : undefined;
      const refused = policy.checkDocument(query, operation ? persistedHashOf(operation) : undefined);
      if (refused) return sendRefusal(req, res, refused.code, refused.message, refused.status, refused.details);
    }
    next();
  };
}
