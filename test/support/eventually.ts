import { inspect } from 'node:util';

export interface Patience {
  /** How long to keep trying before failing (5 s unless told). */
  timeoutMs?: number;
  /** What is awaited, for the failure message: "the purge to reach instance B". */
  what?: string;
}

const EVERY_MS = 10;

/**
 * Reads until `accept` holds for what was read (a truthy value, without `accept`), and returns that value. After
 * `timeoutMs` it fails, naming what it waited for and the last value read: a wait that gave up quietly would leave the
 * next assertion to pass or fail for the wrong reason. An error thrown by `read` fails at once.
 */
export function eventually<T>(read: () => T | Promise<T>, patience?: Patience): Promise<T>;
export function eventually<T>(read: () => T | Promise<T>, accept: (value: T) => boolean, patience?: Patience): Promise<T>;
export async function eventually<T>(read: () => T | Promise<T>, acceptOrPatience?: ((value: T) => boolean) | Patience,
  patience: Patience = {}): Promise<T> {
  const accept = typeof acceptOrPatience === 'function' ? acceptOrPatience : Boolean;
  const { timeoutMs = 5_000, what = 'the condition' } = typeof acceptOrPatience === 'object' ? acceptOrPatience : patience;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      const last = inspect(value, { depth: 4, breakLength: Infinity, maxStringLength: 300 }).slice(0, 1_000);
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
  }
}
