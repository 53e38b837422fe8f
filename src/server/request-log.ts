import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import type { Context } from '../context';
import type { Metrics } from './metrics';
import { beginRequestState } from './request-state';
import { Tracing } from './tracing';

interface Deps {
  logger: Logger;
  metrics: Metrics | null;
  tracing: Tracing | null;
}

/**
 * The first step of the /graphql route: a request id (the caller's `x-request-id`, or a new one), the request's
 * state and server span; once the response is sent, one log line, the metrics and the end of the span.
 * No IPs, tokens or variables.
 */
export function recordRequests({ logger, metrics, tracing }: Deps): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || crypto.randomUUID();
    res.setHeader('x-request-id', requestId);
    const state = beginRequestState(res, requestId);
    state.span = tracing?.startRequest(req.headers.traceparent as string | undefined, {
      'http.request.method': req.method, 'url.path': req.baseUrl || req.path, 'khabar.request_id': requestId,
    });
    res.on('finish', () => {
      const seconds = (performance.now() - state.startedAt) / 1000;
      const sentName = state.params?.operationName;
      const operation = state.operationName ?? (typeof sentName === 'string' ? sentName : undefined);
      const errors = state.errorCodes;
      if (metrics) {
        const label = metrics.operationLabel(operation);
        metrics.requests.inc({ operation: label, status: String(res.statusCode), cache: state.cache });
        metrics.duration.observe({ operation: label }, seconds);
        for (const code of errors) metrics.errors.inc({ code });
        if (state.sqlStatements !== undefined) metrics.sqlStatements.observe(state.sqlStatements);
        if (state.cache !== 'BYPASS') metrics.cacheLookups.inc({ result: state.cache === 'HIT' ? 'hit' : 'miss' });
      }
      if (state.span) {
        state.span.setAttributes({
          'http.response.status_code': res.statusCode, 'graphql.operation.name': operation ?? '',
          'graphql.operation.type': state.operationType ?? '', 'khabar.cache': state.cache, 'khabar.sql_statements': state.sqlStatements ?? 0,
        });
        Tracing.endWithError(state.span, res.statusCode >= 500 ? `HTTP ${res.statusCode}` : undefined);
      }
      if (logger.isLevelEnabled('info')) {
        logger.info({
          requestId, traceId: state.span?.spanContext().traceId, method: req.method, operation, operationType: state.operationType,
          status: res.statusCode, durationMs: Math.round(seconds * 10_000) / 10, cache: state.cache, sqlStatements: state.sqlStatements,
          persisted: state.persisted || undefined, errors: errors.length ? errors : undefined,
        }, 'graphql request');
      }
    });
    next();
  };
}

/** Notes in the request's state what GraphQL did: the operation, its SQL statements and the codes of its errors. */
export function requestLogPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response, operation, operationName }) {
          const state = contextValue.http;
          if (!state) return;
          state.operationName = operationName ?? undefined;
          state.operationType = operation?.operation;
          state.sqlStatements = contextValue.sql.statements;
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          for (const error of errors ?? []) state.errorCodes.push(String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
        },
      };
    },
  };
}
