import type { Request, Response } from 'express';
import type { PolicyErrorCode } from '../server/operation-policy';

/** Codes of refusals made on the HTTP path only, besides the operation policy's (the same on both transports). */
export type HttpErrorCode = 'CSRF_REFUSED' | 'PAYLOAD_TOO_LARGE' | 'BATCHING_DISABLED' | 'BATCH_TOO_LARGE' | 'REQUEST_TIMEOUT';
export type EdgeErrorCode = HttpErrorCode | PolicyErrorCode;

export const JSON_MEDIA_TYPE = 'application/json; charset=utf-8';
export const GRAPHQL_RESPONSE_MEDIA_TYPE = 'application/graphql-response+json; charset=utf-8';

/** The response media type a client asked for (GraphQL over HTTP), application/json when it does not say. */
export function negotiatedMediaType(req: Request): string | null {
  if (!req.headers.accept) return JSON_MEDIA_TYPE;
  const preferred = req.accepts(['application/json', 'application/graphql-response+json']);
  if (preferred === 'application/json') return JSON_MEDIA_TYPE;
  return preferred ? GRAPHQL_RESPONSE_MEDIA_TYPE : null;
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
