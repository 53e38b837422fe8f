/**
 * Whether an error means the database cannot be reached right now (stopped, restarting, refusing connections, or a
 * connection cut mid-statement), rather than a statement that failed: clients get DATABASE_UNAVAILABLE (503) for these,
 * and live streams wait for the database instead of ending.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 4; depth += 1) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message))) return true;
    // TypeORM releases a transaction's connection when it breaks, and says so at the next statement (the COMMIT).
    if (RELEASED_RUNNER_ERRORS.has((current as Error).name)) return true;
    // TypeORM wraps the driver's error (QueryFailedError.driverError); Error.cause chains too.
    current = (current as { driverError?: unknown; cause?: unknown }).driverError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

/** TypeORM's names for a statement on a connection it already let go (both exist, for the runner and its provider). */
const RELEASED_RUNNER_ERRORS = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);

/** The socket to the server could not be opened or broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server going away or not accepting work yet: admin_shutdown, crash_shutdown, cannot_connect_now
 * (starting up, shutting down, in recovery), too_many_connections; class 08 (connection exceptions) is matched by prefix.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What node-postgres says, without a code, when a connection ends under a query or cannot be had in time. */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];
