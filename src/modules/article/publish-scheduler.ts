import type { Logger } from 'pino';
import { ArticleWriter, ScheduledPublicationError } from './article.writer';

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

  const tick = async () => {
    const failed: number[] = [];
    try {
      while (!stopped) {
        let id: number | null;
        try {
          id = await writer.publishNextDue(failed);
        } catch (error) {
          if (!(error instanceof ScheduledPublicationError)) throw error;
          failed.push(error.articleId);
          logger.error({ err: error.cause, articleId: error.articleId }, 'scheduled article could not be published; retrying on the next tick');
          continue;
        }
        if (id === null) break;
        logger.info({ articleId: id }, 'scheduled article published');
      }
    } catch (error) {
      logger.error({ err: error }, 'scheduled publishing failed; retrying on the next tick');
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
