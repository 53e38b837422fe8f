import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { Config } from '../config';
import { EMBEDDED_DATABASE_URL, embeddedPostgresRunning, startEmbeddedPostgres } from './embedded';

/** What a backup directory holds, in its `khabar-backup.json`. */
export interface BackupManifest {
  /** `pg_dump`: a pg_dump directory-format dump of DATABASE_URL (in `dump/`). `base`: a copy of the embedded PostgreSQL's files (in `pg/`). */
  format: 'pg_dump' | 'base';
  createdAt: string;
  serverVersion: string;
  /** The outbox's last sequence when the backup began: cursors up to it resume after a restore. */
  lastEventSeq: number;
}

const MANIFEST = 'khabar-backup.json';
/** Sequences skipped after a restore: cursors handed out after the backup name no event rather than someone else's. */
const SEQUENCE_GAP = 1_000_000;
/** What a base backup leaves out: recreated at start, or (pg_wal) copied after the backup stops. */
const SKIPPED = new Set(['postmaster.pid', 'postmaster.opts', 'pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial',
  'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans', 'pg_ctl.log']);

/**
 * Backs the database up into `target` (a new directory). With DATABASE_URL, pg_dump's directory format, by the pg_dump on
 * the PATH (it must be as new as the server). Without it, the embedded PostgreSQL ships no pg_dump: the backup is a copy
 * of its files taken with the server's own backup functions (pg_backup_start / pg_backup_stop, WAL held by a temporary
 * slot), online while Khabar runs, restorable by the same PostgreSQL version only.
 */
export async function backup(config: Config, target: string): Promise<BackupManifest> {
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0) throw new Error(`${target} exists and is not empty: back up into a new directory`);
  fs.mkdirSync(target, { recursive: true });
  if (config.databaseUrl) {
    const facts = await databaseFacts(config.databaseUrl);
    run('pg_dump', ['--format=directory', '--no-owner', '--no-privileges', `--file=${path.join(target, 'dump')}`, `--dbname=${config.databaseUrl}`],
      'pg_dump must be as new as the server: install the PostgreSQL client of its version (Debian: postgresql-client-<major>)');
    return writeManifest(target, { format: 'pg_dump', ...facts });
  }
  return withEmbedded(config, async (url) => {
    const databaseDir = path.join(config.dataDir, 'pg');
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const facts = await databaseFacts(url);
      // The slot holds every WAL segment from here on until this session ends; the copy needs them to be consistent.
      await client.query(`SELECT pg_create_physical_replication_slot('khabar_backup_${process.pid}', true, true)`);
      await client.query(`SELECT pg_backup_start('khabar backup', true)`);
      const copy = path.join(target, 'pg');
      fs.cpSync(databaseDir, copy, { recursive: true, filter: (source) => !SKIPPED.has(path.relative(databaseDir, source)) });
      const { rows: [stopped] } = await client.query('SELECT labelfile, spcmapfile FROM pg_backup_stop(false)');
      fs.writeFileSync(path.join(copy, 'backup_label'), stopped.labelfile);
      if (stopped.spcmapfile) fs.writeFileSync(path.join(copy, 'tablespace_map'), stopped.spcmapfile);
      // The WAL from the backup's start to its end, taken after it ended: enough to make the copy consistent.
      fs.cpSync(path.join(databaseDir, 'pg_wal'), path.join(copy, 'pg_wal'), { recursive: true, filter: (source) => !source.includes('archive_status/') });
      for (const dir of [...SKIPPED].filter((name) => !name.includes('.') && name !== 'pg_wal')) fs.mkdirSync(path.join(copy, dir), { recursive: true });
      const secret = path.join(config.dataDir, 'jwt-secret');
      if (fs.existsSync(secret)) fs.copyFileSync(secret, path.join(target, 'jwt-secret'));
      return writeManifest(target, { format: 'base', ...facts });
    } finally {
      await client.end();
    }
  });
}

/**
 * Restores a backup made by `backup` into the database this configuration names, with Khabar stopped. A pg_dump backup
 * replaces DATABASE_URL's tables (pg_restore --clean); a base backup replaces DATA_DIR/pg, keeping the old files beside it
 * as pg.before-restore-<time>. Either way the outbox sequence then skips ahead, so that cursors given out after the
 * backup was taken are refused (subscribe again without `after`) instead of naming events written after the restore.
 */
