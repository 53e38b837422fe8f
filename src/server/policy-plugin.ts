import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import { OperationPolicy, refusalError } from './operation-policy';

/**
 * The operation policy's checks of a parsed, validated operation (depth, aliases, cost, introspection) on the HTTP
 * path, before anything runs; a refusal answers with its status (400, or 401/403 for introspection).
 */
export function operationPolicyPlugin(policy: OperationPolicy): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          const refused = policy.checkOperation(schema, document, operation, request.variables, contextValue.viewer);
          if (refused) throw refusalError(refused, { withHttpStatus: true });
        },
      };
    },
  };
}
