import type { ApolloServerPlugin } from '@apollo/server';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import type { EdgeConfig } from '../config';
import { costOf, DocumentShape, shapeOf } from './query-analysis';
import { edgeError } from './errors';

/** An operation's shape, and its cost once computed when no variable sets a page size. */
type Analysis = DocumentShape & { cost?: number };

/** Documents come from Apollo's parsed-document cache, so a document's shape is computed once, not per request. */
const shapes = new WeakMap<DocumentNode, Map<OperationDefinitionNode, Analysis>>();

function cachedShape(document: DocumentNode, operation: OperationDefinitionNode): Analysis {
  let byOperation = shapes.get(document);
  if (!byOperation) shapes.set(document, (byOperation = new Map()));
  let shape = byOperation.get(operation);
  if (!shape) byOperation.set(operation, (shape = shapeOf(document, operation)));
  return shape;
}

/** Depth, alias and cost limits, checked once the operation is known and before anything runs. */
export function limitsPlugin(limits: Pick<EdgeConfig, 'maxDepth' | 'maxAliases' | 'maxCost'>): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return;
          const shape = cachedShape(document, operation);
          if (shape.depth > limits.maxDepth) {
            throw edgeError('QUERY_TOO_DEEP', `The query is ${shape.depth} levels deep; the limit is ${limits.maxDepth}.`, 400,
              { depth: shape.depth, limit: limits.maxDepth });
          }
          if (shape.aliases > limits.maxAliases) {
            throw edgeError('TOO_MANY_ALIASES', `The query uses ${shape.aliases} aliases; the limit is ${limits.maxAliases}.`, 400,
              { aliases: shape.aliases, limit: limits.maxAliases });
          }
          // Page sizes written in the document cost the same every time: computed once.
          const cost = shape.variablePageSizes ? costOf(schema, document, operation, request.variables ?? {})
            : (shape.cost ??= costOf(schema, document, operation));
          if (cost > limits.maxCost) {
            throw edgeError('QUERY_TOO_COMPLEX', `The query costs ${cost}; the limit is ${limits.maxCost}. Ask for smaller pages or fewer nested lists.`,
              400, { cost, limit: limits.maxCost });
          }
        },
      };
    },
  };
}
