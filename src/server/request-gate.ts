import { isUtf8 } from 'node:buffer';
import express, { NextFunction, Request, Response } from 'express';
import type { EdgeConfig } from '../config';
import { negotiatedMediaType, sendRefusal } from './http-errors';
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
    // The address is worked out (through `trust proxy`) only when an address limit is on.
    const verdict = await policy.rateLimit({ get address() { return req.ip; }, authorization: req.headers.authorization });
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

/** The charset a JSON body declares, lower case; undefined when it declares none. */
function declaredCharset(req: Request): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1].toLowerCase();
}

/**
 * express.json with the configured size limit, reading UTF-8 only: a body that declares another charset is refused
 * with 415, bytes that are not UTF-8 with 400 (never decoded into U+FFFD), oversized or malformed bodies with their
 * own codes.
 */
export function jsonBody(config: EdgeConfig) {
  const parse = express.json({
    limit: config.bodyLimitBytes,
    verify: (_req, _res, bytes) => {
      if (!isUtf8(bytes)) throw Object.assign(new Error('not UTF-8'), { type: 'entity.not.utf8' });
    },
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    const charset = req.is('application/json') ? declaredCharset(req) : undefined;
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      req.resume();
      return sendRefusal(req, res, 'UNSUPPORTED_MEDIA_TYPE', `JSON bodies are read as UTF-8 only; this one says charset=${charset}.`, 415);
    }
    parse(req, res, (error?: { type?: string }) => {
      if (!error) return next();
      refuseUnreadableBody(req, res, error.type, config);
    });
  };
}

/** The refusal of a body that could not be read, by body-parser's error type (the same for ./graphql-posts.ts). */
function refuseUnreadableBody(req: Request, res: Response, type: string | undefined, config: EdgeConfig): void {
  switch (type) {
    case 'entity.too.large':
      return sendRefusal(req, res, 'PAYLOAD_TOO_LARGE', `The request body is over ${config.bodyLimitBytes} bytes.`, 413, { limit: config.bodyLimitBytes });
    case 'entity.not.utf8':
      return sendRefusal(req, res, 'BAD_REQUEST', 'The request body is not valid UTF-8.', 400);
    case 'encoding.unsupported':
      return sendRefusal(req, res, 'UNSUPPORTED_MEDIA_TYPE', 'This Content-Encoding is not read here: send the body as is, or gzip, deflate or br.', 415);
    case 'entity.parse.failed':
      return sendRefusal(req, res, 'BAD_REQUEST', 'The request body is not valid JSON: send an object, or an array of objects for a batch.', 400);
    default:
      return sendRefusal(req, res, 'BAD_REQUEST', 'The request body could not be read (a broken compressed stream, or the client stopped sending).', 400);
  }
}

/**
 * jsonBody for a request already known to carry a plain JSON body within the limit (content type application/json,
 * UTF-8 or no charset, a Content-Length, no Content-Encoding: ./graphql-posts.ts takes only those): the same bytes read
 * into the same value as express.json would (a leading BOM dropped, an empty body read as {}, only an object or an
 * array at the top), and the same refusals, without body-parser's stream and charset machinery.
 */
export function plainJsonBody(config: EdgeConfig) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (type: string) => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('aborted', onAborted);
      req.resume();
      refuseUnreadableBody(req, res, type, config);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > config.bodyLimitBytes) return fail('entity.too.large');
      chunks.push(chunk);
    };
    const onAborted = () => fail('request.aborted');
    const onEnd = () => {
      req.removeListener('aborted', onAborted);
      const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
      if (!isUtf8(bytes)) return refuseUnreadableBody(req, res, 'entity.not.utf8', config);
      const parsed = parsedJsonBody(bytes);
      if (parsed === undefined) return refuseUnreadableBody(req, res, 'entity.parse.failed', config);
      req.body = parsed;
      next();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
  };
}

/** body-parser's strict JSON: undefined when the text is not JSON, or its top level neither an object nor an array. */
function parsedJsonBody(bytes: Buffer): unknown {
  // body-parser decodes with iconv-lite, which drops a byte order mark.
  const text = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.toString('utf8', 3) : bytes.toString('utf8');
  if (text.length === 0) return {};
  const first = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/.exec(text)![1];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** APQ's `extensions.persistedQuery`, when given, must be version 1 with a SHA-256 in hex; anything else is not one. */
function malformedPersistedQuery(params: GraphQLParams | undefined): boolean {
  const extensions = params?.extensions;
  if (!extensions || typeof extensions !== 'object' || !('persistedQuery' in extensions)) return false;
  const persisted = (extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } }).persistedQuery;
  return !persisted || typeof persisted !== 'object' || persisted.version !== 1
    || typeof persisted.sha256Hash !== 'string' || !/^[0-9a-f]{64}$/i.test(persisted.sha256Hash);
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
    // Refused before anything runs: Apollo would answer 406 only after executing (a mutation included).
    if (negotiatedMediaType(req) === null) {
      return sendRefusal(req, res, 'NOT_ACCEPTABLE', 'GraphQL answers in application/json or application/graphql-response+json; the Accept header takes neither.', 406);
    }
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
    // A JSON body, or an upload (multipart, read into one by ../modules/media/upload.ts); anything else says nothing GraphQL reads.
    if (req.method === 'POST' && contentType !== 'application/json' && contentType !== 'multipart/form-data') {
      return sendRefusal(req, res, 'UNSUPPORTED_MEDIA_TYPE',
        'Send the operation as application/json (multipart/form-data for uploads), or as a GET query string.', 415);
    }
    if (Array.isArray(body)) {
      if (config.maxBatch === 0) return sendRefusal(req, res, 'BATCHING_DISABLED', 'Batched requests are turned off; send one operation per request.', 400);
      if (body.length > config.maxBatch) {
        return sendRefusal(req, res, 'BATCH_TOO_LARGE', `A batch holds at most ${config.maxBatch} operations; this one has ${body.length}.`, 400,
          { limit: config.maxBatch });
      }
    }
    for (const operation of operations) {
      if (malformedPersistedQuery(operation)) {
        return sendRefusal(req, res, 'BAD_REQUEST', 'extensions.persistedQuery needs "version": 1 and a "sha256Hash" of 64 hex digits.', 400);
      }
      const query = typeof operation?.query === 'string' ? operation.query : undefined;
      const refused = policy.checkDocument(query, operation ? persistedHashOf(operation) : undefined);
      if (refused) return sendRefusal(req, res, refused.code, refused.message, refused.status, refused.details);
    }
    next();
  };
}
