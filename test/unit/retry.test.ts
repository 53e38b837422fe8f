import { parseRetryAfter, retryDelayMs, RetryPolicy } from '../../src/delivery/retry';

const policy: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 8, maxRetryAfterMs: 3_600_000 };

describe('retry delays', () => {
  it('double with each attempt, between half the ceiling and all of it', () => {
    expect(retryDelayMs(policy, 1, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(policy, 1, undefined, () => 1)).toBe(1_000);
    expect(retryDelayMs(policy, 3, undefined, () => 0)).toBe(2_000);
    expect(retryDelayMs(policy, 3, undefined, () => 1)).toBe(4_000);
  });

  it('stop growing at the ceiling', () => {
    expect(retryDelayMs(policy, 30, undefined, () => 1)).toBe(60_000);
  });

  it('are never shorter than the receiver asked with Retry-After, within reason', () => {
    expect(retryDelayMs(policy, 1, 120_000, () => 0)).toBe(120_000);
    expect(retryDelayMs(policy, 1, 86_400_000, () => 0)).toBe(3_600_000);
    expect(retryDelayMs(policy, 4, 10, () => 0)).toBe(4_000);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-10T10:00:00Z');

  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sat, 10 Jan 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 10 Jan 2026 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
