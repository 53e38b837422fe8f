import path from 'node:path';
import { loadConfig } from '../config';
import { backup } from '../db/backup';

/**
 * `npm run backup -- [directory]`: backs up DATABASE_URL (pg_dump) or, without it, the embedded PostgreSQL of DATA_DIR
 * (a copy of its files, online) into a new directory, `backups/khabar-<time>` unless told. See docs/reliability.md.
 */
async function main(): Promise<void> {
  const target = path.resolve(process.argv[2] ?? path.join('backups', `khabar-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  const manifest = await backup(loadConfig(), target);
  process.stdout.write(`backed up (${manifest.format}, PostgreSQL ${manifest.serverVersion}, events up to ${manifest.lastEventSeq}) into ${target}\n`);
}

main().catch((error) => {
  process.stderr.write(`backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
