import type { Logger } from 'pino';
import type { ImageWriter } from './image.writer';

/**
 * Takes out images whose rights have expired: each once across instances (SKIP LOCKED and the expiry mark), with its
 * events in the same transaction, so caches, CDNs and files follow. Readers stop seeing an expired image at once in
 * any case (the visibility rule compares with now()); this is what makes its files and cached pages go.
 */
export function startRightsExpiry(writer: ImageWriter, intervalMs: number, logger: Logger): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      for (let id = await writer.expireNextDue(); id !== null && !stopped; id = await writer.expireNextDue()) {
        logger.info({ imageId: id }, 'image rights expired: taken out');
      }
    } catch (error) {
      logger.error({ err: error }, 'image rights expiry failed; retrying on the next tick');
    }
  };
  let running = tick();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().then(schedule);
    }, intervalMs);
  };
  void running.then(schedule);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
