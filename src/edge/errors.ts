import type { Request, Response } from 'express';
import { GraphQLError } from 'graphql';

/** Codes of the edge's refusals; every limit answers with one of these and an HTTP status. */
export type EdgeErrorCode =
  | 'CSRF_REFUSED'
  | 'PAYLOAD_TOO_LARGE'
  | 'BATCHING_DISABLED'
  | 'BATCH_TOO_LARGE'
  | 'DOCUMENT_TOO_LARGE'
  | 'TOO_MANY_TOKENS'
  | 'QUERY_TOO_DEEP'
  | 'QUERY_TOO_COMPLEX'
  | 'TOO_MANY_ALIASES'
  | 'PERSISTED_QUERY_NOT_IN_LIST'
  | 'RATE_LIMITED'
  | 'REQUEST_TIMEOUT';

export const EDGE_ERROR_CODES: readonly EdgeErrorCode[] = [
  'CSRF_REFUSED', 'PAYLOAD_TOO_LARGE', 'BATCHING_DISABLED', 'BATCH_TOO_LARGE', 'DOCUMENT_TOO_LARGE', 'TOO_MANY_TOKENS',
  'QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX', 'TOO_MANY_ALIASES', 'PERSISTED_QUERY_NOT_IN_LIST', 'RATE_LIMITED', 'REQUEST_TIMEOUT',
];

export const JSON_MEDIA_TYPE = 'application/json; charset=utf-8';
export const GRAPHQL_RESPONSE_MEDIA_TYPE = 'application/graphql-response+json; charset=utf-8';

/** The response media type a client asked for (GraphQL over HTTP), application/json when it does not say. */
export function negotiatedMediaType(req: Request): string | null {
  if (!req.headers.accept) return JSON_MEDIA_TYPE;
  const preferred = req.accepts(['application/json', 'application/graphql-response+json']);
  if (preferred === 'application/json') return JSON_MEDIA_TYPE;
  return preferred ? GRAPHQL_RESPONSE_MEDIA_TYPE : null;
}

/** A coded error raised inside Apollo's pipeline; `http.status` becomes the response status. */
export function edgeError(code: EdgeErrorCode, message: string, status = 400, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra, http: { status } } });
}

/** Answers a request the edge refuses before it reaches GraphQL, in the GraphQL response shape. */
export function sendEdgeError(
  req: Request, res: Response, code: EdgeErrorCode, message: string, status: number, extra: Record<string, unknown> = {},
): void {
  res.locals.errorCodes = [code];
  res.status(status);
  res.setHeader('content-type', negotiatedMediaType(req) ?? JSON_MEDIA_TYPE);
  res.setHeader('cache-control', 'private, no-store');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] }));
}
