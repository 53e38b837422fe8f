import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { ApolloServerPlugin } from '@apollo/server';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import type { Logger } from 'pino';
import { PUBLIC_ERROR_CODES } from '../shared/errors';
import { isDatabaseUnavailable } from '../db/unavailable';
import { POLICY_ERROR_CODES } from './operation-policy';
import type { Context } from '../context';

/** Flattens class-validator errors into "field: reason" pairs, nested inputs as dotted paths. */
function violations(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...violations(e.children ?? [], field)];
  });
}

const EXPECTED_CODES: ReadonlySet<string> = new Set([...PUBLIC_ERROR_CODES, ...POLICY_ERROR_CODES]);

function isExpected(code: unknown, original: unknown): boolean {
  return original instanceof ArgumentValidationError || (typeof code === 'string' && EXPECTED_CODES.has(code))
    || isDatabaseUnavailable(original);
}

/** An outage, not a fault of the request: answered 503 with Retry-After (databaseUnavailableStatus), never masked. */
export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';

/**
 * Clients see coded errors with readable messages; anything unexpected reaches them as a bare
 * INTERNAL_SERVER_ERROR (no SQL, no stack) and is logged by `logUnexpectedErrors` with the request id.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
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
  if (isDatabaseUnavailable(original)) {
    return {
      message: 'The database is unavailable for a moment; try again shortly.',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: DATABASE_UNAVAILABLE },
    };
  }
  if (isExpected(formatted.extensions?.code, original)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

export function logUnexpectedErrors(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            if (isExpected(error.extensions?.code, original)) continue;
            logger.error({ err: original, requestId: contextValue.requestId, operationName, path: error.path }, 'unexpected error');
          }
        },
      };
    },
  };
}

/** Seconds a client is told to wait before retrying after DATABASE_UNAVAILABLE: a restart takes a few. */
const RETRY_AFTER_SECONDS = 2;

/** A response carrying DATABASE_UNAVAILABLE is a 503 with Retry-After, so load balancers and clients back off. */
export const databaseUnavailableStatus: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        if (!errors?.some((error) => error.extensions?.code === DATABASE_UNAVAILABLE)) return;
        response.http.status = 503;
        response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
      },
    };
  },
};
