/** How a consumer retries a delivery that failed for a reason that may pass (429, 5xx, a timeout, a reset). */
export interface RetryPolicy {
  /** Delay ceiling of the first retry; each further attempt doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all (the first one included); the job is dead-lettered (failed) after the last. */
  maxAttempts: number;
  /** A Retry-After above this is treated as this (a receiver cannot park a job for days). */
  maxRetryAfterMs: number;
}

/**
 * The delay before attempt `attempts + 1`: exponential backoff with "equal jitter" (a random delay between half the doubled ceiling and all of it,
 * so many failed jobs do not return at the same instant), never sooner than the receiver's Retry-After.
 */
export function retryDelayMs(policy: RetryPolicy, attempts: number, retryAfterMs: number | undefined, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  const asked = retryAfterMs === undefined ? 0 : Math.min(Math.max(0, retryAfterMs), policy.maxRetryAfterMs);
  return Math.max(jittered, asked);
}

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined | null, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value == null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
