import type { Logger } from 'pino';
import type { ImageWriter } from './image.writer';
import { startPeriodicJob, type PeriodicJob } from '../../db/periodic-job';

/**
 * Takes out images whose rights have expired: each once across instances (SKIP LOCKED and the expiry mark), with its
 * events in the same transaction, so caches, CDNs and files follow. Readers stop seeing an expired image at once in
 * any case (the visibility rule compares with now()); this is what makes its files and cached pages go.
 */
export function startRightsExpiry(writer: ImageWriter, intervalMs: number, logger: Logger): PeriodicJob {
  return startPeriodicJob({
    intervalMs,
    logger,
    failure: 'image rights expiry failed; retrying on the next tick',
    outage: 'the database is unavailable; images whose rights expire are taken out when it is back',
    async tick(stopped) {
      for (let id = await writer.expireNextDue(); id !== null && !stopped(); id = await writer.expireNextDue()) {
        logger.info({ imageId: id }, 'image rights expired: taken out');
      }
    },
  });
}
