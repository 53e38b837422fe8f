import { registerEnumType } from 'type-graphql';

/**
 * A GraphQL enum whose values are `values`, each described by `describe`: how enums are derived from a feature's
 * event catalogue rather than written again. Returns the enum object type-graphql fields name.
 */
export function graphqlEnumOf<V extends string>(name: string, description: string, values: readonly V[], describe: (value: V) => string): Record<V, V> {
  const enumObject = Object.fromEntries(values.map((value) => [value, value])) as Record<V, V>;
  registerEnumType(enumObject, {
    name,
    description,
    valuesConfig: Object.fromEntries(values.map((value) => [value, { description: describe(value) }])) as Record<V, { description: string }>,
  });
  return enumObject;
}
