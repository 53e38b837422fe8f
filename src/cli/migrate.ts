import 'reflect-metadata';
import { loadConfig } from '../config';
import { makeDataSource } from '../db/data-source';
import { prepareDatabase } from '../demo/prepare';
import { makeLogger } from '../server/logger';
import { MediaLibrary } from '../modules/media/media-library';
import { seedDemoPictures } from '../modules/media/demo-pictures';

/**
 * `node dist/src/cli/migrate.js`: migrates DATABASE_URL (and seeds it with KHABAR_SEED=demo), then exits. Run once
 * per deployment before the replicas, which then start with MIGRATE_ON_START=false.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const logger = makeLogger(config.logLevel);
  const db = makeDataSource(config.databaseUrl, 2);
  await db.initialize();
  try {
    await prepareDatabase(db, config.seed, logger);
    if (config.seed === 'demo') {
      // The demo's pictures go to the media store the replicas share (MEDIA_STORAGE=s3 when there are several).
      const media = await MediaLibrary.start(config.media);
      try {
        await seedDemoPictures(db, media, logger);
      } finally {
        await media.stop();
      }
    }
    logger.info('database ready');
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
