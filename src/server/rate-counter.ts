import type { Redis } from 'ioredis';

/** Counts requests per key in fixed windows; `count` includes the request being counted. */
export interface RateCounter {
  hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>;
}

/** One instance's counters; the map is dropped at each window boundary, so memory stays bounded. */
export class MemoryRateCounter implements RateCounter {
  private window = -1;
  private counts = new Map<string, number>();

  async hit(key: string, windowMs: number) {
    const window = Math.floor(Date.now() / windowMs);
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return { count, resetAt: (window + 1) * windowMs };
  }
}

const INCREMENT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

type WithIncrement = Redis & { khabarRateIncrement(key: string, ttlMs: number): Promise<number> };

/** Counters shared by every instance: one INCR per request, in one round trip (EVALSHA of a cached script). */
export class RedisRateCounter implements RateCounter {
  private readonly redis: WithIncrement;

  constructor(redis: Redis, private readonly prefix: string) {
    if (!('khabarRateIncrement' in redis)) redis.defineCommand('khabarRateIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    this.redis = redis as WithIncrement;
  }

  async hit(key: string, windowMs: number) {
    const window = Math.floor(Date.now() / windowMs);
    const count = Number(await this.redis.khabarRateIncrement(`${this.prefix}rl:${key}:${window}`, windowMs + 1000));
    return { count, resetAt: (window + 1) * windowMs };
  }
}
