import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { TEST_JWT_SECRET } from './test-app';
import { eventually } from './eventually';

export const MAIN = path.resolve(__dirname, '../../dist/src/main.js');

export interface KhabarProcess {
  url: string;
  child: ChildProcess;
  /** What it logged on stdout, one JSON line each. */
  lines: string[];
  stop(): Promise<void>;
  /** Sends `signal` to the process, or to its whole process group as a terminal's Ctrl-C does; resolves once it exited. */
  signal(signal: NodeJS.Signals, to: 'process' | 'group'): Promise<{ code: number | null; ms: number }>;
}

/** `node dist/src/main.js` (compiled by `npm test`), as a replica of the compose file runs it; `ownGroup` as a terminal runs it. */
export async function startProcess(env: Record<string, string>, { ownGroup = false } = {}): Promise<KhabarProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH!, HOST: '127.0.0.1', PORT: '0', KHABAR_SEED: 'none', MIGRATE_ON_START: 'false', JWT_SECRET: TEST_JWT_SECRET, PUSH: 'false', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: ownGroup,
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      const ready = /Khabar ready at (http[^"\s]+)/.exec(line);
      if (ready) resolve(ready[1]);
    });
    void exited.then((code) => reject(new Error(`khabar exited with ${code} before it was ready`)));
  });
  return {
    url,
    child,
    lines,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
    async signal(signal, to) {
      const sent = Date.now();
      if (to === 'group') process.kill(-child.pid!, signal);
      else child.kill(signal);
      const code = await exited;
      return { code, ms: Date.now() - sent };
    },
  };
}

export interface Answer {
  status: number;
  cache: string | null;
  body: any;
}

/** One GraphQL request over HTTP to a Khabar process; fails on a body that is not JSON. */
export async function gql(url: string, query: string, variables?: Record<string, unknown>, token?: string): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  if (!text.startsWith('{')) throw new Error(`${res.status} from ${url}: ${text.slice(0, 300)}`);
  return { status: res.status, cache: res.headers.get('x-khabar-cache'), body: JSON.parse(text) as any };
}

/** Waits until a process serves `count` live subscriptions, as its metrics say (it is not this test's process). */
export async function subscriptionsActive(url: string, count: number): Promise<void> {
  await eventually(() => fetch(url.replace(/\/graphql$/, '/metrics')).then((res) => res.text()),
    (metrics) => new RegExp(`^khabar_subscriptions_active ${count}$`, 'm').test(metrics),
    { timeoutMs: 20_000, what: `${count} active subscriptions in ${url}'s metrics` });
}

/** The lines a process logged at level error or above (pino: 50 and 60). */
export function errorLines(lines: string[]): string[] {
  return lines.filter((line) => /"level":(50|60)/.test(line));
}
