import type { Redis } from 'ioredis';

/** A cached GraphQL response: the exact body sent, its ETag, and when it stops being fresh. */
export interface CachedResponse {
  body: string;
  etag: string;
  storedAt: number;
  maxAge: number;
  /** Name of the operation, for the logs and metrics of hits. */
  operation?: string;
  /** A feed's Last-Modified (milliseconds since the epoch): documents other than GraphQL answers are kept here too. */
  lastModified?: number;
  /** The tags it was kept under, as a lookup returns it: a hit carries them to the HTTP caches in front (cache-tags.ts). */
  tags?: readonly string[];
}

/**
 * Shared store of anonymous responses, indexed by entity tags. `epoch` moves on every purge: a response whose
 * computation began before a purge is not stored, since it may hold what was just purged.
 */
export interface ResponseStore {
  lookup(key: string): Promise<{ entry?: CachedResponse; epoch: string }>;
  store(key: string, entry: CachedResponse, tags: string[], startEpoch: string): Promise<boolean>;
  purge(tags: string[]): Promise<number>;
}

interface MemoryEntry extends CachedResponse {
  tags: string[];
  expiresAt: number;
}

/** In-process store: LRU by bytes, with a tag → keys index. */
export class MemoryResponseStore implements ResponseStore {
  private readonly entries = new Map<string, MemoryEntry>();
  private readonly byTag = new Map<string, Set<string>>();
  private bytes = 0;
  private epoch = 0;

  constructor(private readonly maxBytes: number) {}

  async lookup(key: string) {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) this.remove(key);
    else if (entry) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, entry);
      return { entry, epoch: String(this.epoch) };
    }
    return { epoch: String(this.epoch) };
  }

  async store(key: string, response: CachedResponse, tags: string[], startEpoch: string) {
    if (startEpoch !== String(this.epoch)) return false;
    this.remove(key);
    this.entries.set(key, { ...response, tags, expiresAt: response.storedAt + response.maxAge * 1000 });
    this.bytes += response.body.length;
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
    return true;
  }

  async purge(tags: string[]) {
    this.epoch += 1;
    let purged = 0;
    for (const tag of tags) {
      for (const key of this.byTag.get(tag) ?? []) purged += this.remove(key) ? 1 : 0;
      this.byTag.delete(tag);
    }
    return purged;
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.bytes -= entry.body.length;
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
    return true;
  }
}

const STORE_SCRIPT = `
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
for i = 3, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[2])
  if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
end
return 1`;

const PURGE_SCRIPT = `
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], 86400000)
local purged = 0
for i = 2, #KEYS do
  local keys = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #keys, 500 do
    purged = purged + redis.call('DEL', unpack(keys, j, math.min(j + 499, #keys)))
  end
  redis.call('DEL', KEYS[i])
end
return purged`;

/** Store shared by every instance: entries expire by TTL, tag sets are deleted with their entries on purge. */
export class RedisResponseStore implements ResponseStore {
  private readonly epochKey: string;

  constructor(private readonly redis: Redis, private readonly prefix: string) {
    this.epochKey = `${prefix}rc:epoch`;
  }

  async lookup(key: string) {
    const [raw, epoch] = await this.redis.mget(this.entryKey(key), this.epochKey);
    return { entry: raw ? decode(raw) : undefined, epoch: epoch ?? '0' };
  }

  async store(key: string, response: CachedResponse, tags: string[], startEpoch: string) {
    const keys = [this.epochKey, this.entryKey(key), ...tags.map((tag) => this.tagKey(tag))];
    const stored = await this.redis.eval(STORE_SCRIPT, keys.length, ...keys, startEpoch, encode(response, tags), response.maxAge * 1000);
    return Number(stored) === 1;
  }

  async purge(tags: string[]) {
    const keys = [this.epochKey, ...tags.map((tag) => this.tagKey(tag))];
    return Number(await this.redis.eval(PURGE_SCRIPT, keys.length, ...keys));
  }

  private entryKey(key: string) {
    // e2: entries carry their tags (a second line); entries of the older form are not read.
    return `${this.prefix}rc:e2:${key}`;
  }

  private tagKey(tag: string) {
    return `${this.prefix}rc:t:${tag}`;
  }
}

/**
 * "storedAt maxAge etag operation lastModified\ntags\nbody", the tags percent-encoded and space-separated: the body is
 * kept as sent, without a JSON round trip.
 */
function encode(response: CachedResponse, tags: readonly string[]): string {
  return `${response.storedAt} ${response.maxAge} ${response.etag} ${response.operation ?? ''} ${response.lastModified ?? ''}\n`
    + `${tags.map(encodeURIComponent).join(' ')}\n${response.body}`;
}

function decode(raw: string): CachedResponse | undefined {
  const newline = raw.indexOf('\n');
  const second = raw.indexOf('\n', newline + 1);
  const [storedAt, maxAge, etag, operation, lastModified] = raw.slice(0, newline).split(' ');
  if (newline < 0 || second < 0 || !etag) return undefined;
  const tags = raw.slice(newline + 1, second);
  return {
    storedAt: Number(storedAt), maxAge: Number(maxAge), etag, operation: operation || undefined, body: raw.slice(second + 1),
    tags: tags ? tags.split(' ').map(decodeURIComponent) : [],
    ...(lastModified ? { lastModified: Number(lastModified) } : {}),
  };
}
