import type { Logger } from 'pino';
import { ArticleWriter, ScheduledPublicationError } from './article.writer';
import { isDatabaseUnavailable } from '../../db/unavailable';
import { startPeriodicJob, type PeriodicJob } from '../../db/periodic-job';

export type PublishScheduler = PeriodicJob;

/**
 * Polls the database for scheduled articles whose time has come and publishes them. The schedule lives
 * in the article rows, so it survives restarts; row locks make concurrent instances publish each once.
 */
export function startPublishScheduler(writer: ArticleWriter, intervalMs: number, logger: Logger): PublishScheduler {
  return startPeriodicJob({
    intervalMs,
    logger,
    failure: 'scheduled publishing failed; retrying on the next tick',
    outage: 'the database is unavailable; scheduled articles are published when it is back',
    async tick(stopped) {
      // An article that cannot be published is skipped for this tick, so one bad row does not hold the others back.
      const failed: number[] = [];
      while (!stopped()) {
        let id: number | null;
        try {
          id = await writer.publishNextDue(failed);
        } catch (error) {
          if (!(error instanceof ScheduledPublicationError) || isDatabaseUnavailable(error.cause)) throw error;
          failed.push(error.articleId);
          logger.error({ err: error.cause, articleId: error.articleId }, 'scheduled article could not be published; retrying on the next tick');
          continue;
        }
        if (id === null) break;
        logger.info({ articleId: id }, 'scheduled article published');
      }
    },
  });
}
