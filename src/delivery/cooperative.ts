import { setImmediate as nextTurn } from 'node:timers/promises';

/** Synchronous work a batch may do before it lets the event loop serve others (readers' requests). */
const SLICE_MS = 4;

/**
 * Starts `work` for every item, in order, handing the event loop back every few milliseconds of synchronous work,
 * then waits for all of them. A batch of 500 Web Push messages is ~200 ms of encryption: started in one go, it
 * would hold every reader's request behind it.
 */
export async function startCooperatively<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const started: Promise<void>[] = [];
  let sliceStart = performance.now();
  for (const item of items) {
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    started.push(work(item));
  }
  await Promise.all(started);
}
