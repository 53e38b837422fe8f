import { ClassType, Field, Int, ObjectType, ArgsType } from 'type-graphql';
import { Max, Min } from 'class-validator';
import { badInput } from './errors';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

@ObjectType({ simpleResolvers: true, description: 'Where a page sits in its connection (Relay cursor pagination).' })
export class PageInfo {
  @Field({ description: 'True when more items follow the last edge of this page.' })
  hasNextPage: boolean;

  @Field({ description: 'True when items precede the first edge of this page.' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge, to page backwards with `before`.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge, to page forwards with `after`.' })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Builds the Edge type of a node type and the abstract base of its Connection type. */
export function connectionTypes<T extends object>(node: ClassType<T>, name: string, nodeDescription: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${nodeDescription} in a page, with its cursor.` })
  class EdgeType {
    @Field({ description: 'Opaque cursor of this edge, for `after`/`before`.' })
    cursor: string;

    @Field(() => node, { description: `The ${nodeDescription}.` })
    node: T;
  }

  @ObjectType({ simpleResolvers: true })
  abstract class ConnectionBase {
    @Field(() => [EdgeType], { description: 'The items of this page, in order.' })
    edges: Edge<T>[];

    @Field(() => PageInfo, { description: 'Cursors and whether more pages exist.' })
    pageInfo: PageInfo;
  }

  return { EdgeType, ConnectionBase };
}

@ArgsType()
export class ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return (at most ${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}).` })
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field(() => String, { nullable: true, description: 'Return the items after this cursor.' })
  after?: string;
}

@ArgsType()
export class PageArgs extends ForwardPageArgs {
  @Field(() => Int, { nullable: true, description: `How many items to return from the end (at most ${MAX_PAGE_SIZE}).` })
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  last?: number;

  @Field(() => String, { nullable: true, description: 'Return the items before this cursor.' })
  before?: string;
}

/** A validated slice request: `limit` items after/before a decoded cursor. */
export interface Slice<C> {
  direction: 'forward' | 'backward';
  limit: number;
  cursor: C | null;
}

export function sliceOf<C>(args: Partial<PageArgs>, decode: (cursor: string, field: string) => C): Slice<C> {
  if (args.first != null && args.last != null) throw badInput('Pass either `first` or `last`, not both.', 'first');
  if (args.last != null || args.before != null) {
    if (args.after != null) throw badInput('`after` cannot be combined with `last`/`before`.', 'after');
    return {
      direction: 'backward',
      limit: args.last ?? DEFAULT_PAGE_SIZE,
      cursor: args.before != null ? decode(args.before, 'before') : null,
    };
  }
  return {
    direction: 'forward',
    limit: args.first ?? DEFAULT_PAGE_SIZE,
    cursor: args.after != null ? decode(args.after, 'after') : null,
  };
}

/** Turns `limit + 1` fetched rows (in fetch order) into a page in display order. */
export function pageOf<R, T>(rows: R[], slice: Slice<unknown>, toNode: (row: R) => T, cursorOf: (row: R) => string): Page<T> {
  const hasMore = rows.length > slice.limit;
  const kept = rows.slice(0, slice.limit);
  if (slice.direction === 'backward') kept.reverse();
  const edges = kept.map((row) => ({ cursor: cursorOf(row), node: toNode(row) }));
  const pageInfo = Object.assign(new PageInfo(), {
    hasNextPage: slice.direction === 'forward' ? hasMore : slice.cursor !== null,
    hasPreviousPage: slice.direction === 'backward' ? hasMore : slice.cursor !== null,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? null,
  });
  return { edges, pageInfo };
}

/** Keyset cursor: base64url of a JSON array tagged with the ordering it belongs to. */
export function encodeCursor(kind: string, key: (string | number)[]): string {
  // JSON.stringify([kind, ...key]), written out: a page encodes a cursor per edge and the array cost more than the text.
  let json = `[${JSON.stringify(kind)}`;
  for (const part of key) json += typeof part === 'number' && Number.isFinite(part) ? `,${part}` : `,${JSON.stringify(part)}`;
  return Buffer.from(`${json}]`, 'utf8').toString('base64url');
}

export function decodeCursor(kind: string, cursor: string, field: string, shape: ('string' | 'number')[]): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]{1,400}$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  } catch {
    parsed = null;
  }
  const valid = Array.isArray(parsed) && parsed[0] === kind && parsed.length === shape.length + 1
    && shape.every((type, i) => typeof parsed[i + 1] === type);
  if (!valid) throw badInput(`Invalid cursor "${cursor.slice(0, 60)}".`, field);
  return (parsed as unknown[]).slice(1) as (string | number)[];
}
