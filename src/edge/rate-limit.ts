import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EdgeConfig } from '../config';
import { sendEdgeError } from './errors';
import { throttledWarn } from './throttled-warn';

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

/**
 * Per-IP limit for anonymous requests and per-token limit for signed-in ones (a newsroom behind one NAT is not
 * throttled as one reader). Tokens are counted by a hash, never stored. If the counter fails, requests go through.
 */
export function rateLimit(config: EdgeConfig, counter: RateCounter, logger: Logger, onLimited: (scope: string) => void) {
  const warn = throttledWarn(logger, 'rate limit counter unavailable; letting requests through');
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const authorization = req.headers.authorization;
    const scope = authorization ? 'token' : 'ip';
    const limit = authorization ? config.rateLimitPerToken : config.rateLimitPerIp;
    if (limit <= 0) return next();
    const id = authorization ? crypto.createHash('sha256').update(authorization).digest('base64url').slice(0, 22) : req.ip ?? 'unknown';
    let result: { count: number; resetAt: number };
    try {
      result = await counter.hit(`${scope}:${id}`, config.rateLimitWindowMs);
    } catch (error) {
      warn(error);
      return next();
    }
    const resetSeconds = Math.max(1, Math.ceil((result.resetAt - Date.now()) / 1000));
    res.setHeader('ratelimit-limit', String(limit));
    res.setHeader('ratelimit-remaining', String(Math.max(0, limit - result.count)));
    res.setHeader('ratelimit-reset', String(resetSeconds));
    if (result.count <= limit) return next();
    onLimited(scope);
    res.setHeader('retry-after', String(resetSeconds));
    sendEdgeError(req, res, 'RATE_LIMITED',
      `Too many requests from this ${scope === 'ip' ? 'address' : 'token'}: at most ${limit} every ${config.rateLimitWindowMs / 1000} s. Retry in ${resetSeconds} s.`,
      429, { retryAfter: resetSeconds, limit });
  };
}
