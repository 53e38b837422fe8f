import {
  DocumentNode, FieldNode, FragmentDefinitionNode, getNamedType, GraphQLCompositeType, GraphQLField, GraphQLSchema,
  isCompositeType, isLeafType, isListType, isNonNullType, Kind, OperationDefinitionNode,
  SelectionSetNode, ValueNode, valueFromASTUntyped, GraphQLOutputType,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../shared/relay';

/** What limits look at that does not depend on variables: computed once per parsed document. */
export interface DocumentShape {
  depth: number;
  aliases: number;
  /** Whether a page size (`first`/`last`) comes from a variable; otherwise the cost is the same for every request. */
  variablePageSizes: boolean;
}

/**
 * Assumed sizes of lists that take no page size: each item costs its own selection, so list sizes multiply.
 * Paged fields (`first`/`last`) cost what they ask for, a connection's `edges` as many as its page.
 */
const LIST_SIZES: Record<string, number> = {
  'Article.people': 5,
  'Article.regions': 5,
  'Article.body': 30,
  'Region.children': 15,
  'Query.regions': 100,
  'Query.categories': 20,
};
const DEFAULT_LIST_SIZE = 10;

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/**
 * Depth and aliases of an operation, fragments expanded (validation has ruled out cycles). Introspection does not
 * count towards depth: graphql-js's own MaxIntrospectionDepthRule bounds it.
 */
export function shapeOf(document: DocumentNode, operation: OperationDefinitionNode): DocumentShape {
  const fragments = fragmentsOf(document);
  const shape: DocumentShape = { depth: 0, aliases: 0, variablePageSizes: false };
  const countedFragments = new Set<string>();
  const walk = (set: SelectionSetNode, depth: number, introspection: boolean, countAliases: boolean): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (countAliases && selection.alias) shape.aliases += 1;
        if (selection.arguments?.some((a) => (a.name.value === 'first' || a.name.value === 'last') && a.value.kind === Kind.VARIABLE)) {
          shape.variablePageSizes = true;
        }
        const name = selection.name.value;
        const inIntrospection = introspection || name === '__schema' || name === '__type';
        if (!inIntrospection && name !== '__typename') shape.depth = Math.max(shape.depth, depth + 1);
        if (selection.selectionSet) walk(selection.selectionSet, inIntrospection ? depth : depth + 1, inIntrospection, countAliases);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, introspection, countAliases);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) continue;
        // A fragment's aliases are written once, however often it is spread.
        const first = !countedFragments.has(fragment.name.value);
        countedFragments.add(fragment.name.value);
        walk(fragment.selectionSet, depth, introspection, countAliases && first);
      }
    }
  };
  walk(operation.selectionSet, 0, false, true);
  return shape;
}

function argumentValue(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const argument = field.arguments?.find((a) => a.name.value === name);
  if (!argument) return undefined;
  return valueFromASTUntyped(argument.value as ValueNode, variables);
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/**
 * The cost of an operation for these variables: every object resolved costs 1, scalars cost nothing, and a list
 * multiplies the cost of its items by its size. Abstract selections add up their type conditions (an upper bound).
 */
export function costOf(
  schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, rawVariables: Record<string, unknown> = {},
): number {
  const fragments = fragmentsOf(document);
  const variables: Record<string, unknown> = { ...rawVariables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (variables[name] === undefined && definition.defaultValue) variables[name] = valueFromASTUntyped(definition.defaultValue);
  }
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;

  const pageSizeOf = (field: FieldNode, definition: GraphQLField<unknown, unknown>): number | undefined => {
    for (const name of ['first', 'last']) {
      const argument = definition.args.find((a) => a.name === name);
      if (!argument) continue;
      const value = argumentValue(field, name, variables);
      if (typeof value === 'number') return Math.max(0, Math.min(value, MAX_PAGE_SIZE));
      if (name === 'last') continue;
      return typeof argument.defaultValue === 'number' ? argument.defaultValue : DEFAULT_PAGE_SIZE;
    }
    return undefined;
  };

  const selectionCost = (parent: GraphQLCompositeType, set: SelectionSetNode, pageSize: number | undefined): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT || selection.kind === Kind.FRAGMENT_SPREAD) {
        const inner = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
        if (!inner) continue;
        const condition = inner.typeCondition ? schema.getType(inner.typeCondition.name.value) : parent;
        if (condition && isCompositeType(condition)) cost += selectionCost(condition, inner.selectionSet, pageSize);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__') || !selection.selectionSet) continue;
      const definition = 'getFields' in parent ? parent.getFields()[name] : undefined;
      if (!definition) continue;
      const named = getNamedType(definition.type);
      if (isLeafType(named) || !isCompositeType(named)) continue;
      const ownPageSize = pageSizeOf(selection, definition);
      const list = isList(definition.type);
      const size = !list ? 1
        : ownPageSize ?? (name === 'edges' && pageSize !== undefined ? pageSize : LIST_SIZES[`${parent.name}.${name}`] ?? DEFAULT_LIST_SIZE);
      // A connection hands its page size down to its `edges`.
      cost += size * (1 + selectionCost(named, selection.selectionSet, list ? undefined : ownPageSize));
    }
    return cost;
  };
  return selectionCost(root, operation.selectionSet, undefined);
}
