import path from 'node:path';
import { loadConfig } from '../config';
import { restore } from '../db/backup';

/**
 * `npm run restore -- <directory>`: with every Khabar instance stopped, restores a backup made by `npm run backup` into
 * DATABASE_URL or, without it, into DATA_DIR's embedded PostgreSQL. See docs/reliability.md.
 */
async function main(): Promise<void> {
  const source = process.argv[2];
  if (!source) throw new Error('usage: npm run restore -- <backup directory>');
  const manifest = await restore(loadConfig(), path.resolve(source));
  process.stdout.write(`restored the backup of ${manifest.createdAt} (${manifest.format}, events up to ${manifest.lastEventSeq}); start Khabar again\n`);
}

main().catch((error) => {
  process.stderr.write(`restore failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
