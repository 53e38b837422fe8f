import { getMetadataStorage } from 'type-graphql';
import { type GraphQLFieldResolver, GraphQLObjectType, type GraphQLSchema } from 'graphql';

type ParamGetter = (root: unknown, context: Record<string, unknown>, info: unknown) => unknown;

/**
 * type-graphql's wrapper around a field resolver, left out where it has nothing to do: a method of a resolver class
 * (`@FieldResolver` in `@Resolver(() => T)`) that takes only its parent (`@Root()`), the context (`@Ctx()`) and
 * `@Info()`, with no middleware, no `@Authorized` and no constructor arguments, is called directly. The wrapper sorted
 * the method's parameters and built their array and a resolver-data object on every call: a page of twenty articles
 * called it forty times, a tenth of what the page allocated. A parent that is not an instance of its class (the wrapper
 * would convert it) still goes through the wrapper. Only the schema's own resolver classes count (as in buildSchema).
 */
export function callFieldResolversDirectly(schema: GraphQLSchema, resolverClasses: readonly Function[]): void {
  const storage = getMetadataStorage();
  const instances = new Map<Function, object>();
  for (const metadata of storage.fieldResolvers) {
    const target = metadata.target as new () => Record<string, (...args: unknown[]) => unknown>;
    const params = [...(metadata.params ?? [])].sort((a, b) => a.index - b.index);
    if (metadata.kind !== 'external' || !resolverClasses.includes(metadata.target) || metadata.roles || metadata.middlewares?.length || target.length > 0) continue;
    // A parent's property (`@Root('name')`) is converted to its type by the wrapper: left to it.
    if (!params.every((param) => (param.kind === 'root' && !param.propertyName) || param.kind === 'context' || param.kind === 'info')) continue;
    const objectClass = metadata.getObjectType?.();
    for (const objectType of storage.objectTypes.filter((candidate) => candidate.target === objectClass)) {
      const type = schema.getType(objectType.name);
      const field = type instanceof GraphQLObjectType ? type.getFields()[metadata.schemaName] : undefined;
      if (!field?.resolve) continue;
      let instance = instances.get(target);
      if (!instance) instances.set(target, (instance = new target()));
      field.resolve = directResolver(instance, metadata.methodName, params, field.resolve);
    }
  }
}

function directResolver(
  instance: object, methodName: string, params: { kind: string; propertyName?: string; getType?: () => unknown }[],
  wrapped: GraphQLFieldResolver<unknown, unknown>,
): GraphQLFieldResolver<unknown, unknown> {
  const method = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName];
  const rootParam = params.find((param) => param.kind === 'root');
  const rootClass = rootParam?.getType?.();
  const getters: ParamGetter[] = params.map((param) => {
    if (param.kind === 'info') return (_root, _context, info) => info;
    const property = param.propertyName;
    if (param.kind === 'context') return property ? (_root, context) => context[property] : (_root, context) => context;
    return (root) => root;
  });
  // The wrapper converts a parent that is not an instance of its declared class: left to it.
  const convertsRoot = rootParam !== undefined && typeof rootClass === 'function';
  const [first, second] = getters;
  const call: GraphQLFieldResolver<unknown, Record<string, unknown>> = getters.length === 0
    ? () => method.call(instance)
    : getters.length === 1
      ? (root, _args, context, info) => method.call(instance, first(root, context, info))
      : getters.length === 2
        ? (root, _args, context, info) => method.call(instance, first(root, context, info), second(root, context, info))
        : (root, _args, context, info) => method.call(instance, ...getters.map((get) => get(root, context, info)));
  if (!convertsRoot) return call as GraphQLFieldResolver<unknown, unknown>;
  const RootClass = rootClass as new () => unknown;
  return (root, args, context, info) => (root instanceof RootClass
    ? call(root, args, context as Record<string, unknown>, info)
    : wrapped(root, args, context, info));
}
