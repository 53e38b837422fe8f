import type { Logger } from 'pino';
import { isDatabaseUnavailable } from './unavailable';

/** While the database is away a job says so at most this often, and does what is due once it is back. */
const OUTAGE_WARNING_MS = 10_000;

export interface PeriodicJob {
  stop(): Promise<void>;
}

export interface PeriodicJobOptions {
  intervalMs: number;
  logger: Logger;
  /** Logged (as an error) when a tick fails for any reason but the database being away. */
  failure: string;
  /** Logged (as a warning, at most every 10 s) while the database is away. */
  outage: string;
  /** One tick: do what is due; `stopped()` turns true once stop() is called, so a long tick can end early. */
  tick(stopped: () => boolean): Promise<void>;
}

/**
 * Runs a database job now and then every interval (never two ticks at once), through database outages: a tick that
 * fails is retried on the next, and an outage is a warning, not an error per tick.
 */
export function startPeriodicJob(options: PeriodicJobOptions): PeriodicJob {
  const { intervalMs, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let warnedAt = 0;
  const isStopped = () => stopped;

  const tick = async () => {
    try {
      await options.tick(isStopped);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) logger.error({ err: error }, options.failure);
      else if (Date.now() - warnedAt >= OUTAGE_WARNING_MS) {
        warnedAt = Date.now();
        logger.warn({ err: error }, options.outage);
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().then(schedule);
    }, intervalMs);
  };
  let running = tick().then(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
