import type { Response } from 'express';
import type { Span } from '@opentelemetry/api';
import type { GraphQLParams } from './request-gate';

/** What is recorded about one /graphql request over HTTP, from its arrival to its log line. */
export interface HttpRequestState {
  requestId: string;
  startedAt: number;
  /** The operation as sent (GET query string or POST body); null for batches and bodies that are not one. */
  params: GraphQLParams | null;
  /** Entity tags of what the response contains; null unless this is a single anonymous read. */
  tags: Set<string> | null;
  /** Where a cache miss will be stored, and the cache's epoch when it was looked up. */
  cacheKey?: string;
  cacheEpoch?: string;
  cache: 'HIT' | 'MISS' | 'BYPASS';
  operationName?: string;
  operationType?: string;
  /** Codes of the errors sent, refusals before GraphQL included. */
  errorCodes: string[];
  sqlStatements?: number;
  persisted: boolean;
  /** The request's server span, when tracing is on. */
  span?: Span;
}

const states = new WeakMap<Response, HttpRequestState>();

/** Starts the record of a request; every later step of the /graphql route reads it with `requestStateOf`. */
export function beginRequestState(res: Response, requestId: string): HttpRequestState {
  const state: HttpRequestState = {
    requestId, startedAt: performance.now(), params: null, tags: null, cache: 'BYPASS', errorCodes: [], persisted: false,
  };
  states.set(res, state);
  return state;
}

export function requestStateOf(res: Response): HttpRequestState {
  const state = states.get(res);
  if (!state) throw new Error('No request state: the /graphql route begins it before any other step');
  return state;
}
