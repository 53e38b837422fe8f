import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import type { Logger } from 'pino';
import { PUBLIC_ERROR_CODES } from '../shared/errors';
import { requestScope } from '../db/request-scope';

/** Flattens class-validator errors into "field: reason" pairs, nested inputs as dotted paths. */
function violations(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...violations(e.children ?? [], field)];
  });
}

/**
 * Clients see coded errors with readable messages; anything unexpected is logged with the
 * request id and reaches the client as a bare INTERNAL_SERVER_ERROR (no SQL, no stack).
 */
export function makeErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof ArgumentValidationError) {
      const list = violations(original.extensions.validationErrors as ValidationError[]);
      return {
        message: list.map((v) => v.message).join('; ') || original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT', field: list[0]?.field, violations: list },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PUBLIC_ERROR_CODES.has(code)) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const requestId = requestScope.getStore()?.requestId;
    logger.error({ err: original, requestId, path: formatted.path }, 'unexpected error while resolving');
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    };
  };
}
