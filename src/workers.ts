import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from './config';
import { startKhabar, type Khabar } from './app';

/**
 * KHABAR_WORKERS: several processes serving one port (node:cluster). Each worker is a full instance, exactly as
 * several instances behind a load balancer are (its own pool, its own LISTEN and event feed, its own caches), so live
 * subscriptions resume and order as with one; the primary accepts connections and hands them to the workers in turn,
 * and otherwise only supervises: it replaces a worker that dies and stops them all on SIGTERM. What it owns is what
 * the workers must share and cannot each start: the embedded PostgreSQL when there is no DATABASE_URL.
 */

/** What a worker tells the primary once it serves. */
const READY = 'khabar:worker-ready';
/** A replacement that dies before it serves waits this long before the next, doubling up to the maximum. */
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

export interface Workers {
  /** The GraphQL endpoint all workers serve, e.g. http://localhost:4000/graphql */
  url: string;
  /** The worker processes serving now (a replaced one is no longer among them). */
  serving(): Worker[];
  stop(): Promise<void>;
}

export interface WorkerOptions {
  logger: Logger;
  /** The workers' script, by default this process's own (dist/src/main.js); the fan-out bench adds its probes. */
  exec?: string;
  /** The workers' Node flags, by default this process's own (`node --max-semi-space-size=32 dist/src/main.js` passes its flag on). */
  execArgv?: string[];
}

/** In the primary: starts `config.workers` workers, one first (it migrates and seeds), then the rest together. */
export async function startWorkers(config: Config, { logger, exec, execArgv }: WorkerOptions): Promise<Workers> {
  if (!cluster.isPrimary) throw new Error('startWorkers runs in the primary process');
  const stops: (() => Promise<void>)[] = [];
  const workerEnv: Record<string, string> = {};
  const serving = new Set<Worker>();
  const retries = new Set<NodeJS.Timeout>();
  let phase: 'starting' | 'serving' | 'stopping' = 'starting';
  let retryMs = 0;
  /** Rejected by the first worker that exits while the workers are starting: the start fails, as a lone instance's does. */
  let startFailed: (error: Error) => void = () => undefined;
  const startFailure = new Promise<never>((_, reject) => { startFailed = reject; });
  startFailure.catch(() => undefined);

  const stop = async () => {
    phase = 'stopping';
    for (const timer of retries) clearTimeout(timer);
    await Promise.all([...serving].map((worker) => stopWorker(worker, config.httpDrainMs + 10_000, logger)));
    for (const step of stops.splice(0).reverse()) await step();
  };

  /** Forks one worker; resolves with its URL once it serves, rejects if it exits first. */
  const fork = () => {
    const worker = cluster.fork(workerEnv);
    serving.add(worker);
    let served = false;
    return new Promise<string>((resolve, reject) => {
      worker.on('message', (message: { type?: string; url?: string }) => {
        if (message?.type !== READY || !message.url) return;
        served = true;
        resolve(message.url);
      });
      worker.once('exit', (code, signal) => {
        serving.delete(worker);
        const error = new Error(`worker ${worker.id} exited (${signal ?? `code ${code}`})`);
        reject(error);
        if (phase === 'starting') startFailed(error);
        else if (phase === 'serving') replace(worker, served, code, signal);
      });
    });
  };

  /** A worker that had served is replaced at once; one that died before it served, after a growing pause. */
  const replace = (dead: Worker, served: boolean, code: number | null, signal: string | null) => {
    retryMs = served ? 0 : Math.min(MAX_RETRY_MS, Math.max(FIRST_RETRY_MS, retryMs * 2));
    logger.error({ worker: dead.id, pid: dead.process.pid, code, signal, restartInMs: retryMs }, 'worker died; starting another');
    const timer = setTimeout(() => {
      retries.delete(timer);
      if (phase !== 'serving') return;
      fork().then((url) => logger.info({ url, workers: serving.size }, 'replacement worker ready'), () => undefined);
    }, retryMs);
    retries.add(timer);
  };

  try {
    if (!config.databaseUrl) {
      // One embedded PostgreSQL for all the workers; loaded on demand as in app.ts.
      const { startEmbeddedPostgres } = await import('./db/embedded.js');
      const embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort);
      stops.push(embedded.stop);
      workerEnv.DATABASE_URL = embedded.url;
      logger.info({ dataDir: config.dataDir, port: config.embeddedPgPort }, 'embedded PostgreSQL started');
    }
    if (exec || execArgv) cluster.setupPrimary({ ...(exec && { exec }), ...(execArgv && { execArgv }) });
    // The first worker alone: it migrates, seeds and writes DATA_DIR's generated secrets, which the others then read.
    const url = await Promise.race([fork(), startFailure]);
    await Promise.race([Promise.all(Array.from({ length: config.workers - 1 }, fork)), startFailure]);
    phase = 'serving';
    return { url, serving: () => [...serving], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** SIGTERM (the worker drains as a lone instance does), then SIGKILL if it has not exited within `graceMs`. */
function stopWorker(worker: Worker, graceMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    if (worker.isDead()) return resolve();
    const kill = setTimeout(() => {
      logger.error({ worker: worker.id, graceMs }, 'worker did not stop in time; killed');
      worker.process.kill('SIGKILL');
    }, graceMs);
    worker.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    worker.process.kill('SIGTERM');
  });
}

/** In a worker: one full instance, announced to the primary once it serves. */
export async function startWorker(config: Config, logger: Logger): Promise<Khabar> {
  const khabar = await startKhabar(config, { logger });
  process.send?.({ type: READY, url: khabar.url });
  return khabar;
}
