import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { loadConfig } from './config';
import { startKhabar } from './app';
import { makeLogger } from './server/logger';
import { startWorker, startWorkers } from './workers';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  if (cluster.isWorker) {
    const logger = makeLogger(config.logLevel).child({ worker: cluster.worker!.id });
    const khabar = await startWorker(config, logger);
    logger.info({ url: khabar.url, startupMs: Date.now() - started }, `worker ${cluster.worker!.id} ready`);
    stopOnSignals(khabar.stop, logger);
  } else if (config.workers > 1) {
    const logger = makeLogger(config.logLevel);
    const workers = await startWorkers(config, { logger });
    logger.info({ url: workers.url, workers: config.workers, startupMs: Date.now() - started }, `Khabar ready at ${workers.url}`);
    stopOnSignals(workers.stop, logger);
  } else {
    const khabar = await startKhabar(config);
    khabar.logger.info({ url: khabar.url, startupMs: Date.now() - started }, `Khabar ready at ${khabar.url}`);
    stopOnSignals(khabar.stop, khabar.logger);
  }
}

/** SIGINT or SIGTERM: the ordered stop, then exit (1 if the stop failed); a second signal changes nothing. */
function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    stop().then(() => process.exit(0), (error) => {
      logger.error({ err: error }, 'unclean stop');
      process.exit(1);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error) => {
  process.stderr.write(`Khabar failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
