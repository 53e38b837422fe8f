import { BREAK, GraphQLError, visit, type DocumentNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Config } from '../config';
import type { Context } from '../context';
import { isEditor, type Viewer } from '../auth/viewer';

/** Apollo hands every request of a document the same parsed DocumentNode, so each is searched once. */
const introspecting = new WeakMap<DocumentNode, boolean>();

/** `__schema` and `__type` exist on the query root only, so any occurrence (fragments included) is introspection. */
function asksForIntrospection(document: DocumentNode): boolean {
  let found = introspecting.get(document);
  if (found === undefined) introspecting.set(document, (found = searchIntrospection(document)));
  return found;
}

function searchIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(field) {
      if (field.name.value === '__schema' || field.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Why this viewer may not run this document, when it introspects and `INTROSPECTION` keeps the schema from them
 * (`editors`: a valid token is needed; `off`: nobody); null when it may run. Used over HTTP and graphql-ws alike.
 */
export function introspectionRefusal(config: Config, viewer: Viewer, document: DocumentNode): GraphQLError | null {
  if (config.introspection === 'public' || !asksForIntrospection(document)) return null;
  if (config.introspection === 'off') {
    return new GraphQLError('Schema introspection is turned off on this server.', { extensions: { code: 'FORBIDDEN' } });
  }
  if (isEditor(viewer)) return null;
  return new GraphQLError('Schema introspection is for editors: send an editor token.', { extensions: { code: 'UNAUTHENTICATED' } });
}

/** Applies `introspectionRefusal` to HTTP operations, answering 401 (no editor token) or 403 (turned off). */
export function introspectionGuard(config: Config): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          const refusal = introspectionRefusal(config, contextValue.viewer, document);
          if (refusal) {
            const status = refusal.extensions.code === 'UNAUTHENTICATED' ? 401 : 403;
            throw new GraphQLError(refusal.message, { extensions: { ...refusal.extensions, http: { status } } });
          }
        },
      };
    },
  };
}
