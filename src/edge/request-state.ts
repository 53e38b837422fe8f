import type { Span } from '@opentelemetry/api';

/** What the edge learns about one /graphql request, from its arrival to its log line. */
export interface RequestEdge {
  requestId: string;
  startedAt: number;
  /** Entity tags of what the response contains; null unless this is a single anonymous read. */
  tags: Set<string> | null;
  cacheKey?: string;
  cacheEpoch?: string;
  cache: 'HIT' | 'MISS' | 'BYPASS';
  operationName?: string;
  operationType?: string;
  errorCodes: string[];
  sqlStatements?: number;
  persisted: boolean;
  /** The request's server span, when tracing is on. */
  span?: Span;
}