export async function restore(config: Config, source: string): Promise<BackupManifest> {
  const manifestFile = path.join(source, MANIFEST);
  if (!fs.existsSync(manifestFile)) throw new Error(`${source} holds no ${MANIFEST}: it is not a backup made by npm run backup`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BackupManifest;
  if (config.databaseUrl) {
    if (manifest.format !== 'pg_dump') throw new Error('This is a backup of the embedded PostgreSQL: restore it without DATABASE_URL, into DATA_DIR');
    await refuseWhileKhabarRuns(config.databaseUrl);
    run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction',
      `--dbname=${config.databaseUrl}`, path.join(source, 'dump')], 'pg_restore must be as new as pg_dump was');
    await skipSequences(config.databaseUrl);
    return manifest;
  }
  if (manifest.format !== 'base') throw new Error('This is a pg_dump backup: restore it with DATABASE_URL naming the database to restore into');
  const databaseDir = path.join(config.dataDir, 'pg');
  if (embeddedPostgresRunning(databaseDir)) throw new Error(`The embedded PostgreSQL in ${databaseDir} is running: stop Khabar first`);
  if (fs.existsSync(databaseDir)) fs.renameSync(databaseDir, `${databaseDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  fs.mkdirSync(config.dataDir, { recursive: true });
  fs.cpSync(path.join(source, 'pg'), databaseDir, { recursive: true });
  fs.chmodSync(databaseDir, 0o700);
  if (process.getuid?.() === 0) {
    const owner = (flag: string) => execFileSync('id', [flag, 'postgres']).toString().trim();
    execFileSync('chown', ['-R', `${owner('-u')}:${owner('-g')}`, databaseDir]);
  }
  const secret = path.join(source, 'jwt-secret');
  if (fs.existsSync(secret)) fs.copyFileSync(secret, path.join(config.dataDir, 'jwt-secret'));
  // Started once here: PostgreSQL replays the WAL the backup carries, then the sequence skips ahead.
  await withEmbedded(config, skipSequences);
  return manifest;
}

/** The embedded PostgreSQL's URL, starting it for the work when Khabar is not running (and stopping it after). */
async function withEmbedded<T>(config: Config, work: (url: string) => Promise<T>): Promise<T> {
  const databaseDir = path.join(config.dataDir, 'pg');
  if (embeddedPostgresRunning(databaseDir)) return work(EMBEDDED_DATABASE_URL(config.embeddedPgPort));
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) throw new Error(`There is no embedded database in ${databaseDir} (DATA_DIR=${config.dataDir})`);
  const embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort);
  try {
    return await work(embedded.url);
  } finally {
    await embedded.stop();
  }
}

async function databaseFacts(url: string): Promise<Pick<BackupManifest, 'createdAt' | 'serverVersion' | 'lastEventSeq'>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [row] } = await client.query(`SELECT current_setting('server_version') AS version,
      (SELECT coalesce(max(seq), 0) FROM event_outbox) AS seq`);
    return { createdAt: new Date().toISOString(), serverVersion: row.version, lastEventSeq: Number(row.seq) };
  } finally {
    await client.end();
  }
}

async function skipSequences(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SELECT setval('event_outbox_seq', (SELECT greatest(last_value, (SELECT coalesce(max(seq), 0) FROM event_outbox)) FROM event_outbox_seq) + $1)`,
      [SEQUENCE_GAP]);
  } finally {
    await client.end();
  }
}

/** pg_restore --clean under running instances would wait on their locks or pull tables from under them. */
async function refuseWhileKhabarRuns(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [{ sessions }] } = await client.query(`SELECT count(*)::int AS sessions FROM pg_stat_activity
      WHERE datname = current_database() AND application_name IN ('khabar', 'khabar-listen')`);
    if (sessions > 0) throw new Error(`${sessions} Khabar sessions are connected to this database: stop every instance first`);
  } finally {
    await client.end();
  }
}

function writeManifest(target: string, manifest: BackupManifest): BackupManifest {
  fs.writeFileSync(path.join(target, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function run(program: string, args: string[], hint: string): void {
  const result = spawnSync(program, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`${program} could not run (${result.error.message}): install the PostgreSQL client programs`);
  if (result.status !== 0) throw new Error(`${program} failed: ${result.stderr.trim()}\n(${hint})`);
}
