import { getMetadataStorage } from 'type-graphql';
import {
  type GraphQLField, type GraphQLFieldResolver, GraphQLBoolean, GraphQLFloat, GraphQLID, GraphQLInt, GraphQLObjectType,
  type GraphQLSchema, GraphQLString,
} from 'graphql';

type ParamGetter = (root: unknown, args: Record<string, unknown>, context: Record<string, unknown>, info: unknown) => unknown;
type Storage = ReturnType<typeof getMetadataStorage>;
type ResolverMetadata = Storage['queries'][number] | Storage['fieldResolvers'][number];
type ParamMetadata = NonNullable<ResolverMetadata['params']>[number];

/** Argument types whose values type-graphql passes on as GraphQL gives them (no input class to make, nothing to validate). */
const SCALAR_ARGUMENTS = new Set<unknown>([String, Number, Boolean, GraphQLString, GraphQLID, GraphQLInt, GraphQLFloat, GraphQLBoolean]);

/**
 * type-graphql's wrapper around a resolver, left out where it has nothing to do: a method of a resolver class (a
 * `@FieldResolver` in `@Resolver(() => T)`, or a `@Query`) that takes only its parent (`@Root()`), the context
 * (`@Ctx()`), `@Info()` and scalar or enum arguments (`@Arg`), with no middleware, no `@Authorized` and no constructor
 * arguments, is called directly. The wrapper sorted the method's parameters and built their array and a resolver-data
 * object on every call (a page of twenty articles called it forty times, a tenth of what the page allocated), and
 * validated each argument in a promise of its own: scalars, which our validation passes as they are (./argument-validation.ts),
 * made an article page wait for two. A parent that is not an instance of its class (the wrapper would convert it) still
 * goes through the wrapper. Only the schema's own resolver classes count (as in buildSchema).
 */
export function callFieldResolversDirectly(schema: GraphQLSchema, resolverClasses: readonly Function[]): void {
  const storage = getMetadataStorage();
  const instances = new Map<Function, object>();
  const instanceOf = (target: Function) => {
    let instance = instances.get(target);
    if (!instance) instances.set(target, (instance = new (target as new () => object)()));
    return instance;
  };
  const direct = (metadata: ResolverMetadata, field: GraphQLField<unknown, unknown> | undefined) => {
    const params = [...(metadata.params ?? [])].sort((a, b) => a.index - b.index);
    if (!field?.resolve || !resolverClasses.includes(metadata.target) || metadata.roles || metadata.middlewares?.length || metadata.target.length > 0) return;
    if (!params.every((param) => passedAsGiven(param, storage))) return;
    field.resolve = directResolver(instanceOf(metadata.target), metadata.methodName, params, field.resolve);
  };
  for (const metadata of storage.fieldResolvers) {
    if (metadata.kind !== 'external') continue;
    const objectClass = metadata.getObjectType?.();
    for (const objectType of storage.objectTypes.filter((candidate) => candidate.target === objectClass)) {
      const type = schema.getType(objectType.name);
      direct(metadata, type instanceof GraphQLObjectType ? type.getFields()[metadata.schemaName] : undefined);
    }
  }
  const query = schema.getQueryType();
  for (const metadata of storage.queries) direct(metadata, query?.getFields()[metadata.schemaName]);
}

/** A parameter the wrapper would hand over unchanged: the parent (not a property of it: that is converted), context, info, a scalar argument. */
function passedAsGiven(param: ParamMetadata, storage: Storage): boolean {
  if (param.kind === 'root') return !param.propertyName;
  if (param.kind === 'context' || param.kind === 'info') return true;
  if (param.kind !== 'arg' || param.validateFn || param.validateSettings !== undefined) return false;
  const type = param.getType();
  return SCALAR_ARGUMENTS.has(type) || storage.enums.some((enumType) => enumType.enumObj === type);
}

function directResolver(
  instance: object, methodName: string, params: ParamMetadata[], wrapped: GraphQLFieldResolver<unknown, unknown>,
): GraphQLFieldResolver<unknown, unknown> {
  const method = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName];
  const rootParam = params.find((param) => param.kind === 'root');
  const rootClass = rootParam?.getType?.();
  const getters: ParamGetter[] = params.map((param) => {
    if (param.kind === 'info') return (_root, _args, _context, info) => info;
    if (param.kind === 'arg') {
      const { name } = param;
      return (_root, args) => args[name];
    }
    if (param.kind === 'context') {
      const property = param.propertyName;
      return property ? (_root, _args, context) => context[property] : (_root, _args, context) => context;
    }
    return (root) => root;
  });
  // The wrapper converts a parent that is not an instance of its declared class: left to it.
  const convertsRoot = rootParam !== undefined && typeof rootClass === 'function';
  const [first, second] = getters;
  const call: GraphQLFieldResolver<unknown, Record<string, unknown>, Record<string, unknown>> = getters.length === 0
    ? () => method.call(instance)
    : getters.length === 1
      ? (root, args, context, info) => method.call(instance, first(root, args, context, info))
      : getters.length === 2
        ? (root, args, context, info) => method.call(instance, first(root, args, context, info), second(root, args, context, info))
        : (root, args, context, info) => method.call(instance, ...getters.map((get) => get(root, args, context, info)));
  if (!convertsRoot) return call as GraphQLFieldResolver<unknown, unknown>;
  const RootClass = rootClass as new () => unknown;
  return (root, args, context, info) => (root instanceof RootClass
    ? call(root, args as Record<string, unknown>, context as Record<string, unknown>, info)
    : wrapped(root, args, context, info));
}
