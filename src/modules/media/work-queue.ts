/**
 * At most `concurrency` jobs at once, the rest waiting in arrival order: image work cannot take every core (or the
 * libuv pool that database TLS, DNS and files share) away from GraphQL, however many uploads arrive together.
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly concurrency: number) {
    if (!(concurrency >= 1)) throw new Error('a work queue needs a concurrency of at least 1');
  }

  /** Jobs running or waiting right now (metrics, tests). */
  get size(): number {
    return this.running + this.waiting.length;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next job, so a new arrival cannot overtake the queue.
      if (next) next();
      else this.running -= 1;
    }
  }
}
