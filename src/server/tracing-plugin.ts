import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context';
import { Tracing } from './tracing';

/** Parse, validation and execution spans under the request's server span (only for requests that have one). */
export function tracingPlugin(tracing: Tracing): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const parent = contextValue.http?.span;
      if (!parent) return;
      const phase = (name: string) => {
        const span = tracing.startChild(parent, name);
        return async (error?: unknown) => Tracing.endWithError(span, error);
      };
      return {
        async parsingDidStart() {
          return phase('graphql.parse');
        },
        async validationDidStart() {
          const end = phase('graphql.validate');
          return async (errors?: readonly Error[]) => end(errors?.[0]);
        },
        async executionDidStart() {
          const end = phase('graphql.execute');
          return { executionDidEnd: end };
        },
      };
    },
  };
}
