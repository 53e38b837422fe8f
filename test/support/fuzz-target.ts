import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Pool } from 'pg';
import { TokenService } from '../../src/auth/tokens';
import { checksumStatement, FuzzTarget } from './fuzzer';

export const FUZZ_JWT_SECRET = 'khabar-fuzz-secret-that-is-long-enough-for-hs256';

/** The project's root, from test/support or from dist/test/support once compiled. */
function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

export interface FuzzedProcess {
  target: FuzzTarget;
  child: ChildProcess;
  /** What it logged: stdout (pino JSON lines) and stderr (where Node reports unhandled rejections and crashes). */
  stdout: string[];
  stderr: string[];
  /** Lines of concern: pino level error and above, and anything on stderr that is not a deprecation or version warning. */
  troubles(): string[];
  stop(): Promise<void>;
}

/**
 * A real Khabar process (`node dist/src/main.js`) on `databaseUrl`, as the fuzzer's target: rate limits off so every
 * case reaches GraphQL, the rest as configured by default (response cache, persisted queries, limits).
 */
export async function startFuzzedProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<FuzzedProcess> {
  const child = spawn(process.execPath, [path.join(projectRoot(), 'dist/src/main.js')], {
    env: {
      PATH: process.env.PATH!, HOST: '127.0.0.1', PORT: '0', DATABASE_URL: databaseUrl, JWT_SECRET: FUZZ_JWT_SECRET, PUSH: 'false',
      KHABAR_SEED: 'none', MIGRATE_ON_START: 'false', LOG_LEVEL: 'info', RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_TOKEN: '0', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      const ready = /Khabar ready at (http[^"\s]+)/.exec(line);
      if (ready) resolve(ready[1]);
    });
    void exited.then((code) => reject(new Error(`khabar exited with ${code} before it was ready: ${stderr.join('\n')}`)));
  });
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  const { rows: tables } = await pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`);
  const statement = checksumStatement(tables.map((t) => t.name));
  const tokens = new TokenService(FUZZ_JWT_SECRET);
  const known = await knownValues(url);
  return {
    child, stdout, stderr,
    target: {
      url, known,
      tokens: { editor: await tokens.sign('EDITOR', 'fuzz editor'), admin: await tokens.sign('ADMIN', 'fuzz admin') },
      checksum: async () => (await pool.query<{ sum: string }>(statement)).rows[0].sum,
    },
    troubles: () => [
      ...stdout.filter((line) => {
        try {
          return (JSON.parse(line) as { level?: number }).level! >= 50;
        } catch {
          return true;
        }
      }),
      ...stderr.filter((line) => !/Warning|a\.co\/|upgrade to node|versions published|require node|^\s*$|To continue receiving|More information/i.test(line)),
    ],
    async stop() {
      await pool.end();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Slugs, ids, cursors and codes the database holds, read through the API as any client would. */
async function knownValues(url: string): Promise<string[]> {
  const res = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ articles(first: 10) { edges { cursor node { id slug people { slug id } category { slug } } } } tickers { id } regions { code } }' }),
  });
  const { data } = (await res.json()) as { data?: any };
  const values = new Set<string>(['MA-04', 'MA-KEN']);
  for (const { cursor, node } of data?.articles.edges ?? []) {
    [cursor, node.id, node.slug, node.category?.slug, ...node.people.flatMap((p: any) => [p.slug, p.id])].forEach((v) => v && values.add(v));
  }
  for (const ticker of data?.tickers ?? []) values.add(ticker.id);
  for (const region of (data?.regions ?? []).slice(0, 5)) values.add(region.code);
  return [...values];
}
