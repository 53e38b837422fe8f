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

/** Answers a /graphql request refused before (or instead of) GraphQL's answer, in the GraphQL response shape. */
export function sendRefusal(
  req: Request, res: Response, code: HttpErrorCode | PolicyErrorCode, message: string, status: number, extra: Record<string, unknown> = {},
): void {
  requestStateOf(res).errorCodes = [code];
  res.status(status);
  res.setHeader('content-type', negotiatedMediaType(req) ?? JSON_MEDIA_TYPE);
  res.setHeader('cache-control', 'private, no-store');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] }));
}
