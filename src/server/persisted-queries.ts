import crypto from 'node:crypto';
import fs from 'node:fs';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { Redis } from 'ioredis';

/** A document's id in a manifest and in automatic persisted queries. */
export function sha256Hex(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** The allow-list of PERSISTED_ONLY mode: sha256 hash → document. */
export type PersistedQueryManifest = ReadonlyMap<string, string>;

/**
 * Reads an Apollo persisted-query manifest (`{"format": "apollo-persisted-query-manifest", "operations": [{id, body}]}`)
 * or a plain `{"<sha256>": "<document>"}` object. Every id must be the sha256 of its document.
 */
export function loadManifest(file: string): PersistedQueryManifest {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  const pairs: [string, unknown][] = raw && typeof raw === 'object' && Array.isArray((raw as { operations?: unknown }).operations)
    ? (raw as { operations: { id?: unknown; body?: unknown }[] }).operations.map((o) => [String(o.id), o.body])
    : Object.entries(raw as Record<string, unknown>);
  const manifest = new Map<string, string>();
  for (const [id, body] of pairs) {
    if (typeof body !== 'string' || sha256Hex(body) !== id) throw new Error(`${file}: entry "${id}" is not the sha256 of its document`);
    manifest.set(id, body);
  }
  return manifest;
}

/** Apollo's APQ store in PERSISTED_ONLY mode: the manifest, read-only. Apollo prefixes its keys with "apq:". */
export class ManifestCache implements KeyValueCache<string> {
  constructor(private readonly manifest: PersistedQueryManifest) {}
  async get(key: string) {
    return this.manifest.get(key.replace(/^apq:/, ''));
  }
  async set() {}
  async delete() {
    return false;
  }
}

/** Apollo's APQ store in Redis, so a query registered on one instance is known to all; Redis errors count as misses. */
export class RedisKeyValueCache implements KeyValueCache<string> {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}
  async get(key: string) {
    return (await this.redis.get(this.prefix + key).catch(() => null)) ?? undefined;
  }
  async set(key: string, value: string, options?: KeyValueCacheSetOptions) {
    const write = options?.ttl ? this.redis.set(this.prefix + key, value, 'EX', options.ttl) : this.redis.set(this.prefix + key, value);
    await write.catch(() => undefined);
  }
  async delete(key: string) {
    return (await this.redis.del(this.prefix + key).catch(() => 0)) > 0;
  }
}
