import type { Logger } from 'pino';
import type { ArticleWriter } from './article.writer';

const BATCH_SIZE = 50;

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
    try {
      // Drain: a batch that came back full may have more due behind it.
      for (;;) {
        const batch = await writer.publishDue(BATCH_SIZE);
        if (batch.length > 0) logger.info({ articleIds: batch }, 'scheduled articles published');
        if (batch.length < BATCH_SIZE || stopped) break;
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
