import {
  defaultFieldResolver, getNamedType, GraphQLField, GraphQLNamedType, GraphQLObjectType, GraphQLSchema, isInterfaceType, isListType,
  isNonNullType, isObjectType,
} from 'graphql';
import { ArticleType } from '../../modules/article/article.type';
import { ArticleConnection } from '../../modules/article/article.connection';
import { listOfFilter, listTag } from '../../modules/article/article-lists';
import { TickerType } from '../../modules/ticker/ticker.type';
import { PersonType } from '../../modules/person/person.type';
import { CategoryType } from '../../modules/category/category.type';
import { RegionType } from '../../modules/region/region.type';
import { parseRegionCode } from '../../modules/region/region-code';
import { ImageType } from '../../modules/media/image.type';
import { LiveEntryType } from '../../modules/live/live.type';
import { DEPENDS_ON_TAGS, DependsOnTags, tagOf } from '../../shared/cache-tags';

/** Types whose changes reach readers through outbox events; their tags are what purges evict. */
export const TAGGED_TYPES = ['Article', 'Ticker'] as const;
/**
 * Reference data and images, tagged where a query's root field returns them (a person's, section's or place's page, their
 * lists, image(id:)); shown inside articles they are covered by the SHOWN_UPDATED events of those articles (see
 * announceArticlesShowing in article/reference-changes.ts, and the image writer's announce).
 */
export const REFERENCE_TYPES = ['Person', 'Region', 'Category', 'Image'] as const;
export type TaggedType = (typeof TAGGED_TYPES)[number] | (typeof REFERENCE_TYPES)[number];

/**
 * `Article:12` for one article (`Region:MA-04` for a place); `Article` for responses a new one could change (searches,
 * lookups that found nothing); lists of articles drawn by a filter have their list's tag (`List:region:MA-04`).
 */
export function entityTag(type: TaggedType, id: number | string): string {
  return tagOf(type, id);
}

function addTagsOf(value: object, tags: Set<string>): boolean {
  if (value instanceof ArticleType) tags.add(entityTag('Article', value.dbId));
  else if (value instanceof TickerType) {
    tags.add(entityTag('Ticker', value.dbId));
    // Breaking news shows its region's name.
    if (value.regionCode) tags.add(entityTag('Region', value.regionCode));
  } else if (value instanceof PersonType) tags.add(entityTag('Person', value.dbId));
  else if (value instanceof CategoryType) tags.add(entityTag('Category', value.dbId));
  else if (value instanceof ImageType) tags.add(entityTag('Image', value.dbId));
  // A live blog's events name its article (live.events.ts): an entry read alone, by node(id:), goes with it.
  else if (value instanceof LiveEntryType) tags.add(entityTag('Article', value.articleId));
  else if (value instanceof RegionType) {
    // A place's page shows its parent; its children's changes name it (see RegionWriter), so its own code covers them.
    tags.add(entityTag('Region', value.code));
    if (value.parentCode) tags.add(entityTag('Region', value.parentCode));
  } else return false;
  return true;
}

function collect(value: unknown, tags: Set<string>): void {
  if (value == null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, tags);
    return;
  }
  if (addTagsOf(value, tags)) return;
  if (Array.isArray((value as { edges?: unknown }).edges)) {
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

/**
 * The tagged types a field returns, directly, in a list, or as a connection's nodes; `Node` may be any of them.
 * Reference types count on root fields only; `reference` says the field returns nothing else.
 */
function taggedTypesOf(field: GraphQLField<unknown, unknown>, root: boolean): { types: TaggedType[]; many: boolean; reference: boolean } | undefined {
  const taggable: readonly string[] = root ? [...TAGGED_TYPES, ...REFERENCE_TYPES] : TAGGED_TYPES;
  const result = (types: TaggedType[], many: boolean) =>
    ({ types, many, reference: types.every((type) => (REFERENCE_TYPES as readonly string[]).includes(type)) });
  const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
  const many = isListType(unwrapped);
  const named: GraphQLNamedType = getNamedType(field.type);
  if (taggable.includes(named.name)) return result([named.name as TaggedType], many);
  if (isInterfaceType(named) && named.name === 'Node') return result(taggable as TaggedType[], many);
  if (isObjectType(named) && isConnection(named)) {
    const edge = getNamedType(named.getFields().edges.type);
    const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
    const nodeType = node ? getNamedType(node.type).name : '';
    if (taggable.includes(nodeType)) return result([nodeType as TaggedType], true);
  }
  return undefined;
}

/** Where a request's tags are collected: present on the context of anonymous reads only. */
export interface TagCollector {
  tags: Set<string> | null;
}

/**
 * Wraps the resolvers that return articles or tickers, and the root fields that return people, sections or places,
 * so that an anonymous response records which ones it contains: a few fields per query (lists, lookups,
 * Ticker.article, feeds), not every field as cache hints would; and the fields that say what else they depend on
 * (`DEPENDS_ON_TAGS`).
 */
export function instrumentEntityTags(schema: GraphQLSchema, collectorOf: (context: unknown) => TagCollector | undefined): void {
  const queryType = schema.getQueryType();
  for (const type of Object.values(schema.getTypeMap())) {
    // Connections and edges are covered by the field that returns the connection.
    if (!isObjectType(type) || type.name.startsWith('__') || isConnection(type) || isEdge(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const dependsOn = field.extensions?.[DEPENDS_ON_TAGS] as DependsOnTags | undefined;
      if (dependsOn) {
        const resolveField = field.resolve ?? defaultFieldResolver;
        field.resolve = (source, args, context, info) => {
          const tags = collectorOf(context)?.tags;
          if (tags) for (const tag of dependsOn(args)) tags.add(tag);
          return resolveField(source, args, context, info);
        };
      }
      const root = type === queryType;
      const tagged = taggedTypesOf(field, root);
      if (!tagged) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const record = (value: unknown, tags: Set<string>) => {
        // A list of articles drawn by a filter is one of the lists readers see: a change purges it by that list's tag
        // when the article is in it, not on every publication as the type's tag would.
        if (value instanceof ArticleConnection) tags.add(listTag(listOfFilter(value.filter)));
        else if (tagged.many || value == null) for (const collection of tagged.types) tags.add(collection);
        // Every change of reference data purges its lists, so they need no ids, however long.
        if (!(tagged.many && tagged.reference)) collect(value, tags);
        return value;
      };
      field.resolve = (source, args, context, info) => {
        const tags = collectorOf(context)?.tags;
        const value = resolve(source, args, context, info);
        if (!tags) return value;
        // A list of a place's articles changes when a place moves into or out of it (RegionWriter purges both codes).
        const regionCode = root ? (args as { filter?: { regionCode?: unknown } }).filter?.regionCode : undefined;
        const code = typeof regionCode === 'string' ? parseRegionCode(regionCode) : null;
        if (code) tags.add(entityTag('Region', code));
        return value instanceof Promise ? value.then((resolved) => record(resolved, tags)) : record(value, tags);
      };
    }
  }
}
