import {
  defaultFieldResolver, getNamedType, GraphQLField, GraphQLNamedType, GraphQLObjectType, GraphQLSchema, isInterfaceType, isListType,
  isNonNullType, isObjectType,
} from 'graphql';
import { ArticleType } from '../modules/article/article.type';
import { TickerType } from '../modules/ticker/ticker.type';

/** Types whose changes reach readers through outbox events; their tags are what purges evict. */
export const TAGGED_TYPES = ['Article', 'Ticker'] as const;
export type TaggedType = (typeof TAGGED_TYPES)[number];

/** `Article:12` for one article; `Article` for responses a new article could change (lists, and lookups that found nothing). */
export function entityTag(type: TaggedType, id: number): string {
  return `${type}:${id}`;
}

function tagOf(value: unknown): string | undefined {
  if (value instanceof ArticleType) return entityTag('Article', value.dbId);
  if (value instanceof TickerType) return entityTag('Ticker', value.dbId);
  return undefined;
}

function collect(value: unknown, tags: Set<string>): void {
  if (value == null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, tags);
    return;
  }
  const tag = tagOf(value);
  if (tag) tags.add(tag);
  else if (Array.isArray((value as { edges?: unknown }).edges)) {
    for (const edge of (value as { edges: { node?: unknown }[] }).edges) collect(edge?.node, tags);
  }
}

/** Relay-shaped, whatever its name (articles, a person's articles, search results): `edges { node }`. */
function isConnection(type: GraphQLObjectType): boolean {
  const edges = type.getFields().edges;
  const edge = edges && getNamedType(edges.type);
  return !!edge && isObjectType(edge) && 'node' in edge.getFields();
}

function isEdge(type: GraphQLObjectType): boolean {
  const fields = type.getFields();
  return 'node' in fields && 'cursor' in fields;
}

/** The tagged type a field returns, directly, in a list, or as a connection's nodes; `Node` may be any of them. */
function taggedTypesOf(field: GraphQLField<unknown, unknown>): { types: TaggedType[]; many: boolean } | undefined {
  const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
  const many = isListType(unwrapped);
  const named: GraphQLNamedType = getNamedType(field.type);
  if ((TAGGED_TYPES as readonly string[]).includes(named.name)) return { types: [named.name as TaggedType], many };
  if (isInterfaceType(named) && named.name === 'Node') return { types: [...TAGGED_TYPES], many };
  if (isObjectType(named) && isConnection(named)) {
    const edge = getNamedType(named.getFields().edges.type);
    const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
    const nodeType = node ? getNamedType(node.type).name : '';
    if ((TAGGED_TYPES as readonly string[]).includes(nodeType)) return { types: [nodeType as TaggedType], many: true };
  }
  return undefined;
}

/** Where a request's tags are collected: present on the context of anonymous reads only. */
export interface TagCollector {
  tags: Set<string> | null;
}

/**
 * Wraps the resolvers that return articles or tickers so that an anonymous response records which ones it
 * contains: a few fields per query (lists, lookups, Ticker.article), not every field as cache hints would.
 */
export function instrumentEntityTags(schema: GraphQLSchema, collectorOf: (context: unknown) => TagCollector | undefined): void {
  for (const type of Object.values(schema.getTypeMap())) {
    // Connections and edges are covered by the field that returns the connection.
    if (!isObjectType(type) || type.name.startsWith('__') || isConnection(type) || isEdge(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const tagged = taggedTypesOf(field);
      if (!tagged) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const record = (value: unknown, tags: Set<string>) => {
        if (tagged.many || value == null) for (const collection of tagged.types) tags.add(collection);
        collect(value, tags);
        return value;
      };
      field.resolve = (source, args, context, info) => {
        const tags = collectorOf(context)?.tags;
        const value = resolve(source, args, context, info);
        if (!tags) return value;
        return value instanceof Promise ? value.then((resolved) => record(resolved, tags)) : record(value, tags);
      };
    }
  }
}
