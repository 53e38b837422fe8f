import type { Logger } from 'pino';

/** A warning logged at most once per interval with how many were swallowed: an outage must not flood the logs. */
export function throttledWarn(logger: Logger, message: string, intervalMs = 10_000): (error: unknown) => void {
  let last = 0;
  let suppressed = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      suppressed += 1;
      return;
    }
    logger.warn({ err: error, suppressed }, message);
    last = now;
    suppressed = 0;
  };
}
