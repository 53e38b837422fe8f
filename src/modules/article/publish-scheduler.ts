import type { Logger } from 'pino';
import { ArticleWriter, ScheduledPublicationError } from './article.writer';
import { isDatabaseUnavailable } from '../../db/unavailable';

/** While the database is away the scheduler says so at most this often, and publishes what is due once it is back. */
const OUTAGE_WARNING_MS = 10_000;

export interface PublishScheduler {
  stop(): Promise<void>;
}

/**
 * Polls the database for scheduled articles whose time has come and publishes them. The schedule lives
 * in the article rows, so it survives restarts; row locks make concurrent instances publish each once.
 */
export function startPublishScheduler(writer: ArticleWriter, intervalMs: number, logger: Logger): PublishScheduler {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let warnedAt = 0;

  const tick = async () => {
    const failed: number[] = [];
    try {
      while (!stopped) {
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
    } catch (error) {
      if (!isDatabaseUnavailable(error)) logger.error({ err: error }, 'scheduled publishing failed; retrying on the next tick');
      else if (Date.now() - warnedAt >= OUTAGE_WARNING_MS) {
        warnedAt = Date.now();
        logger.warn({ err: error }, 'the database is unavailable; scheduled articles are published when it is back');
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().then(schedule);
    }, intervalMs);
  };
  running = tick().then(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
