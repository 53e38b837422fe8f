import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema, getNamedType, GraphQLArgument, GraphQLField, GraphQLInputObjectType, GraphQLInputType, GraphQLList,
  GraphQLNonNull, GraphQLSchema, isInputObjectType, isListType, isNonNullType, isScalarType, isLeafType,
} from 'graphql';
import type { TestApp } from './test-app';

/** The graph as clients see it (schema.graphql is emitted from the code and checked against it). */
export function publishedSchema(): GraphQLSchema {
  // From test/support, or dist/test/support once compiled (npm run fuzz).
  const file = [2, 3].map((up) => path.join(__dirname, ...Array(up).fill('..'), 'schema.graphql')).find((f) => fs.existsSync(f));
  return buildSchema(fs.readFileSync(file ?? 'schema.graphql', 'utf8'));
}

/** Scalars sent as JSON strings: each is a string coming in. */
const STRING_SCALARS = new Set(['String', 'ID', 'DateTime']);

export type RootOperation = 'query' | 'mutation' | 'subscription';

/** One place a string goes into the graph: a root field's argument, or a string field inside its input object. */
export interface StringTarget {
  operation: RootOperation;
  /** e.g. `article(slug)`, `pushBreakingNews(input.headline)`. */
  name: string;
  /** The document, taking the argument as `$v`. */
  document: string;
  /** The variables putting `text` where the target is. */
  variables(text: string): Record<string, unknown>;
  /** How a BAD_USER_INPUT error names it. */
  field: string;
}

/** `{ __typename }` for a field returning an object, nothing for a scalar. */
export function selectionFor(field: GraphQLField<unknown, unknown>): string {
  return isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
}

/** A value of `type` holding `inner` at its innermost level (lists wrap it once per list level). */
function wrap(type: GraphQLInputType, inner: unknown): unknown {
  const nullable = isNonNullType(type) ? type.ofType : type;
  return isListType(nullable) ? [wrap(nullable.ofType as GraphQLInputType, inner)] : inner;
}

/** Every string field of an input object (looking a few levels down), with how to build a value around each. */
function stringFields(type: GraphQLInputObjectType, depth = 0): { path: string[]; build(text: string): unknown }[] {
  if (depth > 3) return [];
  return Object.values(type.getFields()).flatMap((field) => {
    const named = getNamedType(field.type);
    if (isScalarType(named) && STRING_SCALARS.has(named.name)) {
      return [{ path: [field.name], build: (text: string) => ({ [field.name]: wrap(field.type, text) }) }];
    }
    if (!isInputObjectType(named)) return [];
    const listed = isListType(isNonNullType(field.type) ? field.type.ofType : field.type);
    return stringFields(named, depth + 1).map((inner) => ({
      path: [field.name, ...(listed ? ['0'] : []), ...inner.path],
      build: (text: string) => ({ [field.name]: wrap(field.type, inner.build(text)) }),
    }));
  });
}

function typeString(type: GraphQLInputType): string {
  if (type instanceof GraphQLNonNull) return `${typeString(type.ofType)}!`;
  if (type instanceof GraphQLList) return `[${typeString(type.ofType)}]`;
  return getNamedType(type).name;
}

/** Every argument of every root field that takes a string, and every string field of the input objects they take. */
export function stringTargets(schema: GraphQLSchema): StringTarget[] {
  const roots: [RootOperation, ReturnType<GraphQLSchema['getQueryType']>][] = [
    ['query', schema.getQueryType()], ['mutation', schema.getMutationType()], ['subscription', schema.getSubscriptionType()],
  ];
  const targets: StringTarget[] = [];
  for (const [operation, root] of roots) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      for (const argument of field.args as GraphQLArgument[]) {
        const named = getNamedType(argument.type);
        // The other required arguments are variables left unsent: the rule refuses the operation before they are read.
        const others = field.args.filter((other) => other !== argument && isNonNullType(other.type));
        const definitions = [`$v: ${typeString(argument.type)}`, ...others.map((other) => `$${other.name}: ${typeString(other.type)}`)];
        const args = [`${argument.name}: $v`, ...others.map((other) => `${other.name}: $${other.name}`)];
        const document = `${operation}(${definitions.join(', ')}) { ${field.name}(${args.join(', ')})${selectionFor(field)} }`;
        if (isScalarType(named) && STRING_SCALARS.has(named.name)) {
          targets.push({
            operation, name: `${field.name}(${argument.name})`, document, field: argument.name,
            variables: (text) => ({ v: wrap(argument.type, text) }),
          });
        } else if (isInputObjectType(named)) {
          for (const inner of stringFields(named)) {
            targets.push({
              operation, name: `${field.name}(${argument.name}.${inner.path.join('.')})`, document, field: inner.path.join('.'),
              variables: (text) => ({ v: wrap(argument.type, inner.build(text)) }),
            });
          }
        }
      }
    }
  }
  return targets;
}

/**
 * A checksum of every row of every table: equal before and after a request when it changed nothing. Sequences are
 * left out (a refused write may have drawn a number, which changes no row).
 */
export async function tablesChecksum(app: Pick<TestApp, 'sql'>): Promise<Record<string, string>> {
  const tables = await app.sql<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`);
  const sums: Record<string, string> = {};
  for (const { name } of tables) {
    const [{ sum }] = await app.sql<{ sum: string }>(
      `SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS sum FROM "${name}" t`);
    sums[name] = sum;
  }
  return sums;
}
