import type { Request, Response } from 'express';
import type { PolicyErrorCode } from './operation-policy';
import { requestStateOf } from './request-state';

/** Codes of refusals made on the HTTP path only, besides the operation policy's (the same on both transports). */
export const HTTP_ERROR_CODES = [
  'CSRF_REFUSED', 'PAYLOAD_TOO_LARGE', 'BATCHING_DISABLED', 'BATCH_TOO_LARGE', 'REQUEST_TIMEOUT', 'BAD_REQUEST', 'UNSUPPORTED_MEDIA_TYPE',
  'NOT_ACCEPTABLE',
] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

export const JSON_MEDIA_TYPE = 'application/json; charset=utf-8';
export const GRAPHQL_RESPONSE_MEDIA_TYPE = 'application/graphql-response+json; charset=utf-8';

/** The response media type a client asked for (GraphQL over HTTP), application/json when it does not say. */
export function negotiatedMediaType(req: Request): string | null {
  if (!req.headers.accept) return JSON_MEDIA_TYPE;
  const preferred = req.accepts(['application/json', 'application/graphql-response+json']);
  if (preferred === 'application/json') return JSON_MEDIA_TYPE;
  return preferred ? GRAPHQL_RESPONSE_MEDIA_TYPE : null;
}

/**
 * GraphQL's refusals of a well-formed request: a document that does not parse or validate (the policy's limits are
 * validation rules of ours), an operation that cannot be chosen, variables that do not coerce or carry hostile text.
 */
const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'OPERATION_RESOLUTION_FAILURE', 'BAD_USER_INPUT',
  'DOCUMENT_TOO_LARGE', 'TOO_MANY_TOKENS', 'QUERY_TOO_DEEP', 'TOO_MANY_ALIASES', 'QUERY_TOO_COMPLEX', 'PERSISTED_QUERY_NOT_IN_LIST',
]);

/**
 * The status of a refusal answered in `mediaType` (GraphQL over HTTP): a request error answered as application/json is
 * a 200, since a 4xx in that media type could come from any proxy on the way; application/graphql-response+json
 * keeps its 400. Refusals of the HTTP request itself (body, size, CSRF, rate, auth) keep their status in both.
 */
export function refusalStatus(mediaType: string, codes: readonly string[], status: number): number {
  const requestError = status === 400 && codes.length > 0 && codes.every((code) => REQUEST_ERROR_CODES.has(code));
  return requestError && mediaType.startsWith('application/json') ? 200 : status;
}

/** Answers a /graphql request refused before (or instead of) GraphQL's answer, in the GraphQL response shape. */
export function sendRefusal(
  req: Request, res: Response, code: HttpErrorCode | PolicyErrorCode, message: string, status: number, extra: Record<string, unknown> = {},
): void {
  requestStateOf(res).errorCodes = [code];
  const mediaType = negotiatedMediaType(req) ?? JSON_MEDIA_TYPE;
  res.status(refusalStatus(mediaType, [code], status));
  res.setHeader('content-type', mediaType);
  res.setHeader('cache-control', 'private, no-store');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] }));
}
