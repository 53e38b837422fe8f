import { badInput } from './errors';

/** Node types that have global ids. */
export type NodeTypeName = 'Article' | 'Ticker' | 'Person' | 'Region' | 'Category' | 'Image' | 'LiveEntry' | 'Webhook';
const NODE_TYPES = new Set<string>(['Article', 'Ticker', 'Person', 'Region', 'Category', 'Image', 'LiveEntry', 'Webhook']);

/** Relay global id: base64url of "Type:key", opaque to clients. */
export function toGlobalId(type: NodeTypeName, key: number | string): string {
  const ids = (encodedIds[type] ??= new Map());
  let id = ids.get(key);
  if (id === undefined) {
    id = Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
    if (ids.size >= MAX_ENCODED_IDS) ids.clear();
    ids.set(key, id);
  }
  return id;
}

/**
 * Ids encoded so far, by type: every row read becomes an object with its id, and a page shows the same few hundred
 * articles, places and people on every request (encoding was 2 % of a front page's CPU). Bounded; when full it starts over.
 */
const encodedIds: Partial<Record<NodeTypeName, Map<number | string, string>>> = {};
const MAX_ENCODED_IDS = 20_000;

export function fromGlobalId(id: string, field = 'id'): { type: NodeTypeName; key: string } {
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(id) ? Buffer.from(id, 'base64url').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  const type = decoded.slice(0, separator);
  const key = decoded.slice(separator + 1);
  if (separator < 1 || !NODE_TYPES.has(type) || key === '') throw badInput(`Malformed id "${id}".`, field);
  return { type: type as NodeTypeName, key };
}

/** Decodes a global id that must name `type` with an integer key. */
export function numericIdOf(type: NodeTypeName, id: string, field = 'id'): number {
  const parsed = fromGlobalId(id, field);
  const key = Number(parsed.key);
  if (parsed.type !== type || !Number.isSafeInteger(key) || key <= 0) {
    throw badInput(`"${id}" is not a valid ${type} id.`, field);
  }
  return key;
}
