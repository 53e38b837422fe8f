import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { migrate } from '../db/migrate';

/** Migrations, then the demo content when asked: what `npm start` does first, and all the migrate CLI does. */
export async function prepareDatabase(db: DataSource, seed: Config['seed'], logger: Logger): Promise<void> {
  const applied = await migrate(db);
  if (applied > 0) logger.info({ applied }, 'migrations applied');
  if (seed === 'demo') {
    const { seedDemoContent } = await import('./seed.js');
    const seeded = await seedDemoContent(db);
    if (seeded.articles + seeded.tickers > 0) logger.info(seeded, 'demo content seeded');
  }
}
