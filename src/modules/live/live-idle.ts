import type { Logger } from 'pino';
import { startPeriodicJob, type PeriodicJob } from '../../db/periodic-job';
import type { LiveWriter } from './live.writer';

/**
 * Ends live coverage that nobody has posted to for `idleHours`: each once across instances (SKIP LOCKED and the end
 * mark), with its ENDED event in the same transaction, so readers' pages say "ended" and lists of live blogs purge.
 */
export function startIdleCoverageEnder(writer: LiveWriter, idleHours: number, intervalMs: number, logger: Logger): PeriodicJob {
  return startPeriodicJob({
    intervalMs,
    logger,
    failure: 'ending idle live coverage failed; retrying on the next tick',
    outage: 'the database is unavailable; idle live coverage ends when it is back',
    async tick(stopped) {
      for (let id = await writer.endNextIdle(idleHours); id !== null && !stopped(); id = await writer.endNextIdle(idleHours)) {
        logger.info({ articleId: id, idleHours }, 'live coverage ended: nothing posted for too long');
      }
    },
  });
}
