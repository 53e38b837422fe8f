import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { freePort } from '../../scripts/free-port';
import { eventually } from './eventually';

const DEFAULT_URL = 'redis://127.0.0.1:6379';

/** The Redis tests may share: REDIS_URL (CI sets it), else one answering on the default port, else none. */
export function sharedRedisUrl(): string | undefined {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const ping = spawnSync('redis-cli', ['-u', DEFAULT_URL, 'ping'], { encoding: 'utf8', timeout: 2_000 });
  return ping.stdout?.trim() === 'PONG' ? DEFAULT_URL : undefined;
}

/** Whether a test can start a Redis of its own (redis-server on the PATH, as in CI). */
export const redisServerInstalled = spawnSync('redis-server', ['--version']).status === 0;

export interface OwnRedis {
  url: string;
  readonly process: ChildProcess;
  /** SIGKILL, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** A new (empty) redis-server on the same port, as after a restart; resolves once it answers. */
  restart(): Promise<void>;
}

/** A redis-server of the test's own on a free port, for tests that take Redis away. */
export async function startRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess;
  let exited: Promise<void>;
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await eventually(() => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim(), (reply) => reply === 'PONG',
        { what: `redis-server on port ${port} to answer` });
    } catch (error) {
      await kill();
      throw error;
    }
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    get process() {
      return child;
    },
    kill,
    async restart() {
      await kill();
      await start();
    },
  };
}
