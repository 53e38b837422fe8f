import { loadConfig } from './config';
import { startKhabar } from './app';

async function main(): Promise<void> {
  const started = Date.now();
  const khabar = await startKhabar(loadConfig());
  khabar.logger.info({ url: khabar.url, startupMs: Date.now() - started }, `Khabar ready at ${khabar.url}`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    khabar.logger.info({ signal }, 'stopping');
    khabar.stop().then(() => process.exit(0), (error) => {
      khabar.logger.error({ err: error }, 'unclean stop');
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
